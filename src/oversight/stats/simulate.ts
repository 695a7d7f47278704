import { StatsError } from './errors.ts';
import { scaleOps, type Scale } from './funnel.ts';
import { review, type ReviewOptions, type ReviewUnit } from './review.ts';

/**
 * Synthetic quarters with planted outliers, to measure what the review finds (power) and how
 * often it is wrong (false-discovery proportion). Background jurisdictions have their own true
 * share, logit-normal around the state share (over-dispersion: real jurisdictions differ for
 * reasons that are not misconduct); planted ones have their share raised by a fixed shift on the
 * logit scale. Sizes are log-uniform between `minTotal` and `maxTotal` arrests.
 */

/** The randomness the simulation needs; `createRng` from src/biometrics/synth/random.ts fits. */
export interface RandomSource {
  next(): number;
  normal(mean?: number, sd?: number): number;
}

export interface SimulationOptions {
  /** Jurisdictions in the quarter; default 200. */
  units?: number;
  /** Share of them planted as outliers; default 0.05. */
  outlierShare?: number;
  /** The state's share (e.g. ICE arrests with no criminal record); default 0.26. */
  baseShare?: number;
  /** SD of background jurisdictions' logit share; default 0.25. */
  spread?: number;
  /** Logit shift of a planted outlier; default 1.8 (0.26 → 0.68, like Louisiana's 70 % against 26 % nationally). */
  outlierShift?: number;
  minTotal?: number;
  maxTotal?: number;
}

export interface SimulatedQuarter {
  units: ReviewUnit[];
  planted: Set<string>;
}

function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function binomial(rng: RandomSource, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

export function simulateQuarter(rng: RandomSource, options: SimulationOptions = {}): SimulatedQuarter {
  const count = options.units ?? 200;
  const outliers = Math.round(count * (options.outlierShare ?? 0.05));
  const base = Math.log((options.baseShare ?? 0.26) / (1 - (options.baseShare ?? 0.26)));
  const spread = options.spread ?? 0.25;
  const shift = options.outlierShift ?? 1.8;
  const lo = Math.log(options.minTotal ?? 20);
  const hi = Math.log(options.maxTotal ?? 2000);
  const units: ReviewUnit[] = [];
  const planted = new Set<string>();
  for (let j = 0; j < count; j++) {
    const id = `J${String(j).padStart(4, '0')}`;
    const total = Math.round(Math.exp(lo + (hi - lo) * rng.next()));
    const outlier = j < outliers;
    const share = expit(base + rng.normal(0, spread) + (outlier ? shift : 0));
    if (outlier) planted.add(id);
    units.push({ id, count: binomial(rng, total, share), total });
  }
  return { units, planted };
}

export interface PowerRow {
  seed: number;
  planted: number;
  flagged: number;
  truePositives: number;
  /** Planted outliers found / planted. */
  recall: number;
  /** False flags / flags (0 when nothing is flagged). */
  falseDiscoveryProportion: number;
}

export interface PowerSummary {
  rows: PowerRow[];
  meanRecall: number;
  /** Mean false-discovery proportion over seeds: the realised FDR. */
  fdr: number;
  minRecall: number;
  /** Recall pooled over seeds, by size band of the planted jurisdictions. */
  recallBySize: { band: string; planted: number; found: number; recall: number }[];
}

const BANDS: [number, number][] = [
  [20, 50],
  [50, 200],
  [200, 2001],
];

/** Runs the review on simulated quarters, one per seed; `rngFor(seed)` supplies each seed's stream. */
export function powerStudy(seeds: readonly number[], rngFor: (seed: number) => RandomSource, simulation: SimulationOptions = {}, options: ReviewOptions = {}): PowerSummary {
  const rows: PowerRow[] = [];
  const band = BANDS.map(() => ({ planted: 0, found: 0 }));
  for (const seed of seeds) {
    const sim = simulateQuarter(rngFor(seed), simulation);
    const r = review({ quarter: `sim-${seed}`, units: sim.units }, options);
    const flagged = new Set(r.flags.filter((f) => f.kind === 'share-above-state').map((f) => f.unitId));
    let tp = 0;
    for (const id of flagged) if (sim.planted.has(id)) tp++;
    for (const u of sim.units) {
      if (!sim.planted.has(u.id)) continue;
      const b = BANDS.findIndex(([a, z]) => u.total >= a && u.total < z);
      if (b < 0) continue;
      band[b].planted++;
      if (flagged.has(u.id)) band[b].found++;
    }
    rows.push({
      seed,
      planted: sim.planted.size,
      flagged: flagged.size,
      truePositives: tp,
      recall: sim.planted.size > 0 ? tp / sim.planted.size : 1,
      falseDiscoveryProportion: flagged.size > 0 ? (flagged.size - tp) / flagged.size : 0,
    });
  }
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    rows,
    meanRecall: mean(rows.map((r) => r.recall)),
    fdr: mean(rows.map((r) => r.falseDiscoveryProportion)),
    minRecall: rows.length ? Math.min(...rows.map((r) => r.recall)) : 0,
    recallBySize: BANDS.map(([a, z], i) => ({
      band: `${a}–${z - 1}`,
      planted: band[i].planted,
      found: band[i].found,
      recall: band[i].planted ? band[i].found / band[i].planted : 0,
    })),
  };
}

