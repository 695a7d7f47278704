import { compareShares, type Proportion, type ShareComparison } from './demographics.ts';
import { StatsError } from './errors.ts';
import { adjustPValues, type FdrMethod } from './fdr.ts';
import { arcsineSqrt, controlLimits, funnel, funnelSd, scaleOps, type FunnelResult, type OverdispersionModel, type Scale, type Tau2Method, type ControlLimit } from './funnel.ts';
import { segmentedRegression, type MonthlyCount, type SegmentedResult } from './segmented.ts';
import { shrink, type ShrinkageResult, type ShrunkEstimate } from './shrinkage.ts';
import { normalQuantile, normalUpper } from './special.ts';

/**
 * The quarterly statistical review: for every jurisdiction, is the share of its ICE arrests that
 * look pretextual (e.g. no criminal record) higher than its state's, by more than chance and the
 * usual spread between jurisdictions explain? Three screens, each a flag with its numbers:
 * 1. 'share-above-state' — the over-dispersed funnel (funnel.ts) against the group's target gives
 *    each jurisdiction a one-sided-high p-value; Benjamini–Hochberg over every jurisdiction in the
 *    review gives q; flag when q < `fdr` (default 0.05) and total ≥ `minTotal` (default 10).
 * 2. 'share-rose-at-activation' — when a monthly series and an activation month are given, the
 *    segmented regression's level change against the state series (one-sided, BH over the
 *    jurisdictions with a series); flag when q < `fdr` and the rise ≥ `minLevelChange` (0.05).
 * 3. 'group-share-rose' — when demographics are given, a group's share among people booked after
 *    activation against before (two-proportion z or Fisher exact, demographics.ts); flag when the
 *    one-sided q < `fdr` and the rise ≥ `minShareChange` (0.05).
 * 4. 'group-share-above-comparable' — the same after-activation share against the comparable
 *    jurisdictions' (the caller picks them: `DemographicsInput.comparable`), allowing for the
 *    spread between jurisdictions (`compareWithComparable`); flag when the one-sided q < `fdr` and
 *    the excess ≥ `minShareChange`. BH runs within each screen.
 * Every flag carries the shrunk (empirical-Bayes) estimate and interval of its jurisdiction so
 * that a small jurisdiction's extreme raw share is read with its uncertainty.
 *
 * The reference of the funnel screen (`reference`):
 * - 'group' (default): every unit against its group's target (given, or the group's pooled
 *   share), which includes the unit itself — Spiegelhalter's funnel as published;
 * - 'leave-one-out': unit i against the rest of its group, θ₋ᵢ = (C − yᵢ)/(N − nᵢ), where (C, N)
 *   are the group's totals (`groupTotals`, e.g. the whole state; default the sums of its units).
 *   A large unit can no longer pull its own reference up. The comparison is a two-sample one on
 *   the arcsine scale: zᵢ = (asin√pᵢ − asin√θ₋ᵢ) / √(vᵢ + rᵢ), vᵢ the unit's variance under the
 *   model (1/(4nᵢ) + τ̂² additive, φ̂/(4nᵢ) multiplicative), rᵢ the reference's own variance
 *   (1/(4(N − nᵢ)) + τ̂² Σ_{j≠i} nⱼ²/(N − nᵢ)² additive — the between-unit variance of a weighted
 *   mean of the other units; φ̂/(4(N − nᵢ)) multiplicative). φ̂ and τ̂² are NOT re-estimated from
 *   the leave-one-out z: they are the group funnel's (around the group's rate, the I − 1 in
 *   Spiegelhalter's moment estimator accounting for a centre estimated from the same units).
 *   Against its own leave-one-out centre a unit's z is about z_pooled/(1 − hᵢ), hᵢ = nᵢ/N, so
 *   feeding those to the same estimator would inflate φ̂ by the large units' (1 − hᵢ)⁻² — 2.25×
 *   for a unit holding a third of its group. The over-dispersion estimate is therefore the same
 *   under both references; what changes is each unit's centre and variance.
 */

export type ReviewReference = 'group' | 'leave-one-out';

