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
});
