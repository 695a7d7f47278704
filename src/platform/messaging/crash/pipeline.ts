/**
 * The crash-test pipeline: a small stream of items through the real store, outbox, dispatcher
 * and timers, whose effects are counted so that a double or missing effect shows.
 *
 * Per item i: 'intake' handles item.start (counter intake:i, sends item.lookup to 'records' and
 * schedules timer item:i:deadline), 'records' handles the lookup (records:i), 'deadline'
 * handles the timer's message (deadline:i). Items are seeded in chunks, each chunk's messages
 * in the same transaction as the seeding progress marker.
 */
import type { Transaction } from 'kysely';
import type { Clock } from '../../clock/index.ts';
import { assertMigrated, tablesOf, type ModuleMigrations, type Store } from '../../store/index.ts';
import { createTimers, TimerScheduler, timerMigrations } from '../../timers/index.ts';
import type { IdGenerator } from '../ids.ts';
import { OutboxDispatcher } from '../dispatcher.ts';
import { createOutbox } from '../outbox.ts';
import { messagingMigrations } from '../tables.ts';

export interface CrashTables {
  crash_counters: { key: string; n: number };
  crash_progress: { name: string; value: number };
}

export const crashMigrations: ModuleMigrations = {
  module: 'crash_test',
  migrations: [
    {
      name: '0001_counters',
      async up(db) {
        await db.schema.createTable('crash_counters').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute();
        await db.schema.createTable('crash_progress').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('value', 'integer', (c) => c.notNull()).execute();
      },
    },
  ],
};

export const allMigrations = [messagingMigrations, timerMigrations, crashMigrations];

async function bump(trx: Transaction<object>, key: string): Promise<void> {
  await tablesOf<CrashTables>(trx)
    .insertInto('crash_counters')
    .values({ key, n: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ n: eb('crash_counters.n', '+', 1) })))
    .execute();
}

const item = (m: { correlationId: string }) => m.correlationId;

export interface Pipeline {
  dispatcher: OutboxDispatcher;
  scheduler: TimerScheduler;
  /** Seeds the items not yet seeded, `chunk` per transaction. */
  seed(items: number, chunk?: number): Promise<void>;
  /** True when every item went all the way through and nothing is left pending. */
  finished(items: number): Promise<boolean>;
  /** Effects written so far (counter rows, 3 per item). */
  progress(): Promise<number>;
}

/**
 * `onHandled` is called by each handler once it has written its effect (inside the delivery
 * transaction, before it commits): the crash worker reports it as progress, so a kill placed by
 * work done lands inside a transaction.
 */
export async function createPipeline(store: Store, clock: Clock, ids: IdGenerator, timerDelayMs = 20, onHandled: () => void = () => undefined): Promise<Pipeline> {
  assertMigrated(await store.migrate(allMigrations));
  const outbox = createOutbox({ kind: store.kind, clock, ids });
  const timers = createTimers({ clock, ids });
  const dispatcher = new OutboxDispatcher({ store, outbox, clock, pollMs: 2, backoffBaseMs: 10 });
  const scheduler = new TimerScheduler({ store, outbox, clock, pollMs: 10 });
  dispatcher.subscribe('intake', async (m, ctx) => {
    await bump(ctx.trx, `intake:${item(m)}`);
    onHandled();
    await ctx.send({ type: 'item.lookup', to: 'records', payload: m.payload });
    const i = (m.payload as { i: number }).i;
    await timers.schedule(ctx.trx, `item:${item(m)}:deadline`, ctx.now + (i % 5) * timerDelayMs, {
      type: 'item.deadline',
      from: 'timers',
      to: 'deadline',
      correlationId: item(m),
      payload: m.payload,
    });
  });
  dispatcher.subscribe('records', async (m, ctx) => {
    await bump(ctx.trx, `records:${item(m)}`);
    onHandled();
  });
  dispatcher.subscribe('deadline', async (m, ctx) => {
    await bump(ctx.trx, `deadline:${item(m)}`);
    onHandled();
  });
  const db = tablesOf<CrashTables>(store.db);

  return {
    dispatcher,
    scheduler,
    async seed(items, chunk = 250) {
      for (;;) {
        const done = await store.transaction(async (trx) => {
          const t = tablesOf<CrashTables>(trx);
          const row = await t.selectFrom('crash_progress').select('value').where('name', '=', 'seeded').executeTakeFirst();
          const from = row?.value ?? 0;
          if (from >= items) return true;
          const to = Math.min(items, from + chunk);
          for (let i = from; i < to; i++) {
            await outbox.enqueue(trx, { type: 'item.start', from: 'seed', to: 'intake', correlationId: `item-${i}`, payload: { i } });
          }
          await t
            .insertInto('crash_progress')
            .values({ name: 'seeded', value: to })
            .onConflict((oc) => oc.column('name').doUpdateSet({ value: to }))
            .execute();
          return false;
        });
        if (done) return;
      }
    },
    async progress() {
      const counted = await db.selectFrom('crash_counters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(counted.n);
    },
    async finished(items) {
      const counted = await db.selectFrom('crash_counters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(counted.n) < 3 * items) return false;
      const pending = await tablesOf<{ outbox_messages: { state: string } }>(store.db)
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow();
      const timersLeft = await scheduler.pending();
      return Number(pending.n) === 0 && timersLeft.length === 0;
    },
  };
}

export interface Verification {
  ok: boolean;
  problems: string[];
}

/** Checks the invariants after the run: every effect exactly once, every timer fired once. */
export async function verifyPipeline(store: Store, items: number): Promise<Verification> {
  const problems: string[] = [];
  const counters = new Map((await tablesOf<CrashTables>(store.db).selectFrom('crash_counters').selectAll().execute()).map((r) => [r.key, r.n]));
  for (let i = 0; i < items; i++) {
    for (const stage of ['intake', 'records', 'deadline']) {
      const n = counters.get(`${stage}:item-${i}`) ?? 0;
      if (n !== 1) problems.push(`${stage}:item-${i} handled ${n} times in effect`);
    }
  }
  if (counters.size !== 3 * items) problems.push(`${counters.size} counters, expected ${3 * items}`);
  const db = tablesOf<{
    outbox_messages: { state: string; type: string };
    inbox_handled: { handler: string };
    timers: { state: string; message_id: string | null };
  }>(store.db);
  const outbox = await db.selectFrom('outbox_messages').select(['state', 'type']).execute();
  const byType = (type: string) => outbox.filter((r) => r.type === type);
  for (const type of ['item.start', 'item.lookup', 'item.deadline']) {
    const rows = byType(type);
    if (rows.length !== items) problems.push(`${rows.length} ${type} messages, expected ${items}`);
    const undelivered = rows.filter((r) => r.state !== 'delivered').length;
    if (undelivered) problems.push(`${undelivered} ${type} messages not delivered`);
  }
  const inbox = await db.selectFrom('inbox_handled').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(inbox.n) !== 3 * items) problems.push(`${inbox.n} inbox records, expected ${3 * items}`);
  const timers = await db.selectFrom('timers').select(['state', 'message_id']).execute();
  if (timers.length !== items) problems.push(`${timers.length} timers, expected ${items}`);
  const unfired = timers.filter((t) => t.state !== 'fired' || !t.message_id).length;
  if (unfired) problems.push(`${unfired} timers not fired`);
  return { ok: problems.length === 0, problems: problems.slice(0, 20) };
}
