export { AttachmentMissingError, createAttachments, sha256Hex, type Attachments } from './attachments.ts';
export type { Bus } from './bus.ts';
export { OutboxDispatcher, type BatchHooks, type DispatcherOptions, type DrainReport } from './dispatcher.ts';
export { createIdGenerator, systemRandom, type IdGenerator, type RandomSource } from './ids.ts';
export { handleOnce, type Handler, type HandlerContext } from './inbox.ts';
export { defineMessage, MessageParseError, type Message, type MessageKind, type OutgoingMessage } from './message.ts';
export { createOutbox, listOutbox, type Outbox, type OutboxEntry } from './outbox.ts';
export { messagingMigrations, type MessagingTables, type OutboxState } from './tables.ts';
