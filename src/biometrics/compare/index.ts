/**
 * 1:1 fingerprint comparison. `prepareTemplate` once per template (enrolment), then
 * `compareTemplates(probe, candidate)` → calibrated similarity score (see README.md in this
 * folder for the scale and thresholds), `comparePair` for the paired minutiae.
 */
import { matchRaw, lastPairs, rotationPrior } from './match.ts';
import type { RawMatch } from './match.ts';
import type { PreparedTemplate } from './prepare.ts';
import { calibrate } from './calibration.ts';

export { calibrate, THRESHOLD_FMR_1_PERCENT, THRESHOLD_FMR_0_1_PERCENT, THRESHOLD_FMR_0_01_PERCENT } from './calibration.ts';

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
  peakVotes: 0,
  rotation: 0,
  tx: 0,
  ty: 0,
};

/**
 * The uncalibrated score of a raw match: (Σ pair weights)^1.5 divided by the mean number of
 * minutiae of the two templates inside the overlap area (each at least the number of pairs),
 * times the rotation prior (1 up to 45°, less for larger rotations).
 */
export function rawScore(r: RawMatch): number {
  if (r.pairs < 2) return 0;
  const a = Math.max(r.probeInOverlap, r.pairs);
  const b = Math.max(r.candidateInOverlap, r.pairs);
  return (Math.pow(r.weight, 1.5) / ((a + b) / 2)) * rotationPrior(r.rotation);
}

/**
 * Similarity of two prepared templates on the calibrated scale (README.md): 10 × −log10 of the
 * false match rate at which this score would be the threshold — 20 ↔ FMR 1 %, 30 ↔ 0.1 %,
 * 40 ↔ 0.01 %. 0 when nothing agrees.
 */
export function compareTemplates(probe: PreparedTemplate, candidate: PreparedTemplate): number {
  return calibrate(rawScore(matchRaw(probe, candidate, scratch)));
}

export interface ComparisonDetails extends RawMatch {
  score: number;
  /** Paired minutiae as [probe index, candidate index] (indices into the templates' minutiae). */
  pairList: Array<[number, number]>;
}

export function comparePair(probe: PreparedTemplate, candidate: PreparedTemplate): ComparisonDetails {
  const r = matchRaw(probe, candidate, { ...scratch });
  return { ...r, score: calibrate(rawScore(r)), pairList: lastPairs() };
}
