/**
 * The reducer: one case-log event applied to a case's facts. Pure and deterministic — the
 * result depends only on the case's own events (in seq order) and the registry — so folding
 * a case's events one batch at a time (incremental) or all at once (rebuild) gives the same
 * facts. Unknown kinds and malformed details are reported, never thrown.
 */
import { categoryOf, type CaseFact, type ChargeFact, type Demographics, type DetainerFact, type Level, type LevelCategory, type LogEvent, type Registry } from './types.ts';

/** Kinds whose details the reducer reads (the reader may skip the details of every other kind). */
export const KINDS_WITH_DETAILS: readonly string[] = [
  'booked',
  'car-routed',
  'criminal-search',
  'iar-sent',
  'detainer-issued',
  'hold-started',
  'released',
  'custody-assumed',
  'proceedings-outcome',
  'disposition',
  'supervisor-review-resolved',
];

/** Kinds that change facts without details, and known kinds the facts do not use. */
const KINDS_WITHOUT_DETAILS = new Set([
  'ident-search-sent',
  'ident-search-deferred',
  'ident-search-not-routed',
  'ident-search-dropped',
  'submission-rejected',
  'ident-match',
  'ident-no-match',
  'supervisor-review-queued',
  'detainer-declined',
  'detainer-after-release',
  'hold-lapsed',
  'detainer-lifted',
]);
export const KINDS_NOT_USED: readonly string[] = [
  'sre-received',
  'errt-received',
  'errt-routed',
  'idr-received',
  'idr-no-match',
  'iaq-sent',
  'iar-received',
  'duplicate-ignored',
  'resubmission-recognised',
  'ignored',
  'detainer-received',
  'detainer-copy-served',
  'custody-transferred',
  'rap-sheet-updated',
  'review',
  'disposition-noted',
  'closed',
  'detainer-clock-started',
  'detainer-ended',
];
const NOT_USED = new Set(KINDS_NOT_USED);
const WITH_DETAILS = new Set(KINDS_WITH_DETAILS);

/** Every kind the agencies write (as of this projection's version). */
export const KNOWN_KINDS: readonly string[] = [...KINDS_WITH_DETAILS, ...KINDS_WITHOUT_DETAILS, ...KINDS_NOT_USED];

/** Proceedings outcomes counted as a removal (ICE counts returns with removals). */
export const REMOVAL_OUTCOMES: readonly string[] = ['removed', 'voluntary-departure'];

export type ApplyResult = { status: 'applied' } | { status: 'not-used' } | { status: 'unknown-kind' } | { status: 'malformed'; problem: string };

class Malformed extends Error {}

type Obj = Record<string, unknown>;

function parseDetails(e: LogEvent): Obj {
  if (e.details === null) throw new Malformed('details missing');
  let v: unknown;
  try {
    v = JSON.parse(e.details);
  } catch {
    throw new Malformed('details are not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Malformed('details are not a JSON object');
  return v as Obj;
}

const str = (o: Obj, k: string): string | null => {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Malformed(`${k} is not a string`);
  return v;
};
const reqStr = (o: Obj, k: string): string => {
  const v = str(o, k);
  if (v === null) throw new Malformed(`${k} is missing`);
  return v;
};
const num = (o: Obj, k: string): number | null => {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Malformed(`${k} is not a finite number`);
  return v;
};
function levelOf(v: unknown, what: string): Level | null {
  if (v === null || v === undefined) return null;
  if (v === 1 || v === 2 || v === 3) return v;
  throw new Malformed(`${what} is not a Level (1, 2, 3 or null)`);
}
/** A LevelFinding ({ value }) or a bare Level. */
function findingLevel(v: unknown, what: string): Level | null {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return levelOf((v as Obj).value, `${what}.value`);
  return levelOf(v, what);
}
function arr(o: Obj, k: string): unknown[] | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new Malformed(`${k} is not an array`);
  return v;
}
function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Malformed(`${what} is not an object`);
  return v as Obj;
}

function setJurisdiction(f: CaseFact, ori: string | null, registry: Registry): void {
  if (ori === null || f.ori !== null) return;
  f.ori = ori;
  const j = registry.get(ori);
  f.state = j?.state ?? null;
  f.aor = j?.aor ?? null;
}

