/**
 * One way to name the pipeline's store on every command: `--db` and `--store` are the same
 * option (both spellings are accepted everywhere), and `$SECCOM_DB` is the default.
 *
 *   data/seccom.db | sqlite:data/seccom.db      a SQLite file
 *   postgres://user@host/db | postgres:<url>    a PostgreSQL database
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openStore, type Store, type StoreConfig } from '../platform/store/index.ts';
import { UsageError } from './errors.ts';

export const STORE_FORMS = 'a SQLite file (path or sqlite:<path>) or a postgres:// URL';

export interface StoreOpts {
  db?: string;
  store?: string;
}

export const DB_OPTION_HELP = `the pipeline store: ${STORE_FORMS} (default: $SECCOM_DB)`;
export const STORE_SYNONYM_HELP = 'the same as --db';

/** Adds `--db <store>` and its synonym `--store <store>` to a command. */
export function addStoreOptions(command: Command, note = 'default: $SECCOM_DB'): Command {
  return command
    .option('--db <store>', `the pipeline store: ${STORE_FORMS} (${note})`)
    .option('--store <store>', STORE_SYNONYM_HELP);
}

/** Parses one store value: a bare path or `sqlite:<path>` is SQLite; `postgres://…`, `postgresql://…` or `postgres:<url>` is PostgreSQL. */
export function parseStoreValue(value: string): StoreConfig {
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', connectionString: value };
  if (value.startsWith('postgres:')) {
    const url = value.slice('postgres:'.length);
    if (!url) throw new UsageError('postgres: needs a connection URL, e.g. postgres://127.0.0.1/test');
    return { kind: 'postgres', connectionString: url };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(value);
  if (scheme && scheme[1] !== 'sqlite') throw new UsageError(`--db: unknown kind of store "${scheme[1]}:" — give ${STORE_FORMS}`);
  const path = value.startsWith('sqlite:') ? value.slice('sqlite:'.length) : value;
  if (!path) throw new UsageError('sqlite: needs a path, e.g. sqlite:data/seccom.db');
  return { kind: 'sqlite', path };
}

/** The store the options name, `$SECCOM_DB` when neither is given, or undefined when nothing names one. */
export function storeConfigOf(opts: StoreOpts, env: NodeJS.ProcessEnv = process.env): StoreConfig | undefined {
  if (opts.db !== undefined && opts.store !== undefined && opts.db !== opts.store) throw new UsageError('--db and --store name the same thing: give one of them');
  const value = opts.db ?? opts.store ?? env.SECCOM_DB;
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`--db is empty: give ${STORE_FORMS}`);
  return parseStoreValue(value);
}

/** The store the options name; an error when none is named. */
export function requireStoreConfig(opts: StoreOpts): StoreConfig {
  const config = storeConfigOf(opts);
  if (!config) throw new UsageError(`give the pipeline store with --db (${STORE_FORMS}) or set $SECCOM_DB`);
  return config;
}

/** Opens an existing store: a SQLite file must already exist, so that a typo does not create an empty database. */
export async function openExistingStore(opts: StoreOpts): Promise<Store> {
  const config = requireStoreConfig(opts);
  if (config.kind === 'sqlite' && config.path !== ':memory:' && !existsSync(config.path)) throw new UsageError(`no such database: ${config.path}`);
  return openStore(config);
}
