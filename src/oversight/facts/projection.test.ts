/**
 * The facts projection and the interoperability counts on both stores: incremental updates in
 * any split of the log equal a rebuild and an in-memory fold; bad events are skipped and
 * counted; a subscriber that missed updates catches up from the facts.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { ManualClock } from '../../platform/clock/index.ts';
import { storeVariants, type TestDatabase } from '../../platform/store/testing.ts';
import type { Store } from '../../platform/store/index.ts';
import { contributions, interopCounts } from '../interop/counts.ts';
import { interopStats } from '../interop/stats.ts';
import { applyEvent } from './apply.ts';
import { OversightError } from './errors.ts';
import { projectionStatus, rebuildFacts, updateFacts } from './projection.ts';
import { factOf, readFacts } from './read.ts';
import { appendSyntheticEvents, registerSyntheticJurisdictions } from './synthetic-store.ts';
import { syntheticLog, type SynthEvent, type SynthJurisdiction } from './synthetic.ts';
import { emptyFact, type CaseFact, type JurisdictionRef } from './types.ts';

const clock = new ManualClock(Date.UTC(2014, 0, 1));
const opened: { db: TestDatabase; store: Store }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    await o.db.drop();
  }
});

function sample(bookings: number, seed = 7): { jurisdictions: SynthJurisdiction[]; events: SynthEvent[] } {
  const log = syntheticLog({ seed, bookings, jurisdictions: 24, from: Date.UTC(2009, 0, 1), to: Date.UTC(2012, 11, 31) });
  return { jurisdictions: log.jurisdictions, events: [...log.events()] };
}

function registryOf(js: SynthJurisdiction[]): Map<string, JurisdictionRef> {
  return new Map(
    js.map((j) => {
      const act = j.participation.filter((p) => p.mode !== 'not-activated' && p.mode !== 'withdrawn').map((p) => p.effectiveAt);
      return [j.ori, { ori: j.ori, state: j.state, aor: j.aor, timeZone: j.timeZone, activatedAt: act.length ? Math.min(...act) : null }];
    }),
  );
}

/** The projection's facts computed in memory, for comparison. */
function foldInMemory(events: SynthEvent[], registry: Map<string, JurisdictionRef>): Map<string, CaseFact> {
  const facts = new Map<string, CaseFact>();
  events.forEach((e, i) => {
    const f = facts.get(e.caseId) ?? emptyFact(e.caseId);
    facts.set(e.caseId, f);
    applyEvent(f, { seq: i + 1, caseId: e.caseId, at: e.at, kind: e.kind, details: JSON.stringify(e.details) }, registry);
  });
  return facts;
}

async function countsOf(store: Store) {
  const rows = await store.db.selectFrom('oversight_interop_counts' as never).selectAll().execute();
  return (rows as { ori: string; month: string; measure: string; count: number | string }[]).map((r) => `${r.ori} ${r.month} ${r.measure} ${Number(r.count)}`).sort();
}

