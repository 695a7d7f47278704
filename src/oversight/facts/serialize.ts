/**
 * A fact as stored: the columns readers filter on, and the whole fact as JSON with null
 * fields left out (a fact is mostly nulls until the later stages happen).
 */
import type { OversightTables } from './tables.ts';
import { emptyFact, type CaseFact, type ChargeFact, type DetainerFact } from './types.ts';

/** Drops null fields (recursively through plain objects and arrays of objects); native JSON.stringify does the rest. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && x !== undefined) out[k] = typeof x === 'object' ? compact(x) : x;
  }
  return out;
}

export function factToJson(f: CaseFact): string {
  return JSON.stringify(compact(f));
}

export function factFromJson(caseId: string, text: string): CaseFact {
  const stored = JSON.parse(text) as Partial<CaseFact>;
  const f = { ...emptyFact(caseId), ...stored, caseId };
  // Restore nulls inside nested records that were written without them.
  const d = f.demographics as Partial<NonNullable<CaseFact['demographics']>> | null;
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
