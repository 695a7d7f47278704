import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustPValues } from './fdr.ts';
import { controlLimits, funnel } from './funnel.ts';
import { review } from './review.ts';
import { shrink } from './shrinkage.ts';

const unit = fc
  .record({ total: fc.integer({ min: 0, max: 5000 }), frac: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ total, frac }) => ({ count: Math.min(total, Math.round(frac * total)), total }));
const unitsArb = fc.array(unit, { minLength: 0, maxLength: 40 }).map((us) => us.map((u, i) => ({ id: `u${i}`, ...u })));

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

describe('statistical properties', () => {
  it('the funnel, shrinkage and review never produce NaN or Infinity, whatever the counts', () => {
    fc.assert(
      fc.property(unitsArb, (units) => {
        const f = funnel(units);
        expect(allFinite(f)).toBe(true);
        expect(allFinite(shrink(units))).toBe(true);
        expect(allFinite(review({ quarter: 'Q', units }))).toBe(true);
        for (const n of [1, 10, 1000]) expect(allFinite(controlLimits(f, n))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('BH adjusted values are in [0, 1], at least the raw p, and monotone in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (p) => {
        const q = adjustPValues(p);
        q.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(p[i]);
          expect(v).toBeLessThanOrEqual(1);
        });
        for (let i = 0; i < p.length; i++) for (let j = 0; j < p.length; j++) if (p[i] <= p[j]) expect(q[i]).toBeLessThanOrEqual(q[j]);
      }),
      { numRuns: 200 },
    );
  });

  it('every shrunk estimate lies between its raw share and the pooled mean', () => {
    fc.assert(
      fc.property(unitsArb, (units) => {
        const r = shrink(units);
        if (r.status === 'empty' || r.status === 'fallback-jeffreys') return;
        for (const e of r.estimates) {
          if (e.total === 0) continue;
          expect(e.mean).toBeGreaterThanOrEqual(Math.min(e.raw, r.priorMean) - 1e-12);
          expect(e.mean).toBeLessThanOrEqual(Math.max(e.raw, r.priorMean) + 1e-12);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('control limits widen as the unit size shrinks', () => {
    fc.assert(
      fc.property(unitsArb, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), (units, a, b) => {
        const f = funnel(units);
        const [small, large] = a < b ? [a, b] : [b, a];
        const ls = controlLimits(f, small);
        const ll = controlLimits(f, large);
        ls.forEach((l, k) => {
          expect(l.upper).toBeGreaterThanOrEqual(ll[k].upper - 1e-15);
          expect(l.lower).toBeLessThanOrEqual(ll[k].lower + 1e-15);
        });
      }),
      { numRuns: 100 },
    );
  });
});
