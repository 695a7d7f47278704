import { StatsError } from './errors.ts';
import { robustPauleMandel } from './heterogeneity.ts';
import { chiSquareUpper, normalQuantile, normalUpper } from './special.ts';

/**
 * Funnel plots for proportions with over-dispersion, after Spiegelhalter (2005a) "Funnel plots
 * for comparing institutional performance", Stat Med 24:1185–1202, and (2005b) "Handling
 * over-dispersion of performance indicators", Qual Saf Health Care 14:347–351.
 *
 * Each unit's proportion is compared with a target θ0 on the arcsine-square-root scale, where
 * the sampling variance 1/(4n) does not depend on θ0 (so rates of exactly 0 or 1, and a target of
 * 0 or 1, need no special case):
 *   z_i = (asin √(y_i/n_i) − asin √θ0) / s_i,   s_i² = 1/(4 n_i).
 * Over-dispersion φ is the mean of the z_i² after winsorising the z_i at their 10th and 90th
 * percentiles (quantiles by linear interpolation, Hyndman–Fan type 7). The additive
 * random-effects variance τ̂² is by default the Paule–Mandel estimator on the arcsine scale with a
 * Q-profile interval (heterogeneity.ts): it solves Σ (x_i − x̄_w)²/(s_i² + τ²) = I − 1, x_i = asin √p_i,
 * over the units whose standardised residual is within ±3.5 (iterated), so that real outliers do
 * not inflate the spread they are judged against.
 * (2005b)'s moment estimator from the winsorised φ̂,
 *   τ̂² = max(0, (I φ̂ − (I − 1)) / (Σ w_i − Σ w_i² / Σ w_i)),   w_i = 1/s_i² = 4 n_i,
 * is kept as `tau2Method: 'winsorised'`: with sizes over several orders of magnitude (the policing
 * file's 645 to 3.5 M stops) it is several times too small, because winsorising z caps exactly the
 * large units that carry the between-unit spread. Each unit is then judged by z_i^D = (asin √p_i − asin √θ0) / √(s_i² + τ̂²).
 * Control limits at level L for a unit of size n are sin²(asin √θ0 ± Φ⁻¹((1+L)/2) √(1/(4n) + τ̂²)),
 * clipped to [0, 1].
 *
 * `scale: 'logit'` does all of the above on the logit scale instead (see `Scale`): x_i = logit p_i
 * (½ added to both cells for a count of 0 or n), s_i² = 1/(n_i θ0 (1 − θ0)), the same Paule–Mandel
 * fit on (x_i, s_i²), limits expit(logit θ0 ± k √(s² + τ̂²)). τ̂² is then on the logit scale.
 */

export interface FunnelUnit {
  /** The unit's identity (a jurisdiction's ORI, a county code). */
  id: string;
  /** Events in the numerator (e.g. ICE arrests with no criminal record). */
  count: number;
  /** The denominator (e.g. all ICE arrests). */
  total: number;
}

export type Tau2Method = 'paule-mandel' | 'winsorised';

/**
 * The scale on which units are compared:
 * - 'arcsine' (default): x = asin √p, sampling variance 1/(4n) whatever the rate
 *   (variance-stabilising for binomial proportions; rates of 0 and 1 need no correction);
 * - 'logit': x = ln(p/(1 − p)) with 0.5 added to both cells when a count is 0 or n
 *   (x = ln((y + ½)/(n − y + ½)); the target is clipped to [½/(N+1), 1 − ½/(N+1)], N = Σn, when it
 *   is 0 or 1), sampling variance 1/(n θ0 (1 − θ0)) at the target θ0 — as Spiegelhalter's (2005a)
 *   logit funnel, and the same variance in τ̂², so that weights do not depend on each unit's own
 *   estimate (observed-rate variances would correlate the weights with the estimates).
 */
export type Scale = 'arcsine' | 'logit';

export const SCALES: readonly Scale[] = ['arcsine', 'logit'];

/** A scale's transform of a count, of a rate, its inverse, and the binomial variance of x at rate θ. */
export interface ScaleOps {
  name: Scale;
  /** x of y events out of n > 0 (continuity-corrected on the logit scale when y is 0 or n). */
  observed(y: number, n: number): number;
  /** x of a rate strictly inside (0, 1) on the logit scale, in [0, 1] on the arcsine scale. */
  of(p: number): number;
  /** The rate of x, in [0, 1]. */
  back(x: number): number;
  /** Sampling variance of x for a unit of size n at rate θ. */
  variance(n: number, theta: number): number;
}

