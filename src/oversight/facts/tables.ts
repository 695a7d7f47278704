/**
 * The oversight read models' tables, migrated as the `oversight` module. Other oversight
 * features (audits, complaints, reports) should register their own module names rather than
 * add migrations here, so that their migrations never depend on this list's order.
 */
import type { ModuleMigrations } from '../../platform/store/index.ts';

export interface OversightTables {
  /** One row per case: the columns readers filter on, and the whole fact as JSON (nulls omitted). */
  oversight_case_facts: {
    case_id: string;
    ori: string | null;
    state: string | null;
    aor: string | null;
    booked_at: number | null;
    identified_at: number | null;
    ice_custody_at: number | null;
    removed_at: number | null;
    last_seq: number;
    fact: string;
  };
  /** A rebuild's fresh facts table (same columns), present only while a rebuild fills it; swapped in at its end. */
  oversight_case_facts_next: OversightTables['oversight_case_facts'];
  /** Where each projection (and each derived view) stands in the case log. */
  oversight_checkpoints: {
    projection: string;
    last_seq: number;
    /** 'ready' or 'rebuilding'. */
    status: string;
    /** A rebuild's owner token while rebuilding. */
    token: string | null;
    /** JSON: seqs below last_seq not seen yet (PostgreSQL commits out of seq order), re-read until they appear or age out. */
    gaps: string;
    events_read: number;
    rebuilt_at: number | null;
    updated_at: number;
  };
  /** Events the projection could not use: unknown kinds and malformed details, counted with an example. */
  oversight_event_issues: {
    projection: string;
    issue: string;
    kind: string;
    count: number;
    first_seq: number;
    last_seq: number;
    example: string;
  };
  /** Interoperability statistics: one count per jurisdiction, month (in the jurisdiction's zone) and measure. */
  oversight_interop_counts: {
    ori: string;
    month: string;
    measure: string;
    count: number;
  };
}

/** Secondary indexes of the facts table (a rebuild drops them and builds them again at the end). */
export const FACT_INDEXES = [
  { name: 'oversight_case_facts_ori', columns: ['ori', 'booked_at'] },
  { name: 'oversight_case_facts_booked', columns: ['booked_at'] },
] as const;

export const oversightMigrations: ModuleMigrations = {
  module: 'oversight',
  migrations: [
    {
      name: '0001_case_facts',
      async up(db) {
        await db.schema
          .createTable('oversight_case_facts')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text')
          .addColumn('state', 'text')
          .addColumn('aor', 'text')
          .addColumn('booked_at', 'bigint')
          .addColumn('identified_at', 'bigint')
          .addColumn('ice_custody_at', 'bigint')
          .addColumn('removed_at', 'bigint')
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('fact', 'text', (c) => c.notNull())
          .execute();
        for (const index of FACT_INDEXES) await db.schema.createIndex(index.name).on('oversight_case_facts').columns([...index.columns]).execute();
        await db.schema
          .createTable('oversight_checkpoints')
          .addColumn('projection', 'text', (c) => c.primaryKey())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('token', 'text')
          .addColumn('gaps', 'text', (c) => c.notNull())
          .addColumn('events_read', 'bigint', (c) => c.notNull())
          .addColumn('rebuilt_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('oversight_event_issues')
          .addColumn('projection', 'text', (c) => c.notNull())
          .addColumn('issue', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull())
          .addColumn('first_seq', 'bigint', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('example', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('oversight_event_issues_pk', ['projection', 'issue', 'kind'])
          .execute();
        await db.schema
          .createTable('oversight_interop_counts')
          .addColumn('ori', 'text', (c) => c.notNull())
          .addColumn('month', 'text', (c) => c.notNull())
          .addColumn('measure', 'text', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('oversight_interop_counts_pk', ['ori', 'month', 'measure'])
          .execute();
      },
    },
  ],
};
