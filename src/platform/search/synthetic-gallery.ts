/**
 * Synthetic gallery files for benchmarks: `identities` distinct identities of a seed
 * (`person-0` … `person-{N−1}`, ten statistical templates each, impression 0), generated on the
 * worker threads and appended to a gallery file by the main thread (the durable enrolment).
 *
 * Generating a million identities takes a quarter of an hour on two cores, so a finished file
 * can be kept and reused: next to `<file>` a `<file>.json` records how it was made (identities,
 * seed, size, enrolment timings) and the checksums of a few sample records. A file is reused
 * only when it has the recorded size and those sample records, re-generated with the current
 * template generator, come out byte for byte the same (so a changed generator or a foreign file
 * is rebuilt, not silently benchmarked). Generation writes `<file>.partial` and renames it when
 * complete, so an interrupted run leaves no file that looks finished.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { crc32, encodeUpsert, enrolmentRecord } from '../../biometrics/search/index.ts';
import { GalleryFileWriter } from './gallery-file.ts';
import { SearchPool } from './pool.ts';
import { syntheticTenprint } from './synthetic.ts';

export const SYNTHETIC_PREFIX = 'person-';
/** 2: the seed hash grew to 64 bits, so every synthetic identity changed. */
const META_VERSION = 2;

export interface EnrolmentFigures {
  /** Wall time of the generation (synthesis + enrolment + file append), s. */
  readonly seconds: number;
  /** Identities per second, wall. */
  readonly perSecond: number;
  /** Process CPU time (all threads), s. */
  readonly cpuSeconds: number;
  /** Identities per CPU second. */
  readonly perCpuSecond: number;
  /** Worker time per identity spent synthesising templates (a benchmark cost, not enrolment). */
  readonly synthMsPerIdentity: number;
  /** Worker time per identity spent enrolling: packing, filter codes, record encoding. */
  readonly enrolMsPerIdentity: number;
  /** Enrolment proper, identities per second on `workers` threads (from enrolMsPerIdentity). */
  readonly enrolPerSecondExcludingSynthesis: number;
  readonly workers: number;
  /** os.loadavg() at the start and at the end. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly generatedAt: string;
}

export interface SyntheticGalleryFile {
  readonly path: string;
  readonly identities: number;
  readonly seed: string;
  readonly bytes: number;
  /** True when an existing file was reused (its enrolment figures are from when it was made). */
  readonly reused: boolean;
  readonly enrolment: EnrolmentFigures;
}

interface Meta {
  readonly version: number;
  readonly identities: number;
  readonly seed: string;
  readonly prefix: string;
  readonly bytes: number;
  readonly samples: readonly { readonly identity: number; readonly crc: number }[];
  readonly enrolment: EnrolmentFigures;
}

export interface SyntheticGalleryOptions {
  readonly path: string;
  readonly identities: number;
  readonly seed: string;
  readonly workers?: number;
  /** Reuse a matching existing file (default true). */
  readonly reuse?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function sampleIdentities(n: number): number[] {
  return [...new Set([0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1])];
}

function sampleCrc(seed: string, identity: number): number {
  return crc32(encodeUpsert(enrolmentRecord(`${SYNTHETIC_PREFIX}${identity}`, syntheticTenprint(seed, identity, 0))));
}

/** The reusable file's metadata when `path` holds exactly this population, else undefined. */
export function reusableGallery(path: string, identities: number, seed: string): SyntheticGalleryFile | undefined {
  const metaPath = `${path}.json`;
  if (!existsSync(path) || !existsSync(metaPath)) return undefined;
  let meta: Meta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
  } catch {
    return undefined;
  }
  if (meta.version !== META_VERSION || meta.identities !== identities || meta.seed !== seed || meta.prefix !== SYNTHETIC_PREFIX) return undefined;
  if (statSync(path).size !== meta.bytes || !Array.isArray(meta.samples) || meta.samples.length === 0) return undefined;
  for (const s of meta.samples) if (sampleCrc(seed, s.identity) !== s.crc) return undefined;
  return { path, identities, seed, bytes: meta.bytes, reused: true, enrolment: meta.enrolment };
}

/**
 * Builds (or reuses, see above) the gallery file of `identities` synthetic identities. Workers
 * synthesise and encode chunks of records; the main thread appends them in arrival order.
 */
export async function syntheticGalleryFile(options: SyntheticGalleryOptions): Promise<SyntheticGalleryFile> {
  const { path, identities: N, seed } = options;
  const workers = options.workers ?? 2;
  const progress = options.onProgress ?? (() => {});
  if (options.reuse !== false) {
    const reused = reusableGallery(path, N, seed);
    if (reused) {
      progress(N, N);
      return reused;
    }
  }
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  rmSync(`${path}.json`, { force: true });
  const startLoad = loadavg();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const pool = new SearchPool(workers);
  const writer = new GalleryFileWriter(partial);
  const chunk = Math.max(50, Math.min(2000, Math.ceil(N / (workers * 20))));
  let next = 0;
  let done = 0;
  let synthMs = 0;
  let enrolMs = 0;
  try {
    const run = async (w: number) => {
      while (next < N) {
        const from = next;
        const to = Math.min(N, from + chunk);
        next = to;
        const r = await pool.synthesizeTimed(w, seed, SYNTHETIC_PREFIX, from, to, 0);
        writer.appendEncoded(r.bytes);
        synthMs += r.synthMs;
        enrolMs += r.enrolMs;
        done += to - from;
        progress(done, N);
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
  } finally {
    writer.close();
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  renameSync(partial, path);
  const bytes = statSync(path).size;
  const enrolment: EnrolmentFigures = {
    seconds: round(seconds, 1),
    perSecond: round(N / seconds, 0),
    cpuSeconds: round(cpuSeconds, 1),
    perCpuSecond: round(N / cpuSeconds, 0),
    synthMsPerIdentity: round(synthMs / N, 3),
    enrolMsPerIdentity: round(enrolMs / N, 3),
    enrolPerSecondExcludingSynthesis: round((workers * 1000 * N) / Math.max(1e-9, enrolMs), 0),
    workers,
    loadAverage: { start: startLoad.map((v) => round(v, 2)), end: loadavg().map((v) => round(v, 2)) },
    generatedAt: new Date().toISOString(),
  };
  const meta: Meta = {
    version: META_VERSION,
    identities: N,
    seed,
    prefix: SYNTHETIC_PREFIX,
    bytes,
    samples: sampleIdentities(N).map((identity) => ({ identity, crc: sampleCrc(seed, identity) })),
    enrolment,
  };
  writeFileSync(`${path}.json`, `${JSON.stringify(meta, null, 2)}\n`);
  return { path, identities: N, seed, bytes, reused: false, enrolment };
}
