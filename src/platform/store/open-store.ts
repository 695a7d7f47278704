import type { Kysely, Transaction } from 'kysely';
import { systemClock, type Clock } from '../clock/index.ts';
import { runMigrations, type ModuleMigrations } from './migrations.ts';
import { openPostgres } from './postgres/postgres-store.ts';
import { openSqlite } from './sqlite/sqlite-store.ts';
import type { Store, StoreConfig, StoreKind } from './store.ts';

export interface OpenStoreOptions {
  /** Stamps `schema_migrations.applied_at`; the system clock by default. */
  clock?: Clock;
}

/** Opens the store the config names; everything above it is the same on both dialects. */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const db =
    config.kind === 'sqlite'
      ? openSqlite({ path: config.path, synchronous: config.synchronous ?? 'normal', busyTimeoutMs: config.busyTimeoutMs ?? 5000 })
      : await openPostgres({ connectionString: config.connectionString, schema: config.schema, maxConnections: config.maxConnections ?? 10 });
  return new KyselyStore(config.kind, db, clock);
}

class KyselyStore implements Store {
  private closed = false;

  constructor(
    readonly kind: StoreKind,
    readonly db: Kysely<object>,
    private readonly clock: Clock,
  ) {}

  transaction<T>(fn: (trx: Transaction<object>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  migrate(modules: readonly ModuleMigrations[]) {
    return runMigrations(this.db, this.kind, () => this.clock.now(), modules);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }
}
