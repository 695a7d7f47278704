/**
 * Tenprint decision thresholds from a per-finger impostor score distribution, and binomial
 * confidence intervals, for the image-level benchmarks.
 *
 * Tail model: an unrelated identity's fused score is the sum of m per-finger comparator scores;
 * with the fingers independent (true of both synthetic generators by construction) its
 * distribution is the m-fold convolution of the empirical per-finger impostor histogram. A
 * search against N unrelated identities is a false positive when the best of them reaches the
 * threshold: FPIR(t) = 1 − (1 − P(sum ≥ t))^N. This uses the comparator's *measured* impostor
 * scores on the data at hand instead of its nominal calibration (which the Gamma model of
 * src/biometrics/search/fusion.ts assumes), and it resolves FPIRs far below 1 / (number of
 * non-mated searches). It ignores stage-2 screening (unrelated candidates compared on two
 * fingers only score lower), so it errs on the safe side (thresholds slightly high).
 */
import { betaQuantile } from '../src/oversight/stats/special.ts';

export const MODEL_BIN = 0.25;

export interface TailModel {
  /** P(fused score of one unrelated m-finger identity ≥ t). */
  identityTail(t: number): number;
  /** FPIR of a search against `gallery` unrelated identities at threshold t. */
  fpir(t: number, gallery: number): number;
  /** Smallest threshold with FPIR ≤ target for a gallery of that size. */
  threshold(target: number, gallery: number): number;
  readonly fingers: number;
  readonly samples: number;
}

/** Builds the m-finger tail model from per-finger impostor scores (any finite, non-negative values). */
export function tailModel(perFinger: readonly number[], fingers: number): TailModel {
  if (perFinger.length === 0) throw new RangeError('no per-finger impostor scores');
  const max = maxOf(perFinger);
  const n1 = Math.ceil(max / MODEL_BIN) + 1;
  const single = new Float64Array(n1);
  for (const s of perFinger) single[Math.min(n1 - 1, Math.max(0, Math.round(s / MODEL_BIN)))] += 1 / perFinger.length;
  let dist: Float64Array = Float64Array.of(1);
  for (let k = 0; k < fingers; k++) {
    const out = new Float64Array(dist.length + n1 - 1);
    for (let i = 0; i < dist.length; i++) {
      const a = dist[i];
      if (a === 0) continue;
      for (let j = 0; j < n1; j++) out[i + j] += a * single[j];
    }
    dist = out;
  }
  // Upper tail: tail[i] = P(sum ≥ i · bin).
  const tail = new Float64Array(dist.length + 1);
  for (let i = dist.length - 1; i >= 0; i--) tail[i] = tail[i + 1] + dist[i];
  const identityTail = (t: number): number => {
    const i = Math.ceil(t / MODEL_BIN - 1e-9);
    return i <= 0 ? 1 : i >= tail.length ? 0 : tail[i];
  };
  const fpir = (t: number, gallery: number): number => -Math.expm1(gallery * Math.log1p(-Math.min(identityTail(t), 1 - 1e-16)));
  return {
    fingers,
    samples: perFinger.length,
    identityTail,
    fpir,
    threshold(target, gallery) {
      for (let i = 0; i < tail.length; i++) if (fpir(i * MODEL_BIN, gallery) <= target) return i * MODEL_BIN;
      return tail.length * MODEL_BIN;
    },
  };
}

/** Clopper–Pearson (exact) 95 % interval of a binomial proportion x / n. */
export function exactInterval(x: number, n: number, level = 0.95): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  const a = (1 - level) / 2;
  return {
    lower: x === 0 ? 0 : betaQuantile(a, x, n - x + 1),
    upper: x === n ? 1 : betaQuantile(1 - a, x + 1, n - x),
  };
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** Largest value (without spreading: arrays of 10⁵+ scores overflow the call stack). */
export function maxOf(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}
