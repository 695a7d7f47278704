import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, reviewFromCsv } from './csv.ts';
import { StatsError } from './errors.ts';

function errorOf(f: () => unknown): StatsError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatsError) return e;
    throw e;
  }
  throw new Error('expected a StatsError');
}

describe('CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const t = parseCsv('\uFEFFname,note\r\n"Orleans, LA","said ""no""\r\nthen left"\r\nKing,plain\r\n');
    expect(t.header).toEqual(['name', 'note']);
    expect(t.rows).toEqual([
      ['Orleans, LA', 'said "no"\r\nthen left'],
      ['King', 'plain'],
    ]);
    expect(t.rowNumbers).toEqual([2, 4]);
  });

  it('accepts a missing final line break, bare CR line ends and blank lines', () => {
    expect(parseCsv('a,b\r1,2\n\n3,4').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\n"",\n').rows).toEqual([['', '']]);
  });

  it('reports an unclosed quote, a stray quote and a short row with row and column', () => {
    expect(errorOf(() => parseCsv('a,b\n1,"open\n')).at).toEqual({ row: 2, column: 2 });
    expect(errorOf(() => parseCsv('a,b\n1,ab"c\n')).at).toEqual({ row: 2, column: 2 });
    expect(errorOf(() => parseCsv('a,b\n1,"x"y\n')).message).toMatch(/after a closing quote/);
    const short = errorOf(() => parseCsv('a,b\n1,2\n3\n'));
    expect(short.code).toBe('CSV_MALFORMED');
    expect(short.at).toEqual({ row: 3 });
    expect(errorOf(() => parseCsv('')).message).toMatch(/no header/);
  });
});

