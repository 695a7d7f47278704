/**
 * A seeded synthetic case log: events exactly as the agencies write them (same agency, kind
 * and details shape, same order within a case), without running the pipeline — so the
 * statistics can be exercised at ten million events. `scriptEvents` turns one case's story
 * (a `CaseScript`) into its events; `syntheticLog` draws a population of stories and merges
 * their events in time order. `synthetic.test.ts` checks the projection gives the same facts
 * on a pipeline-run scenario as on the scripts of the same cases.
 */
import { createRng, type Rng } from '../../biometrics/synth/random.ts';
import type { Level } from './types.ts';

export interface SynthEvent {
  caseId: string;
  at: number;
  agency: string;
  kind: string;
  summary: string;
  details: Record<string, unknown>;
}

export interface SynthJurisdiction {
  ori: string;
  name: string;
  state: string;
  county: string;
  timeZone: string;
  aor: string;
  /** Participation history, effective order. */
  participation: { mode: string; effectiveAt: number; seriousOffenses?: string[] }[];
}

export interface ScriptCharge {
  ncicCode: string;
  severity: 'felony' | 'misdemeanor';
  maxSentenceMonths: number | null;
  level: Level;
}

export interface CaseScript {
  caseId: string;
  ori: string;
  /** The jurisdiction's ICE area of responsibility (field office). */
  aor: string;
  jurisdictionName: string;
  bookedAt: number;
  arrestDate: string;
  policyVersion: string;
  demographics: { sex: string; race: string; yearOfBirth: number | null; placeOfBirth: string; claimedCitizenship: string | null };
  charges: ScriptCharge[];
  participation: string;
  /** Routing that follows from the participation (jurisdictions/routing.ts). */
  immigrationSearch: 'at-booking' | 'after-conviction' | 'never';
  iarToJail: boolean;
  criminal: { result: 'ident' | 'non-ident'; fbiNumber: string; priorConvictions: number } | { result: 'rejected'; problem: string };
  /** Court dispositions, time order. */
  dispositions: { at: number; outcome: 'conviction' | 'dismissal'; ncicCodes: string[] }[];
  /** The immigration search's answer; ignored when no search happens. */
  ident: { result: 'no-match'; bestScore: number | null } | { result: 'match'; identityId: string; score: number; iar: ScriptIar };
  /** Release due without a detainer in hand (the person just leaves). */
  releaseDueAt?: number;
}

export interface ScriptIar {
  status: string;
  statusReasons: string[];
  citizenshipIndications: ('naturalization-record' | 'claimed')[];
  level: Level | null;
  convictionLevel: Level | null;
  priorConvictions: { ncicCode: string; date: string; level: Level }[];
  policyVersion: string;
  /** The field office's first decision, and what followed. */
  decision: 'detainer' | 'supervisor-review' | 'no-action' | 'await-conviction' | 'notification-request';
  priority: string | null;
  supervisorResolution?: { at: number; citizenship: 'verified' | 'not-verified'; basis?: 'birth' | 'naturalization' | 'derivation'; note: string; then: 'detainer' | 'no-action' };
  detainer?: {
    detainerId: string;
    form: string;
    copyToDetainee: boolean;
    hotline: string | null;
    /** The jail declines it (declines-detainers without a serious offense). */
    declined?: boolean;
    releaseDueAt?: number;
    holdExpiresAt?: number;
    excluded?: unknown[];
    custodyAt?: number;
    /** The hold lapses at holdExpiresAt when no custody comes. */
    outcome?: { at: number; outcome: 'removed' | 'voluntary-departure' | 'relief-granted' | 'terminated' | 'pending' };
  };
}

const levelFinding = (value: Level | null, basis: 'charge-or-conviction' | 'conviction', code: string | null) => ({
  value,
  basis,
  offense: value === null || code === null ? null : { from: 'charge', index: 0, code, category: null, describe: `charge 1: ${code} (Level ${value})` },
});

