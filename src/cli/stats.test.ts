import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../platform/store/index.ts';
import { appendSyntheticEvents } from '../oversight/facts/synthetic-store.ts';
import { runCli } from './testing.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-stats-'));
const db = join(dir, 'x.sqlite');

interface Json {
  by: string;
  periods: { key: string; kind: string }[];
  units: { id: string; values: Record<string, number | null>[]; suppressed: Record<string, string>[] }[];
  total: { values: Record<string, number | null>[] };
  suppressionThreshold: number | null;
  projection: { lastSeq: number; issues: { kind: string; count: number }[] };
  notes: string[];
}

describe('seccom stats', () => {
  it('reads the statistics of a scenario run into a SQLite file: submissions, a Level 1 match, ICE arrest and removal, counted in their months', async () => {
    const run = await runCli('scenario', 'run', join(SCENARIOS, 'prior-removal-level-1.json'), '--db', db);
    expect(run.code).toBe(0);
    const r = await runCli('stats', '--db', db, '--json', '--suppress', '0', '--no-progress');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as Json;
    expect(s.suppressionThreshold).toBeNull();
    const cum = s.periods.findIndex((p) => p.kind === 'cumulative');
    expect(s.units[0].values[cum]).toMatchObject({ submissions: 1, matches: 1, 'matches:level-1': 1, arrests: 1, 'arrests:level-1': 1, removals: 1, 'removals:level-1': 1, 'arrests:non-criminal': 0 });
    const month = (m: string) => s.units[0].values[s.periods.findIndex((p) => p.key === m)];
    expect(month('2012-03')).toMatchObject({ submissions: 1, matches: 1, arrests: 1, removals: 0 });
    expect(month('2012-04')).toMatchObject({ removals: 1 }); // 2012-05-01T00:00Z is still April in Houston
    expect(s.periods.filter((p) => p.kind === 'fiscal-year').map((p) => p.key)).toEqual(['FY2012']);
    expect(r.err).toContain('not for publication');
  }, 120_000);

  it('withholds small counts by default, and the CSV says so per cell', async () => {
    const r = await runCli('stats', '--db', db, '--by', 'jurisdiction', '--fy', '2012', '--no-progress');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^unit_kind,unit,state,aor,activation_month,period_kind,period,submissions,matches,matches_level_1/);
    const fy = lines.find((l) => l.startsWith('jurisdiction,TX1010000,TX,HOU,2011-07,fiscal-year,FY2012'))!;
    expect(fy).toContain('<10');
    expect(fy).not.toMatch(/,1,/);
    expect(lines.filter((l) => l.startsWith('nation,US'))).toHaveLength(14);
  });

  it('gives the same answer after --rebuild, and per state, field office and month', async () => {
    const a = await runCli('stats', '--db', db, '--json', '--suppress', '0', '--no-progress');
    const b = await runCli('stats', '--db', db, '--json', '--suppress', '0', '--rebuild', '--no-progress');
    expect(b.err).toContain('rebuilt');
    const strip = (s: string) => ({ ...(JSON.parse(s) as Json), generatedAt: undefined, projection: undefined });
    expect(strip(b.out)).toEqual(strip(a.out));
    for (const by of ['state', 'aor']) {
      const r = await runCli('stats', '--db', db, '--by', by, '--month', '2012-03', '--json', '--suppress', '0', '--no-progress');
      const s = JSON.parse(r.out) as Json;
      expect(s.periods.map((p) => p.kind)).toEqual(['month', 'fiscal-year', 'cumulative']);
      expect(s.units).toHaveLength(1);
      expect(s.units[0].values[0].arrests).toBe(1);
    }
  });

  it('writes HTML and PDF reports to a file', async () => {
    const html = join(dir, 'stats.html');
    const pdf = join(dir, 'stats.pdf');
    expect((await runCli('stats', '--db', db, '--format', 'html', '--out', html, '--no-progress')).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('IDENT/IAFIS Interoperability Statistics');
    expect((await runCli('stats', '--db', db, '--format', 'pdf', '--out', pdf, '--no-progress')).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('counts and reports events it cannot use, and still answers', async () => {
    const store = await openStore({ kind: 'sqlite', path: db });
    await appendSyntheticEvents(store, [{ caseId: 'CASEX', at: 0, agency: 'nobody', kind: 'teleported', summary: '', details: {} }]);
    await store.close();
    const r = await runCli('stats', '--db', db, '--json', '--no-progress');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/skipped 1 event\(s\) of kind "teleported" \(unknown kind/);
    expect((JSON.parse(r.out) as Json).projection.issues).toEqual([expect.objectContaining({ kind: 'teleported', count: 1 })]);
  });

  it('refuses bad options with one line and exit status 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['stats'], /give the pipeline store with --db/],
      [['stats', '--db', join(dir, 'missing.db')], /no such database/],
      [['stats', '--db', db, '--by', 'county'], /--by must be one of nation, state, aor, jurisdiction/],
      [['stats', '--db', db, '--fy', '2011', '--month', '2011-03'], /not both/],
      [['stats', '--db', db, '--fy', 'eleven'], /--fy must be a fiscal year/],
      [['stats', '--db', db, '--month', '2011-13'], /--month must be YYYY-MM/],
      [['stats', '--db', db, '--format', 'xlsx'], /--format must be one of/],
      [['stats', '--db', db, '--format', 'pdf'], /needs --out/],
      [['stats', '--db', db, '--suppress', '-3'], /--suppress must be a whole number/],
      [['stats', '--db', db, '--json', '--format', 'csv'], /contradict/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(...args, '--no-progress');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });

  it('explains itself with --help', async () => {
    const r = await runCli('stats', '--help');
    expect(r.out).toContain('--suppress <k>');
    expect(r.out).toContain('since each jurisdiction');
  });
});
