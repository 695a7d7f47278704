import { describe, expect, it } from 'vitest';
import { adjustPValues, benjaminiHochberg } from './fdr.ts';

describe('Benjamini–Hochberg', () => {
  const p = [0.5, 0.01, 0.001, 0.69, 0.02, 0.05, 0.0025];

  it('rejects the 2nd, 3rd, 5th and 7th of the reference vector at q = 0.05', () => {
    const r = benjaminiHochberg(p, 0.05);
    expect(r.rejected).toEqual([false, true, true, false, true, false, true]);
    expect(r.count).toBe(4);
  });

  it('gives the same adjusted values as R p.adjust(method = "BH")', () => {
    // p.adjust(c(0.5,0.01,0.001,0.69,0.02,0.05,0.0025), "BH")
    const expected = [0.5833333333, 0.0233333333, 0.007, 0.69, 0.035, 0.07, 0.00875];
    adjustPValues(p).forEach((q, i) => expect(q).toBeCloseTo(expected[i], 9));
  });

  it('Benjamini–Yekutieli is BH times the harmonic sum, capped at 1', () => {
    const c = 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6 + 1 / 7;
    const bh = adjustPValues(p, 'bh');
    adjustPValues(p, 'by').forEach((q, i) => expect(q).toBeCloseTo(Math.min(1, bh[i] * c), 12));
  });

  it('an empty list rejects nothing and a bad p-value is refused', () => {
    expect(benjaminiHochberg([]).count).toBe(0);
    expect(() => adjustPValues([0.1, Number.NaN])).toThrow(/p-value #2/);
    expect(() => adjustPValues([1.5])).toThrow();
  });
});
