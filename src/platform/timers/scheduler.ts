import { ManualClock, Wakeup, type Clock } from '../clock/index.ts';
import type { Outbox } from '../messaging/index.ts';
import { tablesOf, type Store } from '../store/index.ts';
import type { TimerTables } from './tables.ts';
import { toTimer, type Timer } from './timers.ts';

export interface TimerSchedulerOptions {
  store: Store;
  outbox: Outbox;
  clock: Clock;
  /** Timers fired per transaction (default 200). */
  batchSize?: number;
  /**
   * Longest background wait between database checks, in wall ms (default 250), so timers
   * scheduled by other processes are seen without a notification.
   */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Fires due timers: in one transaction, marks a pending timer fired and enqueues its message
 * into the outbox, so a timer's message exists exactly when the timer is marked fired. The
 * `pending → fired` update is conditional, so a second scheduler (or a restarted one racing an
 * old one) cannot fire it again. All state is in the database: a new scheduler after a crash
 * picks up every pending timer, overdue ones first.
 */
export class TimerScheduler {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly wakeup = new Wakeup();

  constructor(private readonly options: TimerSchedulerOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollMs = options.pollMs ?? 250;
  }

  /** Fires every pending timer due at the clock's current time, in (due time, key) order. */
  async fireDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.options.clock.now();
      const due = await tablesOf<TimerTables>(this.options.store.db)
        .selectFrom('timers')
        .selectAll()
        .where('state', '=', 'pending')
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .orderBy('key')
        .limit(this.batchSize)
        .execute();
      if (due.length === 0) return fired;
      fired += await this.options.store.transaction(async (trx) => {
        const db = tablesOf<TimerTables>(trx);
        let n = 0;
        for (const row of due) {
          const timer = toTimer(row);
          const claim = await db.updateTable('timers').set({ state: 'fired', fired_at: now }).where('id', '=', timer.id).where('state', '=', 'pending').executeTakeFirst();
          if (Number(claim.numUpdatedRows) !== 1) continue; // cancelled or fired meanwhile
          const message = await this.options.outbox.enqueue(trx, timer.message);
          await db.updateTable('timers').set({ message_id: message.id }).where('id', '=', timer.id).execute();
          n++;
        }
        return n;
      });
    }
  }

  /** Pending timers in firing order. */
  async pending(): Promise<Timer[]> {
    const rows = await tablesOf<TimerTables>(this.options.store.db).selectFrom('timers').selectAll().where('state', '=', 'pending').orderBy('due_at').orderBy('key').execute();
    return rows.map(toTimer);
  }

  /** The earliest pending due time, if any. */
  async nextDueAt(): Promise<number | undefined> {
    const row = await tablesOf<TimerTables>(this.options.store.db)
      .selectFrom('timers')
      .select((eb) => eb.fn.min('due_at').as('next'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row?.next == null ? undefined : Number(row.next);
  }

  /**
   * Test time-skipping (needs a ManualClock): moves the clock from due time to due time up to
   * `t`, firing the timers due at each step; `between` runs after each step (e.g. the
   * dispatcher's drain), so timers that handlers schedule on the way fire too.
   */
  async advanceTo(t: number, between?: () => Promise<unknown>): Promise<number> {
    const clock = this.options.clock;
    if (!(clock instanceof ManualClock)) throw new Error('advanceTo needs the scheduler to run on a ManualClock');
    let fired = 0;
    for (;;) {
      fired += await this.fireDue();
      await between?.();
      const next = await this.nextDueAt();
      if (next === undefined || next > t) break;
      if (next > clock.now()) clock.set(next);
    }
    if (t > clock.now()) clock.set(t);
    return fired;
  }

  /** Re-arms from the database and fires timers as they fall due, until stopped. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        let waitMs = this.pollMs;
        try {
          await this.fireDue();
          const next = await this.nextDueAt();
          if (next !== undefined) waitMs = Math.max(0, Math.min(waitMs, next - this.options.clock.now()));
        } catch (error) {
          this.options.onError?.(error);
        }
        if (this.stopping) break;
        await this.wakeup.sleep(waitMs);
      }
    })();
  }

  /** Re-checks now, e.g. after scheduling a timer or moving a manual clock. */
  notify(): void {
    this.wakeup.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.wake();
    await this.running;
    this.running = undefined;
  }
}