export interface SizedStudyOptions {
  /** Between-unit variance of the true rates on the truth's scale (`scale`). */
  tau2: number;
  /** The common rate the true rates spread around (its transform is the centre of the spread). */
  baseShare: number;
  /** Scale on which the true rates are normal: 'arcsine' (asin √p, default) or 'logit'; with `rates`, the scale of the planted shift. */
  scale?: Scale;
  /**
   * Empirical truth instead of a normal one: the true rates are these (e.g. a real file's observed
   * county rates), dealt to the units in a fresh random order each replication (`tau2` and
   * `baseShare` then only size the planted shift). Must have one rate per unit.
   */
  rates?: readonly number[];
  /** Share of units planted as outliers; default 0.05. 0 is the null scenario: every flag is false. */
  outlierShare?: number;
  /** A planted unit's shift on the truth's scale, in between-unit SDs (√τ²); default 4. */
  shiftSds?: number;
  /** Size bands for recall, as [lower, upper) pairs; default <10k, 10k–100k, 100k–1M, ≥1M. */
  bands?: [number, number][];
}

export interface SizedStudySummary {
  replications: number;
  /** Mean over replications of V / max(R, 1), with its Monte Carlo standard error. */
  fdr: number;
  fdrSe: number;
  /** Mean over replications of the share of planted units flagged (1 when none is planted). */
  recall: number;
  recallSe: number;
  /** Mean flags per replication. */
  flags: number;
  /** Mean false flags (flagged units that were not planted) per replication, with its Monte Carlo SE. */
  falseFlags: number;
  falseFlagsSe: number;
  /** Share of replications with at least one false flag (the family-wise error), with its binomial SE. */
  anyFalseFlag: number;
  anyFalseFlagSe: number;
  /** τ̂² over replications (mean, and its Monte Carlo standard error), on the review's scale. */
  tau2Mean: number;
  tau2Se: number;
  /** Planted units found / planted, pooled over replications, by size band; `se` is the Monte Carlo SE of that ratio with the replication as the independent unit. */
  recallBySize: { band: string; units: number; planted: number; found: number; recall: number; se: number }[];
}

const SIZE_BANDS: [number, number][] = [
  [0, 1e4],
  [1e4, 1e5],
  [1e5, 1e6],
  [1e6, Infinity],
];

/**
 * Binomial(n, p): by inversion of the CDF when the smaller expected cell is below 30 (exact;
 * O(np) steps), else by the normal approximation, rounded and clipped to [0, n].
 */
export function binomialDraw(rng: RandomSource, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (Math.min(p, 1 - p) * n >= 30) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal(0, 1))));
  const low = p <= 0.5;
  const q = low ? p : 1 - p;
  const u = rng.next();
  let k = 0;
  let pk = Math.exp(n * Math.log1p(-q));
  let cdf = pk;
  while (u > cdf && k < n) {
    pk *= ((n - k) / (k + 1)) * (q / (1 - q));
    k++;
    cdf += pk;
    if (pk < 1e-300 && cdf >= 1 - 1e-15) break;
  }
  return low ? k : n - k;
}

/**
 * Planted-outlier study on given unit sizes (e.g. the policing file's real county totals): each
 * unit's true rate is back(x), x ~ N(of(baseShare), τ²) on the truth's scale (arcsine: sin²,
 * logit: expit), shifted up by `shiftSds`·τ for the planted ones (drawn afresh each replication);
 * counts are Binomial(n, p) (`binomialDraw`). Every option set in `optionSets` reviews the same
 * replications (a paired comparison); each review runs on one group and its share-above-state
 * flags are scored. One summary per option set, in order.
 */
