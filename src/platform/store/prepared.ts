import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import type { AnyDatabase } from './store.ts';

/**
 * Hot statements of a fixed shape, built and compiled by Kysely once per dialect (and size)
 * instead of on every call: the builder names its parameters with `p(args => …)`, and each
 * call only substitutes the values into the compiled SQL. On SQLite the text then hits the
 * store's prepared-statement cache; on PostgreSQL the text is registered (`isPreparedText`) so
 * each pooled connection prepares it once as a named statement.
 *
 *   const claim = preparedStatement<{ id: string; at: number }>((db, p) =>
 *     tablesOf<T>(db).insertInto('t').values({ id: p((a) => a.id), at: p((a) => a.at) }));
 *   await claim.execute(trx, { id, at });
 *
 * `size` (optional) gives a call's shape, e.g. the number of rows of a multi-row insert or the
 * length of an `in` list; the builder receives it and one compiled form is kept per size.
 */
export interface PreparedStatement<A, R> {
  execute(db: AnyDatabase, args: A): Promise<QueryResult<R>>;
  /** The rows (a select, or `returning`). */
  rows(db: AnyDatabase, args: A): Promise<R[]>;
}

export type Param<A> = <T>(get: (args: A) => T) => T;

/** Builds the statement: a query builder, or a compiled `sql` template (`sql\`…\`.compile(db)`). */
export type Build<A, R> = (db: AnyDatabase, p: Param<A>, size: number) => Compilable<R> | CompiledQuery<R>;

/** `{ sql, parameters }` with each parameter either a constant or a getter of the call's args. */
interface Plan<A> {
  sql: string;
  parameters: readonly ({ get: (args: A) => unknown } | { value: unknown })[];
}

const SENTINEL = '\u0000seccom-param:';
const preparedTexts = new Set<string>();

/** Whether `sql` is the text of a prepared statement (the PostgreSQL adapter names those). */
export function isPreparedText(sql: string): boolean {
  return preparedTexts.has(sql);
}

export function preparedStatement<A, R = unknown>(build: Build<A, R>, size?: (args: A) => number): PreparedStatement<A, R> {
  // One plan per dialect (keyed by its adapter's class: same dialect, same SQL) and size.
  const plans = new Map<unknown, Map<number, Plan<A>>>();
  const planFor = (db: AnyDatabase, n: number): Plan<A> => {
    const dialect = db.getExecutor().adapter.constructor;
    let bySize = plans.get(dialect);
    if (!bySize) plans.set(dialect, (bySize = new Map()));
    let plan = bySize.get(n);
    if (!plan) {
      plan = compilePlan(db, build, n);
      bySize.set(n, plan);
      preparedTexts.add(plan.sql);
    }
    return plan;
  };
  const compiled = (db: AnyDatabase, args: A): CompiledQuery<R> => {
    const plan = planFor(db, size ? size(args) : 0);
    const parameters = plan.parameters.map((x) => ('get' in x ? x.get(args) : x.value));
    return CompiledQuery.raw(plan.sql, parameters) as CompiledQuery<R>;
  };
  return {
    execute: (db, args) => db.executeQuery(compiled(db, args)),
    rows: async (db, args) => (await db.executeQuery(compiled(db, args))).rows,
  };
}

function compilePlan<A, R>(db: AnyDatabase, build: Build<A, R>, n: number): Plan<A> {
  const getters: ((args: A) => unknown)[] = [];
  const p: Param<A> = <T>(get: (args: A) => T): T => {
    getters.push(get);
    return `${SENTINEL}${getters.length - 1}` as T;
  };
  const built = build(db, p, n);
  const query = 'compile' in built ? built.compile() : built;
  const used = new Set<number>();
  const parameters = query.parameters.map((value) => {
    if (typeof value === 'string' && value.startsWith(SENTINEL)) {
      const index = Number(value.slice(SENTINEL.length));
      used.add(index);
      return { get: getters[index] };
    }
    if (typeof value === 'string' && value.includes(SENTINEL)) throw new Error(`a prepared statement's parameter was transformed by the builder: ${query.sql}`);
    return { value };
  });
  if (used.size !== getters.length || query.sql.includes(SENTINEL)) throw new Error(`a prepared statement's parameter did not reach the compiled query as a parameter: ${query.sql}`);
  return { sql: query.sql, parameters };
}
