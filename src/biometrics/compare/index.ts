/**
 * 1:1 fingerprint comparison. `prepareTemplate` once per template (enrolment), then
 * `compareTemplates(probe, candidate)` → calibrated similarity score (see README.md in this
 * folder for the scale and thresholds), `comparePair` for the paired minutiae.
 */
import { matchRaw, lastPairs } from './match.ts';
import type { RawMatch } from './match.ts';
import type { PreparedTemplate } from './prepare.ts';

export { prepareTemplate } from './prepare.ts';
export type { PreparedTemplate } from './prepare.ts';
export type { RawMatch } from './match.ts';

const scratch: RawMatch = {
  pairs: 0,
  weight: 0,
  probeCount: 0,
  candidateCount: 0,
  probeInOverlap: 0,
  candidateInOverlap: 0,
  rootVotes: 0,
  rotation: 0,
  tx: 0,
  ty: 0,
};

/** The uncalibrated score of a raw match. */
export function rawScore(r: RawMatch): number {
  if (r.pairs < 2) return 0;
  const np = Math.max(r.probeInOverlap, r.pairs) + 6;
  const nc = Math.max(r.candidateInOverlap, r.pairs) + 6;
  return (r.weight * r.weight) / Math.sqrt(np * nc);
}

export function compareTemplates(probe: PreparedTemplate, candidate: PreparedTemplate): number {
  return rawScore(matchRaw(probe, candidate, scratch));
}

export interface ComparisonDetails extends RawMatch {
  score: number;
  /** Paired minutiae as [probe index, candidate index] (indices into the templates' minutiae). */
  pairList: Array<[number, number]>;
}

export function comparePair(probe: PreparedTemplate, candidate: PreparedTemplate): ComparisonDetails {
  const r = matchRaw(probe, candidate, { ...scratch });
  return { ...r, score: rawScore(r), pairList: lastPairs() };
}
