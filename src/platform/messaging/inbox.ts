import type { Transaction } from 'kysely';
import { tablesOf, type AnyTransaction } from '../store/index.ts';
import type { Message, OutgoingMessage } from './message.ts';
import type { MessagingTables } from './tables.ts';

export interface HandlerContext {
  /** The transaction the handler's state changes must use; it also records the handling. */
  trx: Transaction<object>;
  /** Sends a message in the same transaction; `from` defaults to the handler's address and `correlationId` to the incoming one. */
  send<TType extends string, TPayload>(
    message: Omit<OutgoingMessage<TType, TPayload>, 'from' | 'correlationId'> & { from?: string; correlationId?: string },
  ): Promise<Message<TType, TPayload>>;
  /** The dispatcher's clock reading for this delivery. */
  now: number;
}

/**
 * Handles one message. It must keep all its effects inside `ctx.trx` (state and outgoing
 * messages): it may run more than once (a retry, a batch that is rolled back and replayed),
 * and only the committed run counts.
 */
export type Handler = (message: Message, ctx: HandlerContext) => Promise<void>;

export type Enqueue = (trx: AnyTransaction, message: OutgoingMessage) => Promise<Message>;

/** Builds the context a handler sees for `message`, sending through `enqueue`. */
export function handlerContext(trx: Transaction<object>, address: string, message: Message, now: number, enqueue: Enqueue): HandlerContext {
  return {
    trx,
    now,
    send: (out) =>
      enqueue(trx, { ...out, from: out.from ?? address, correlationId: out.correlationId ?? message.correlationId }) as Promise<never>,
  };
}

/**
 * The inbox half of "exactly once in effect", shared by every transport: inside `trx`, records
 * (handler, message id) and runs the handler — or, when that pair is already recorded, does
 * nothing and reports a duplicate. A transport redelivering a message (at-least-once) thus
 * changes state once.
 */
export async function handleOnce(
  trx: Transaction<object>,
  address: string,
  handler: Handler,
  message: Message,
  now: number,
  enqueue: Enqueue,
): Promise<'handled' | 'duplicate'> {
  const claim = await tablesOf<MessagingTables>(trx)
    .insertInto('inbox_handled')
    .values({ handler: address, message_id: message.id, handled_at: now })
    .onConflict((oc) => oc.columns(['handler', 'message_id']).doNothing())
    .executeTakeFirst();
  if (Number(claim.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate';
  await handler(message, handlerContext(trx, address, message, now, enqueue));
  return 'handled';
}
