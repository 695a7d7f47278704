import { sql, type Generated, type SqlBool } from 'kysely';
import type { ModuleMigrations } from '../store/index.ts';

export type OutboxState = 'pending' | 'delivered' | 'dead';

/** The messaging module's tables (times in epoch ms, payload as JSON text). */
export interface MessagingTables {
  outbox_messages: {
    /** Creation order; delivery order within a correlation id. */
    seq: Generated<number>;
    id: string;
    type: string;
    from_address: string;
    to_address: string;
    correlation_id: string;
    payload: string;
    created_at: number;
    state: OutboxState;
    attempts: Generated<number>;
    /** Not delivered before this time (retry backoff). */
    next_attempt_at: number;
    last_error: string | null;
    /** When it was delivered or dead-lettered. */
    finished_at: number | null;
    /** SHA-256 of the message's attachment (message_attachments), if it carries one. */
    attachment: string | null;
  };
  /** Content-addressed bytes that messages carry by reference (attachments.ts). */
  message_attachments: {
    hash: string;
    bytes: Buffer;
    size: number;
    created_at: number;
  };
  /** Modules keeping an attachment alive beyond its messages' delivery. */
  message_attachment_holds: {
    hash: string;
    holder: string;
    held_at: number;
  };
  inbox_handled: {
    handler: string;
    message_id: string;
    handled_at: number;
  };
}

export const messagingMigrations: ModuleMigrations = {
  module: 'messaging',
  migrations: [
    {
      name: '0001_outbox_inbox',
      async up(db, kind) {
        await db.schema
          .createTable('outbox_messages')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('from_address', 'text', (c) => c.notNull())
          .addColumn('to_address', 'text', (c) => c.notNull())
          .addColumn('correlation_id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('finished_at', 'bigint')
          .execute();
        await db.schema.createIndex('outbox_messages_state_seq').on('outbox_messages').columns(['state', 'seq']).execute();
        await db.schema.createIndex('outbox_messages_correlation').on('outbox_messages').columns(['correlation_id', 'seq']).execute();
        await db.schema
          .createTable('inbox_handled')
          .addColumn('handler', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('handled_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('inbox_handled_pk', ['handler', 'message_id'])
          .execute();
        await db.schema.createIndex('inbox_handled_message').on('inbox_handled').column('message_id').execute();
      },
    },
    {
      name: '0002_attachments',
      async up(db, kind) {
        await db.schema.alterTable('outbox_messages').addColumn('attachment', 'text').execute();
        // Partial: only undelivered messages that carry an attachment are indexed — the ones
        // that keep it alive — so the index stays a page or two however long the outbox grows.
        await db.schema.createIndex('outbox_messages_attachment_waiting').on('outbox_messages').column('attachment').where(sql<SqlBool>`attachment is not null and state <> 'delivered'`).execute();
        await db.schema
          .createTable('message_attachments')
          .addColumn('hash', 'text', (c) => c.primaryKey())
          .addColumn('bytes', kind === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('message_attachment_holds')
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('held_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('message_attachment_holds_pk', ['hash', 'holder'])
          .execute();
      },
    },
    {
      // Keyed (message_id, handler): message ids grow, so new rows append to one page instead
      // of one page per handler, and the key serves the dispatcher's "handled already?" lookup
      // by message id without a second index. On SQLite the table is the key (without rowid).
      name: '0003_inbox_by_message',
      async up(db, kind) {
        await db.schema
          .createTable('inbox_handled_by_message')
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('handler', 'text', (c) => c.notNull())
          .addColumn('handled_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('inbox_handled_message_handler_pk', ['message_id', 'handler'])
          .$call((b) => (kind === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        await sql`insert into inbox_handled_by_message (message_id, handler, handled_at) select message_id, handler, handled_at from inbox_handled`.execute(db);
        await db.schema.dropTable('inbox_handled').execute();
        await db.schema.alterTable('inbox_handled_by_message').renameTo('inbox_handled').execute();
      },
    },
  ],
};
