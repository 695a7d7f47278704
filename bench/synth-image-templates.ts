/**
 * Image-generator templates for benchmarks: fingers rendered by src/biometrics/synth (master +
 * impressions) and run through the project's extractor, on worker threads, cached on disk.
 *
 * Cache: `<dir>/<version>/<seed>/p<identity>-f<position>-i<impression>.scft` (native template),
 * where `version` is a hash of the generator, extractor and image sources, so a change to any of
 * them starts a fresh cache instead of mixing templates from two generators. Per-finger timings
 * (master, impression, extraction, in ms of wall time on the worker) go to `timings.jsonl` beside
 * them, so a rerun from the cache still reports what generation cost.
 *
 * Used by bench/identify-images.bench.ts and scripts/synth-compare-distributions.ts.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeNativeTemplate } from '../src/biometrics/template/native.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';

export const DEFAULT_CACHE = '/tmp/seccom-bench/synth-images';

/** One master (identity, finger position) and the impressions to render and extract from it. */
export interface FingerJob {
  readonly seed: string;
  readonly identity: number;
  readonly position: number;
  readonly impressions: readonly number[];
}

export interface FingerTiming {
  readonly key: string;
  readonly masterMs: number;
  readonly impressionMs: readonly number[];
  readonly extractMs: readonly number[];
  readonly minutiae: readonly number[];
  readonly patternClass: string;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Hash of the sources that determine an extracted image-generator template. */
export function generatorVersion(): string {
  const h = createHash('sha256');
  for (const folder of ['src/biometrics/synth', 'src/biometrics/extract', 'src/biometrics/image', 'src/biometrics/template']) {
    const dir = join(ROOT, folder);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) {
      h.update(`${folder}/${name}\u0000`);
      h.update(readFileSync(join(dir, name)));
    }
  }
  return h.digest('hex').slice(0, 12);
}

export class ImageTemplateCache {
  readonly dir: string;
  readonly version: string;
  constructor(root = DEFAULT_CACHE, version = generatorVersion()) {
    this.version = version;
    this.dir = join(root, version);
  }
  file(seed: string, identity: number, position: number, impression: number): string {
    return join(this.dir, seed.replace(/[^A-Za-z0-9_.-]/g, '_'), `p${identity}-f${position}-i${impression}.scft`);
  }
  has(seed: string, identity: number, position: number, impression: number): boolean {
    return existsSync(this.file(seed, identity, position, impression));
  }
  load(seed: string, identity: number, position: number, impression: number): FingerprintTemplate {
    return decodeNativeTemplate(new Uint8Array(readFileSync(this.file(seed, identity, position, impression))));
  }
  /** Timings of every finger generated into this cache so far (any run). */
  timings(): Map<string, FingerTiming> {
    const out = new Map<string, FingerTiming>();
    const file = join(this.dir, 'timings.jsonl');
    if (!existsSync(file)) return out;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const t = JSON.parse(line) as FingerTiming;
        out.set(t.key, t);
      } catch {
        // a line cut short by a killed run: ignore it (its template is regenerated if missing)
      }
    }
    return out;
  }
  record(t: FingerTiming): void {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(join(this.dir, 'timings.jsonl'), `${JSON.stringify(t)}\n`);
  }
}

export function fingerKey(job: Pick<FingerJob, 'seed' | 'identity' | 'position'>): string {
  return `${job.seed}/p${job.identity}/f${job.position}`;
}

export interface GenerateReport {
  readonly generated: number;
  readonly images: number;
  readonly cached: number;
  readonly wallSeconds: number;
  /** Process CPU time (main thread + workers) while generating. */
  readonly cpuSeconds: number;
}

/**
 * Renders and extracts every missing template of `jobs` on `workers` threads. A finger whose
 * impressions are all cached is skipped; otherwise its master is generated once for all of
 * its missing impressions. Progress: `onProgress(done, total)` after each finger.
 */
export async function generateTemplates(
  cache: ImageTemplateCache,
  jobs: readonly FingerJob[],
  options: { workers?: number; onProgress?: (done: number, total: number, generated: number) => void } = {},
): Promise<GenerateReport> {
  const todo: FingerJob[] = [];
  let cached = 0;
  for (const job of jobs) {
    const missing = job.impressions.filter((i) => !cache.has(job.seed, job.identity, job.position, i));
    if (missing.length) todo.push({ ...job, impressions: missing });
    else cached++;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let done = 0;
  let images = 0;
  const total = jobs.length;
  options.onProgress?.(cached, total, 0);
  if (todo.length) {
    const n = Math.max(1, Math.min(options.workers ?? 2, todo.length));
    let next = 0;
    const runWorker = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./synth-image-worker.js', import.meta.url));
        const feed = () => {
          if (next >= todo.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const job = todo[next++];
          worker.postMessage({ job, files: job.impressions.map((i) => cache.file(job.seed, job.identity, job.position, i)) });
        };
        worker.on('message', (m: { timing?: FingerTiming; error?: string }) => {
          if (m.error) {
            reject(new Error(m.error));
            void worker.terminate();
            return;
          }
          if (m.timing) {
            cache.record(m.timing);
            done++;
            images += m.timing.impressionMs.length;
            options.onProgress?.(cached + done, total, done);
          }
          feed();
        });
        worker.on('error', reject);
        feed();
      });
    await Promise.all(Array.from({ length: n }, runWorker));
  }
  const c = process.cpuUsage(c0);
  return { generated: done, images, cached, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** A one-line progress bar for stderr. */
export function progressBar(label: string, done: number, total: number, extra = ''): string {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${extra ? ` ${extra}` : ''}`;
}
