/**
 * A fact as stored: the columns readers filter on, and the whole fact as a positional JSON
 * array `["f1", …fields in FIELDS order]` (a third of the size of the object form, and faster
 * to write and read). New fields are appended to FIELDS, so older rows simply lack them and
 * read back with the fact's defaults. Rows written in the earlier object form (`{…}`, nulls
 * omitted) are still read.
 */
import { OversightError } from './errors.ts';
import type { OversightTables } from './tables.ts';
import { emptyFact, type CaseFact, type ChargeFact, type Demographics, type DetainerFact } from './types.ts';

const TAG = 'f1';

/** Scalar (or plain list) fields, in stored order. Append only. */
export const FACT_FIELDS = [
  'ori',
  'state',
  'aor',
  'participationAtBooking',
  'bookedAt',
  'arrestDate',
  'demographics',
  'charges',
  'fingerprintSubmittedAt',
  'criminalSearch',
  'criminalSearchAt',
  'identSearch',
  'identSearchedAt',
  'identResult',
  'identResultAt',
  'identifiedAt',
  'iarAt',
  'immigrationStatus',
  'iarPolicyVersion',
  'levelAtIdentification',
  'priorConvictionLevels',
  'convictionLevelAtIar',
  'detainers',
  'firstDetainerAt',
  'iceCustodyAt',
  'levelAtIceCustody',
  'proceedingsOutcome',
  'proceedingsOutcomeAt',
  'removedAt',
  'levelAtRemoval',
  'releasedAt',
  'releaseReason',
  'disposition',
  'convictedAt',
  'dismissedAt',
  'citizenshipIndicatedAt',
  'citizenshipIndications',
  'supervisorReviewAt',
  'citizenshipResolution',
  'citizenshipResolvedAt',
  'events',
  'lastSeq',
] as const satisfies readonly Exclude<keyof CaseFact, 'caseId'>[];

export function factToJson(f: CaseFact): string {
  const d = f.demographics;
  // Written out field by field (FACT_FIELDS order): monomorphic property reads, no per-key branching.
  return JSON.stringify([
    TAG,
    f.ori,
    f.state,
    f.aor,
    f.participationAtBooking,
    f.bookedAt,
    f.arrestDate,
    d === null ? null : [d.sex, d.race, d.yearOfBirth, d.placeOfBirth, d.claimedCitizenship],
    f.charges.map((c) => [c.ncicCode, c.level, c.disposition, c.dispositionAt]),
    f.fingerprintSubmittedAt,
    f.criminalSearch,
    f.criminalSearchAt,
    f.identSearch,
    f.identSearchedAt,
    f.identResult,
    f.identResultAt,
    f.identifiedAt,
    f.iarAt,
    f.immigrationStatus,
    f.iarPolicyVersion,
    f.levelAtIdentification,
    f.priorConvictionLevels,
    f.convictionLevelAtIar,
    f.detainers.map((x) => [x.detainerId, x.issuedAt, x.releaseDueAt, x.holdExpiresAt, x.ended, x.endedAt]),
    f.firstDetainerAt,
    f.iceCustodyAt,
    f.levelAtIceCustody,
    f.proceedingsOutcome,
    f.proceedingsOutcomeAt,
    f.removedAt,
    f.levelAtRemoval,
    f.releasedAt,
    f.releaseReason,
    f.disposition,
    f.convictedAt,
    f.dismissedAt,
    f.citizenshipIndicatedAt,
    f.citizenshipIndications,
    f.supervisorReviewAt,
    f.citizenshipResolution,
    f.citizenshipResolvedAt,
    f.events,
    f.lastSeq,
  ]);
}

/**
 * The fact stored for `caseId`. A row that is not a fact in either form (damaged, or written by
 * something else) is an OversightError('MALFORMED_FACT'): the projection can be rebuilt from the
 * event log.
 */
