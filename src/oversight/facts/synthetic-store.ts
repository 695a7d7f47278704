/**
 * Writes a synthetic log into a store the way the pipeline would have: the jurisdictions and
 * their participation history into the registry, the events into `case_log_events`.
 * For tests and benchmarks (the benchmark bulk-loads SQLite directly for speed).
 */
import { caseLogMigrations, type CaseLogTables } from '../../agencies/case-log/index.ts';
import { jurisdictionMigrations, type JurisdictionTables } from '../../agencies/jurisdictions/index.ts';
import { assertMigrated, tablesOf, type Store } from '../../platform/store/index.ts';
import type { SynthEvent, SynthJurisdiction } from './synthetic.ts';

export async function registerSyntheticJurisdictions(store: Store, jurisdictions: readonly SynthJurisdiction[], registeredAt = 0): Promise<void> {
  assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations]));
  await store.transaction(async (trx) => {
    const t = tablesOf<JurisdictionTables>(trx);
    for (const j of jurisdictions) {
      const activated = j.participation.filter((p) => p.mode !== 'not-activated' && p.mode !== 'withdrawn').map((p) => p.effectiveAt);
      await t
        .insertInto('jurisdictions')
        .values({ ori: j.ori, name: j.name, state: j.state, county: j.county, time_zone: j.timeZone, aor: j.aor, activated_at: activated.length === 0 ? null : Math.min(...activated), registered_at: registeredAt })
        .execute();
      for (const p of j.participation) {
        const notice = JSON.stringify({ givenAt: p.effectiveAt, text: `synthetic notice: ${p.mode}` });
        await t
          .insertInto('jurisdiction_participation_changes')
          .values({ ori: j.ori, mode: p.mode, effective_at: p.effectiveAt, serious_offenses: JSON.stringify(p.seriousOffenses ?? []), notice_to_state: notice, notice_to_jurisdiction: notice, recorded_at: registeredAt })
          .execute();
      }
    }
  });
}

/** Appends events to the case log in the given order, `perInsert` rows a statement, one transaction. */
export async function appendSyntheticEvents(store: Store, events: readonly SynthEvent[], perInsert = 500): Promise<void> {
  assertMigrated(await store.migrate([caseLogMigrations]));
  await store.transaction(async (trx) => {
    for (let i = 0; i < events.length; i += perInsert) {
      await tablesOf<CaseLogTables>(trx)
        .insertInto('case_log_events')
        .values(events.slice(i, i + perInsert).map((e) => ({ case_id: e.caseId, at: e.at, agency: e.agency, kind: e.kind, summary: e.summary, details: JSON.stringify(e.details) })))
        .execute();
    }
  });
}
