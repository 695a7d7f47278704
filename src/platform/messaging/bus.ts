import type { Handler } from './inbox.ts';

/**
 * How messages reach their handlers. Senders never see it: they write to the outbox in their
 * own transaction, and a Bus takes it from there.
 *
 * - embedded (now): {@link OutboxDispatcher} drains the outbox table in-process.
 * - scale-out (later): a NATS JetStream adapter = a relay that publishes committed outbox rows
 *   (JetStream `Nats-Msg-Id` = message id for publish de-duplication, subject per address,
 *   marking rows relayed) plus durable consumers that run each delivery through
 *   {@link handleOnce} in one store transaction and ack after commit. Ordering per case then
 *   comes from the subject/partition key = correlation id.
 */
export interface Bus {
  /** Routes messages addressed to `address` to `handler` (one handler per address). */
  subscribe(address: string, handler: Handler): void;
  /** Starts delivering in the background. */
  start(): void;
  /** Stops delivering; resolves when no delivery is in flight. */
  stop(): Promise<void>;
}
