import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsError } from './errors.ts';
import { auditIntervals, SUPPRESSION_PROTECTION, suppress, tableWithTotals } from './suppress.ts';

/** What an outsider learns by subtraction: a withheld cell equal to a published total minus the published parts of one relation. */
function derivable(values: number[], cells: (string | null)[], relations: { total: number; parts: readonly number[] }[]): number[] {
  const out: number[] = [];
  for (const r of relations) {
    if (cells[r.total] !== null) continue;
    const hidden = r.parts.filter((i) => cells[i] !== null);
    if (hidden.length === 1) out.push(hidden[0]);
  }
  return out;
}

const table = fc.integer({ min: 1, max: 6 }).chain((rows) => fc.integer({ min: 1, max: 6 }).chain((cols) => fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 500 })), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })));

describe('small-count suppression', () => {
  it('withholds every count under the threshold and nothing else when no total gives one away', () => {
    const { values, relations } = tableWithTotals([
      [3, 0],
      [40, 50],
    ]);
    // 3 is primary; its row (3 + 0 = 3) has total 3 < 10 → the total is withheld too; the column 3 + 40 = 43 needs a complement: 40.
    const r = suppress(values, relations);
    expect(r.cells[0]).toBe('primary');
    expect(derivable(values, r.cells, relations)).toEqual([]);
  });

  it('picks the smallest cell of the row as the complement', () => {
    const { values, relations, cell } = tableWithTotals([[5, 300, 20, 100]]);
    const r = suppress(values, relations, 10);
    expect(r.cells[cell(0, 0)]).toBe('primary');
    expect(r.cells[cell(0, 2)]).toBe('complementary');
    expect(r.cells[cell(0, 1)]).toBeNull();
    expect(r.cells[cell(0, 3)]).toBeNull();
  });

  it('publishes zeros and counts at or above the threshold when nothing is small', () => {
    const { values, relations } = tableWithTotals([
      [0, 10],
      [25, 0],
    ]);
    expect(suppress(values, relations, 10).cells.every((c) => c === null)).toBe(true);
  });

  it('no withheld cell can be recovered by subtraction from a published row or column total (property)', () => {
    fc.assert(
      fc.property(table, fc.integer({ min: 1, max: 15 }), (interior, k) => {
        const { values, relations } = tableWithTotals(interior);
        const r = suppress(values, relations, k);
        // every small count is withheld
        values.forEach((v, i) => {
          if (v > 0 && v < k) expect(r.cells[i]).not.toBeNull();
        });
        expect(derivable(values, r.cells, relations)).toEqual([]);
        // every relation with a published total has 0 or ≥ 2 withheld parts
        for (const rel of relations) {
          if (r.cells[rel.total] !== null) continue;
          const n = rel.parts.filter((i) => r.cells[i] !== null).length;
          expect(n === 0 || n >= 2).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('refuses negative or non-finite counts, a bad threshold and relations outside the table', () => {
    expect(() => suppress([1, Number.NaN], [])).toThrow(StatsError);
    expect(() => suppress([-1], [])).toThrow(StatsError);
    expect(() => suppress([1], [], -2)).toThrow(StatsError);
    expect(() => suppress([1, 2], [{ total: 5, parts: [0] }])).toThrow(StatsError);
    expect(() => suppress([1, 2], [{ total: 0, parts: [0, 1] }])).toThrow(StatsError);
  });

  it('threshold 0 withholds nothing', () => {
    const { values, relations } = tableWithTotals([[1, 2, 3]]);
    expect(suppress(values, relations, 0).cells.every((c) => c === null)).toBe(true);
  });
});

describe('suppression against an outsider who knows the bounds', () => {
  it('does not let a total of 12 with one published 10 pin two withheld cells at 1 each', () => {
    const values = [1, 1, 10, 12];
    const relations = [{ total: 3, parts: [0, 1, 2] }];
    const r = suppress(values, relations);
    const b = auditIntervals(values, r.cells, relations);
    for (const i of [0, 1]) expect(b[i].hi - b[i].lo).toBeGreaterThanOrEqual(SUPPRESSION_PROTECTION);
  });

  /** An independent attacker: every integer assignment of the withheld cells consistent with the published row. */
  function feasibleValues(values: number[], cells: (string | null)[], k: number): Map<number, Set<number>> {
    const hidden = cells.flatMap((c, i) => (c !== null ? [i] : []));
    const seen = new Map<number, Set<number>>(hidden.map((i) => [i, new Set<number>()]));
    const n = values.length - 1;
    const cap = values.reduce((a, b) => a + b, 0) + k;
    const x = values.slice();
    const walk = (h: number): void => {
      if (h === hidden.length) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += x[i];
        if (sum !== x[n]) return;
        for (const i of hidden) seen.get(i)?.add(x[i]);
        return;
      }
      const i = hidden[h];
      const lo = cells[i] === 'primary' ? 1 : 0;
      const hi = cells[i] === 'primary' ? k - 1 : cap;
      for (let v = lo; v <= hi; v++) {
        x[i] = v;
        walk(h + 1);
      }
    };
    walk(0);
    return seen;
  }

  it('never leaves a withheld cell of a random row with total determined exactly (exhaustive attacker)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 30 })), { minLength: 1, maxLength: 4 }), fc.integer({ min: 3, max: 6 }), (parts, k) => {
        const values = [...parts, parts.reduce((a, b) => a + b, 0)];
        const relations = [{ total: parts.length, parts: parts.map((_, i) => i) }];
        const r = suppress(values, relations, k);
        // A cell still pinned with every cell of the row withheld (two 1s under a withheld total of 2
        // at k = 3) cannot be protected by any choice; every other withheld cell must keep two values.
        // Only a row made wholly of small counts can be so (a zero or a large cell, withheld, is free to move).
        const allSmall = values.every((v) => v > 0 && v < k);
        const widest = allSmall ? feasibleValues(values, values.map(() => 'primary'), k) : null;
        for (const [i, vals] of feasibleValues(values, r.cells, k)) if (widest === null || widest.get(i)!.size >= 2) expect(vals.size).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 150 },
    );
  });

  it('a row of two 1s under a total of 2 at k = 3 is withheld whole, though nothing can protect it', () => {
    expect(suppress([1, 1, 2], [{ total: 2, parts: [0, 1] }], 3).cells).toEqual(['primary', 'primary', 'primary']);
  });
});