export function factFromJson(caseId: string, text: string): CaseFact {
  const damaged = (why: string): never => {
    throw new OversightError('MALFORMED_FACT', `the stored fact of case ${caseId} is damaged (${why}); rebuild the oversight projection from the event log`);
  };
  let stored: unknown;
  try {
    stored = JSON.parse(text) as unknown;
  } catch (error) {
    damaged(`not JSON: ${(error as Error).message}`);
  }
  const rows = (v: unknown, what: string): unknown[][] => {
    if (!Array.isArray(v) || !v.every((r) => Array.isArray(r))) damaged(`${what} is not a list of rows`);
    return v as unknown[][];
  };
  const objects = (v: unknown, what: string): Record<string, unknown>[] => {
    if (!Array.isArray(v) || !v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) damaged(`${what} is not a list of objects`);
    return v as Record<string, unknown>[];
  };
  const f = emptyFact(caseId);
  if (Array.isArray(stored) && stored[0] === TAG) {
    const w = f as unknown as Record<string, unknown>;
    for (let i = 0; i < FACT_FIELDS.length && i + 1 < stored.length; i++) {
      const k = FACT_FIELDS[i];
      const v = stored[i + 1] as unknown;
      if (k === 'demographics') {
        if (v !== null && !Array.isArray(v)) damaged('demographics is not a list');
        const d = v as (string | number | null)[] | null;
        f.demographics = d === null ? null : { sex: d[0] as string | null, race: d[1] as string | null, yearOfBirth: d[2] as number | null, placeOfBirth: d[3] as string | null, claimedCitizenship: d[4] as string | null };
      } else if (k === 'charges') f.charges = rows(v, 'charges').map((c) => ({ ncicCode: c[0] as string, level: c[1] as ChargeFact['level'], disposition: c[2] as ChargeFact['disposition'], dispositionAt: c[3] as number | null }));
      else if (k === 'detainers') f.detainers = rows(v, 'detainers').map((d) => ({ detainerId: d[0] as string, issuedAt: d[1] as number, releaseDueAt: d[2] as number | null, holdExpiresAt: d[3] as number | null, ended: d[4] as DetainerFact['ended'], endedAt: d[5] as number | null }));
      else w[k] = v;
    }
    return f;
  }
  // The earlier object form, nulls omitted.
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) damaged('neither a tagged list nor an object');
  const o = stored as Partial<CaseFact>;
  if (o.charges !== undefined) objects(o.charges, 'charges');
  if (o.detainers !== undefined) objects(o.detainers, 'detainers');
  if (o.demographics !== undefined && o.demographics !== null && (typeof o.demographics !== 'object' || Array.isArray(o.demographics))) damaged('demographics is not an object');
  Object.assign(f, o, { caseId });
  const d = f.demographics as Partial<Demographics> | null;
  if (d !== null) f.demographics = { sex: d.sex ?? null, race: d.race ?? null, yearOfBirth: d.yearOfBirth ?? null, placeOfBirth: d.placeOfBirth ?? null, claimedCitizenship: d.claimedCitizenship ?? null };
  f.charges = f.charges.map((c: Partial<ChargeFact>) => ({ ncicCode: c.ncicCode ?? '', level: c.level ?? null, disposition: c.disposition ?? 'pending', dispositionAt: c.dispositionAt ?? null }));
  f.detainers = f.detainers.map((x: Partial<DetainerFact>) => ({ detainerId: x.detainerId ?? '', issuedAt: x.issuedAt ?? 0, releaseDueAt: x.releaseDueAt ?? null, holdExpiresAt: x.holdExpiresAt ?? null, ended: x.ended ?? null, endedAt: x.endedAt ?? null }));
  return f;
}

export function factToRow(f: CaseFact): OversightTables['oversight_case_facts'] {
  return {
    case_id: f.caseId,
    ori: f.ori,
    state: f.state,
    aor: f.aor,
    booked_at: f.bookedAt,
    identified_at: f.identifiedAt,
    ice_custody_at: f.iceCustodyAt,
    removed_at: f.removedAt,
    last_seq: f.lastSeq,
    fact: factToJson(f),
  };
}