export interface DemographicsInput {
  /** The group whose share is examined (e.g. "Hispanic"). */
  group: string;
  /** Members of the group among people booked before activation (omit when there is no before). */
  before?: Proportion;
  /** Members of the group among people booked after activation. */
  after: Proportion;
  /** Members among bookings in each comparable jurisdiction over the same months (at least MIN_COMPARABLE with bookings for a test). */
  comparable?: { id: string; count: number; total: number }[];
  /** The usual between-jurisdiction variance of the group's share on the arcsine scale, estimated elsewhere on more data (e.g. every jurisdiction of the state before activation); default estimated from the comparable jurisdictions themselves. */
  spread?: { tau2: number; source: string };
}

/** Fewest comparable jurisdictions (with bookings) for the comparison: the spread between them must be estimated. */
export const MIN_COMPARABLE = 3;

export interface ComparableComparison {
  status: 'ok' | 'too-few-comparable' | 'no-data';
  note: string;
  /** The unit's share (after activation) and the comparable jurisdictions' pooled share. */
  share: number;
  reference: number;
  /** share − reference. */
  difference: number;
  /** share minus the 95 % range of a comparable jurisdiction's share at the unit's size: an interval for the excess. */
  lower: number;
  upper: number;
  /** Comparable jurisdictions with bookings, and their pooled count and total. */
  comparable: number;
  count: number;
  total: number;
  /** Between-jurisdiction variance on the arcsine scale: the given spread, or the comparable jurisdictions' funnel's τ̂². */
  tau2: number;
  /** Where τ̂² comes from. */
  tau2Source: string;
  z: number;
  /** One-sided p for "the unit's share is higher". */
  pHigher: number;
}

/**
 * A unit's share against comparable units', allowing for the ordinary spread between them: τ̂²,
 * the between-unit variance on the arcsine scale, is given (`spread`, estimated on more data) or
 * else the comparable units' own funnel's (around their pooled share θc; Spiegelhalter's moment
 * estimator — rough, often 0, with a handful of units); then, on the arcsine scale, z = (asin√p − asin√θc) / √(1/(4n) + τ̂² + 1/(4Nc) + τ̂² Σnⱼ²/Nc²)
 * — the unit's binomial and between-unit variance plus the pooled reference's. A plain two-
 * proportion test would count every natural difference between places (one county simply has
 * more foreign-born residents) as evidence once the samples are large.
 */
export function compareWithComparable(after: Proportion, comparable: readonly { id: string; count: number; total: number }[], spread?: { tau2: number; source: string }, level = 0.95): ComparableComparison {
  if (spread !== undefined && !(Number.isFinite(spread.tau2) && spread.tau2 >= 0)) throw new StatsError('INVALID_ARGUMENT', `between-jurisdiction variance ${spread.tau2} must be finite and non-negative`);
  const share = after.total > 0 ? after.count / after.total : 0;
  const used = comparable.filter((c) => c.total > 0);
  let count = 0;
  let total = 0;
  let sumN2 = 0;
  for (const c of used) {
    count += c.count;
    total += c.total;
    sumN2 += c.total * c.total;
  }
  const reference = total > 0 ? count / total : 0;
  const base = { share, reference, difference: share - reference, comparable: used.length, count, total };
  const none = { ...base, lower: -1, upper: 1, tau2: 0, tau2Source: 'none', z: 0, pHigher: 1 };
  if (after.total === 0) return { ...none, difference: 0, status: 'no-data', note: 'no bookings with demographics after activation: no comparison' };
  if (used.length < MIN_COMPARABLE) {
    return { ...none, difference: 0, status: 'too-few-comparable', note: `${used.length} comparable jurisdiction(s) with bookings, fewer than the ${MIN_COMPARABLE} needed to estimate the spread between jurisdictions: no comparison` };
  }
  const tau2 = spread ? spread.tau2 : funnel(used, { model: 'additive' }).tau2;
  const tau2Source = spread ? spread.source : 'the comparable jurisdictions';
  const sd = Math.sqrt(1 / (4 * after.total) + tau2 + 1 / (4 * total) + (tau2 * sumN2) / (total * total));
  const a0 = arcsineSqrt(reference);
  const z = (arcsineSqrt(share) - a0) / sd;
  const k = normalQuantile((1 + level) / 2);
  const lo = Math.sin(Math.max(0, a0 - k * sd)) ** 2;
  const hi = Math.sin(Math.min(Math.PI / 2, a0 + k * sd)) ** 2;
  return {
    ...base,
    status: 'ok',
    note: `${used.length} comparable jurisdiction(s), pooled share ${reference.toPrecision(3)}; between-jurisdiction τ̂² = ${tau2.toExponential(2)} from ${tau2Source}${!spread && used.length < 10 ? ' (rough with so few)' : ''}`,
    lower: share - hi,
    upper: share - lo,
    tau2,
    tau2Source,
    z,
    pHigher: normalUpper(z),
  };
}

