/**
 * The facts projection: reads `case_log_events` by `seq` after its checkpoint, folds each
 * event into its case's facts (apply.ts) and writes the facts, the checkpoint, the event
 * issues and every subscriber's derived rows in one transaction per batch. A rebuild starts
 * from nothing and folds the log case by case (index order), which gives the same facts as
 * the incremental path because a case's facts depend only on its own events in seq order.
 */
import { caseLogMigrations, type CaseLogTables } from '../../agencies/case-log/index.ts';
import { jurisdictionMigrations, type JurisdictionTables } from '../../agencies/jurisdictions/index.ts';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock/index.ts';
import { assertMigrated, tablesOf, type AnyDatabase, type AnyTransaction, type Store } from '../../platform/store/index.ts';
import { detailsColumn, FACTS_PROJECTION, fold, foldRange, IssueTally, newTallies, type EventIssue, type Tallies } from './fold-range.ts';
import { OversightError } from './errors.ts';
import { factFromJson, factToRow } from './serialize.ts';
import { createFreshFactsTable, dropFreshFactsTable, swapInFreshFactsTable } from './fresh-table.ts';
import { fillFreshFactsSqlite } from './rebuild-sqlite.ts';
import { oversightMigrations, type OversightTables } from './tables.ts';
import { emptyFact, type CaseFact, type JurisdictionRef, type LogEvent, type Registry } from './types.ts';

export { FACTS_PROJECTION, type EventIssue };

/** A fact before and after a batch (before = null: a case new to the projection). */
export interface FactChange {
  before: CaseFact | null;
  after: CaseFact;
}

/**
 * A read model derived from the facts (e.g. the interoperability counts). It must be
 * additive over changes: collecting {null → final} for every case (rebuild) and collecting
 * each batch's {before → after} (incremental) must write the same rows.
 */
export interface FactsSubscriber {
  readonly name: string;
  /** Deletes every derived row (start of a rebuild or resync), in `trx`. */
  clear(trx: AnyTransaction): Promise<void>;
  /** Takes note of changes (in memory). */
  collect(changes: readonly FactChange[], registry: Registry): void;
  /** Writes what was collected since the last flush, in `trx`, and forgets it. */
  flush(trx: AnyTransaction): Promise<void>;
  /** Forgets what was collected (the transaction failed). */
  discard(): void;
}

export interface ProjectionOptions {
  clock: Clock;
  subscribers?: readonly FactsSubscriber[];
  /** Events per transaction on the incremental path (default 5,000). */
  batchSize?: number;
  /** Called after each batch with events done and the (estimated) total. */
  onProgress?: (done: number, total: number) => void;
  /** PostgreSQL may commit seqs out of order; seqs missing within this many of the newest are re-read later (default 10,000). */
  gapWindow?: number;
}

export interface ProjectionReport {
  mode: 'incremental' | 'rebuild';
  eventsRead: number;
  eventsApplied: number;
  /** Known kinds that carry nothing the facts use (release notices, duplicates …). */
  eventsNotUsed: number;
  /** Unknown kinds and malformed details met in this run (skipped and counted). */
  issues: EventIssue[];
  factsWritten: number;
  lastSeq: number;
  /** Seqs still awaited (PostgreSQL only, normally empty). */
  gaps: number;
  /** Derived views rebuilt from the stored facts in this run. */
  subscribersResynced: string[];
}

export async function migrateOversight(store: Store): Promise<void> {
  assertMigrated(await store.migrate([caseLogMigrations, jurisdictionMigrations, oversightMigrations]));
}

export async function loadRegistry(db: AnyDatabase): Promise<Map<string, JurisdictionRef>> {
  const rows = await tablesOf<JurisdictionTables>(db).selectFrom('jurisdictions').select(['ori', 'state', 'aor', 'time_zone', 'activated_at']).execute();
  return new Map(rows.map((r) => [r.ori, { ori: r.ori, state: r.state, aor: r.aor, timeZone: r.time_zone, activatedAt: r.activated_at === null ? null : Number(r.activated_at) }]));
}

interface Checkpoint {
  lastSeq: number;
  status: 'ready' | 'rebuilding';
  token: string | null;
  gaps: number[];
  eventsRead: number;
}

const ov = (d: AnyDatabase) => tablesOf<OversightTables>(d);

