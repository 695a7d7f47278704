/**
 * What an auditor concludes about each detainer, from its projected record (`project.ts`) read
 * as of an instant. Pure: the jail's time zone comes in through `timeZoneOf`, the clock through
 * `asOf`.
 *
 * The legal limit is the hold's expiry instant: the earlier of what the jail and the field
 * office recorded, and — when the jail's time zone is known — of the limit recomputed here from
 * the release-due instant under the reading in force (the hold limit and the reading of
 * "holidays" of the policy version that decided the detainer), by the audit's own
 * implementation (`legal-limit.ts`), never by the detainer clock the agencies used
 * (`holdExpiresAt` in `src/policy/detainer-clock.ts`), so a miscomputed expiry cannot hide an
 * overlong hold and the check does not vouch for the code it audits. Time held beyond it is measured to the moment the jail *recorded* the person
 * leaving (release or hand-over to ICE), not to the release instant it wrote down, which a
 * late-firing timer can backdate — except for a release or hand-over the jail *reported*
 * (`reportRelease`): that is the jail's account of when the person left, made afterwards, and
 * counts from the reported instant. A hold whose limit passed with the person still held (the
 * jail does not release at the lapse) stays open until that report.
 */
import { versionById, versionInForce, type PolicyBundle } from '../../policy/bundle.ts';
import type { PolicyVersion } from '../../policy/schema.ts';
import { formatLocal } from '../../policy/detainer-clock.ts';
import { DEFAULT_READING, legalLimitOf, type ClockReading } from './legal-limit.ts';
import type { CaseRecord, DetainerRecord } from './project.ts';
import { caseAsOf, firstSeen } from './project.ts';

