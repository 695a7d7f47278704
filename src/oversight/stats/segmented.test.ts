import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { segmentedRegression, type MonthlyCount, type SegmentedErrors } from './segmented.ts';

function series(f: (t: number) => number, from: number, to: number, total = 1000): MonthlyCount[] {
  const out: MonthlyCount[] = [];
  for (let t = from; t <= to; t++) out.push({ period: t, count: Math.round(f(t) * total), total });
  return out;
}

describe('segmented regression', () => {
  it('recovers a planted level and slope change against a flat state series', () => {
    const state = series(() => 0.2, 0, 35);
    // Jurisdiction: 0.2 before month 18, then +0.1 and +0.005 a month; a tiny wiggle keeps residuals non-zero.
    const j = series((t) => 0.2 + (t >= 18 ? 0.1 + 0.005 * (t - 18) : 0) + (t % 2 === 0 ? 0.002 : -0.002), 0, 35);
    const r = segmentedRegression(j, 18, state);
    expect(r.status).toBe('ok');
    expect(r.levelChange!.estimate).toBeCloseTo(0.1, 2);
    expect(r.slopeChange!.estimate).toBeCloseTo(0.005, 3);
    expect(r.levelChange!.p).toBeLessThan(1e-6);
    expect(r.lag).toBe(Math.floor(4 * (36 / 100) ** (2 / 9)));
  });

  it('a statewide shift shared by the jurisdiction cancels in the difference', () => {
    const shift = (t: number) => 0.2 + (t >= 12 ? 0.15 : 0) + 0.001 * ((t * 7) % 5);
    const r = segmentedRegression(series(shift, 0, 29), 12, series((t) => 0.2 + (t >= 12 ? 0.15 : 0), 0, 29));
    expect(Math.abs(r.levelChange!.estimate)).toBeLessThan(0.01);
  });

  it('a short series is reported as too short, with no estimates and no NaN', () => {
    const r = segmentedRegression(series(() => 0.3, 0, 4), 3);
    expect(r.status).toBe('too-short');
    expect(r.levelChange).toBeNull();
    expect(r.note).toMatch(/too short/);
  });

  it('months with no bookings are skipped and said so', () => {
    const s = series(() => 0.3, 0, 20).map((m) => (m.period === 5 ? { ...m, count: 0, total: 0 } : m));
    const r = segmentedRegression(s, 10);
    expect(r.months).toBe(20);
    expect(r.note).toMatch(/1 month\(s\) skipped/);
    expect(r.note).toMatch(/fits exactly/);
    expect(r.levelChange!.p).toBe(1);
  });

  it('keeps its nominal 5 % false-alarm rate on two years of null binomial series by default, where Newey–West alone does not', () => {
    // 1,500 jurisdictions with no change at activation: ~60 bookings a month at a 55 % minor
    // share against a state of 600 a month at the same share, activated between months 6 and 18.
    const rng = createRng('segmented-null');
    const binomial = (n: number, p: number) => {
      let c = 0;
      for (let i = 0; i < n; i++) if (rng.next() < p) c++;
      return c;
    };
    const runs = 1500;
    const rejected: Record<SegmentedErrors, number> = { ols: 0, 'newey-west': 0, larger: 0 };
    for (let r = 0; r < runs; r++) {
      const activation = rng.int(6, 18);
      const unit: MonthlyCount[] = [];
      const state: MonthlyCount[] = [];
      for (let t = 0; t < 24; t++) {
        const n = rng.int(57, 63);
        unit.push({ period: t, count: binomial(n, 0.55), total: n });
        state.push({ period: t, count: binomial(600, 0.55), total: 600 });
      }
      for (const errors of ['ols', 'newey-west', 'larger'] as const) {
        if (segmentedRegression(unit, activation, state, { errors }).levelChange!.p < 0.05) rejected[errors]++;
      }
    }
    expect(segmentedRegression(series(() => 0.3, 0, 23), 12).errors).toBe('larger');
    const wiggly = series((t) => 0.3 + (t >= 12 ? 0.05 : 0) + 0.01 * Math.sin(t * 1.7), 0, 23);
    const c = segmentedRegression(wiggly, 12).levelChange!;
    expect(c.se).toBe(Math.max(c.seOls, c.seNeweyWest));
    expect(segmentedRegression(wiggly, 12, undefined, { errors: 'ols' }).levelChange!.se).toBe(c.seOls);
    // Binomial 95 % band around 5 % for 1,500 runs is about 3.9–6.1 %.
    expect(rejected.larger / runs).toBeLessThan(0.065);
    expect(rejected.ols / runs).toBeLessThan(0.065);
    expect(rejected['newey-west'] / runs).toBeGreaterThan(0.12);
  });

  it('rejects an unknown kind of standard error with a typed error', () => {
    expect(() => segmentedRegression(series(() => 0.3, 0, 23), 12, undefined, { errors: 'robust' as SegmentedErrors })).toThrow(/errors must be/);
  });
});
