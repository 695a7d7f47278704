/**
 * The detainer audit's read model: every case of the event log that has a detainer or an
 * indication of US citizenship, folded
 * (`project.ts`) and stored in tables owned by the 'oversight-audit' migrations module. Like any
 * read model it is rebuildable from the log (`rebuildDetainerAudit`) and incremental
 * (`refreshDetainerAudit` reads only events past its cursor and re-folds the cases they touch,
 * from the whole of each case's history, so re-reading an event is harmless).
 *
 * On PostgreSQL a `bigserial` is handed out before commit, so an event can become visible after
 * one with a higher seq; each refresh there re-reads the last `lookback` seqs (default 1,000)
 * before its cursor. SQLite serialises writers, so seq order is commit order.
 */
import type { Kysely } from 'kysely';
import type { CaseLogTables } from '../../agencies/case-log/index.ts';
import type { JurisdictionTables } from '../../agencies/jurisdictions/index.ts';
import { assertMigrated, tablesOf, type AnyDatabase, type ModuleMigrations, type Store } from '../../platform/store/index.ts';
import { AuditError } from './errors.ts';
import { auditCase, cacheRecomputedLimits, citizenCase, END_OF_TIME, type AuditedDetainer, type AuditOptions, type CitizenCase } from './findings.ts';
import { AUDITED_KINDS, CITIZENSHIP_KINDS, DETAINER_KINDS, foldCase, type CaseRecord, type LogEvent } from './project.ts';
import { groupAudit, type DetainerAudit, type GroupBy } from './report.ts';

export interface AuditTables {
  oversight_audit_cursor: { name: string; last_seq: number; updated_at: number };
  oversight_audit_cases: { case_id: string; ori: string | null; last_seq: number; record: string };
  oversight_audit_detainers: {
    case_id: string;
    detainer_id: string;
    ori: string | null;
    aor: string | null;
    issued_at: number | null;
    received_at: number | null;
    copy_served_at: number | null;
    hotline: string | null;
    release_due_at: number | null;
    recorded_limit_at: number | null;
    end_kind: string;
    end_at: number | null;
  };
}

export const auditMigrations: ModuleMigrations = {
  module: 'oversight-audit',
  migrations: [
    {
      name: '0001_detainer_audit',
      async up(db) {
        await db.schema
          .createTable('oversight_audit_cursor')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('oversight_audit_cases')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text')
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('oversight_audit_detainers')
          .addColumn('case_id', 'text', (c) => c.notNull())
          .addColumn('detainer_id', 'text', (c) => c.notNull())
          .addColumn('ori', 'text')
          .addColumn('aor', 'text')
          .addColumn('issued_at', 'bigint')
          .addColumn('received_at', 'bigint')
          .addColumn('copy_served_at', 'bigint')
          .addColumn('hotline', 'text')
          .addColumn('release_due_at', 'bigint')
          .addColumn('recorded_limit_at', 'bigint')
          .addColumn('end_kind', 'text', (c) => c.notNull())
          .addColumn('end_at', 'bigint')
          .addPrimaryKeyConstraint('oversight_audit_detainers_pk', ['case_id', 'detainer_id'])
          .execute();
        await db.schema.createIndex('oversight_audit_detainers_ori').on('oversight_audit_detainers').column('ori').execute();
        await db.schema.createIndex('oversight_audit_detainers_aor').on('oversight_audit_detainers').column('aor').execute();
      },
    },
  ],
};

type Db = Kysely<AuditTables & CaseLogTables & JurisdictionTables>;
const view = (d: AnyDatabase): Db => tablesOf<AuditTables & CaseLogTables & JurisdictionTables>(d);
const CURSOR = 'detainers';
const CHUNK = 400;

export interface RefreshOptions {
  /** Events read per page (default 20,000). */
  pageSize?: number;
  /** PostgreSQL: seqs re-read behind the cursor (default 1,000). */
  lookback?: number;
  /** Called after each page: events read so far, and the log's highest seq. */
  onProgress?: (seq: number, maxSeq: number) => void;
  /** Stamps the cursor row (epoch ms); the read model never reads a clock itself. */
  now?: number;
}

export interface RefreshReport {
  /** Audited-kind events read (including re-reads behind the cursor). */
  eventsRead: number;
  /** Cases folded again and written. */
  casesRefolded: number;
  /** The cursor after the refresh. */
  lastSeq: number;
}

