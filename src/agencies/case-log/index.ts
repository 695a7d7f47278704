/**
 * The append-only case log: every agency appends one event per state change, in the same
 * transaction as the change, with the reasons of any decision. `caseTimeline` reads it back.
 * The log belongs to no agency; it is what oversight reads (ARCHITECTURE.md, "event log").
 */
import type { Generated } from 'kysely';
import { preparedStatement, tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';

export interface CaseLogTables {
  case_log_events: {
    seq: Generated<number>;
    case_id: string;
    at: number;
    agency: string;
    kind: string;
    summary: string;
    /** JSON: decision reasons, ids, times. */
    details: string;
  };
}

export const caseLogMigrations: ModuleMigrations = {
  module: 'case-log',
  migrations: [
    {
      name: '0001_case_log_events',
      async up(db, kind) {
        await db.schema
          .createTable('case_log_events')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('case_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('agency', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('case_log_events_case').on('case_log_events').columns(['case_id', 'seq']).execute();
      },
    },
  ],
};

export interface CaseEvent {
  caseId: string;
  at: number;
  agency: string;
  kind: string;
  summary: string;
  details: Record<string, unknown>;
}

/** Transactions whose events are buffered (see `bufferEvents`), with the events so far. */
const buffers = new WeakMap<object, CaseEvent[]>();

/**
 * Appends `event` in `trx`: at once, or — when the transaction buffers events — with the
 * others in one statement at `flushEvents`, in the order they were recorded.
 */
export async function recordEvent(trx: AnyTransaction, event: CaseEvent): Promise<void> {
  const buffer = buffers.get(trx);
  if (buffer) buffer.push(event);
  else await insertEvents(trx, [event]);
}

/**
 * From now on, events recorded in `trx` wait for `flushEvents(trx)` — which must run before the
 * transaction commits (the dispatcher's batch hooks and Pipeline's commands do) — or are
 * dropped by `dropEvents(trx)` when the work they belong to is undone.
 */
export function bufferEvents(trx: AnyTransaction): void {
  buffers.set(trx, []);
}

/** Writes the events buffered in `trx` (one statement per 500) and stops buffering. */
export async function flushEvents(trx: AnyTransaction): Promise<void> {
  const buffer = buffers.get(trx);
  buffers.delete(trx);
  if (buffer && buffer.length > 0) await insertEvents(trx, buffer);
}

/** Forgets the events buffered in `trx` (their transaction or savepoint is rolled back). */
export function dropEvents(trx: AnyTransaction): void {
  buffers.delete(trx);
}

async function insertEvents(trx: AnyTransaction, events: readonly CaseEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) await insertEventRows.execute(trx, events.slice(i, i + 500));
}

/** Events in one statement, compiled once per count. */
const insertEventRows = preparedStatement<readonly CaseEvent[]>(
  (db, p, n) =>
    tablesOf<CaseLogTables>(db)
      .insertInto('case_log_events')
      .values(
        Array.from({ length: n }, (_, i) => ({
          case_id: p((events) => events[i].caseId),
          at: p((events) => events[i].at),
          agency: p((events) => events[i].agency),
          kind: p((events) => events[i].kind),
          summary: p((events) => events[i].summary),
          details: p((events) => JSON.stringify(events[i].details)),
        })),
      ),
  (events) => events.length,
);

/** Every event of a case in the order it was recorded. */
export async function caseEvents(db: AnyDatabase, caseId: string): Promise<CaseEvent[]> {
  const rows = await tablesOf<CaseLogTables>(db).selectFrom('case_log_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map((r) => ({ caseId: r.case_id, at: Number(r.at), agency: r.agency, kind: r.kind, summary: r.summary, details: JSON.parse(r.details) as Record<string, unknown> }));
}
