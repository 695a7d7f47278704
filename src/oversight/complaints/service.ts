/**
 * The CRCL complaint system on the store: public intake returning a tracking code, the public
 * status lookup, and the staff's triage, assignment, investigation notes, resolution and
 * closing. Tables belong to the 'oversight-complaints' migrations module. Every change is one
 * transaction that also appends a row to `oversight_complaint_events` (time, actor, from → to,
 * details); notes live only there, and that table is never updated or deleted from.
 *
 * Every refusal (invalid input, unknown link, malformed or unknown code, a transition the
 * status does not allow, a concurrent change) is a ComplaintError thrown before or inside the
 * transaction, so nothing is written.
 */
import type { Generated, Kysely } from 'kysely';
import type { CaseLogTables } from '../../agencies/case-log/index.ts';
import type { JurisdictionTables } from '../../agencies/jurisdictions/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { createIdGenerator, type RandomSource } from '../../platform/messaging/index.ts';
import { assertMigrated, tablesOf, type AnyDatabase, type ModuleMigrations, type Store } from '../../platform/store/index.ts';
import { newTrackingCode, parseTrackingCode } from './codes.ts';
import { ComplaintError } from './errors.ts';
import { DEFAULT_INTAKE_RULES, validateComplaint, type IntakeRules, type Priority, type ValidComplaint } from './intake.ts';
import { nextStatus, PUBLIC_STATUS_TEXT, STATUSES, type ComplaintCommand, type ComplaintFinding, type ComplaintStatus } from './lifecycle.ts';

export interface ComplaintTables {
  oversight_complaints: {
    complaint_id: string;
    tracking_code: string;
    filed_at: number;
    category: string;
    narrative: string;
    contact: string | null;
    incident_date: string;
    ori: string | null;
    case_id: string | null;
    detainer_id: string | null;
    status: ComplaintStatus;
    priority: string | null;
    investigator: string | null;
    finding: string | null;
    resolution: string | null;
    referred_to: string | null;
    closed_reason: string | null;
    updated_at: number;
    revision: number;
  };
  oversight_complaint_events: {
    seq: Generated<number>;
    complaint_id: string;
    at: number;
    actor: string;
    action: string;
    from_status: string | null;
    to_status: string;
    details: string;
  };
}

