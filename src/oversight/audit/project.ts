/**
 * The detainer projection: one case's events from the append-only case log, folded into what
 * an auditor needs to know about each detainer of the case — who issued it and when, whether
 * the jail served a copy with the hotline, when the person would otherwise have been released,
 * the hold's recorded expiry, and how and when the hold ended — plus the case facts the
 * findings look at (charges and dispositions, prior convictions, citizenship indications and
 * supervisor resolutions).
 *
 * Every fact is a *milestone* carrying the instant its event was recorded (`at`), so the record
 * can be read "as of" any instant by dropping later milestones (`caseAsOf`), and that equals
 * folding only the events recorded by then. Pure: no I/O, no clock.
 *
 * The log is written by the agencies, so the fold reads their event kinds and details; where a
 * detail is missing (older logs) it falls back on the summary text or on the case's current
 * detainer, since a case has at most one detainer in force at a time.
 */

/** One row of `case_log_events`, details parsed. */
export interface LogEvent {
  caseId: string;
  at: number;
  agency: string;
  kind: string;
  summary: string;
  details: Record<string, unknown>;
}

export interface Milestone {
  /** When the event was recorded (epoch ms). */
  at: number;
}

/** The audit's recomputed limit for the recorded release-due instant in a zone, under a reading (cached by the read model; `findings.ts`). */
export interface RecomputedLimit {
  timeZone: string;
  /** The reading it was computed under (absent in records cached before the reading was kept: recomputed then). */
  holidayDates?: 'observed' | 'actual';
  limitHours?: number;
  expiresAt: number | null;
}

export interface DetainerRecord {
  detainerId: string;
  caseId: string;
  /** The field office issued it (I-247). */
  issued: (Milestone & { policyVersion: string | null; form: string | null; aor: string | null; copyToDetainee: boolean | null; hotline: string | null }) | null;
  /** The jail received and accepted it. */
  received: (Milestone & { form: string | null; policyVersion: string | null }) | null;
  /** The jail served a copy on the person. */
  copyServed: (Milestone & { hotline: string | null }) | null;
  declined: (Milestone & { reason: string | null }) | null;
  /** It reached the jail after the person had left. */
  notServed: Milestone | null;
  /** The person became due for release and the hold began. */
  hold: (Milestone & { releaseDue: number | null; expiresAt: number | null; recomputed?: RecomputedLimit }) | null;
  /** The field office started the detainer clock. */
  clock: (Milestone & { expiresAt: number | null }) | null;
  custodyAssumed: (Milestone & { claimedAt: number | null }) | null;
  /** The jail handed the person to ICE (`reported`: the jail reported it afterwards, having handed the person over at `claimedAt`). */
  custodyTransferred: (Milestone & { claimedAt?: number | null; reported?: boolean }) | null;
  /** The hold's limit passed (`stillHeld`: the jail did not release the person then). */
  lapsed: (Milestone & { stillHeld?: boolean }) | null;
  /** The over-limit alert: the limit passed with the person still held (absent in records folded before it was kept). */
  alerted?: (Milestone & { limitAt: number | null }) | null;
  lifted: (Milestone & { reason: string | null }) | null;
  /**
   * The jail released the person (recorded at `at`; `claimedAt` is the release instant the jail
   * wrote down; `reported`: the jail reported a release that happened at `claimedAt`).
   */
  released: (Milestone & { claimedAt: number | null; reason: string | null; reported?: boolean }) | null;
  /** The field office closed the detainer after a release notice. */
  fieldOfficeEnded: (Milestone & { state: string | null }) | null;
}

export interface CaseRecord {
  caseId: string;
  /** The booking jurisdiction (first event that names it). */
  ori: (Milestone & { value: string }) | null;
  booked: (Milestone & { charges: string[] }) | null;
  dispositions: (Milestone & { outcome: 'conviction' | 'dismissal'; ncicCodes: string[] })[];
  /** Convictions on the rap sheet before this arrest, as each source reported them (FBI response, then the IAR); the last one counts. */
  priorConvictions: (Milestone & { count: number; source: 'fbi' | 'iar' })[];
  iar: (Milestone & { status: string | null; citizenshipIndications: string[] }) | null;
  /** Supervisor resolutions of a citizenship review. */
  citizenship: (Milestone & { verdict: 'verified' | 'not-verified'; basis: string | null })[];
  /** When the case was queued for supervisor review (absent in records folded before this was kept). */
  reviewQueued?: Milestone | null;
  detainers: DetainerRecord[];
}