const ARCSINE: ScaleOps = {
  name: 'arcsine',
  observed: (y, n) => arcsineSqrt(y / n),
  of: (p) => arcsineSqrt(p),
  back: (x) => Math.sin(Math.min(Math.PI / 2, Math.max(0, x))) ** 2,
  variance: (n) => 1 / (4 * n),
};

const LOGIT: ScaleOps = {
  name: 'logit',
  observed: (y, n) => (y <= 0 || y >= n ? Math.log((y + 0.5) / (n - y + 0.5)) : Math.log(y / (n - y))),
  of: (p) => Math.log(p / (1 - p)),
  back: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  variance: (n, theta) => 1 / (n * theta * (1 - theta)),
};

/** The operations of a scale. */
export function scaleOps(scale: Scale): ScaleOps {
  if (scale === 'arcsine') return ARCSINE;
  if (scale === 'logit') return LOGIT;
  throw new StatsError('INVALID_ARGUMENT', `scale ${String(scale)} must be arcsine or logit`);
}

export type OverdispersionModel = 'additive' | 'multiplicative' | 'none';

export interface FunnelOptions {
  /** θ0; default the pooled proportion Σy/Σn of the included units. */
  target?: number;
  /** Winsorising fraction at each end for φ̂; default 0.1 (10th and 90th percentiles). */
  winsorise?: number;
  /** How τ̂² is estimated: 'paule-mandel' (default) or Spiegelhalter's 'winsorised' moment estimator. */
  tau2Method?: Tau2Method;
  /** How over-dispersion widens the limits and deflates the z-scores; default 'additive'. */
  model?: OverdispersionModel;
  /** The scale of the comparison and of τ̂²; default 'arcsine'. */
  scale?: Scale;
  /** Two-sided coverage of the control limits; default [0.95, 0.998]. */
  levels?: readonly number[];
}

export interface FunnelPoint {
  id: string;
  count: number;
  total: number;
  /** y / n. */
  proportion: number;
  /** z on the funnel's scale against θ0 with binomial variance only. */
  z: number;
  /** z under the chosen over-dispersion model (equal to z when there is none). */
  zAdjusted: number;
  /** P(|Z| ≥ |zAdjusted|). */
  pTwoSided: number;
  /** P(Z ≥ zAdjusted): evidence that the unit's proportion is above the target. */
  pHigh: number;
}

export interface ExcludedUnit {
  id: string;
  reason: string;
}

export type FunnelStatus = 'ok' | 'empty' | 'too-few-units';

export interface FunnelResult {
  status: FunnelStatus;
  /** Plain words on what was estimated and what was not. */
  note: string;
  target: number;
  targetSource: 'given' | 'pooled';
  model: OverdispersionModel;
  levels: readonly number[];
  units: FunnelPoint[];
  excluded: ExcludedUnit[];
  /** Winsorised over-dispersion φ̂ (1 when it cannot be estimated). */
  phi: number;
  /** Σ z² (unwinsorised) against χ² on I − 1 degrees of freedom: a test for over-dispersion. */
  dispersionTest: { statistic: number; df: number; p: number };
  /** The scale of z, limits and τ̂². */
  scale: Scale;
  /** The rate whose transform is the centre: the target, or on the logit scale a target of 0 or 1 clipped to ½/(N+1) from the edge. */
  scaleTarget: number;
  /** Additive between-unit variance on the funnel's scale (0 when none is found). */
  tau2: number;
  /** How τ̂² was estimated, and its confidence interval (Q-profile for Paule–Mandel; [τ̂², τ̂²] for the winsorised estimator, which has none). */
  tau2Method: Tau2Method;
  tau2Interval: { lower: number; upper: number; level: number };
  winsorise: number;
}

export interface ControlLimit {
  level: number;
  lower: number;
  upper: number;
}

/** The arcsine-square-root transform of a proportion in [0, 1]. */
export function arcsineSqrt(p: number): number {
  return Math.asin(Math.sqrt(Math.min(1, Math.max(0, p))));
}

/** Quantile by linear interpolation between order statistics (R's type 7) of a sorted array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new StatsError('INVALID_ARGUMENT', 'quantile of an empty list');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Mean of the squares of `z` after winsorising at the `fraction` and 1 − `fraction` quantiles. */
export function winsorisedMeanSquare(z: readonly number[], fraction: number): number {
  if (z.length === 0) return 1;
  const sorted = [...z].sort((a, b) => a - b);
  const lo = quantileSorted(sorted, fraction);
  const hi = quantileSorted(sorted, 1 - fraction);
  let sum = 0;
  for (const v of z) {
    const w = Math.min(hi, Math.max(lo, v));
    sum += w * w;
  }
  return sum / z.length;
}

