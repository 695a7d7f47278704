import type { Transaction } from 'kysely';
import { Wakeup, type Clock } from '../clock/index.ts';
import { preparedStatement, tablesOf, type Store } from '../store/index.ts';
import { CompiledQuery, sql } from 'kysely';
import { collectAttachments, deferCollection, endDeferredCollection } from './attachments.ts';
import type { Bus } from './bus.ts';
import { handleOnce, handlerContext, type Handler } from './inbox.ts';
import type { Message } from './message.ts';
import { toEntry, type Outbox, type OutboxEntry, type OutboxRow } from './outbox.ts';
import type { MessagingTables } from './tables.ts';

export interface DispatcherOptions {
  store: Store;
  outbox: Outbox;
  clock: Clock;
  /** Attempts before a message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Retry delay after the n-th failure: min(base · 2^(n-1), max) ms (defaults 1 s, 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Messages read and handled per transaction (default 200), including those delivered on the way (chaining). */
  batchSize?: number;
  /**
   * Deliver the messages a batch's handlers send in the same transaction when their case has
   * nothing else waiting (default true): a booking's whole chain commits once instead of once
   * per hop. Off: each hop is its own pass, as with a remote transport.
   */
  chain?: boolean;
  /** Idle wait between polls when running in the background, in wall ms (default 25). */
  pollMs?: number;
  /** Called when a background drain fails (e.g. the database is unreachable); it is retried. */
  onError?: (error: unknown) => void;
  /**
   * Around the handlers of each delivery transaction: `begin` before the first, `end` after the
   * last (before the sends are written), `abandon` when the deliveries are undone. For modules
   * that buffer their writes per transaction (the agencies' case log).
   */
  batchHooks?: BatchHooks;
}

export interface BatchHooks {
  begin(trx: Transaction<object>): void;
  end(trx: Transaction<object>): Promise<void>;
  abandon(trx: Transaction<object>): void;
}

export interface DrainReport {
  delivered: number;
  /** Already handled (redelivery); marked delivered without running the handler again. */
  duplicates: number;
  /** Failed and scheduled for another attempt. */
  retried: number;
  /** Failed for the last time and parked as dead letters. */
  deadLettered: number;
}

type Row = OutboxRow;

type BatchResult =
  | { kind: 'committed'; delivered: number; duplicates: number }
  /** `index` counts the batch's rows first, then the messages delivered on the way. */
  | { kind: 'handler-failed'; index: number; error: unknown }
  | { kind: 'failed'; error: unknown };

/**
 * The embedded Bus: drains the outbox table in creation order and hands each message to the
 * handler subscribed to its `to` address.
 *
 * The transaction that delivers a message also holds its inbox record, the handler's state
 * changes and outgoing messages, and marks the outbox row delivered — so a crash at any point either
 * leaves all of it or none of it. Messages of one case (correlation id) go strictly in order:
 * a case whose head message waits for a retry is skipped until that message is delivered or
 * dead-lettered. For speed, a run of messages is delivered in one transaction; when one of
 * them fails, the transaction is rolled back and the run is replayed without it (see runBatch).
 * The messages the handlers send are written at the end of that transaction, and those whose
 * case has nothing older waiting are delivered right there too (chaining): written as delivered,
 * with their inbox records, in the same all-or-nothing commit.
 *
 * Run one dispatcher per database: two would keep "exactly once in effect" (the inbox key) but
 * not the per-case order.
 */
export class OutboxDispatcher implements Bus {
  private readonly handlers = new Map<string, Handler>();
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly batchSize: number;
  private readonly chain: boolean;
  private readonly pollMs: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly wakeup = new Wakeup();

