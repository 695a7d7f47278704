import type { Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../store/index.ts';
import { storeVariants, type TestDatabase } from '../store/testing.ts';
import { OutboxDispatcher } from './dispatcher.ts';
import { handleOnce, type Handler } from './inbox.ts';
import type { Message } from './message.ts';
import { listOutbox } from './outbox.ts';
import type { MessagingTables } from './tables.ts';
import { openMessaging, type CounterTables, type MessagingFixture } from './testing.ts';

async function bump(trx: Transaction<object>, key: string): Promise<void> {
  const db = tablesOf<CounterTables>(trx);
  await db
    .insertInto('counters')
    .values({ key, n: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ n: eb('counters.n', '+', 1) })))
    .execute();
}

describe.each(storeVariants)('messaging on $kind', (variant) => {
  let database: TestDatabase;
  let fx: MessagingFixture;

  beforeEach(async (ctx) => {
    if (variant.skipped) ctx.skip(variant.skipped);
    database = await variant.create();
    fx = await openMessaging(database);
  });
  afterEach(async () => {
    await fx?.store.close();
    await database?.drop();
  });

  const counters = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await tablesOf<CounterTables>(fx.store.db).selectFrom('counters').selectAll().execute()).map((r) => [r.key, r.n]));

  const dispatcher = (options: Partial<ConstructorParameters<typeof OutboxDispatcher>[0]> = {}) =>
    new OutboxDispatcher({ store: fx.store, outbox: fx.outbox, clock: fx.clock, maxAttempts: 3, backoffBaseMs: 1000, ...options });

  const send = (to: string, correlationId: string, payload: unknown, type = 'test') =>
    fx.store.transaction((trx) => fx.outbox.enqueue(trx, { type, from: 'test', to, correlationId, payload }));

  it('writes an outbox message only when the sender’s state change commits', async () => {
    await fx.store.transaction(async (trx) => {
      await bump(trx, 'booking-1');
      await fx.outbox.enqueue(trx, { type: 'car', from: 'booking', to: 'bureau', correlationId: 'b1', payload: { n: 1 } });
    });
    await expect(
      fx.store.transaction(async (trx) => {
        await bump(trx, 'booking-2');
        await fx.outbox.enqueue(trx, { type: 'car', from: 'booking', to: 'bureau', correlationId: 'b2', payload: { n: 2 } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await counters()).toEqual({ 'booking-1': 1 });
    const pending = await listOutbox(fx.store.db);
    expect(pending.map((e) => [e.message.correlationId, e.message.payload, e.state])).toEqual([['b1', { n: 1 }, 'pending']]);
    expect(pending[0].message.createdAt).toBe(fx.clock.now());
  });

  it('delivers each message to the handler of its address, including the messages handlers send', async () => {
    const d = dispatcher();
    const seen: string[] = [];
    d.subscribe('bureau', async (m, ctx) => {
      seen.push(`bureau:${m.type}`);
      await bump(ctx.trx, `bureau:${m.correlationId}`);
      await ctx.send({ type: 'sre', to: 'booking', payload: { for: m.id } });
    });
    d.subscribe('booking', async (m, ctx) => {
      seen.push(`booking:${m.type}:${m.from}:${m.correlationId}`);
      await bump(ctx.trx, `booking:${m.correlationId}`);
    });
    await send('bureau', 'b1', {}, 'car');
    const report = await d.drain();
    expect(report).toEqual({ delivered: 2, duplicates: 0, retried: 0, deadLettered: 0 });
    expect(seen).toEqual(['bureau:car', 'booking:sre:bureau:b1']);
    expect(await counters()).toEqual({ 'bureau:b1': 1, 'booking:b1': 1 });
    expect((await listOutbox(fx.store.db)).every((e) => e.state === 'delivered')).toBe(true);
  });

  it('retries a handler that throws with backoff, then dead-letters it with the error, keeping its effects out', async () => {
    const d = dispatcher();
    let calls = 0;
    let fixed = false;
    d.subscribe('lesc', async (_m, ctx) => {
      calls++;
      await bump(ctx.trx, 'lesc');
      await ctx.send({ type: 'iar', to: 'field-office', payload: {} });
      if (!fixed) throw new Error(`IAQ rejected (attempt ${calls})`);
    });
    await send('lesc', 'case-1', {});
    expect(await d.drain()).toMatchObject({ delivered: 0, retried: 1 });
    expect(await d.drain()).toMatchObject({ retried: 0 }); // backing off: 1 s
    fx.clock.advance(1000);
    expect(await d.drain()).toMatchObject({ retried: 1 });
    fx.clock.advance(1999);
    expect(await d.drain()).toMatchObject({ retried: 0 }); // backing off: 2 s
    fx.clock.advance(1);
    expect(await d.drain()).toMatchObject({ deadLettered: 1 });
    expect(calls).toBe(3);
    const dead = await d.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0].attempts).toBe(3);
    expect(dead[0].lastError).toMatch(/IAQ rejected \(attempt 3\)/);
    expect(await counters()).toEqual({});
    expect((await listOutbox(fx.store.db)).map((e) => e.message.type)).toEqual(['test']); // no IAR escaped

    // Fixed and redriven, it is delivered once.
    d.subscribe('field-office', async (_m, ctx) => bump(ctx.trx, 'field-office'));
    fixed = true;
    expect(await d.redrive(dead[0].message.id)).toBe(true);
    expect(await d.drain()).toMatchObject({ delivered: 2 });
    expect(await counters()).toEqual({ lesc: 1, 'field-office': 1 });
  });

  it('handles a message delivered twice once in effect', async () => {
    let calls = 0;
    const handler: Handler = async (_m, ctx) => {
      calls++;
      await bump(ctx.trx, 'once');
    };
    const message: Message = await send('bureau', 'c1', { x: 1 });
    const enqueue = fx.outbox.enqueue.bind(fx.outbox);
    const first = await fx.store.transaction((trx) => handleOnce(trx, 'bureau', handler, message, fx.clock.now(), enqueue));
    const second = await fx.store.transaction((trx) => handleOnce(trx, 'bureau', handler, message, fx.clock.now(), enqueue));
    expect([first, second]).toEqual(['handled', 'duplicate']);

    // The dispatcher sees the same: the outbox row is still pending (as after a crash between
    // a transport's handling and its acknowledgement), so it is delivered again — as a duplicate.
    const d = dispatcher();
    d.subscribe('bureau', handler);
    expect(await d.drain()).toMatchObject({ delivered: 0, duplicates: 1 });
    // And re-marking a delivered row pending (a redelivery) changes nothing either.
    await tablesOf<MessagingTables>(fx.store.db).updateTable('outbox_messages').set({ state: 'pending' }).execute();
    expect(await d.drain()).toMatchObject({ delivered: 0, duplicates: 1 });
    expect(calls).toBe(1);
    expect(await counters()).toEqual({ once: 1 });
  });

  it('keeps each case in creation order while a retry holds it up, and lets other cases pass', async () => {
    const d = dispatcher({ batchSize: 3 });
    const order: string[] = [];
    let failFirst = true;
    d.subscribe('agency', async (m, ctx) => {
      const p = m.payload as { step: number };
      if (m.correlationId === 'A' && p.step === 1 && failFirst) {
        failFirst = false;
        throw new Error('transient');
      }
      order.push(`${m.correlationId}${p.step}`);
      await bump(ctx.trx, `${m.correlationId}${p.step}`);
    });
    for (let step = 1; step <= 4; step++) {
      await send('agency', 'A', { step });
      await send('agency', 'B', { step });
    }
    expect(await d.drain()).toMatchObject({ delivered: 4, retried: 1 });
    expect(order).toEqual(['B1', 'B2', 'B3', 'B4']);
    fx.clock.advance(1000);
    expect(await d.drain()).toMatchObject({ delivered: 4 });
    expect(order).toEqual(['B1', 'B2', 'B3', 'B4', 'A1', 'A2', 'A3', 'A4']);
    expect(Object.values(await counters()).every((n) => n === 1)).toBe(true);
  });

  it('replays a batch without the message that failed, so the others still count once', async () => {
    const d = dispatcher({ batchSize: 50 });
    d.subscribe('agency', async (m, ctx) => {
      await bump(ctx.trx, m.correlationId);
      if (m.correlationId === 'c5') throw new Error('bad c5');
    });
    for (let i = 0; i < 10; i++) await send('agency', `c${i}`, {});
    expect(await d.drain()).toMatchObject({ delivered: 9, retried: 1 });
    const c = await counters();
    expect(Object.keys(c).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c6', 'c7', 'c8', 'c9']);
    expect(Object.values(c).every((n) => n === 1)).toBe(true);
  });

  it('retries and then dead-letters a message nobody subscribed to, without losing it', async () => {
    const d = dispatcher({ maxAttempts: 1 });
    await send('nowhere', 'c1', {});
    expect(await d.drain()).toMatchObject({ deadLettered: 1 });
    expect((await d.deadLetters())[0].lastError).toMatch(/no handler subscribed to 'nowhere'/);
  });

  it('delivers what handlers send in the same transaction, and falls back to one hop per pass when a chained handler fails', async () => {
    const d = dispatcher();
    let failSre = true;
    d.subscribe('bureau', async (m, ctx) => {
      await bump(ctx.trx, `bureau:${m.correlationId}`);
      await ctx.send({ type: 'sre', to: 'booking', payload: {} });
    });
    d.subscribe('booking', async (m, ctx) => {
      if (m.correlationId === 'bad' && failSre) throw new Error('booking down');
      await bump(ctx.trx, `booking:${m.correlationId}`);
    });
    await send('bureau', 'good', {}, 'car');
    expect(await d.drain()).toMatchObject({ delivered: 2, retried: 0 });
    const good = await listOutbox(fx.store.db, { correlationId: 'good' });
    expect(good.map((e) => [e.message.type, e.state, e.attempts])).toEqual([['car', 'delivered', 1], ['sre', 'delivered', 1]]);

    await send('bureau', 'bad', {}, 'car');
    expect(await d.drain()).toMatchObject({ delivered: 1, retried: 1 });
    expect(await counters()).toEqual({ 'bureau:good': 1, 'booking:good': 1, 'bureau:bad': 1 });
    failSre = false;
    fx.clock.advance(1000);
    expect(await d.drain()).toMatchObject({ delivered: 1 });
    expect((await counters())['booking:bad']).toBe(1);
  });

  it('delivers a command’s messages inside its transaction, and leaves them to drain when one fails there', async () => {
    const d = dispatcher();
    d.subscribe('bureau', async (m, ctx) => {
      if ((m.payload as { fail?: boolean }).fail) throw new Error('no');
      await bump(ctx.trx, `bureau:${m.correlationId}`);
    });
    await fx.store.transaction(async (trx) => {
      await bump(trx, 'command');
      await fx.outbox.enqueue(trx, { type: 'car', from: 'jail', to: 'bureau', correlationId: 'c1', payload: {} });
      expect(await d.deliverWithin(trx)).toEqual({ delivered: 1, duplicates: 0 });
    });
    expect(await counters()).toEqual({ command: 1, 'bureau:c1': 1 });
    await fx.store.transaction(async (trx) => {
      await bump(trx, 'command');
      await fx.outbox.enqueue(trx, { type: 'car', from: 'jail', to: 'bureau', correlationId: 'c2', payload: { fail: true } });
      expect(await d.deliverWithin(trx)).toEqual({ delivered: 0, duplicates: 0 });
    });
    expect(await counters()).toEqual({ command: 2, 'bureau:c1': 1 }); // the command's own write kept
    expect(await d.drain()).toMatchObject({ retried: 1 });
  });

  it('runs in the background until stopped', async () => {
    const d = dispatcher({ pollMs: 5 });
    d.subscribe('agency', async (m, ctx) => bump(ctx.trx, m.correlationId));
    d.start();
    await send('agency', 'bg', {});
    d.notify();
    for (let i = 0; i < 1000 && (await counters()).bg !== 1; i++) await new Promise((r) => setTimeout(r, 5));
    await d.stop();
    expect(await counters()).toEqual({ bg: 1 });
  });
});
