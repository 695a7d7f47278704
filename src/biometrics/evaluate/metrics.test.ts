import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorRates, operatingPoints, thresholdForFmr } from './metrics.ts';

describe('error rates', () => {
  it('are all zero when every genuine score beats every impostor score', () => {
    const r = errorRates([5, 6, 7], [1, 2, 3]);
    expect(r).toMatchObject({ eer: 0, fmr100: 0, fmr1000: 0, zeroFmr: 0 });
  });

  it('give an EER of one half when genuine and impostor scores are identical', () => {
    const r = errorRates([1, 2, 3, 4], [1, 2, 3, 4]);
    expect(r.eer).toBeCloseTo(0.5, 10);
  });

  it('find the crossing of FMR and FNMR on a hand-worked example', () => {
    // genuine 3..12, impostor 0..9: at t = 8 FNMR = 5/10 (3..7 rejected), FMR = 2/10 (8, 9).
    // At t = 6: FNMR = 3/10, FMR = 4/10. At t = 7: FNMR = 4/10, FMR = 3/10.
    const genuine = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const impostor = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const r = errorRates(genuine, impostor);
    expect(r.eerLow).toBeCloseTo(0.3, 10);
    expect(r.eerHigh).toBeCloseTo(0.4, 10);
    expect(r.eer).toBeCloseTo(0.35, 10);
    // ZeroFMR: threshold above 9 → genuine 3..9 rejected = 7/10.
    expect(r.zeroFmr).toBeCloseTo(0.7, 10);
  });

  it('read FMR100 as the lowest FNMR with at most 1 % false matches', () => {
    const impostor = Array.from({ length: 1000 }, (_, k) => k / 1000); // 0 … 0.999
    const genuine = Array.from({ length: 100 }, (_, k) => 0.95 + k / 1000); // 0.95 … 1.049
    const r = errorRates(genuine, impostor);
    // FMR ≤ 1 % needs t > 0.989 → ten impostors at 0.990..0.999; genuine below 0.99: 0.95..0.989 = 40.
    expect(r.fmr100).toBeCloseTo(0.4, 10);
  });

  it('refuse empty or non-finite score lists with a clear error', () => {
    expect(() => errorRates([], [1])).toThrow(/at least one/);
    expect(() => errorRates([Number.NaN], [1])).toThrow(/not finite/);
  });

  it('always lie between 0 and 1 with FMR100 ≤ FMR1000 ≤ ZeroFMR', () => {
    const scores = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(scores, scores, (g, i) => {
        const r = errorRates(g, i);
        for (const v of [r.eer, r.fmr100, r.fmr1000, r.zeroFmr]) expect(v >= 0 && v <= 1).toBe(true);
        expect(r.fmr100 <= r.fmr1000 && r.fmr1000 <= r.zeroFmr).toBe(true);
        const points = operatingPoints(g, i);
        for (let k = 1; k < points.length; k++) {
          expect(points[k].fnmr).toBeGreaterThanOrEqual(points[k - 1].fnmr);
          expect(points[k].fmr).toBeLessThanOrEqual(points[k - 1].fmr);
        }
      }),
    );
  });
});

describe('the threshold for a target FMR', () => {
  it('lets through no more impostors than the target allows', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (impostor, fmr) => {
        const t = thresholdForFmr(impostor, fmr);
        const accepted = impostor.filter((s) => s >= t).length;
        expect(accepted).toBeLessThanOrEqual(Math.floor(fmr * impostor.length + 1e-9));
      }),
    );
  });

  it('sits just above the highest impostor when the target is zero', () => {
    const t = thresholdForFmr([0.1, 0.5, 0.3], 0);
    expect(t).toBeGreaterThan(0.5);
    expect(t).toBeLessThan(0.5001);
  });
});
