/**
 * Decision thresholds for fused tenprint scores.
 *
 * Each per-finger score is s = 10 × −log10(FMR) (the comparator's calibration), so for an
 * unrelated pair X = s · ln10 / 10 = −ln FMR is Exp(1) when the calibration holds, and the sum
 * over m independent fingers is Gamma(m, 1). A search against N unrelated identities raises a
 * false positive when any of them reaches the threshold: FPIR ≈ N · P(Gamma(m) ≥ x). The model
 * threshold solves that for x. It ignores that the filter pre-selects the most similar
 * impostors, and it is only as good as the comparator's calibration on the data at hand, so
 * `empiricalThreshold` calibrates on the top scores of real non-mated searches instead, and
 * the benchmark reports both.
 */
import { SearchError } from './errors.ts';
import type { Candidate } from './search.ts';

/** P(Gamma(m, 1) ≥ x) for integer m ≥ 1: e^(−x) Σ_{k<m} x^k / k!. */
export function gammaUpperTail(m: number, x: number): number {
  if (x <= 0) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < m; k++) {
    term *= x / k;
    sum += term;
  }
  return Math.min(1, Math.exp(-x + Math.log(sum)));
}

/**
 * The fused-score threshold at which a search of `m` fingers against `gallerySize` unrelated
 * identities has false-positive identification rate `fpir`, under the calibration model above.
 */
export function modelThreshold(fpir: number, gallerySize: number, m: number): number {
  if (!(fpir > 0 && fpir < 1)) throw new SearchError('OPTIONS', `FPIR must be in (0, 1), got ${String(fpir)}`);
  if (!Number.isInteger(m) || m < 1 || m > 10) throw new SearchError('OPTIONS', `finger count must be an integer 1–10, got ${String(m)}`);
  const n = Math.max(1, gallerySize);
  const target = -Math.log1p(-fpir) / n; // per comparison, from 1 − (1 − p)^n = fpir
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (gammaUpperTail(m, mid) > target) lo = mid;
    else hi = mid;
  }
  return (hi * 10) / Math.LN10;
}

/**
 * Threshold from the top fused scores of non-mated searches: the smallest value that at most a
 * share `fpir` of them reach. With fewer than 1 / fpir searches this is just above their maximum
 * (and says FPIR ≤ 1 / n, not ≤ fpir): `reliable` tells.
 */
export function empiricalThreshold(nonMatedTopScores: readonly number[], fpir: number): { threshold: number; reliable: boolean } {
  if (!(fpir > 0 && fpir < 1)) throw new SearchError('OPTIONS', `FPIR must be in (0, 1), got ${String(fpir)}`);
  if (nonMatedTopScores.length === 0) throw new SearchError('OPTIONS', 'no non-mated scores to calibrate on');
  const sorted = [...nonMatedTopScores].sort((a, b) => b - a);
  const allowed = Math.floor(fpir * sorted.length); // searches allowed at or above the threshold
  const threshold = allowed < sorted.length ? sorted[allowed] + 1e-6 : sorted[sorted.length - 1];
  return { threshold, reliable: sorted.length * fpir >= 1 };
}

export interface CrossValidatedRates {
  readonly folds: number;
  /** Thresholds set on the calibration folds (lowest and highest over the folds). */
  readonly thresholds: readonly [number, number];
  /** FPIR measured on the held-out non-mated scores, pooled over the folds. */
  readonly fpir: number;
  /** FNIR at each fold's threshold, averaged over the folds (mated probes are never calibrated on). */
  readonly fnir: number;
}

/**
 * Empirical threshold without measuring FPIR on the very searches that set it: the non-mated
 * top scores are split into `folds` folds (by index, i mod folds); each fold's threshold is
 * `empiricalThreshold` of the other folds, its FPIR is counted on the held-out fold and its
 * FNIR by `fnirAt`. When the m calibration scores of a fold allow no exceedance (FPIR · m < 1,
 * e.g. 900 scores at 0.1 %), its threshold is their maximum and the held-out FPIR estimates
 * the chance that a new search beats the maximum of m, 1 / (m + 1) for exchangeable scores:
 * the FPIR target cannot be resolved below that with this many searches.
 */
export function crossValidatedRates(nonMatedTopScores: readonly number[], fpir: number, fnirAt: (threshold: number) => number, folds = 10): CrossValidatedRates {
  const n = nonMatedTopScores.length;
  if (!Number.isInteger(folds) || folds < 2 || folds > n) throw new SearchError('OPTIONS', `folds must be an integer 2–${n}, got ${String(folds)}`);
  let lo = Infinity;
  let hi = -Infinity;
  let exceed = 0;
  let fnir = 0;
  for (let f = 0; f < folds; f++) {
    const calibrate = nonMatedTopScores.filter((_, i) => i % folds !== f);
    const { threshold } = empiricalThreshold(calibrate, fpir);
    lo = Math.min(lo, threshold);
    hi = Math.max(hi, threshold);
    nonMatedTopScores.forEach((s, i) => {
      if (i % folds === f && s >= threshold) exceed++;
    });
    fnir += fnirAt(threshold) / folds;
  }
  return { folds, thresholds: [lo, hi], fpir: exceed / n, fnir };
}

export interface Decision {
  readonly hit: boolean;
  readonly threshold: number;
  /** The best candidate when it reaches the threshold. */
  readonly candidate?: Candidate;
}

export function decide(candidates: readonly Candidate[], threshold: number): Decision {
  const best = candidates[0];
  if (best && best.score >= threshold) return { hit: true, threshold, candidate: best };
  return { hit: false, threshold };
}