/** Checks one unit's counts; a bad count is a caller's error, not a data condition. */
export function checkCounts(id: string, count: number, total: number): void {
  if (!Number.isFinite(count) || !Number.isFinite(total) || count < 0 || total < 0) {
    throw new StatsError('INVALID_COUNT', `unit ${id}: count ${count} and total ${total} must be finite and non-negative`);
  }
  if (count > total) throw new StatsError('INVALID_COUNT', `unit ${id}: count ${count} exceeds total ${total}`);
}

function checkLevels(levels: readonly number[]): void {
  for (const l of levels) if (!(l > 0 && l < 1)) throw new StatsError('INVALID_ARGUMENT', `control-limit level ${l} must be in (0, 1)`);
}

/** Fits the funnel: target, φ̂, τ̂², adjusted z-scores and p-values for every unit with a positive total. */
export function funnel(input: readonly FunnelUnit[], options: FunnelOptions = {}): FunnelResult {
  const winsorise = options.winsorise ?? 0.1;
  if (!(winsorise >= 0 && winsorise < 0.5)) throw new StatsError('INVALID_ARGUMENT', `winsorising fraction ${winsorise} must be in [0, 0.5)`);
  const model = options.model ?? 'additive';
  const scale = options.scale ?? 'arcsine';
  const ops = scaleOps(scale);
  const tau2Method = options.tau2Method ?? 'paule-mandel';
  if (tau2Method !== 'paule-mandel' && tau2Method !== 'winsorised') throw new StatsError('INVALID_ARGUMENT', `τ² method ${String(tau2Method)} must be paule-mandel or winsorised`);
  const levels = options.levels ?? [0.95, 0.998];
  checkLevels(levels);
  if (options.target !== undefined && !(options.target >= 0 && options.target <= 1)) {
    throw new StatsError('INVALID_ARGUMENT', `target proportion ${options.target} must be in [0, 1]`);
  }
  const seen = new Set<string>();
  const included: FunnelUnit[] = [];
  const excluded: ExcludedUnit[] = [];
  for (const u of input) {
    if (seen.has(u.id)) throw new StatsError('DUPLICATE_UNIT', `unit ${u.id} appears twice`);
    seen.add(u.id);
    checkCounts(u.id, u.count, u.total);
    if (u.total === 0) excluded.push({ id: u.id, reason: 'total is zero: no proportion to judge' });
    else included.push(u);
  }
  let sumY = 0;
  let sumN = 0;
  for (const u of included) {
    sumY += u.count;
    sumN += u.total;
  }
  const targetSource = options.target === undefined ? 'pooled' : 'given';
  const base = { targetSource, model, levels, excluded, winsorise, tau2Method, scale } as const;
  if (included.length === 0) {
    return {
      ...base,
      status: 'empty',
      note: input.length === 0 ? 'no units were given' : 'every unit has a total of zero',
      target: options.target ?? 0,
      scaleTarget: options.target ?? 0,
      units: [],
      phi: 1,
      dispersionTest: { statistic: 0, df: 0, p: 1 },
      tau2: 0,
      tau2Interval: { lower: 0, upper: 0, level: 0.95 },
    };
  }
  const target = options.target ?? sumY / sumN;
  const edge = 0.5 / (sumN + 1);
  const scaleTarget = scale === 'logit' ? Math.min(1 - edge, Math.max(edge, target)) : target;
  const t0 = ops.of(scaleTarget);
  const x = included.map((u) => ops.observed(u.count, u.total));
  const v = included.map((u) => ops.variance(u.total, scaleTarget));
  const z = x.map((xi, i) => (xi - t0) / Math.sqrt(v[i]));
  const I = included.length;
  let chi2 = 0;
  for (const v of z) chi2 += v * v;
  const notes: string[] = [];
  let phi = 1;
  let tau2 = 0;
  let tau2Interval = { lower: 0, upper: 0, level: 0.95 };
  let status: FunnelStatus = 'ok';
  if (I < 2) {
    status = 'too-few-units';
    notes.push('one unit cannot show over-dispersion: φ = 1 and τ² = 0 are assumed');
  } else {
    phi = winsorisedMeanSquare(z, winsorise);
    let sw = 0;
    let sw2 = 0;
    for (const vi of v) {
      const w = 1 / vi;
      sw += w;
      sw2 += w * w;
    }
    const denom = sw - sw2 / sw;
    if (tau2Method === 'winsorised') {
      tau2 = denom > 0 ? Math.max(0, (I * phi - (I - 1)) / denom) : 0;
      tau2Interval = { lower: tau2, upper: tau2, level: 0.95 };
    } else {
      const pm = robustPauleMandel(x, v);
      tau2 = pm.tau2;
      tau2Interval = { lower: pm.lower, upper: pm.upper, level: pm.level };
    }
    if (I < 10) notes.push(`only ${I} units: φ̂ and τ̂² are rough`);
  }
  const dispersionTest = { statistic: chi2, df: Math.max(0, I - 1), p: I > 1 ? chiSquareUpper(chi2, I - 1) : 1 };
  if (model === 'additive') notes.push(
      (tau2 > 0 ? `additive over-dispersion τ̂² = ${tau2.toExponential(3)} on the ${scale} scale` : `no over-dispersion beyond binomial found on the ${scale} scale (τ̂² = 0)`) +
        (tau2Method === 'paule-mandel' && I >= 2 ? ` (Paule–Mandel; 95 % CI ${tau2Interval.lower.toExponential(2)} to ${tau2Interval.upper.toExponential(2)})` : tau2Method === 'winsorised' ? ' (winsorised moment estimator)' : ''),
    );
  else if (model === 'multiplicative') notes.push(phi > 1 ? `limits widened by √φ̂ = ${Math.sqrt(phi).toFixed(3)}` : 'φ̂ ≤ 1: binomial limits used');
  else notes.push('binomial limits (over-dispersion ignored by choice)');
  notes.push(targetSource === 'pooled' ? `target is the pooled proportion ${target.toPrecision(4)}` : `target ${target.toPrecision(4)} was given`);
  if (scaleTarget !== target) notes.push(`a target of ${target} has no logit: ${scaleTarget.toPrecision(3)} (½/(N+1) from the edge) is used as the centre`);
  if (scale === 'logit') {
    const corrected = included.filter((u) => u.count === 0 || u.count === u.total).length;
    if (corrected > 0) notes.push(`${corrected} unit(s) with a count of 0 or all: ½ added to both cells for their logit`);
  }
  if (excluded.length > 0) notes.push(`${excluded.length} unit(s) excluded for a zero total`);

  const result: FunnelResult = { ...base, status, note: notes.join('; '), target, scaleTarget, units: [], phi, dispersionTest, tau2, tau2Interval };
  result.units = included.map((u, i) => {
    const zAdjusted = (x[i] - t0) / funnelSd(result, u.total);
    return {
      id: u.id,
      count: u.count,
      total: u.total,
      proportion: u.count / u.total,
      z: z[i],
      zAdjusted,
      pTwoSided: Math.min(1, 2 * normalUpper(Math.abs(zAdjusted))),
      pHigh: normalUpper(zAdjusted),
    };
  });
  return result;
}