  constructor(private readonly options: DispatcherOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 300_000;
    this.batchSize = options.batchSize ?? 200;
    this.chain = options.chain ?? true;
    this.pollMs = options.pollMs ?? 25;
    if (!(this.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
  }

  subscribe(address: string, handler: Handler): void {
    if (this.handlers.has(address)) throw new Error(`a handler is already subscribed to '${address}'`);
    this.handlers.set(address, handler);
  }

  /** Delivers every message that is due now, including those the handlers send meanwhile. */
  async drain(): Promise<DrainReport> {
    const total: DrainReport = { delivered: 0, duplicates: 0, retried: 0, deadLettered: 0 };
    for (;;) {
      const pass = await this.pass();
      total.delivered += pass.delivered;
      total.duplicates += pass.duplicates;
      total.retried += pass.retried;
      total.deadLettered += pass.deadLettered;
      if (pass.delivered + pass.duplicates + pass.retried + pass.deadLettered === 0) return total;
    }
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        let busy = false;
        try {
          const r = await this.drain();
          busy = r.delivered + r.duplicates > 0;
        } catch (error) {
          this.options.onError?.(error);
        }
        if (!busy && !this.stopping) await this.wakeup.sleep(this.pollMs);
      }
    })();
  }

  /** Ends a background wait early, e.g. right after a commit that enqueued messages. */
  notify(): void {
    this.wakeup.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.wake();
    await this.running;
    this.running = undefined;
  }

  /** Dead letters, oldest first, with the error of their last attempt. */
  async deadLetters(): Promise<OutboxEntry[]> {
    const rows = await tablesOf<MessagingTables>(this.options.store.db).selectFrom('outbox_messages').selectAll().where('state', '=', 'dead').orderBy('seq').execute();
    return rows.map(toEntry);
  }

  /** Puts a dead letter back in line with fresh attempts (after the cause is fixed). */
  async redrive(messageId: string): Promise<boolean> {
    const r = await tablesOf<MessagingTables>(this.options.store.db)
      .updateTable('outbox_messages')
      .set({ state: 'pending', attempts: 0, next_attempt_at: this.options.clock.now(), finished_at: null })
      .where('id', '=', messageId)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** One sweep over the pending messages in creation order. */
  private async pass(): Promise<DrainReport> {
    const report: DrainReport = { delivered: 0, duplicates: 0, retried: 0, deadLettered: 0 };
    const db = tablesOf<MessagingTables>(this.options.store.db);
    // Cases whose earliest pending message cannot go now; later messages of theirs wait.
    const blocked = new Set<string>();
    let after = 0;
    for (;;) {
      const now = this.options.clock.now();
      const rows = await pendingAfter.rows(db, { after, limit: this.batchSize });
      if (rows.length === 0) return report;
      after = rows[rows.length - 1].seq;
      const ready: Row[] = [];
      for (const row of rows) {
        if (blocked.has(row.correlation_id)) continue;
        if (row.next_attempt_at > now) blocked.add(row.correlation_id);
        else ready.push(row);
      }
      if (ready.length > 0) await this.runBatch(ready, now, report, blocked);
    }
  }

  /**
   * Delivers `rows` in one transaction. When a handler throws, the transaction is rolled back,
   * the messages before it are delivered again in one transaction, its failure is recorded
   * (that attempt counts, the handler is not re-run), and the rest goes on without its case.
   */
  private async runBatch(rows: Row[], now: number, report: DrainReport, blocked: Set<string>): Promise<void> {
    let result = await this.tryBatch(rows, now, this.chain, blocked);
    // A message delivered on the way failed: deliver the batch without chaining; that message
    // is then written pending and goes through the ordinary retry path in the next round.
    if (result.kind === 'handler-failed' && result.index >= rows.length) result = await this.tryBatch(rows, now, false, blocked);
    if (result.kind === 'committed') {
      report.delivered += result.delivered;
      report.duplicates += result.duplicates;
      return;
    }
    if (result.kind === 'failed') {
      // Not a handler's error (e.g. a concurrent delivery hit the inbox key): one at a time.
      for (const row of rows) {
        if (blocked.has(row.correlation_id)) continue;
        const outcome = await this.deliverOne(row, now);
        report[outcome]++;
        if (outcome === 'retried') blocked.add(row.correlation_id);
      }
      return;
    }
    const k = result.index;
    if (k > 0) await this.runBatch(rows.slice(0, k), now, report, blocked);
    const failing = rows[k];
    if (!blocked.has(failing.correlation_id)) {
      report[await this.recordFailure(failing, now, result.error)]++;
      blocked.add(failing.correlation_id);
    }
    const rest = rows.slice(k + 1).filter((r) => !blocked.has(r.correlation_id));
    if (rest.length > 0) await this.runBatch(rest, now, report, blocked);
  }

  /** All of `rows` (and, with `chain`, what they cause) in one transaction; rolled back if any of them fails. */
  private async tryBatch(rows: Row[], now: number, chain: boolean, blocked: ReadonlySet<string>): Promise<BatchResult> {
    try {
      return { kind: 'committed', ...(await this.options.store.transaction((trx) => this.deliverRows(trx, rows, now, chain, blocked))) };
    } catch (error) {
      return error instanceof HandlerFailure ? { kind: 'handler-failed', index: error.index, error: error.cause } : { kind: 'failed', error };
    }
  }

  /**
   * Delivers, inside `trx` (a command's transaction, just before it commits), the messages that
   * are pending there — typically the ones the command itself enqueued — and, chaining, what they
   * cause. It runs under a savepoint: if anything fails, the deliveries are undone, the command's
   * own writes stay, and the messages wait for `drain`, which records the failure as usual.
   * Saves the command's chain a transaction of its own (one commit instead of two).
   */
  async deliverWithin(trx: Transaction<object>): Promise<{ delivered: number; duplicates: number }> {
    const now = this.options.clock.now();
    await trx.executeQuery(SAVEPOINT);
    try {
      const rows = await pendingAfter.rows(trx, { after: 0, limit: this.batchSize });
      const blocked = new Set<string>();
      const ready: Row[] = [];
      for (const row of rows) {
        if (blocked.has(row.correlation_id)) continue;
        if (row.next_attempt_at > now) blocked.add(row.correlation_id);
        else ready.push(row);
      }
      const result = ready.length === 0 ? { delivered: 0, duplicates: 0 } : await this.deliverRows(trx, ready, now, this.chain, blocked);
      await trx.executeQuery(RELEASE_SAVEPOINT);
      return result;
    } catch {
      await trx.executeQuery(ROLLBACK_TO_SAVEPOINT);
      await trx.executeQuery(RELEASE_SAVEPOINT);
      return { delivered: 0, duplicates: 0 };
    }
  }

  /** The body of a batch: runs the handlers in `trx`, writes sends, inbox records and states; throws HandlerFailure when a handler throws. */
  private async deliverRows(trx: Transaction<object>, rows: readonly Row[], now: number, chain: boolean, blocked: ReadonlySet<string>): Promise<{ delivered: number; duplicates: number }> {
    const hooks = this.options.batchHooks;
    hooks?.begin(trx);
    try {
      return await this.deliverRowsHooked(trx, rows, now, chain, blocked);
    } catch (error) {
      hooks?.abandon(trx);
      endDeferredCollection(trx);
      throw error;
    }
  }

  private async deliverRowsHooked(trx: Transaction<object>, rows: readonly Row[], now: number, chain: boolean, blocked: ReadonlySet<string>): Promise<{ delivered: number; duplicates: number }> {
    deferCollection(trx);
    const seen = await handledAmong.rows(trx, rows);
    const handled = new Set(seen.map((s) => `${s.handler}\u0000${s.message_id}`));
    const inbox: { handler: string; message_id: string; handled_at: number }[] = [];
    // Sends are stamped now and written together after the handlers (one statement instead
    // of one per send); their order, and so each case's order, is kept.
    const sent: Message[] = [];
    const buffer = async (_trx: Transaction<object>, out: Parameters<Outbox['enqueue']>[1]): Promise<Message> => {
      const message = this.options.outbox.stamp(out);
      sent.push(message);
      return message;
    };
    let duplicates = 0;
    for (const [index, row] of rows.entries()) {
      if (handled.has(`${row.to_address}\u0000${row.id}`)) {
        duplicates++;
        continue;
      }
      try {
        const handler = this.handlers.get(row.to_address);
        if (!handler) throw new Error(`no handler subscribed to '${row.to_address}'`);
        const message = toEntry(row).message;
        await handler(message, handlerContext(trx, row.to_address, message, now, buffer));
      } catch (error) {
        throw new HandlerFailure(index, error);
      }
      inbox.push({ handler: row.to_address, message_id: row.id, handled_at: now });
    }
    // Chaining: deliver the sends (and theirs, in send order) here, case by case, until a
    // case meets a message that cannot go now — later messages of that case then wait too.
    const chained = new Set<string>();
    if (chain) {
      const mayChain = this.chainGate(trx, rows, blocked);
      const stopped = new Set<string>();
      for (let i = 0; i < sent.length && rows.length + chained.size < this.batchSize; i++) {
        const message = sent[i];
        const handler = this.handlers.get(message.to);
        if (stopped.has(message.correlationId) || !handler || !(await mayChain(message.correlationId))) {
          stopped.add(message.correlationId);
          continue;
        }
        try {
          await handler(message, handlerContext(trx, message.to, message, now, buffer));
        } catch (error) {
          throw new HandlerFailure(rows.length + i, error);
        }
        chained.add(message.id);
        inbox.push({ handler: message.to, message_id: message.id, handled_at: now });
      }
    }
    await this.options.batchHooks?.end(trx);
    // A concurrent delivery of the same message makes this insert fail on the key, which
    // rolls the batch back; the one-by-one replay then sees the duplicate.
    await this.options.outbox.insert(trx, sent, { ids: chained, at: now });
    for (let i = 0; i < inbox.length; i += 500) await insertInboxRows.execute(trx, inbox.slice(i, i + 500));
    await markDelivered.execute(trx, { seqs: rows.map((r) => r.seq), now });
    await this.collect(trx, [...rows.flatMap((r) => (r.attachment ? [r.attachment] : [])), ...sent.flatMap((m) => (chained.has(m.id) && m.attachment ? [m.attachment] : []))]);
    return { delivered: inbox.length, duplicates };
  }

  /**
   * Whether a message of `caseId` sent in this transaction may be delivered in it: only when no
   * other message of the case is waiting — none in the table but this batch's rows, and the
   * case not held up by a retry. On PostgreSQL the case's lock (the one `enqueue` takes) is
   * taken first, so no other writer can commit a message of the case until this transaction
   * ends: checked once, a case stays clear for the transaction. (On SQLite the transaction
   * holds the write lock from its start.)
   */
  private chainGate(trx: Transaction<object>, rows: readonly Row[], blocked: ReadonlySet<string>): (caseId: string) => Promise<boolean> {
    const clear = new Map<string, boolean>();
    const ownSeqs = new Map<string, number[]>();
    for (const r of rows) ownSeqs.set(r.correlation_id, [...(ownSeqs.get(r.correlation_id) ?? []), r.seq]);
    return async (caseId) => {
      const known = clear.get(caseId);
      if (known !== undefined) return known;
      let ok = !blocked.has(caseId);
      if (ok) {
        if (this.options.store.kind === 'postgres') await lockCase.execute(trx, caseId);
        ok = (await otherPendingOfCase.rows(trx, { caseId, own: ownSeqs.get(caseId) ?? [] })).length === 0;
      }
      clear.set(caseId, ok);
      return ok;
    };
  }

  private async deliverOne(row: Row, now: number): Promise<'delivered' | 'duplicates' | 'retried' | 'deadLettered'> {
    const message = toEntry(row).message;
    try {
      const handler = this.handlers.get(row.to_address);
      if (!handler) throw new Error(`no handler subscribed to '${row.to_address}'`);
      return await this.options.store.transaction(async (trx) => {
        const outcome = await handleOnce(trx, row.to_address, handler, message, now, this.enqueue);
        await this.markDelivered(trx, row.seq, now);
        await this.collect(trx, row.attachment ? [row.attachment] : []);
        return outcome === 'handled' ? 'delivered' : 'duplicates';
      });
    } catch (error) {
      return this.recordFailure(row, now, error);
    }
  }

  private async markDelivered(trx: Transaction<object>, seq: number, now: number): Promise<void> {
    await markDelivered.execute(trx, { seqs: [seq], now });
  }

  /**
   * Deletes the attachments that nothing needs any more (attachments.ts): those of the messages
   * just delivered and those released in this transaction. Called last, once every send is written.
   */
  private async collect(trx: Transaction<object>, delivered: readonly string[]): Promise<void> {
    const hashes = [...delivered, ...endDeferredCollection(trx)];
    if (hashes.length > 0) await collectAttachments(trx, this.options.store.kind, hashes);
  }

  private async recordFailure(row: Row, now: number, error: unknown): Promise<'retried' | 'deadLettered'> {
    const attempts = row.attempts + 1;
    const dead = attempts >= this.maxAttempts;
    const delay = Math.min(this.backoffBaseMs * 2 ** (attempts - 1), this.backoffMaxMs);
    await tablesOf<MessagingTables>(this.options.store.db)
      .updateTable('outbox_messages')
      .set({
        attempts,
        last_error: describeError(error),
        state: dead ? 'dead' : 'pending',
        next_attempt_at: dead ? row.next_attempt_at : now + delay,
        finished_at: dead ? now : null,
      })
      .where('seq', '=', row.seq)
      .where('state', '=', 'pending')
      .execute();
    return dead ? 'deadLettered' : 'retried';
  }

  private readonly enqueue = (trx: Transaction<object>, message: Parameters<Outbox['enqueue']>[1]): Promise<Message> =>
    this.options.outbox.enqueue(trx, message);
}

