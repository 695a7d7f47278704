import { sql, type Insertable, type Selectable } from 'kysely';
import type { Clock } from '../clock/index.ts';
import { preparedStatement, tablesOf, type AnyDatabase, type AnyTransaction, type StoreKind } from '../store/index.ts';
import type { IdGenerator } from './ids.ts';
import type { Message, OutgoingMessage } from './message.ts';
import type { MessagingTables, OutboxState } from './tables.ts';

export interface Outbox {
  /**
   * Writes `message` into the outbox inside the caller's transaction, so it exists if and only
   * if the caller's state change commits. Returns the message with its id and creation time.
   */
  enqueue<TType extends string, TPayload>(trx: AnyTransaction, message: OutgoingMessage<TType, TPayload>): Promise<Message<TType, TPayload>>;
  /** Gives a message its id and creation time without writing it (see `insert`). */
  stamp<TType extends string, TPayload>(message: OutgoingMessage<TType, TPayload>): Message<TType, TPayload>;
  /**
   * Writes stamped messages in one statement per 500, in list order, in the caller's
   * transaction. The dispatcher buffers a batch's sends and writes them this way; those it
   * already delivered in the same transaction (`delivered.ids`) are written as delivered.
   */
  insert(trx: AnyTransaction, messages: readonly Message[], delivered?: { ids: ReadonlySet<string>; at: number }): Promise<void>;
}

export interface OutboxDeps {
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
}

export function createOutbox({ kind, clock, ids }: OutboxDeps): Outbox {
  const stamp = <TType extends string, TPayload>(outgoing: OutgoingMessage<TType, TPayload>): Message<TType, TPayload> => ({ ...outgoing, id: ids(), createdAt: clock.now() });
  return {
    stamp,
    async insert(trx, messages, delivered) {
      if (messages.length === 0) return;
      if (kind === 'postgres') {
        // The per-case locks of `enqueue`, all at once, in a fixed order (no lock-order cycles
        // between two batches).
        await lockCases.execute(trx, [...new Set(messages.map((m) => m.correlationId))]);
      }
      for (let i = 0; i < messages.length; i += 500) {
        await insertOutboxRows.execute(
          trx,
          messages.slice(i, i + 500).map((m) => {
            const done = delivered?.ids.has(m.id) === true;
            return {
              id: m.id,
              type: m.type,
              from_address: m.from,
              to_address: m.to,
              correlation_id: m.correlationId,
              payload: JSON.stringify(m.payload ?? null),
              created_at: m.createdAt,
              state: done ? ('delivered' as const) : ('pending' as const),
              attempts: done ? 1 : 0,
              next_attempt_at: m.createdAt,
              last_error: null,
              finished_at: done ? (delivered?.at ?? null) : null,
              attachment: m.attachment ?? null,
            };
          }),
        );
      }
    },
    async enqueue(trx, outgoing) {
      const message = stamp(outgoing);
      if (kind === 'postgres') {
        // Sequence numbers are taken at insert but become visible at commit; holding a
        // per-case lock until commit makes commit order equal seq order within a case, so a
        // reader never sees a later message of a case before an earlier one. Lock and insert
        // go in one statement (one round trip).
        await enqueueLocked.execute(trx, message);
        return message;
      }
      await insertOutboxRows.execute(trx, [
        {
          id: message.id,
          type: message.type,
          from_address: message.from,
          to_address: message.to,
          correlation_id: message.correlationId,
          payload: JSON.stringify(message.payload ?? null),
          created_at: message.createdAt,
          state: 'pending',
          attempts: 0,
          next_attempt_at: message.createdAt,
          last_error: null,
          finished_at: null,
          attachment: message.attachment ?? null,
        },
      ]);
      return message;
    },
  };
}

type OutboxInsert = Insertable<MessagingTables['outbox_messages']>;
const OUTBOX_COLUMNS = ['id', 'type', 'from_address', 'to_address', 'correlation_id', 'payload', 'created_at', 'state', 'attempts', 'next_attempt_at', 'last_error', 'finished_at', 'attachment'] as const;

/** Outbox rows in one statement, compiled once per row count. */
const insertOutboxRows = preparedStatement<readonly OutboxInsert[]>(
  (db, p, n) =>
    tablesOf<MessagingTables>(db)
      .insertInto('outbox_messages')
      .values(Array.from({ length: n }, (_, i) => Object.fromEntries(OUTBOX_COLUMNS.map((c) => [c, p((rows) => rows[i][c] ?? null)])) as unknown as OutboxInsert)),
  (rows) => rows.length,
);

/** PostgreSQL: the per-case locks of `enqueue` for many cases, in a fixed order (no lock-order cycles). */
const lockCases = preparedStatement<string[]>((db, p) => sql`select pg_advisory_xact_lock(h) from (select distinct hashtext(c) as h from unnest(${p((cases) => cases)}::text[]) as c) as l order by h`.compile(db));

/** PostgreSQL: the message's per-case lock and its insert in one statement (see `enqueue`). */
const enqueueLocked = preparedStatement<Message>((db, p) => {
  const text = (get: (m: Message) => string | null) => sql`${p(get)}::text`;
  const ms = (get: (m: Message) => number) => sql`${p(get)}::bigint`;
  return sql`insert into outbox_messages (id, type, from_address, to_address, correlation_id, payload, created_at, state, next_attempt_at, attachment)
    select ${text((m) => m.id)}, ${text((m) => m.type)}, ${text((m) => m.from)}, ${text((m) => m.to)}, ${text((m) => m.correlationId)}, ${text((m) => JSON.stringify(m.payload ?? null))},
           ${ms((m) => m.createdAt)}, 'pending', ${ms((m) => m.createdAt)}, ${text((m) => m.attachment ?? null)}
    from (select pg_advisory_xact_lock(hashtext(${text((m) => m.correlationId)}))) as per_case_lock`.compile(db);
});

export interface OutboxEntry {
  seq: number;
  message: Message;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  finishedAt: number | null;
}

export type OutboxRow = Selectable<MessagingTables['outbox_messages']>;

export function toEntry(row: OutboxRow): OutboxEntry {
  return {
    seq: row.seq,
    message: {
      id: row.id,
      type: row.type,
      from: row.from_address,
      to: row.to_address,
      correlationId: row.correlation_id,
      payload: JSON.parse(row.payload) as unknown,
      createdAt: row.created_at,
      ...(row.attachment ? { attachment: row.attachment } : {}),
    },
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    finishedAt: row.finished_at,
  };
}

/** Outbox entries in creation order, optionally of one state; for inspection and tests. */
export async function listOutbox(db: AnyDatabase, filter: { state?: OutboxState; correlationId?: string } = {}): Promise<OutboxEntry[]> {
  let q = tablesOf<MessagingTables>(db).selectFrom('outbox_messages').selectAll();
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.correlationId) q = q.where('correlation_id', '=', filter.correlationId);
  const rows = await q.orderBy('seq').execute();
  return rows.map(toEntry);
}