type FitScale = Pick<FunnelResult, 'model' | 'phi' | 'tau2'> & { scale?: Scale; scaleTarget?: number; target?: number };

/**
 * Standard deviation on the fit's scale for a unit of size n under the fitted model, at rate θ
 * (default the fit's centre; only the logit scale's variance depends on it):
 * √(v(n, θ) + τ̂²) additive, √(φ̂ v) multiplicative (φ̂ ≥ 1), √v binomial.
 */
export function funnelSd(fit: FitScale, n: number, theta?: number): number {
  const ops = scaleOps(fit.scale ?? 'arcsine');
  const v = ops.variance(n, theta ?? fit.scaleTarget ?? fit.target ?? 0.5);
  if (fit.model === 'additive') return Math.sqrt(v + fit.tau2);
  if (fit.model === 'multiplicative') return Math.sqrt(v * Math.max(1, fit.phi));
  return Math.sqrt(v);
}

/** Control limits (as proportions) for a unit of size n > 0 at each of the result's levels. */
export function controlLimits(fit: Pick<FunnelResult, 'model' | 'phi' | 'tau2' | 'target' | 'levels'> & { scale?: Scale; scaleTarget?: number }, n: number): ControlLimit[] {
  if (!(n > 0) || !Number.isFinite(n)) throw new StatsError('INVALID_ARGUMENT', `control limits need a positive finite size, got ${n}`);
  const ops = scaleOps(fit.scale ?? 'arcsine');
  const t0 = ops.of(fit.scaleTarget ?? fit.target);
  const sd = funnelSd(fit, n);
  return fit.levels.map((level) => {
    const k = normalQuantile((1 + level) / 2);
    return { level, lower: ops.back(t0 - k * sd), upper: ops.back(t0 + k * sd) };
  });
}
