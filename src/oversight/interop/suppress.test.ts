import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsError } from '../stats/errors.ts';
import { suppress, type CellInterval, type Suppression, type SuppressionRelation } from '../stats/suppress.ts';
import { auditLinked, suppressLinked, type LinkedSystem } from './suppress.ts';

/**
 * The attacker, written apart from the production audit: an exhaustive integer search
 * (branch and prune). For a withheld cell it asks whether any whole-number table consistent
 * with everything published — the published cells as shown, every relation, a withheld small
 * count in [1, k−1], a complementary cell ≥ 0, a hidden cell within what the outsider knows of
 * it — has that cell at another value than the true one. None: the cell is pinned. The search
 * splits a cell's range in halves until every cell has one value and checks the relations
 * there; pruning (dropping values a relation cannot reach given the others' ranges) only cuts
 * branches without solutions, so the verdict is exact. Values are searched within ±`cap`,
 * which can only make the attacker find fewer alternatives (stricter), never more.
 */
function pinnedCells(system: LinkedSystem, cells: readonly Suppression[], k: number, which: 'primary' | 'withheld' = 'primary'): number[] {
  const { values, hidden, relations } = system;
  const n = values.length;
  const cap = 2 * values.reduce((a, v) => a + Math.abs(v), 0) + k;
  const lo0: number[] = [];
  const hi0: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = hidden[i];
    if (h !== null) {
      lo0.push(Math.max(-cap, h.lo));
      hi0.push(Math.min(cap, h.hi));
    } else if (cells[i] === 'primary') {
      lo0.push(1);
      hi0.push(k - 1);
    } else if (cells[i] === 'complementary') {
      lo0.push(0);
      hi0.push(cap);
    } else {
      lo0.push(values[i]);
      hi0.push(values[i]);
    }
  }
  // Each relation as signed terms: Σ a·x = 0.
  const rel: [number, number][][] = relations.map((r) => [[r.total, 1], ...r.parts.map((p): [number, number] => [p, -1])]);
  /** Drop the values no relation allows; false when some cell has none left. */
  const prune = (lo: number[], hi: number[]): boolean => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const terms of rel) {
        for (const [c, own] of terms) {
          let sLo = 0;
          let sHi = 0;
          for (const [d, a] of terms) {
            if (d === c) continue;
            sLo += a > 0 ? a * lo[d] : a * hi[d];
            sHi += a > 0 ? a * hi[d] : a * lo[d];
          }
          // own·x_c = −Σ others ∈ [−sHi, −sLo]
          const l = own > 0 ? -sHi : sLo;
          const h = own > 0 ? -sLo : sHi;
          if (l > lo[c]) {
            lo[c] = l;
            changed = true;
          }
          if (h < hi[c]) {
            hi[c] = h;
            changed = true;
          }
          if (lo[c] > hi[c]) return false;
        }
      }
    }
    return true;
  };
  const feasible = (lo: number[], hi: number[]): boolean => {
    if (!prune(lo, hi)) return false;
    const c = lo.findIndex((l, i) => l < hi[i]);
    if (c === -1) return rel.every((terms) => terms.reduce((a, [d, s]) => a + s * lo[d], 0) === 0);
    const mid = Math.floor((lo[c] + hi[c]) / 2);
    const hiA = hi.slice();
    hiA[c] = mid;
    if (feasible(lo.slice(), hiA)) return true;
    const loB = lo.slice();
    loB[c] = mid + 1;
    return feasible(loB, hi.slice());
  };
  const pinned: number[] = [];
  for (let i = 0; i < n; i++) {
    if (hidden[i] !== null || cells[i] === null || (which === 'primary' && cells[i] !== 'primary')) continue;
    const below = hi0.slice();
    below[i] = values[i] - 1;
    const above = lo0.slice();
    above[i] = values[i] + 1;
    if (!feasible(lo0.slice(), below) && !feasible(above, hi0.slice())) pinned.push(i);
  }
  return pinned;
}