export const FINDING_KINDS = ['held-past-limit', 'open-past-limit', 'limit-miscomputed', 'us-citizen', 'never-convicted', 'declined', 'lapsed', 'no-copy-served', 'copy-without-hotline'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const END_KINDS = ['custody', 'lapsed', 'lifted', 'declined', 'released', 'not-served', 'open'] as const;
export type EndKind = (typeof END_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  /** One sentence for a reader. */
  text: string;
  /** held-past-limit, open-past-limit, limit-miscomputed: hours beyond the legal limit (real elapsed hours). */
  hoursOver?: number;
  /** limit-miscomputed: hours the recorded expiry falls *before* the recomputed limit (the hold was cut short). */
  hoursEarly?: number;
  /** us-citizen: 'verified' (a supervisor verified it) or 'indication' (naturalization record / claim); never-convicted: 'dismissed' or 'no-conviction-as-of'. */
  basis?: string;
}

/** One detainer as the audit reports it (times in epoch ms; null when unknown or not yet). */
export interface AuditedDetainer {
  detainerId: string;
  caseId: string;
  ori: string | null;
  aor: string | null;
  /** The jail's IANA zone when known (the texts give local times then). */
  timeZone: string | null;
  issuedAt: number | null;
  policyVersion: string | null;
  form: string | null;
  receivedAt: number | null;
  copyServedAt: number | null;
  hotline: string | null;
  releaseDueAt: number | null;
  /** The legal limit: the hold's expiry instant (see the file comment). */
  legalLimitAt: number | null;
  /** The expiry the agencies recorded (earlier of jail and field office). */
  recordedLimitAt: number | null;
  /** The clock the limit was recomputed under, and where that reading came from. */
  clockReading: AuditClockReading;
  end: { kind: EndKind; at: number | null; how: string };
  /** Real hours the person was held on the detainer (release due → end, or → as-of while open). */
  hoursHeld: number | null;
  findings: Finding[];
}

export interface AuditOptions {
  /** The instant the audit is taken at; milestones recorded later are ignored. */
  asOf: number;
  /** The jail's IANA zone by ORI, or null when unknown (the recomputed limit is then skipped). */
  timeZoneOf?: (ori: string) => string | null;
  /** Field office by ORI, for detainers whose record does not name it. */
  aorOf?: (ori: string) => string | null;
  /** From this local date on the detainer form requires a copy served on the person (default 2011-12-29). */
  copyRequiredFrom?: string;
  /**
   * The policy versions: the reading in force for a detainer is that of the version that decided
   * it (recorded on `detainer-issued` / `detainer-received`), else of the version in force on its
   * local issue date. Without a bundle, the program's default (observed days, 48 h).
   */
  policy?: PolicyBundle;
}

/** The clock a detainer's limit is recomputed under. */
export interface AuditClockReading extends ClockReading {
  /** The version whose reading it is (null: the program's default). */
  policyVersion: string | null;
  /** `deciding-version`: the version recorded on the detainer; `in-force-at-issue`: the log names none (or an unknown one), so the version in force on the issue date; `program-default`: no policy bundle to look in. */
  source: 'deciding-version' | 'in-force-at-issue' | 'program-default';
}

export const COPY_REQUIRED_FROM = '2011-12-29';
/** The last instant a JavaScript Date can hold: "as of now and forever". */
export const END_OF_TIME = 8_640_000_000_000_000;
const HOUR = 3_600_000;
/** Recorded vs recomputed limits within this tolerance are the same limit (rounding, seconds). */
const SLACK = 60_000;

const round2 = (x: number) => Math.round(x * 100) / 100;
const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function localDate(ms: number, timeZone: string | null): string {
  if (timeZone !== null) {
    try {
      return formatLocal(ms, timeZone).slice(0, 10);
    } catch {
      // an unknown zone: the UTC date
    }
  }
  return new Date(ms).toISOString().slice(0, 10);
}

const readingOfVersion = (version: PolicyVersion, source: AuditClockReading['source']): AuditClockReading => ({
  policyVersion: version.id,
  holidayDates: version.detainers.form.holidays.dates,
  limitHours: version.detainers.form.holdLimitHours,
  source,
});

/** The reading in force for a detainer: its deciding version's, else the version in force on its local issue date, else the default. */
export function clockReadingOf(x: DetainerRecord, timeZone: string | null, policy: PolicyBundle | undefined): AuditClockReading {
  if (policy === undefined) return { ...DEFAULT_READING, policyVersion: null, source: 'program-default' };
  const id = x.issued?.policyVersion ?? x.received?.policyVersion ?? null;
  if (id !== null && policy.versions.some((v) => v.id === id)) return readingOfVersion(versionById(policy, id), 'deciding-version');
  const issuedAt = x.issued?.at ?? x.received?.at ?? firstSeen(x);
  if (issuedAt !== null && issuedAt < END_OF_TIME) {
    try {
      return readingOfVersion(versionInForce(policy, localDate(issuedAt, timeZone)), 'in-force-at-issue');
    } catch {
      // issued before the first version: the default below
    }
  }
  return { ...DEFAULT_READING, policyVersion: null, source: 'program-default' };
}

/**
 * The legal limit for the detainer's recorded release-due instant in `timeZone` under `reading`,
 * by the audit's own reckoning (`legal-limit.ts`; null when the hold never started, or the zone
 * or instant is out of range). Uses the value cached on the record when it was computed for the
 * same zone and reading.
 */
export function recomputedLimit(x: DetainerRecord, timeZone: string, reading: ClockReading = DEFAULT_READING): number | null {
  const due = x.hold?.releaseDue ?? null;
  if (due === null) return null;
  const cached = x.hold?.recomputed;
  if (cached?.timeZone === timeZone && cached.holidayDates === reading.holidayDates && cached.limitHours === reading.limitHours) return cached.expiresAt;
  return legalLimitOf(due, timeZone, reading);
}

/** Caches the recomputed limit on every held detainer of a record (the recomputation is the audit's costliest step). */
export function cacheRecomputedLimits(record: CaseRecord, timeZoneOf: (ori: string) => string | null, policy?: PolicyBundle): void {
  const timeZone = record.ori ? timeZoneOf(record.ori.value) : null;
  if (timeZone === null) return;
  for (const x of record.detainers) {
    if (!x.hold || x.hold.releaseDue === null) continue;
    const { holidayDates, limitHours } = clockReadingOf(x, timeZone, policy);
    x.hold.recomputed = { timeZone, holidayDates, limitHours, expiresAt: recomputedLimit(x, timeZone, { holidayDates, limitHours }) };
  }
}

/** The legal limit and the recorded one (null when the hold never started). */
function limits(x: DetainerRecord, timeZone: string | null, reading: ClockReading): { legal: number | null; recorded: number | null; recomputed: number | null } {
  const recordedCandidates = [x.hold?.expiresAt, x.clock?.expiresAt].filter((v): v is number => typeof v === 'number');
  const recorded = recordedCandidates.length > 0 ? Math.min(...recordedCandidates) : null;
  const recomputed = timeZone !== null ? recomputedLimit(x, timeZone, reading) : null;
  const all = [recorded, recomputed].filter((v): v is number => v !== null);
  return { legal: all.length > 0 ? Math.min(...all) : null, recorded, recomputed };
}

/** When the person left, by a release or hand-over milestone: the reported instant when the jail reported it, else when it was recorded. */
const leftAt = (m: { at: number; claimedAt?: number | null; reported?: boolean }): number => (m.reported === true && typeof m.claimedAt === 'number' ? m.claimedAt : m.at);
/** When the jail made its report of the person leaving (null: not a reported release). */
const reportedAt = (m: { at: number; reported?: boolean } | null): number | null => (m?.reported === true ? m.at : null);

/** When and how the person left the jail's hold on this detainer, or how the detainer ended otherwise. */
function endOf(x: DetainerRecord): { kind: EndKind; at: number | null; how: string; leftJailAt: number | null; reportedAt: number | null } {
  const transferAt = x.custodyTransferred ? leftAt(x.custodyTransferred) : null;
  const assumedAt = x.custodyAssumed?.at ?? null;
  if (x.declined) return { kind: 'declined', at: x.declined.at, how: `declined by the jail${x.declined.reason ? `: ${x.declined.reason}` : ''}`, leftJailAt: null, reportedAt: null };
  if (x.notServed) return { kind: 'not-served', at: x.notServed.at, how: 'reached the jail after the person had left custody', leftJailAt: null, reportedAt: null };
  if (transferAt !== null || assumedAt !== null) {
    const at = transferAt ?? assumedAt!;
    const how = x.custodyTransferred?.reported === true ? 'the jail reported handing the person over to ICE' : transferAt !== null ? 'ICE assumed custody; the jail handed the person over' : 'ICE assumed custody (the jail recorded no hand-over)';
    return { kind: 'custody', at, how, leftJailAt: at, reportedAt: reportedAt(x.custodyTransferred) };
  }
  if (x.lapsed) {
    // A jail that does not release at the lapse still holds the person until it reports the release.
    if (!x.released && x.lapsed.stillHeld === true) return { kind: 'open', at: null, how: 'the hold lapsed and the person is still held: the jail has not reported a release', leftJailAt: null, reportedAt: null };
    const left = x.released ? leftAt(x.released) : x.lapsed.at;
    return { kind: 'lapsed', at: x.lapsed.at, how: x.released?.reported === true ? 'the hold lapsed without ICE taking custody; the jail reported releasing the person' : 'the hold lapsed without ICE taking custody; the person was released', leftJailAt: left, reportedAt: reportedAt(x.released) };
  }
  if (x.lifted) return { kind: 'lifted', at: x.lifted.at, how: `lifted by ICE${x.lifted.reason ? `: ${x.lifted.reason}` : ''}`, leftJailAt: x.released ? leftAt(x.released) : null, reportedAt: reportedAt(x.released) };
  if (x.released) return { kind: 'released', at: x.released.at, how: `the jail ${x.released.reported === true ? 'reported releasing' : 'released'} the person (${x.released.reason ?? 'no reason recorded'})`, leftJailAt: leftAt(x.released), reportedAt: reportedAt(x.released) };
  if (x.fieldOfficeEnded) return { kind: 'released', at: x.fieldOfficeEnded.at, how: `the field office closed it (${x.fieldOfficeEnded.state ?? 'no state recorded'})`, leftJailAt: null, reportedAt: null };
  return { kind: 'open', at: null, how: x.hold ? 'the person is held on it' : 'in force; the person is not yet due for release', leftJailAt: null, reportedAt: null };
}

/** Audits every detainer of one case as of `options.asOf`. */
export function auditCase(full: CaseRecord, options: AuditOptions): AuditedDetainer[] {
  const record = caseAsOf(full, options.asOf);
  const ori = record.ori?.value ?? null;
  const timeZone = ori !== null ? (options.timeZoneOf?.(ori) ?? null) : null;
  const iso = (ms: number) => {
    if (timeZone !== null && ms < END_OF_TIME) {
      try {
        return formatLocal(ms, timeZone);
      } catch {
        // an unknown zone: UTC below
      }
    }
    return utc(ms);
  };
  const copyFrom = options.copyRequiredFrom ?? COPY_REQUIRED_FROM;
  const convicted = record.dispositions.some((d) => d.outcome === 'conviction');
  const charges = record.booked?.charges ?? [];
  const dismissedCodes = new Set(record.dispositions.filter((d) => d.outcome === 'dismissal').flatMap((d) => d.ncicCodes));
  const allDismissed = !convicted && charges.length > 0 && charges.every((c) => dismissedCodes.has(c));
  const priors = record.priorConvictions.at(-1)?.count ?? null;
  const verified = record.citizenship.find((c) => c.verdict === 'verified') ?? null;
  const indications = record.iar?.citizenshipIndications ?? [];

  return record.detainers.map((x) => {
    const findings: Finding[] = [];
    const reading = clockReadingOf(x, timeZone, options.policy);
    const { legal, recorded, recomputed } = limits(x, timeZone, reading);
    const end = endOf(x);
    const releaseDue = x.hold?.releaseDue ?? null;
    const issuedAt = x.issued?.at ?? x.received?.at ?? firstSeen(x);

    // Holds past the legal limit.
    const alerted = x.alerted ? ` The over-limit alert was raised at ${iso(x.alerted.at)}.` : '';
    if (x.hold && legal !== null) {
      if (end.leftJailAt !== null) {
        const over = end.leftJailAt - legal;
        if (over > 0) {
          const claimed = x.released?.claimedAt ?? null;
          const backdated = claimed !== null && end.leftJailAt - claimed > SLACK ? ` The jail's record gives the release as ${iso(claimed)}, ${round2((end.leftJailAt - claimed) / HOUR)} h before it was recorded.` : '';
          const reported = end.reportedAt !== null ? ` The jail reported it at ${iso(end.reportedAt)}.` : '';
          findings.push({ kind: 'held-past-limit', hoursOver: round2(over / HOUR), text: `Held ${round2(over / HOUR)} h past the legal limit (${iso(legal)}); the person left the jail at ${iso(end.leftJailAt)} (${end.kind}).${backdated}${reported}${alerted}` });
        }
      } else if (end.kind === 'open' && options.asOf > legal) {
        const over = options.asOf - legal;
        findings.push({ kind: 'open-past-limit', hoursOver: round2(over / HOUR), text: `Still held ${round2(over / HOUR)} h past the legal limit (${iso(legal)}) as of ${iso(options.asOf)}.${alerted}` });
      }
    }
    if (recorded !== null && recomputed !== null && Math.abs(recorded - recomputed) > SLACK) {
      const hours = round2(Math.abs(recorded - recomputed) / HOUR);
      const rule = `${reading.limitHours} h excluding Saturdays, Sundays and federal holidays on their ${reading.holidayDates === 'observed' ? 'observed days' : 'own dates'} (${reading.policyVersion === null ? 'the program default' : `policy version ${reading.policyVersion}`})`;
      const text = `The recorded expiry ${iso(recorded)} is ${hours} h ${recorded > recomputed ? 'later' : 'earlier'} than the limit of ${rule} for a release due ${iso(releaseDue!)} in ${timeZone} (${iso(recomputed)}).`;
      findings.push(recorded > recomputed ? { kind: 'limit-miscomputed', hoursOver: hours, text } : { kind: 'limit-miscomputed', hoursEarly: hours, text });
    }

    // People later found to be US citizens.
    if (verified) {
      findings.push({ kind: 'us-citizen', basis: 'verified', text: `A supervisor verified US citizenship${verified.basis ? ` (${verified.basis})` : ''} on ${iso(verified.at)}${issuedAt !== null && verified.at < issuedAt ? ', before the detainer was issued' : ''}.` });
    } else if (indications.length > 0 || record.iar?.status === 'us-citizen') {
      const what = indications.length > 0 ? indications.join(', ') : 'status us-citizen';
      findings.push({ kind: 'us-citizen', basis: 'indication', text: `The IAR carried an indication of US citizenship (${what}); no supervisor verification is on record.` });
    }

    // People never convicted.
    if (!convicted && (priors === null || priors === 0)) {
      const priorText = priors === null ? 'prior convictions unknown' : 'no prior conviction';
      if (allDismissed) findings.push({ kind: 'never-convicted', basis: 'dismissed', text: `Every charge of the arrest was dismissed (${charges.join(', ')}); ${priorText}.` });
      else findings.push({ kind: 'never-convicted', basis: 'no-conviction-as-of', text: `No conviction on the arrest as of ${iso(options.asOf)}; ${priorText}.` });
    }

    // Declined or lapsed.
    if (x.declined) findings.push({ kind: 'declined', text: `The jail declined the detainer${x.declined.reason ? `: ${x.declined.reason}` : ''}.` });
    if (x.lapsed || x.fieldOfficeEnded?.state === 'lapsed') findings.push({ kind: 'lapsed', text: `The hold lapsed without ICE taking custody${legal !== null ? ` (limit ${iso(legal)})` : ''}.` });

    // The copy of the detainer and the hotline.
    const copyRequired = x.issued?.copyToDetainee ?? (issuedAt !== null ? localDate(issuedAt, timeZone) >= copyFrom : false);
    if (copyRequired && x.received && !x.copyServed) findings.push({ kind: 'no-copy-served', text: `The jail received the detainer on ${iso(x.received.at)} but no copy was served on the person (required for detainers issued from ${copyFrom}).` });
    if (copyRequired && x.copyServed && x.copyServed.hotline === null) findings.push({ kind: 'copy-without-hotline', text: 'A copy was served without the hotline number.' });

    const heldUntil = end.leftJailAt ?? (end.kind === 'open' && x.hold ? options.asOf : null);
    return {
      detainerId: x.detainerId,
      caseId: x.caseId,
      ori,
      timeZone,
      aor: x.issued?.aor ?? (ori !== null ? (options.aorOf?.(ori) ?? null) : null),
      issuedAt,
      policyVersion: x.issued?.policyVersion ?? x.received?.policyVersion ?? null,
      form: x.issued?.form ?? x.received?.form ?? null,
      receivedAt: x.received?.at ?? null,
      copyServedAt: x.copyServed?.at ?? null,
      hotline: x.copyServed?.hotline ?? null,
      releaseDueAt: releaseDue,
      legalLimitAt: legal,
      recordedLimitAt: recorded,
      clockReading: reading,
      end: { kind: end.kind, at: end.at, how: end.how },
      hoursHeld: releaseDue !== null && heldUntil !== null ? round2(Math.max(0, heldUntil - releaseDue) / HOUR) : null,
      findings,
    };
  });
}

/** One case with an indication of US citizenship, whether or not a detainer followed. */
export interface CitizenCase {
  caseId: string;
  ori: string | null;
  /** 'verified' when a supervisor verified citizenship, else 'indication'. */
  basis: 'verified' | 'indication';
  /** What the IAR carried (naturalization, citizenship-claim, …; 'status us-citizen' when only the status says so). */
  indications: string[];
  indicatedAt: number | null;
  /** The latest supervisor resolution of a citizenship review (null: none on record). */
  review: { at: number; verdict: 'verified' | 'not-verified'; basis: string | null } | null;
  /** When the case was queued for supervisor review (null: not on record). */
  reviewQueuedAt: number | null;
  /** Detainers of the case (empty: none was issued). */
  detainerIds: string[];
  text: string;
}

/**
 * The US-citizen finding of a case as of `asOf`, detainer or not: any citizenship indication on
 * the IAR (a naturalization record, a claim at booking, status us-citizen) or a supervisor
 * verifying citizenship, with its review and what happened to it. Null when the case shows no
 * indication of citizenship (a review queued or resolved "not verified" alone is none).
 */
export function citizenCase(full: CaseRecord, asOf: number): CitizenCase | null {
  const record = caseAsOf(full, asOf);
  const indications = record.iar?.citizenshipIndications ?? [];
  const shown = indications.length > 0 ? [...indications] : record.iar?.status === 'us-citizen' ? ['status us-citizen'] : [];
  const queued = record.reviewQueued ?? null;
  const verified = record.citizenship.find((c) => c.verdict === 'verified') ?? null;
  // A supervisor review alone is no indication: the guards also queue unknown statuses and unknown offense codes.
  if (shown.length === 0 && verified === null) return null;
  const last = record.citizenship.at(-1) ?? null;
  const detainerIds = record.detainers.map((x) => x.detainerId);
  const what = shown.length > 0 ? `The IAR carried an indication of US citizenship (${shown.join(', ')})` : 'A supervisor review found an indication of US citizenship';
  const reviewText = last ? `a supervisor resolved the review on ${utc(last.at)}: citizenship ${last.verdict}${last.basis ? ` (${last.basis})` : ''}` : queued ? `queued for supervisor review on ${utc(queued.at)}, not resolved` : 'no supervisor review is on record';
  const outcome = detainerIds.length > 0 ? `detainer${detainerIds.length === 1 ? '' : 's'} ${detainerIds.join(', ')} issued` : 'no detainer was issued';
  return {
    caseId: record.caseId,
    ori: record.ori?.value ?? null,
    basis: verified ? 'verified' : 'indication',
    indications: shown,
    indicatedAt: record.iar?.at ?? null,
    review: last ? { at: last.at, verdict: last.verdict, basis: last.basis } : null,
    reviewQueuedAt: queued?.at ?? null,
    detainerIds,
    text: `${what}; ${reviewText}; ${outcome}.`,
  };
}
