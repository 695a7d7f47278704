import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseLogMigrations, recordEvent } from '../agencies/case-log/index.ts';
import { createJurisdictions, jurisdictionMigrations } from '../agencies/jurisdictions/index.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { assertMigrated, openStore } from '../platform/store/index.ts';
import { CaseLogBuilder, H, ms } from '../oversight/audit/testing.ts';
import { parseAsOf } from './audit.ts';
import { runCli } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-audit-'));
const db = join(dir, 'log.db');
const MON_1700 = ms('2012-03-12T17:00:00-05:00');
const WED_1700 = ms('2012-03-14T17:00:00-05:00');

beforeAll(async () => {
  // A hand-built log: a hold released 6 h past its limit in Harris County; a detainer declined in Travis County.
  const clock = new ManualClock(ms('2012-01-01T00:00:00Z'));
  const store = await openStore({ kind: 'sqlite', path: db }, { clock });
  assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
  const registry = createJurisdictions({ clock });
  const late = new CaseLogBuilder('C-LATE').booked('2012-03-05T15:00:00Z').criminalSearch('2012-03-05T15:00:01Z', 1).issued('2012-03-05T15:00:02Z', 'DET-L').received('2012-03-05T15:00:03Z', 'DET-L').copyServed('2012-03-05T15:00:03Z').holdStarted(MON_1700, 'DET-L', MON_1700, WED_1700).lapsed(WED_1700 + 6 * H, 'DET-L', WED_1700);
  const declined = new CaseLogBuilder('C-DECL', 'TX2270000').booked('2012-03-06T15:00:00Z').criminalSearch('2012-03-06T15:00:01Z', 2).issued('2012-03-06T15:00:02Z', 'DET-D').declined('2012-03-06T15:00:03Z', 'DET-D');
  await store.transaction(async (trx) => {
    await registry.register(trx, { ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
    await registry.register(trx, { ori: 'TX2270000', name: 'Travis County Sheriff', state: 'TX', county: 'Travis', timeZone: 'America/Chicago', aor: 'SNA' });
    for (const e of [...late.events, ...declined.events]) await recordEvent(trx, e);
  });
  await store.close();
});

describe('seccom audit', () => {
  it('prints the audit per jurisdiction with counts and the drill-down to each flagged case', async () => {
    const r = await runCli('audit', 'detainers', '--db', db, '--as-of', '2012-04-01');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Detainer audit as of 2012-04-01T23:59Z, by jurisdiction \(ORI\): 2 detainers, 2 with findings; 6 h held beyond the legal limit/);
    expect(r.out).toMatch(/TX1010000 +Harris County Sheriff \(HOU\) +1 +1 +1 /);
    expect(r.out).toContain('    C-LATE  DET-L');
    expect(r.out).toMatch(/- held-past-limit: Held 6 h past the legal limit \(2012-03-14T17:00:00-05:00\)/);
    expect(r.out).toMatch(/- declined: The jail declined the detainer/);
  });

  it('prints JSON per field office and writes the chart', async () => {
    const svg = join(dir, 'audit.svg');
    const r = await runCli('audit', 'detainers', '--db', `sqlite:${db}`, '--as-of', '2012-04-01T00:00:00Z', '--by', 'aor', '--json', '--svg', svg);
    expect(r.code).toBe(0);
    const audit = JSON.parse(r.out) as { by: string; totals: { detainers: number; findings: Record<string, number> }; groups: { key: string; related: string[]; cases: { caseId: string }[] }[]; detainers: { caseId: string; legalLimitAt: { utc: string; zone: string } }[] };
    expect(audit.by).toBe('aor');
    expect(audit.totals.detainers).toBe(2);
    expect(audit.totals.findings).toMatchObject({ 'held-past-limit': 1, declined: 1, lapsed: 1 });
    expect(audit.groups.map((g) => [g.key, g.related])).toEqual([
      ['HOU', ['TX1010000']],
      ['SNA', ['TX2270000']],
    ]);
    expect(Date.parse(audit.detainers.find((d) => d.caseId === 'C-LATE')?.legalLimitAt.utc ?? '')).toBe(WED_1700);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg [^>]*role="img"[\s\S]*<title id="t">Detainer audit findings by field office[\s\S]*held-past-limit[\s\S]*<\/svg>\n$/);
  });

  it('shows one case in full, as of a date before and after the hold ran out', async () => {
    const r = await runCli('audit', 'case', 'C-LATE', '--db', db, '--as-of', '2012-04-01');
    expect(r.code).toBe(0);
    expect(r.out).toContain('detainer DET-L (case C-LATE)');
    expect(r.out).toMatch(/copy served +2012-03-05T09:00:03-06:00, hotline \(855\) 448-6903/);
    expect(r.out).toMatch(/legal limit +2012-03-14T17:00:00-05:00/);
    expect(r.out).toMatch(/end +lapsed 2012-03-14T23:00:00-05:00: the hold lapsed/);
    const during = JSON.parse((await runCli('audit', 'case', 'C-LATE', '--db', db, '--as-of', '2012-03-15T01:00:00Z', '--json')).out) as { detainers: { end: { kind: string }; findings: { kind: string; hoursOver?: number }[] }[] };
    expect(during.detainers[0].end.kind).toBe('open');
    expect(during.detainers[0].findings.find((f) => f.kind === 'open-past-limit')?.hoursOver).toBe(3);
  });

  it('bad input is one line and exit status 2, and creates nothing', async () => {
    const saved = process.env.SECCOM_DB;
    delete process.env.SECCOM_DB;
    try {
      expect(await runCli('audit', 'detainers')).toMatchObject({ code: 2, err: expect.stringMatching(/^seccom: give the pipeline store with --db/) });
    } finally {
      if (saved !== undefined) process.env.SECCOM_DB = saved;
    }
    const missing = join(dir, 'nope.db');
    expect(await runCli('audit', 'detainers', '--db', missing)).toMatchObject({ code: 2, err: `seccom: no such database: ${missing}\n` });
    expect(existsSync(missing)).toBe(false);
    expect((await runCli('audit', 'detainers', '--db', db, '--by', 'state')).err).toMatch(/^seccom: --by must be jurisdiction or aor/);
    expect((await runCli('audit', 'detainers', '--db', db, '--as-of', '2012-02-30')).err).toMatch(/^seccom: --as-of: no such date 2012-02-30/);
    expect((await runCli('audit', 'detainers', '--db', db, '--as-of', 'yesterday')).code).toBe(2);
    expect((await runCli('audit', 'case', 'C-NONE', '--db', db)).err).toMatch(/^seccom: case C-NONE has no detainer/);
    const empty = join(dir, 'empty.db');
    await (await openStore({ kind: 'sqlite', path: empty })).close();
    expect(await runCli('audit', 'detainers', '--db', empty)).toMatchObject({ code: 2, err: expect.stringMatching(/^seccom: NO_EVENT_LOG: this database has no case event log/) });
  });

  it('dates are read as the end of the day in UTC, instants with their zone', () => {
    expect(parseAsOf('2012-03-14')).toBe(ms('2012-03-14T23:59:59.999Z'));
    expect(parseAsOf('2012-03-14T17:00:00-05:00')).toBe(WED_1700);
    expect(() => parseAsOf('2012-03-14T17:00:00')).toThrow(/with its zone/);
  });

  it('--help lists the findings and an example', async () => {
    const r = await runCli('audit', 'detainers', '--help');
    expect(r.out).toContain('held-past-limit');
    expect(r.out).toContain('seccom audit detainers --db out/audit.db --as-of 2013-02-01');
  });

  it('audits a scenario run into a store: the Friday-before-a-holiday hold lapsed on time', async () => {
    const store = join(dir, 'scenario.db');
    const ran = await runCli('scenario', 'run', join(import.meta.dirname, '../../scenarios/friday-before-holiday.json'), '--store', `sqlite:${store}`, '--json');
    expect(ran.code).toBe(0);
    const audit = JSON.parse((await runCli('audit', 'detainers', '--db', store, '--as-of', '2013-02-01', '--json')).out) as { detainers: { end: { kind: string }; legalLimitAt: { local: string; utc: string; zone: string }; findings: { kind: string }[] }[] };
    expect(audit.detainers).toHaveLength(1);
    expect(audit.detainers[0].end.kind).toBe('lapsed');
    expect(audit.detainers[0].legalLimitAt).toEqual({ local: '2013-01-23T17:00:00-06:00', utc: new Date(ms('2013-01-23T17:00:00-06:00')).toISOString(), zone: 'America/Chicago' });
    expect(audit.detainers[0].findings.map((f) => f.kind)).not.toContain('held-past-limit');
  }, 120_000);
});
