import { userInfo } from 'node:os';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { isPreparedText } from '../prepared.ts';
import { connectionError } from '../errors.ts';

export interface PostgresOptions {
  connectionString: string;
  schema?: string;
  maxConnections: number;
}

const INT8_OID = 20;

/** Schema names go into a connection option and DDL unquoted; keep them plain identifiers. */
export function checkSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`postgres schema '${schema}' must match [a-z_][a-z0-9_]*`);
}

/**
 * PostgreSQL through a pg Pool. `bigint` (int8) columns come back as JS numbers rather than
 * strings, so epoch-ms columns read the same as on SQLite; values beyond 2^53 are refused.
 */
export async function openPostgres(options: PostgresOptions): Promise<Kysely<object>> {
  const connectionString = withDefaultUser(options.connectionString);
  // Connect once first, so that an unreachable server, an unknown host or a refused login is a
  // StoreError at open rather than an error in the middle of the first query.
  let setup: pg.Client | undefined;
  try {
    setup = new pg.Client({ connectionString, connectionTimeoutMillis: 15_000 });
    await setup.connect();
  } catch (error) {
    await setup?.end().catch(() => undefined);
    throw connectionError(error, options.connectionString);
  }
  try {
    if (options.schema !== undefined) {
      checkSchemaName(options.schema);
      await setup.query(`create schema if not exists ${options.schema}`);
    }
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections,
    ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID && format !== 'binary') return parseInt8;
        return pg.types.getTypeParser(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('connect', prepareOnConnection);
  return new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A URL without a user name logs in as $PGUSER or, like libpq (psql), as the operating-system
 * account — pg alone falls back on $USER, which is often unset (services, containers), and the
 * server then refuses the connection ("no PostgreSQL user name specified").
 */
export function withDefaultUser(connectionString: string, env: NodeJS.ProcessEnv = process.env): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (url.username !== '' || url.hostname === '' || url.searchParams.has('user')) return connectionString;
  const user = env.PGUSER || env.USER || osUser();
  if (!user) return connectionString;
  url.username = encodeURIComponent(user);
  return url.toString();
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** Statement names by SQL text, shared by every connection (each prepares a name once). */
const statementNames = new Map<string, string>();

/**
 * The texts of `preparedStatement`s run as named statements: the connection parses and plans
 * them once and then only binds values. Other texts (ad-hoc queries, variable shapes) go as before.
 */
function prepareOnConnection(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && isPreparedText(text)) {
      let name = statementNames.get(text);
      if (name === undefined) statementNames.set(text, (name = `seccom_${statementNames.size + 1}`));
      return query({ name, text, values });
    }
    return query(...args);
  };
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JS number`);
  return n;
}
