/**
 * The tenprint identification benchmark behind `seccom identify bench` and
 * bench/identify.bench.ts: a synthetic gallery (statistical templates, ten fingers each) built
 * on the worker threads, written to a gallery file and loaded back, then mated and non-mated
 * tenprint probes searched with the pool.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { empiricalThreshold, modelThreshold } from '../../biometrics/search/index.ts';
import { GalleryFileWriter, loadGalleryShards } from './gallery-file.ts';
import { SearchPool, sharedAllocator } from './pool.ts';
import { syntheticTenprint } from './synthetic.ts';

export interface IdentifyBenchOptions {
  readonly gallery: number;
  readonly probes: number;
  readonly workers?: number;
  readonly seed?: string;
  readonly fpir?: number;
  readonly shortList?: number;
  /** Where the gallery file goes (default: a fresh directory under the OS temp dir, removed after). */
  readonly dir?: string;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export interface IdentifyBenchResult {
  readonly gallery: number;
  readonly probes: { readonly mated: number; readonly nonMated: number };
  readonly workers: number;
  readonly seed: string;
  readonly shortListPerShard: number;
  readonly enrolment: { readonly seconds: number; readonly perSecond: number };
  readonly memory: { readonly bytesPerIdentityUsed: number; readonly bytesPerIdentityAllocated: number };
  readonly file: { readonly bytes: number; readonly bytesPerIdentity: number; readonly loadSeconds: number; readonly damaged: number };
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly mean: number; readonly filterMeanMs: number; readonly compareMeanMs: number };
  readonly searchesPerMinute: number;
  readonly rank1: number;
  /** Mated probes whose mate was not in the short list at all (filter misses). */
  readonly filterMisses: number;
  readonly fpirTarget: number;
  readonly model: { readonly threshold: number; readonly fnir: number; readonly fpir: number };
  readonly empirical: { readonly threshold: number; readonly reliable: boolean; readonly fnir: number; readonly fpir: number };
  readonly nonMatedTopScore: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly matedScore: { readonly p1: number; readonly p50: number };
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

