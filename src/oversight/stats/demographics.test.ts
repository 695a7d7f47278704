import { describe, expect, it } from 'vitest';
import { compareShares, fisherExact, wilsonInterval } from './demographics.ts';

describe('share comparisons', () => {
  it('Fisher exact matches R fisher.test on the tea-tasting table', () => {
    // fisher.test(matrix(c(3,1,1,3),2)): p = 0.4857; alternative = "greater": 0.2429
    const r = fisherExact({ count: 3, total: 4 }, { count: 1, total: 4 });
    expect(r.p).toBeCloseTo(0.4857142857, 9);
    expect(r.pHigher).toBeCloseTo(0.2428571429, 9);
  });

  it('uses the z-test for large counts and agrees with prop.test without continuity correction', () => {
    // prop.test(c(60,40), c(200,200), correct = FALSE): X-squared = 5.3333, p = 0.020921
    const r = compareShares({ count: 60, total: 200 }, { count: 40, total: 200 });
    expect(r.test).toBe('z');
    expect(r.p).toBeCloseTo(0.020921335337794, 10);
    expect(r.difference).toBeCloseTo(0.1, 12);
    expect(r.lower).toBeGreaterThan(0);
  });

  it('switches to Fisher for small expected counts', () => {
    const r = compareShares({ count: 4, total: 5 }, { count: 0, total: 6 });
    expect(r.test).toBe('fisher');
    expect(r.note).toMatch(/Fisher/);
  });

  it('Wilson and Newcombe intervals stay inside the unit range at 0 and 1', () => {
    expect(wilsonInterval({ count: 0, total: 10 }).lower).toBe(0);
    expect(wilsonInterval({ count: 10, total: 10 }).upper).toBe(1);
    const r = compareShares({ count: 10, total: 10 }, { count: 0, total: 10 });
    expect(r.upper).toBeLessThanOrEqual(1);
    expect(r.lower).toBeGreaterThan(0);
  });

  it('an empty group is no data, not NaN', () => {
    const r = compareShares({ count: 0, total: 0 }, { count: 3, total: 9 });
    expect(r.status).toBe('no-data');
    expect(Object.values(r).every((v) => typeof v !== 'number' || Number.isFinite(v))).toBe(true);
  });
});