describe.each(storeVariants)('facts projection on $kind', (variant) => {
  const open = async () => {
    const db = await variant.create();
    const store = await db.open(clock);
    opened.push({ db, store });
    return store;
  };

  it.skipIf(variant.skipped !== undefined)('incremental updates over any split of the log give the same facts and counts as a rebuild and as an in-memory fold', async () => {
    const { jurisdictions, events } = sample(160);
    const registry = registryOf(jurisdictions);
    const rebuilt = await open();
    await registerSyntheticJurisdictions(rebuilt, jurisdictions);
    await appendSyntheticEvents(rebuilt, events);
    const report = await rebuildFacts(rebuilt, { clock, subscribers: [interopCounts()], pageSize: 97, factsPerCommit: 13 });
    expect(report.eventsRead).toBe(events.length);
    expect(report.issues).toEqual([]);
    const expected = await readFacts(rebuilt.db);
    const memory = foldInMemory(events, registry);
    expect(expected.length).toBe(memory.size);
    for (const f of expected) expect({ ...f, lastSeq: 0 }).toEqual({ ...memory.get(f.caseId)!, lastSeq: 0 });
    const expectedCounts = await countsOf(rebuilt);
    expect(expectedCounts.length).toBeGreaterThan(0);
    // The same counts straight from the in-memory facts.
    const direct = new Map<string, number>();
    for (const f of memory.values()) for (const k of contributions(f, registry)) direct.set(k, (direct.get(k) ?? 0) + 1);
    expect([...direct].map(([k, n]) => `${k.replaceAll('\u0000', ' ')} ${n}`).sort()).toEqual(expectedCounts);

    for (const seed of [1, 2]) {
      const rng = createRng(`split:${seed}`);
      const inc = await open();
      await registerSyntheticJurisdictions(inc, jurisdictions);
      let i = 0;
      while (i < events.length) {
        const n = rng.int(1, 600);
        await appendSyntheticEvents(inc, events.slice(i, i + n));
        i += n;
        await updateFacts(inc, { clock, subscribers: [interopCounts()], batchSize: rng.int(1, 400) });
      }
      const got = await readFacts(inc.db);
      expect(got).toEqual(expected);
      expect(await countsOf(inc)).toEqual(expectedCounts);
      const status = await projectionStatus(inc.db);
      expect(status).toMatchObject({ status: 'ready', lastSeq: events.length, facts: expected.length, issues: [] });
    }
  });

  it.skipIf(variant.skipped !== undefined)('unknown event kinds and malformed details are skipped, counted with an example, and change nothing', async () => {
    const { jurisdictions, events } = sample(20, 11);
    const store = await open();
    await registerSyntheticJurisdictions(store, jurisdictions);
    await appendSyntheticEvents(store, events);
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    const before = await readFacts(store.db);
    const target = before.find((f) => f.bookedAt !== null)!;
    await appendSyntheticEvents(store, [
      { caseId: target.caseId, at: 1, agency: 'nobody', kind: 'teleported', summary: 'x', details: {} },
      { caseId: target.caseId, at: 2, agency: 'nobody', kind: 'teleported', summary: 'x', details: {} },
      { caseId: target.caseId, at: 3, agency: 'field-office', kind: 'detainer-issued', summary: 'x', details: { detainerId: 42 } },
      { caseId: target.caseId, at: 4, agency: 'field-office', kind: 'proceedings-outcome', summary: 'x', details: {} },
    ]);
    const stats1 = await interopStats(store.db, { by: 'jurisdiction' });
    const r = await updateFacts(store, { clock, subscribers: [interopCounts()] });
    expect(r.eventsRead).toBe(4);
    expect(r.eventsApplied).toBe(0);
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ issue: 'unknown-kind', kind: 'teleported', count: 2 }),
        expect.objectContaining({ issue: 'malformed', kind: 'detainer-issued', count: 1, example: 'detainerId is not a string' }),
        expect.objectContaining({ issue: 'malformed', kind: 'proceedings-outcome', count: 1, example: 'outcome is missing' }),
      ]),
    );
    expect(await factOf(store.db, target.caseId)).toEqual(target);
    expect(await interopStats(store.db, { by: 'jurisdiction' })).toEqual(stats1);
    const status = await projectionStatus(store.db);
    expect(status?.issues.find((i) => i.kind === 'teleported')?.count).toBe(2);
    // A malformed JSON text in the log (written by something else) is skipped the same way.
    await store.db.insertInto('case_log_events' as never).values({ case_id: target.caseId, at: 5, agency: 'booking', kind: 'released', summary: 'x', details: '{not json' } as never).execute();
    const r2 = await updateFacts(store, { clock });
    expect(r2.issues).toEqual([expect.objectContaining({ issue: 'malformed', kind: 'released', example: 'details are not JSON' })]);
  });

  it.skipIf(variant.skipped !== undefined)('a derived view left out of an update is rebuilt from the facts at the next update', async () => {
    const { jurisdictions, events } = sample(40, 3);
    const store = await open();
    await registerSyntheticJurisdictions(store, jurisdictions);
    await appendSyntheticEvents(store, events.slice(0, 200));
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    await appendSyntheticEvents(store, events.slice(200));
    await updateFacts(store, { clock }); // no subscriber: the counts fall behind
    const r = await updateFacts(store, { clock, subscribers: [interopCounts()] });
    expect(r.subscribersResynced).toEqual(['interop-counts']);
    const fresh = await open();
    await registerSyntheticJurisdictions(fresh, jurisdictions);
    await appendSyntheticEvents(fresh, events);
    await rebuildFacts(fresh, { clock, subscribers: [interopCounts()] });
    expect(await countsOf(store)).toEqual(await countsOf(fresh));
  });

  it.skipIf(variant.skipped !== undefined)('an interrupted rebuild is started again by the next update', async () => {
    const { jurisdictions, events } = sample(30, 5);
    const store = await open();
    await registerSyntheticJurisdictions(store, jurisdictions);
    await appendSyntheticEvents(store, events);
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    const expected = await readFacts(store.db);
    // Simulate a crash mid-rebuild: status left 'rebuilding' with half the facts gone.
    await sql`update oversight_checkpoints set status = 'rebuilding', token = 'dead' where projection = 'facts'`.execute(store.db);
    await sql`delete from oversight_case_facts where case_id < ${expected[Math.floor(expected.length / 2)].caseId}`.execute(store.db);
    const r = await updateFacts(store, { clock, subscribers: [interopCounts()] });
    expect(r.mode).toBe('rebuild');
    expect(await readFacts(store.db)).toEqual(expected);
  });

  it.skipIf(variant.skipped !== undefined)('a rebuild reads bad events exactly as the incremental path does: unknown kinds, details that are not JSON or not an object, times that are not numbers', async () => {
    const { jurisdictions, events } = sample(30, 13);
    const bad = async (store: Store) => {
      const target = (await readFacts(store.db)).filter((f) => f.bookedAt !== null);
      const [a, b, c] = [target[0].caseId, target[1].caseId, target[2].caseId];
      const row = (case_id: string, kind: string, details: string, at: unknown = 5) => ({ case_id, at, agency: 'x', kind, summary: 'x', details });
      await store.db
        .insertInto('case_log_events' as never)
        .values([
          row(a, 'teleported', '{}'),
          row(a, 'released', '{not json'),
          row(a, 'released', '1,2'),
          row(b, 'released', '{"at":9,"reason":"\u{1F600} outside the BMP"}'),
          row(b, 'released', 'null'),
          row(b, 'released', '[]'),
          row(b, 'disposition', '{"outcome":"conviction","ncicCodes":["2399"],"at":7}'),
          row(b, 'custody-assumed', '{"a":"'),
          row(b, 'proceedings-outcome', '"},{"outcome":"removed"}'),
          row('C-ONLY-BAD', 'released', '{'),
          // Times that are not integers (SQLite stores what it is given; PostgreSQL refuses them).
          ...(variant.kind === 'sqlite' ? [row(c, 'ident-match', '{}', 'soon'), row(c, 'proceedings-outcome', '{"outcome":"removed"}', 2.5)] : []),
        ] as never)
        .execute();
    };
    const inc = await open();
    await registerSyntheticJurisdictions(inc, jurisdictions);
    await appendSyntheticEvents(inc, events);
    await updateFacts(inc, { clock, subscribers: [interopCounts()] });
    await bad(inc);
    const r1 = await updateFacts(inc, { clock, subscribers: [interopCounts()], batchSize: 3 });
    const reb = await open();
    await registerSyntheticJurisdictions(reb, jurisdictions);
    await appendSyntheticEvents(reb, events);
    await updateFacts(reb, { clock });
    await bad(reb);
    const r2 = await rebuildFacts(reb, { clock, subscribers: [interopCounts()] });
    expect(await readFacts(reb.db)).toEqual(await readFacts(inc.db));
    expect(await countsOf(reb)).toEqual(await countsOf(inc));
    const issues = (r: { issues: { issue: string; kind: string; count: number; example: string }[] }) => r.issues.map((i) => `${i.issue} ${i.kind} ${i.count} ${i.example}`).sort();
    expect(issues(r2)).toEqual(issues(r1));
    expect(issues(r2)).toContain('malformed released 5 details are not JSON');
  });

  it.skipIf(variant.skipped !== undefined)('an interrupted rebuild leaves the previous facts and counts in place, and the next rebuild or update carries on', async () => {
    const { jurisdictions, events } = sample(40, 17);
    const store = await open();
    await registerSyntheticJurisdictions(store, jurisdictions);
    await appendSyntheticEvents(store, events.slice(0, 250));
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    const facts = await readFacts(store.db);
    const counts = await countsOf(store);
    await appendSyntheticEvents(store, events.slice(250));
    // A derived view that fails half-way through the rebuild (after facts were written to the fresh table).
    let pages = 0;
    const failing = { ...interopCounts(), collect: () => {
      if (++pages === 2) throw new Error('disk full');
    } };
    await expect(rebuildFacts(store, { clock, subscribers: [failing], pageSize: 50, factsPerCommit: 5 })).rejects.toThrow('disk full');
    expect(await readFacts(store.db)).toEqual(facts);
    expect(await countsOf(store)).toEqual(counts);
    expect(await projectionStatus(store.db)).toMatchObject({ status: 'ready', lastSeq: 250 });
    // A process killed mid-rebuild leaves the fresh table and its claim behind.
    await rebuildFacts(store, { clock, subscribers: [{ ...interopCounts(), collect: () => { throw new Error('killed'); } }], pageSize: 50 }).catch(() => undefined);
    await store.db.schema.createTable('oversight_case_facts_next').ifNotExists().addColumn('case_id', 'text').execute();
    expect(await readFacts(store.db)).toEqual(facts);
    const r = await updateFacts(store, { clock, subscribers: [interopCounts()] });
    expect(r.mode).toBe('incremental');
    const fresh = await open();
    await registerSyntheticJurisdictions(fresh, jurisdictions);
    await appendSyntheticEvents(fresh, events);
    await rebuildFacts(fresh, { clock, subscribers: [interopCounts()] });
    expect(await readFacts(store.db)).toEqual(await readFacts(fresh.db));
    expect(await countsOf(store)).toEqual(await countsOf(fresh));
    expect((await rebuildFacts(store, { clock, subscribers: [interopCounts()] })).mode).toBe('rebuild');
    expect(await readFacts(store.db)).toEqual(await readFacts(fresh.db));
    expect(await countsOf(store)).toEqual(await countsOf(fresh));
  });

  it.skipIf(variant.skipped !== undefined)('reads facts by window on a stage time and by jurisdiction, state or field office; a reversed window is a typed error', async () => {
    const { jurisdictions, events } = sample(80, 9);
    const store = await open();
    await registerSyntheticJurisdictions(store, jurisdictions);
    await appendSyntheticEvents(store, events);
    await updateFacts(store, { clock });
    const all = await readFacts(store.db);
    const from = Date.UTC(2011, 0, 1);
    const to = Date.UTC(2012, 0, 1);
    expect((await readFacts(store.db, { from, to })).map((f) => f.caseId)).toEqual(all.filter((f) => f.bookedAt !== null && f.bookedAt >= from && f.bookedAt < to).map((f) => f.caseId));
    expect((await readFacts(store.db, { on: 'identifiedAt', from, to })).map((f) => f.caseId)).toEqual(all.filter((f) => f.identifiedAt !== null && f.identifiedAt >= from && f.identifiedAt < to).map((f) => f.caseId));
    const tx = await readFacts(store.db, { state: 'TX' });
    expect(tx.length).toBeGreaterThan(0);
    expect(tx.every((f) => f.state === 'TX')).toBe(true);
    const ori = all[0].ori!;
    expect((await readFacts(store.db, { ori })).every((f) => f.ori === ori)).toBe(true);
    await expect(readFacts(store.db, { from: to, to: from })).rejects.toThrow(OversightError);
    await expect(readFacts(store.db, { from: Number.NaN })).rejects.toThrow(/epoch-millisecond/);
  });
});