/** The event kinds the fold reads; anything else is skipped. */
export const AUDITED_KINDS = [
  'booked',
  'car-routed',
  'criminal-search',
  'iar-sent',
  'review',
  'detainer-issued',
  'detainer-received',
  'detainer-copy-served',
  'detainer-declined',
  'detainer-after-release',
  'hold-started',
  'detainer-clock-started',
  'custody-assumed',
  'custody-transferred',
  'hold-lapsed',
  'over-limit-alert',
  'released',
  'detainer-lifted',
  'detainer-ended',
  'supervisor-review-queued',
  'supervisor-review-resolved',
  'disposition',
] as const;

/** Kinds that create or touch a detainer: a case is in the audit when it has one of these. */
export const DETAINER_KINDS = ['detainer-issued', 'detainer-received', 'detainer-declined', 'detainer-after-release', 'hold-started'] as const;

/** Kinds that may carry an indication of US citizenship: such a case is in the audit (its US-citizen finding) even without a detainer. */
export const CITIZENSHIP_KINDS = ['iar-sent', 'supervisor-review-queued', 'supervisor-review-resolved'] as const;

const DETAINER_ID = /\bDET-[A-Za-z0-9_-]+/;
const ORI_IN_TEXT = /\(([A-Z0-9]{9})\)/;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function emptyDetainer(detainerId: string, caseId: string): DetainerRecord {
  return {
    detainerId,
    caseId,
    issued: null,
    received: null,
    copyServed: null,
    declined: null,
    notServed: null,
    hold: null,
    clock: null,
    custodyAssumed: null,
    custodyTransferred: null,
    lapsed: null,
    alerted: null,
    lifted: null,
    released: null,
    fieldOfficeEnded: null,
  };
}

export function emptyCase(caseId: string): CaseRecord {
  return { caseId, ori: null, booked: null, dispositions: [], priorConvictions: [], iar: null, citizenship: [], reviewQueued: null, detainers: [] };
}

/**
 * Folds one case's events (in log order) into its record. Events of other cases are refused
 * (`Error`): the caller groups by case.
 */