export interface ReviewUnit {
  id: string;
  /** Stratum with its own target (a state); default one stratum for all. */
  group?: string;
  count: number;
  total: number;
  monthly?: MonthlyCount[];
  activation?: number;
  demographics?: DemographicsInput;
}

export interface ReviewInput {
  /** E.g. "2011Q2"; part of every flag id. */
  quarter: string;
  units: ReviewUnit[];
  /** Target share by group (the state's published rate); default each group's pooled share. Not with reference 'leave-one-out' (a rate cannot leave a unit out: give `groupTotals`). */
  targets?: Record<string, number>;
  /** The group's count and total (e.g. the whole state, including places not in the review); used by reference 'leave-one-out' and as the 'group' target when no target is given. Default the sums of the group's units. */
  groupTotals?: Record<string, { count: number; total: number }>;
  /** The state's monthly series by group, for the segmented regression. */
  groupMonthly?: Record<string, MonthlyCount[]>;
}

export interface ReviewOptions {
  /** False-discovery rate at which flags are raised; default 0.05. */
  fdr?: number;
  fdrMethod?: FdrMethod;
  /** Over-dispersion model of the funnel; default 'additive'. */
  model?: OverdispersionModel;
  /** How the funnel estimates τ̂² (see funnel.ts); default 'paule-mandel'. */
  tau2Method?: Tau2Method;
  /** Scale of the funnel screen's z, limits and τ̂² (see funnel.ts `Scale`); default 'arcsine'. The comparable-jurisdictions screen is always on the arcsine scale. */
  scale?: Scale;
  /** Smallest total for a funnel flag; smaller units are analysed but not flagged. Default 10. */
  minTotal?: number;
  /** Smallest level change (share units) for an activation flag; default 0.05. */
  minLevelChange?: number;
  /** Smallest rise in a group's share for a demographics flag; default 0.05. */
  minShareChange?: number;
  /** What each unit's share is compared with in the funnel screen; default 'group' (see above). */
  reference?: ReviewReference;
  /** Words for the numerator and denominator in reasons (default "flagged arrests" of "arrests"), and for a group ("the state (AZ)"; default "the AZ target", or "the rest of AZ" when leaving one out). */
  labels?: { count: string; total: string; group?: (group: string) => string };
}

export type FlagKind = 'share-above-state' | 'share-rose-at-activation' | 'group-share-rose' | 'group-share-above-comparable';

export interface FlagNumbers {
  count: number;
  total: number;
  /** Observed share y/n. */
  observed: number;
  /** Expected share: the target. */
  expected: number;
  /** Over-dispersion-adjusted z (funnel flags), t (activation flags) or 0. */
  z: number;
  p: number;
  q: number;
  /**
   * Upper 99.8 % funnel limit for this unit's size (around its own reference when leaving one out).
   * Funnel and activation flags only: a demographics flag's count, total and shares are the
   * group's, which no funnel is drawn for.
   */
  upperLimit?: number;
  /** The rest of the group's count and total (reference 'leave-one-out'). */
  reference?: { count: number; total: number };
  /** Shrunk estimate of the unit's share (funnel and activation flags only). */
  shrunk?: { mean: number; lower: number; upper: number };
  /** The estimate behind an activation or demographics flag (level change, share difference) with its interval. */
  effect?: { estimate: number; lower: number; upper: number };
}

