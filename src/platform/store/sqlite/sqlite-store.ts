import { accessSync, closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { StoreError } from '../errors.ts';

export interface SqliteOptions {
  path: string;
  synchronous: 'normal' | 'full';
  busyTimeoutMs: number;
}

/**
 * Embedded SQLite through better-sqlite3: WAL journal, foreign keys on, a busy timeout for a
 * second process (e.g. a CLI) touching the same file.
 */
export function openSqlite(options: SqliteOptions): Kysely<object> {
  checkSqlitePath(options.path);
  let raw: BetterSqlite3.Database | undefined;
  try {
    raw = new BetterSqlite3(options.path);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    raw.pragma('foreign_keys = ON');
    raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
  } catch (error) {
    raw?.close();
    throw sqliteOpenError(error, options.path);
  }
  return new Kysely<object>({ dialect: new SqliteDialect({ database: new CachedStatements(raw) }) });
}

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_MAGIC = 'SQLite format 3\u0000';

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};
const writable = (path: string, st: Stats): boolean => {
  // Root may write anything; a file or folder with no write bit at all is meant to be read-only.
  if ((st.mode & 0o222) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Refuses, before SQLite touches anything, a path it cannot use as a database: a directory or
 * device, a file that is not a SQLite database, a read-only file or folder (WAL mode writes
 * `-wal` and `-shm` files beside the database), or a new file in a folder that does not exist.
 * Nothing is created when the path is refused.
 */
export function checkSqlitePath(path: string): void {
  if (path === ':memory:' || path === '') return;
  const st = statOf(path);
  const dir = dirname(resolve(path));
  if (st === undefined) {
    const d = statOf(dir);
    if (d === undefined) throw new StoreError('STORE_PATH', `cannot create the database ${path}: the folder ${dir} does not exist`);
    if (!d.isDirectory()) throw new StoreError('STORE_PATH', `cannot create the database ${path}: ${dir} is not a folder`);
    if (!writable(dir, d)) throw new StoreError('STORE_READ_ONLY', `cannot create the database ${path}: the folder ${dir} is read-only`);
    return;
  }
  if (st.isDirectory()) throw new StoreError('STORE_PATH', `${path} is a folder, not a database file: give the path of a SQLite file (e.g. ${path.replace(/\/+$/, '')}/seccom.db)`);
  if (!st.isFile()) throw new StoreError('STORE_PATH', `${path} is not a regular file (a device, FIFO or socket), so it cannot be a database`);
  if (st.size > 0) {
    const head = Buffer.alloc(16);
    let n = 0;
    try {
      const fd = openSync(path, 'r');
      try {
        n = readSync(fd, head, 0, 16, 0);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new StoreError('STORE_READ_ONLY', `cannot read the database ${path}: ${(error as Error).message}`);
    }
    if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC) throw new StoreError('STORE_NOT_A_DATABASE', `${path} is not a SQLite database (its first bytes are not "SQLite format 3")`);
  }
  if (!writable(path, st)) throw new StoreError('STORE_READ_ONLY', `the database ${path} is read-only: seccom writes to its store (check the file's permissions)`);
  const d = statOf(dir);
  if (d !== undefined && !writable(dir, d)) throw new StoreError('STORE_READ_ONLY', `the database ${path} is in a read-only folder (${dir}): SQLite's WAL mode writes ${path}-wal and ${path}-shm beside it`);
}

/** SQLite's own refusals at open, as StoreErrors; anything else is returned as it is. */
function sqliteOpenError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return new StoreError('STORE_NOT_A_DATABASE', `${path} is not a usable SQLite database: ${message}`);
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return new StoreError('STORE_READ_ONLY', `the database ${path} cannot be written: ${message}`);
  if (code === 'SQLITE_CANTOPEN') return new StoreError('STORE_PATH', `cannot open the database ${path}: ${message}`);
  if (error instanceof TypeError && /directory does not exist/i.test(message)) return new StoreError('STORE_PATH', `cannot create the database ${path}: ${message}`);
  return error;
}

/**
 * Kysely's SQLite driver prepares every query anew; this keeps the prepared statements for
 * the (few, repeated) SQL texts the platform issues, which is most of the per-message cost.
 *
 * It also turns Kysely's `begin` into `begin immediate`: a transaction takes the write lock at
 * its start, so two processes on one file wait for each other (busy timeout) instead of one
 * failing with SQLITE_BUSY when it upgrades a read snapshot to a write.
 */
class CachedStatements implements SqliteDatabase {
  private readonly cache = new Map<string, SqliteStatement>();
  private static readonly limit = 500;

  constructor(private readonly raw: BetterSqlite3.Database) {}

  prepare(text: string): SqliteStatement {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const stmt = this.raw.prepare(text === 'begin' ? 'begin immediate' : text);
    if (this.cache.size >= CachedStatements.limit) {
      // Drop the oldest entry; Map iterates in insertion order.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(text, stmt);
    return stmt;
  }

  close(): void {
    this.cache.clear();
    this.raw.close();
  }
}