export function foldCase(caseId: string, events: Iterable<LogEvent>): CaseRecord {
  const record = emptyCase(caseId);
  let current: DetainerRecord | null = null;
  let lastReviewVersion: string | null = null;
  const byId = new Map<string, DetainerRecord>();

  const detainer = (id: string | null): DetainerRecord | null => {
    if (id === null) return current;
    let d = byId.get(id);
    if (!d) {
      d = emptyDetainer(id, caseId);
      byId.set(id, d);
      record.detainers.push(d);
    }
    current = d;
    return d;
  };
  /** The detainer an event is about: its `detainerId` detail, an id in its summary, else the case's current one. */
  const about = (e: LogEvent): DetainerRecord | null => {
    const explicit = str(e.details.detainerId) ?? str(e.details.timer)?.match(DETAINER_ID)?.[0] ?? e.summary.match(DETAINER_ID)?.[0] ?? null;
    return detainer(explicit);
  };
  const seeOri = (at: number, ori: string | null) => {
    if (record.ori === null && ori !== null) record.ori = { at, value: ori };
  };

  for (const e of events) {
    if (e.caseId !== caseId) throw new Error(`foldCase(${caseId}): event of case ${e.caseId}`);
    const d = e.details;
    switch (e.kind) {
      case 'booked':
        seeOri(e.at, str(d.ori) ?? e.summary.match(ORI_IN_TEXT)?.[1] ?? null);
        record.booked ??= { at: e.at, charges: strings(d.charges) };
        break;
      case 'car-routed':
        seeOri(e.at, str(d.ori));
        break;
      case 'criminal-search': {
        if (d.result === 'non-ident') record.priorConvictions.push({ at: e.at, count: 0, source: 'fbi' });
        else {
          const n = e.summary.match(/(\d+) prior conviction/);
          if (n) record.priorConvictions.push({ at: e.at, count: Number(n[1]), source: 'fbi' });
        }
        break;
      }
      case 'iar-sent':
        seeOri(e.at, str(d.ori));
        record.iar ??= { at: e.at, status: str(d.status), citizenshipIndications: strings(d.citizenshipIndications) };
        // The IAR lists the rap sheet's convictions when the agencies record them; it is the later, fuller word.
        if (Array.isArray(d.priorConvictions)) record.priorConvictions.push({ at: e.at, count: d.priorConvictions.length, source: 'iar' });
        break;
      case 'review':
        lastReviewVersion = str(d.policyVersion);
        break;
      case 'detainer-issued': {
        const x = about(e);
        if (x && !x.issued) {
          x.issued = {
            at: e.at,
            policyVersion: str(d.policyVersion) ?? lastReviewVersion,
            form: str(d.form),
            aor: str(d.aor),
            copyToDetainee: typeof d.copyToDetainee === 'boolean' ? d.copyToDetainee : null,
            hotline: str(d.hotline),
          };
        }
        seeOri(e.at, str(d.ori));
        break;
      }
      case 'detainer-received': {
        const x = about(e);
        if (x && !x.received) x.received = { at: e.at, form: e.summary.match(/^Detainer \S+ \((.*)\) received/)?.[1] ?? null, policyVersion: str(d.policyVersion) };
        break;
      }
      case 'detainer-copy-served': {
        const x = about(e);
        if (x && !x.copyServed) x.copyServed = { at: e.at, hotline: str(d.hotline) };
        break;
      }
      case 'detainer-declined': {
        const x = about(e);
        if (x && !x.declined) x.declined = { at: e.at, reason: e.summary.match(/declined(?: detainer \S+)?: (.*?)\.?$/)?.[1] ?? null };
        break;
      }
      case 'detainer-after-release': {
        const x = about(e);
        if (x && !x.notServed) x.notServed = { at: e.at };
        break;
      }
      case 'hold-started': {
        const x = about(e);
        if (x && !x.hold) x.hold = { at: e.at, releaseDue: num(d.releaseDue), expiresAt: num(d.holdExpiresAt) };
        break;
      }
      case 'detainer-clock-started': {
        const x = about(e);
        if (x && !x.clock) x.clock = { at: e.at, expiresAt: num(d.expiresAt) };
        break;
      }
      case 'custody-assumed': {
        const x = about(e);
        if (x && !x.custodyAssumed) x.custodyAssumed = { at: e.at, claimedAt: num(d.at) };
        break;
      }
      case 'custody-transferred': {
        const x = about(e);
        if (x && !x.custodyTransferred) x.custodyTransferred = d.reported === true ? { at: e.at, claimedAt: num(d.at), reported: true } : { at: e.at };
        break;
      }
      case 'hold-lapsed': {
        const x = about(e);
        if (x && !x.lapsed) x.lapsed = d.stillHeld === true ? { at: e.at, stillHeld: true } : { at: e.at };
        break;
      }
      case 'over-limit-alert': {
        const x = about(e);
        if (x && !x.alerted) x.alerted = { at: e.at, limitAt: num(d.limitAt) };
        break;
      }
      case 'released': {
        // A release names the detainer it ends (null: the jail held none); older logs say nothing, so the current one.
        const x = 'detainerId' in d ? (str(d.detainerId) === null ? null : about(e)) : current;
        if (x && !x.released) x.released = { at: e.at, claimedAt: num(d.at), reason: str(d.reason) ?? e.summary.match(/^Released \(([^)]*)\)/)?.[1] ?? null, ...(d.reported === true ? { reported: true } : {}) };
        break;
      }
      case 'detainer-lifted': {
        const x = about(e);
        if (x && !x.lifted) x.lifted = { at: e.at, reason: str(d.reason) ?? e.summary.match(/lifted: (.*?)\.?$/)?.[1] ?? null };
        break;
      }
      case 'detainer-ended': {
        const x = about(e);
        if (x && !x.fieldOfficeEnded) x.fieldOfficeEnded = { at: e.at, state: str(d.state) ?? e.summary.match(/detainer ([a-z-]+)\.$/)?.[1] ?? null };
        break;
      }
      case 'supervisor-review-queued':
        record.reviewQueued ??= { at: e.at };
        break;
      case 'supervisor-review-resolved': {
        const resolution = (d.resolution ?? {}) as Record<string, unknown>;
        const verdict = resolution.citizenship === 'verified' || resolution.citizenship === 'not-verified' ? resolution.citizenship : /citizenship verified/.test(e.summary) ? 'verified' : /citizenship not-verified/.test(e.summary) ? 'not-verified' : null;
        if (verdict) record.citizenship.push({ at: e.at, verdict, basis: str(resolution.basis) });
        break;
      }
      case 'disposition': {
        const outcome = d.outcome === 'conviction' || d.outcome === 'dismissal' ? d.outcome : null;
        if (outcome) record.dispositions.push({ at: e.at, outcome, ncicCodes: strings(d.ncicCodes) });
        break;
      }
      default:
        break;
    }
  }
  return record;
}

