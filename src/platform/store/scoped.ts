import { sql, type Transaction } from 'kysely';
import type { Clock } from '../clock/index.ts';
import { runMigrations, type ModuleMigrations } from './migrations.ts';
import type { Store, StoreKind } from './store.ts';

/**
 * A Store that lives inside one open transaction of another store, so that a whole run of
 * commands — each of which opens "its own" transaction, as the Pipeline, the outbox dispatcher,
 * the timer scheduler and the migrations do — is all or nothing: the caller commits or rolls
 * back the outer transaction once, at the end.
 *
 * - `db` is the outer transaction itself: reads see the run's own uncommitted writes.
 * - `transaction(fn)` is a SAVEPOINT of the outer transaction: released when `fn` resolves,
 *   rolled back to (and released) when it throws — exactly what a nested unit of work needs
 *   (the dispatcher replays a failed batch without its poison message; a refused command leaves
 *   nothing), while nothing is durable until the outer transaction commits. Each call hands
 *   `fn` a distinct Transaction object on the same connection, because modules keep per-
 *   transaction state keyed by that object (the case log's event buffer, deferred attachment
 *   collection), as they do with real transactions.
 * - `migrate` applies pending migrations under savepoints too, so even a store that had never
 *   seen the schema is left exactly as it was when the outer transaction rolls back.
 * - `close` does nothing: the outer store owns the connection.
 *
 * Work inside must be sequential (one connection): commands awaited one after the other, as the
 * scenario runner and the Pipeline's in-command delivery do; never the background dispatcher.
 */
export function transactionScopedStore(trx: Transaction<object>, kind: StoreKind, clock: Clock): Store {
  let serial = 0;
  const store: Store = {
    kind,
    db: trx,
    async transaction<T>(fn: (inner: Transaction<object>) => Promise<T>): Promise<T> {
      const name = sql.raw(`scoped_${++serial}`);
      await sql`savepoint ${name}`.execute(trx);
      try {
        // withTables adds no table and keeps the plugins: the same connection, a new object.
        const result = await fn(trx.withTables<Record<string, never>>() as unknown as Transaction<object>);
        await sql`release savepoint ${name}`.execute(trx);
        return result;
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(trx);
        await sql`release savepoint ${name}`.execute(trx);
        throw error;
      }
    },
    migrate: (modules: readonly ModuleMigrations[]) => runMigrations(trx, kind, () => clock.now(), modules, (fn) => store.transaction(fn)),
    close: async () => {},
  };
  return store;
}