// The dispatcher's fixed-shape statements, compiled once (per dialect and list length).
const SAVEPOINT = CompiledQuery.raw('savepoint outbox_deliver_within');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release savepoint outbox_deliver_within');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint outbox_deliver_within');

const pendingAfter = preparedStatement<{ after: number; limit: number }, Row>((db, p) =>
  tablesOf<MessagingTables>(db)
    .selectFrom('outbox_messages')
    .selectAll()
    .where('state', '=', 'pending')
    .where('seq', '>', p((a) => a.after))
    .orderBy('seq')
    .limit(p((a) => a.limit)),
);

const handledAmong = preparedStatement<readonly Row[], { handler: string; message_id: string }>(
  (db, p, n) =>
    tablesOf<MessagingTables>(db)
      .selectFrom('inbox_handled')
      .select(['handler', 'message_id'])
      .where(
        'message_id',
        'in',
        Array.from({ length: n }, (_, i) => p((rows) => rows[i].id)),
      ),
  (rows) => rows.length,
);

const insertInboxRows = preparedStatement<readonly { handler: string; message_id: string; handled_at: number }[]>(
  (db, p, n) =>
    tablesOf<MessagingTables>(db)
      .insertInto('inbox_handled')
      .values(Array.from({ length: n }, (_, i) => ({ handler: p((rows) => rows[i].handler), message_id: p((rows) => rows[i].message_id), handled_at: p((rows) => rows[i].handled_at) }))),
  (rows) => rows.length,
);

