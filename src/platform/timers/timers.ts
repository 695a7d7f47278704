import type { Selectable } from 'kysely';
import type { Clock } from '../clock/index.ts';
import type { IdGenerator, OutgoingMessage } from '../messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction } from '../store/index.ts';
import type { TimerState, TimerTables } from './tables.ts';

export interface Timer {
  id: string;
  key: string;
  dueAt: number;
  message: OutgoingMessage;
  state: TimerState;
  createdAt: number;
  firedAt: number | null;
  cancelledAt: number | null;
  messageId: string | null;
}

/**
 * Durable timers. A timer is a message to be sent at a time: scheduling and cancelling happen in
 * the caller's transaction, next to the state change that motivates them (a detainer lodged, a
 * release recorded), so the timer exists exactly when that change does.
 */
export interface Timers {
  /**
   * Schedules `message` to be enqueued at `dueAt`. Idempotent on `key`: if a timer with that
   * key exists (in any state) nothing changes and `false` is returned. A key is used once.
   */
  schedule(trx: AnyTransaction, key: string, dueAt: number, message: OutgoingMessage): Promise<boolean>;
  /** Cancels the pending timer `key`; `false` when there is none (unknown, fired, cancelled). */
  cancel(trx: AnyTransaction, key: string): Promise<boolean>;
  /** The timer `key`, whatever its state. */
  get(db: AnyDatabase, key: string): Promise<Timer | undefined>;
}

export function createTimers({ clock, ids }: { clock: Clock; ids: IdGenerator }): Timers {
  return {
    async schedule(trx, key, dueAt, message) {
      if (!Number.isSafeInteger(dueAt)) throw new RangeError(`timer ${key}: dueAt must be epoch ms, got ${dueAt}`);
      const r = await tablesOf<TimerTables>(trx)
        .insertInto('timers')
        .values({
          id: ids(),
          key,
          due_at: dueAt,
          message: JSON.stringify(message),
          state: 'pending',
          created_at: clock.now(),
          fired_at: null,
          cancelled_at: null,
          message_id: null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async cancel(trx, key) {
      const r = await tablesOf<TimerTables>(trx)
        .updateTable('timers')
        .set({ state: 'cancelled', cancelled_at: clock.now() })
        .where('key', '=', key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async get(db, key) {
      const row = await tablesOf<TimerTables>(db).selectFrom('timers').selectAll().where('key', '=', key).executeTakeFirst();
      return row && toTimer(row);
    },
  };
}

export function toTimer(row: Selectable<TimerTables['timers']>): Timer {
  return {
    id: row.id,
    key: row.key,
    dueAt: row.due_at,
    message: JSON.parse(row.message) as OutgoingMessage,
    state: row.state,
    createdAt: row.created_at,
    firedAt: row.fired_at,
    cancelledAt: row.cancelled_at,
    messageId: row.message_id,
  };
}
