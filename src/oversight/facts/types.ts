/**
 * Per-case facts: what oversight knows about one booking, projected from the append-only case
 * log (`case_log_events`). Field by field meaning and source event: README.md in this folder.
 * Times are epoch milliseconds (UTC instants); `null` means "has not happened (yet)" or "not
 * recorded".
 */

/** A criminal Level (DOMAIN §3): 1 most serious. */
export type Level = 1 | 2 | 3;

/** The statistics' categories: Level 1, 2, 3, or no criminal record ("non-criminal"). */
export type LevelCategory = 'level-1' | 'level-2' | 'level-3' | 'non-criminal';
export const LEVEL_CATEGORIES: readonly LevelCategory[] = ['level-1', 'level-2', 'level-3', 'non-criminal'];

export function categoryOf(level: Level | null): LevelCategory {
  return level === null ? 'non-criminal' : level === 1 ? 'level-1' : level === 2 ? 'level-2' : 'level-3';
}

/** The most serious (lowest) of the given Levels, null when none. */
export function mostSerious(levels: Iterable<Level | null>): Level | null {
  let best: Level | null = null;
  for (const l of levels) if (l !== null && (best === null || l < best)) best = l;
  return best;
}

/** Demographics as the jail booked them (EBTS codes); never the name or full date of birth. */
export interface Demographics {
  /** EBTS sex code (M, F, X, U …). */
  sex: string | null;
  /** EBTS race code (A, B, I, U, W). */
  race: string | null;
  yearOfBirth: number | null;
  /** NCIC place-of-birth code. */
  placeOfBirth: string | null;
  /** NCIC country code of claimed citizenship, null when not claimed. */
  claimedCitizenship: string | null;
}

export interface ChargeFact {
  ncicCode: string;
  /** Level of the charge under the version in force on the arrest date; null when not recorded. */
  level: Level | null;
  disposition: 'pending' | 'convicted' | 'dismissed';
  dispositionAt: number | null;
}

export interface DetainerFact {
  detainerId: string;
  issuedAt: number;
  /** The jail's hold: when the person was due for release, and the legal limit of the hold. */
  releaseDueAt: number | null;
  holdExpiresAt: number | null;
  /** null while in force. */
  ended: 'custody' | 'lapsed' | 'lifted' | 'declined' | 'not-served' | null;
  endedAt: number | null;
}

export type IdentSearchState = 'searched' | 'deferred' | 'not-routed' | 'dropped' | 'submission-rejected';

