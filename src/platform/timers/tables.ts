import type { ModuleMigrations } from '../store/index.ts';

export type TimerState = 'pending' | 'fired' | 'cancelled';

/** The timers module's table (times in epoch ms, the message as JSON text). */
export interface TimerTables {
  timers: {
    id: string;
    /** The caller's name for the timer, unique: 'detainer:<id>:expiry'. */
    key: string;
    due_at: number;
    /** The OutgoingMessage to enqueue when the timer fires. */
    message: string;
    state: TimerState;
    created_at: number;
    fired_at: number | null;
    cancelled_at: number | null;
    /** Id of the message enqueued when it fired. */
    message_id: string | null;
  };
}

export const timerMigrations: ModuleMigrations = {
  module: 'timers',
  migrations: [
    {
      name: '0001_timers',
      async up(db) {
        await db.schema
          .createTable('timers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('due_at', 'bigint', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('fired_at', 'bigint')
          .addColumn('cancelled_at', 'bigint')
          .addColumn('message_id', 'text')
          .execute();
        await db.schema.createIndex('timers_state_due').on('timers').columns(['state', 'due_at', 'key']).execute();
      },
    },
  ],
};
