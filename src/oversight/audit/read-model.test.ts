/**
 * The audit's read model on SQLite and PostgreSQL (PostgreSQL skipped with a message when not
 * reachable): hand-built logs written to `case_log_events`, refreshed incrementally as events
 * come, and compared with a rebuild from scratch.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { caseLogMigrations, recordEvent, type CaseLogTables } from '../../agencies/case-log/index.ts';
import { createJurisdictions, jurisdictionMigrations } from '../../agencies/jurisdictions/index.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import { assertMigrated, tablesOf, type Store } from '../../platform/store/index.ts';
import { freshStorePerTest, storeVariants } from '../../platform/store/testing.ts';
import { AuditError } from './errors.ts';
import type { LogEvent } from './project.ts';
import { auditStoredDetainers, rebuildDetainerAudit, refreshDetainerAudit, storedCases } from './read-model.ts';
import { CaseLogBuilder, H, ms } from './testing.ts';

const MON_1700 = ms('2012-03-12T17:00:00-05:00');
const WED_1700 = ms('2012-03-14T17:00:00-05:00');

async function write(store: Store, events: readonly LogEvent[]) {
  await store.transaction(async (trx) => {
    for (const e of events) await recordEvent(trx, e);
  });
}

/** Three cases: a hold released 6 h late (Harris), a declined detainer (Harris), a case with no detainer (Travis). */
function logs() {
  const late = new CaseLogBuilder('C-LATE').booked('2012-03-05T15:00:00Z').criminalSearch('2012-03-05T15:00:01Z', 1).issued('2012-03-05T15:00:02Z', 'DET-L').received('2012-03-05T15:00:03Z', 'DET-L').copyServed('2012-03-05T15:00:03Z');
  const declined = new CaseLogBuilder('C-DECL').booked('2012-03-06T15:00:00Z').criminalSearch('2012-03-06T15:00:01Z', 0).issued('2012-03-06T15:00:02Z', 'DET-D').declined('2012-03-06T15:00:03Z', 'DET-D');
  const none = new CaseLogBuilder('C-NONE', 'TX2270000').booked('2012-03-07T15:00:00Z').criminalSearch('2012-03-07T15:00:01Z', 0).disposition('2012-03-08T15:00:00Z', 'conviction');
  const later = new CaseLogBuilder('C-LATE').holdStarted(MON_1700, 'DET-L', MON_1700, WED_1700).lapsed(WED_1700 + 6 * H, 'DET-L', WED_1700);
  const dismissal = new CaseLogBuilder('C-DECL').disposition('2012-03-20T15:00:00Z', 'dismissal');
  return { first: [...late.events, ...declined.events, ...none.events], second: [...later.events, ...dismissal.events] };
}

