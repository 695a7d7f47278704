/**
 * The detainer audit over logs the real pipeline wrote: scenario files played through the
 * agencies on SQLite and on PostgreSQL (when reachable; otherwise the variant says SKIPPED),
 * then the read model refreshed and audited. The pipeline's own timer prevents a hold past its
 * limit, so one test injects the fault that produces one: the machine is down when the hold
 * expires and the overdue timer fires 30 hours late after the restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../../agencies/pipeline.ts';
import { TemplateExtractor } from '../../agencies/tenprint/index.ts';
import { createRng } from '../../biometrics/synth/index.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { storeVariants, type TestDatabase } from '../../platform/store/testing.ts';
import { loadPolicy } from '../../platform/policy/load.ts';
import type { PolicyBundle } from '../../policy/index.ts';
import { parseScenario, runScenario } from '../../sim/scenario.ts';
import { auditStoredDetainers, rebuildDetainerAudit, refreshDetainerAudit } from './read-model.ts';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const extractor = new TemplateExtractor();
const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);

function scenarioDocument(name: string, patch: Record<string, unknown> = {}) {
  return parseScenario({ ...(JSON.parse(readFileSync(join(SCENARIOS, `${name}.json`), 'utf8')) as object), ...patch }, `${name}.json`, SCENARIOS);
}

describe.each(storeVariants)('detainer audit of the pipeline on $kind', (variant) => {
  const run = variant.skipped ? it.skip : it;
  if (variant.skipped) it.skip(`${variant.skipped}`, () => {});
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of databases.splice(0)) await d.drop();
  });

  async function fresh(clock?: ManualClock) {
    const database = await variant.create();
    databases.push(database);
    const store = await database.open(clock);
    stores.push(store);
    return { database, store };
  }

  run('a hold that lapses on time (Friday before a Monday holiday) is a lapsed detainer and no hold past its limit', async () => {
    const { store } = await fresh();
    const result = await runScenario(scenarioDocument('friday-before-holiday'), { store, extractor });
    expect(result.passed).toBe(true);
    await refreshDetainerAudit(store);
    const audit = await auditStoredDetainers(store.db, { asOf: result.endedAt });
    expect(audit.detainers).toHaveLength(1);
    const [d] = audit.detainers;
    expect(d).toMatchObject({ caseId: result.cases[0].caseId, ori: 'TX1010000', aor: 'HOU', releaseDueAt: ms('2013-01-18T17:00:00-06:00'), legalLimitAt: ms('2013-01-23T17:00:00-06:00'), recordedLimitAt: ms('2013-01-23T17:00:00-06:00') });
    expect(d.copyServedAt).not.toBeNull();
    expect(d.hotline).toBe('(855) 448-6903');
    expect(d.end.kind).toBe('lapsed');
    expect(d.findings.map((f) => f.kind)).toContain('lapsed');
    expect(d.findings.map((f) => f.kind)).not.toContain('held-past-limit');
    expect(audit.groups.map((g) => [g.key, g.name, g.detainers])).toEqual([['TX1010000', 'Harris County Sheriff', 1]]);
  });

  run("holds a day less under a version that reads holidays on their own dates: New Year's Day 2022 (a Saturday) observed Friday 12-31 by default, counted under 'actual'", async () => {
    const shipped = loadPolicy();
    const VERSION = '2017-01-25-reinstatement'; // in force on Thursday 2021-12-30, when the release is due (Chicago)
    const actual: PolicyBundle = {
      ...shipped,
      versions: shipped.versions.map((v) => (v.id === VERSION ? { ...v, detainers: { ...v.detainers, form: { ...v.detainers.form, holidays: { ...v.detainers.form.holidays, dates: 'actual' as const } } } } : v)),
    };
    const doc = () => {
      const raw = JSON.parse(readFileSync(join(SCENARIOS, 'friday-before-holiday.json'), 'utf8')) as { events: Record<string, unknown>[] };
      const [booking, release] = raw.events;
      return scenarioDocument('friday-before-holiday', { events: [{ ...booking, at: '2021-12-27T09:00:00-06:00' }, { ...release, at: '2021-12-30T17:00:00-06:00' }], expect: {} });
    };
    const held = async (policy: PolicyBundle | undefined) => {
      const { store } = await fresh();
      const result = await runScenario(doc(), { store, extractor, ...(policy ? { policy } : {}) });
      await refreshDetainerAudit(store, policy ? { policy } : {});
      const audit = await auditStoredDetainers(store.db, { asOf: result.endedAt, ...(policy ? { policy } : {}) });
      return { state: result.cases[0].finalState, audit };
    };
    const byDefault = await held(undefined);
    const underActual = await held(actual);
    expect(byDefault.state.decision).toMatchObject({ decision: 'detainer', policyVersion: VERSION });
    expect(byDefault.state.detainer?.expiresAt).toBe(ms('2022-01-04T17:00:00-06:00')); // Fri 12-31 (observed), Sat, Sun excluded
    expect(underActual.state.detainer?.expiresAt).toBe(ms('2022-01-03T17:00:00-06:00')); // Fri 12-31 counted
    expect(byDefault.state.detainer!.expiresAt! - underActual.state.detainer!.expiresAt!).toBe(24 * H);
    expect(underActual.state).toMatchObject({ custody: 'released', releaseReason: 'hold-lapsed', releasedAt: ms('2022-01-03T17:00:00-06:00') });
    // Each audit recomputes under the reading the deciding version had: neither limit is miscomputed.
    for (const { audit } of [byDefault, underActual]) expect(audit.detainers[0].findings.map((f) => f.kind)).not.toContain('limit-miscomputed');
    expect(underActual.audit.detainers[0].clockReading).toMatchObject({ policyVersion: VERSION, holidayDates: 'actual', source: 'deciding-version' });
  });

  run('a TRUST-Act jail declining a detainer, and ICE taking custody before the limit, are reported as such', async () => {
    const declined = await fresh();
    const trust = await runScenario(scenarioDocument('trust-act'), { store: declined.store, extractor });
    await refreshDetainerAudit(declined.store);
    const a = await auditStoredDetainers(declined.store.db, { asOf: trust.endedAt, by: 'aor' });
    expect(a.detainers.map((d) => [d.end.kind, d.findings.map((f) => f.kind)])).toEqual([['declined', ['declined']]]);
    expect(a.groups.map((g) => [g.key, g.findings.declined])).toEqual([['HOU', 1]]);

    const custody = await fresh();
    const removal = await runScenario(scenarioDocument('prior-removal-level-1'), { store: custody.store, extractor });
    await refreshDetainerAudit(custody.store);
    const b = await auditStoredDetainers(custody.store.db, { asOf: removal.endedAt });
    expect(b.detainers).toHaveLength(1);
    expect(b.detainers[0].end.kind).toBe('custody');
    expect(b.detainers[0].hoursHeld).toBe(17); // Monday 17:00 → Tuesday 10:00
    expect(b.detainers[0].findings).toEqual([]); // served with the hotline, a prior Level 1 conviction, ICE in time
  });

  run('a naturalized citizen gets no detainer from the pipeline, and still appears in the US-citizen findings with what happened', async () => {
    const { store } = await fresh();
    const result = await runScenario(scenarioDocument('naturalized-citizen'), { store, extractor });
    expect(result.passed).toBe(true);
    const report = await refreshDetainerAudit(store);
    expect(report.casesRefolded).toBe(1);
    const audit = await auditStoredDetainers(store.db, { asOf: result.endedAt });
    expect(audit.detainers).toEqual([]);
    expect(audit.usCitizens).toHaveLength(1);
    expect(audit.usCitizens[0]).toMatchObject({ basis: 'verified', detainerIds: [], review: { verdict: 'verified' } });
    expect(audit.usCitizens[0].text).toMatch(/no detainer was issued/);
  });

  run('a jail that releases 20 h late (late-release.json) is held 20 h past the limit, counted to the release it reports', async () => {
    const { store } = await fresh();
    const result = await runScenario(scenarioDocument('late-release'), { store, extractor });
    expect(result.passed).toBe(true);
    await refreshDetainerAudit(store);
    const audit = await auditStoredDetainers(store.db, { asOf: result.endedAt });
    const [d] = audit.detainers;
    expect(d).toMatchObject({ legalLimitAt: ms('2012-03-14T17:00:00-05:00'), end: { kind: 'lapsed' }, hoursHeld: 68 });
    expect(d.findings.find((f) => f.kind === 'held-past-limit')?.hoursOver).toBe(20);
    expect(audit.totals).toMatchObject({ hoursOverTotal: 20, hoursOverMax: 20 });
  });

  run('while the late jail still holds the person the audit shows the hold open past its limit with the alert; a release reported a day later still counts to the release instant', async () => {
    const limit = ms('2012-03-14T17:00:00-05:00'); // Wednesday 17:00 CDT
    const { database, store } = await fresh();
    const base = scenarioDocument('late-release').scenario;
    const result = await runScenario(scenarioDocument('late-release', { events: base.events.filter((e) => e.type !== 'release'), end: '2012-03-15T06:00:00-05:00', expect: {} }), { store, extractor });
    const caseId = result.cases[0].caseId;
    expect(result.cases[0].finalState.custody).toBe('held-on-detainer');
    await refreshDetainerAudit(store);
    const during = await auditStoredDetainers(store.db, { asOf: limit + 13 * H });
    const open = during.detainers[0].findings.find((f) => f.kind === 'open-past-limit');
    expect(open?.hoursOver).toBe(13);
    expect(open?.text).toMatch(/over-limit alert was raised at 2012-03-14T17:00:00-05:00/);
    expect(during.detainers[0].end.kind).toBe('open');
    await store.close();
    stores.splice(stores.indexOf(store), 1);

    // The jail reports on Friday morning that it let the person go on Thursday at 13:00.
    const reportedAt = ms('2012-03-16T09:00:00-05:00');
    const clock = new ManualClock(reportedAt);
    const reopened = await database.open(clock);
    stores.push(reopened);
    const pipeline = await Pipeline.open({ store: reopened, clock, random: createRng(`audit/${variant.kind}/late-report`), extractor });
    await pipeline.reportRelease(caseId, limit + 20 * H, 'released', { reportedAt });
    await refreshDetainerAudit(reopened);
    const after = await auditStoredDetainers(reopened.db, { asOf: reportedAt + H });
    const past = after.detainers[0].findings.find((f) => f.kind === 'held-past-limit');
    expect(past?.hoursOver).toBe(20);
    expect(past?.text).toMatch(/The jail reported it at 2012-03-16T09:00:00-05:00/);
    // As of before the report arrived, the audit still sees the hold open (it could not know).
    const beforeReport = await auditStoredDetainers(reopened.db, { asOf: reportedAt - H });
    expect(beforeReport.detainers[0].findings.find((f) => f.kind === 'open-past-limit')?.hoursOver).toBe(39);
  });

  run('a timer that fires 30 hours late after an outage shows as a hold 30 h past its limit; an audit during the outage shows it open past the limit', async () => {
    const expiry = ms('2013-01-23T17:00:00-06:00');
    const { database, store } = await fresh();
    // The scenario stops before the hold expires: the machine goes down.
    const result = await runScenario(scenarioDocument('friday-before-holiday', { end: '2013-01-22T00:00:00-06:00' }), { store, extractor });
    expect(result.cases[0].finalState.custody).toBe('held-on-detainer');
    await refreshDetainerAudit(store);
    const during = await auditStoredDetainers(store.db, { asOf: expiry + 5 * H });
    expect(during.detainers[0].findings.find((f) => f.kind === 'open-past-limit')?.hoursOver).toBe(5);
    await store.close();
    stores.splice(stores.indexOf(store), 1);

    // Back up 30 hours after the expiry: the overdue timer fires at once.
    const clock = new ManualClock(expiry + 30 * H);
    const restarted = await database.open(clock);
    stores.push(restarted);
    const pipeline = await Pipeline.open({ store: restarted, clock, random: createRng(`audit/${variant.kind}/restart`), extractor });
    await pipeline.advanceTo(expiry + 30 * H);
    const state = await pipeline.finalState(result.cases[0].caseId);
    expect(state).toMatchObject({ custody: 'released', releaseReason: 'hold-lapsed', releasedAt: expiry }); // the jail's record says "at the expiry"

    const refreshed = await refreshDetainerAudit(restarted);
    expect(refreshed.casesRefolded).toBe(1);
    const after = await auditStoredDetainers(restarted.db, { asOf: expiry + 40 * H });
    const past = after.detainers[0].findings.find((f) => f.kind === 'held-past-limit');
    expect(past?.hoursOver).toBe(30);
    expect(past?.text).toMatch(/30 h before it was recorded/);
    expect(after.totals).toMatchObject({ hoursOverTotal: 30, hoursOverMax: 30 });
    expect(after.groups[0].cases.map((c) => c.caseId)).toEqual([result.cases[0].caseId]);

    // Rebuilt from scratch, the read model says the same.
    await rebuildDetainerAudit(restarted);
    expect(await auditStoredDetainers(restarted.db, { asOf: expiry + 40 * H })).toEqual(after);
  });
});
