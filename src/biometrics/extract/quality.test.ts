import { describe, expect, it } from 'vitest';
import { imageQuality, minutiaQuality } from './quality.ts';

describe('quality', () => {
  it('scores an image with no foreground 0', () => {
    expect(imageQuality(new Uint8Array(100), new Float32Array(100).fill(1), 8)).toBe(0);
  });

  it('scores a large, coherent print high and a small or incoherent one lower', () => {
    const n = 40 * 40;
    const all = new Uint8Array(n).fill(1);
    const good = imageQuality(all, new Float32Array(n).fill(0.7), 8);
    const blurry = imageQuality(all, new Float32Array(n).fill(0.25), 8);
    const small = new Uint8Array(n);
    small.fill(1, 0, 100);
    const tiny = imageQuality(small, new Float32Array(n).fill(0.7), 8);
    expect(good).toBe(100);
    expect(blurry).toBeLessThan(30);
    expect(tiny).toBeLessThan(good);
  });

  it('rates minutiae lower near the foreground edge and keeps them in 1–100', () => {
    expect(minutiaQuality(0.9, 50, 9)).toBeGreaterThan(minutiaQuality(0.9, 5, 9));
    expect(minutiaQuality(0, 0, 9)).toBe(1);
    expect(minutiaQuality(1, 1000, 9)).toBe(100);
  });
});
