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
  /** Between-unit variance of the true rates on the arcsine scale (asin √p). */
  tau2: number;
  /** The common rate the true rates spread around. */
  baseShare: number;
  /** Share of units planted as outliers; default 0.05. */
  outlierShare?: number;
  /** A planted unit's shift on the arcsine scale, in between-unit SDs (√τ²); default 4. */
  shiftSds?: number;
  /** Size bands for recall, as [lower, upper) pairs; default <10k, 10k–100k, 100k–1M, ≥1M. */
  bands?: [number, number][];
}

export interface SizedStudySummary {
  replications: number;
  /** Mean over replications of V / max(R, 1), with its Monte Carlo standard error. */
  fdr: number;
  fdrSe: number;
  recall: number;
  recallSe: number;
  /** Mean flags per replication. */
  flags: number;
  /** τ̂² over replications (mean, and its Monte Carlo standard error) against the true τ². */
  tau2Mean: number;
  tau2Se: number;
  recallBySize: { band: string; units: number; planted: number; found: number; recall: number; se: number }[];
}

const SIZE_BANDS: [number, number][] = [
  [0, 1e4],
  [1e4, 1e5],
  [1e5, 1e6],
  [1e6, Infinity],
];

/**
 * Planted-outlier study on given unit sizes (e.g. the policing file's real county totals): each
 * unit's true rate is sin²(x), x ~ N(asin √baseShare, τ²), shifted up by `shiftSds`·τ for the
 * planted ones (which are drawn afresh each replication); counts are Binomial(n, p) — by the
 * normal approximation, exact enough at n ≥ 645 and p(1−p)n ≥ 10, rounded and clipped to [0, n].
 * The review runs on one group and its share-above-state flags are scored.
 */
export function sizedStudy(sizes: readonly number[], replications: number, rngFor: (rep: number) => RandomSource, study: SizedStudyOptions, options: ReviewOptions = {}): SizedStudySummary {
  const bands = study.bands ?? SIZE_BANDS;
  const planted = Math.round(sizes.length * (study.outlierShare ?? 0.05));
  const shift = (study.shiftSds ?? 4) * Math.sqrt(study.tau2);
  const t0 = Math.asin(Math.sqrt(study.baseShare));
  const fdp: number[] = [];
  const rec: number[] = [];
  const taus: number[] = [];
  let flagsTotal = 0;
  const band = bands.map(() => ({ units: 0, planted: 0, found: 0 }));
  for (const n of sizes) {
    const b = bands.findIndex(([a, z]) => n >= a && n < z);
    if (b >= 0) band[b].units++;
  }
  for (let rep = 0; rep < replications; rep++) {
    const rng = rngFor(rep);
    // A random set of planted units: partial Fisher–Yates.
    const order = sizes.map((_, i) => i);
    for (let i = 0; i < planted; i++) {
      const j = i + Math.floor(rng.next() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const isPlanted = new Set(order.slice(0, planted));
    const units: ReviewUnit[] = sizes.map((n, i) => {
      const x = t0 + rng.normal(0, Math.sqrt(study.tau2)) + (isPlanted.has(i) ? shift : 0);
      const p = Math.sin(Math.min(Math.PI / 2, Math.max(0, x))) ** 2;
      const count = Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal(0, 1))));
      return { id: `U${i}`, count, total: n };
    });
    const r = review({ quarter: `sized-${rep}`, units }, options);
    taus.push(r.groups[0].funnel.tau2);
    const flagged = new Set(r.flags.filter((f) => f.kind === 'share-above-state').map((f) => Number(f.unitId.slice(1))));
    let tp = 0;
    for (const i of flagged) if (isPlanted.has(i)) tp++;
    flagsTotal += flagged.size;
    fdp.push(flagged.size > 0 ? (flagged.size - tp) / flagged.size : 0);
    rec.push(planted > 0 ? tp / planted : 1);
    for (const i of isPlanted) {
      const b = bands.findIndex(([a, z]) => sizes[i] >= a && sizes[i] < z);
      if (b < 0) continue;
      band[b].planted++;
      if (flagged.has(i)) band[b].found++;
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const se = (xs: number[]): number => {
    if (xs.length < 2) return 0;
    const m = mean(xs);
    return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1) / xs.length);
  };
  const label = (x: number): string => (x === Infinity ? '∞' : x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));
  return {
    replications,
    fdr: mean(fdp),
    fdrSe: se(fdp),
    recall: mean(rec),
    recallSe: se(rec),
    flags: flagsTotal / Math.max(1, replications),
    tau2Mean: mean(taus),
    tau2Se: se(taus),
    recallBySize: bands.map(([a, z], i) => {
      const p = band[i].planted ? band[i].found / band[i].planted : 0;
      return { band: `${label(a)}–${label(z)}`, units: band[i].units, planted: band[i].planted, found: band[i].found, recall: p, se: band[i].planted ? Math.sqrt((p * (1 - p)) / band[i].planted) : 0 };
    }),
  };
}
