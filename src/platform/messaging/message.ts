import type { z } from 'zod';

/**
 * A message between agencies. `correlationId` is the case it belongs to (a booking, a
 * detainer): messages of one case are delivered in the order they were created.
 */
export interface Message<TType extends string = string, TPayload = unknown> {
  /** Sortable unique id (ULID-like), from the injected id generator. */
  id: string;
  type: TType;
  /** Sending address (an agency or a timer). */
  from: string;
  /** Receiving address; the dispatcher routes on it. */
  to: string;
  correlationId: string;
  /** JSON-serializable; stored as text. */
  payload: TPayload;
  /** Epoch ms, from the injected clock. */
  createdAt: number;
  /**
   * SHA-256 of large bytes the message carries by reference (attachments.ts), written with
   * `Attachments.put` in the transaction that enqueues the message; absent for most messages.
   */
  attachment?: string;
}

/** What a sender provides; the outbox adds `id` and `createdAt`. */
export type OutgoingMessage<TType extends string = string, TPayload = unknown> = Omit<Message<TType, TPayload>, 'id' | 'createdAt'>;

export class MessageParseError extends Error {
  constructor(
    readonly messageId: string,
    readonly messageType: string,
    readonly issues: string,
  ) {
    super(`message ${messageId} (${messageType}) has an invalid payload: ${issues}`);
    this.name = 'MessageParseError';
  }
}

/**
 * A message type with its payload schema: senders build typed messages, receivers parse the
 * payload at the boundary (a stored message is untrusted input, e.g. from an older version).
 */
export interface MessageKind<TType extends string, TPayload> {
  readonly type: TType;
  create(fields: { from: string; to: string; correlationId: string; payload: TPayload }): OutgoingMessage<TType, TPayload>;
  is(message: Message): boolean;
  /** The message with a parsed payload; throws MessageParseError when it does not fit. */
  parse(message: Message): Message<TType, TPayload>;
}

export function defineMessage<TType extends string, TSchema extends z.ZodTypeAny>(
  type: TType,
  schema: TSchema,
): MessageKind<TType, z.infer<TSchema>> {
  return {
    type,
    create: (fields) => ({ type, ...fields }),
    is: (message) => message.type === type,
    parse(message) {
      if (message.type !== type) throw new MessageParseError(message.id, message.type, `expected type ${type}`);
      const result = schema.safeParse(message.payload);
      if (!result.success) throw new MessageParseError(message.id, message.type, result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
      return { ...message, type, payload: result.data };
    },
  };
}
