import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

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
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
  return new Kysely<object>({ dialect: new SqliteDialect({ database: new CachedStatements(raw) }) });
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
