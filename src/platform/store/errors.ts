/**
 * A store that cannot be opened: unreachable server, unknown host, refused login, bad URL; a
 * SQLite path that is a folder or in a folder that does not exist (STORE_PATH), a file that is
 * not a database (STORE_NOT_A_DATABASE), a read-only file or folder (STORE_READ_ONLY).
 */
export type StoreErrorCode = 'STORE_UNREACHABLE' | 'STORE_AUTH' | 'STORE_NOT_FOUND' | 'STORE_URL' | 'STORE_PATH' | 'STORE_NOT_A_DATABASE' | 'STORE_READ_ONLY';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/** Where a URL points, without its password. */
export function redactedUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Turns a failure to connect to PostgreSQL into a StoreError; other errors are returned as they are. */
export function connectionError(error: unknown, url: string): unknown {
  const e = error as { code?: string; message?: string };
  const where = redactedUrl(url);
  const message = e?.message ?? String(error);
  if (e?.code && UNREACHABLE.has(e.code)) return new StoreError('STORE_UNREACHABLE', `cannot reach the PostgreSQL server of ${where}: ${message}`);
  if (/timeout/i.test(message)) return new StoreError('STORE_UNREACHABLE', `cannot reach the PostgreSQL server of ${where}: ${message}`);
  if (e?.code === '28000' || e?.code === '28P01') return new StoreError('STORE_AUTH', `PostgreSQL refused the login for ${where}: ${message}`);
  if (e?.code === '3D000') return new StoreError('STORE_NOT_FOUND', `${where}: ${message}`);
  if (error instanceof TypeError || error instanceof RangeError) return new StoreError('STORE_URL', `not a usable PostgreSQL URL: ${where}: ${message}`);
  return error;
}