export function sizedStudies(sizes: readonly number[], replications: number, rngFor: (rep: number) => RandomSource, study: SizedStudyOptions, optionSets: readonly ReviewOptions[]): SizedStudySummary[] {
  const bands = study.bands ?? SIZE_BANDS;
  if (study.rates && study.rates.length !== sizes.length) throw new StatsError('INVALID_ARGUMENT', `${study.rates.length} empirical rates for ${sizes.length} units`);
  const planted = Math.round(sizes.length * (study.outlierShare ?? 0.05));
  const shift = (study.shiftSds ?? 4) * Math.sqrt(study.tau2);
  const truth = scaleOps(study.scale ?? 'arcsine');
  const t0 = truth.of(study.baseShare);
  const unitBands = sizes.map((n) => bands.findIndex(([a, z]) => n >= a && n < z));
  const acc = optionSets.map(() => ({ fdp: [] as number[], rec: [] as number[], taus: [] as number[], falses: [] as number[], any: 0, flags: 0, band: bands.map(() => ({ units: 0, planted: 0, found: 0, perRep: [] as [number, number][] })) }));
  for (const a of acc) for (const b of unitBands) if (b >= 0) a.band[b].units++;
  for (let rep = 0; rep < replications; rep++) {
    const rng = rngFor(rep);
    // A random set of planted units: partial Fisher–Yates.
    const order = sizes.map((_, i) => i);
    for (let i = 0; i < planted; i++) {
      const j = i + Math.floor(rng.next() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const isPlanted = new Set(order.slice(0, planted));
    let dealt: number[] | null = null;
    if (study.rates) {
      // Fisher–Yates over the empirical rates.
      dealt = [...study.rates];
      for (let i = dealt.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [dealt[i], dealt[j]] = [dealt[j], dealt[i]];
      }
    }
    const units: ReviewUnit[] = sizes.map((n, i) => {
      const centre = dealt ? truth.of(Math.min(1 - 1e-9, Math.max(1e-9, dealt[i]))) : t0 + rng.normal(0, Math.sqrt(study.tau2));
      const p = truth.back(centre + (isPlanted.has(i) ? shift : 0));
      return { id: `U${i}`, count: binomialDraw(rng, n, p), total: n };
    });
    optionSets.forEach((options, k) => {
      const a = acc[k];
      const r = review({ quarter: `sized-${rep}`, units }, options);
      a.taus.push(r.groups[0].funnel.tau2);
      const flagged = new Set(r.flags.filter((f) => f.kind === 'share-above-state').map((f) => Number(f.unitId.slice(1))));
      let tp = 0;
      for (const i of flagged) if (isPlanted.has(i)) tp++;
      a.flags += flagged.size;
      a.falses.push(flagged.size - tp);
      if (flagged.size > tp) a.any++;
      a.fdp.push(flagged.size > 0 ? (flagged.size - tp) / flagged.size : 0);
      a.rec.push(planted > 0 ? tp / planted : 1);
      const here = bands.map(() => [0, 0] as [number, number]);
      for (const i of isPlanted) {
        const b = unitBands[i];
        if (b < 0) continue;
        here[b][1]++;
        if (flagged.has(i)) here[b][0]++;
      }
      here.forEach(([f, n], b) => {
        a.band[b].found += f;
        a.band[b].planted += n;
        a.band[b].perRep.push([f, n]);
      });
    });
  }
  const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
  const se = (xs: number[]): number => {
    if (xs.length < 2) return 0;
    const m = mean(xs);
    return Math.sqrt(xs.reduce((t, x) => t + (x - m) * (x - m), 0) / (xs.length - 1) / xs.length);
  };
  const label = (x: number): string => (x === Infinity ? '∞' : x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));
  return acc.map((a) => {
    const any = a.any / Math.max(1, replications);
    return {
      replications,
      fdr: mean(a.fdp),
      fdrSe: se(a.fdp),
      recall: mean(a.rec),
      recallSe: se(a.rec),
      flags: a.flags / Math.max(1, replications),
      falseFlags: mean(a.falses),
      falseFlagsSe: se(a.falses),
      anyFalseFlag: any,
      anyFalseFlagSe: Math.sqrt((any * (1 - any)) / Math.max(1, replications)),
      tau2Mean: mean(a.taus),
      tau2Se: se(a.taus),
      recallBySize: bands.map(([lo, hi], i) => {
        const b = a.band[i];
        const p = b.planted ? b.found / b.planted : 0;
        // Monte Carlo SE of the ratio Σfound/Σplanted over replications (the replication is the independent unit).
        const m = b.perRep.length;
        const nBar = b.planted / Math.max(1, m);
        const ss = b.perRep.reduce((t, [f, n]) => t + (f - p * n) ** 2, 0);
        return { band: `${label(lo)}–${label(hi)}`, units: b.units, planted: b.planted, found: b.found, recall: p, se: m > 1 && nBar > 0 ? Math.sqrt(ss / (m * (m - 1))) / nBar : 0 };
      }),
    };
  });
}

/** `sizedStudies` with one option set. */
export function sizedStudy(sizes: readonly number[], replications: number, rngFor: (rep: number) => RandomSource, study: SizedStudyOptions, options: ReviewOptions = {}): SizedStudySummary {
  return sizedStudies(sizes, replications, rngFor, study, [options])[0];
}
