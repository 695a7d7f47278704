import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StoreKind } from './store.ts';

/**
 * One migration of one module. `up` receives the database inside the migration's transaction
 * and must use only portable schema-builder calls (or branch on `kind`), because the same
 * migrations run on SQLite and PostgreSQL.
 *
 * Conventions shared by all modules: times are epoch milliseconds in `bigint` columns (read
 * back as JS numbers on both dialects); JSON is stored as `text`; ids are `text`.
 */
export interface Migration {
  /** Unique within the module and sortable: '0001_outbox'. Applied in list order. */
  name: string;
  up(db: Kysely<object>, kind: StoreKind): Promise<void>;
}

export interface ModuleMigrations {
  /** The module that owns the tables, e.g. 'messaging' or 'booking'. */
  module: string;
  migrations: readonly Migration[];
}

export interface MigrationResult {
  module: string;
  name: string;
  status: 'applied' | 'already-applied';
}

/** Errors as values: the migrations applied before a failure are listed, then the failure. */
export interface MigrationReport {
  results: MigrationResult[];
  error?: { module: string; name: string; cause: unknown };
}

const table = 'schema_migrations';

export async function runMigrations(
  db: Database,
  kind: StoreKind,
  clockNow: () => number,
  modules: readonly ModuleMigrations[],
  /** How each migration gets its transaction: a new one by default; a savepoint inside a transaction-scoped store. */
  inTransaction: <T>(fn: (trx: Transaction<object>) => Promise<T>) => Promise<T> = (fn) => db.transaction().execute(fn),
): Promise<MigrationReport> {
  checkNames(modules);
  await db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('module', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('schema_migrations_pk', ['module', 'name'])
    .execute();

  const log = db.withTables<{ schema_migrations: { module: string; name: string; applied_at: number } }>();
  const done = new Set((await log.selectFrom(table).select(['module', 'name']).execute()).map((r) => `${r.module}\u0000${r.name}`));
  const results: MigrationResult[] = [];
  for (const { module, migrations } of modules) {
    for (const m of migrations) {
      if (done.has(`${module}\u0000${m.name}`)) {
        results.push({ module, name: m.name, status: 'already-applied' });
        continue;
      }
      try {
        const applied = await inTransaction(async (trx) => {
          // Claim the migration first: a concurrent runner blocks on this row (PostgreSQL) or
          // on the write lock (SQLite) and then finds it taken, so each migration runs once.
          const claim = await trx
            .withTables<{ schema_migrations: { module: string; name: string; applied_at: number } }>()
            .insertInto(table)
            .values({ module, name: m.name, applied_at: clockNow() })
            .onConflict((oc) => oc.columns(['module', 'name']).doNothing())
            .executeTakeFirst();
          if (Number(claim.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
          await m.up(trx, kind);
          return true;
        });
        results.push({ module, name: m.name, status: applied ? 'applied' : 'already-applied' });
      } catch (cause) {
        return { results, error: { module, name: m.name, cause } };
      }
    }
  }
  return { results };
}

function checkNames(modules: readonly ModuleMigrations[]): void {
  const seen = new Set<string>();
  for (const { module, migrations } of modules) {
    if (seen.has(module)) throw new Error(`migrations: module '${module}' is registered twice`);
    seen.add(module);
    const names = new Set<string>();
    for (const m of migrations) {
      if (names.has(m.name)) throw new Error(`migrations: '${module}' has two migrations named '${m.name}'`);
      names.add(m.name);
    }
  }
}

/** Throws the report's error, if any; for callers that cannot go on without their schema. */
export function assertMigrated(report: MigrationReport): void {
  if (report.error) {
    const { module, name, cause } = report.error;
    throw new Error(`migration ${module}/${name} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** `sql` re-exported for migrations that need a dialect-specific statement. */
export { sql };
