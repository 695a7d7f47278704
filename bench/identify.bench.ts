/**
 * Tenprint 1:N identification benchmark → bench/results/identify.json.
 *
 *   node --import tsx bench/identify.bench.ts [--sizes 10000,100000] [--probes 1000] [--workers 2]
 *        [--image-identities 1000 --image-probes 200 --image-fingers 1,…,10] [--skip-image]
 *        [--scale-to 1000000 --scale-probes 100] [--out bench/results/identify.json]
 *
 * Statistical part: galleries of synthetic identities (ten statistical templates each), mated
 * and non-mated tenprint probes, on worker threads (src/platform/search/identify-bench.ts).
 * Image part: identities whose fingers are rendered by the image generator and extracted by
 * the real extractor (cached under /tmp/seccom-identify-image-cache, never in the repository),
 * enrolled in one in-process shard and searched with impression 1 (mated) or unenrolled
 * identities (non-mated).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extractTemplate } from '../src/biometrics/extract/index.ts';
import { empiricalThreshold, GalleryShard, modelThreshold, prepareProbe, searchShard, type Tenprint } from '../src/biometrics/search/index.ts';
import { synthesizeFinger } from '../src/biometrics/synth/index.ts';
import { decodeNativeTemplate, encodeNativeTemplate } from '../src/biometrics/template/native.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { GalleryFileWriter, loadGalleryShards, readGalleryFile } from '../src/platform/search/gallery-file.ts';
import { runIdentifyBench, type IdentifyBenchResult } from '../src/platform/search/identify-bench.ts';
import { SearchPool, sharedAllocator } from '../src/platform/search/pool.ts';
import { syntheticTenprint } from '../src/platform/search/synthetic.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const sizes = arg('sizes', '10000,100000').split(',').map(Number).filter((n) => n > 0);
const probes = Number(arg('probes', '1000'));
const workers = Number(arg('workers', '2'));
const out = arg('out', 'bench/results/identify.json');
const imageIdentities = Number(arg('image-identities', '1000'));
const imageProbes = Number(arg('image-probes', '200'));
const imageFingers = arg('image-fingers', '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
const CACHE = '/tmp/seccom-identify-image-cache';
const WORK = '/tmp/seccom-identify-bench';
/** Scale-only run: the largest gallery file copied `scaleTo / size` times under new ids. */
const scaleTo = Number(arg('scale-to', '0'));
const scaleProbes = Number(arg('scale-probes', '100'));

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

/**
 * Latency, memory and load time at `scaleTo` identities without generating them: the gallery
 * file of `size` synthetic identities is copied under new ids (person-i#k). Accuracy is not
 * measured here (every mate has copies); the templates are real synthetic ones, so the filter
 * and comparator work is what a gallery of that size costs.
 */
async function scaleRun(size: number): Promise<Record<string, unknown>> {
  const source = join(WORK, `gallery-identify-bench-${size}.scg`);
  const target = join(WORK, `gallery-scale-${scaleTo}.scg`);
  const copies = Math.ceil(scaleTo / size);
  const t0 = performance.now();
  rmSync(target, { force: true });
  const writer = new GalleryFileWriter(target);
  for (let k = 0; k < copies; k++) {
    readGalleryFile(source, (op) => {
      if (op.kind === 'upsert') writer.upsert({ ...op.record, id: k === 0 ? op.record.id : `${op.record.id}#${k}` });
    });
    log(`scale: copy ${k + 1}/${copies}`);
  }
  writer.close();
  const writeSeconds = (performance.now() - t0) / 1000;
  const rssBefore = process.memoryUsage().rss;
  const t1 = performance.now();
  const loaded = loadGalleryShards(target, workers, sharedAllocator);
  const loadSeconds = (performance.now() - t1) / 1000;
  const rssAfter = process.memoryUsage().rss;
  const n = loaded.shards.reduce((a, s) => a + s.size, 0);
  const pool = new SearchPool(workers, loaded.shards);
  await pool.sync();
  await pool.search(syntheticTenprint('identify-bench', 0, 1));
  const lat: number[] = [];
  let filterMs = 0;
  let compareMs = 0;
  for (let i = 0; i < scaleProbes; i++) {
    const mated = i % 2 === 0;
    const r = await pool.search(syntheticTenprint(mated ? 'identify-bench' : 'identify-bench/non-mated', mated ? (i * 97) % size : i, 1));
    lat.push(r.ms);
    filterMs += r.shards.reduce((a, s) => a + s.filterMs, 0) / r.shards.length;
    compareMs += r.shards.reduce((a, s) => a + s.compareMs, 0) / r.shards.length;
    if (i % 10 === 9) log(`scale: search ${i + 1}/${scaleProbes}`);
  }
  await pool.close();
  const result = {
    identities: n,
    note: `gallery file of ${size} synthetic identities copied ${copies}× under new ids: latency, memory and load time only (no accuracy)`,
    fileBytes: loaded.report.bytes,
    writeSeconds: Math.round(writeSeconds),
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    bytesPerIdentityUsed: Math.round(loaded.shards.reduce((a, s) => a + s.usedBytes, 0) / n),
    bytesPerIdentityAllocated: Math.round(loaded.shards.reduce((a, s) => a + s.bytes, 0) / n),
    rssBytesPerIdentity: Math.round((rssAfter - rssBefore) / n),
    probes: scaleProbes,
    latencyMs: { p50: Math.round(quantile(lat, 0.5)), p95: Math.round(quantile(lat, 0.95)), filterMeanMs: Math.round(filterMs / lat.length), compareMeanMs: Math.round(compareMs / lat.length) },
    searchesPerMinute: Math.round(60000 / (lat.reduce((a, b) => a + b, 0) / lat.length)),
  };
  rmSync(target, { force: true });
  return result;
}

const results: IdentifyBenchResult[] = [];
for (const size of sizes) {
  log(`gallery ${size} …`);
  let last = '';
  const r = await runIdentifyBench({
    gallery: size,
    probes,
    workers,
    dir: WORK,
    onProgress: (phase, done, total) => {
      const line = `${phase} ${Math.floor((done / total) * 10) * 10}%`;
      if (line !== last) log(`  ${line}`);
      last = line;
    },
  });
  log(JSON.stringify(r));
  results.push(r);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generated: new Date().toISOString(), machine: '2 cores shared with other engineers’ benchmarks (timings are upper bounds)', statistical: results }, null, 2)}\n`);
}
const scale = scaleTo > 0 ? await scaleRun(sizes[sizes.length - 1]) : undefined;
const image = process.argv.includes('--skip-image') ? undefined : imageRun();
writeFileSync(out, `${JSON.stringify({ generated: new Date().toISOString(), machine: '2 cores shared with other engineers’ benchmarks (timings are upper bounds)', statistical: results, scale, image }, null, 2)}\n`);
log(`wrote ${out}`);
