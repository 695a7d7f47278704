import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tablesOf } from '../store/index.ts';
import { storeVariants, type TestDatabase } from '../store/testing.ts';
import { AttachmentMissingError, createAttachments, sha256Hex, type Attachments } from './attachments.ts';
import { OutboxDispatcher } from './dispatcher.ts';
import type { MessagingTables } from './tables.ts';
import { openMessaging, type MessagingFixture } from './testing.ts';

describe.each(storeVariants)('attachments on $kind', (variant) => {
  let database: TestDatabase;
  let fx: MessagingFixture;
  let attachments: Attachments;

  beforeEach(async (ctx) => {
    if (variant.skipped) ctx.skip(variant.skipped);
    database = await variant.create();
    fx = await openMessaging(database);
    attachments = createAttachments({ kind: fx.store.kind, clock: fx.clock });
  });
  afterEach(async () => {
    await fx?.store.close();
    await database?.drop();
  });

  const stored = async () => (await tablesOf<MessagingTables>(fx.store.db).selectFrom('message_attachments').select('hash').execute()).map((r) => r.hash);
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

  it('stores bytes once under their SHA-256 and gives them back unchanged', async () => {
    const data = bytes(70_000, 7);
    const [a, b] = await fx.store.transaction(async (trx) => [await attachments.put(trx, data), await attachments.put(trx, data)]);
    expect(a).toBe(sha256Hex(data));
    expect(b).toBe(a);
    expect(await stored()).toEqual([a]);
    expect(Buffer.from(await attachments.get(fx.store.db, a)).equals(Buffer.from(data))).toBe(true);
  });

  it('keeps an attachment while a message carrying it waits, and erases it when the last one is delivered', async () => {
    const d = new OutboxDispatcher({ store: fx.store, outbox: fx.outbox, clock: fx.clock, chain: false });
    const seen: number[] = [];
    d.subscribe('fbi', async (m, ctx) => {
      seen.push((await attachments.get(ctx.trx, m.attachment ?? '')).length);
      await ctx.send({ type: 'search', to: 'ident', payload: {}, attachment: m.attachment });
    });
    d.subscribe('ident', async (m, ctx) => {
      seen.push((await attachments.get(ctx.trx, m.attachment ?? '')).length);
    });
    const hash = await fx.store.transaction(async (trx) => {
      const h = await attachments.put(trx, bytes(5000, 1));
      await fx.outbox.enqueue(trx, { type: 'car', from: 'jail', to: 'fbi', correlationId: 'c1', payload: {}, attachment: h });
      return h;
    });
    expect(await d.drain()).toMatchObject({ delivered: 2 });
    expect(seen).toEqual([5000, 5000]);
    expect(await stored()).toEqual([]);
    await expect(attachments.get(fx.store.db, hash)).rejects.toThrow(AttachmentMissingError);
  });

  it('keeps a held attachment after delivery until its holder releases it, even when released in the batch that sends it on', async () => {
    const d = new OutboxDispatcher({ store: fx.store, outbox: fx.outbox, clock: fx.clock });
    d.subscribe('bureau', async (m, ctx) => {
      const h = m.attachment ?? '';
      if (m.type === 'car') await attachments.hold(ctx.trx, h, 'bureau:c1');
      else {
        // Sends the prints on, then releases its own copy in the same handler: the message sent
        // earlier in this transaction still needs them.
        await ctx.send({ type: 'search', to: 'nowhere', payload: {}, attachment: h });
        await attachments.release(ctx.trx, h, 'bureau:c1');
      }
    });
    const hash = await fx.store.transaction(async (trx) => {
      const h = await attachments.put(trx, bytes(3000, 2));
      await fx.outbox.enqueue(trx, { type: 'car', from: 'jail', to: 'bureau', correlationId: 'c1', payload: {}, attachment: h });
      return h;
    });
    await d.drain();
    expect(await stored()).toEqual([hash]); // held
    await fx.store.transaction((trx) => fx.outbox.enqueue(trx, { type: 'go', from: 'fbi', to: 'bureau', correlationId: 'c1', payload: {} }));
    await d.drain();
    expect(await stored()).toEqual([hash]); // released, but the 'search' message (no handler: retried) still carries it
  });

  it('erases at once when released outside a delivery and nothing else needs it; a dead letter keeps it for a redrive', async () => {
    const h1 = await fx.store.transaction(async (trx) => {
      const h = await attachments.put(trx, bytes(100, 3));
      await attachments.hold(trx, h, 'x');
      return h;
    });
    await fx.store.transaction((trx) => attachments.release(trx, h1, 'x'));
    expect(await stored()).toEqual([]);

    const d = new OutboxDispatcher({ store: fx.store, outbox: fx.outbox, clock: fx.clock, maxAttempts: 1 });
    const h2 = await fx.store.transaction(async (trx) => {
      const h = await attachments.put(trx, bytes(100, 4));
      await fx.outbox.enqueue(trx, { type: 'car', from: 'jail', to: 'nobody', correlationId: 'c2', payload: {}, attachment: h });
      return h;
    });
    expect(await d.drain()).toMatchObject({ deadLettered: 1 });
    expect(await stored()).toEqual([h2]);
  });

  it('refuses a hash it does not hold with a typed error, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (text) => {
        await expect(attachments.get(fx.store.db, text)).rejects.toThrow(AttachmentMissingError);
      }),
      { numRuns: 30 },
    );
  });
});