export interface CaseFact {
  caseId: string;
  /** Arresting agency ORI; null when no event of the case carried it (logs written before it was recorded). */
  ori: string | null;
  /** From the jurisdictions registry (ORI → state, AOR); null when the ORI is not registered. */
  state: string | null;
  aor: string | null;
  /** The jurisdiction's participation mode in force at booking (state bureau's routing). */
  participationAtBooking: string | null;
  bookedAt: number | null;
  /** YYYY-MM-DD, the date of arrest on the booking. */
  arrestDate: string | null;
  demographics: Demographics | null;
  charges: ChargeFact[];
  /** The booking's tenprint submission (CAR) left the jail: the booking time. */
  fingerprintSubmittedAt: number | null;
  /** FBI criminal search: identified against an existing subject, new subject, or rejected (ERRT). */
  criminalSearch: 'ident' | 'non-ident' | 'rejected' | null;
  criminalSearchAt: number | null;
  /** What happened to the immigration (IDENT) search. */
  identSearch: IdentSearchState | null;
  /** When the prints were sent to IDENT (the program's "fingerprint submission" statistic). */
  identSearchedAt: number | null;
  identResult: 'match' | 'no-match' | null;
  identResultAt: number | null;
  /** IDENT match time (stage 1, identification); null without a match. */
  identifiedAt: number | null;
  /** LESC's IAR. */
  iarAt: number | null;
  immigrationStatus: string | null;
  /** Policy version LESC classified under. */
  iarPolicyVersion: string | null;
  /**
   * Level at identification: most serious among current charges and prior convictions
   * ("convicted of or charged with"), as LESC classified it. null = not yet classified (no IAR).
   */
  levelAtIdentification: LevelCategory | null;
  /** Levels of the prior convictions on the rap sheet (from the IAR); null when not recorded. */
  priorConvictionLevels: Level[] | null;
  /** Level by conviction as LESC saw it when the IAR was sent. */
  convictionLevelAtIar: LevelCategory | null;
  /** Detainers issued on this booking, in issue order, with how each ended (for the detainer audits). */
  detainers: DetainerFact[];
  firstDetainerAt: number | null;
  /** ICE administrative arrest / booking into ICE custody (stage 2). */
  iceCustodyAt: number | null;
  /** Level by conviction at the time of the ICE arrest. */
  levelAtIceCustody: LevelCategory | null;
  proceedingsOutcome: string | null;
  proceedingsOutcomeAt: number | null;
  /** Removal (stage 3): a proceedings outcome of `removed` or `voluntary-departure`. */
  removedAt: number | null;
  /** Level by conviction at the time of removal. */
  levelAtRemoval: LevelCategory | null;
  /** The jail released the person (any reason other than a transfer to ICE custody). */
  releasedAt: number | null;
  releaseReason: string | null;
  /** pending while any charge is; convicted when at least one charge is; dismissed when every charge was dismissed. */
  disposition: 'pending' | 'convicted' | 'dismissed';
  /** First conviction on any charge of this booking. */
  convictedAt: number | null;
  /** When the last charge was dismissed, if all were. */
  dismissedAt: number | null;
  /** First indication of US citizenship (naturalization record or claim) in the IAR. */
  citizenshipIndicatedAt: number | null;
  citizenshipIndications: string[];
  supervisorReviewAt: number | null;
  citizenshipResolution: 'verified' | 'not-verified' | null;
  citizenshipResolvedAt: number | null;
  /** How many of the case's events were applied, and the last one's seq. */
  events: number;
  lastSeq: number;
}

export function emptyFact(caseId: string): CaseFact {
  return {
    caseId,
    ori: null,
    state: null,
    aor: null,
    participationAtBooking: null,
    bookedAt: null,
    arrestDate: null,
    demographics: null,
    charges: [],
    fingerprintSubmittedAt: null,
    criminalSearch: null,
    criminalSearchAt: null,
    identSearch: null,
    identSearchedAt: null,
    identResult: null,
    identResultAt: null,
    identifiedAt: null,
    iarAt: null,
    immigrationStatus: null,
    iarPolicyVersion: null,
    levelAtIdentification: null,
    priorConvictionLevels: null,
    convictionLevelAtIar: null,
    detainers: [],
    firstDetainerAt: null,
    iceCustodyAt: null,
    levelAtIceCustody: null,
    proceedingsOutcome: null,
    proceedingsOutcomeAt: null,
    removedAt: null,
    levelAtRemoval: null,
    releasedAt: null,
    releaseReason: null,
    disposition: 'pending',
    convictedAt: null,
    dismissedAt: null,
    citizenshipIndicatedAt: null,
    citizenshipIndications: [],
    supervisorReviewAt: null,
    citizenshipResolution: null,
    citizenshipResolvedAt: null,
    events: 0,
    lastSeq: 0,
  };
}

/** One row of the case log as the projection reads it; `details` is the stored JSON text. */
export interface LogEvent {
  seq: number;
  caseId: string;
  at: number;
  kind: string;
  details: string | null;
}

/** Reference data from the jurisdictions registry. */
export interface JurisdictionRef {
  ori: string;
  state: string;
  aor: string;
  timeZone: string;
  /** First activation (epoch ms), null when never activated. */
  activatedAt: number | null;
}

export type Registry = ReadonlyMap<string, JurisdictionRef>;