async function readCheckpoint(d: AnyDatabase, projection: string, forUpdate = false): Promise<Checkpoint | null> {
  let q = ov(d).selectFrom('oversight_checkpoints').selectAll().where('projection', '=', projection);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return null;
  return { lastSeq: Number(row.last_seq), status: row.status === 'rebuilding' ? 'rebuilding' : 'ready', token: row.token, gaps: JSON.parse(row.gaps) as number[], eventsRead: Number(row.events_read) };
}

async function writeCheckpoint(trx: AnyTransaction, projection: string, c: Checkpoint, now: number, rebuiltAt?: number): Promise<void> {
  const values = { projection, last_seq: c.lastSeq, status: c.status, token: c.token, gaps: JSON.stringify(c.gaps), events_read: c.eventsRead, updated_at: now, ...(rebuiltAt === undefined ? {} : { rebuilt_at: rebuiltAt }) };
  await ov(trx)
    .insertInto('oversight_checkpoints')
    .values({ rebuilt_at: null, ...values })
    .onConflict((oc) => oc.column('projection').doUpdateSet(values))
    .execute();
}

function toLogEvent(r: { seq: number | string; case_id: string; at: number | string; kind: string; details: string | null }): LogEvent {
  return { seq: Number(r.seq), caseId: r.case_id, at: Number(r.at), kind: r.kind, details: r.details };
}

const ROWS_PER_INSERT = 500;

async function insertFacts(trx: AnyTransaction, facts: readonly CaseFact[], upsert: boolean, table: 'oversight_case_facts' | 'oversight_case_facts_next' = 'oversight_case_facts'): Promise<void> {
  for (let i = 0; i < facts.length; i += ROWS_PER_INSERT) {
    const rows = facts.slice(i, i + ROWS_PER_INSERT).map(factToRow);
    const q = ov(trx).insertInto(table as 'oversight_case_facts').values(rows);
    if (!upsert) await q.execute();
    else
      await q
        .onConflict((oc) =>
          oc.column('case_id').doUpdateSet((eb) => ({
            ori: eb.ref('excluded.ori'),
            state: eb.ref('excluded.state'),
            aor: eb.ref('excluded.aor'),
            booked_at: eb.ref('excluded.booked_at'),
            identified_at: eb.ref('excluded.identified_at'),
            ice_custody_at: eb.ref('excluded.ice_custody_at'),
            removed_at: eb.ref('excluded.removed_at'),
            last_seq: eb.ref('excluded.last_seq'),
            fact: eb.ref('excluded.fact'),
          })),
        )
        .execute();
  }
}

async function loadFacts(d: AnyDatabase, caseIds: readonly string[]): Promise<Map<string, CaseFact>> {
  const out = new Map<string, CaseFact>();
  for (let i = 0; i < caseIds.length; i += ROWS_PER_INSERT) {
    const rows = await ov(d).selectFrom('oversight_case_facts').select(['case_id', 'fact']).where('case_id', 'in', caseIds.slice(i, i + ROWS_PER_INSERT)).execute();
    for (const r of rows) out.set(r.case_id, factFromJson(r.case_id, r.fact));
  }
  return out;
}