/** A rows × columns table with its row totals, column totals and grand total (built here, not with the production helper). */
function table(interior: number[][], offset = 0): { values: number[]; relations: SuppressionRelation[]; at: (r: number, c: number) => number } {
  const R = interior.length;
  const C = interior[0].length;
  const W = C + 1;
  // layout: (R + 1) × (C + 1), the last column the row totals, the last row the column totals
  const values: number[] = [];
  for (let r = 0; r <= R; r++) {
    for (let c = 0; c <= C; c++) {
      if (r < R && c < C) values.push(interior[r][c]);
      else if (r < R) values.push(interior[r].reduce((a, b) => a + b, 0));
      else if (c < C) values.push(interior.reduce((a, row) => a + row[c], 0));
      else values.push(interior.flat().reduce((a, b) => a + b, 0));
    }
  }
  const at = (r: number, c: number) => offset + r * W + c;
  const relations: SuppressionRelation[] = [];
  for (let r = 0; r <= R; r++) relations.push({ total: at(r, C), parts: Array.from({ length: C }, (_, c) => at(r, c)) });
  for (let c = 0; c <= C; c++) relations.push({ total: at(R, c), parts: Array.from({ length: R }, (_, r) => at(r, c)) });
  return { values, relations, at };
}

const sign = (v: number): CellInterval => (v === 0 ? { lo: 0, hi: 0 } : { lo: 0, hi: Infinity });

/**
 * A fiscal-year table and a since-activation table published side by side: since activation =
 * the fiscal year + the earlier years (not published). A jurisdiction activated this year has
 * no earlier years (known: activation dates are public).
 */
function linkedPair(fy: number[][], earlier: number[][]): { system: LinkedSystem; fyCells: number[]; cumCells: number[] } {
  const a = table(fy);
  const size = a.values.length;
  const cum = fy.map((row, r) => row.map((v, c) => v + earlier[r][c]));
  const b = table(cum, size);
  const e = table(earlier, 2 * size);
  const values = [...a.values, ...b.values, ...e.values];
  const hidden: (CellInterval | null)[] = [...a.values.map(() => null), ...b.values.map(() => null), ...e.values.map(sign)];
  const relations = [...a.relations, ...b.relations, ...e.relations];
  for (let i = 0; i < size; i++) relations.push({ total: size + i, parts: [i, 2 * size + i] });
  return { system: { values, hidden, relations }, fyCells: a.values.map((_, i) => i), cumCells: b.values.map((_, i) => size + i) };
}

/** Today's way (before this change): each table decided on its own. */
function perTable(fy: number[][], earlier: number[][], k: number): Suppression[] {
  const a = table(fy);
  const b = table(fy.map((row, r) => row.map((v, c) => v + earlier[r][c])));
  const ra = suppress(a.values, a.relations, k).cells;
  const rb = suppress(b.values, b.relations, k).cells;
  return [...ra, ...rb, ...a.values.map(() => null)];
}

const small = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }) });
const grid = (rows: number, cols: number) => fc.array(fc.array(small, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
const shape = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }));
const pairs = shape.chain(([r, c]) => fc.tuple(grid(r, c), grid(r, c), fc.array(fc.boolean(), { minLength: r, maxLength: r })));

/**
 * Every small count withheld, nothing else marked primary, hidden cells never shown; and every
 * cell the attacker pins (each small count; with `which` = 'withheld' every withheld cell) is
 * one that even withholding every published cell would leave pinned (so no choice of
 * complements could save it), and the suppression says so (`unprotected`).
 */
function checkPublication(system: LinkedSystem, res: { cells: readonly Suppression[]; unprotected: readonly number[]; intervals: readonly CellInterval[] }, k: number, which: 'primary' | 'withheld' = 'primary'): void {
  const { cells } = res;
  // The audit is sound: every true value lies in its interval.
  system.values.forEach((v, i) => expect(v >= res.intervals[i].lo && v <= res.intervals[i].hi).toBe(true));
  system.values.forEach((v, i) => {
    if (system.hidden[i] !== null) expect(cells[i]).toBeNull();
    else if (v > 0 && v < k) expect(cells[i]).toBe('primary');
    if (cells[i] === 'primary') expect(v > 0 && v < k).toBe(true);
  });
  const pinned = pinnedCells(system, cells, k, which);
  if (pinned.length === 0) return;
  const everything = cells.map((c, i) => (c === null && system.hidden[i] === null ? 'complementary' : c));
  const inherently = new Set(pinnedCells(system, everything, k, which));
  for (const i of pinned) expect(inherently.has(i) && res.unprotected.includes(i)).toBe(true);
}

