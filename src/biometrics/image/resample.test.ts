import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { resampleTo } from './resample.ts';
import type { GrayImage } from './gray-image.ts';

function ramp(width: number, height: number, ppi: number): GrayImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = Math.min(255, x * 2);
  return { width, height, ppi, pixels };
}

describe('resampleTo', () => {
  it('returns an image already at 500 ppi unchanged', () => {
    const img = ramp(10, 10, 500);
    expect(resampleTo(img)).toBe(img);
  });

  it('scales the dimensions of a 569 ppi FVC2002 DB2 image to 500 ppi', () => {
    const out = resampleTo(ramp(296, 560, 569));
    expect(out.width).toBe(260);
    expect(out.height).toBe(492);
    expect(out.ppi).toBe(500);
  });

  it('keeps a constant image constant', () => {
    const img: GrayImage = { width: 37, height: 23, ppi: 569, pixels: new Uint8Array(37 * 23).fill(131) };
    const out = resampleTo(img);
    expect(out.pixels.every((v) => v === 131)).toBe(true);
  });

  it('keeps a linear ramp linear when interpolating', () => {
    const out = resampleTo(ramp(100, 4, 569));
    const row = Array.from(out.pixels.subarray(0, out.width));
    for (let x = 2; x < out.width - 2; x++) expect(Math.abs(row[x] - ((x + 0.5) * (569 / 500) - 0.5) * 2)).toBeLessThanOrEqual(1);
  });

  it('averages over the footprint when shrinking strongly', () => {
    const pixels = new Uint8Array(64 * 64);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i % 64) % 2 === 0 ? 0 : 200; // 1-px stripes
    const out = resampleTo({ width: 64, height: 64, ppi: 1000, pixels }, 250);
    expect(out.width).toBe(16);
    for (const v of out.pixels) expect(Math.abs(v - 100)).toBeLessThanOrEqual(1);
  });

  it('handles a 1 × 1 image', () => {
    const out = resampleTo({ width: 1, height: 1, ppi: 300, pixels: new Uint8Array([77]) });
    expect(out.width).toBe(2);
    expect(Array.from(out.pixels)).toEqual([77, 77, 77, 77]);
  });

  it('refuses an implausible resolution with a typed error', () => {
    expect(() => resampleTo(ramp(4, 4, 50))).toThrow(BiometricError);
  });
});