async function maxSeq(d: AnyDatabase): Promise<number> {
  const r = await tablesOf<CaseLogTables>(d).selectFrom('case_log_events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
  return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
}

function newToken(clock: Clock): string {
  return `rebuild-${clock.now()}-${Math.floor(performance.now() * 1000) % 1_000_000_000}`;
}

/**
 * Brings the facts (and every subscriber) up to date with the log. The first run, or a run
 * after an interrupted rebuild, rebuilds. A subscriber whose own checkpoint differs from the
 * facts' (new, or skipped by an earlier update without it) is rebuilt from the stored facts.
 */
export async function updateFacts(store: Store, options: ProjectionOptions): Promise<ProjectionReport> {
  await migrateOversight(store);
  const start = await readCheckpoint(store.db, FACTS_PROJECTION);
  if (start === null || start.status === 'rebuilding') return rebuildFacts(store, options);
  const subscribers = options.subscribers ?? [];
  const resynced = await resyncSubscribers(store, subscribers, start.lastSeq, options);
  const registry = await loadRegistry(store.db);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 5000));
  const window = options.gapWindow ?? 10_000;
  const top = await maxSeq(store.db);
  const total = Math.max(0, top - start.lastSeq);
  const tallies: Tallies = { applied: 0, notUsed: 0, issues: new IssueTally() };
  let read = 0;
  let written = 0;
  let cp: Checkpoint = start;
  for (;;) {
    const batch = await store.transaction(async (trx) => {
      const now = await readCheckpoint(trx, FACTS_PROJECTION, store.kind === 'postgres');
      if (now === null || now.status !== 'ready' || now.lastSeq !== cp.lastSeq) throw new OversightError('PROJECTION_BUSY', 'the facts projection was changed by another process during this update; run it again');
      const log = tablesOf<CaseLogTables>(trx);
      const fresh = (await log.selectFrom('case_log_events').select(['seq', 'case_id', 'at', 'kind', detailsColumn()]).where('seq', '>', now.lastSeq).orderBy('seq').limit(batchSize).execute()).map(toLogEvent);
      const filled = now.gaps.length === 0 ? [] : (await log.selectFrom('case_log_events').select(['seq', 'case_id', 'at', 'kind', detailsColumn()]).where('seq', 'in', now.gaps).orderBy('seq').execute()).map(toLogEvent);
      if (fresh.length === 0 && filled.length === 0) return null;
      // Gaps: seqs skipped between the checkpoint and this batch that may still commit (PostgreSQL).
      const gaps = new Set(now.gaps);
      for (const e of filled) gaps.delete(e.seq);
      let expect = now.lastSeq + 1;
      for (const e of fresh) {
        for (let s = Math.max(expect, e.seq - window); s < e.seq; s++) gaps.add(s);
        expect = e.seq + 1;
      }
      const last = fresh.length > 0 ? fresh[fresh.length - 1].seq : now.lastSeq;
      for (const g of gaps) if (g <= last - window) gaps.delete(g);
      const events = [...filled, ...fresh];
      const ids = [...new Set(events.map((e) => e.caseId))];
      const stored = await loadFacts(trx, ids);
      const work = new Map<string, { before: CaseFact | null; after: CaseFact }>();
      for (const id of ids) {
        const before = stored.get(id) ?? null;
        work.set(id, { before, after: before === null ? emptyFact(id) : structuredClone(before) });
      }
      const local: Tallies = { applied: 0, notUsed: 0, issues: new IssueTally() };
      for (const e of events) fold(work.get(e.caseId)!.after, e, registry, local);
      const changed = [...work.values()].filter((c) => c.before === null || c.after.lastSeq !== c.before.lastSeq || c.after.events !== c.before.events);
      const applied = changed.filter((c) => c.after.events > 0 || c.before !== null);
      try {
        await insertFacts(trx, applied.map((c) => c.after), true);
        for (const s of subscribers) {
          s.collect(applied, registry);
          await s.flush(trx);
        }
        await local.issues.write(trx);
        const next: Checkpoint = { lastSeq: last, status: 'ready', token: null, gaps: [...gaps].sort((a, b) => a - b), eventsRead: now.eventsRead + events.length };
        await writeCheckpoint(trx, FACTS_PROJECTION, next, options.clock.now());
        for (const s of subscribers) await writeCheckpoint(trx, s.name, { ...next, gaps: [] }, options.clock.now());
        return { next, events: events.length, facts: applied.length, local, fresh: fresh.length };
      } catch (error) {
        for (const s of subscribers) s.discard();
        throw error;
      }
    });
    if (batch === null) break;
    cp = batch.next;
    read += batch.events;
    written += batch.facts;
    tallies.applied += batch.local.applied;
    tallies.notUsed += batch.local.notUsed;
    batch.local.issues.merge(tallies.issues);
    options.onProgress?.(Math.min(read, total), total);
    if (batch.fresh === 0) break; // only gap fillers: nothing newer to read
  }
  return { mode: 'incremental', eventsRead: read, eventsApplied: tallies.applied, eventsNotUsed: tallies.notUsed, issues: [...tallies.issues.byKey.values()], factsWritten: written, lastSeq: cp.lastSeq, gaps: cp.gaps.length, subscribersResynced: resynced };
}

