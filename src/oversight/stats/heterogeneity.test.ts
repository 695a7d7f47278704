import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { funnel } from './funnel.ts';
import { chiSquareUpperQuantile, generalisedQ, pauleMandel } from './heterogeneity.ts';

/** Units whose true arcsine-scale rate is N(asin√0.02, τ²), sizes log-uniform over [minN, maxN]. */
function simulated(seed: string, tau2: number, minN: number, maxN: number, count = 200): { id: string; count: number; total: number }[] {
  const rng = createRng(seed);
  const t0 = Math.asin(Math.sqrt(0.02));
  return Array.from({ length: count }, (_, i) => {
    const total = Math.round(Math.exp(Math.log(minN) + (Math.log(maxN) - Math.log(minN)) * rng.next()));
    const x = t0 + rng.normal(0, Math.sqrt(tau2)) + rng.normal(0, 1 / (2 * Math.sqrt(total)));
    const p = Math.sin(Math.min(Math.PI / 2, Math.max(0, x))) ** 2;
    return { id: `U${i}`, count: Math.round(p * total), total };
  });
}

describe('the between-unit variance τ̂²', () => {
  // Sizes as wide as the policing file's county totals (645 to 3.5 M stops).
  for (const tau2 of [2e-4, 1e-3, 4e-3]) {
    it(`is close to unbiased (within 15 %) for τ² = ${tau2} when unit sizes range from 645 to 3.5 M`, () => {
      let sum = 0;
      const reps = 40;
      for (let r = 0; r < reps; r++) sum += funnel(simulated(`tau2/${tau2}/${r}`, tau2, 645, 3.5e6)).tau2;
      expect(sum / reps / tau2).toBeGreaterThan(0.85);
      expect(sum / reps / tau2).toBeLessThan(1.15);
    });
  }

  it('comes with a Q-profile interval that covers the true τ² about 95 % of the time', () => {
    let covered = 0;
    const reps = 100;
    for (let r = 0; r < reps; r++) {
      const fit = funnel(simulated(`cover/${r}`, 1e-3, 645, 3.5e6, 100));
      if (fit.tau2Interval.lower <= 1e-3 && 1e-3 <= fit.tau2Interval.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(88);
  });

  it('solves Q(τ̂²) = I − 1 and brackets τ̂² by its interval, for any data (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 1e-7, max: 1, noNaN: true })), { minLength: 2, maxLength: 40 }),
        (pairs) => {
          const x = pairs.map((p) => p[0]);
          const v = pairs.map((p) => p[1]);
          const e = pauleMandel(x, v);
          for (const k of [e.tau2, e.lower, e.upper]) expect(Number.isFinite(k) && k >= 0).toBe(true);
          expect(e.lower).toBeLessThanOrEqual(e.tau2);
          expect(e.tau2).toBeLessThanOrEqual(e.upper);
          if (e.tau2 > 0) expect(generalisedQ(x, v, e.tau2)).toBeCloseTo(x.length - 1, 6);
          else expect(generalisedQ(x, v, 0)).toBeLessThanOrEqual(x.length - 1);
        },
      ),
    );
  });

  it('χ² quantiles match R’s qchisq', () => {
    expect(chiSquareUpperQuantile(0.025, 9)).toBeCloseTo(19.02276780, 6);
    expect(chiSquareUpperQuantile(0.975, 9)).toBeCloseTo(2.70038950, 6);
  });

  it('refuses mismatched lengths and non-positive variances with a typed error', () => {
    expect(() => pauleMandel([1, 2], [1])).toThrow(/variances/);
    expect(() => pauleMandel([1, 2], [1, 0])).toThrow(/positive/);
  });
});

describe('the outlier-resistant τ̂²', () => {
  it('is not inflated by 5 % planted outliers, which it sets aside', () => {
    let sum = 0;
    const reps = 40;
    for (let r = 0; r < reps; r++) {
      const units = simulated(`planted/${r}`, 1e-3, 645, 3.5e6);
      // Ten units moved up by 0.2 on the arcsine scale (≈ 6 between-unit SDs).
      for (let i = 0; i < 10; i++) {
        const x = Math.asin(Math.sqrt(units[i].count / units[i].total)) + 0.2;
        units[i].count = Math.round(Math.sin(x) ** 2 * units[i].total);
      }
      sum += funnel(units).tau2;
    }
    expect(sum / reps / 1e-3).toBeGreaterThan(0.85);
    expect(sum / reps / 1e-3).toBeLessThan(1.15);
  });
});
