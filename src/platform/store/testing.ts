/**
 * Test support: the same suite runs on every dialect (`describe.each(storeVariants)`).
 * PostgreSQL runs when it is reachable (SECCOM_TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test); otherwise its variant is marked skipped and says why.
 * Every test database is fresh: a temporary SQLite file, or a `t_<random>` PostgreSQL schema.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Clock } from '../clock/index.ts';
import { openStore } from './open-store.ts';
import type { Store, StoreConfig, StoreKind } from './store.ts';

export const testPostgresUrl = process.env.SECCOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh database that can be opened several times (to simulate restarts) and dropped. */
export interface TestDatabase {
  readonly config: StoreConfig;
  open(clock?: Clock): Promise<Store>;
  drop(): Promise<void>;
}

export interface StoreVariant {
  kind: StoreKind;
  /** Why the variant cannot run here, or undefined when it can. */
  skipped?: string;
  create(): Promise<TestDatabase>;
}

function reachable(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sqliteVariant: StoreVariant = {
  kind: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-store-'));
    const config: StoreConfig = { kind: 'sqlite', path: join(dir, 'test.db') };
    return {
      config,
      open: (clock) => openStore(config, { clock }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const postgresVariant = async (): Promise<StoreVariant> => {
  const ok = await reachable(testPostgresUrl);
  return {
    kind: 'postgres',
    skipped: ok ? undefined : `PostgreSQL not reachable at ${new URL(testPostgresUrl).host}: postgres variant SKIPPED`,
    async create() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const config: StoreConfig = { kind: 'postgres', connectionString: testPostgresUrl, schema, maxConnections: 4 };
      return {
        config,
        open: (clock) => openStore(config, { clock }),
        drop: async () => {
          const client = new pg.Client({ connectionString: testPostgresUrl });
          await client.connect();
          try {
            await client.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
};

export const storeVariants: StoreVariant[] = [sqliteVariant, await postgresVariant()];
for (const v of storeVariants) if (v.skipped) console.warn(v.skipped);

/**
 * A fresh database per test: the returned `open(clock)` creates one on `variant` and opens it; the
 * store is closed and the database dropped after each test. Pass the test runner's `afterEach`
 * (this file is also used by benchmarks, which run without one).
 */
export function freshStorePerTest(variant: StoreVariant, afterEach: (fn: () => Promise<void>) => void): (clock?: Clock) => Promise<Store> {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await database?.drop();
    store = undefined;
    database = undefined;
  });
  return async (clock) => {
    database = await variant.create();
    store = await database.open(clock);
    return store;
  };
}

/**
 * Every row of every table of `db` (the current schema on PostgreSQL), each table's rows sorted,
 * as one string: a test compares it before and after to prove that nothing was written.
 */
export async function snapshotRows(db: Kysely<object>, kind: StoreKind): Promise<string> {
  const tables =
    kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)).rows;
  const out: [string, string[]][] = [];
  for (const { name } of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
    out.push([name, rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))).sort()]);
  }
  return JSON.stringify(out);
}