function levelValue(c: LevelCategory | null): Level | null {
  return c === 'level-1' ? 1 : c === 'level-2' ? 2 : c === 'level-3' ? 3 : null;
}

/** Level by conviction at `t`: prior convictions (or LESC's conviction Level) and this booking's charges convicted by then. */
export function convictionLevelAt(f: CaseFact, t: number): LevelCategory {
  let best: Level | null = f.convictionLevelAtIar === null ? null : levelValue(f.convictionLevelAtIar);
  if (f.priorConvictionLevels !== null) for (const l of f.priorConvictionLevels) if (l !== null && (best === null || l < best)) best = l;
  for (const c of f.charges) if (c.disposition === 'convicted' && c.dispositionAt !== null && c.dispositionAt <= t && c.level !== null && (best === null || c.level < best)) best = c.level;
  return categoryOf(best);
}

/**
 * Recomputes the derived fields (Levels at ICE custody and removal, disposition summary) from
 * the fact's own state. `applyEvent` calls it after each event; a caller folding many events
 * of one case may pass `{ derive: false }` and call this once at the end — same result.
 */
export function deriveFact(f: CaseFact): void {
  f.levelAtIceCustody = f.iceCustodyAt === null ? null : convictionLevelAt(f, f.iceCustodyAt);
  f.levelAtRemoval = f.removedAt === null ? null : convictionLevelAt(f, f.removedAt);
  // One pass over the charges: first conviction (a conviction without a time counts as none), and whether every charge was dismissed (and when the last was).
  let convicted = false;
  let convictedAt = Number.MAX_SAFE_INTEGER;
  let allDismissed = f.charges.length > 0;
  let lastDismissal = Number.NEGATIVE_INFINITY;
  for (const c of f.charges) {
    if (c.disposition === 'convicted') {
      convicted = true;
      const at = c.dispositionAt ?? Number.MAX_SAFE_INTEGER;
      if (at < convictedAt) convictedAt = at;
    }
    if (c.disposition !== 'dismissed') allDismissed = false;
    else if ((c.dispositionAt ?? 0) > lastDismissal) lastDismissal = c.dispositionAt ?? 0;
  }
  f.convictedAt = convicted && convictedAt !== Number.MAX_SAFE_INTEGER ? convictedAt : null;
  if (convicted) {
    f.disposition = 'convicted';
    f.dismissedAt = null;
  } else if (allDismissed) {
    f.disposition = 'dismissed';
    f.dismissedAt = lastDismissal;
  } else {
    f.disposition = 'pending';
    f.dismissedAt = null;
  }
}

function demographicsOf(v: unknown): Demographics | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, 'demographics');
  const yob = num(o, 'yearOfBirth');
  return { sex: str(o, 'sex'), race: str(o, 'race'), yearOfBirth: yob === null ? null : Math.trunc(yob), placeOfBirth: str(o, 'placeOfBirth'), claimedCitizenship: str(o, 'claimedCitizenship') };
}

function currentDetainer(f: CaseFact) {
  return f.detainers.at(-1);
}

const APPLIED: ApplyResult = Object.freeze({ status: 'applied' });
const NOT_USED_RESULT: ApplyResult = Object.freeze({ status: 'not-used' });
const UNKNOWN_KIND: ApplyResult = Object.freeze({ status: 'unknown-kind' });
const NO_DETAILS: Obj = Object.freeze({});

/**
 * Applies `e` to `f` (mutated in place; the caller owns the copy). The event is assumed to be
 * the case's next in seq order; an event with a seq at or below `f.lastSeq` is not re-applied.
 */
export function applyEvent(f: CaseFact, e: LogEvent, registry: Registry, options: { derive?: boolean } = {}): ApplyResult {
  if (NOT_USED.has(e.kind)) return NOT_USED_RESULT;
  if (!WITH_DETAILS.has(e.kind)) return KINDS_WITHOUT_DETAILS.has(e.kind) ? apply(f, e.seq, e.at, e.kind, NO_DETAILS, registry, options.derive !== false) : UNKNOWN_KIND;
  let d: Obj;
  try {
    d = parseDetails(e);
  } catch (error) {
    if (error instanceof Malformed) return { status: 'malformed', problem: error.message };
    throw error;
  }
  return apply(f, e.seq, e.at, e.kind, d, registry, options.derive !== false);
}

