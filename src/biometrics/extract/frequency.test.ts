import { describe, expect, it } from 'vitest';
import { periodOf, ridgePeriods } from './frequency.ts';
import { blockTensor, rawOrientation, smoothOrientation } from './orientation.ts';
import { stripes } from './synthetic.ts';

describe('ridge period', () => {
  for (const period of [6, 9, 12]) {
    it(`measures a period of ${period} px on oblique stripes`, () => {
      const img = stripes(160, 160, 0.4, period);
      const raw = rawOrientation(blockTensor(img.pixels, 160, 160, 8), 1);
      const mask = new Uint8Array(raw.bw * raw.bh).fill(1);
      const f = smoothOrientation(raw, mask);
      const per = ridgePeriods(img.pixels, 160, 160, f, mask);
      for (let by = 4; by < f.bh - 4; by++) for (let bx = 4; bx < f.bw - 4; bx++) expect(Math.abs(per[by * f.bw + bx] - period)).toBeLessThan(0.6);
    });
  }

  it('rejects a flat signature', () => {
    const sig = new Float32Array(32).fill(100);
    expect(periodOf(sig, new Float32Array(32), 32)).toBe(0);
  });

  it('rejects a signature whose dips are too far apart to be ridges', () => {
    const sig = new Float32Array(32).map((_, k) => 128 + 60 * Math.cos((2 * Math.PI * k) / 30));
    expect(periodOf(sig, new Float32Array(32), 32)).toBe(0);
  });
});