export const complaintMigrations: ModuleMigrations = {
  module: 'oversight-complaints',
  migrations: [
    {
      name: '0001_complaints',
      async up(db, kind) {
        await db.schema
          .createTable('oversight_complaints')
          .addColumn('complaint_id', 'text', (c) => c.primaryKey())
          .addColumn('tracking_code', 'text', (c) => c.notNull().unique())
          .addColumn('filed_at', 'bigint', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('narrative', 'text', (c) => c.notNull())
          .addColumn('contact', 'text')
          .addColumn('incident_date', 'text', (c) => c.notNull())
          .addColumn('ori', 'text')
          .addColumn('case_id', 'text')
          .addColumn('detainer_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('priority', 'text')
          .addColumn('investigator', 'text')
          .addColumn('finding', 'text')
          .addColumn('resolution', 'text')
          .addColumn('referred_to', 'text')
          .addColumn('closed_reason', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('oversight_complaints_ori_filed').on('oversight_complaints').columns(['ori', 'filed_at']).execute();
        await db.schema.createIndex('oversight_complaints_status').on('oversight_complaints').columns(['status', 'filed_at']).execute();
        await db.schema
          .createTable('oversight_complaint_events')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('complaint_id', 'text', (c) => c.notNull().references('oversight_complaints.complaint_id'))
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('from_status', 'text')
          .addColumn('to_status', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('oversight_complaint_events_complaint').on('oversight_complaint_events').columns(['complaint_id', 'seq']).execute();
      },
    },
  ],
};

type Db = Kysely<ComplaintTables & JurisdictionTables & CaseLogTables>;
const view = (d: AnyDatabase): Db => tablesOf<ComplaintTables & JurisdictionTables & CaseLogTables>(d);

/** What anyone holding the tracking code may see: no investigator, no notes, no contact. */
export interface PublicStatus {
  trackingCode: string;
  status: ComplaintStatus;
  statusText: string;
  category: string;
  filedAt: number;
  updatedAt: number;
  /** Each status the complaint has been in, with when it got there. */
  history: { status: ComplaintStatus; at: number }[];
  outcome: { finding: ComplaintFinding; resolution: string; referredTo: string | null } | null;
  closedReason: string | null;
}

export interface ComplaintEvent {
  at: number;
  actor: string;
  action: string;
  from: ComplaintStatus | null;
  to: ComplaintStatus;
  details: Record<string, unknown>;
}

/** The staff view: everything, with the full history (notes included). */
export interface ComplaintRecord {
  complaintId: string;
  trackingCode: string;
  filedAt: number;
  category: string;
  narrative: string;
  contact: ValidComplaint['contact'];
  incidentDate: string;
  ori: string | null;
  caseId: string | null;
  detainerId: string | null;
  status: ComplaintStatus;
  priority: Priority | null;
  investigator: string | null;
  finding: ComplaintFinding | null;
  resolution: string | null;
  referredTo: string | null;
  closedReason: string | null;
  updatedAt: number;
  history: ComplaintEvent[];
}

export interface ComplaintSummary {
  trackingCode: string;
  filedAt: number;
  category: string;
  status: ComplaintStatus;
  priority: Priority | null;
  investigator: string | null;
  ori: string | null;
  caseId: string | null;
  detainerId: string | null;
  incidentDate: string;
  finding: ComplaintFinding | null;
}

export interface ComplaintsDeps {
  clock: Clock;
  /** Randomness for tracking codes and ids: `systemRandom()` in production, a seeded generator in tests. */
  random: RandomSource;
  rules?: Partial<IntakeRules>;
  /** How many fresh codes to try when one is already taken (default 5). */
  maxCodeAttempts?: number;
}

const PUBLIC = 'public';

function checkActor(actor: unknown): string {
  // eslint-disable-next-line no-control-regex
  if (typeof actor !== 'string' || actor.trim() === '' || actor.length > 200 || /[\u0000-\u001F\u007F]/.test(actor)) {
    throw new ComplaintError('INVALID_COMMAND', 'actor: the name of the staff member acting (1–200 characters)', [{ field: 'actor', message: 'required' }]);
  }
  return actor.trim();
}

/** Whether a read-only lookup finds a row; a missing table counts as "no". */
async function exists(query: () => Promise<unknown[]>): Promise<boolean | 'no-table'> {
  try {
    return (await query()).length > 0;
  } catch {
    return 'no-table';
  }
}

export function createComplaints(deps: ComplaintsDeps) {
  const rules: IntakeRules = { ...DEFAULT_INTAKE_RULES, ...deps.rules };
  const ids = createIdGenerator(deps.clock, deps.random);
  const attempts = deps.maxCodeAttempts ?? 5;

  async function checkLinks(d: AnyDatabase, c: ValidComplaint): Promise<void> {
    const db = view(d);
    if (c.ori !== null) {
      const found = await exists(() => db.selectFrom('jurisdictions').select('ori').where('ori', '=', c.ori!).execute());
      if (found !== true) throw new ComplaintError('UNKNOWN_ORI', found === 'no-table' ? `no jurisdiction registry in this database, so ORI ${c.ori} cannot be linked` : `no jurisdiction with ORI ${c.ori} is registered`, [{ field: 'ori', message: 'unknown ORI' }]);
    }
    if (c.caseId !== null) {
      const found = await exists(() => db.selectFrom('case_log_events').select('seq').where('case_id', '=', c.caseId!).limit(1).execute());
      if (found !== true) throw new ComplaintError('UNKNOWN_CASE', `no case ${c.caseId} in the case log`, [{ field: 'caseId', message: 'unknown case' }]);
    }
    if (c.detainerId !== null) {
      let rows: { case_id: string; details: string }[] = [];
      try {
        rows = await db
          .selectFrom('case_log_events')
          .select(['case_id', 'details'])
          .where('kind', 'in', ['detainer-issued', 'detainer-received'])
          .where('details', 'like', `%${c.detainerId}%`)
          .execute();
      } catch {
        rows = [];
      }
      const cases = rows.filter((r) => (JSON.parse(r.details) as { detainerId?: unknown }).detainerId === c.detainerId).map((r) => r.case_id);
      if (cases.length === 0) throw new ComplaintError('UNKNOWN_DETAINER', `no detainer ${c.detainerId} in the case log`, [{ field: 'detainerId', message: 'unknown detainer' }]);
      if (c.caseId !== null && !cases.includes(c.caseId)) throw new ComplaintError('UNKNOWN_DETAINER', `detainer ${c.detainerId} is not a detainer of case ${c.caseId}`, [{ field: 'detainerId', message: 'not of that case' }]);
    }
  }

  async function row(d: AnyDatabase, trackingCode: string) {
    const code = parseTrackingCode(trackingCode);
    const r = await view(d).selectFrom('oversight_complaints').selectAll().where('tracking_code', '=', code).executeTakeFirst();
    if (!r) throw new ComplaintError('UNKNOWN_TRACKING_CODE', `no complaint has the tracking code ${code}`);
    return r;
  }

  async function events(d: AnyDatabase, complaintId: string): Promise<ComplaintEvent[]> {
    const rows = await view(d).selectFrom('oversight_complaint_events').selectAll().where('complaint_id', '=', complaintId).orderBy('seq').execute();
    return rows.map((e) => ({ at: Number(e.at), actor: e.actor, action: e.action, from: e.from_status as ComplaintStatus | null, to: e.to_status as ComplaintStatus, details: JSON.parse(e.details) as Record<string, unknown> }));
  }

  const summary = (r: ComplaintTables['oversight_complaints']): ComplaintSummary => ({
    trackingCode: r.tracking_code,
    filedAt: Number(r.filed_at),
    category: r.category,
    status: r.status,
    priority: r.priority as Priority | null,
    investigator: r.investigator,
    ori: r.ori,
    caseId: r.case_id,
    detainerId: r.detainer_id,
    incidentDate: r.incident_date,
    finding: r.finding as ComplaintFinding | null,
  });

  const api = {
    migrations: complaintMigrations,
    rules,

    /** Applies the complaint tables' migrations (idempotent). */
    async migrate(store: Store): Promise<void> {
      assertMigrated(await store.migrate([complaintMigrations]));
    },

    /** Files a complaint from the public; returns its tracking code. Nothing is written when it is refused. */
    async file(store: Store, input: unknown): Promise<{ trackingCode: string; status: ComplaintStatus; filedAt: number; statusText: string }> {
      const now = deps.clock.now();
      const complaint = validateComplaint(input, new Date(now).toISOString().slice(0, 10), rules);
      await checkLinks(store.db, complaint);
      return store.transaction(async (trx) => {
        const db = view(trx);
        let code: string | null = null;
        for (let i = 0; i < attempts && code === null; i++) {
          const candidate = newTrackingCode(deps.random);
          const taken = await db.selectFrom('oversight_complaints').select('complaint_id').where('tracking_code', '=', candidate).executeTakeFirst();
          if (!taken) code = candidate;
        }
        if (code === null) throw new ComplaintError('CODE_COLLISION', `no free tracking code after ${attempts} attempts; the random source is not random`);
        const complaintId = `CMP-${ids()}`;
        await db
          .insertInto('oversight_complaints')
          .values({
            complaint_id: complaintId,
            tracking_code: code,
            filed_at: now,
            category: complaint.category,
            narrative: complaint.narrative,
            contact: complaint.contact === null ? null : JSON.stringify(complaint.contact),
            incident_date: complaint.incidentDate,
            ori: complaint.ori,
            case_id: complaint.caseId,
            detainer_id: complaint.detainerId,
            status: 'received',
            priority: null,
            investigator: null,
            finding: null,
            resolution: null,
            referred_to: null,
            closed_reason: null,
            updated_at: now,
            revision: 0,
          })
          .execute();
        await db.insertInto('oversight_complaint_events').values({ complaint_id: complaintId, at: now, actor: PUBLIC, action: 'filed', from_status: null, to_status: 'received', details: JSON.stringify({ category: complaint.category }) }).execute();
        return { trackingCode: code, status: 'received' as const, filedAt: now, statusText: PUBLIC_STATUS_TEXT.received };
      });
    },

    /** The public status of a complaint by its tracking code. */
    async publicStatus(d: AnyDatabase, trackingCode: string): Promise<PublicStatus> {
      const r = await row(d, trackingCode);
      const history = (await events(d, r.complaint_id)).filter((e) => e.from !== e.to).map((e) => ({ status: e.to, at: e.at }));
      return {
        trackingCode: r.tracking_code,
        status: r.status,
        statusText: PUBLIC_STATUS_TEXT[r.status],
        category: r.category,
        filedAt: Number(r.filed_at),
        updatedAt: Number(r.updated_at),
        history,
        outcome: r.status === 'resolved' && r.finding !== null && r.resolution !== null ? { finding: r.finding as ComplaintFinding, resolution: r.resolution, referredTo: r.referred_to } : null,
        closedReason: r.status === 'closed' ? r.closed_reason : null,
      };
    },

    /** A staff action on a complaint (see `lifecycle.ts`); returns the complaint after it. */
    async act(store: Store, trackingCode: string, command: ComplaintCommand, actor: string): Promise<ComplaintRecord> {
      const who = checkActor(actor);
      const code = parseTrackingCode(trackingCode);
      const now = deps.clock.now();
      await store.transaction(async (trx) => {
        const db = view(trx);
        const current = await row(trx, code);
        const to = nextStatus(current.status, command, rules.categories);
        const set: Partial<ComplaintTables['oversight_complaints']> = { status: to, updated_at: now, revision: current.revision + 1 };
        let action: string = command.type;
        let details: Record<string, unknown> = {};
        switch (command.type) {
          case 'triage':
            Object.assign(set, { category: command.category, priority: command.priority });
            details = { category: command.category, priority: command.priority, ...(command.category !== current.category ? { previousCategory: current.category } : {}) };
            break;
          case 'assign':
            set.investigator = command.investigator.trim();
            if (current.investigator !== null) action = 'reassign';
            details = { investigator: command.investigator.trim(), ...(current.investigator !== null ? { previousInvestigator: current.investigator } : {}) };
            break;
          case 'note':
            details = { note: command.text.trim() };
            break;
          case 'resolve':
            Object.assign(set, { finding: command.finding, resolution: command.resolution.trim(), referred_to: command.finding === 'referred' ? (command.referredTo ?? '').trim() : null });
            details = { finding: command.finding, resolution: command.resolution.trim(), ...(command.finding === 'referred' ? { referredTo: (command.referredTo ?? '').trim() } : {}) };
            break;
          case 'close':
            set.closed_reason = command.reason.trim();
            details = { reason: command.reason.trim() };
            break;
        }
        const updated = await db.updateTable('oversight_complaints').set(set).where('complaint_id', '=', current.complaint_id).where('revision', '=', current.revision).executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new ComplaintError('CONCURRENT_UPDATE', `complaint ${code} was changed by someone else meanwhile; look at it again and retry`);
        await db.insertInto('oversight_complaint_events').values({ complaint_id: current.complaint_id, at: now, actor: who, action, from_status: current.status, to_status: to, details: JSON.stringify(details) }).execute();
      });
      return api.show(store.db, code);
    },

    triage(store: Store, code: string, category: string, priority: Priority, actor: string) {
      return api.act(store, code, { type: 'triage', category, priority }, actor);
    },
    assign(store: Store, code: string, investigator: string, actor: string) {
      return api.act(store, code, { type: 'assign', investigator }, actor);
    },
    note(store: Store, code: string, text: string, actor: string) {
      return api.act(store, code, { type: 'note', text }, actor);
    },
    resolve(store: Store, code: string, finding: ComplaintFinding, resolution: string, actor: string, referredTo?: string) {
      return api.act(store, code, { type: 'resolve', finding, resolution, ...(referredTo !== undefined ? { referredTo } : {}) }, actor);
    },
    close(store: Store, code: string, reason: string, actor: string) {
      return api.act(store, code, { type: 'close', reason }, actor);
    },

    /** The staff view of one complaint, with its full history (notes included). */
    async show(d: AnyDatabase, trackingCode: string): Promise<ComplaintRecord> {
      const r = await row(d, trackingCode);
      return {
        complaintId: r.complaint_id,
        trackingCode: r.tracking_code,
        filedAt: Number(r.filed_at),
        category: r.category,
        narrative: r.narrative,
        contact: r.contact === null ? null : (JSON.parse(r.contact) as ValidComplaint['contact']),
        incidentDate: r.incident_date,
        ori: r.ori,
        caseId: r.case_id,
        detainerId: r.detainer_id,
        status: r.status,
        priority: r.priority as Priority | null,
        investigator: r.investigator,
        finding: r.finding as ComplaintFinding | null,
        resolution: r.resolution,
        referredTo: r.referred_to,
        closedReason: r.closed_reason,
        updatedAt: Number(r.updated_at),
        history: await events(d, r.complaint_id),
      };
    },

    /** Complaints filed in [from, to) (epoch ms), optionally by status, jurisdiction or investigator; oldest first. */
    async list(d: AnyDatabase, filter: { status?: ComplaintStatus; ori?: string; investigator?: string; from?: number; to?: number; limit?: number } = {}): Promise<ComplaintSummary[]> {
      if (filter.status !== undefined && !STATUSES.includes(filter.status)) throw new ComplaintError('INVALID_COMMAND', `status must be one of: ${STATUSES.join(', ')}`);
      let q = view(d).selectFrom('oversight_complaints').selectAll();
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.ori) q = q.where('ori', '=', filter.ori.toUpperCase());
      if (filter.investigator) q = q.where('investigator', '=', filter.investigator);
      if (filter.from !== undefined) q = q.where('filed_at', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('filed_at', '<', filter.to);
      const rows = await q.orderBy('filed_at').orderBy('tracking_code').limit(filter.limit ?? 10_000).execute();
      return rows.map(summary);
    },
  };
  return api;
}
export type Complaints = ReturnType<typeof createComplaints>;
