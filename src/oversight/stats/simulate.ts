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
