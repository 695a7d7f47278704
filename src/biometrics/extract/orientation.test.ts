import { describe, expect, it } from 'vitest';
import { angleAt, blockAngle, blockTensor, rawOrientation, smoothOrientation } from './orientation.ts';
import { stripes, withNoise } from './synthetic.ts';

function angleError(a: number, b: number): number {
  const d = Math.abs(a - b) % Math.PI;
  return Math.min(d, Math.PI - d);
}

describe('orientation field', () => {
  for (const deg of [0, 30, 45, 90, 135, 160]) {
    it(`recovers the direction of straight ridges at ${deg}°`, () => {
      const th = (deg * Math.PI) / 180;
      const img = stripes(128, 128, th, 9);
      const f = rawOrientation(blockTensor(img.pixels, 128, 128, 8), 1);
      for (let by = 2; by < f.bh - 2; by++)
        for (let bx = 2; bx < f.bw - 2; bx++) {
          expect(angleError(blockAngle(f, by * f.bw + bx), th)).toBeLessThan(0.05);
          expect(f.coherence[by * f.bw + bx]).toBeGreaterThan(0.9);
        }
    });
  }

  it('gives zero coherence and energy on a constant image', () => {
    const pixels = new Uint8Array(64 * 64).fill(90);
    const f = rawOrientation(blockTensor(pixels, 64, 64, 8), 1);
    expect(Math.max(...f.coherence)).toBe(0);
    expect(Math.max(...f.energy)).toBe(0);
  });

  it('smooths noise out of the doubled-angle field and interpolates between blocks', () => {
    const th = 0.7;
    const img = withNoise(stripes(128, 128, th, 10), 90, 3);
    const raw = rawOrientation(blockTensor(img.pixels, 128, 128, 8), 1);
    const mask = new Uint8Array(raw.bw * raw.bh).fill(1);
    const f = smoothOrientation(raw, mask, 1.5);
    for (let y = 20; y < 108; y += 7) for (let x = 20; x < 108; x += 7) expect(angleError(angleAt(f, x, y), th)).toBeLessThan(0.12);
  });
});