export interface ReviewFlag {
  /** `${quarter}:${group}:${unit}:${kind}` — stable across re-runs of the same data. */
  id: string;
  unitId: string;
  group: string;
  kind: FlagKind;
  reason: string;
  numbers: FlagNumbers;
  /** Path of the unit's drill-down view. */
  drillDown: string;
}

export interface UnitReview {
  id: string;
  group: string;
  count: number;
  total: number;
  observed: number;
  expected: number;
  z: number;
  pHigh: number;
  qHigh: number;
  /** Control limits (as shares) at 95 % and 99.8 % for this unit's size around `expected`, flagged or not; absent when the unit is not judged. */
  limits?: ControlLimit[];
  shrunk: ShrunkEstimate | null;
  /** The rest of the group's count and total, whose share is `expected` (reference 'leave-one-out'). */
  reference?: { count: number; total: number };
  activation?: SegmentedResult;
  /** The group's share after activation against before. */
  demographics?: ShareComparison;
  /** The group's share after activation against comparable jurisdictions. */
  comparable?: ComparableComparison;
  flagged: FlagKind[];
  note?: string;
}

export interface GroupSummary {
  group: string;
  funnel: Omit<FunnelResult, 'units'>;
  shrinkage: Omit<ShrinkageResult, 'estimates'>;
}

export interface ReviewResult {
  quarter: string;
  thresholds: Required<Omit<ReviewOptions, 'labels'>>;
  flags: ReviewFlag[];
  units: UnitReview[];
  groups: GroupSummary[];
  notes: string[];
}

const ALL = 'all';