const markDelivered = preparedStatement<{ seqs: readonly number[]; now: number }>(
  (db, p, n) =>
    tablesOf<MessagingTables>(db)
      .updateTable('outbox_messages')
      .set((eb) => ({ state: 'delivered', finished_at: p((a) => a.now), attempts: eb('attempts', '+', 1) }))
      .where(
        'seq',
        'in',
        Array.from({ length: n }, (_, i) => p((a) => a.seqs[i])),
      ),
  (a) => a.seqs.length,
);

/** Another pending message of the case than the batch's own rows (`own`). */
const otherPendingOfCase = preparedStatement<{ caseId: string; own: readonly number[] }>(
  (db, p, n) => {
    const q = tablesOf<MessagingTables>(db)
      .selectFrom('outbox_messages')
      .select('seq')
      .where('correlation_id', '=', p((a) => a.caseId))
      .where('state', '=', 'pending');
    return (n === 0 ? q : q.where('seq', 'not in', Array.from({ length: n }, (_, i) => p((a) => a.own[i])))).limit(1);
  },
  (a) => a.own.length,
);

const lockCase = preparedStatement<string>((db, p) => sql`select pg_advisory_xact_lock(hashtext(${p((caseId) => caseId)}))`.compile(db));

/** A handler threw while delivering the `index`-th message of a batch (rows first, then chained sends). */
class HandlerFailure extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('handler failed');
  }
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
