/**
 * ICE field office (Enforcement and Removal Operations), one per area of responsibility:
 * reviews each IAR under the policy version in force that day in the jail's time zone and
 * stores the decision with its version and reasons; issues detainers (I-247) and runs their
 * durable clock (timer `detainer:<id>:expiry`, 48 h excluding weekends and holidays from the
 * release-due time); assumes custody; lifts detainers; keeps the supervisor review queue
 * (every indication of US citizenship lands there, never in a detainer); records outcomes.
 */
import type { Generated } from 'kysely';
import type { Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { holdExpiresAt } from '../../policy/detainer-clock.ts';
import { detainerClockOptions, evaluate, parseCaseFacts, versionById, type CaseFactsInput, type DecisionKind, type PolicyDecision } from '../../policy/index.ts';
import { recordEvent } from '../case-log/index.ts';
import { commandSend, localDate, type AgencyDeps, type Send } from '../deps.ts';
import { AgencyError } from '../errors.ts';
import { ADDRESS, CustodyTransfer, Detainer, DetainerDeclined, DetainerLift, Disposition, HoldExpired, Iar, ProceedingsOutcome, ReleaseNotice, type ProceedingsOutcomeKind } from '../messages.ts';

export type FieldOfficeCaseState = 'reviewed' | 'awaiting-conviction' | 'supervisor-review' | 'detainer-issued' | 'in-ice-custody' | 'closed';
export type DetainerState = 'issued' | 'holding' | 'declined' | 'lifted' | 'lapsed' | 'not-served' | 'custody-assumed';

export interface FieldOfficeTables {
  field_office_cases: {
    case_id: string;
    ori: string;
    aor: string;
    received_at: number;
    status: string;
    level: number | null;
    facts: string;
    state: FieldOfficeCaseState;
    outcome: string | null;
    outcome_at: number | null;
  };
  field_office_reviews: {
    seq: Generated<number>;
    case_id: string;
    reviewed_at: number;
    as_of: string;
    trigger: string;
    policy_version: string;
    decision: string;
    level: number | null;
    priority: string | null;
    reasons: string;
  };
  field_office_detainers: {
    detainer_id: string;
    case_id: string;
    issued_at: number;
    form: string;
    policy_version: string;
    state: DetainerState;
    release_due_at: number | null;
    expires_at: number | null;
    ended_at: number | null;
  };
  field_office_supervisor_reviews: {
    case_id: string;
    opened_at: number;
    reasons: string;
    state: 'open' | 'resolved';
    resolved_at: number | null;
  };
}

export const fieldOfficeMigrations: ModuleMigrations = {
  module: 'field-office',
  migrations: [
    {
      name: '0001_cases_reviews_detainers',
      async up(db, kind) {
        await db.schema
          .createTable('field_office_cases')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text', (c) => c.notNull())
          .addColumn('aor', 'text', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('level', 'integer')
          .addColumn('facts', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text')
          .addColumn('outcome_at', 'bigint')
          .execute();
        await db.schema
          .createTable('field_office_reviews')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('case_id', 'text', (c) => c.notNull().references('field_office_cases.case_id'))
          .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
          .addColumn('as_of', 'text', (c) => c.notNull())
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('policy_version', 'text', (c) => c.notNull())
          .addColumn('decision', 'text', (c) => c.notNull())
          .addColumn('level', 'integer')
          .addColumn('priority', 'text')
          .addColumn('reasons', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('field_office_reviews_case').on('field_office_reviews').columns(['case_id', 'seq']).execute();
        await db.schema
          .createTable('field_office_detainers')
          .addColumn('detainer_id', 'text', (c) => c.primaryKey())
          .addColumn('case_id', 'text', (c) => c.notNull().references('field_office_cases.case_id'))
          .addColumn('issued_at', 'bigint', (c) => c.notNull())
          .addColumn('form', 'text', (c) => c.notNull())
          .addColumn('policy_version', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('release_due_at', 'bigint')
          .addColumn('expires_at', 'bigint')
          .addColumn('ended_at', 'bigint')
          .execute();
        await db.schema.createIndex('field_office_detainers_case').on('field_office_detainers').column('case_id').execute();
        await db.schema
          .createTable('field_office_supervisor_reviews')
          .addColumn('case_id', 'text', (c) => c.primaryKey().references('field_office_cases.case_id'))
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('reasons', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .execute();
      },
    },
  ],
};

export interface Review {
  reviewedAt: number;
  asOf: string;
  trigger: string;
  policyVersion: string;
  decision: DecisionKind;
  level: number | null;
  priority: string | null;
  reasons: PolicyDecision['reasons'];
}

export interface FieldOfficeDetainer {
  detainerId: string;
  state: DetainerState;
  issuedAt: number;
  form: string;
  policyVersion: string;
  releaseDueAt: number | null;
  expiresAt: number | null;
  endedAt: number | null;
}

const AGENCY = 'field-office';
export const detainerTimerKey = (detainerId: string) => `detainer:${detainerId}:expiry`;

export function createFieldOffice(deps: AgencyDeps) {
  const t = (d: AnyDatabase) => tablesOf<FieldOfficeTables>(d);
  const event = (trx: AnyTransaction, caseId: string, kind: string, summary: string, details: Record<string, unknown> = {}) =>
    recordEvent(trx, { caseId, at: deps.clock.now(), agency: AGENCY, kind, summary, details });
  const send = (trx: AnyTransaction): Send => commandSend(deps, trx, AGENCY);

  async function caseRow(d: AnyDatabase, caseId: string) {
    const row = await t(d).selectFrom('field_office_cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new AgencyError('UNKNOWN_CASE', `the field office has no case "${caseId}"`);
    return row;
  }

  async function detainerOf(d: AnyDatabase, detainerId: string) {
    return t(d).selectFrom('field_office_detainers').selectAll().where('detainer_id', '=', detainerId).executeTakeFirst();
  }

  async function activeDetainer(d: AnyDatabase, caseId: string) {
    return t(d).selectFrom('field_office_detainers').selectAll().where('case_id', '=', caseId).where('state', 'in', ['issued', 'holding']).executeTakeFirst();
  }

  /** Decides the case under the version in force today (jail's zone), stores decision + reasons, and acts on it. */
  async function review(trx: AnyTransaction, send: Send, caseId: string, trigger: string): Promise<void> {
    const now = deps.clock.now();
    const row = await caseRow(trx, caseId);
    const { timeZone } = await deps.jurisdictions.jurisdictionOf(trx, row.ori);
    const asOf = localDate(now, timeZone);
    const decision = evaluate(deps.policy, parseCaseFacts(JSON.parse(row.facts) as CaseFactsInput), { asOf });
    await t(trx)
      .insertInto('field_office_reviews')
      .values({ case_id: caseId, reviewed_at: now, as_of: asOf, trigger, policy_version: decision.version.id, decision: decision.decision, level: decision.level.value, priority: decision.priority?.id ?? null, reasons: JSON.stringify(decision.reasons) })
      .execute();
    await event(trx, caseId, 'review', `Field office review (${trigger}) under ${decision.version.id}: ${decision.decision}.`, { decision: decision.decision, policyVersion: decision.version.id, asOf, level: decision.level.value, convictionLevel: decision.convictionLevel.value, priority: decision.priority?.id ?? null, reasons: decision.reasons });
    const setState = (state: FieldOfficeCaseState) => t(trx).updateTable('field_office_cases').set({ state }).where('case_id', '=', caseId).execute();
    switch (decision.decision) {
      case 'detainer': {
        if (await activeDetainer(trx, caseId)) return;
        const form = versionById(deps.policy, decision.version.id).detainers.form;
        const detainerId = `DET-${deps.ids()}`;
        await t(trx).insertInto('field_office_detainers').values({ detainer_id: detainerId, case_id: caseId, issued_at: now, form: form.name, policy_version: decision.version.id, state: 'issued', release_due_at: null, expires_at: null, ended_at: null }).execute();
        await setState('detainer-issued');
        await send(Detainer.create({ from: AGENCY, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId, form: form.name, issuedAt: now, copyToDetainee: form.copyToDetainee, hotline: form.hotline, holdLimitHours: form.holdLimitHours, policyVersion: decision.version.id } }));
        // For oversight (src/oversight/audit): where, by which office, and what the form asks of the jail.
        await event(trx, caseId, 'detainer-issued', `Detainer ${detainerId} (${form.name}) issued to the jail.`, { detainerId, ori: row.ori, aor: row.aor, form: form.name, copyToDetainee: form.copyToDetainee, hotline: form.hotline, holdLimitHours: form.holdLimitHours, policyVersion: decision.version.id });
        return;
      }
      case 'supervisor-review': {
        const open = await t(trx).selectFrom('field_office_supervisor_reviews').select('case_id').where('case_id', '=', caseId).executeTakeFirst();
        if (!open) await t(trx).insertInto('field_office_supervisor_reviews').values({ case_id: caseId, opened_at: now, reasons: JSON.stringify(decision.reasons), state: 'open', resolved_at: null }).execute();
        await setState('supervisor-review');
        await event(trx, caseId, 'supervisor-review-queued', 'Queued for supervisor review; no detainer.');
        return;
      }
      case 'await-conviction':
        await setState('awaiting-conviction');
        return;
      case 'no-action':
      case 'notification-request':
        // A notification request asks the jail only for the release date; this model records it and takes no custody action.
        await setState('closed');
        return;
    }
  }

  return {
    migrations: fieldOfficeMigrations,

    async handle(message: Message, trx: AnyTransaction, ctx: { send: Send }): Promise<void> {
      const now = deps.clock.now();
      if (Iar.is(message)) {
        const { payload: iar } = Iar.parse(message);
        const existing = await t(trx).selectFrom('field_office_cases').select('case_id').where('case_id', '=', iar.caseId).executeTakeFirst();
        if (existing) {
          await event(trx, iar.caseId, 'duplicate-ignored', `A second IAR for case ${iar.caseId} was ignored.`);
          return;
        }
        const jurisdiction = await deps.jurisdictions.jurisdictionOf(trx, iar.ori);
        parseCaseFacts(iar.facts); // boundary check: a malformed IAR fails here, before anything is written
        await t(trx)
          .insertInto('field_office_cases')
          .values({ case_id: iar.caseId, ori: iar.ori, aor: jurisdiction.aor, received_at: now, status: iar.status, level: iar.level, facts: JSON.stringify(iar.facts), state: 'reviewed', outcome: null, outcome_at: null })
          .execute();
        await review(trx, ctx.send, iar.caseId, 'iar');
      } else if (Disposition.is(message)) {
        const { payload: d } = Disposition.parse(message);
        const row = await caseRow(trx, d.caseId);
        const facts = JSON.parse(row.facts) as CaseFactsInput;
        const byCode = new Map(d.charges.map((c) => [c.ncicCode, c.disposition]));
        facts.charges = (facts.charges ?? []).map((c) => ({ ...c, disposition: byCode.get(c.code) ?? c.disposition }));
        await t(trx).updateTable('field_office_cases').set({ facts: JSON.stringify(facts) }).where('case_id', '=', d.caseId).execute();
        await event(trx, d.caseId, 'disposition-noted', `Disposition noted: ${d.outcome} (${d.ncicCodes.join(', ')}).`);
        if (row.state === 'awaiting-conviction') {
          if (d.outcome === 'conviction') await review(trx, ctx.send, d.caseId, 'conviction');
          else if ((facts.charges ?? []).every((c) => c.disposition === 'dismissed')) {
            await t(trx).updateTable('field_office_cases').set({ state: 'closed' }).where('case_id', '=', d.caseId).execute();
            await event(trx, d.caseId, 'closed', 'Charges dismissed while awaiting conviction: no action.');
          }
        }
      } else if (ReleaseNotice.is(message)) {
        const { payload: n } = ReleaseNotice.parse(message);
        const det = n.detainerId === null ? undefined : await detainerOf(trx, n.detainerId);
        if (!det) {
          await event(trx, n.caseId, 'ignored', `Release notice for ${n.detainerId ?? 'no detainer'} ignored: not a detainer of this office.`);
          return;
        }
        if (n.kind === 'release-due') {
          if (det.state !== 'issued') {
            await event(trx, n.caseId, 'ignored', `Release-due notice ignored: detainer ${det.detainer_id} is ${det.state}.`);
            return;
          }
          const { timeZone } = await deps.jurisdictions.jurisdictionOf(trx, (await caseRow(trx, n.caseId)).ori);
          const hold = holdExpiresAt(n.at, timeZone, detainerClockOptions(versionById(deps.policy, det.policy_version)));
          await t(trx).updateTable('field_office_detainers').set({ state: 'holding', release_due_at: n.at, expires_at: hold.expiresAtMs }).where('detainer_id', '=', det.detainer_id).execute();
          await deps.timers.schedule(trx, detainerTimerKey(det.detainer_id), hold.expiresAtMs, HoldExpired.create({ from: ADDRESS.timers, to: ADDRESS.booking, correlationId: n.caseId, payload: { caseId: n.caseId, detainerId: det.detainer_id, expiresAt: hold.expiresAtMs } }));
          await event(trx, n.caseId, 'detainer-clock-started', `Detainer clock started: release due ${hold.releaseDueLocal}, hold expires ${hold.expiresAtLocal} (${hold.countedHours} h counted, ${hold.excluded.map((x) => `${x.date} ${x.reasons.map((r) => (r.kind === 'weekend' ? r.weekday : r.name)).join('/')}`).join(', ') || 'no day'} excluded).`, { expiresAt: hold.expiresAtMs, timer: detainerTimerKey(det.detainer_id), detainerId: det.detainer_id, releaseDue: n.at });
          return;
        }
        const next: DetainerState = n.reason === 'hold-lapsed' ? 'lapsed' : n.reason === 'released-before-detainer' ? 'not-served' : n.reason === 'detainer-lifted' ? 'lifted' : det.state === 'issued' || det.state === 'holding' ? 'not-served' : det.state;
        await deps.timers.cancel(trx, detainerTimerKey(det.detainer_id));
        await t(trx).updateTable('field_office_detainers').set({ state: next, ended_at: n.at }).where('detainer_id', '=', det.detainer_id).execute();
        await t(trx).updateTable('field_office_cases').set({ state: 'closed' }).where('case_id', '=', n.caseId).where('state', '=', 'detainer-issued').execute();
        await event(trx, n.caseId, 'detainer-ended', `Detainer ${det.detainer_id}: the jail released the person (${n.reason}); detainer ${next}.`, { detainerId: det.detainer_id, state: next, reason: n.reason, at: n.at });
      } else if (DetainerDeclined.is(message)) {
        const { payload: d } = DetainerDeclined.parse(message);
        await t(trx).updateTable('field_office_detainers').set({ state: 'declined', ended_at: d.at }).where('detainer_id', '=', d.detainerId).where('state', 'in', ['issued', 'holding']).execute();
        await event(trx, d.caseId, 'detainer-declined', `The jail declined detainer ${d.detainerId}: ${d.reason}.`, { detainerId: d.detainerId, reason: d.reason });
      } else if (ProceedingsOutcome.is(message)) {
        const { payload: o } = ProceedingsOutcome.parse(message);
        await caseRow(trx, o.caseId);
        await t(trx).updateTable('field_office_cases').set({ outcome: o.outcome, outcome_at: o.at, state: o.outcome === 'pending' ? 'in-ice-custody' : 'closed' }).where('case_id', '=', o.caseId).execute();
        await event(trx, o.caseId, 'proceedings-outcome', `Removal proceedings: ${o.outcome}.`, { outcome: o.outcome, at: o.at });
      } else {
        throw new Error(`field office: unexpected message type ${message.type}`);
      }
    },

    /** ICE assumes custody from the jail (before the hold lapses). */
    async assumeCustody(trx: AnyTransaction, caseId: string, at: number): Promise<void> {
      await caseRow(trx, caseId);
      const det = await activeDetainer(trx, caseId);
      if (!det) throw new AgencyError('NO_ACTIVE_DETAINER', `case ${caseId} has no detainer in force`);
      if (det.expires_at !== null && at >= Number(det.expires_at)) throw new AgencyError('HOLD_LAPSED', `the hold on detainer ${det.detainer_id} lapsed at ${new Date(Number(det.expires_at)).toISOString()}`);
      await deps.timers.cancel(trx, detainerTimerKey(det.detainer_id));
      await t(trx).updateTable('field_office_detainers').set({ state: 'custody-assumed', ended_at: at }).where('detainer_id', '=', det.detainer_id).execute();
      await t(trx).updateTable('field_office_cases').set({ state: 'in-ice-custody' }).where('case_id', '=', caseId).execute();
      await send(trx)(CustodyTransfer.create({ from: AGENCY, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId: det.detainer_id, at } }));
      await event(trx, caseId, 'custody-assumed', `ICE assumed custody on detainer ${det.detainer_id}; the clock is stopped.`, { detainerId: det.detainer_id, at });
    },

    /**
     * A supervisor resolves the review: citizenship verified (the case is decided again as a US
     * citizen's: no action) or the indication found unfounded (decided again without it). The
     * resolution and the new decision are stored with their reasons.
     */
    async resolveSupervisorReview(trx: AnyTransaction, caseId: string, resolution: { citizenship: 'verified' | 'not-verified'; basis?: 'birth' | 'naturalization' | 'derivation'; note: string }, at: number): Promise<void> {
      const row = await caseRow(trx, caseId);
      const open = await t(trx).selectFrom('field_office_supervisor_reviews').selectAll().where('case_id', '=', caseId).where('state', '=', 'open').executeTakeFirst();
      if (!open) throw new AgencyError('UNKNOWN_CASE', `case ${caseId} has no open supervisor review`);
      if (resolution.note.trim() === '') throw new AgencyError('INVALID_RESOLUTION', 'a supervisor resolution needs a note');
      const facts = JSON.parse(row.facts) as CaseFactsInput;
      const person = { ...facts.person, citizenshipIndications: { claimed: false, naturalizationRecord: false, birthRecord: false } };
      if (resolution.citizenship === 'verified') Object.assign(person, { status: 'us-citizen', citizenshipBasis: resolution.basis ?? 'naturalization' });
      await t(trx).updateTable('field_office_cases').set({ facts: JSON.stringify({ ...facts, person }) }).where('case_id', '=', caseId).execute();
      await t(trx).updateTable('field_office_supervisor_reviews').set({ state: 'resolved', resolved_at: at }).where('case_id', '=', caseId).execute();
      await event(trx, caseId, 'supervisor-review-resolved', `Supervisor review resolved: citizenship ${resolution.citizenship}. ${resolution.note}`, { resolution });
      await review(trx, send(trx), caseId, 'supervisor-review');
    },

    /** Lifts the detainer in force, e.g. after supervisor review. */
    async liftDetainer(trx: AnyTransaction, caseId: string, at: number, reason: string): Promise<void> {
      const det = await activeDetainer(trx, caseId);
      if (!det) throw new AgencyError('NO_ACTIVE_DETAINER', `case ${caseId} has no detainer in force`);
      await deps.timers.cancel(trx, detainerTimerKey(det.detainer_id));
      await t(trx).updateTable('field_office_detainers').set({ state: 'lifted', ended_at: at }).where('detainer_id', '=', det.detainer_id).execute();
      await t(trx).updateTable('field_office_cases').set({ state: 'closed' }).where('case_id', '=', caseId).execute();
      await send(trx)(DetainerLift.create({ from: AGENCY, to: ADDRESS.booking, correlationId: caseId, payload: { caseId, detainerId: det.detainer_id, at, reason } }));
      await event(trx, caseId, 'detainer-lifted', `Detainer ${det.detainer_id} lifted: ${reason}.`, { detainerId: det.detainer_id, reason, at });
    },

    async caseOf(d: AnyDatabase, caseId: string) {
      const row = await t(d).selectFrom('field_office_cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
      if (!row) return null;
      const reviews = await t(d).selectFrom('field_office_reviews').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
      const detainers = await t(d).selectFrom('field_office_detainers').selectAll().where('case_id', '=', caseId).orderBy('issued_at').execute();
      const supervisor = await t(d).selectFrom('field_office_supervisor_reviews').selectAll().where('case_id', '=', caseId).executeTakeFirst();
      return {
        aor: row.aor,
        status: row.status,
        level: row.level,
        state: row.state,
        outcome: row.outcome as ProceedingsOutcomeKind | null,
        reviews: reviews.map((r): Review => ({ reviewedAt: Number(r.reviewed_at), asOf: r.as_of, trigger: r.trigger, policyVersion: r.policy_version, decision: r.decision as DecisionKind, level: r.level, priority: r.priority, reasons: JSON.parse(r.reasons) as PolicyDecision['reasons'] })),
        detainers: detainers.map((x): FieldOfficeDetainer => ({ detainerId: x.detainer_id, state: x.state, issuedAt: Number(x.issued_at), form: x.form, policyVersion: x.policy_version, releaseDueAt: x.release_due_at === null ? null : Number(x.release_due_at), expiresAt: x.expires_at === null ? null : Number(x.expires_at), endedAt: x.ended_at === null ? null : Number(x.ended_at) })),
        supervisorReview: supervisor ? { state: supervisor.state, openedAt: Number(supervisor.opened_at) } : null,
      };
    },

    /**
     * The case decided again under another version (invariant 3), read-only: same facts, decided
     * as of `asOf` when given (YYYY-MM-DD), else as of the latest stored review. Nothing is stored or sent.
     */
    async decisionUnder(d: AnyDatabase, caseId: string, versionId: string, asOf?: string): Promise<PolicyDecision> {
      const row = await caseRow(d, caseId);
      const last = asOf === undefined ? await t(d).selectFrom('field_office_reviews').select('as_of').where('case_id', '=', caseId).orderBy('seq', 'desc').executeTakeFirst() : undefined;
      const date = asOf ?? last?.as_of;
      return evaluate(deps.policy, parseCaseFacts(JSON.parse(row.facts) as CaseFactsInput), { versionId, ...(date !== undefined ? { asOf: date } : {}) });
    },

    /** The open supervisor review queue of an area of responsibility, oldest first. */
    async supervisorQueue(d: AnyDatabase, aor: string) {
      const rows = await t(d)
        .selectFrom('field_office_supervisor_reviews')
        .innerJoin('field_office_cases', 'field_office_cases.case_id', 'field_office_supervisor_reviews.case_id')
        .select(['field_office_supervisor_reviews.case_id as caseId', 'field_office_supervisor_reviews.opened_at as openedAt', 'field_office_supervisor_reviews.reasons as reasons'])
        .where('field_office_cases.aor', '=', aor)
        .where('field_office_supervisor_reviews.state', '=', 'open')
        .orderBy('field_office_supervisor_reviews.opened_at')
        .execute();
      return rows.map((r) => ({ caseId: r.caseId, openedAt: Number(r.openedAt), reasons: JSON.parse(r.reasons) as PolicyDecision['reasons'] }));
    },
  };
}
export type FieldOffice = ReturnType<typeof createFieldOffice>;