function pct(x: number): string {
  const v = x * 100;
  return `${v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)} %`;
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

/** Runs the review over one quarter's data. */
export function review(input: ReviewInput, options: ReviewOptions = {}): ReviewResult {
  const thresholds = {
    fdr: options.fdr ?? 0.05,
    fdrMethod: options.fdrMethod ?? 'bh',
    model: options.model ?? 'additive',
    minTotal: options.minTotal ?? 10,
    minLevelChange: options.minLevelChange ?? 0.05,
    minShareChange: options.minShareChange ?? 0.05,
    reference: options.reference ?? 'group',
    tau2Method: options.tau2Method ?? 'paule-mandel',
    scale: options.scale ?? 'arcsine',
  } satisfies ReviewResult['thresholds'];
  if (!(thresholds.fdr > 0 && thresholds.fdr < 1)) throw new StatsError('INVALID_ARGUMENT', `fdr ${thresholds.fdr} must be in (0, 1)`);
  if (thresholds.reference !== 'group' && thresholds.reference !== 'leave-one-out') throw new StatsError('INVALID_ARGUMENT', `reference "${String(thresholds.reference)}" must be 'group' or 'leave-one-out'`);
  const loo = thresholds.reference === 'leave-one-out';
  const ops = scaleOps(thresholds.scale);
  const labels = options.labels ?? { count: 'flagged arrests', total: 'arrests' };
  const notes: string[] = [];
  const byGroup = new Map<string, ReviewUnit[]>();
  for (const u of input.units) {
    const g = u.group ?? ALL;
    const list = byGroup.get(g) ?? [];
    list.push(u);
    byGroup.set(g, list);
  }
  const units: UnitReview[] = [];
  const groups: GroupSummary[] = [];
  const upperLimits: number[] = [];
  const judged = new Set<UnitReview>();
  const k998 = normalQuantile((1 + 0.998) / 2);
  for (const [group, list] of byGroup) {
    const totals = input.groupTotals?.[group];
    let sumY = 0;
    let sumN = 0;
    for (const u of list) {
      sumY += u.count;
      sumN += u.total;
    }
    if (totals !== undefined) {
      if (!(Number.isFinite(totals.count) && Number.isFinite(totals.total) && totals.count >= 0 && totals.count <= totals.total)) throw new StatsError('INVALID_ARGUMENT', `group ${group}: totals ${totals.count} of ${totals.total} are not a proportion`);
      // Compared with a tolerance: totals may come as sums of the same counts in another order.
      if (totals.count < sumY || totals.total < sumN || totals.total - totals.count < sumN - sumY) throw new StatsError('INVALID_ARGUMENT', `group ${group}: totals ${totals.count} of ${totals.total} are smaller than the sums of its units (${sumY} of ${sumN})`);
    }
    if (loo && input.targets?.[group] !== undefined) throw new StatsError('INVALID_ARGUMENT', `group ${group}: a target rate cannot leave a unit out; give groupTotals (its count and total) instead`);
    const target = input.targets?.[group] ?? (totals && totals.total > 0 ? totals.count / totals.total : undefined);
    const fit = funnel(list, { target, model: thresholds.model, levels: [0.95, 0.998], tau2Method: thresholds.tau2Method, scale: thresholds.scale });
    const sh = shrink(list);
    const { units: points, ...funnelSummary } = fit;
    const { estimates, ...shrinkSummary } = sh;
    groups.push({ group, funnel: funnelSummary, shrinkage: shrinkSummary });
    const pointById = new Map(points.map((p) => [p.id, p]));
    const estimateById = new Map(estimates.map((e) => [e.id, e]));
    const group2 = { count: totals?.count ?? sumY, total: totals?.total ?? sumN };
    let sumN2 = 0;
    for (const u of list) sumN2 += u.total * u.total;
    for (const u of list) {
      const p = pointById.get(u.id);
      const r: UnitReview = {
        id: u.id,
        group,
        count: u.count,
        total: u.total,
        observed: u.total > 0 ? u.count / u.total : 0,
        expected: fit.target,
        z: p?.zAdjusted ?? 0,
        pHigh: p?.pHigh ?? 1,
        qHigh: 1,
        shrunk: estimateById.get(u.id) ?? null,
        flagged: [],
      };
      if (!p) r.note = `no ${labels.total} this quarter: not judged`;
      if (p && !loo) {
        judged.add(r);
        r.limits = controlLimits(fit, u.total);
        upperLimits.push(r.limits[1].upper);
      } else if (p) {
        // Leave-one-out: against the rest of the group, with the reference's own variance.
        const rest = { count: group2.count - u.count, total: group2.total - u.total };
        r.reference = rest;
        if (rest.total <= 0) {
          r.note = `no other ${labels.total} in ${group === ALL ? 'the review' : group} to compare with: not judged`;
          r.expected = r.observed;
          upperLimits.push(1);
        } else {
          const theta = Math.min(1, Math.max(0, rest.count / rest.total));
          // On the logit scale a reference of 0 or 1 is clipped like the funnel's target (½/(N+1) from the edge).
          const edge = 0.5 / (group2.total + 1);
          const thetaScale = thresholds.scale === 'logit' ? Math.min(1 - edge, Math.max(edge, theta)) : theta;
          const sdUnit = funnelSd(fit, u.total, thetaScale);
          const vRest = ops.variance(rest.total, thetaScale);
          const refVar = fit.model === 'additive' ? vRest + (fit.tau2 * Math.max(0, sumN2 - u.total * u.total)) / (rest.total * rest.total) : fit.model === 'multiplicative' ? Math.max(1, fit.phi) * vRest : vRest;
          const sd = Math.sqrt(sdUnit * sdUnit + refVar);
          const centre = ops.of(thetaScale);
          r.expected = theta;
          r.z = (ops.observed(u.count, u.total) - centre) / sd;
          r.pHigh = normalUpper(r.z);
          judged.add(r);
          r.limits = [0.95, 0.998].map((level) => {
            const k = normalQuantile((1 + level) / 2);
            return { level, lower: ops.back(centre - k * sd), upper: ops.back(centre + k * sd) };
          });
          upperLimits.push(ops.back(centre + k998 * sd));
        }
      } else upperLimits.push(1);
      if (u.monthly && u.activation !== undefined) {
        r.activation = segmentedRegression(u.monthly, u.activation, input.groupMonthly?.[group]);
      }
      if (u.demographics) {
        const d = u.demographics;
        if (d.before) r.demographics = compareShares(d.after, d.before);
        if (d.comparable) r.comparable = compareWithComparable(d.after, d.comparable, d.spread);
      }
      units.push(r);
    }
  }
  // Benjamini–Hochberg over every judged unit of the review (all groups together).
  const judgedList = units.filter((u) => judged.has(u));
  const q = adjustPValues(judgedList.map((u) => u.pHigh), thresholds.fdrMethod);
  judgedList.forEach((u, i) => (u.qHigh = q[i]));

  const flags: ReviewFlag[] = [];
  const drill = (u: UnitReview): string => `review/${encodeURIComponent(input.quarter)}/${encodeURIComponent(u.group)}/${encodeURIComponent(u.id)}`;
  /** Marks the unit and records its flag; `tail` extends the unit's drill-down path. */
  const raise = (u: UnitReview, kind: FlagKind, reason: string, numbers: FlagNumbers, tail = ''): void => {
    u.flagged.push(kind);
    flags.push({ id: `${input.quarter}:${u.group}:${u.id}:${kind}`, unitId: u.id, group: u.group, kind, reason, numbers, drillDown: `${drill(u)}${tail}` });
  };
  const demographicsOf = (u: UnitReview) => input.units.find((x) => x.id === u.id && (x.group ?? ALL) === u.group)!.demographics!;
  const shrunkOf = (u: UnitReview) => (u.shrunk ? { mean: u.shrunk.mean, lower: u.shrunk.lower, upper: u.shrunk.upper } : { mean: u.observed, lower: 0, upper: 1 });
  const where = (u: UnitReview): string => {
    if (!loo) return labels.group ? labels.group(u.group) : u.group === ALL ? 'the target' : `the ${u.group} target`;
    const rest = u.reference ? ` (${u.reference.count} of ${u.reference.total})` : '';
    return `${labels.group ? `the rest of ${labels.group(u.group)}` : u.group === ALL ? 'the other units' : `the rest of ${u.group}`}${rest}`;
  };
  units.forEach((u, k) => {
    if (!judged.has(u) || u.qHigh >= thresholds.fdr) return;
    if (u.total < thresholds.minTotal) {
      u.note = `significant (q = ${fmtP(u.qHigh)}) but only ${u.total} ${labels.total}, below the ${thresholds.minTotal} needed to flag`;
      return;
    }
    const sh = shrunkOf(u);
    const limit = upperLimits[k];
    raise(
      u,
      'share-above-state',
      `${pct(u.observed)} of ${labels.total} were ${labels.count} (${u.count} of ${u.total}) against ${pct(u.expected)} for ${where(u)}; ` +
        `${u.observed > limit ? `above the 99.8 % limit of ${pct(limit)} for a jurisdiction this size, ` : ''}` +
        `even allowing for the usual spread between jurisdictions the chance of a share this high is p = ${fmtP(u.pHigh)}, ` +
        `q = ${fmtP(u.qHigh)} after allowing for the ${judgedList.length} jurisdictions reviewed; ` +
        `the shrunk estimate is ${pct(sh.mean)} (95 % interval ${pct(sh.lower)}–${pct(sh.upper)})`,
      { count: u.count, total: u.total, observed: u.observed, expected: u.expected, z: u.z, p: u.pHigh, q: u.qHigh, upperLimit: limit, shrunk: sh, ...(u.reference ? { reference: { ...u.reference } } : {}) },
    );
  });

  // Activation screen: one-sided p for a rise, BH over the units that have a fitted series.
  const withSeries = units.filter((u) => u.activation?.status === 'ok');
  const pRise = withSeries.map((u) => {
    const c = u.activation!.levelChange!;
    return c.estimate > 0 ? c.p / 2 : 1 - c.p / 2;
  });
  const qRise = adjustPValues(pRise, thresholds.fdrMethod);
  withSeries.forEach((u, i) => {
    const c = u.activation!.levelChange!;
    if (qRise[i] >= thresholds.fdr || c.estimate < thresholds.minLevelChange) return;
    raise(
      u,
      'share-rose-at-activation',
      `the monthly share of ${labels.count} jumped by ${pct(c.estimate)} (95 % interval ${pct(c.lower)} to ${pct(c.upper)}) when the jurisdiction was activated, ` +
        `${input.groupMonthly?.[u.group] ? 'over and above the state series, ' : ''}p = ${fmtP(pRise[i])}, q = ${fmtP(qRise[i])}; ${u.activation!.note}`,
      {
        count: u.count, total: u.total, observed: u.observed, expected: u.expected, z: c.se > 0 ? c.estimate / c.se : 0, p: pRise[i], q: qRise[i],
        upperLimit: upperLimits[units.indexOf(u)], shrunk: shrunkOf(u), effect: { estimate: c.estimate, lower: c.lower, upper: c.upper },
      },
      '/activation',
    );
  });

  // Demographics screen.
  const withDemo = units.filter((u) => u.demographics?.status === 'ok');
  const qDemo = adjustPValues(withDemo.map((u) => u.demographics!.pHigher), thresholds.fdrMethod);
  withDemo.forEach((u, i) => {
    const d = u.demographics!;
    if (qDemo[i] >= thresholds.fdr || d.difference < thresholds.minShareChange) return;
    const source = demographicsOf(u);
    raise(
      u,
      'group-share-rose',
      `${source.group} people were ${pct(d.shareA)} of those booked after activation against ${pct(d.shareB)} before activation, ` +
        `a rise of ${pct(d.difference)} (95 % interval ${pct(d.lower)} to ${pct(d.upper)}); p = ${fmtP(d.pHigher)} (${d.test === 'fisher' ? 'Fisher exact' : 'two-proportion z'}), q = ${fmtP(qDemo[i])}`,
      // The group's own figures: people of the group among those booked after activation, against before.
      {
        count: source.after.count, total: source.after.total, observed: d.shareA, expected: d.shareB, z: 0, p: d.pHigher, q: qDemo[i],
        ...(source.before ? { reference: { count: source.before.count, total: source.before.total } } : {}),
        effect: { estimate: d.difference, lower: d.lower, upper: d.upper },
      },
      '/demographics',
    );
  });

  // Against comparable jurisdictions.
  const withComp = units.filter((u) => u.comparable?.status === 'ok');
  const qComp = adjustPValues(withComp.map((u) => u.comparable!.pHigher), thresholds.fdrMethod);
  withComp.forEach((u, i) => {
    const c = u.comparable!;
    if (qComp[i] >= thresholds.fdr || c.difference < thresholds.minShareChange) return;
    const source = demographicsOf(u);
    raise(
      u,
      'group-share-above-comparable',
      `${source.group} people were ${pct(c.share)} of those booked after activation (${source.after.count} of ${source.after.total}) against ${pct(c.reference)} in ${c.comparable} comparable jurisdictions over the same months (${c.count} of ${c.total}), ` +
        `${pct(c.difference)} more (95 % interval ${pct(c.lower)} to ${pct(c.upper)}); allowing for the spread between jurisdictions p = ${fmtP(c.pHigher)}, q = ${fmtP(qComp[i])}`,
      // The group's own figures after activation, against the comparable jurisdictions' pooled share.
      {
        count: source.after.count, total: source.after.total, observed: c.share, expected: c.reference, z: c.z, p: c.pHigher, q: qComp[i],
        reference: { count: c.count, total: c.total },
        effect: { estimate: c.difference, lower: c.lower, upper: c.upper },
      },
      '/demographics-comparable',
    );
  });

  for (const g of groups) {
    notes.push(`${g.group}: funnel ${g.funnel.status} — ${g.funnel.note}; shrinkage ${g.shrinkage.status} — ${g.shrinkage.note}`);
  }
  if (input.units.length === 0) notes.push('no jurisdictions reported this quarter: nothing to review');
  return { quarter: input.quarter, thresholds, flags, units, groups, notes };
}
