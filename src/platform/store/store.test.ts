import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/index.ts';
import { assertMigrated, type ModuleMigrations } from './migrations.ts';
import { tablesOf, type Store } from './store.ts';
import { storeVariants, type TestDatabase } from './testing.ts';

interface CaseTables {
  cases: { id: string; opened_at: number; facts: string };
}

const casesModule: ModuleMigrations = {
  module: 'cases',
  migrations: [
    {
      name: '0001_cases',
      up: (db) =>
        db.schema
          .createTable('cases')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('facts', 'text', (c) => c.notNull())
          .execute(),
    },
    { name: '0002_cases_opened_at', up: (db) => db.schema.createIndex('cases_opened_at').on('cases').column('opened_at').execute() },
  ],
};

describe.each(storeVariants)('store on $kind', (variant) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async (ctx) => {
    if (variant.skipped) ctx.skip(variant.skipped);
    database = await variant.create();
    store = await database.open(new ManualClock(1_700_000_000_000));
  });
  afterEach(async () => {
    await store?.close();
    await database?.drop();
  });

  it('applies each module migration once and re-running them changes nothing', async () => {
    const first = await store.migrate([casesModule]);
    expect(first.error).toBeUndefined();
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const second = await store.migrate([casesModule]);
    expect(second.results.map((r) => r.status)).toEqual(['already-applied', 'already-applied']);
    await store.close();
    store = await database.open();
    const afterRestart = await store.migrate([casesModule]);
    expect(afterRestart.results.map((r) => r.status)).toEqual(['already-applied', 'already-applied']);
  });

  it('reports a failing migration as a value and keeps the ones before it', async () => {
    const broken: ModuleMigrations = {
      module: 'broken',
      migrations: [
        { name: '0001_ok', up: (db) => db.schema.createTable('ok_table').addColumn('id', 'text').execute() },
        { name: '0002_fails', up: (db) => db.schema.createTable('ok_table').addColumn('id', 'text').execute() },
      ],
    };
    const report = await store.migrate([broken]);
    expect(report.results).toEqual([{ module: 'broken', name: '0001_ok', status: 'applied' }]);
    expect(report.error?.name).toBe('0002_fails');
    expect(() => assertMigrated(report)).toThrow(/broken\/0002_fails/);
    // The failed migration was not recorded, so fixing it lets it run later.
    const fixed = await store.migrate([{ module: 'broken', migrations: [broken.migrations[0], { name: '0002_fails', up: async () => {} }] }]);
    expect(fixed.results.map((r) => r.status)).toEqual(['already-applied', 'applied']);
  });

  it('round-trips epoch-ms bigints as numbers and JSON as text', async () => {
    assertMigrated(await store.migrate([casesModule]));
    const db = tablesOf<CaseTables>(store.db);
    const openedAt = 1_735_689_600_123; // well past 2^32
    await db.insertInto('cases').values({ id: 'c1', opened_at: openedAt, facts: JSON.stringify({ ori: 'TX0000000' }) }).execute();
    const row = await db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(row.opened_at).toBe(openedAt);
    expect(JSON.parse(row.facts)).toEqual({ ori: 'TX0000000' });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    assertMigrated(await store.migrate([casesModule]));
    await store.transaction(async (trx) => {
      await tablesOf<CaseTables>(trx).insertInto('cases').values({ id: 'kept', opened_at: 1, facts: '{}' }).execute();
    });
    await expect(
      store.transaction(async (trx) => {
        await tablesOf<CaseTables>(trx).insertInto('cases').values({ id: 'lost', opened_at: 2, facts: '{}' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const ids = await tablesOf<CaseTables>(store.db).selectFrom('cases').select('id').execute();
    expect(ids.map((r) => r.id)).toEqual(['kept']);
  });
});
