/**
 * Tenprint 1:N identification benchmark → bench/results/identify.json.
 *
 *   nice node --import tsx bench/identify.bench.ts [--sizes 10000,100000,1000000] [--probes 1000]
 *        [--workers 2] [--cache /tmp/seccom-bench] [--cold-load]
 *        [--image-identities 1000 --image-probes 200 --image-fingers 1,…,10] [--skip-image]
 *        [--out bench/results/identify.json]
 *
 * Statistical part: populations of distinct synthetic identities (ten statistical templates
 * each) generated into gallery files (cached under --cache, never in the repository: a million
 * identities is ~3 GB and ~15 min of two cores), loaded back, and mated and non-mated tenprint
 * probes searched on worker threads (src/platform/search/identify-bench.ts). Sizes not run this
 * time keep their previous entry in the results file; so does the image part with --skip-image.
 * --cold-load also times a load with the file dropped from the page cache first (`dd
 * iflag=nocache count=0`, which drops only that file's pages): a restart after a reboot.
 * Image part: identities whose fingers are rendered by the image generator and extracted by
 * the real extractor (cached under /tmp/seccom-identify-image-cache, never in the repository),
 * enrolled in one in-process shard and searched with impression 1 (mated) or unenrolled
 * identities (non-mated).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { extractTemplate } from '../src/biometrics/extract/index.ts';
import { empiricalThreshold, GalleryShard, modelThreshold, prepareProbe, searchShard, type Tenprint } from '../src/biometrics/search/index.ts';
import { synthesizeFinger } from '../src/biometrics/synth/index.ts';
import { decodeNativeTemplate, encodeNativeTemplate } from '../src/biometrics/template/native.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { loadGalleryShards } from '../src/platform/search/gallery-file.ts';
import { runIdentifyBench, type IdentifyBenchResult } from '../src/platform/search/identify-bench.ts';
import { sharedAllocator } from '../src/platform/search/pool.ts';
import { arg, positiveInt } from './args.ts';

if (process.argv.includes('--help')) {
  process.stdout.write(
    '1:N tenprint identification benchmark on synthetic populations (statistical templates), plus an in-file image part.\n' +
      'Options: --sizes N,N,… (10000,100000)  --probes M (1000 mated + M non-mated)  --workers W (2)\n' +
      '         --cache DIR (/tmp/seccom-bench: gallery files, reused)  --cold-load (also time a load from disk)\n' +
      '         --skip-image  --image-identities N (1000)  --image-probes M (200)  --image-fingers 1,…,10\n' +
      '         --out FILE.json (bench/results/identify.json; sizes not run keep their entries)\n' +
      'The full image-level run is bench/identify-images.bench.ts.\n',
  );
  process.exit(0);
}

const sizes = arg('sizes', '10000,100000').split(',').map((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--sizes must be positive integers separated by commas, got ${arg('sizes', '')}\n`);
    process.exit(2);
  }
  return n;
});
const probes = positiveInt('probes', '1000');
const workers = positiveInt('workers', '2');
const out = arg('out', 'bench/results/identify.json');
const imageIdentities = positiveInt('image-identities', '1000');
const imageProbes = positiveInt('image-probes', '200');
const imageFingers = arg('image-fingers', '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
const CACHE = '/tmp/seccom-identify-image-cache';
const cache = arg('cache', '/tmp/seccom-bench');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Extracted template of impression `impression` of finger `position` of image identity `i`, cached on disk. */
function imageTemplate(i: number, position: number, impression: number): FingerprintTemplate {
  const file = join(CACHE, `p${i}-f${position}-i${impression}.scft`);
  if (existsSync(file)) return decodeNativeTemplate(new Uint8Array(readFileSync(file)));
  const image = synthesizeFinger(`identify-image/person-${i}`, position, impression);
  const t = extractTemplate(image);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, encodeNativeTemplate(t));
  return t;
}

function imageTenprint(i: number, impression: number): Tenprint {
  return imageFingers.map((position) => ({ position, template: imageTemplate(i, position, impression) }));
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
}

