import { describe, expect, it } from 'vitest';
import { segmentedRegression, type MonthlyCount } from './segmented.ts';

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
});
