// Messages per second through outbox → OutboxDispatcher → handler, one state write per message,
// on SQLite (file, WAL, synchronous=NORMAL) and PostgreSQL (when reachable).
// Two shapes: "flat" (pre-seeded independent messages) and "chains" (each case is a chain of 10
// messages, every handler writes its state and sends the next one — a booking is about 10).
// Times are wall-clock (the database work is I/O and another process for PostgreSQL).
// Run: node --import tsx bench/store.bench.ts [messages]   (writes bench/results/store.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from 'kysely';
import pg from 'pg';
import { createRng } from '../src/biometrics/synth/random.ts';
import { ManualClock } from '../src/platform/clock/index.ts';
import { createIdGenerator, createOutbox, messagingMigrations, OutboxDispatcher } from '../src/platform/messaging/index.ts';
import { assertMigrated, openStore, tablesOf, type Store, type StoreConfig } from '../src/platform/store/index.ts';
import { storeVariants, testPostgresUrl } from '../src/platform/store/testing.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const total = Number(process.argv[2] ?? 20_000);
const chainLength = 10;

interface BenchTables {
  bench_state: { key: string; n: number };
}

async function write(trx: Transaction<object>, key: string): Promise<void> {
  await tablesOf<BenchTables>(trx)
    .insertInto('bench_state')
    .values({ key, n: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ n: eb('bench_state.n', '+', 1) })))
    .execute();
}

interface Row {
  store: string;
  shape: 'flat' | 'chains';
  messages: number;
  seconds: number;
  messagesPerSecond: number;
}

async function run(store: Store, shape: Row['shape']): Promise<Row> {
  const clock = new ManualClock(1_700_000_000_000);
  const ids = createIdGenerator(clock, createRng(`bench/${shape}`));
  const outbox = createOutbox({ kind: store.kind, clock, ids });
  const dispatcher = new OutboxDispatcher({ store, outbox, clock });
  dispatcher.subscribe('agency', async (m, ctx) => {
    const step = (m.payload as { step: number }).step;
    await write(ctx.trx, `${m.correlationId}`);
    if (shape === 'chains' && step + 1 < chainLength) await ctx.send({ type: 'next', to: 'agency', payload: { step: step + 1 } });
  });
  const seeds = shape === 'flat' ? total : total / chainLength;
  for (let i = 0; i < seeds; i += 500) {
    await store.transaction(async (trx) => {
      for (let k = i; k < Math.min(seeds, i + 500); k++) await outbox.enqueue(trx, { type: 'start', from: 'bench', to: 'agency', correlationId: `${shape}-${k}`, payload: { step: 0 } });
    });
  }
  const t0 = performance.now();
  const report = await dispatcher.drain();
  const seconds = (performance.now() - t0) / 1000;
  if (report.delivered !== total) throw new Error(`${shape}: delivered ${report.delivered} of ${total}`);
  return { store: store.kind, shape, messages: total, seconds, messagesPerSecond: total / seconds };
}

const benchMigrations = {
  module: 'bench',
  migrations: [
    {
      name: '0001_state',
      up: (db: Parameters<(typeof messagingMigrations)['migrations'][0]['up']>[0]) =>
        db.schema.createTable('bench_state').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('n', 'integer', (c) => c.notNull()).execute(),
    },
  ],
};

const rows: Row[] = [];
const skipped: string[] = [];
for (const shape of ['flat', 'chains'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-bench-'));
  const configs: StoreConfig[] = [{ kind: 'sqlite', path: join(dir, 'bench.db') }];
  const pgVariant = storeVariants.find((v) => v.kind === 'postgres');
  const schema = `bench_${shape}_${process.pid}`;
  if (pgVariant?.skipped) skipped.push(pgVariant.skipped);
  else configs.push({ kind: 'postgres', connectionString: testPostgresUrl, schema });
  for (const config of configs) {
    const store = await openStore(config);
    try {
      assertMigrated(await store.migrate([messagingMigrations, benchMigrations]));
      rows.push(await run(store, shape));
    } finally {
      await store.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (configs.length > 1) {
    const client = new pg.Client({ connectionString: testPostgresUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

console.log(`${'store'.padEnd(10)} ${'shape'.padEnd(8)} ${'messages'.padStart(9)} ${'seconds'.padStart(8)} ${'messages/s'.padStart(11)}`);
for (const r of rows) console.log(`${r.store.padEnd(10)} ${r.shape.padEnd(8)} ${String(r.messages).padStart(9)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.messagesPerSecond).toString().padStart(11)}`);
for (const s of skipped) console.log(s);
const target = 3000;
const sqliteChains = rows.find((r) => r.store === 'sqlite' && r.shape === 'chains');
if (sqliteChains) console.log(`SQLite target ≥ ${target} messages/s (chains): ${sqliteChains.messagesPerSecond >= target ? 'met' : 'NOT met'}`);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/store.json`,
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), clock: 'wall', chainLength, sqlite: 'file, WAL, synchronous=NORMAL', targetMessagesPerSecond: target, results: rows, skipped }, null, 2)}\n`,
);