function imageRun(): Record<string, unknown> {
  const t0 = performance.now();
  const shard = new GalleryShard();
  const stride = Math.max(1, Math.floor(imageIdentities / imageProbes));
  const matedIds = new Set(Array.from({ length: imageProbes }, (_, k) => (k * stride) % imageIdentities));
  for (let i = 0; i < imageIdentities; i++) {
    // Impression 1 right after impression 0, while the generator still has the master cached.
    const fingers = imageFingers.map((position) => {
      const template = imageTemplate(i, position, 0);
      if (matedIds.has(i)) imageTemplate(i, position, 1);
      return { position, template };
    });
    shard.enrol(`person-${i}`, fingers);
    if (i % 50 === 49) log(`image gallery ${i + 1}/${imageIdentities} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const mated: { top: boolean; score: number }[] = [];
  const nonMated: number[] = [];
  const lat: number[] = [];
  for (let k = 0; k < 2 * imageProbes; k++) {
    const isMated = k % 2 === 0;
    const i = isMated ? ((k >> 1) * stride) % imageIdentities : imageIdentities + (k >> 1);
    const probe = imageTenprint(i, isMated ? 1 : 0);
    const t = performance.now();
    const r = searchShard(shard.exportState(), prepareProbe(probe), {});
    lat.push(performance.now() - t);
    if (isMated) {
      const mate = r.candidates.find((c) => c.id === `person-${i}`);
      mated.push({ top: r.candidates[0]?.id === `person-${i}`, score: mate?.score ?? 0 });
    } else nonMated.push(r.candidates[0]?.score ?? 0);
    if (k % 20 === 19) log(`image probes ${k + 1}/${2 * imageProbes}`);
  }
  const modelT = modelThreshold(0.001, imageIdentities, imageFingers.length);
  const emp = empiricalThreshold(nonMated, 0.001);
  const fnir = (t: number) => mated.filter((m) => !(m.top && m.score >= t)).length / mated.length;
  const fpir = (t: number) => nonMated.filter((s) => s >= t).length / nonMated.length;
  return {
    identities: imageIdentities,
    fingers: imageFingers,
    probes: { mated: imageProbes, nonMated: imageProbes },
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    rank1: mated.filter((m) => m.top).length / mated.length,
    latencyMsOneThread: { p50: Math.round(quantile(lat, 0.5)), p95: Math.round(quantile(lat, 0.95)) },
    model: { threshold: Math.round(modelT * 10) / 10, fnir: fnir(modelT), fpir: fpir(modelT) },
    empirical: { threshold: Math.round(emp.threshold * 10) / 10, reliable: emp.reliable, fnir: fnir(emp.threshold), fpir: fpir(emp.threshold) },
    nonMatedTopScore: { p50: quantile(nonMated, 0.5), max: Math.max(...nonMated) },
    matedScore: { p1: quantile(mated.map((m) => m.score), 0.01), p50: quantile(mated.map((m) => m.score), 0.5) },
  };
}

/** Loads a gallery file after dropping it from the page cache; how much of it was cached before and after the drop. */
function coldLoad(path: string): Record<string, unknown> {
  const resident = () => {
    try {
      const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' }).trim();
      return Number(out);
    } catch {
      return Number.NaN;
    }
  };
  execFileSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
  const residentBefore = resident();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { shards, report } = loadGalleryShards(path, workers, sharedAllocator);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const identities = shards.reduce((n, s) => n + s.size, 0);
  const result = { seconds: Math.round(seconds * 100) / 100, cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100, identities, damaged: report.damaged.length, bytes: report.bytes, residentBytesBeforeLoad: residentBefore, loadAverage: loadavg().map((v) => Math.round(v * 100) / 100) };
  log(`cold load: ${JSON.stringify(result)}`);
  return result;
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { statistical?: (IdentifyBenchResult & { commit?: string })[]; image?: unknown; commit?: string }) : {};
const results: (IdentifyBenchResult & { commit: string })[] = [];
const machine = `${cpus().length} cores shared with other engineers' work (see loadAverage; CPU-bound figures assume the workers had their cores)`;
function save(image: unknown): void {
  const kept = (previous.statistical ?? []).filter((p) => !results.some((r) => r.gallery === p.gallery)).map((p) => ({ ...p, commit: p.commit ?? previous.commit ?? 'unknown' }));
  const statistical = [...kept, ...results].sort((x, y) => x.gallery - y.gallery);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generated: new Date().toISOString(), machine, statistical, image }, null, 2)}\n`);
}
for (const size of sizes) {
  log(`gallery ${size} …`);
  let last = '';
  const r = await runIdentifyBench({
    gallery: size,
    probes,
    workers,
    cacheDir: cache,
    onProgress: (phase, done, total) => {
      const step = phase === 'search' || size >= 500_000 ? 100 : 10;
      const line = `${phase} ${Math.floor((done / total) * step) * (100 / step)}%`;
      if (line !== last) log(`  ${new Date().toISOString()} ${line} (${done}/${total}, load average ${loadavg().map((v) => v.toFixed(1)).join(' ')})`);
      last = line;
    },
  });
  log(JSON.stringify(r));
  results.push({ ...r, commit, ...(process.argv.includes('--cold-load') ? { coldLoad: coldLoad(join(cache, `gallery-${r.seed}-${size}.scg`)) } : {}) });
  save(previous.image);
}
const image = process.argv.includes('--skip-image') ? previous.image : imageRun();
save(image);
log(`wrote ${out}`);
