/**
 * The tenprint identification benchmark behind `seccom identify bench` and
 * bench/identify.bench.ts: a synthetic population (statistical templates, ten fingers each)
 * generated on the worker threads into a gallery file (cached when a cache directory is
 * given), loaded into shared shards the way a restarted service loads it, then mated and
 * non-mated tenprint probes searched with the pool.
 *
 * Timings are wall time plus process CPU time (all threads) and the load average, because the
 * machine may be shared: wall latency inflated by other load shows as CPU ≪ wall × threads.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crossValidatedRates, empiricalThreshold, modelThreshold, SearchError } from '../../biometrics/search/index.ts';
import { loadGalleryShards } from './gallery-file.ts';
import { SearchPool, sharedAllocator } from './pool.ts';
import { SYNTHETIC_PREFIX, syntheticGalleryFile, type EnrolmentFigures } from './synthetic-gallery.ts';
import { syntheticTenprint } from './synthetic.ts';

export interface IdentifyBenchOptions {
  readonly gallery: number;
  readonly probes: number;
  readonly workers?: number;
  readonly seed?: string;
  readonly fpir?: number;
  readonly shortList?: number;
  /**
   * Keep the generated gallery file here and reuse it on later runs (see synthetic-gallery.ts).
   * Default: a fresh directory under the OS temp dir, removed afterwards.
   */
  readonly cacheDir?: string;
  readonly onProgress?: (phase: 'enrol' | 'load' | 'search', done: number, total: number) => void;
}