/** Rebuilds a subscriber from the stored facts when its checkpoint is not the facts'. */
async function resyncSubscribers(store: Store, subscribers: readonly FactsSubscriber[], factsSeq: number, options: ProjectionOptions): Promise<string[]> {
  const out: string[] = [];
  for (const s of subscribers) {
    const c = await readCheckpoint(store.db, s.name);
    if (c !== null && c.lastSeq === factsSeq && c.status === 'ready') continue;
    const registry = await loadRegistry(store.db);
    for await (const page of factPages(store.db)) s.collect(page.map((after) => ({ before: null, after })), registry);
    try {
      await store.transaction(async (trx) => {
        const now = await readCheckpoint(trx, FACTS_PROJECTION, store.kind === 'postgres');
        if (now === null || now.lastSeq !== factsSeq) throw new OversightError('PROJECTION_BUSY', 'the facts projection moved while a derived view was being rebuilt; run it again');
        await s.clear(trx);
        await s.flush(trx);
        await writeCheckpoint(trx, s.name, { lastSeq: factsSeq, status: 'ready', token: null, gaps: [], eventsRead: now.eventsRead }, options.clock.now(), options.clock.now());
      });
    } catch (error) {
      s.discard();
      throw error;
    }
    out.push(s.name);
  }
  return out;
}

/** Every stored fact, a page at a time, in case id order. */
export async function* factPages(d: AnyDatabase, pageSize = 5000): AsyncGenerator<CaseFact[]> {
  let after: string | null = null;
  for (;;) {
    let q = ov(d).selectFrom('oversight_case_facts').select(['case_id', 'fact']).orderBy('case_id').limit(pageSize);
    if (after !== null) q = q.where('case_id', '>', after);
    const rows = await q.execute();
    if (rows.length === 0) return;
    yield rows.map((r) => factFromJson(r.case_id, r.fact));
    after = rows[rows.length - 1].case_id;
    if (rows.length < pageSize) return;
  }
}

/** The checkpoint row a running rebuild holds (its token), so that a second rebuild takes over and the first stops. */
const REBUILD_CLAIM = `${FACTS_PROJECTION}:rebuild`;

/**
 * Rebuilds the facts and every subscriber from the whole log (up to its newest seq when the
 * rebuild starts). The facts are written into a fresh table (fresh-table.ts) in chunks, so the
 * pipeline is never locked out for long, and swapped in with the derived views, the event
 * issues and the checkpoint in one transaction: until then readers and incremental updates see
 * the previous facts, and an interrupted rebuild leaves them as they were. On a SQLite file the
 * fill runs on its own connection (rebuild-sqlite.ts); elsewhere through the store.
 */
export async function rebuildFacts(store: Store, options: ProjectionOptions & { pageSize?: number; factsPerCommit?: number }): Promise<ProjectionReport> {
  await migrateOversight(store);
  const subscribers = options.subscribers ?? [];
  const registry = await loadRegistry(store.db);
  const window = options.gapWindow ?? 10_000;
  const token = newToken(options.clock);
  const top = await maxSeq(store.db);
  const busy = () => new OversightError('PROJECTION_BUSY', 'another process took over the rebuild of the facts projection');
  const owned = async (trx: AnyTransaction) => (await readCheckpoint(trx, REBUILD_CLAIM, store.kind === 'postgres'))?.token === token;
  await store.transaction(async (trx) => {
    await writeCheckpoint(trx, REBUILD_CLAIM, { lastSeq: top, status: 'rebuilding', token, gaps: [], eventsRead: 0 }, options.clock.now());
    await createFreshFactsTable(trx, store.kind);
  });
  const tallies: Tallies = newTallies();
  try {
    const progress = (n: number) => options.onProgress?.(Math.min(n, top), top);
    const file = await sqliteFileOf(store);
    const filled =
      file !== null
        ? await fillFreshFactsSqlite({ file, registry, top, tallies, subscribers, claim: { projection: REBUILD_CLAIM, token }, pageCases: options.pageSize === undefined ? undefined : Math.max(1, Math.ceil(options.pageSize / 10)), onRows: progress, busy })
        : await fillFreshFacts(store, registry, top, tallies, subscribers, { pageSize: options.pageSize ?? 20_000, perCommit: options.factsPerCommit ?? 20_000, owned, busy, onRows: progress });
    const log = tablesOf<CaseLogTables>(store.db);
    const total = Number((await log.selectFrom('case_log_events').select((eb) => eb.fn.countAll().as('n')).where('seq', '<=', top).executeTakeFirst())?.n ?? 0);
    tallies.notUsed += total - filled.read;
    // Seqs not (yet) visible near the top: PostgreSQL may commit them later.
    const recent = new Set((await log.selectFrom('case_log_events').select('seq').where('seq', '>', top - window).where('seq', '<=', top).execute()).map((r) => Number(r.seq)));
    const gaps: number[] = [];
    for (let s = Math.max(1, top - window + 1); s <= top; s++) if (!recent.has(s)) gaps.push(s);
    await store.transaction(async (trx) => {
      if (!(await owned(trx))) throw busy();
      await swapInFreshFactsTable(trx, store.kind);
      await ov(trx).deleteFrom('oversight_event_issues').where('projection', '=', FACTS_PROJECTION).execute();
      await tallies.issues.write(trx);
      for (const s of subscribers) {
        await s.clear(trx);
        await s.flush(trx);
      }
      const next: Checkpoint = { lastSeq: top, status: 'ready', token: null, gaps, eventsRead: total };
      const now = options.clock.now();
      await writeCheckpoint(trx, FACTS_PROJECTION, next, now, now);
      for (const s of subscribers) await writeCheckpoint(trx, s.name, { ...next, gaps: [] }, now, now);
      await ov(trx).deleteFrom('oversight_checkpoints').where('projection', '=', REBUILD_CLAIM).execute();
    });
    options.onProgress?.(top, top);
    return { mode: 'rebuild', eventsRead: total, eventsApplied: tallies.applied, eventsNotUsed: tallies.notUsed, issues: [...tallies.issues.byKey.values()], factsWritten: filled.written, lastSeq: top, gaps: gaps.length, subscribersResynced: subscribers.map((s) => s.name) };
  } catch (error) {
    for (const s of subscribers) s.discard();
    // Leave nothing behind unless another rebuild owns it now.
    await store
      .transaction(async (trx) => {
        if (!(await owned(trx))) return;
        await dropFreshFactsTable(trx);
        await ov(trx).deleteFrom('oversight_checkpoints').where('projection', '=', REBUILD_CLAIM).execute();
      })
      .catch(() => undefined);
    throw error;
  }
}