describe('suppression of tables published together', () => {
  it('leaves no small count of a random table with totals pinned, against an exhaustive attacker who knows zeros are shown and small counts are 1 to k−1 (property)', () => {
    fc.assert(
      fc.property(shape.chain(([r, c]) => grid(r, c)), fc.integer({ min: 3, max: 10 }), (interior, k) => {
        const t = table(interior);
        const system: LinkedSystem = { values: t.values, hidden: t.values.map(() => null), relations: t.relations };
        const res = suppressLinked(system, { threshold: k });
        checkPublication(system, res, k);
      }),
      { numRuns: 120 },
    );
  });

  it('leaves no small count pinned when a fiscal-year table and a since-activation table are published together (property)', () => {
    fc.assert(
      fc.property(pairs, fc.oneof(fc.constant(10), fc.integer({ min: 3, max: 10 })), ([fy, extra, activatedThisYear], k) => {
        const earlier = extra.map((row, r) => (activatedThisYear[r] ? row.map(() => 0) : row));
        const pair = linkedPair(fy, earlier);
        const res = suppressLinked(pair.system, { threshold: k });
        checkPublication(pair.system, res, k);
      }),
      { numRuns: 120 },
    );
  });

  it('deciding each table on its own, as before, lets the fiscal-year table give away a small count withheld in the since-activation table', () => {
    // Row A has one arrest from earlier years; row B was activated this year (since activation
    // = its fiscal year, and activation dates are public). Since activation, A's 1 is withheld
    // and B's 10 with it (column total 11) — but B's 10 is in the fiscal-year table, so A = 11 − 10.
    const fy = [[0], [10]];
    const earlier = [[1], [0]];
    const pair = linkedPair(fy, earlier);
    const before = perTable(fy, earlier, 10);
    expect(before[pair.cumCells[0]]).toBe('primary');
    expect(pinnedCells(pair.system, before, 10)).toContain(pair.cumCells[0]);
    const after = suppressLinked(pair.system, { threshold: 10 });
    expect(pinnedCells(pair.system, after.cells, 10)).toEqual([]);
    expect(after.unprotected).toEqual([]);
  });

  it('does not let a total of 12 with one published 10 pin two withheld cells at 1 each', () => {
    const system: LinkedSystem = { values: [1, 1, 10, 12], hidden: [null, null, null, null], relations: [{ total: 3, parts: [0, 1, 2] }] };
    const res = suppressLinked(system);
    const b = auditLinked(system, res.cells);
    expect(res.cells[0]).toBe('primary');
    for (const i of [0, 1]) expect(b[i].hi - b[i].lo).toBeGreaterThanOrEqual(1);
    expect(pinnedCells(system, res.cells, 10)).toEqual([]);
  });

  it('chooses complements deterministically: the smallest non-zero published cell of the narrow cell’s relations', () => {
    const system: LinkedSystem = { values: [5, 0, 40, 12, 57], hidden: [null, null, null, null, null], relations: [{ total: 4, parts: [0, 1, 2, 3] }] };
    const res = suppressLinked(system);
    expect(res.cells).toEqual(['primary', null, null, 'complementary', null]);
    expect(suppressLinked(system)).toEqual(res);
  });

  it('reports a withheld cell it cannot protect instead of looping (k = 2: the range 1 to 1 is one value)', () => {
    const system: LinkedSystem = { values: [1, 1], hidden: [null, null], relations: [{ total: 1, parts: [0] }] };
    const res = suppressLinked(system, { threshold: 2 });
    expect(res.unprotected).toEqual([0, 1]);
  });

  it('refuses a system that does not add up, a cell named twice, or a bad threshold, with a typed error', () => {
    expect(() => suppressLinked({ values: [1, 2, 4], hidden: [null, null, null], relations: [{ total: 2, parts: [0, 1] }] })).toThrow(StatsError);
    expect(() => suppressLinked({ values: [1, 2], hidden: [null, null], relations: [{ total: 1, parts: [0, 0] }] })).toThrow(/twice/);
    expect(() => suppressLinked({ values: [1], hidden: [null], relations: [] }, { threshold: Number.NaN })).toThrow(StatsError);
    expect(() => suppressLinked({ values: [-1], hidden: [null], relations: [] })).toThrow(StatsError);
  });
});
