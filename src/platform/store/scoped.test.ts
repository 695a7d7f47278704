import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/index.ts';
import { assertMigrated, type ModuleMigrations } from './migrations.ts';
import { transactionScopedStore } from './scoped.ts';
import { tablesOf } from './store.ts';
import { freshStorePerTest, snapshotRows, storeVariants } from './testing.ts';

interface NoteTables {
  notes: { id: string };
}
const notes: ModuleMigrations = { module: 'notes', migrations: [{ name: '0001_notes', up: (db) => db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute() }] };
const add = (db: Parameters<typeof tablesOf>[0], id: string) => tablesOf<NoteTables>(db).insertInto('notes').values({ id }).execute();
const ids = async (db: Parameters<typeof tablesOf>[0]) => (await tablesOf<NoteTables>(db).selectFrom('notes').select('id').orderBy('id').execute()).map((r) => r.id);

class Abort extends Error {}

describe.each(storeVariants)('a transaction-scoped store on $kind', (variant) => {
  const fresh = freshStorePerTest(variant, afterEach);
  const clock = new ManualClock(1_700_000_000_000);

  it.skipIf(variant.skipped !== undefined)('its transactions are savepoints: a failed one is undone alone, and the outer rollback undoes everything, migrations included', async () => {
    const store = await fresh(clock);
    const before = await snapshotRows(store.db, store.kind);
    let seen: string[] = [];
    const objects = new Set<object>();
    await expect(
      store.transaction(async (trx) => {
        const scoped = transactionScopedStore(trx, store.kind, clock);
        assertMigrated(await scoped.migrate([notes]));
        await scoped.transaction(async (t) => (objects.add(t), add(t, 'kept')));
        // A unit of work that fails (after a write, then a statement error) is rolled back to its savepoint; the outer transaction stays usable.
        await expect(scoped.transaction(async (t) => (objects.add(t), await add(t, 'undone'), await add(t, 'kept')))).rejects.toThrow();
        await scoped.transaction(async (t) => (objects.add(t), add(t, 'later')));
        seen = await ids(scoped.db);
        throw new Abort();
      }),
    ).rejects.toBeInstanceOf(Abort);
    expect(seen).toEqual(['kept', 'later']);
    expect(objects.size).toBe(3); // a distinct transaction object each time, as real transactions are
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
  });

  it.skipIf(variant.skipped !== undefined)('commits with the outer transaction', async () => {
    const store = await fresh(clock);
    await store.transaction(async (trx) => {
      const scoped = transactionScopedStore(trx, store.kind, clock);
      assertMigrated(await scoped.migrate([notes]));
      await scoped.transaction((t) => add(t, 'a'));
      await scoped.transaction(async () => scoped.transaction((u) => add(u, 'b'))); // nested
    });
    expect(await ids(store.db)).toEqual(['a', 'b']);
  });
});
