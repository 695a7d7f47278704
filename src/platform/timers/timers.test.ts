import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { ManualClock } from '../clock/index.ts';
import { createIdGenerator, listOutbox, OutboxDispatcher, type OutgoingMessage } from '../messaging/index.ts';
import { openMessaging, type MessagingFixture } from '../messaging/testing.ts';
import { storeVariants, type TestDatabase } from '../store/testing.ts';
import { TimerScheduler } from './scheduler.ts';
import { timerMigrations } from './tables.ts';
import { createTimers, type Timers } from './timers.ts';

const HOUR = 3600_000;
const T0 = Date.UTC(2025, 0, 6, 9); // a Monday

const expiry = (detainer: string): OutgoingMessage => ({
  type: 'detainer.expired',
  from: 'timers',
  to: 'field-office',
  correlationId: detainer,
  payload: { detainer },
});

describe.each(storeVariants)('timers on $kind', (variant) => {
  let database: TestDatabase;
  let fx: MessagingFixture;
  let timers: Timers;
  let scheduler: TimerScheduler;

  const open = async (clock: ManualClock) => {
    fx = await openMessaging(database, clock, [timerMigrations]);
    timers = createTimers({ clock: fx.clock, ids: fx.ids });
    scheduler = new TimerScheduler({ store: fx.store, outbox: fx.outbox, clock: fx.clock, batchSize: 3 });
  };
  const schedule = (key: string, dueAt: number, message = expiry(key)) => fx.store.transaction((trx) => timers.schedule(trx, key, dueAt, message));
  const firedMessages = async () => (await listOutbox(fx.store.db)).map((e) => `${e.message.correlationId}@${e.message.createdAt - T0}`);

  beforeEach(async (ctx) => {
    if (variant.skipped) ctx.skip(variant.skipped);
    database = await variant.create();
    await open(new ManualClock(T0));
  });
  afterEach(async () => {
    await scheduler?.stop();
    await fx?.store.close();
    await database?.drop();
  });

  it('fires each timer once, in due order, when time is skipped past it', async () => {
    const dues = [5, 1, 48, 3, 2, 4, 3];
    for (const [i, h] of dues.entries()) await schedule(`d${i}`, T0 + h * HOUR);
    expect(await scheduler.advanceTo(T0 + 4 * HOUR)).toBe(5);
    expect(await firedMessages()).toEqual([`d1@${HOUR}`, `d4@${2 * HOUR}`, `d3@${3 * HOUR}`, `d6@${3 * HOUR}`, `d5@${4 * HOUR}`]);
    expect(fx.clock.now()).toBe(T0 + 4 * HOUR);
    expect(await scheduler.fireDue()).toBe(0);
    expect(await scheduler.advanceTo(T0 + 100 * HOUR)).toBe(2);
    expect((await firedMessages()).slice(5)).toEqual([`d0@${5 * HOUR}`, `d2@${48 * HOUR}`]);
    const t = await timers.get(fx.store.db, 'd2');
    expect(t).toMatchObject({ state: 'fired', firedAt: T0 + 48 * HOUR });
    expect(t?.messageId).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('schedules idempotently on the key and only inside a committed transaction', async () => {
    expect(await schedule('detainer:1:expiry', T0 + 48 * HOUR)).toBe(true);
    expect(await schedule('detainer:1:expiry', T0 + 1 * HOUR)).toBe(false);
    await expect(
      fx.store.transaction(async (trx) => {
        await timers.schedule(trx, 'detainer:2:expiry', T0 + HOUR, expiry('2'));
        throw new Error('lodging failed');
      }),
    ).rejects.toThrow('lodging failed');
    expect((await scheduler.pending()).map((t) => [t.key, t.dueAt])).toEqual([['detainer:1:expiry', T0 + 48 * HOUR]]);
  });

  it('never fires a cancelled timer', async () => {
    await schedule('a', T0 + HOUR);
    await schedule('b', T0 + 2 * HOUR);
    expect(await fx.store.transaction((trx) => timers.cancel(trx, 'a'))).toBe(true);
    expect(await fx.store.transaction((trx) => timers.cancel(trx, 'a'))).toBe(false);
    expect(await fx.store.transaction((trx) => timers.cancel(trx, 'unknown'))).toBe(false);
    await scheduler.advanceTo(T0 + 10 * HOUR);
    expect(await firedMessages()).toEqual([`b@${2 * HOUR}`]);
    expect(await fx.store.transaction((trx) => timers.cancel(trx, 'b'))).toBe(false);
    expect((await timers.get(fx.store.db, 'a'))?.state).toBe('cancelled');
  });

  it('survives a restart: a new store and scheduler on the same database fire what was pending, once', async () => {
    await schedule('x', T0 + HOUR);
    await schedule('y', T0 + 2 * HOUR);
    await scheduler.advanceTo(T0 + HOUR);
    await fx.store.close();

    // "Restart" two hours after the last one fell due: y is overdue and fires at start.
    await open(new ManualClock(T0 + 4 * HOUR));
    scheduler.start();
    for (let i = 0; i < 1000 && (await scheduler.pending()).length > 0; i++) await new Promise((r) => setTimeout(r, 5));
    await scheduler.stop();
    expect(await firedMessages()).toEqual([`x@${HOUR}`, `y@${4 * HOUR}`]);
  });

  it('fires a timer once even when two schedulers race for it', async () => {
    for (let i = 0; i < 20; i++) await schedule(`r${i}`, T0 + i);
    // PostgreSQL: a second pool, as a second process would have. SQLite: the same store, since
    // better-sqlite3 waits for a lock synchronously and two stores on one file in one process
    // would block each other (one store per file per process; other processes just wait).
    const otherStore = variant.kind === 'postgres' ? await database.open(fx.clock) : fx.store;
    const other = new TimerScheduler({
      store: otherStore,
      outbox: fx.outbox,
      clock: fx.clock,
      batchSize: 2,
    });
    fx.clock.set(T0 + 100);
    const [a, b] = await Promise.all([scheduler.fireDue(), other.fireDue()]);
    if (otherStore !== fx.store) await otherStore.close();
    expect(a + b).toBe(20);
    expect(await firedMessages()).toHaveLength(20);
  });

  it('lets handlers schedule timers while time is skipped (a 48-hour detainer clock in milliseconds)', async () => {
    const dispatcher = new OutboxDispatcher({ store: fx.store, outbox: fx.outbox, clock: fx.clock });
    const log: string[] = [];
    dispatcher.subscribe('field-office', async (m, ctx) => {
      log.push(`${m.type}@${(ctx.now - T0) / HOUR}h`);
      if (m.type === 'detainer.lodged') await timers.schedule(ctx.trx, `detainer:${m.correlationId}:expiry`, ctx.now + 48 * HOUR, expiry(m.correlationId));
    });
    await fx.store.transaction((trx) => fx.outbox.enqueue(trx, { type: 'detainer.lodged', from: 'ice', to: 'field-office', correlationId: 'D1', payload: {} }));
    await scheduler.advanceTo(T0 + 72 * HOUR, () => dispatcher.drain());
    expect(log).toEqual(['detainer.lodged@0h', 'detainer.expired@48h']);
  });

  it('makes the same ids from the same seed', () => {
    const a = createIdGenerator(new ManualClock(T0), createRng('t'))();
    expect(createIdGenerator(new ManualClock(T0), createRng('t'))()).toBe(a);
  });
});
