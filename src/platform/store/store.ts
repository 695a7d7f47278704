import type { Kysely, Transaction } from 'kysely';
import type { MigrationReport, ModuleMigrations } from './migrations.ts';

/**
 * The database as the platform hands it to modules. Each module describes its own tables and
 * takes a typed view with {@link tablesOf}; the store itself knows no module's schema.
 */
export type Database = Kysely<object>;

/**
 * A transaction of any module's typed view. Functions that must write in the caller's
 * transaction (outbox.enqueue, timers.schedule) take this, so the type says "same transaction".
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts a transaction typed by any module's tables; each function re-types it with tablesOf.
export type AnyTransaction = Transaction<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- same, for a database or a transaction.
export type AnyDatabase = Kysely<any>;

export type StoreKind = 'sqlite' | 'postgres';

export type StoreConfig =
  | {
      kind: 'sqlite';
      /** A file path, or ':memory:' for a private in-memory database. */
      path: string;
      /**
       * 'normal' (default) in WAL mode keeps the database consistent after a crash or power
       * loss but may lose the last transactions before a power loss (not a process crash);
       * 'full' syncs the WAL on every commit.
       */
      synchronous?: 'normal' | 'full';
      /** How long a writer waits for another process's lock, in ms (default 5000). */
      busyTimeoutMs?: number;
    }
  | {
      kind: 'postgres';
      connectionString: string;
      /** Use (and create if missing) this schema, via search_path on every connection. */
      schema?: string;
      /** Pool size (default 10). */
      maxConnections?: number;
    };

export interface Store {
  readonly kind: StoreKind;
  readonly db: Database;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (trx: Transaction<object>) => Promise<T>): Promise<T>;
  /** Applies the modules' pending migrations, module by module, each in its own order. */
  migrate(modules: readonly ModuleMigrations[]): Promise<MigrationReport>;
  /** Closes the connection(s); the store cannot be used afterwards. */
  close(): Promise<void>;
}

/** A module's typed view of a database or transaction (same connection, no copy). */
export function tablesOf<T>(db: AnyTransaction): Transaction<T>;
export function tablesOf<T>(db: AnyDatabase): Kysely<T>;
export function tablesOf<T>(db: AnyDatabase): Kysely<T> {
  return db as Kysely<T>;
}