const keep = <T extends Milestone>(m: T | null, asOf: number): T | null => (m !== null && m.at <= asOf ? m : null);

/**
 * The record as it stood at `asOf`: every milestone recorded later is dropped, and a detainer
 * with nothing left disappears. Equals `foldCase` over the events recorded by `asOf`.
 */
export function caseAsOf(record: CaseRecord, asOf: number): CaseRecord {
  const detainers = record.detainers
    .map(
      (x): DetainerRecord => ({
        detainerId: x.detainerId,
        caseId: x.caseId,
        issued: keep(x.issued, asOf),
        received: keep(x.received, asOf),
        copyServed: keep(x.copyServed, asOf),
        declined: keep(x.declined, asOf),
        notServed: keep(x.notServed, asOf),
        hold: keep(x.hold, asOf),
        clock: keep(x.clock, asOf),
        custodyAssumed: keep(x.custodyAssumed, asOf),
        custodyTransferred: keep(x.custodyTransferred, asOf),
        lapsed: keep(x.lapsed, asOf),
        alerted: keep(x.alerted ?? null, asOf),
        lifted: keep(x.lifted, asOf),
        released: keep(x.released, asOf),
        fieldOfficeEnded: keep(x.fieldOfficeEnded, asOf),
      }),
    )
    .filter((x) => firstSeen(x) !== null);
  return {
    caseId: record.caseId,
    ori: keep(record.ori, asOf),
    booked: keep(record.booked, asOf),
    dispositions: record.dispositions.filter((m) => m.at <= asOf),
    priorConvictions: record.priorConvictions.filter((m) => m.at <= asOf),
    iar: keep(record.iar, asOf),
    citizenship: record.citizenship.filter((m) => m.at <= asOf),
    reviewQueued: keep(record.reviewQueued ?? null, asOf),
    detainers,
  };
}

const MILESTONES = ['issued', 'received', 'copyServed', 'declined', 'notServed', 'hold', 'clock', 'custodyAssumed', 'custodyTransferred', 'lapsed', 'alerted', 'lifted', 'released', 'fieldOfficeEnded'] as const;

/** The earliest recorded instant of a detainer (null when it has no milestone). */
export function firstSeen(x: DetainerRecord): number | null {
  let first: number | null = null;
  for (const k of MILESTONES) {
    const m = x[k] ?? null;
    if (m !== null && (first === null || m.at < first)) first = m.at;
  }
  return first;
}

/** The latest recorded instant of a case record (for incremental bookkeeping). */
export function lastSeen(record: CaseRecord): number | null {
  let last: number | null = null;
  const see = (m: Milestone | null) => {
    if (m !== null && (last === null || m.at > last)) last = m.at;
  };
  see(record.ori);
  see(record.booked);
  record.priorConvictions.forEach(see);
  see(record.iar);
  record.dispositions.forEach(see);
  record.citizenship.forEach(see);
  see(record.reviewQueued ?? null);
  for (const x of record.detainers) for (const k of MILESTONES) see(x[k] ?? null);
  return last;
}
