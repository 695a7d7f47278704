import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { StatsError } from './errors.ts';
import { controlLimits, funnel, scaleOps } from './funnel.ts';
import { review } from './review.ts';
import { binomialDraw, sizedStudies } from './simulate.ts';
import { normalQuantile, normalUpper } from './special.ts';

const logit = (p: number): number => Math.log(p / (1 - p));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** Units whose true logit rate is N(logit 0.02, τ²), sizes log-uniform over [645, 3.5 M], exact binomial counts. */
function logitUnits(seed: string, tau2: number, count = 200): { id: string; count: number; total: number }[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const total = Math.round(Math.exp(Math.log(645) + (Math.log(3.5e6) - Math.log(645)) * rng.next()));
    return { id: `U${i}`, count: binomialDraw(rng, total, expit(logit(0.02) + rng.normal(0, Math.sqrt(tau2)))), total };
  });
}

describe('the funnel on the logit scale', () => {
  const units = [
    { id: 'zero', count: 0, total: 40 },
    { id: 'all', count: 25, total: 25 },
    ...[12, 15, 9, 20, 14, 11, 18, 30].map((c, i) => ({ id: `u${i}`, count: c, total: 100 + 20 * i })),
  ];

  it('compares logits with the binomial variance at the target, ½ added to both cells of a 0 or n count, and says so', () => {
    const fit = funnel(units, { scale: 'logit' });
    const theta = fit.target;
    expect(fit.scale).toBe('logit');
    expect(fit.note).toMatch(/on the logit scale/);
    expect(fit.note).toMatch(/2 unit\(s\) with a count of 0 or all: ½ added to both cells/);
    for (const p of fit.units) {
      const x = p.count === 0 || p.count === p.total ? Math.log((p.count + 0.5) / (p.total - p.count + 0.5)) : logit(p.count / p.total);
      const v = 1 / (p.total * theta * (1 - theta));
      expect(p.z).toBeCloseTo((x - logit(theta)) / Math.sqrt(v), 12);
      expect(p.zAdjusted).toBeCloseTo((x - logit(theta)) / Math.sqrt(v + fit.tau2), 12);
      expect(p.pHigh).toBeCloseTo(normalUpper(p.zAdjusted), 12);
    }
    // Limits: expit(logit θ0 ± k √(1/(nθ0(1−θ0)) + τ̂²)).
    const [l95, l998] = controlLimits(fit, 250);
    const sd = Math.sqrt(1 / (250 * theta * (1 - theta)) + fit.tau2);
    expect(l95.upper).toBeCloseTo(expit(logit(theta) + normalQuantile(0.975) * sd), 12);
    expect(l998.lower).toBeCloseTo(expit(logit(theta) - normalQuantile(0.999) * sd), 12);
  });

  it('is not the arcsine funnel: τ̂² is on the scale asked for, and the default stays arcsine', () => {
    const a = funnel(units);
    const l = funnel(units, { scale: 'logit' });
    expect(a.scale).toBe('arcsine');
    expect(l.tau2).not.toBeCloseTo(a.tau2, 6);
    expect(() => funnel(units, { scale: 'probit' as never })).toThrow(StatsError);
  });

  it('centres a target of 0 or 1 ½/(N+1) from the edge instead of at ±∞', () => {
    const none = [
      { id: 'a', count: 0, total: 50 },
      { id: 'b', count: 0, total: 70 },
    ];
    const fit = funnel(none, { scale: 'logit' });
    expect(fit.scaleTarget).toBeCloseTo(0.5 / 121, 15);
    expect(fit.note).toMatch(/has no logit/);
    for (const p of fit.units) expect(Number.isFinite(p.zAdjusted)).toBe(true);
  });

  for (const tau2 of [0.1, 0.5]) {
    it(`estimates a logit-scale τ² = ${tau2} within 15 % when sizes range from 645 to 3.5 M (Paule–Mandel on the logits)`, () => {
      let sum = 0;
      const reps = 30;
      for (let r = 0; r < reps; r++) sum += funnel(logitUnits(`logit-tau2/${tau2}/${r}`, tau2), { scale: 'logit' }).tau2;
      expect(sum / reps / tau2).toBeGreaterThan(0.85);
      expect(sum / reps / tau2).toBeLessThan(1.15);
    });
  }

  it('flags exactly the units above their 99.8 % limit, never produces NaN, with counts of 0 and n and any target (fast-check)', () => {
    const k = normalQuantile(0.999);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 2, maxLength: 30 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (pairs, target) => {
          const us = pairs.map(([n, f], i) => ({ id: `u${i}`, count: Math.round(n * f), total: n }));
          const fit = funnel(us, { scale: 'logit', target });
          for (const p of fit.units) {
            expect(Number.isFinite(p.zAdjusted) && Number.isFinite(p.pHigh)).toBe(true);
            const [l95, l998] = controlLimits(fit, p.total);
            for (const l of [l95, l998]) expect(l.lower >= 0 && l.lower <= l.upper && l.upper <= 1).toBe(true);
            // Away from the corrected counts and from a tie at the limit, z > k ⇔ share above the upper limit.
            if (p.count > 0 && p.count < p.total && Math.abs(p.zAdjusted - k) > 1e-9) expect(p.zAdjusted > k).toBe(p.proportion > l998.upper);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the review on the logit scale', () => {
  const units = [
    { id: 'big', group: 'AZ', count: 300, total: 900 },
    ...[26, 25, 27, 24, 23, 28, 26, 25, 27, 24].map((count, i) => ({ id: `n${i}`, group: 'AZ', count: count + i, total: 100 + 37 * i })),
    { id: 'none', group: 'AZ', count: 0, total: 60 },
  ];

  it('reports its scale, and leaving one out compares logits with the rest’s own variance at the rest’s rate', () => {
    const r = review({ quarter: 'Q', units }, { scale: 'logit', reference: 'leave-one-out' });
    expect(r.thresholds.scale).toBe('logit');
    const fit = r.groups[0].funnel;
    expect(fit.scale).toBe('logit');
    const N = units.reduce((a, u) => a + u.total, 0);
    const C = units.reduce((a, u) => a + u.count, 0);
    const sumN2 = units.reduce((a, u) => a + u.total ** 2, 0);
    for (const u of r.units) {
      const src = units.find((x) => x.id === u.id)!;
      const restN = N - src.total;
      const theta = (C - src.count) / restN;
      const x = src.count === 0 ? Math.log(0.5 / (src.total + 0.5)) : logit(src.count / src.total);
      const v = 1 / (src.total * theta * (1 - theta)) + fit.tau2 + 1 / (restN * theta * (1 - theta)) + (fit.tau2 * (sumN2 - src.total ** 2)) / restN ** 2;
      expect(u.expected).toBeCloseTo(theta, 12);
      expect(u.z).toBeCloseTo((x - logit(theta)) / Math.sqrt(v), 10);
      expect(u.limits![1].upper).toBeCloseTo(expit(logit(theta) + normalQuantile(0.999) * Math.sqrt(v)), 10);
    }
  });

  it('gives every judged unit its limits under either scale, and the arcsine scale by default', () => {
    expect(review({ quarter: 'Q', units }).thresholds.scale).toBe('arcsine');
    for (const scale of ['arcsine', 'logit'] as const) {
      for (const u of review({ quarter: 'Q', units }, { scale }).units) expect(u.limits).toHaveLength(2);
    }
  });
});

describe('the planted-outlier study', () => {
  it('draws binomial counts with the right mean, variance and chance of 0 when the expected count is small (exact inversion)', () => {
    const rng = createRng('binomial');
    const n = 645;
    const p = 0.004;
    const draws = Array.from({ length: 20000 }, () => binomialDraw(rng, n, p));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1);
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / draws.length));
    expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95);
    expect(variance / (n * p * (1 - p))).toBeLessThan(1.05);
    const zeros = draws.filter((d) => d === 0).length / draws.length;
    expect(Math.abs(zeros - (1 - p) ** n)).toBeLessThan(4 * Math.sqrt(((1 - p) ** n * (1 - (1 - p) ** n)) / draws.length));
    for (const d of draws) expect(Number.isInteger(d) && d >= 0 && d <= n).toBe(true);
    expect(binomialDraw(rng, 10, 1)).toBe(10);
    expect(binomialDraw(rng, 10, 0)).toBe(0);
  });

  const sizes = Array.from({ length: 300 }, (_, i) => Math.round(645 * (3.5e6 / 645) ** (i / 299)));

  it('in the null scenario every flag is false: FDR is the share of replications with a flag, and recall is 1', () => {
    const [s] = sizedStudies(sizes, 6, (r) => createRng(`null/${r}`), { tau2: 2.4e-3, baseShare: 0.023, outlierShare: 0 }, [{ tau2Method: 'winsorised' }]);
    expect(s.falseFlags).toBe(s.flags);
    expect(s.fdr).toBeCloseTo(s.anyFalseFlag, 12);
    expect(s.recall).toBe(1);
    // The winsorised τ̂² is too small on sizes this wide: it flags ordinary spread.
    expect(s.falseFlags).toBeGreaterThan(1);
  });

  it('reviews the same replications under every option set (paired), and each scale holds its FDR under its own truth', () => {
    for (const scale of ['arcsine', 'logit'] as const) {
      const tau2 = scale === 'arcsine' ? 2.4e-3 : 1;
      const study = { tau2, baseShare: 0.023, scale, outlierShare: 0 };
      const [a, b] = sizedStudies(sizes, 10, (r) => createRng(`own/${scale}/${r}`), study, [{ scale }, { scale }]);
      expect(b).toEqual(a);
      expect(a.falseFlags).toBeLessThan(0.5);
      expect(a.tau2Mean / tau2).toBeGreaterThan(0.85);
      expect(a.tau2Mean / tau2).toBeLessThan(1.15);
    }
  });

  it('deals empirical rates to the units and refuses a list of the wrong length', () => {
    const rates = sizes.map((_, i) => 0.01 + 0.02 * (i % 3));
    const [s] = sizedStudies(sizes, 2, (r) => createRng(`emp/${r}`), { tau2: 2.4e-3, baseShare: 0.023, rates, outlierShare: 0 }, [{}]);
    expect(s.replications).toBe(2);
    expect(() => sizedStudies(sizes, 2, (r) => createRng(`emp/${r}`), { tau2: 1e-3, baseShare: 0.02, rates: [0.1] }, [{}])).toThrow(StatsError);
    expect(scaleOps('logit').back(scaleOps('logit').of(0.3))).toBeCloseTo(0.3, 14);
  });
});
