/**
 * A rebuild writes its facts into a fresh table, `oversight_case_facts_next`, and swaps it in
 * with the derived views and the checkpoint in one transaction at the end. Until then readers
 * and incremental updates keep the previous facts; an interrupted rebuild leaves only the fresh
 * table behind (dropped by the next rebuild), never half-written facts in the live table.
 */
import { sql } from 'kysely';
import type { AnyTransaction, StoreKind } from '../../platform/store/index.ts';
import { OversightError } from './errors.ts';
import { FACT_INDEXES } from './tables.ts';

export const FACTS_TABLE = 'oversight_case_facts';
export const FRESH_FACTS_TABLE = 'oversight_case_facts_next';

/**
 * Creates the fresh table with the live table's columns and primary key (read from the
 * database, so columns added by later migrations follow) and without its secondary indexes,
 * which are built once after the fill. A fresh table left by an interrupted rebuild is dropped.
 */
export async function createFreshFactsTable(trx: AnyTransaction, kind: StoreKind): Promise<void> {
  await sql`drop table if exists ${sql.table(FRESH_FACTS_TABLE)}`.execute(trx);
  if (kind === 'sqlite') {
    const r = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${FACTS_TABLE}`.execute(trx);
    const ddl = r.rows[0]?.sql;
    const renamed = ddl?.replace(/^(\s*create\s+table\s+)(["`[]?)oversight_case_facts(["`\]]?)(\s*\()/i, `$1"${FRESH_FACTS_TABLE}"$4`);
    if (ddl === undefined || renamed === undefined || renamed === ddl) throw new OversightError('PROJECTION_BUSY', `cannot read the definition of ${FACTS_TABLE} to rebuild it`);
    await sql.raw(renamed).execute(trx);
  } else {
    // Columns, types, NOT NULL and defaults; the primary key under its own name until the swap.
    await sql`create table ${sql.table(FRESH_FACTS_TABLE)} (like ${sql.table(FACTS_TABLE)} including defaults including constraints)`.execute(trx);
    await sql`alter table ${sql.table(FRESH_FACTS_TABLE)} add constraint ${sql.id(`${FRESH_FACTS_TABLE}_pkey`)} primary key (case_id)`.execute(trx);
  }
}

/** Replaces the live facts table by the fresh one and builds the secondary indexes (in the caller's transaction). */
export async function swapInFreshFactsTable(trx: AnyTransaction, kind: StoreKind): Promise<void> {
  await sql`drop table ${sql.table(FACTS_TABLE)}`.execute(trx);
  await sql`alter table ${sql.table(FRESH_FACTS_TABLE)} rename to ${sql.table(FACTS_TABLE)}`.execute(trx);
  if (kind === 'postgres') await sql`alter table ${sql.table(FACTS_TABLE)} rename constraint ${sql.id(`${FRESH_FACTS_TABLE}_pkey`)} to ${sql.id(`${FACTS_TABLE}_pkey`)}`.execute(trx);
  for (const index of FACT_INDEXES) await trx.schema.createIndex(index.name).ifNotExists().on(FACTS_TABLE).columns([...index.columns]).execute();
}

export async function dropFreshFactsTable(trx: AnyTransaction): Promise<void> {
  await sql`drop table if exists ${sql.table(FRESH_FACTS_TABLE)}`.execute(trx);
}