/** The fill through the store (PostgreSQL, or SQLite in memory): the log case by case with Kysely, committed every `perCommit` facts. */
async function fillFreshFacts(
  store: Store,
  registry: Registry,
  top: number,
  tallies: Tallies,
  subscribers: readonly FactsSubscriber[],
  o: { pageSize: number; perCommit: number; owned: (trx: AnyTransaction) => Promise<boolean>; busy: () => Error; onRows: (read: number) => void },
): Promise<{ read: number; written: number }> {
  let pending: CaseFact[] = [];
  let read = 0;
  let written = 0;
  const commit = async (facts: CaseFact[]) => {
    await store.transaction(async (trx) => {
      if (!(await o.owned(trx))) throw o.busy();
      await insertFacts(trx, facts, false, 'oversight_case_facts_next');
    });
    written += facts.length;
  };
  for await (const facts of foldRange(store.db, registry, { top, from: null, to: null, pageSize: o.pageSize }, tallies, (n) => {
    read += n;
    o.onRows(read);
  })) {
    for (const f of facts) pending.push(f);
    for (const s of subscribers) s.collect(facts.map((after) => ({ before: null, after })), registry);
    if (pending.length >= o.perCommit) {
      const chunk = pending;
      pending = [];
      await commit(chunk);
    }
  }
  await commit(pending);
  return { read, written };
}

/** The file of a SQLite store's main database; null for PostgreSQL and for a database in memory. */
async function sqliteFileOf(store: Store): Promise<string | null> {
  if (store.kind !== 'sqlite') return null;
  const r = await sql<{ name: string; file: string | null }>`pragma database_list`.execute(store.db);
  const file = r.rows.find((x) => x.name === 'main')?.file;
  return file ? file : null;
}

/** Where the projection stands, and every issue it has met since its last rebuild. */
export async function projectionStatus(d: AnyDatabase): Promise<{ lastSeq: number; status: string; eventsRead: number; gaps: number; issues: EventIssue[]; facts: number } | null> {
  const c = await readCheckpoint(d, FACTS_PROJECTION);
  if (c === null) return null;
  const issues = await ov(d).selectFrom('oversight_event_issues').selectAll().where('projection', '=', FACTS_PROJECTION).orderBy('issue').orderBy('kind').execute();
  const n = await ov(d).selectFrom('oversight_case_facts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return {
    lastSeq: c.lastSeq,
    status: c.status,
    eventsRead: c.eventsRead,
    gaps: c.gaps.length,
    facts: Number(n?.n ?? 0),
    issues: issues.map((r) => ({ issue: r.issue as EventIssue['issue'], kind: r.kind, count: Number(r.count), firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq), example: r.example })),
  };
}
