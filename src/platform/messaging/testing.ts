/** Test support: a migrated store with messaging tables, a manual clock and seeded ids. */
import { createRng } from '../../biometrics/synth/random.ts';
import { ManualClock } from '../clock/index.ts';
import { assertMigrated, type ModuleMigrations, type Store } from '../store/index.ts';
import type { TestDatabase } from '../store/testing.ts';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { messagingMigrations } from './tables.ts';

/** A per-key counter table: the "state change" of test handlers; a count of 2 means a double effect. */
export interface CounterTables {
  counters: { key: string; n: number };
}

export const counterMigrations: ModuleMigrations = {
  module: 'test_counters',
  migrations: [
    {
      name: '0001_counters',
      up: (db) =>
        db.schema
          .createTable('counters')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('n', 'integer', (c) => c.notNull())
          .execute(),
    },
  ],
};

export interface MessagingFixture {
  store: Store;
  clock: ManualClock;
  ids: IdGenerator;
  outbox: Outbox;
}

export async function openMessaging(database: TestDatabase, clock = new ManualClock(1_700_000_000_000), extra: ModuleMigrations[] = []): Promise<MessagingFixture> {
  const store = await database.open(clock);
  assertMigrated(await store.migrate([messagingMigrations, counterMigrations, ...extra]));
  const ids = createIdGenerator(clock, createRng(`ids/${database.config.kind}`));
  return { store, clock, ids, outbox: createOutbox({ kind: store.kind, clock, ids }) };
}
