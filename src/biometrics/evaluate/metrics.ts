/**
 * Verification error rates from genuine and impostor similarity scores, as the Fingerprint
 * Verification Competitions define them. Convention: higher score = more similar; a pair is
 * accepted when score ≥ threshold.
 *
 * - FMR(t)  = share of impostor scores ≥ t (false match rate)
 * - FNMR(t) = share of genuine scores < t (false non-match rate)
 * - EER: FVC2000's definition — t1 = the largest threshold with FNMR ≤ FMR, t2 = the smallest
 *   with FNMR ≥ FMR; the EER is the midpoint of [EERlow, EERhigh] taken at whichever of t1, t2
 *   has the smaller FMR + FNMR.
 * - FMR100 / FMR1000 / ZeroFMR: the lowest FNMR at FMR ≤ 1 %, ≤ 0.1 %, = 0.
 */
export interface ErrorRates {
  genuine: number;
  impostor: number;
  eer: number;
  eerLow: number;
  eerHigh: number;
  /** Threshold at the EER operating point (t1 or t2 above). */
  eerThreshold: number;
  fmr100: number;
  fmr1000: number;
  fmr10000: number;
  zeroFmr: number;
}

export interface OperatingPoint {
  threshold: number;
  fmr: number;
  fnmr: number;
}

function sorted(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

/** Index of the first element ≥ value in an ascending array. */
function lowerBound(a: Float64Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every distinct operating point, from the lowest threshold (FMR 1, FNMR 0) to one above the
 * highest score (FMR 0). Thresholds are the distinct observed scores.
 */
export function operatingPoints(genuine: readonly number[], impostor: readonly number[]): OperatingPoint[] {
  if (genuine.length === 0 || impostor.length === 0) throw new RangeError('error rates need at least one genuine and one impostor score');
  for (const s of genuine) if (!Number.isFinite(s)) throw new RangeError(`genuine score ${s} is not finite`);
  for (const s of impostor) if (!Number.isFinite(s)) throw new RangeError(`impostor score ${s} is not finite`);
  const g = sorted(genuine);
  const i = sorted(impostor);
  const all = sorted([...genuine, ...impostor]);
  const points: OperatingPoint[] = [];
  let previous = Number.NaN;
  for (const t of all) {
    if (t === previous) continue;
    previous = t;
    points.push({ threshold: t, fnmr: lowerBound(g, t) / g.length, fmr: (i.length - lowerBound(i, t)) / i.length });
  }
  const above = all[all.length - 1];
  points.push({ threshold: above + Math.max(1e-9, Math.abs(above) * 1e-9), fnmr: 1, fmr: 0 });
  return points;
}

/** Lowest FNMR over operating points whose FMR does not exceed `maxFmr`. */
function fnmrAtFmr(points: readonly OperatingPoint[], maxFmr: number): number {
  let best = 1;
  for (const p of points) if (p.fmr <= maxFmr && p.fnmr < best) best = p.fnmr;
  return best;
}

export function errorRates(genuine: readonly number[], impostor: readonly number[]): ErrorRates {
  const points = operatingPoints(genuine, impostor);
  // points run from low to high threshold: FNMR rises, FMR falls.
  let t1: OperatingPoint = points[0];
  let t2: OperatingPoint = points[points.length - 1];
  for (const p of points) if (p.fnmr <= p.fmr) t1 = p;
  for (let k = points.length - 1; k >= 0; k--) if (points[k].fnmr >= points[k].fmr) t2 = points[k];
  let eerLow: number;
  let eerHigh: number;
  let eerThreshold: number;
  if (t1.fnmr + t1.fmr <= t2.fnmr + t2.fmr) {
    eerLow = t1.fnmr;
    eerHigh = t1.fmr;
    eerThreshold = t1.threshold;
  } else {
    eerLow = t2.fmr;
    eerHigh = t2.fnmr;
    eerThreshold = t2.threshold;
  }
  return {
    genuine: genuine.length,
    impostor: impostor.length,
    eer: (eerLow + eerHigh) / 2,
    eerLow,
    eerHigh,
    eerThreshold,
    fmr100: fnmrAtFmr(points, 0.01),
    fmr1000: fnmrAtFmr(points, 0.001),
    fmr10000: fnmrAtFmr(points, 0.0001),
    zeroFmr: fnmrAtFmr(points, 0),
  };
}

/**
 * The smallest threshold whose FMR on these impostor scores is ≤ `fmr` — what a deployment
 * would set to promise that false match rate.
 */
export function thresholdForFmr(impostor: readonly number[], fmr: number): number {
  if (impostor.length === 0) throw new RangeError('need impostor scores');
  if (!(fmr >= 0 && fmr <= 1)) throw new RangeError(`FMR ${fmr} is outside [0, 1]`);
  const i = sorted(impostor);
  // Allowed number of impostor scores at or above the threshold.
  const allowed = Math.floor(fmr * i.length + 1e-9);
  if (allowed >= i.length) return i[0];
  const k = i.length - allowed; // the threshold must exceed i[k-1]
  const below = i[k - 1];
  let j = k;
  while (j < i.length && i[j] === below) j++;
  return j < i.length && allowed > 0 ? Math.min(i[j], nextUp(below)) : nextUp(below);
}

function nextUp(x: number): number {
  return x + Math.max(Number.EPSILON, Math.abs(x) * Number.EPSILON * 2);
}
