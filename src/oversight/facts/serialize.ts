/**
 * A fact as stored: the columns readers filter on, and the whole fact as a positional JSON
 * array `["f1", …fields in FIELDS order]` (a third of the size of the object form, and faster
 * to write and read). New fields are appended to FIELDS, so older rows simply lack them and
 * read back with the fact's defaults. Rows written in the earlier object form (`{…}`, nulls
 * omitted) are still read.
 */
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

export function factFromJson(caseId: string, text: string): CaseFact {
  const stored = JSON.parse(text) as unknown;
  const f = emptyFact(caseId);
  if (Array.isArray(stored) && stored[0] === TAG) {
    const w = f as unknown as Record<string, unknown>;
    for (let i = 0; i < FACT_FIELDS.length && i + 1 < stored.length; i++) {
      const k = FACT_FIELDS[i];
      const v = stored[i + 1] as unknown;
      if (k === 'demographics') {
        const d = v as (string | number | null)[] | null;
        f.demographics = d === null ? null : { sex: d[0] as string | null, race: d[1] as string | null, yearOfBirth: d[2] as number | null, placeOfBirth: d[3] as string | null, claimedCitizenship: d[4] as string | null };
      } else if (k === 'charges') f.charges = (v as unknown[][]).map((c) => ({ ncicCode: c[0] as string, level: c[1] as ChargeFact['level'], disposition: c[2] as ChargeFact['disposition'], dispositionAt: c[3] as number | null }));
      else if (k === 'detainers') f.detainers = (v as unknown[][]).map((d) => ({ detainerId: d[0] as string, issuedAt: d[1] as number, releaseDueAt: d[2] as number | null, holdExpiresAt: d[3] as number | null, ended: d[4] as DetainerFact['ended'], endedAt: d[5] as number | null }));
      else w[k] = v;
    }
    return f;
  }
  // The earlier object form, nulls omitted.
  const o = stored as Partial<CaseFact>;
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