describe('review from CSV', () => {
  const text = ['state,ori,no_record,arrests', 'LA,A,50,100', 'LA,B,20,100', 'LA,C,22,100', 'LA,D,19,90', 'LA,E,NA,10', 'TX,A,5,50', 'TX,B,6,40'].join('\n');

  it('runs the review on named columns, one stratum per group, skipping NA rows', () => {
    const r = reviewFromCsv(text, { count: 'no_record', total: 'arrests', unit: 'ori', group: 'state' }, { quarter: '2011Q2' });
    expect(r.groups.map((g) => g.group)).toEqual(['LA', 'TX']);
    expect(r.units).toHaveLength(6);
    expect(r.skipped).toEqual([{ row: 6, reason: 'no_record is missing' }]);
    expect(r.notes.join(' ')).toMatch(/1 row\(s\) skipped/);
  });

  it('names a missing column, a bad number and a duplicate unit precisely', () => {
    expect(errorOf(() => reviewFromCsv(text, { count: 'nope', total: 'arrests', unit: 'ori' })).code).toBe('CSV_MISSING_COLUMN');
    const bad = errorOf(() => reviewFromCsv('u,c,t\nA,x1,5\n', { count: 'c', total: 't', unit: 'u' }));
    expect(bad.code).toBe('CSV_BAD_NUMBER');
    expect(bad.at).toEqual({ row: 2, column: 2 });
    expect(errorOf(() => reviewFromCsv('u,c,t\nA,-1,5\n', { count: 'c', total: 't', unit: 'u' })).code).toBe('CSV_BAD_NUMBER');
    expect(errorOf(() => reviewFromCsv('u,c,t\nA,6,5\n', { count: 'c', total: 't', unit: 'u' })).message).toMatch(/exceeds/);
    const dup = errorOf(() => reviewFromCsv('u,c,t\nA,1,5\nA,2,5\n', { count: 'c', total: 't', unit: 'u' }));
    expect(dup.code).toBe('DUPLICATE_UNIT');
    expect(dup.message).toMatch(/row 2/);
  });

  it('pools the rows of a unit that differ in another column, and says how many rows over which column', () => {
    const r = reviewFromCsv(['race,county,arrests,stops', 'W,A,10,100', 'B,A,5,50', 'H,A,1,10', 'W,B,3,100', 'B,B,NA,40', 'W,C,1,10'].join('\n'), { count: 'arrests', total: 'stops', unit: 'county' });
    expect(r.units.map((u) => [u.id, u.count, u.total])).toEqual([['A', 16, 160], ['B', 3, 100], ['C', 1, 10]]);
    expect(r.pooled).toMatchObject({ rows: 3, units: 1, rowsPerUnit: { min: 3, max: 3 }, over: ['race'], groupBy: 'race', pooled: [{ id: 'A', rows: [2, 3, 4] }], partial: [{ id: 'B', skippedRows: [6] }] });
    expect(r.notes[0]).toBe(r.pooled!.note);
    expect(r.pooled!.note).toMatch(/^POOLED: 3 rows were summed into 1 unit\(s\), 3 rows per county, because county repeats with different "race"; .* 1 pooled unit\(s\) lost rows to a missing value .* Group by "race"/);
    expect(r.skipped).toEqual([{ row: 6, reason: 'arrests is missing' }]);
  });

  it('pools within a named group over the remaining columns, and leaves files without repeats alone', () => {
    const r = reviewFromCsv(['state,ori,year,n,t', 'LA,A,2010,5,50', 'LA,A,2011,7,50', 'TX,A,2010,1,20'].join('\n'), { count: 'n', total: 't', unit: 'ori', group: 'state' });
    expect(r.units.map((u) => [u.group, u.id, u.count, u.total])).toEqual([['LA', 'A', 12, 100], ['TX', 'A', 1, 20]]);
    expect(r.pooled).toMatchObject({ over: ['year'], groupBy: null, pooled: [{ id: 'A', group: 'LA', rows: [2, 3] }] });
    expect(r.pooled!.note).toMatch(/2 rows per ori within state/);
    expect(reviewFromCsv(text, { count: 'no_record', total: 'arrests', unit: 'ori', group: 'state' }).pooled).toBeNull();
  });

  it('refuses a repeated row (same unit, same group, same everything else) and any repeat when pooling is off', () => {
    const same = errorOf(() => reviewFromCsv('race,county,n,t\nW,A,1,5\nB,A,1,5\nW,A,2,5\n', { count: 'n', total: 't', unit: 'county' }));
    expect(same.code).toBe('DUPLICATE_UNIT');
    expect(same.message).toBe('row 4: unit "A" already appeared on row 2 and agrees with it in every other column (race): a repeated row, not a breakdown that could be pooled');
    const grouped = errorOf(() => reviewFromCsv('race,county,n,t\nW,A,1,5\nW,A,2,5\n', { count: 'n', total: 't', unit: 'county', group: 'race' }));
    expect(grouped.message).toMatch(/^row 3: unit "A" in group "W" already appeared on row 2 and the file has no other column/);
    const off = errorOf(() => reviewFromCsv('race,county,n,t\nW,A,1,5\nB,A,1,5\n', { count: 'n', total: 't', unit: 'county' }, { pool: false }));
    expect(off.message).toBe('row 3: unit "A" already appeared on row 2');
  });

  it('pooling keeps every count: the units and the skipped rows add up to the file (fast-check)', () => {
    const rowArb = fc.record({ unit: fc.constantFrom('A', 'B', 'C', 'D'), tag: fc.constantFrom('x', 'y', 'z'), total: fc.integer({ min: 0, max: 500 }), frac: fc.double({ min: 0, max: 1, noNaN: true }), missing: fc.boolean() });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), (rows) => {
        const lines = rows.map((r) => `${r.unit},${r.tag},${r.missing ? 'NA' : Math.floor(r.frac * r.total)},${r.total}`);
        const csv = ['unit,tag,n,t', ...lines].join('\n');
        const keys = rows.map((r) => `${r.unit}/${r.tag}`);
        if (new Set(keys).size < keys.length) {
          expect(errorOf(() => reviewFromCsv(csv, { count: 'n', total: 't', unit: 'unit' })).code).toBe('DUPLICATE_UNIT');
          return;
        }
        const r = reviewFromCsv(csv, { count: 'n', total: 't', unit: 'unit' });
        const kept = rows.filter((x) => !x.missing);
        expect(r.units.reduce((a, u) => a + u.count, 0)).toBe(kept.reduce((a, x) => a + Math.floor(x.frac * x.total), 0));
        expect(r.units.reduce((a, u) => a + u.total, 0)).toBe(kept.reduce((a, x) => a + x.total, 0));
        expect(r.skipped.length).toBe(rows.length - kept.length);
        expect(new Set(r.units.map((u) => u.id)).size).toBe(r.units.length);
        const perUnit = (u: string, missing: boolean) => rows.filter((x) => x.unit === u && x.missing === missing).length;
        const touched = [...new Set(rows.map((x) => x.unit))].some((u) => perUnit(u, false) > 1 || (perUnit(u, false) > 0 && perUnit(u, true) > 0));
        expect(r.pooled !== null).toBe(touched);
        expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
      }),
    );
  });

  it('refuses numbers too large to count exactly (1e308, 2^53 + 1, 400 digits) with a typed error naming the cell, and never returns a non-finite figure (fast-check)', () => {
    for (const raw of ['1e308', '9007199254740993', '9'.repeat(400), '1.5e300']) {
      const e = errorOf(() => reviewFromCsv(`u,c,t\nA,1,${raw}\nB,2,10\n`, { count: 'c', total: 't', unit: 'u' }));
      expect(e.code).toBe('CSV_BAD_NUMBER');
      expect(e.at).toEqual({ row: 2, column: 3 });
    }
    const big = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(2 ** 53 - 1, 2 ** 52, 1e15, 1e300, Number.MAX_VALUE), fc.double({ min: 0, max: 1e308, noNaN: true }));
    fc.assert(
      fc.property(fc.array(fc.record({ unit: fc.constantFrom('A', 'B', 'C'), tag: fc.constantFrom('x', 'y'), count: big, total: big }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = `u,tag,c,t\n${rows.map((r) => `${r.unit},${r.tag},${r.count},${r.total}`).join('\n')}\n`;
        try {
          const result = reviewFromCsv(text, { count: 'c', total: 't', unit: 'u' });
          expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
        } catch (e) {
          expect(e).toBeInstanceOf(StatsError);
        }
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});