describe.each(storeVariants)('the detainer audit read model on $kind', (variant) => {
  const run = variant.skipped ? it.skip : it;
  if (variant.skipped) it.skip(`${variant.skipped}`, () => {});
  const freshStore = freshStorePerTest(variant, afterEach);

  async function open(withLog = true) {
    const clock = new ManualClock(ms('2012-01-01T00:00:00Z'));
    const s = await freshStore(clock);
    if (withLog) {
      assertMigrated(await s.migrate([caseLogMigrations, jurisdictionMigrations]));
      const registry = createJurisdictions({ clock });
      await s.transaction(async (trx) => {
        await registry.register(trx, { ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
        await registry.register(trx, { ori: 'TX2270000', name: 'Travis County Sheriff', state: 'TX', county: 'Travis', timeZone: 'America/Chicago', aor: 'SNA' });
      });
    }
    return s;
  }

  run('every indication of US citizenship is in the US-citizen findings with what happened to it, detainer or not', async () => {
    const s = await open();
    const naturalized = new CaseLogBuilder('C-NAT').booked('2012-03-05T15:00:00Z').criminalSearch('2012-03-05T15:00:01Z', 0).iar('2012-03-05T15:00:02Z', 'us-citizen', ['naturalization']).review('2012-03-05T15:00:03Z', 'SC-2011', 'no-action');
    const claim = new CaseLogBuilder('C-CLAIM').booked('2012-03-06T15:00:00Z').criminalSearch('2012-03-06T15:00:01Z', 0).iar('2012-03-06T15:00:02Z', 'unknown', ['claimed']).supervisorQueued('2012-03-06T15:00:03Z').supervisorResolved('2012-03-07T15:00:00Z', 'verified', 'birth certificate');
    const detained = new CaseLogBuilder('C-DET').booked('2012-03-08T15:00:00Z').criminalSearch('2012-03-08T15:00:01Z', 0).iar('2012-03-08T15:00:02Z', 'unknown', ['naturalization']).issued('2012-03-08T15:00:03Z', 'DET-C');
    const queuedOnly = new CaseLogBuilder('C-QUEUED').booked('2012-03-09T16:00:00Z').criminalSearch('2012-03-09T16:00:01Z', 0).iar('2012-03-09T16:00:02Z', 'unknown', ['naturalization-record']).supervisorQueued('2012-03-09T16:00:03Z');
    const plain = new CaseLogBuilder('C-PLAIN').booked('2012-03-09T15:00:00Z').criminalSearch('2012-03-09T15:00:01Z', 0).iar('2012-03-09T15:00:02Z', 'removable');
    await write(s, [...naturalized.events, ...claim.events, ...detained.events, ...queuedOnly.events, ...plain.events]);
    await refreshDetainerAudit(s);
    const audit = await auditStoredDetainers(s.db, { asOf: ms('2012-04-01T00:00:00Z') });
    const byCase = new Map(audit.usCitizens.map((c) => [c.caseId, c]));
    expect([...byCase.keys()].sort()).toEqual(['C-CLAIM', 'C-DET', 'C-NAT', 'C-QUEUED']);
    expect(byCase.get('C-QUEUED')).toMatchObject({ basis: 'indication', review: null, reviewQueuedAt: ms('2012-03-09T16:00:03Z'), detainerIds: [] });
    expect(byCase.get('C-QUEUED')!.text).toMatch(/queued for supervisor review.*no detainer/);
    expect(byCase.get('C-NAT')).toMatchObject({ basis: 'indication', indications: ['naturalization'], detainerIds: [], review: null });
    expect(byCase.get('C-CLAIM')).toMatchObject({ basis: 'verified', indications: ['claimed'], detainerIds: [], reviewQueuedAt: ms('2012-03-06T15:00:03Z'), review: { verdict: 'verified', basis: 'birth certificate' } });
    expect(byCase.get('C-DET')).toMatchObject({ basis: 'indication', detainerIds: ['DET-C'] });
    for (const c of audit.usCitizens) expect(c.text.length).toBeGreaterThan(0);
    // incremental = rebuild
    const before = JSON.stringify(audit.usCitizens);
    await rebuildDetainerAudit(s);
    expect(JSON.stringify((await auditStoredDetainers(s.db, { asOf: ms('2012-04-01T00:00:00Z') })).usCitizens)).toBe(before);
  });

  run('refreshes incrementally as events come, reading only the new ones, and ends equal to a rebuild', async () => {
    const s = await open();
    const { first, second } = logs();
    await write(s, first);
    const r1 = await refreshDetainerAudit(s);
    expect(r1.casesRefolded).toBe(2); // the case with no detainer is not kept
    const asOf = ms('2012-04-01T00:00:00Z');
    const before = await auditStoredDetainers(s.db, { asOf });
    expect(before.detainers.map((d) => [d.caseId, d.end.kind])).toEqual([
      ['C-LATE', 'open'],
      ['C-DECL', 'declined'],
    ]);

    const noChange = await refreshDetainerAudit(s);
    expect(noChange.eventsRead).toBe(variant.kind === 'postgres' ? r1.eventsRead : 0);
    await write(s, second);
    const r2 = await refreshDetainerAudit(s);
    expect(r2.lastSeq).toBeGreaterThan(r1.lastSeq);
    const after = await auditStoredDetainers(s.db, { asOf });
    const late = after.detainers.find((d) => d.caseId === 'C-LATE')!;
    expect(late.end.kind).toBe('lapsed');
    expect(late.findings.find((f) => f.kind === 'held-past-limit')?.hoursOver).toBe(6);
    expect(after.detainers.find((d) => d.caseId === 'C-DECL')!.findings.find((f) => f.kind === 'never-convicted')?.basis).toBe('dismissed');
    expect(after.groups.map((g) => [g.key, g.name, g.detainers, g.related])).toEqual([['TX1010000', 'Harris County Sheriff', 2, ['HOU']]]);

    const casesBefore = await storedCases(s.db);
    await rebuildDetainerAudit(s);
    expect(await storedCases(s.db)).toEqual(casesBefore);
    expect(await auditStoredDetainers(s.db, { asOf })).toEqual(after);
    // The columns other modules can query.
    const rows = await tablesOf<{ oversight_audit_detainers: { case_id: string; aor: string | null; end_kind: string; recorded_limit_at: number | null } }>(s.db).selectFrom('oversight_audit_detainers').select(['case_id', 'aor', 'end_kind', 'recorded_limit_at']).orderBy('case_id').execute();
    expect(rows.map((r) => ({ ...r, recorded_limit_at: r.recorded_limit_at === null ? null : Number(r.recorded_limit_at) }))).toEqual([
      { case_id: 'C-DECL', aor: 'HOU', end_kind: 'declined', recorded_limit_at: null },
      { case_id: 'C-LATE', aor: 'HOU', end_kind: 'lapsed', recorded_limit_at: WED_1700 },
    ]);
  });

  run('a database with no event log is a typed error and gets no tables', async () => {
    const s = await open(false);
    await expect(refreshDetainerAudit(s)).rejects.toMatchObject({ name: 'AuditError', code: 'NO_EVENT_LOG' });
    await expect(rebuildDetainerAudit(s)).rejects.toBeInstanceOf(AuditError);
    await expect(auditStoredDetainers(s.db, { asOf: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_AS_OF' });
  });

  run('an event whose details column is not JSON loses only its details', async () => {
    const s = await open();
    const { first } = logs();
    await write(s, first);
    await tablesOf<CaseLogTables>(s.db).updateTable('case_log_events').set({ details: '{not json' }).where('case_id', '=', 'C-LATE').where('kind', '=', 'booked').execute();
    await refreshDetainerAudit(s);
    const audit = await auditStoredDetainers(s.db, { asOf: ms('2012-04-01T00:00:00Z') });
    expect(audit.detainers.find((d) => d.caseId === 'C-LATE')?.ori).toBe('TX1010000'); // read from the summary instead
  });

  run('refreshing after every event in any split gives the same read model as one rebuild', async () => {
    const s = await open();
    const { first, second } = logs();
    const all = [...first, ...second];
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: all.length - 1 }), { maxLength: 4 }), async (cuts) => {
        await s.transaction(async (trx) => {
          await tablesOf<CaseLogTables>(trx).deleteFrom('case_log_events').execute();
        });
        await rebuildDetainerAudit(s); // empty
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), all.length];
        for (let i = 1; i < bounds.length; i++) {
          await write(s, all.slice(bounds[i - 1], bounds[i]));
          await refreshDetainerAudit(s, { pageSize: 3 });
        }
        const incremental = await storedCases(s.db);
        await rebuildDetainerAudit(s);
        expect(incremental).toEqual(await storedCases(s.db));
      }),
      { numRuns: variant.kind === 'postgres' ? 4 : 10 },
    );
  });
});