function reviewReasons(version: string, decision: string, level: Level | null, priority: string | null) {
  return [
    { rule: 'version.in-force', text: `Decided under the version in force (${version}).`, facts: [`decision date: ${version.slice(0, 10)}`] },
    level === null ? { rule: 'level.none', text: 'No criminal record on current charges and prior convictions: non-criminal.', facts: [] } : { rule: 'level.classified', text: `Level ${level}, set by the most serious offense among current charges and prior convictions.`, facts: [`Level ${level}`] },
    priority === null ? { rule: 'priority.none', text: 'Outside the enforcement priorities.', facts: [] } : { rule: `${priority.toLowerCase()}.rule`, text: `${priority}: within the enforcement priorities.`, facts: [] },
    { rule: `decision.${decision}`, text: `Decision: ${decision}.`, facts: [] },
  ];
}

/** One case's events, in the order the pipeline records them. */
export function scriptEvents(s: CaseScript): SynthEvent[] {
  const out: SynthEvent[] = [];
  const ev = (at: number, agency: string, kind: string, summary: string, details: Record<string, unknown> = {}) => out.push({ caseId: s.caseId, at, agency, kind, summary, details });
  const t0 = s.bookedAt;
  const codes = s.charges.map((c) => c.ncicCode);
  ev(t0, 'booking', 'booked', `Booked at ${s.jurisdictionName} (${s.ori}) on ${codes.join(', ')}; CAR sent to the state bureau.`, {
    charges: codes,
    ori: s.ori,
    arrestDate: s.arrestDate,
    policyVersion: s.policyVersion,
    demographics: s.demographics,
    chargeLevels: s.charges.map((c) => ({ ncicCode: c.ncicCode, severity: c.severity, maxSentenceMonths: c.maxSentenceMonths, level: c.level })),
  });
  ev(t0, 'state-bureau', 'car-routed', `CAR routed to FBI CJIS; the jurisdiction's participation at booking: ${s.participation}.`, { participation: s.participation, ori: s.ori });
  if (s.criminal.result === 'rejected') {
    ev(t0, 'criminal-records', 'submission-rejected', `Submission rejected (ERRT): ${s.criminal.problem}`, { problems: [s.criminal.problem] });
    ev(t0, 'state-bureau', 'errt-routed', 'The FBI rejected the submission; ERRT routed to the jail, no immigration search, prints erased.');
    ev(t0, 'booking', 'errt-received', `The submission was rejected: ${s.criminal.problem}. The prints must be retaken and resubmitted.`, { problems: [s.criminal.problem] });
    for (const d of s.dispositions) disposition(d, false);
    return out;
  }
  const c = s.criminal;
  ev(t0, 'criminal-records', 'criminal-search', c.result === 'ident' ? `FBI identification: subject ${c.fbiNumber}, ${c.priorConvictions} prior conviction(s).` : `No FBI identification; new subject ${c.fbiNumber} enrolled.`, { fbiNumber: c.fbiNumber, result: c.result });
  let matched = false;
  let searched = false;
  if (s.immigrationSearch === 'at-booking') {
    ev(t0, 'state-bureau', 'ident-search-sent', `Prints sent to DHS IDENT: the jurisdiction is ${s.participation}.`);
    ev(t0, 'booking', 'sre-received', `SRE received: FBI ${c.fbiNumber}, ${c.priorConvictions} prior conviction(s).`);
    matched = identAnswer(t0);
    searched = true;
  } else if (s.immigrationSearch === 'after-conviction') {
    ev(t0, 'state-bureau', 'ident-search-deferred', 'Immigration search deferred: the jurisdiction shares prints with DHS only after a conviction.');
    ev(t0, 'booking', 'sre-received', `SRE received: FBI ${c.fbiNumber}, ${c.priorConvictions} prior conviction(s).`);
  } else {
    ev(t0, 'state-bureau', 'ident-search-not-routed', `No immigration search: the jurisdiction is ${s.participation}. Prints erased from the state bureau.`);
    ev(t0, 'booking', 'sre-received', `SRE received: FBI ${c.fbiNumber}, ${c.priorConvictions} prior conviction(s).`);
  }
  if (matched) afterMatch();
  else {
    const pending = s.charges.map((x) => ({ code: x.ncicCode, disposition: 'pending' as 'pending' | 'convicted' | 'dismissed' }));
    for (const d of s.dispositions) {
      for (const x of pending) if (d.ncicCodes.includes(x.code)) x.disposition = d.outcome === 'conviction' ? 'convicted' : 'dismissed';
      const deferred = s.immigrationSearch === 'after-conviction' && !searched;
      if (deferred && d.outcome === 'conviction') {
        disposition(d, false, () => ev(d.at, 'state-bureau', 'ident-search-sent', 'Prints sent to DHS IDENT: a conviction was entered (share-after-conviction).'));
        searched = true;
        if (identAnswer(d.at)) {
          afterMatch(d.at, s.dispositions.slice(s.dispositions.indexOf(d) + 1));
          return out;
        }
      } else if (deferred && pending.every((x) => x.disposition === 'dismissed')) {
        disposition(d, false, () => ev(d.at, 'state-bureau', 'ident-search-dropped', 'All charges dismissed: the deferred immigration search will never happen. Prints erased from the state bureau.'));
        searched = true;
      } else disposition(d, false);
    }
    if (s.releaseDueAt !== undefined) ev(s.releaseDueAt, 'booking', 'released', 'Released (release-due).', { at: s.releaseDueAt, detainerId: null, reason: 'release-due' });
  }
  return out;

  /** The jail's disposition, the state bureau's reaction (`between`), then the FBI's and the field office's. */
  function disposition(d: CaseScript['dispositions'][number], toFieldOffice: boolean, between?: () => void) {
    ev(d.at, 'booking', 'disposition', `${d.outcome === 'conviction' ? 'Convicted' : 'Dismissed'}: ${d.ncicCodes.join(', ')}.`, { outcome: d.outcome, ncicCodes: d.ncicCodes, at: d.at });
    between?.();
    if (s.criminal.result === 'rejected') ev(d.at, 'criminal-records', 'ignored', 'Disposition not posted: the submission was rejected, so no subject holds this arrest.');
    else ev(d.at, 'criminal-records', 'rap-sheet-updated', `Rap sheet updated: ${d.outcome} (${d.ncicCodes.join(', ')}).`);
    if (toFieldOffice) ev(d.at, 'field-office', 'disposition-noted', `Disposition noted: ${d.outcome} (${d.ncicCodes.join(', ')}).`);
  }

  function identAnswer(at: number): boolean {
    if (s.ident.result === 'match') {
      ev(at, 'immigration-records', 'ident-match', `IDENT match: identity ${s.ident.identityId}.`, { identityId: s.ident.identityId, score: s.ident.score });
      ev(at, 'state-bureau', 'iaq-sent', `IDENT match (identity ${s.ident.identityId}); IAQ sent to LESC.`, { identityId: s.ident.identityId });
      if (s.iarToJail) ev(at, 'booking', 'idr-received', 'IDR received: match.');
      return true;
    }
    ev(at, 'immigration-records', 'ident-no-match', 'IDENT: no match.', { bestScore: s.ident.bestScore });
    ev(at, 'state-bureau', 'idr-no-match', 'IDENT: no match. Nothing further.');
    if (s.iarToJail) ev(at, 'booking', 'idr-received', 'IDR received: no-match.');
    return false;
  }

  function afterMatch(at = t0, laterDispositions = s.dispositions) {
    if (s.ident.result !== 'match') return;
    const iar = s.ident.iar;
    const sentTo = s.iarToJail ? ['field-office', 'booking'] : ['field-office'];
    const mostSerious = s.charges.reduce((a, b) => (b.level < a.level ? b : a), s.charges[0]);
    ev(at, 'lesc', 'iar-sent', `IAR: status ${iar.status}, Level ${iar.level ?? 'none (non-criminal)'} under ${iar.policyVersion}; sent to ${sentTo.join(' and ')}.`, {
      status: iar.status,
      statusReasons: iar.statusReasons,
      citizenshipIndications: iar.citizenshipIndications,
      level: levelFinding(iar.level, 'charge-or-conviction', mostSerious?.ncicCode ?? null),
      policyVersion: iar.policyVersion,
      reasons: [{ rule: 'level.classified', text: `Level ${iar.level ?? 'none'}.`, facts: [] }],
      sentTo,
      ori: s.ori,
      convictionLevel: levelFinding(iar.convictionLevel, 'conviction', iar.priorConvictions[0]?.ncicCode ?? null),
      priorConvictions: iar.priorConvictions,
    });
    const review = (when: number, trigger: string, decision: string) =>
      ev(when, 'field-office', 'review', `Field office review (${trigger}) under ${iar.policyVersion}: ${decision}.`, {
        decision,
        policyVersion: iar.policyVersion,
        asOf: new Date(when).toISOString().slice(0, 10),
        level: iar.level,
        convictionLevel: iar.convictionLevel,
        priority: iar.priority,
        reasons: reviewReasons(iar.policyVersion, decision, iar.level, iar.priority),
      });
    review(at, 'iar', iar.decision);
    const det = iar.detainer;
    const issue = (when: number) => {
      if (det === undefined) return;
      ev(when, 'field-office', 'detainer-issued', `Detainer ${det.detainerId} (${det.form}) issued to the jail.`, {
        detainerId: det.detainerId,
        ori: s.ori,
        aor: s.aor,
        form: det.form,
        copyToDetainee: det.copyToDetainee,
        hotline: det.hotline,
        holdLimitHours: 48,
        policyVersion: iar.policyVersion,
      });
    };
    if (iar.decision === 'detainer') issue(at);
    if (iar.decision === 'supervisor-review') ev(at, 'field-office', 'supervisor-review-queued', 'Queued for supervisor review; no detainer.');
    if (s.iarToJail) ev(at, 'booking', 'iar-received', `IAR received: status ${iar.status}, Level ${iar.level ?? 'none'}.`);
    const jailGets = (when: number) => {
      if (det === undefined) return;
      if (det.declined) {
        const reason = 'the jurisdiction declines detainers except for serious offenses; none is charged';
        ev(when, 'booking', 'detainer-declined', `Detainer ${det.detainerId} declined: ${reason}.`, { participation: s.participation, detainerId: det.detainerId, reason });
        ev(when, 'field-office', 'detainer-declined', `The jail declined detainer ${det.detainerId}: ${reason}.`, { detainerId: det.detainerId, reason });
        return;
      }
      ev(when, 'booking', 'detainer-received', `Detainer ${det.detainerId} (${det.form}) received; hold no longer than 48 h excluding weekends and holidays.`, { detainerId: det.detainerId, policyVersion: iar.policyVersion });
      if (det.copyToDetainee) ev(when, 'booking', 'detainer-copy-served', `Copy of the detainer served on the person, with the hotline ${det.hotline ?? '(none)'}.`, { hotline: det.hotline, detainerId: det.detainerId });
    };
    if (iar.decision === 'detainer') jailGets(at);
    if (iar.supervisorResolution !== undefined) {
      const r = iar.supervisorResolution;
      ev(r.at, 'field-office', 'supervisor-review-resolved', `Supervisor review resolved: citizenship ${r.citizenship}. ${r.note}`, { resolution: { citizenship: r.citizenship, ...(r.basis ? { basis: r.basis } : {}), note: r.note } });
      review(r.at, 'supervisor-review', r.then);
      if (r.then === 'detainer') {
        issue(r.at);
        jailGets(r.at);
      }
    }
    for (const d of laterDispositions) disposition(d, true);
    const active = det !== undefined && !det.declined && (iar.decision === 'detainer' || iar.supervisorResolution?.then === 'detainer');
    if (!active || det === undefined) {
      if (s.releaseDueAt !== undefined) {
        const declined = det?.declined ? det.detainerId : null;
        ev(s.releaseDueAt, 'booking', 'released', 'Released (release-due).', { at: s.releaseDueAt, detainerId: declined, reason: 'release-due' });
        if (declined !== null) ev(s.releaseDueAt, 'field-office', 'detainer-ended', `Detainer ${declined}: the jail released the person (release-due); detainer declined.`, { detainerId: declined, state: 'declined', reason: 'release-due', at: s.releaseDueAt });
      }
      return;
    }
    if (det.releaseDueAt === undefined || det.holdExpiresAt === undefined) return;
    ev(det.releaseDueAt, 'booking', 'hold-started', `Release due; held on detainer ${det.detainerId}.`, { releaseDue: det.releaseDueAt, holdExpiresAt: det.holdExpiresAt, detainerId: det.detainerId, excluded: det.excluded ?? [] });
    ev(det.releaseDueAt, 'field-office', 'detainer-clock-started', 'Detainer clock started.', { expiresAt: det.holdExpiresAt, timer: `detainer:${det.detainerId}:expiry`, detainerId: det.detainerId, releaseDue: det.releaseDueAt });
    if (det.custodyAt !== undefined && det.custodyAt < det.holdExpiresAt) {
      ev(det.custodyAt, 'field-office', 'custody-assumed', `ICE assumed custody on detainer ${det.detainerId}; the clock is stopped.`, { detainerId: det.detainerId, at: det.custodyAt });
      ev(det.custodyAt, 'booking', 'custody-transferred', 'Released into ICE custody.', { detainerId: det.detainerId, at: det.custodyAt });
      if (det.outcome !== undefined) ev(det.outcome.at, 'field-office', 'proceedings-outcome', `Removal proceedings: ${det.outcome.outcome}.`, { outcome: det.outcome.outcome, at: det.outcome.at });
    } else {
      ev(det.holdExpiresAt, 'booking', 'hold-lapsed', 'The detainer hold lapsed without ICE taking custody; the person must be released.', { detainerId: det.detainerId, expiresAt: det.holdExpiresAt });
      ev(det.holdExpiresAt, 'booking', 'released', 'Released (hold-lapsed).', { at: det.holdExpiresAt, detainerId: det.detainerId, reason: 'hold-lapsed' });
      ev(det.holdExpiresAt, 'field-office', 'detainer-ended', `Detainer ${det.detainerId}: the jail released the person (hold-lapsed); detainer lapsed.`, { detainerId: det.detainerId, state: 'lapsed', reason: 'hold-lapsed', at: det.holdExpiresAt });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// A random population

export interface SyntheticOptions {
  seed: string | number;
  /** Number of bookings. */
  bookings: number;
  /** Number of jurisdictions (default 300), spread over states and field offices. */
  jurisdictions?: number;
  /** First and last booking time (default Oct 2008 – Sep 2013). */
  from?: number;
  to?: number;
}

const STATES = [
  ['TX', 'America/Chicago', 'HOU'],
  ['TX', 'America/Chicago', 'DAL'],
  ['TX', 'America/Chicago', 'SNA'],
  ['CA', 'America/Los_Angeles', 'LOS'],
  ['CA', 'America/Los_Angeles', 'SFR'],
  ['CA', 'America/Los_Angeles', 'SND'],
  ['AZ', 'America/Phoenix', 'PHO'],
  ['FL', 'America/New_York', 'MIA'],
  ['NY', 'America/New_York', 'NYC'],
  ['IL', 'America/Chicago', 'CHI'],
  ['LA', 'America/Chicago', 'NOL'],
  ['GA', 'America/New_York', 'ATL'],
  ['NC', 'America/New_York', 'ATL'],
  ['WA', 'America/Los_Angeles', 'SEA'],
  ['CO', 'America/Denver', 'DEN'],
  ['MA', 'America/New_York', 'BOS'],
] as const;

/** Charges by (NCIC code, severity, max sentence, Level under the default ranges), with weights like UCR's arrest mix. */
const CHARGES: readonly [ScriptCharge, number][] = [
  [{ ncicCode: '5404', severity: 'misdemeanor', maxSentenceMonths: 6, level: 2 }, 11],
  [{ ncicCode: '3562', severity: 'misdemeanor', maxSentenceMonths: 12, level: 2 }, 10],
  [{ ncicCode: '1313', severity: 'misdemeanor', maxSentenceMonths: 12, level: 1 }, 10],
  [{ ncicCode: '2399', severity: 'misdemeanor', maxSentenceMonths: 12, level: 2 }, 10],
  [{ ncicCode: '5399', severity: 'misdemeanor', maxSentenceMonths: 6, level: 3 }, 9],
  [{ ncicCode: '4199', severity: 'misdemeanor', maxSentenceMonths: 3, level: 3 }, 8],
  [{ ncicCode: '5499', severity: 'misdemeanor', maxSentenceMonths: 6, level: 2 }, 8],
  [{ ncicCode: '7399', severity: 'misdemeanor', maxSentenceMonths: 6, level: 3 }, 6],
  [{ ncicCode: '1399', severity: 'felony', maxSentenceMonths: 60, level: 1 }, 3],
  [{ ncicCode: '3530', severity: 'felony', maxSentenceMonths: 60, level: 1 }, 2],
  [{ ncicCode: '2299', severity: 'felony', maxSentenceMonths: 60, level: 2 }, 2],
  [{ ncicCode: '1201', severity: 'felony', maxSentenceMonths: 120, level: 1 }, 1],
  [{ ncicCode: '0999', severity: 'felony', maxSentenceMonths: null, level: 1 }, 0.2],
];
const CHARGE_TOTAL = CHARGES.reduce((a, [, w]) => a + w, 0);

function pickCharge(rng: Rng): ScriptCharge {
  let x = rng.next() * CHARGE_TOTAL;
  for (const [c, w] of CHARGES) {
    x -= w;
    if (x < 0) return c;
  }
  return CHARGES[0][0];
}

const DAY = 86_400_000;
const VERSIONS: [number, string, string, boolean][] = [
  [Date.UTC(2008, 9, 1), '2008-10-launch', 'I-247 (2008)', false],
  [Date.UTC(2010, 5, 30), '2010-06-30-priorities', 'I-247 (2008)', false],
  [Date.UTC(2011, 2, 2), '2011-03-02-priorities-reissued', 'I-247 (2008)', false],
  [Date.UTC(2011, 5, 17), '2011-06-17-discretion', 'I-247 (2008)', false],
  [Date.UTC(2011, 11, 29), '2011-12-29-detainer-form', 'I-247 (12/11)', true],
  [Date.UTC(2012, 11, 21), '2012-12-21-detainer-guidance', 'I-247 (12/12)', true],
];
function versionAt(t: number) {
  let v = VERSIONS[0];
  for (const x of VERSIONS) if (x[0] <= t) v = x;
  return { id: v[1], form: v[2], copy: v[3] };
}

export function syntheticJurisdictions(rng: Rng, n: number, from: number, to: number): SynthJurisdiction[] {
  const out: SynthJurisdiction[] = [];
  for (let i = 0; i < n; i++) {
    const [state, timeZone, aor] = STATES[i % STATES.length];
    const ori = `${state}${String(1000 + i).padStart(5, '0')}00`.slice(0, 9);
    // Staggered activation: most within the period, a few never.
    const never = rng.chance(0.05);
    const activatedAt = from + Math.floor(rng.next() ** 1.5 * (to - from) * 0.9);
    const participation: SynthJurisdiction['participation'] = [];
    if (!never) {
      const r = rng.next();
      participation.push({ mode: 'activated', effectiveAt: activatedAt });
      const later = activatedAt + Math.floor(rng.uniform(0.1, 0.9) * (to - activatedAt));
      if (r < 0.05) participation.push({ mode: 'opted-out-of-iar', effectiveAt: later });
      else if (r < 0.08) participation.push({ mode: 'share-after-conviction', effectiveAt: later });
      else if (r < 0.11) participation.push({ mode: 'declines-detainers', effectiveAt: later, seriousOffenses: ['09', '10', '11', '12'] });
      else if (r < 0.12) participation.push({ mode: 'withdrawn', effectiveAt: later });
    }
    out.push({ ori, name: `County ${i} Sheriff`, state, county: `County ${i}`, timeZone, aor, participation });
  }
  return out;
}

function modeAt(j: SynthJurisdiction, t: number): { mode: string; seriousOffenses: string[] } {
  let m = { mode: 'not-activated', seriousOffenses: [] as string[] };
  for (const p of j.participation) if (p.effectiveAt <= t) m = { mode: p.mode, seriousOffenses: p.seriousOffenses ?? [] };
  return m;
}

function routing(mode: string): { search: CaseScript['immigrationSearch']; iarToJail: boolean } {
  switch (mode) {
    case 'activated':
    case 'declines-detainers':
      return { search: 'at-booking', iarToJail: true };
    case 'opted-out-of-iar':
      return { search: 'at-booking', iarToJail: false };
    case 'share-after-conviction':
      return { search: 'after-conviction', iarToJail: true };
    default:
      return { search: 'never', iarToJail: false };
  }
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function idOf(prefix: string, t: number, n: number): string {
  // Time-ordered like the pipeline's ULID-style ids: 10 characters of time, then a counter.
  let s = '';
  let x = t;
  for (let i = 0; i < 10; i++) {
    s = ALPHABET[x % 32] + s;
    x = Math.floor(x / 32);
  }
  return `${prefix}${s}${n.toString(32).toUpperCase().padStart(6, '0')}`;
}

/** A random case story at booking time `t` in jurisdiction `j`. */
export function randomScript(rng: Rng, j: SynthJurisdiction, t: number, n: number): CaseScript {
  const caseId = idOf('CASE', t, n);
  const { mode, seriousOffenses } = modeAt(j, t);
  const route = routing(mode);
  const nCharges = rng.chance(0.2) ? 2 : 1;
  const charges: ScriptCharge[] = [];
  for (let i = 0; i < nCharges; i++) {
    const c = pickCharge(rng);
    if (!charges.some((x) => x.ncicCode === c.ncicCode)) charges.push(c);
  }
  const version = versionAt(t);
  const arrestDate = new Date(t).toISOString().slice(0, 10);
  const foreignBorn = rng.chance(0.12);
  const demographics = {
    sex: rng.chance(0.75) ? 'M' : 'F',
    race: rng.pick(['W', 'W', 'W', 'B', 'B', 'A', 'I', 'U']),
    yearOfBirth: rng.chance(0.97) ? rng.int(1940, 1995) : null,
    placeOfBirth: foreignBorn ? rng.pick(['MM', 'GT', 'ES', 'HO', 'II', 'CH']) : j.state,
    claimedCitizenship: foreignBorn ? (rng.chance(0.1) ? 'US' : null) : 'US',
  };
  const priors = rng.chance(foreignBorn ? 0.35 : 0.45) ? rng.int(1, 3) : 0;
  const criminal: CaseScript['criminal'] = rng.chance(0.002) ? { result: 'rejected', problem: 'fingerprint image quality too low to search' } : { result: priors > 0 ? 'ident' : rng.chance(0.3) ? 'ident' : 'non-ident', fbiNumber: `F${caseId.slice(-8)}`, priorConvictions: priors };
  const dispositions: CaseScript['dispositions'] = [];
  const courtAt = t + rng.int(7, 120) * DAY;
  const r = rng.next();
  if (r < 0.55) dispositions.push({ at: courtAt, outcome: 'conviction', ncicCodes: [charges[0].ncicCode] });
  else if (r < 0.8) dispositions.push({ at: courtAt, outcome: 'dismissal', ncicCodes: charges.map((c) => c.ncicCode) });
  const releaseDueAt = t + rng.int(1, 20) * DAY;
  const script: CaseScript = {
    caseId,
    ori: j.ori,
    aor: j.aor,
    jurisdictionName: j.name,
    bookedAt: t,
    arrestDate,
    policyVersion: version.id,
    demographics,
    charges,
    participation: mode,
    immigrationSearch: route.search,
    iarToJail: route.iarToJail,
    criminal,
    dispositions,
    ident: { result: 'no-match', bestScore: rng.chance(0.5) ? Math.round(rng.uniform(0, 60)) : null },
    releaseDueAt,
  };
  if (!foreignBorn && !rng.chance(0.01)) return script;
  if (!rng.chance(0.6)) return script;
  // A match: LESC's classification, the field office's decision, what follows.
  const priorLevels: ScriptIar['priorConvictions'] = [];
  for (let i = 0; i < priors; i++) {
    const c = pickCharge(rng);
    priorLevels.push({ ncicCode: c.ncicCode, date: new Date(t - rng.int(200, 4000) * DAY).toISOString().slice(0, 10), level: c.level });
  }
  const minLevel = (ls: Level[]): Level | null => (ls.length === 0 ? null : (Math.min(...ls) as Level));
  const status = rng.pick(['ewi', 'ewi', 'overstay', 'prior-removal', 'lpr', 'pending-application', 'unknown']);
  const naturalized = rng.chance(0.02);
  const indications: ScriptIar['citizenshipIndications'] = [];
  if (naturalized) indications.push('naturalization-record');
  if (demographics.claimedCitizenship === 'US') indications.push('claimed');
  const level = minLevel([...charges.map((c) => c.level), ...priorLevels.map((p) => p.level)]);
  const convictionLevel = minLevel(priorLevels.map((p) => p.level));
  const needsSupervisor = indications.length > 0 || status === 'unknown';
  const decision: ScriptIar['decision'] = needsSupervisor ? 'supervisor-review' : status === 'lpr' && (convictionLevel ?? 3) > 1 ? 'no-action' : rng.chance(0.8) ? 'detainer' : 'no-action';
  const detainerAt = t;
  const iar: ScriptIar = {
    status,
    statusReasons: [`${status} (synthetic)`],
    citizenshipIndications: indications,
    level,
    convictionLevel,
    priorConvictions: priorLevels,
    policyVersion: version.id,
    decision,
    priority: level === 1 ? 'P1' : status === 'prior-removal' ? 'P3' : null,
  };
  if (decision === 'supervisor-review') {
    const verified = naturalized && rng.chance(0.7);
    iar.supervisorResolution = { at: t + rng.int(1, 48) * 3_600_000, citizenship: verified ? 'verified' : 'not-verified', note: verified ? 'Citizenship verified with USCIS.' : 'No record of citizenship found.', then: verified ? 'no-action' : 'detainer' };
  }
  const detains = decision === 'detainer' || iar.supervisorResolution?.then === 'detainer';
  if (detains) {
    const issuedAt = iar.supervisorResolution?.at ?? detainerAt;
    const declined = mode === 'declines-detainers' && !charges.some((c) => seriousOffenses.some((s) => c.ncicCode.startsWith(s)));
    const due = Math.max(releaseDueAt, issuedAt + DAY);
    const expires = due + 2 * DAY;
    const custody = rng.chance(0.75) ? due + rng.int(1, 40) * 3_600_000 : undefined;
    const outcomeR = rng.next();
    iar.detainer = {
      detainerId: idOf('DET-', t, n),
      form: version.form,
      copyToDetainee: version.copy,
      hotline: version.copy ? '(855) 448-6903' : null,
      declined,
      releaseDueAt: due,
      holdExpiresAt: expires,
      excluded: [],
      ...(custody !== undefined ? { custodyAt: custody } : {}),
      ...(custody !== undefined && outcomeR < 0.85 ? { outcome: { at: custody + rng.int(10, 300) * DAY, outcome: outcomeR < 0.7 ? 'removed' : outcomeR < 0.78 ? 'voluntary-departure' : 'relief-granted' } } : {}),
    };
    script.releaseDueAt = declined ? releaseDueAt : undefined;
  }
  script.ident = { result: 'match', identityId: idOf('IDENT-', t, n), score: Math.round(rng.uniform(120, 500)), iar };
  return script;
}

/** Min-heap of events by (at, order). */
class EventHeap {
  private readonly items: { e: SynthEvent; k: number }[] = [];
  get size() {
    return this.items.length;
  }
  peek(): SynthEvent | undefined {
    return this.items[0]?.e;
  }
  push(e: SynthEvent, k: number): void {
    const a = this.items;
    a.push({ e, k });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): SynthEvent | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top.e;
  }
}
const less = (x: { e: SynthEvent; k: number }, y: { e: SynthEvent; k: number }) => x.e.at < y.e.at || (x.e.at === y.e.at && x.k < y.k);

export interface SyntheticLog {
  jurisdictions: SynthJurisdiction[];
  /** Events in time order (a case's own events in pipeline order), `bookings` cases' worth. */
  events(): Generator<SynthEvent>;
}

/**
 * A population of `bookings` random cases in `jurisdictions` jurisdictions, bookings spread
 * uniformly over [from, to]; the events of all cases merged in time order (ties keep each
 * case's order). Same seed, same log.
 */
export function syntheticLog(options: SyntheticOptions): SyntheticLog {
  const from = options.from ?? Date.UTC(2008, 9, 1);
  const to = options.to ?? Date.UTC(2013, 8, 30);
  const rng = createRng(`synthetic-log:${options.seed}`);
  const jurisdictions = syntheticJurisdictions(rng.fork('jurisdictions'), options.jurisdictions ?? 300, from, to);
  // Larger jurisdictions book more: Zipf-like weights.
  const weights = jurisdictions.map((_, i) => 1 / (1 + (i % 97)));
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w));
  return {
    jurisdictions,
    *events() {
      const r = rng.fork('bookings');
      const heap = new EventHeap();
      let order = 0;
      const step = (to - from) / Math.max(1, options.bookings);
      for (let n = 0; n < options.bookings; n++) {
        const t = Math.floor(from + n * step + r.next() * step * 0.5);
        while (heap.size > 0 && heap.peek()!.at <= t) yield heap.pop()!;
        const x = r.next() * acc;
        let lo = 0;
        let hi = cum.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] < x) lo = mid + 1;
          else hi = mid;
        }
        for (const e of scriptEvents(randomScript(r, jurisdictions[lo], t, n))) heap.push(e, order++);
      }
      while (heap.size > 0) yield heap.pop()!;
    },
  };
}