function apply(f: CaseFact, seq: number, at: number, kind: string, d: Obj, registry: Registry, derive: boolean): ApplyResult {
  try {
    change(f, at, kind, d, registry);
  } catch (error) {
    if (error instanceof Malformed) return { status: 'malformed', problem: error.message };
    throw error;
  }
  f.events += 1;
  if (seq > f.lastSeq) f.lastSeq = seq;
  if (derive) deriveFact(f);
  return APPLIED;
}

/**
 * One event's change. Each kind validates (and reads) every detail it needs before its first
 * write to `f`, so a malformed event (a `Malformed` thrown) changes nothing.
 */
function change(f: CaseFact, at: number, kind: string, d: Obj, registry: Registry): void {
  switch (kind) {
    case 'booked': {
      const ori = str(d, 'ori');
      const demographics = demographicsOf(d.demographics);
      const arrestDate = str(d, 'arrestDate');
      const levels = arr(d, 'chargeLevels');
      let charges: ChargeFact[];
      if (levels !== null) {
        charges = levels.map((x, i) => {
          const o = obj(x, `chargeLevels[${i}]`);
          return { ncicCode: reqStr(o, 'ncicCode'), level: levelOf(o.level, `chargeLevels[${i}].level`), disposition: 'pending', dispositionAt: null };
        });
      } else {
        const codes = arr(d, 'charges') ?? [];
        charges = codes.map((x, i) => {
          if (typeof x !== 'string') throw new Malformed(`charges[${i}] is not a string`);
          return { ncicCode: x, level: null, disposition: 'pending', dispositionAt: null };
        });
      }
      setJurisdiction(f, ori, registry);
      f.bookedAt = at;
      f.fingerprintSubmittedAt = at;
      f.arrestDate = arrestDate;
      f.demographics = demographics;
      f.charges = charges;
      return;
    }
    case 'car-routed': {
      const participation = str(d, 'participation');
      const ori = str(d, 'ori');
      setJurisdiction(f, ori, registry);
      f.participationAtBooking = participation;
      return;
    }
    case 'criminal-search': {
      const result = str(d, 'result');
      if (result !== 'ident' && result !== 'non-ident') throw new Malformed('result is not ident or non-ident');
      f.criminalSearch = result;
      f.criminalSearchAt = at;
      return;
    }
    case 'submission-rejected':
      f.criminalSearch = 'rejected';
      f.criminalSearchAt = at;
      f.identSearch = 'submission-rejected';
      return;
    case 'ident-search-sent':
      f.identSearch = 'searched';
      if (f.identSearchedAt === null) f.identSearchedAt = at;
      return;
    case 'ident-search-deferred':
      f.identSearch = 'deferred';
      return;
    case 'ident-search-not-routed':
      f.identSearch = 'not-routed';
      return;
    case 'ident-search-dropped':
      f.identSearch = 'dropped';
      return;
    case 'ident-match':
      f.identResult = 'match';
      f.identResultAt ??= at;
      f.identifiedAt ??= at;
      return;
    case 'ident-no-match':
      f.identResult ??= 'no-match';
      f.identResultAt ??= at;
      return;
    case 'iar-sent': {
      const status = str(d, 'status');
      const level = findingLevel(d.level, 'level');
      const convictionLevel = d.convictionLevel === undefined ? undefined : findingLevel(d.convictionLevel, 'convictionLevel');
      const priors = arr(d, 'priorConvictions')?.map((x, i) => levelOf(obj(x, `priorConvictions[${i}]`).level, `priorConvictions[${i}].level`));
      const indications = (arr(d, 'citizenshipIndications') ?? []).map((x, i) => {
        if (typeof x !== 'string') throw new Malformed(`citizenshipIndications[${i}] is not a string`);
        return x;
      });
      const version = str(d, 'policyVersion');
      const ori = str(d, 'ori');
      setJurisdiction(f, ori, registry);
      f.iarAt ??= at;
      f.immigrationStatus = status;
      f.iarPolicyVersion = version;
      f.levelAtIdentification = categoryOf(level);
      f.convictionLevelAtIar = convictionLevel === undefined ? null : categoryOf(convictionLevel);
      f.priorConvictionLevels = priors === undefined ? null : priors.filter((l): l is Level => l !== null);
      if (indications.length > 0) {
        f.citizenshipIndicatedAt ??= at;
        f.citizenshipIndications = [...new Set([...f.citizenshipIndications, ...indications])];
      }
      return;
    }
    case 'detainer-issued': {
      const detainerId = reqStr(d, 'detainerId');
      if (f.detainers.some((x) => x.detainerId === detainerId)) return;
      f.detainers.push({ detainerId, issuedAt: at, releaseDueAt: null, holdExpiresAt: null, ended: null, endedAt: null });
      f.firstDetainerAt ??= at;
      return;
    }
    case 'custody-assumed': {
      const when = num(d, 'at') ?? at;
      const detainerId = str(d, 'detainerId');
      f.iceCustodyAt ??= when;
      const det = detainerId === null ? currentDetainer(f) : f.detainers.find((x) => x.detainerId === detainerId);
      if (det !== undefined && det.ended === null) {
        det.ended = 'custody';
        det.endedAt = when;
      }
      return;
    }
    case 'proceedings-outcome': {
      const outcome = reqStr(d, 'outcome');
      const when = num(d, 'at') ?? at;
      f.proceedingsOutcome = outcome;
      f.proceedingsOutcomeAt = when;
      if (REMOVAL_OUTCOMES.includes(outcome)) f.removedAt ??= when;
      return;
    }
    case 'disposition': {
      const outcome = reqStr(d, 'outcome');
      if (outcome !== 'conviction' && outcome !== 'dismissal') throw new Malformed('outcome is not conviction or dismissal');
      const codes = arr(d, 'ncicCodes') ?? [];
      for (let i = 0; i < codes.length; i++) if (typeof codes[i] !== 'string') throw new Malformed(`ncicCodes[${i}] is not a string`);
      const when = num(d, 'at') ?? at;
      const disposition = outcome === 'conviction' ? 'convicted' : 'dismissed';
      for (const code of codes as string[]) {
        const c = f.charges.find((x) => x.ncicCode === code && x.disposition === 'pending') ?? f.charges.find((x) => x.ncicCode === code);
        if (c === undefined) f.charges.push({ ncicCode: code, level: null, disposition, dispositionAt: when });
        else {
          c.disposition = disposition;
          c.dispositionAt = when;
        }
      }
      return;
    }
    case 'supervisor-review-queued':
      f.supervisorReviewAt ??= at;
      return;
    case 'supervisor-review-resolved': {
      const resolution = obj(d.resolution, 'resolution');
      const citizenship = reqStr(resolution, 'citizenship');
      if (citizenship !== 'verified' && citizenship !== 'not-verified') throw new Malformed('resolution.citizenship is not verified or not-verified');
      f.citizenshipResolution = citizenship;
      f.citizenshipResolvedAt = at;
      return;
    }
    // Detainer lifecycle (the jail's and the field office's view), for the detainer audits.
    case 'hold-started': {
      const releaseDue = num(d, 'releaseDue');
      const expires = num(d, 'holdExpiresAt');
      const det = currentDetainer(f);
      if (det === undefined) return;
      det.releaseDueAt = releaseDue;
      det.holdExpiresAt = expires;
      return;
    }
    case 'released': {
      const when = num(d, 'at') ?? at;
      const reason = str(d, 'reason');
      f.releasedAt ??= when;
      f.releaseReason ??= reason;
      return;
    }
    case 'detainer-declined':
      return endDetainer(f, 'declined', at);
    case 'detainer-after-release':
      return endDetainer(f, 'not-served', at);
    case 'hold-lapsed':
      return endDetainer(f, 'lapsed', at);
    case 'detainer-lifted':
      return endDetainer(f, 'lifted', at);
    default:
      throw new Error(`unhandled kind ${kind}`);
  }
}

function endDetainer(f: CaseFact, how: NonNullable<DetainerFact['ended']>, at: number): void {
  const det = currentDetainer(f);
  if (det === undefined || det.ended !== null) return;
  det.ended = how;
  det.endedAt = at;
}