export interface IdentifyBenchResult {
  readonly gallery: number;
  readonly probes: { readonly mated: number; readonly nonMated: number };
  readonly workers: number;
  readonly seed: string;
  readonly shortListPerShard: number;
  /** How the gallery file was made (when reused: figures from the run that made it). */
  readonly enrolment: EnrolmentFigures & { readonly reused: boolean };
  readonly memory: {
    readonly bytesPerIdentityUsed: number;
    readonly bytesPerIdentityAllocated: number;
    /** Resident-set growth of the process over the load, per identity (ids map included). */
    readonly rssBytesPerIdentity: number;
  };
  readonly file: { readonly bytes: number; readonly bytesPerIdentity: number; readonly loadSeconds: number; readonly loadCpuSeconds: number; readonly damaged: number };
  readonly latencyMs: {
    readonly p50: number;
    readonly p95: number;
    readonly mean: number;
    readonly filterMeanMs: number;
    readonly compareMeanMs: number;
    /** Process CPU per search ÷ workers: the latency if every worker had a core to itself. */
    readonly cpuBoundP50: number;
    readonly cpuBoundP95: number;
  };
  readonly searchesPerMinute: number;
  /** Searches per minute if the workers had their cores to themselves (from CPU time). */
  readonly searchesPerMinuteCpuBound: number;
  readonly search: { readonly wallSeconds: number; readonly cpuSeconds: number; readonly cpuMsPerSearch: number };
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly rank1: number;
  /** Mated probes whose mate was not among the candidates at all (filter misses). */
  readonly filterMisses: number;
  readonly fpirTarget: number;
  readonly model: { readonly threshold: number; readonly fnir: number; readonly fpir: number };
  /** Threshold set on all non-mated searches and FPIR measured on the same searches (optimistic). */
  readonly empirical: { readonly threshold: number; readonly reliable: boolean; readonly fnir: number; readonly fpir: number };
  /** Threshold set on 9/10 of the non-mated searches, FPIR measured on the held-out tenth, 10 folds (null with < 2 searches). */
  readonly crossValidated: { readonly folds: number; readonly thresholds: readonly number[]; readonly fnir: number; readonly fpir: number } | null;
  readonly nonMatedTopScore: { readonly p50: number; readonly p99: number; readonly max: number };
  /** The five highest-scoring non-mated searches: their best candidate and its best single finger (diagnostics). */
  readonly nonMatedHighest: readonly { readonly probe: number; readonly candidate: string; readonly score: number; readonly bestFinger: { readonly position: number; readonly score: number } | null }[];
  readonly matedScore: { readonly p1: number; readonly p50: number; readonly min: number };
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

export async function runIdentifyBench(options: IdentifyBenchOptions): Promise<IdentifyBenchResult> {
  const N = options.gallery;
  const M = options.probes;
  const workers = options.workers ?? 2;
  const seed = options.seed ?? 'identify-bench';
  const fpir = options.fpir ?? 0.001;
  const shortList = options.shortList ?? 16;
  const progress = options.onProgress ?? (() => {});
  if (!Number.isInteger(N) || N < 1) throw new SearchError('OPTIONS', `gallery size must be a positive integer, got ${String(N)}`);
  if (!Number.isInteger(M) || M < 1) throw new SearchError('OPTIONS', `probe count must be a positive integer, got ${String(M)}`);
  // The seed names the cached file: keep it to a plain file-name fragment.
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(seed) || seed.startsWith('.')) throw new SearchError('OPTIONS', `seed must be 1–64 letters, digits, '.', '_' or '-' (not starting with '.'), got "${seed}"`);
  const dir = options.cacheDir ?? mkdtempSync(join(tmpdir(), 'seccom-identify-'));
  mkdirSync(dir, { recursive: true });
  const startLoad = loadavg();
  try {
    // Enrolment: the population into a gallery file (or the cached one).
    const made = await syntheticGalleryFile({
      path: join(dir, `gallery-${seed}-${N}.scg`),
      identities: N,
      seed,
      workers,
      reuse: options.cacheDir !== undefined,
      onProgress: (done, total) => progress('enrol', done, total),
    });

    // Load it into fresh shared shards (what a restart does).
    progress('load', 0, 1);
    const rss0 = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    const loaded = loadGalleryShards(made.path, workers, sharedAllocator);
    const loadSeconds = (performance.now() - t1) / 1000;
    const loadCpu = cpuSeconds(cpu0);
    const rssDelta = process.memoryUsage().rss - rss0;
    const used = loaded.shards.reduce((n, s) => n + s.usedBytes, 0);
    const allocated = loaded.shards.reduce((n, s) => n + s.bytes, 0);
    const size = loaded.shards.reduce((n, s) => n + s.size, 0);
    progress('load', 1, 1);

    const pool = new SearchPool(workers, loaded.shards);
    const lat: number[] = [];
    const cpuPer: number[] = [];
    let filterMs = 0;
    let compareMs = 0;
    const mated: { mateScore: number; topIsMate: boolean }[] = [];
    const nonMatedTop: number[] = [];
    const nonMatedTopCandidates: { probe: number; candidate: string; score: number; bestFinger: { position: number; score: number } | null }[] = [];
    let filterMisses = 0;
    let rank1 = 0;
    let searchCpu = 0;
    let searchWall = 0;
    try {
      await pool.sync();
      // Warm up the JIT and the comparator outside the measurement.
      await pool.search(syntheticTenprint(`${seed}/warm-up`, 0, 1), { shortList });
      // Probes: mated = impression 1 of enrolled identities spread over the gallery;
      // non-mated = identities of another seed (never enrolled).
      const stride = Math.max(1, Math.floor(N / M));
      for (let i = 0; i < 2 * M; i++) {
        const isMated = i % 2 === 0;
        const k = i >> 1;
        const identity = isMated ? (k * stride) % N : k;
        const probe = syntheticTenprint(isMated ? seed : `${seed}/non-mated`, identity, 1);
        const c = process.cpuUsage();
        const r = await pool.search(probe, { shortList });
        const cpu = cpuSeconds(c) * 1000;
        searchCpu += cpu / 1000;
        searchWall += r.ms / 1000;
        lat.push(r.ms);
        cpuPer.push(cpu / workers);
        for (const s of r.shards) {
          filterMs += s.filterMs / r.shards.length;
          compareMs += s.compareMs / r.shards.length;
        }
        const top = r.candidates[0];
        if (isMated) {
          const id = `${SYNTHETIC_PREFIX}${identity}`;
          const mate = r.candidates.find((cand) => cand.id === id);
          if (!mate) filterMisses++;
          if (top?.id === id) rank1++;
          mated.push({ mateScore: mate?.score ?? 0, topIsMate: top?.id === id });
        } else {
          nonMatedTop.push(top?.score ?? 0);
          if (top) {
            const best = top.fingers.reduce<{ position: number; score: number } | null>((b, f) => (b && b.score >= f.score ? b : { position: f.position, score: round(f.score, 1) }), null);
            nonMatedTopCandidates.push({ probe: identity, candidate: top.id, score: round(top.score, 1), bestFinger: best });
          }
        }
        progress('search', i + 1, 2 * M);
      }
    } finally {
      await pool.close();
    }

    const fnirAt = (t: number) => mated.filter((m) => !(m.topIsMate && m.mateScore >= t)).length / mated.length;
    const fpirAt = (t: number) => nonMatedTop.filter((s) => s >= t).length / nonMatedTop.length;
    const modelT = modelThreshold(fpir, N, 10);
    const emp = empiricalThreshold(nonMatedTop, fpir);
    const cv = nonMatedTop.length >= 2 ? crossValidatedRates(nonMatedTop, fpir, fnirAt, Math.min(10, nonMatedTop.length)) : null;
    const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
    const matedScores = mated.map((m) => m.mateScore);
    return {
      gallery: size,
      probes: { mated: M, nonMated: M },
      workers,
      seed,
      shortListPerShard: shortList,
      enrolment: { ...made.enrolment, reused: made.reused },
      memory: { bytesPerIdentityUsed: round(used / size, 0), bytesPerIdentityAllocated: round(allocated / size, 0), rssBytesPerIdentity: round(rssDelta / size, 0) },
      file: { bytes: loaded.report.bytes, bytesPerIdentity: round(loaded.report.bytes / size, 0), loadSeconds: round(loadSeconds, 2), loadCpuSeconds: round(loadCpu, 2), damaged: loaded.report.damaged.length },
      latencyMs: {
        p50: round(quantile(lat, 0.5), 1),
        p95: round(quantile(lat, 0.95), 1),
        mean: round(mean, 1),
        filterMeanMs: round(filterMs / lat.length, 1),
        compareMeanMs: round(compareMs / lat.length, 1),
        cpuBoundP50: round(quantile(cpuPer, 0.5), 1),
        cpuBoundP95: round(quantile(cpuPer, 0.95), 1),
      },
      searchesPerMinute: round(60000 / mean, 0),
      searchesPerMinuteCpuBound: round((60 * lat.length) / (searchCpu / workers), 0),
      search: { wallSeconds: round(searchWall, 1), cpuSeconds: round(searchCpu, 1), cpuMsPerSearch: round((searchCpu * 1000) / lat.length, 1) },
      loadAverage: { start: startLoad.map((v) => round(v, 2)), end: loadavg().map((v) => round(v, 2)) },
      rank1: round(rank1 / M, 4),
      filterMisses,
      fpirTarget: fpir,
      model: { threshold: round(modelT, 1), fnir: round(fnirAt(modelT), 4), fpir: round(fpirAt(modelT), 4) },
      empirical: { threshold: round(emp.threshold, 1), reliable: emp.reliable, fnir: round(fnirAt(emp.threshold), 4), fpir: round(fpirAt(emp.threshold), 4) },
      crossValidated: cv && { folds: cv.folds, thresholds: cv.thresholds.map((t) => round(t, 1)), fnir: round(cv.fnir, 4), fpir: round(cv.fpir, 4) },
      nonMatedTopScore: { p50: round(quantile(nonMatedTop, 0.5), 1), p99: round(quantile(nonMatedTop, 0.99), 1), max: round(Math.max(...nonMatedTop), 1) },
      nonMatedHighest: nonMatedTopCandidates.sort((a, b) => b.score - a.score).slice(0, 5),
      matedScore: { p1: round(quantile(matedScores, 0.01), 1), p50: round(quantile(matedScores, 0.5), 1), min: round(Math.min(...matedScores), 1) },
    };
  } finally {
    if (!options.cacheDir) rmSync(dir, { recursive: true, force: true });
  }
}