async function hasEventLog(db: Db): Promise<boolean> {
  try {
    await db.selectFrom('case_log_events').select('seq').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Applies the audit's migrations (idempotent). */
export async function migrateAudit(store: Store): Promise<void> {
  assertMigrated(await store.migrate([auditMigrations]));
}

/** Folds `caseIds` again from the log and writes them (a case with neither a detainer nor an indication of US citizenship is removed). */
async function refold(store: Store, caseIds: readonly string[], registry: Map<string, JurisdictionInfo>): Promise<number> {
  if (caseIds.length === 0) return 0;
  const db = view(store.db);
  const rows = await db
    .selectFrom('case_log_events')
    .select(['seq', 'case_id', 'at', 'agency', 'kind', 'summary', 'details'])
    .where('case_id', 'in', [...caseIds])
    .where('kind', 'in', [...AUDITED_KINDS])
    .orderBy('case_id')
    .orderBy('seq')
    .execute();
  const byCase = new Map<string, { events: LogEvent[]; lastSeq: number }>();
  for (const r of rows) {
    let entry = byCase.get(r.case_id);
    if (!entry) byCase.set(r.case_id, (entry = { events: [], lastSeq: 0 }));
    let details: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(r.details);
      details = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      details = {}; // an unreadable details column loses only its details; the kind and time still count
    }
    entry.events.push({ caseId: r.case_id, at: Number(r.at), agency: r.agency, kind: r.kind, summary: r.summary, details });
    entry.lastSeq = Math.max(entry.lastSeq, Number(r.seq));
  }
  const records = [...byCase.entries()].map(([caseId, e]) => ({ record: foldCase(caseId, e.events), lastSeq: e.lastSeq }));
  for (const { record } of records) cacheRecomputedLimits(record, (ori) => registry.get(ori)?.timeZone ?? null);
  await store.transaction(async (trx) => {
    const t = view(trx);
    await t.deleteFrom('oversight_audit_detainers').where('case_id', 'in', [...caseIds]).execute();
    await t.deleteFrom('oversight_audit_cases').where('case_id', 'in', [...caseIds]).execute();
    const withDetainers = records.filter((r) => r.record.detainers.length > 0);
    // A case with an indication of US citizenship is kept even without a detainer (its US-citizen finding).
    const kept = records.filter((r) => r.record.detainers.length > 0 || citizenCase(r.record, END_OF_TIME) !== null);
    if (kept.length === 0) return;
    for (const part of chunks(kept, 200)) {
      await t
        .insertInto('oversight_audit_cases')
        .values(part.map(({ record, lastSeq }) => ({ case_id: record.caseId, ori: record.ori?.value ?? null, last_seq: lastSeq, record: JSON.stringify(record) })))
        .execute();
    }
    const detainerRows = withDetainers.flatMap(({ record }) =>
      auditCase(record, { asOf: END_OF_TIME, aorOf: (ori) => registry.get(ori)?.aor ?? null }).map((d) => ({
        case_id: d.caseId,
        detainer_id: d.detainerId,
        ori: d.ori,
        aor: d.aor,
        issued_at: d.issuedAt,
        received_at: d.receivedAt,
        copy_served_at: d.copyServedAt,
        hotline: d.hotline,
        release_due_at: d.releaseDueAt,
        recorded_limit_at: d.recordedLimitAt,
        end_kind: d.end.kind,
        end_at: d.end.at,
      })),
    );
    for (const part of chunks(detainerRows, 150)) await t.insertInto('oversight_audit_detainers').values(part).execute();
  });
  return records.length;
}

/**
 * Brings the read model up to date with the log: reads the audited events past the cursor, and
 * folds again every case among them that has a detainer. Throws AuditError('NO_EVENT_LOG') when
 * the database has no case log.
 */
export async function refreshDetainerAudit(store: Store, options: RefreshOptions = {}): Promise<RefreshReport> {
  const db = view(store.db);
  if (!(await hasEventLog(db))) throw new AuditError('NO_EVENT_LOG', 'this database has no case event log (case_log_events); run a scenario or the pipeline into it first');
  await migrateAudit(store);
  const pageSize = options.pageSize ?? 20_000;
  const lookback = store.kind === 'postgres' ? (options.lookback ?? 1_000) : 0;
  const cursorRow = await db.selectFrom('oversight_audit_cursor').select('last_seq').where('name', '=', CURSOR).executeTakeFirst();
  const cursor = cursorRow ? Number(cursorRow.last_seq) : 0;
  const maxRow = await db.selectFrom('case_log_events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  const maxSeq = Number(maxRow?.max ?? 0);
  let from = Math.max(0, cursor - lookback);
  let eventsRead = 0;
  let casesRefolded = 0;
  const registry = await jurisdictionRegistry(store.db);
  while (from < maxSeq) {
    const page = await db
      .selectFrom('case_log_events')
      .select(['seq', 'case_id'])
      .where('seq', '>', from)
      .where('seq', '<=', maxSeq)
      .where('kind', 'in', [...AUDITED_KINDS])
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (page.length === 0) break;
    eventsRead += page.length;
    const touched = [...new Set(page.map((r) => r.case_id))];
    const withDetainer = new Set<string>();
    for (const part of chunks(touched)) {
      const rows = await db.selectFrom('case_log_events').select('case_id').distinct().where('case_id', 'in', part).where('kind', 'in', [...DETAINER_KINDS, ...CITIZENSHIP_KINDS]).execute();
      for (const r of rows) withDetainer.add(r.case_id);
      const stored = await db.selectFrom('oversight_audit_cases').select('case_id').where('case_id', 'in', part).execute();
      for (const r of stored) withDetainer.add(r.case_id);
    }
    for (const part of chunks([...withDetainer])) casesRefolded += await refold(store, part, registry);
    from = Number(page.at(-1)!.seq);
    options.onProgress?.(from, maxSeq);
  }
  options.onProgress?.(maxSeq, maxSeq);
  const now = options.now ?? 0;
  await db
    .insertInto('oversight_audit_cursor')
    .values({ name: CURSOR, last_seq: Math.max(cursor, maxSeq), updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_seq: Math.max(cursor, maxSeq), updated_at: now }))
    .execute();
  return { eventsRead, casesRefolded, lastSeq: Math.max(cursor, maxSeq) };
}

/** Empties the read model and folds the whole log again. */
export async function rebuildDetainerAudit(store: Store, options: RefreshOptions = {}): Promise<RefreshReport> {
  const db = view(store.db);
  if (!(await hasEventLog(db))) throw new AuditError('NO_EVENT_LOG', 'this database has no case event log (case_log_events); run a scenario or the pipeline into it first');
  await migrateAudit(store);
  await store.transaction(async (trx) => {
    const t = view(trx);
    await t.deleteFrom('oversight_audit_detainers').execute();
    await t.deleteFrom('oversight_audit_cases').execute();
    await t.deleteFrom('oversight_audit_cursor').execute();
  });
  return refreshDetainerAudit(store, options);
}

/** The stored case records (all, or those of `caseIds`). */
export async function storedCases(d: AnyDatabase, caseIds?: readonly string[]): Promise<CaseRecord[]> {
  const db = view(d);
  const out: CaseRecord[] = [];
  const read = async (ids?: string[]) => {
    let q = db.selectFrom('oversight_audit_cases').select('record').orderBy('case_id');
    if (ids) q = q.where('case_id', 'in', ids);
    for (const r of await q.execute()) out.push(JSON.parse(r.record) as CaseRecord);
  };
  if (caseIds === undefined) await read();
  else for (const part of chunks(caseIds)) await read(part);
  return out;
}

export interface JurisdictionInfo {
  ori: string;
  name: string;
  state: string;
  aor: string;
  timeZone: string;
}

/** The jurisdictions registry, when the database has one (empty otherwise). */
export async function jurisdictionRegistry(d: AnyDatabase): Promise<Map<string, JurisdictionInfo>> {
  try {
    const rows = await view(d).selectFrom('jurisdictions').select(['ori', 'name', 'state', 'aor', 'time_zone']).execute();
    return new Map(rows.map((r) => [r.ori, { ori: r.ori, name: r.name, state: r.state, aor: r.aor, timeZone: r.time_zone }]));
  } catch {
    return new Map();
  }
}

export interface DetainerAuditOptions {
  asOf: number;
  by?: GroupBy;
  /** Only these jurisdictions (ORIs) / field offices (AORs). */
  ori?: string;
  aor?: string;
  copyRequiredFrom?: string;
}

/** Audits every stored detainer as of `asOf` (refresh the read model first). */
export async function auditStoredDetainers(d: AnyDatabase, options: DetainerAuditOptions): Promise<DetainerAudit> {
  if (!Number.isSafeInteger(options.asOf) || Math.abs(options.asOf) > END_OF_TIME) throw new AuditError('INVALID_AS_OF', `as-of must be an instant, got ${String(options.asOf)}`);
  const registry = await jurisdictionRegistry(d);
  const auditOptions: AuditOptions = {
    asOf: options.asOf,
    timeZoneOf: (ori) => registry.get(ori)?.timeZone ?? null,
    aorOf: (ori) => registry.get(ori)?.aor ?? null,
    ...(options.copyRequiredFrom ? { copyRequiredFrom: options.copyRequiredFrom } : {}),
  };
  let detainers: AuditedDetainer[] = [];
  let usCitizens: CitizenCase[] = [];
  for (const record of await storedCases(d)) {
    detainers.push(...auditCase(record, auditOptions));
    const citizen = citizenCase(record, options.asOf);
    if (citizen) usCitizens.push(citizen);
  }
  if (options.ori) detainers = detainers.filter((x) => x.ori === options.ori);
  if (options.aor) detainers = detainers.filter((x) => x.aor === options.aor);
  if (options.ori) usCitizens = usCitizens.filter((c) => c.ori === options.ori);
  if (options.aor) usCitizens = usCitizens.filter((c) => c.ori !== null && registry.get(c.ori)?.aor === options.aor);
  usCitizens.sort((a, b) => (a.indicatedAt ?? 0) - (b.indicatedAt ?? 0) || a.caseId.localeCompare(b.caseId));
  return { ...groupAudit(detainers, options.by ?? 'jurisdiction', options.asOf, (ori) => registry.get(ori)?.name ?? null), usCitizens };
}
