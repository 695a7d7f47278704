import { describe, expect, it } from 'vitest';
import { enhance } from './enhance.ts';
import { blockTensor, rawOrientation, smoothOrientation } from './orientation.ts';
import { stripes, withNoise } from './synthetic.ts';

describe('contextual enhancement', () => {
  it('restores the ridge pattern of heavily noisy stripes (positive on ridges)', () => {
    const clean = stripes(128, 128, 0.9, 10);
    const noisy = withNoise(clean, 140, 11);
    const raw = rawOrientation(blockTensor(noisy.pixels, 128, 128, 8), 1);
    const mask = new Uint8Array(raw.bw * raw.bh).fill(1);
    const f = smoothOrientation(raw, mask);
    const out = enhance({ pixels: noisy.pixels, width: 128, height: 128, orientation: f, period: new Float32Array(mask.length).fill(10), blockMask: mask });
    let agree = 0;
    let total = 0;
    for (let y = 16; y < 112; y++)
      for (let x = 16; x < 112; x++) {
        const v = clean.pixels[y * 128 + x];
        if (Math.abs(v - 128) < 40) continue; // skip the ridge/valley transitions
        total++;
        if (out[y * 128 + x] > 0 === v < 128) agree++;
      }
    expect(agree / total).toBeGreaterThan(0.95);
  });

  it('leaves background blocks at zero', () => {
    const img = stripes(64, 64, 0, 9);
    const raw = rawOrientation(blockTensor(img.pixels, 64, 64, 8), 1);
    const mask = new Uint8Array(raw.bw * raw.bh);
    mask[3 * raw.bw + 3] = 1;
    const out = enhance({ pixels: img.pixels, width: 64, height: 64, orientation: raw, period: new Float32Array(mask.length).fill(9), blockMask: mask });
    expect(out[0]).toBe(0);
    expect(out.some((v) => v !== 0)).toBe(true);
  });
});
