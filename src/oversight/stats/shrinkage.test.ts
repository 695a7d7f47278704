import { describe, expect, it } from 'vitest';
import { shrink } from './shrinkage.ts';

describe('beta-binomial shrinkage', () => {
  const units = [
    { id: 'a', count: 3, total: 40 },
    { id: 'b', count: 30, total: 100 },
    { id: 'c', count: 9, total: 30 },
    { id: 'd', count: 60, total: 150 },
    { id: 'e', count: 1, total: 25 },
    { id: 'f', count: 18, total: 60 },
  ];

  it('pulls each estimate between its raw share and the pooled mean, and ranks by posterior mean', () => {
    const r = shrink(units);
    expect(r.status).toBe('ok');
    for (const e of r.estimates) {
      expect(e.mean).toBeGreaterThanOrEqual(Math.min(e.raw, r.priorMean));
      expect(e.mean).toBeLessThanOrEqual(Math.max(e.raw, r.priorMean));
      expect(e.lower).toBeLessThan(e.mean);
      expect(e.upper).toBeGreaterThan(e.mean);
    }
    const byRank = [...r.estimates].sort((x, y) => x.rank - y.rank);
    for (let i = 1; i < byRank.length; i++) expect(byRank[i].mean).toBeLessThanOrEqual(byRank[i - 1].mean);
  });

  it('finds no between-unit variation in identical shares and shrinks fully to the pool', () => {
    const r = shrink([
      { id: 'a', count: 20, total: 100 },
      { id: 'b', count: 40, total: 200 },
      { id: 'c', count: 10, total: 50 },
    ]);
    expect(r.status).toBe('no-between-unit-variation');
    for (const e of r.estimates) expect(e.mean).toBeCloseTo(0.2, 6);
  });

  it('falls back to the Jeffreys prior when every share is 0, or there is one unit, and says so', () => {
    const zeros = shrink([
      { id: 'a', count: 0, total: 10 },
      { id: 'b', count: 0, total: 30 },
    ]);
    expect(zeros.status).toBe('fallback-jeffreys');
    expect(zeros.note).toMatch(/proportion is 0/);
    expect(zeros.estimates[0].mean).toBeCloseTo(0.5 / 11, 12);
    expect(shrink([{ id: 'a', count: 2, total: 9 }]).status).toBe('fallback-jeffreys');
  });

  it('an empty input is empty, and a unit with no data gets the prior with a note', () => {
    expect(shrink([]).status).toBe('empty');
    const r = shrink([...units, { id: 'none', count: 0, total: 0 }]);
    const none = r.estimates.find((e) => e.id === 'none')!;
    expect(none.mean).toBeCloseTo(r.priorMean, 12);
    expect(none.note).toMatch(/prior/);
  });
});
