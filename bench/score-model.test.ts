import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gammaUpperTail } from '../src/biometrics/search/index.ts';
import { exactInterval, quantile, tailModel } from './score-model.ts';

/** Per-finger scores of a perfectly calibrated comparator: s = 10 · log10(1/U), U uniform (deterministic grid). */
function calibratedScores(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (10 * -Math.log((i + 0.5) / n)) / Math.LN10);
}

describe('tenprint tail model', () => {
  it('agrees with the Gamma model when the per-finger scores follow the nominal calibration', () => {
    const model = tailModel(calibratedScores(200_000), 10);
    for (const t of [60, 100, 140]) {
      const x = (t * Math.LN10) / 10;
      const expected = gammaUpperTail(10, x);
      expect(Math.abs(Math.log(model.identityTail(t) / expected))).toBeLessThan(0.25);
    }
  });

  it('gives a threshold whose modelled FPIR is at most the target, and a higher one for a smaller target or a larger gallery', () => {
    const model = tailModel(calibratedScores(50_000), 10);
    const t1 = model.threshold(0.01, 1000);
    const t01 = model.threshold(0.001, 1000);
    expect(model.fpir(t1, 1000)).toBeLessThanOrEqual(0.01);
    expect(model.fpir(t01, 1000)).toBeLessThanOrEqual(0.001);
    expect(t01).toBeGreaterThan(t1);
    expect(model.threshold(0.001, 100_000)).toBeGreaterThan(t01);
  });

  it('has a tail that never increases with the threshold, for any non-negative scores', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (scores, m) => {
        const model = tailModel(scores, m);
        let last = 1;
        for (let t = 0; t <= 200 * m + 1; t += 7.3) {
          const p = model.identityTail(t);
          expect(p).toBeLessThanOrEqual(last + 1e-12);
          expect(p).toBeGreaterThanOrEqual(0);
          last = p;
        }
        expect(model.identityTail(0)).toBe(1);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an empty score list', () => {
    expect(() => tailModel([], 10)).toThrow(RangeError);
  });
});

describe('exact binomial interval', () => {
  it('contains the observed proportion and matches the rule of three at zero events', () => {
    expect(exactInterval(0, 200).upper).toBeCloseTo(1 - 0.025 ** (1 / 200), 6);
    const { lower, upper } = exactInterval(10, 1000);
    expect(lower).toBeLessThan(0.01);
    expect(upper).toBeGreaterThan(0.01);
    expect(exactInterval(5, 5).upper).toBe(1);
  });

  it('quantile picks the nearest rank', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
