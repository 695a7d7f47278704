import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { caseLogMigrations, type CaseLogTables } from '../agencies/case-log/index.ts';
import { jurisdictionMigrations, type JurisdictionTables } from '../agencies/jurisdictions/index.ts';
import { FACTS_PROJECTION, rebuildFacts, updateFacts, type OversightTables } from '../oversight/facts/index.ts';
import { INTEROP_SUBSCRIBER, interopCounts } from '../oversight/interop/index.ts';
import { syntheticLog } from '../oversight/review/testing.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { assertMigrated, openStore, tablesOf } from '../platform/store/index.ts';
import { runCli } from './testing.ts';

afterEach(() => vi.restoreAllMocks());

const BAD = /NaN|undefined|Infinity/;
const FIG3B = '/work/shared/data/policing/fig3b_arrest_rate_county.csv';
const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-review-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('seccom review --input (CSV)', () => {
  const present = existsSync(FIG3B);
  if (!present) console.warn(`seccom review on ${FIG3B} skipped: the shared data are absent`);

  it.skipIf(!present)('reviews the Stanford Open Policing county arrest rates within each driver race', async () => {
    const r = await runCli('review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location', '--group', 'driver_race');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^review of .*fig3b_arrest_rate_county\.csv: 1650 unit\(s\) in 3 group\(s\), \d+ flag\(s\) \(FDR 0\.05\)/);
    expect(r.out).toMatch(/\n\d{5} +(White|Black|Hispanic) drivers +share above the reference +\d+\/\d+ /);
    expect(r.out).not.toMatch(BAD);
    const json = await runCli('review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location', '--group', 'driver_race', '--json');
    const result = JSON.parse(json.out) as { units: unknown[]; groups: { group: string }[]; flags: { numbers: { q: number } }[] };
    expect(result.units.length).toBe(1650);
    expect(result.groups.map((g) => g.group).sort()).toEqual(['Black drivers', 'Hispanic drivers', 'White drivers']);
    for (const f of result.flags) expect(f.numbers.q).toBeLessThan(0.05);
  });

  it.skipIf(!present)('runs the literal command of the issue on it, pooling the three driver-race rows of each county and saying so', async () => {
    const r = await runCli('review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^review of .*fig3b_arrest_rate_county\.csv: 550 unit\(s\) in 1 group\(s\), \d+ flag\(s\) \(FDR 0\.05\)\n\n!! {2}POOLED: 1650 rows were summed into 550 unit\(s\), 3 rows per location, because location repeats with\n/);
    expect(r.out).toContain('(with this command: add --group driver_race;');
    expect(r.out).not.toMatch(BAD);
    const json = await runCli('review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location', '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out) as { units: { id: string; count: number; total: number }[]; pooled: { rows: number; units: number; over: string[]; groupBy: string; pooled: { id: string; rows: number[] }[] }; notes: string[] };
    expect(result.pooled).toMatchObject({ rows: 1650, units: 550, over: ['driver_race'], groupBy: 'driver_race' });
    expect(result.notes[0]).toMatch(/^POOLED: 1650 rows/);
    // The pooled county is the sum of its three rows in the file.
    const lines = readFileSync(FIG3B, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const mine = lines.filter((f) => f[1] === '04001');
    const unit = result.units.find((u) => u.id === '04001')!;
    expect(unit.count).toBe(mine.reduce((a, f) => a + Number(f[2]), 0));
    expect(unit.total).toBe(mine.reduce((a, f) => a + Number(f[3]), 0));
    expect(result.pooled.pooled.find((p) => p.id === '04001')!.rows).toEqual([2, 3, 4]);
  });

  it.skipIf(!present)('writes the review as HTML and as PDF', async () => {
    const html = join(dir, 'fig3b.html');
    const pdf = join(dir, 'fig3b.pdf');
    const args = ['review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location', '--group', 'driver_race'];
    expect((await runCli(...args, '--format', 'html', '--out', html)).code).toBe(0);
    expect((await runCli(...args, '--format', 'pdf', '--out', pdf)).code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('<h1>Statistical review of');
    expect(text).not.toMatch(BAD);
    expect(readFileSync(pdf).subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  }, 60_000);

  it('pools small CSVs with a repeated unit, and refuses a repeated row in one line', async () => {
    const pooled = await runCli('review', '--input', file('races.csv', 'race,county,arrests,stops\nW,A,10,100\nB,A,30,50\nW,B,3,100\nB,B,2,40\nW,C,1,10\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county');
    expect(pooled.code).toBe(0);
    expect(pooled.out).toMatch(/^review of .*races\.csv: 3 unit\(s\) in 1 group\(s\), \d+ flag\(s\) \(FDR 0\.05\)\n\n!! {2}POOLED: 4 rows were summed into 2 unit\(s\), 2 rows per county, because county repeats with different\s+"race"/);
    const loo = JSON.parse((await runCli('review', '--input', join(dir, 'races.csv'), '--count', 'arrests', '--total', 'stops', '--unit', 'county', '--reference', 'leave-one-out', '--json')).out) as { thresholds: { reference: string }; units: { id: string; reference: { count: number; total: number } }[] };
    expect(loo.thresholds.reference).toBe('leave-one-out');
    expect(loo.units.find((u) => u.id === 'A')!.reference).toEqual({ count: 6, total: 150 });
    const grouped = await runCli('review', '--input', file('races2.csv', 'race,county,arrests,stops\nW,A,10,100\nB,A,30,50\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county', '--group', 'race', '--json');
    expect(grouped.code).toBe(0);
    expect((JSON.parse(grouped.out) as { pooled: unknown }).pooled).toBeNull();
    const html = join(dir, 'races.html');
    expect((await runCli('review', '--input', join(dir, 'races.csv'), '--count', 'arrests', '--total', 'stops', '--unit', 'county', '--format', 'html', '--out', html)).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('POOLED: 4 rows were summed');
    for (const [text, group, message] of [
      ['race,county,arrests,stops\nW,A,10,100\nW,A,30,50\n', [], /^seccom: DUPLICATE_UNIT: row 3: unit "A" already appeared on row 2 and agrees with it in every other column \(race\): a repeated row/],
      ['race,county,arrests,stops\nW,A,10,100\nW,A,30,50\n', ['--group', 'race'], /^seccom: DUPLICATE_UNIT: row 3: unit "A" in group "W" already appeared on row 2 and the file has no other column/],
      ['county,arrests,stops\nA,10,100\nA,30,50\n', [], /^seccom: DUPLICATE_UNIT: row 3: unit "A" already appeared on row 2 and the file has no other column/],
    ] as [string, string[], RegExp][]) {
      const r = await runCli('review', '--input', file('dup.csv', text), '--count', 'arrests', '--total', 'stops', '--unit', 'county', ...group);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });

  it('explains a CSV where nobody was arrested, and one with no rows, without NaN', async () => {
    const zero = await runCli('review', '--input', file('zero.csv', 'county,arrests,stops\nA,0,100\nB,0,250\nC,0,0\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county', '--json');
    expect(zero.code).toBe(0);
    expect(zero.out).not.toMatch(BAD);
    const z = JSON.parse(zero.out) as { flags: unknown[]; units: { id: string; note?: string }[] };
    expect(z.flags).toEqual([]);
    expect(z.units.find((u) => u.id === 'C')!.note).toMatch(/not judged/);
    const empty = await runCli('review', '--input', file('empty.csv', 'county,arrests,stops\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county');
    expect(empty.code).toBe(0);
    expect(empty.out).toMatch(/0 unit\(s\).*\n\nnothing to review/);
    expect(empty.out).toMatch(/no jurisdictions reported this quarter: nothing to review/);
  });

  it('refuses malformed CSV, missing columns and bad options in one line with exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--input', file('bad.csv', 'county,arrests,stops\nA,"1,5\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county'], /^seccom: CSV_MALFORMED: row 2, column 2: a quoted field is never closed/],
      [['--input', file('neg.csv', 'county,arrests,stops\nA,-1,5\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county'], /^seccom: CSV_BAD_NUMBER: row 2, column 2 \(arrests\): "-1" is not a non-negative number/],
      [['--input', file('more.csv', 'county,arrests,stops\nA,9,5\n'), '--count', 'arrests', '--total', 'stops', '--unit', 'county'], /^seccom: CSV_BAD_NUMBER: .*arrests 9 exceeds stops 5/],
      [['--input', file('ok.csv', 'county,arrests,stops\nA,1,5\n'), '--count', 'n', '--total', 'stops', '--unit', 'county'], /^seccom: CSV_MISSING_COLUMN: no column "n"/],
      [['--input', join(dir, 'absent.csv'), '--count', 'a', '--total', 'b', '--unit', 'c'], /^seccom: no such file: /],
      [['--input', file('ok2.csv', 'c,a,b\n'), '--count', 'a'], /^seccom: --input needs --total, --unit/],
      [['--input', file('ok3.csv', 'c,a,b\n'), '--count', 'a', '--total', 'b', '--unit', 'c', '--fdr', '2'], /^seccom: --fdr must be a number between 0 and 1, got "2"/],
      [['--input', file('ok4.csv', 'c,a,b\n'), '--count', 'a', '--total', 'b', '--unit', 'c', '--format', 'pdf'], /^seccom: --format pdf needs --out FILE/],
      [[], /^seccom: give --quarter 2011Q3/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli('review', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});

describe('seccom review: the estimator, τ² with its interval and every unit’s limits', () => {
  type Json = {
    thresholds: { scale: string; tau2Method: string };
    units: { id: string; total: number; expected: number; flagged: string[]; note?: string; limits?: { level: number; lower: number; upper: number }[] }[];
    groups: { group: string; funnel: { scale: string; tau2Method: string; tau2: number; tau2Interval: { lower: number; upper: number; level: number } } }[];
    flags: { unitId: string }[];
  };
  const rows = ['county,arrests,stops', 'HIGH,400,1000', 'ZERO,0,800', 'EMPTY,0,0', ...Array.from({ length: 14 }, (_, i) => `C${i},${[22, 31, 18, 27, 25, 35, 15, 29, 24, 20, 33, 26, 19, 28][i] * (1 + (i % 4))},${1000 * (1 + (i % 4))}`)];
  const csv = file('limits.csv', `${rows.join('\n')}\n`);
  const args = ['review', '--input', csv, '--count', 'arrests', '--total', 'stops', '--unit', 'county'];

  /** Every unit with a total has both limits around its expected share, flagged or not; a unit without one says why. */
  const everyUnitHasLimits = (units: Json['units']): void => {
    for (const u of units) {
      if (u.limits === undefined) {
        expect(u.note, u.id).toMatch(/not judged/);
        continue;
      }
      expect(u.limits.map((l) => l.level), u.id).toEqual([0.95, 0.998]);
      expect(u.limits[1].lower).toBeLessThanOrEqual(u.limits[0].lower);
      expect(u.limits[0].lower).toBeLessThanOrEqual(u.expected);
      expect(u.expected).toBeLessThanOrEqual(u.limits[0].upper);
      expect(u.limits[0].upper).toBeLessThanOrEqual(u.limits[1].upper);
    }
  };
  const tau2WithInterval = (groups: Json['groups'], scale: string): void => {
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.funnel.scale).toBe(scale);
      expect(g.funnel.tau2Method).toBe('paule-mandel');
      expect(g.funnel.tau2Interval.level).toBe(0.95);
      expect(g.funnel.tau2Interval.lower).toBeLessThanOrEqual(g.funnel.tau2);
      expect(g.funnel.tau2).toBeLessThanOrEqual(g.funnel.tau2Interval.upper);
    }
  };

  for (const scale of ['arcsine', 'logit'] as const) {
    it(`--input --json gives limits for every unit, flagged or not, and τ̂² with its CI (${scale} scale)`, async () => {
      const r = await runCli(...args, ...(scale === 'logit' ? ['--scale', 'logit'] : []), '--json');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out) as Json;
      expect(json.thresholds.scale).toBe(scale);
      expect(json.flags.map((f) => f.unitId)).toContain('HIGH');
      const unflagged = json.units.filter((u) => u.flagged.length === 0 && u.total > 0);
      expect(unflagged.length).toBeGreaterThanOrEqual(14);
      for (const u of json.units) if (u.total > 0) expect(u.limits, u.id).toBeDefined();
      expect(json.units.find((u) => u.id === 'EMPTY')!.limits).toBeUndefined();
      everyUnitHasLimits(json.units);
      tau2WithInterval(json.groups, scale);
      const text = await runCli(...args, ...(scale === 'logit' ? ['--scale', 'logit'] : []));
      expect(text.out).toContain(`\nbetween-unit variance: Paule–Mandel τ̂² with a 95 % Q-profile CI, ${scale} scale, additive model\n  flags at Benjamini–Hochberg q < 0.05; the 95 % and 99.8 % limits of every unit are in --json\n`);
      const g = json.groups[0].funnel;
      expect(text.out).toContain(`all units: τ̂² = ${g.tau2 === 0 ? '0' : g.tau2.toExponential(2)} (95 % CI ${g.tau2Interval.lower === 0 ? '0' : g.tau2Interval.lower.toExponential(2)}–${g.tau2Interval.upper.toExponential(2)})`);
    });
  }

  it('refuses an unknown scale in one line with exit status 2', async () => {
    const r = await runCli(...args, '--scale', 'probit');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^seccom: --scale must be arcsine or logit, got "probit"/);
  });

  it.skipIf(!existsSync(FIG3B))('gives all 550 counties of the policing file their limits, not only the flagged', async () => {
    const json = JSON.parse((await runCli('review', '--input', FIG3B, '--count', 'n_arrests', '--total', 'n_stops', '--unit', 'location', '--json')).out) as Json;
    expect(json.units).toHaveLength(550);
    expect(json.units.filter((u) => u.limits !== undefined)).toHaveLength(550);
    expect(json.flags.length).toBeLessThan(550);
    everyUnitHasLimits(json.units);
    tau2WithInterval(json.groups, 'arcsine');
  });
});

describe('seccom review --input on any text', () => {
  it('either reviews it (exit 0, no NaN) or refuses it in one line (exit 2), never a crash', async () => {
    const cell = fc.oneof(fc.constantFrom('', 'NA', '0', '1', '10', '-3', '1e3', '2.5', 'x', '"q"', '"a,b"', '"', '10000'), fc.string({ maxLength: 4 }));
    const row = fc.array(cell, { minLength: 1, maxLength: 5 }).map((r) => r.join(','));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
        const path = file('random.csv', ['unit,count,total', ...rows].join(eol));
        const r = await runCli('review', '--input', path, '--count', 'count', '--total', 'total', '--unit', 'unit', '--json');
        expect([0, 2]).toContain(r.code);
        if (r.code === 0) expect(r.out).not.toMatch(BAD);
        else expect(r.err.trim().split('\n')).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('seccom review --quarter (event log)', () => {
  const db = join(dir, 'pipeline.db');
  const log = syntheticLog({ seed: 'cli-review', perState: 8, bookings: [40, 70] });

  beforeAll(async () => {
    const store = await openStore({ kind: 'sqlite', path: db });
    try {
      assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
      await store.transaction(async (trx) => {
        await tablesOf<JurisdictionTables>(trx)
          .insertInto('jurisdictions')
          .values(log.registry.map((j) => ({ ori: j.ori, name: `${j.ori} county jail`, state: j.state, county: j.ori, time_zone: j.timeZone, aor: j.aor, activated_at: j.activatedAt, registered_at: 0 })))
          .execute();
        const events = log.events;
        for (let i = 0; i < events.length; i += 2000) {
          await tablesOf<CaseLogTables>(trx)
            .insertInto('case_log_events')
            .values(events.slice(i, i + 2000).map((e) => ({ case_id: e.caseId, at: e.at, agency: 'synthetic', kind: e.kind, summary: e.kind, details: e.details ?? '{}' })))
            .execute();
        }
      });
    } finally {
      await store.close();
    }
  }, 120_000);

  it('flags the planted jurisdiction from the store, with reasons and the cases behind each flag', async () => {
    const r = await runCli('review', '--quarter', '2011Q3', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^quarterly review 2011Q3 \(July–September 2011; 2011-07-01 to 2011-09-30\): 16 activated jurisdiction\(s\) in 2 state\(s\), \d+ flagged/);
    expect(r.out).toMatch(new RegExp(`\\n${log.planted} +AZ +bookings: share foreign-born +state +group share rose after activation `));
    expect(r.out).toMatch(/cases: \d+ \(review\/2011Q3\/bookings\/AZ\/AZ0070000\/demographics; all ids with --json\)/);
    expect(r.out).not.toMatch(BAD);
    const json = JSON.parse((await runCli('review', '--quarter', '2011Q3', '--store', `sqlite:${db}`, '--json')).out) as { flags: { ori: string; kind: string; cases: string[] }[]; jurisdictions: { complaints: number | null }[]; notes: string[] };
    expect(json.jurisdictions.every((j) => j.complaints === 0)).toBe(true);
    expect(json.notes.join(' ')).toMatch(/no complaints were filed in 2011Q3 \(or this database has no complaint system\)/);
    const planted = json.flags.filter((f) => f.ori === log.planted);
    expect(planted.map((f) => f.kind)).toContain('group-share-rose');
    expect(planted.every((f) => f.cases.length > 0)).toBe(true);
    expect(json.flags.some((f) => f.ori === log.normal)).toBe(false);
    expect((json as unknown as { thresholds: { reference: string } }).thresholds.reference).toBe('leave-one-out');
    const whole = JSON.parse((await runCli('review', '--quarter', '2011Q3', '--db', db, '--reference', 'group', '--json')).out) as { thresholds: { reference: string } };
    expect(whole.thresholds.reference).toBe('group');
  }, 60_000);

  it('--quarter --json gives limits for every judged jurisdiction of every measure, and τ̂² with its CI for every state; the text states the estimator', async () => {
    type Review = { groups: { group: string; funnel: { status: string; scale: string; tau2Method: string; tau2: number; tau2Interval: { lower: number; upper: number } } }[]; units: { id: string; total: number; expected: number; note?: string; flagged: string[]; limits?: { level: number; lower: number; upper: number }[] }[] } | null;
    for (const scale of ['arcsine', 'logit'] as const) {
      const r = await runCli('review', '--quarter', '2011Q3', '--db', db, '--scale', scale, '--json');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out) as { thresholds: { scale: string }; reviews: Record<string, Review> };
      expect(json.thresholds.scale).toBe(scale);
      const reviews = Object.entries(json.reviews).filter((e): e is [string, NonNullable<Review>] => e[1] !== null);
      expect(reviews.map(([k]) => k).sort()).toEqual(['bookings:state', 'ice-arrests:nation', 'ice-arrests:state', 'ident-matches:nation', 'ident-matches:state']);
      let judged = 0;
      let unflagged = 0;
      for (const [key, rv] of reviews) {
        expect(rv.units.length, key).toBe(16);
        for (const u of rv.units) {
          if (u.limits === undefined) {
            expect(u.note, `${key} ${u.id}`).toMatch(/not judged/);
            continue;
          }
          judged++;
          if (u.flagged.length === 0) unflagged++;
          expect(u.limits.map((l) => l.level)).toEqual([0.95, 0.998]);
          expect(u.limits[0].lower).toBeLessThanOrEqual(u.expected);
          expect(u.expected).toBeLessThanOrEqual(u.limits[0].upper);
        }
        for (const g of rv.groups) {
          expect(g.funnel.scale).toBe(scale);
          expect(g.funnel.tau2Method).toBe('paule-mandel');
          expect(g.funnel.tau2Interval.lower).toBeLessThanOrEqual(g.funnel.tau2);
          expect(g.funnel.tau2).toBeLessThanOrEqual(g.funnel.tau2Interval.upper);
        }
      }
      expect(judged).toBeGreaterThan(60);
      expect(unflagged).toBeGreaterThan(judged - 10);
    }
    const text = await runCli('review', '--quarter', '2011Q3', '--db', db);
    expect(text.out).toContain('\nbetween-unit variance: Paule–Mandel τ̂² with a 95 % Q-profile CI, arcsine scale, additive model\n');
    expect(text.out).toMatch(/\n {2}ice-arrests:state: AZ τ̂² = [0-9.e+-]+ \(95 % CI [0-9.e+-]+–[0-9.e+-]+\); /);
    expect(text.out).not.toMatch(BAD);
  }, 60_000);

  it('keeps the interoperability counts in step with the facts it updates, so the next seccom stats has nothing to catch up', async () => {
    const file = join(dir, 'in-step.db');
    const store = await openStore({ kind: 'sqlite', path: file });
    const append = async (events: typeof log.events) => {
      await store.transaction(async (trx) => {
        for (let i = 0; i < events.length; i += 2000)
          await tablesOf<CaseLogTables>(trx)
            .insertInto('case_log_events')
            .values(events.slice(i, i + 2000).map((e) => ({ case_id: e.caseId, at: e.at, agency: 'synthetic', kind: e.kind, summary: e.kind, details: e.details ?? '{}' })))
            .execute();
      });
    };
    try {
      assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
      await tablesOf<JurisdictionTables>(store.db)
        .insertInto('jurisdictions')
        .values(log.registry.map((j) => ({ ori: j.ori, name: `${j.ori} county jail`, state: j.state, county: j.ori, time_zone: j.timeZone, aor: j.aor, activated_at: j.activatedAt, registered_at: 0 })))
        .execute();
      const half = Math.floor(log.events.length / 2);
      await append(log.events.slice(0, half));
      expect((await runCli('review', '--quarter', '2011Q3', '--db', file)).code).toBe(0);
      await append(log.events.slice(half)); // the review's second run updates the facts incrementally
      expect((await runCli('review', '--quarter', '2011Q3', '--db', file)).code).toBe(0);
      const checkpoints = await tablesOf<OversightTables>(store.db).selectFrom('oversight_checkpoints').select(['projection', 'last_seq', 'status']).where('projection', 'in', [FACTS_PROJECTION, INTEROP_SUBSCRIBER]).execute();
      expect(checkpoints.map((c) => [c.projection, Number(c.last_seq), c.status]).sort()).toEqual([
        [FACTS_PROJECTION, log.events.length, 'ready'],
        [INTEROP_SUBSCRIBER, log.events.length, 'ready'],
      ]);
      const counts = async () => (await tablesOf<OversightTables>(store.db).selectFrom('oversight_interop_counts').selectAll().execute()).map((r) => `${r.ori} ${r.month} ${r.measure} ${Number(r.count)}`).sort();
      const kept = await counts();
      expect(kept.length).toBeGreaterThan(0);
      const next = await updateFacts(store, { clock: new ManualClock(0), subscribers: [interopCounts()] });
      expect(next).toMatchObject({ mode: 'incremental', eventsRead: 0, subscribersResynced: [] });
      await rebuildFacts(store, { clock: new ManualClock(0), subscribers: [interopCounts()] });
      expect(await counts()).toEqual(kept);
    } finally {
      await store.close();
    }
  });

  it('takes a fiscal quarter (October–September year) and prints the days it covers in text and JSON', async () => {
    const r = await runCli('review', '--quarter', 'FY2011Q3', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^quarterly review FY2011Q3 \(April–June 2011 \(fiscal year 2011, Q3\); 2011-04-01 to 2011-06-30\): 16 activated/);
    const json = JSON.parse((await runCli('review', '--quarter', 'fy2011q1', '--db', db, '--json')).out) as { quarter: string; range: unknown; months: string[] };
    expect(json.quarter).toBe('FY2011Q1');
    expect(json.range).toEqual({ kind: 'fiscal', from: '2010-10-01', to: '2010-12-31' });
    expect(json.months).toEqual(['2010-10', '2010-11', '2010-12']);
    const cal = JSON.parse((await runCli('review', '--quarter', '2011Q3', '--db', db, '--json')).out) as { range: unknown };
    expect(cal.range).toEqual({ kind: 'calendar', from: '2011-07-01', to: '2011-09-30' });
  }, 60_000);

  it('writes the quarter as an HTML and a PDF report', async () => {
    const html = join(dir, 'q.html');
    const pdf = join(dir, 'q.pdf');
    expect((await runCli('review', '--quarter', '2011Q3', '--db', db, '--format', 'html', '--out', html)).code).toBe(0);
    expect((await runCli('review', '--quarter', '2011Q3', '--db', db, '--format', 'pdf', '--out', pdf)).code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('<h1>Quarterly statistical review, 2011Q3</h1>');
    expect(text).toContain('July–September 2011: 2011-07-01 to 2011-09-30');
    expect(text).not.toMatch(BAD);
    expect(readFileSync(pdf).subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
  }, 60_000);

  it('explains an empty quarter and refuses a malformed one or a missing store', async () => {
    const empty = await runCli('review', '--quarter', '2008Q1', '--db', db);
    expect(empty.code).toBe(0);
    expect(empty.out).toMatch(/0 activated jurisdiction\(s\)[\s\S]*nothing to review[\s\S]*no jurisdiction was activated by the end of 2008Q1/);
    for (const [args, message] of [
      [['--quarter', '2011Q5', '--db', db], /^seccom: INVALID_QUARTER: "2011Q5" is not a quarter/],
      [['--quarter', '2011Q3'], /^seccom: give the pipeline store with --db/],
      [['--quarter', '2011Q3', '--db', join(dir, 'none.db')], /^seccom: no such database: /],
      [['--quarter', '2011Q3', '--db', db, '--count', 'x'], /^seccom: --count, --total, --unit and --group apply to --input/],
      [['--quarter', '2011Q3', '--input', 'x.csv'], /^seccom: give --quarter \(the event log\) or --input/],
      [['--quarter', '2011Q3', '--db', db, '--series-months', '2'], /^seccom: --series-months must be a whole number 6–120/],
      [['--quarter', '2011Q3', '--db', db, '--reference', 'state'], /^seccom: --reference must be group or leave-one-out, got "state"/],
      [['--quarter', '2011Q3', '--db', db, '--scale', 'log'], /^seccom: --scale must be arcsine or logit, got "log"/],
    ] as [string[], RegExp][]) {
      const r = await runCli('review', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  }, 60_000);

  it('has help that explains the flags and gives examples', async () => {
    const r = await runCli('review', '--help');
    expect(r.out).toContain('seccom review --quarter 2011Q3 --db out/county.db');
    expect(r.out).toContain('share rose at activation');
  });
});