export async function runIdentifyBench(options: IdentifyBenchOptions): Promise<IdentifyBenchResult> {
  const N = options.gallery;
  const M = options.probes;
  const workers = options.workers ?? 2;
  const seed = options.seed ?? 'identify-bench';
  const fpir = options.fpir ?? 0.001;
  const shortList = options.shortList ?? 16;
  const progress = options.onProgress ?? (() => {});
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'seccom-identify-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gallery-${seed}-${N}.scg`);
  rmSync(file, { force: true });

  // Enrolment: workers build encoded records; the main thread appends them to the file and enrols.
  let pool = new SearchPool(workers);
  const writer = new GalleryFileWriter(file);
  const t0 = performance.now();
  const chunk = Math.max(50, Math.min(2000, Math.ceil(N / (workers * 20))));
  let next = 0;
  let done = 0;
  const run = async (w: number) => {
    while (next < N) {
      const from = next;
      const to = Math.min(N, from + chunk);
      next = to;
      const bytes = await pool.synthesize(w, seed, 'person-', from, to, 0);
      writer.appendEncoded(bytes);
      pool.applyEncoded(bytes);
      done += to - from;
      progress('enrol', done, N);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
  writer.close();
  const enrolSeconds = (performance.now() - t0) / 1000;
  await pool.close();

  // Load the file back into fresh shared shards (what a restart does).
  progress('load', 0, 1);
  const t1 = performance.now();
  const loaded = loadGalleryShards(file, workers, sharedAllocator);
  const loadSeconds = (performance.now() - t1) / 1000;
  // Memory as a restarted service holds it: shards loaded from the file (presized, no doubling slack).
  const used = loaded.shards.reduce((n, s) => n + s.usedBytes, 0);
  const allocated = loaded.shards.reduce((n, s) => n + s.bytes, 0);
  progress('load', 1, 1);
  pool = new SearchPool(workers, loaded.shards);
  await pool.sync();

  // Probes: mated = impression 1 of enrolled identities; non-mated = identities of another seed.
  const lat: number[] = [];
  let filterMs = 0;
  let compareMs = 0;
  const matedTop: { mateScore: number; topIsMate: boolean; topScore: number }[] = [];
  const nonMatedTop: number[] = [];
  let filterMisses = 0;
  let rank1 = 0;
  const stride = Math.max(1, Math.floor(N / M));
  // Warm up the JIT and the comparator outside the measurement.
  await pool.search(syntheticTenprint(`${seed}/warm-up`, 0, 1), { shortList });
  for (let i = 0; i < 2 * M; i++) {
    const mated = i % 2 === 0;
    const k = i >> 1;
    const identity = mated ? (k * stride) % N : k;
    const probe = syntheticTenprint(mated ? seed : `${seed}/non-mated`, identity, 1);
    const r = await pool.search(probe, { shortList });
    lat.push(r.ms);
    for (const s of r.shards) {
      filterMs += s.filterMs / r.shards.length;
      compareMs += s.compareMs / r.shards.length;
    }
    const top = r.candidates[0];
    if (mated) {
      const mate = r.candidates.find((c) => c.id === `person-${identity}`);
      if (!mate) filterMisses++;
      if (top?.id === `person-${identity}`) rank1++;
      matedTop.push({ mateScore: mate?.score ?? 0, topIsMate: top?.id === `person-${identity}`, topScore: top?.score ?? 0 });
    } else nonMatedTop.push(top?.score ?? 0);
    progress('search', i + 1, 2 * M);
  }
  await pool.close();
  if (!options.dir) rmSync(dir, { recursive: true, force: true });

  const fnirAt = (t: number) => matedTop.filter((m) => !(m.topIsMate && m.mateScore >= t)).length / matedTop.length;
  const fpirAt = (t: number) => nonMatedTop.filter((s) => s >= t).length / nonMatedTop.length;
  const modelT = modelThreshold(fpir, N, 10);
  const emp = empiricalThreshold(nonMatedTop, fpir);
  const mean = lat.reduce((a, b) => a + b, 0) / lat.length;
  return {
    gallery: N,
    probes: { mated: M, nonMated: M },
    workers,
    seed,
    shortListPerShard: shortList,
    enrolment: { seconds: round(enrolSeconds, 1), perSecond: round(N / enrolSeconds, 0) },
    memory: { bytesPerIdentityUsed: round(used / N, 0), bytesPerIdentityAllocated: round(allocated / N, 0) },
    file: { bytes: loaded.report.bytes, bytesPerIdentity: round(loaded.report.bytes / N, 0), loadSeconds: round(loadSeconds, 2), damaged: loaded.report.damaged.length },
    latencyMs: { p50: round(quantile(lat, 0.5), 1), p95: round(quantile(lat, 0.95), 1), mean: round(mean, 1), filterMeanMs: round(filterMs / lat.length, 1), compareMeanMs: round(compareMs / lat.length, 1) },
    searchesPerMinute: round(60000 / mean, 0),
    rank1: round(rank1 / M, 4),
    filterMisses,
    fpirTarget: fpir,
    model: { threshold: round(modelT, 1), fnir: round(fnirAt(modelT), 4), fpir: round(fpirAt(modelT), 4) },
    empirical: { threshold: round(emp.threshold, 1), reliable: emp.reliable, fnir: round(fnirAt(emp.threshold), 4), fpir: round(fpirAt(emp.threshold), 4) },
    nonMatedTopScore: { p50: round(quantile(nonMatedTop, 0.5), 1), p99: round(quantile(nonMatedTop, 0.99), 1), max: round(Math.max(...nonMatedTop), 1) },
    matedScore: { p1: round(quantile(matedTop.map((m) => m.mateScore), 0.01), 1), p50: round(quantile(matedTop.map((m) => m.mateScore), 0.5), 1) },
  };
}

