/**
 * Image-level tenprint identification benchmark → bench/results/identify-images.json (+ .png).
 *
 *   nice node --import tsx bench/identify-images.bench.ts [--identities 1000] [--mated 200] [--non-mated 200]
 *        [--workers 2] [--pairs 200000] [--no-generate] [--cache /tmp/seccom-bench/synth-images]
 *        [--out bench/results/identify-images.json]
 *
 * Every finger is rendered by the image generator (src/biometrics/synth: a master and its
 * impressions) and run through the project's extractor; nothing here is a statistical template.
 *
 * - Gallery: identities 0 … N−1 of seed `identify-images`, ten fingers each, impression 0.
 * - Mated probes: impression 1 (a different rendering: pose, distortion, contact, pressure,
 *   noise) of identities 0 … M−1, all ten fingers.
 * - Held-out non-mated probes: impression 1 of identities 0 … K−1 of seed
 *   `identify-images-unenrolled` (never enrolled).
 * - Calibration non-mated searches (leave-one-out): every enrolled identity's own gallery
 *   tenprint searched with its own entry set aside (short list 17, its own id dropped, so 16
 *   others are compared as in a normal search): N searches against N − 1 unrelated identities.
 * - Per-finger impostor scores: `--pairs` random same-position comparisons of gallery fingers of
 *   different identities, turned into the tenprint tail model of bench/score-model.ts.
 *
 * Thresholds: FPIR 1 % from the leave-one-out searches directly (≈ N / 100 exceedances); FPIR
 * 0.1 % from the per-finger tail model (N leave-one-out searches cannot resolve it), checked
 * against the leave-one-out searches and validated on the held-out non-mated probes (exact 95 %
 * intervals). Templates are generated on `--workers` threads and cached under --cache (keyed by
 * a hash of the generator and extractor sources), so reruns only search.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { compareTemplates, prepareTemplate, type PreparedTemplate } from '../src/biometrics/compare/index.ts';
import { combinePanelsSvg, scoreHistogramSvg } from '../src/biometrics/evaluate/plots.ts';
import { empiricalThreshold, GalleryShard, modelThreshold, prepareProbe, searchShard, type Tenprint } from '../src/biometrics/search/index.ts';
import { createRng } from '../src/biometrics/synth/random.ts';
import { svgToPng } from '../src/cli/io.ts';
import { exactInterval, maxOf, quantile, tailModel } from './score-model.ts';
import { DEFAULT_CACHE, fingerKey, generateTemplates, ImageTemplateCache, progressBar, type FingerJob } from './synth-image-templates.ts';
import { arg, positiveInt } from './args.ts';

if (process.argv.includes('--help')) {
  process.stdout.write(
    'Image-level tenprint identification benchmark (image generator → extractor → two-stage search).\n' +
      'Options: --identities N (gallery, 1000)  --mated M (200, ≤ N)  --non-mated K (200)  --workers W (2)\n' +
      '         --pairs P (per-finger impostor comparisons for the tail model, 200000)\n' +
      '         --no-generate (fail instead of rendering missing templates)  --cache DIR  --out FILE.json\n',
  );
  process.exit(0);
}

const N = positiveInt('identities', '1000');
const M = positiveInt('mated', '200');
const K = positiveInt('non-mated', '200');
const workers = positiveInt('workers', '2');
const pairCount = positiveInt('pairs', '200000');
const out = arg('out', 'bench/results/identify-images.json');
const SEED = 'identify-images';
const UNENROLLED = 'identify-images-unenrolled';
const POSITIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
if (M > N) {
  process.stderr.write(`--mated (${M}) cannot exceed --identities (${N})\n`);
  process.exit(2);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const pct = (v: number) => Math.round(v * 10000) / 100;
const load0 = loadavg();
const cache = new ImageTemplateCache(arg('cache', DEFAULT_CACHE));
log(`cache ${cache.dir} (generator/extractor version ${cache.version})`);

// ---- 1. Render and extract: mated and unenrolled identities in alternating blocks of 25, then
// the rest of the gallery, so an interrupted run leaves a usable smaller experiment behind
// (rerun with --identities/--mated/--non-mated set to what is cached).
const jobs: FingerJob[] = [];
for (let b = 0; b < Math.max(M, K); b += 25) {
  for (let i = b; i < Math.min(M, b + 25); i++) for (const p of POSITIONS) jobs.push({ seed: SEED, identity: i, position: p, impressions: [0, 1] });
  for (let i = b; i < Math.min(K, b + 25); i++) for (const p of POSITIONS) jobs.push({ seed: UNENROLLED, identity: i, position: p, impressions: [1] });
}
for (let i = M; i < N; i++) for (const p of POSITIONS) jobs.push({ seed: SEED, identity: i, position: p, impressions: [0] });

let generation;
if (process.argv.includes('--no-generate')) {
  const missing = jobs.filter((j) => j.impressions.some((i) => !cache.has(j.seed, j.identity, j.position, i))).length;
  if (missing) {
    log(`${missing} of ${jobs.length} fingers are not in ${cache.dir}; run without --no-generate`);
    process.exit(2);
  }
} else {
  const t0 = performance.now();
  let lastLine = 0;
  generation = await generateTemplates(cache, jobs, {
    workers,
    onProgress: (done, total, generated) => {
      const now = performance.now();
      if (now - lastLine < 15000 && done < total) return;
      lastLine = now;
      const rate = generated / ((now - t0) / 1000);
      const eta = rate > 0 ? `${Math.round((total - done) / rate / 60)} min left` : '';
      log(progressBar('render + extract', done, total, `fingers (${generated} new, ${rate.toFixed(2)}/s, load ${loadavg()[0].toFixed(1)}) ${eta}`));
    },
  });
  log(`generation: ${generation.generated} fingers (${generation.images} images) in ${r1(generation.wallSeconds)} s wall, ${r1(generation.cpuSeconds)} s CPU; ${generation.cached} fingers cached`);
}

// ---- 2. Timing of generation and extraction (every finger used, from the cache's records).
const timings = cache.timings();
const masterMs: number[] = [];
const impressionMs: number[] = [];
const extractMs: number[] = [];
const minutiae: number[] = [];
const classes = new Map<string, number>();
for (const j of jobs) {
  const t = timings.get(fingerKey(j));
  if (!t) continue;
  masterMs.push(t.masterMs);
  impressionMs.push(...t.impressionMs);
  extractMs.push(...t.extractMs);
  minutiae.push(...t.minutiae);
  classes.set(t.patternClass, (classes.get(t.patternClass) ?? 0) + 1);
}

// ---- 3. Gallery.
const tenprint = (seed: string, i: number, impression: number): Tenprint => POSITIONS.map((position) => ({ position, template: cache.load(seed, i, position, impression) }));
const shard = new GalleryShard();
const galleryPrints: Tenprint[] = [];
for (let i = 0; i < N; i++) {
  const t = tenprint(SEED, i, 0);
  galleryPrints.push(t);
  shard.enrol(`person-${i}`, t);
}
const state = shard.exportState();
log(`gallery: ${N} identities × ${POSITIONS.length} fingers enrolled`);

// ---- 4. Searches (one thread, the real two-stage search).
const latency: number[] = [];
const now = () => performance.now();
function search(probe: Tenprint, options: { shortList?: number; candidates?: number } = {}) {
  const t = performance.now();
  const r = searchShard(state, prepareProbe(probe), { ...options, now });
  latency.push(performance.now() - t);
  return r;
}
const cpuSearch0 = process.cpuUsage();
const wallSearch0 = performance.now();
const mated: { rank1: boolean; inShortList: boolean; mateScore: number; bestOther: number }[] = [];
for (let i = 0; i < M; i++) {
  const r = search(tenprint(SEED, i, 1));
  const id = `person-${i}`;
  const mate = r.candidates.find((c) => c.id === id);
  mated.push({ rank1: r.candidates[0]?.id === id, inShortList: !!mate, mateScore: mate?.score ?? 0, bestOther: r.candidates.find((c) => c.id !== id)?.score ?? 0 });
  if (i % 20 === 19 || i === M - 1) log(progressBar('mated searches', i + 1, M));
}
const heldOut: number[] = [];
for (let i = 0; i < K; i++) {
  heldOut.push(search(tenprint(UNENROLLED, i, 1)).candidates[0]?.score ?? 0);
  if (i % 20 === 19 || i === K - 1) log(progressBar('non-mated searches (held out)', i + 1, K));
}
const searchCpuMs = ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpuSearch0));
const searchWallMs = performance.now() - wallSearch0;
const timedSearches = latency.length;
const leaveOneOut: number[] = [];
for (let i = 0; i < N; i++) {
  const r = search(galleryPrints[i], { shortList: 17, candidates: 11 });
  leaveOneOut.push(r.candidates.find((c) => c.id !== `person-${i}`)?.score ?? 0);
  if (i % 50 === 49 || i === N - 1) log(progressBar('non-mated searches (leave-one-out calibration)', i + 1, N));
}

// ---- 5. Per-finger impostor distribution (random same-position pairs of different identities).
const rng = createRng('identify-images/pairs');
const prepared = new Map<number, PreparedTemplate>();
const prep = (i: number, p: number): PreparedTemplate => {
  const k = i * 10 + p - 1;
  let t = prepared.get(k);
  if (!t) {
    t = prepareTemplate(galleryPrints[i][p - 1].template);
    prepared.set(k, t);
  }
  return t;
};
const perFinger: number[] = [];
const pairs = Math.min(pairCount, (POSITIONS.length * N * (N - 1)) / 2);
for (let k = 0; k < pairs; k++) {
  const a = rng.int(0, N - 1);
  let b = rng.int(0, N - 2);
  if (b >= a) b++;
  const p = rng.int(1, 10);
  perFinger.push(compareTemplates(prep(a, p), prep(b, p)));
  if (k % 50000 === 49999 || k === pairs - 1) log(progressBar('per-finger impostor comparisons', k + 1, pairs));
}

// ---- 6. Thresholds and error rates.
const model = tailModel(perFinger, POSITIONS.length);
const fnirAt = (t: number) => {
  const misses = mated.filter((m) => !(m.rank1 && m.mateScore >= t)).length;
  return { fnir: r3(misses / M), misses, interval95: mapInterval(exactInterval(misses, M)) };
};
const fpirAt = (scores: readonly number[], t: number) => {
  const x = scores.filter((s) => s >= t).length;
  return { fpir: r3(x / scores.length), falsePositives: x, searches: scores.length, interval95: mapInterval(exactInterval(x, scores.length)) };
};
function mapInterval(i: { lower: number; upper: number }) {
  return [r3(i.lower), r3(i.upper)];
}
const operatingPoint = (target: number) => {
  const empirical = empiricalThreshold(leaveOneOut, target);
  const tail = model.threshold(target, N);
  // FPIR 1 %: the leave-one-out searches resolve it (≈ N/100 exceedances); 0.1 %: only the tail model does.
  const chosen = empirical.reliable && target * N >= 5 ? { method: 'leave-one-out empirical', threshold: empirical.threshold } : { method: 'per-finger tail model', threshold: tail };
  return {
    targetFpir: target,
    chosen: { method: chosen.method, threshold: r1(chosen.threshold) },
    empiricalLeaveOneOut: { threshold: r1(empirical.threshold), reliable: empirical.reliable, exceedancesExpected: target * N },
    tailModel: { threshold: r1(tail), fpirPredictedAtChosen: r3(model.fpir(chosen.threshold, N)) },
    gammaModel: { threshold: r1(modelThreshold(target, N, POSITIONS.length)) },
    fnir: fnirAt(chosen.threshold),
    fpirHeldOut: fpirAt(heldOut, chosen.threshold),
    fpirLeaveOneOut: fpirAt(leaveOneOut, chosen.threshold),
  };
};
const points = [operatingPoint(0.01), operatingPoint(0.001)];
// Tail model vs leave-one-out where the latter can resolve it.
const modelCheck = [0.2, 0.1, 0.05, 0.02, 0.01].map((f) => {
  const t = empiricalThreshold(leaveOneOut, f).threshold;
  return { threshold: r1(t), leaveOneOutFpir: r3(leaveOneOut.filter((s) => s >= t).length / N), tailModelFpir: r3(model.fpir(t, N - 1)) };
});

const matedScores = mated.map((m) => m.mateScore);
const result = {
  generated: new Date().toISOString(),
  machine: `2 cores shared with other engineers (load average ${load0.map((v) => v.toFixed(1)).join(' / ')} at start, ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ')} at end); wall times are upper bounds`,
  generatorVersion: cache.version,
  gallery: { identities: N, fingers: POSITIONS.length, impression: 0 },
  probes: { mated: M, nonMatedHeldOut: K, nonMatedLeaveOneOut: N, impression: 1 },
  templates: {
    minutiae: { mean: r1(minutiae.reduce((a, b) => a + b, 0) / Math.max(1, minutiae.length)), p10: quantile(minutiae, 0.1), p90: quantile(minutiae, 0.9) },
    patternClasses: Object.fromEntries([...classes].sort((a, b) => b[1] - a[1])),
  },
  timing: {
    note: 'wall ms on a worker thread, per finger (master) or per image; the machine was shared',
    masterMsPerFinger: { p50: r1(quantile(masterMs, 0.5)), p90: r1(quantile(masterMs, 0.9)), n: masterMs.length },
    impressionMsPerImage: { p50: r1(quantile(impressionMs, 0.5)), p90: r1(quantile(impressionMs, 0.9)), n: impressionMs.length },
    extractionMsPerImage: { p50: r1(quantile(extractMs, 0.5)), p90: r1(quantile(extractMs, 0.9)), n: extractMs.length },
    generationThisRun: generation
      ? { fingers: generation.generated, images: generation.images, wallSeconds: r1(generation.wallSeconds), processCpuSeconds: r1(generation.cpuSeconds), workers }
      : null,
    searchLatencyMs: {
      note: 'one thread, in-process shard, mated + held-out non-mated searches',
      p50: r1(quantile(latency.slice(0, timedSearches), 0.5)),
      p95: r1(quantile(latency.slice(0, timedSearches), 0.95)),
      cpuMsPerSearch: r1(searchCpuMs / timedSearches),
      wallMsPerSearch: r1(searchWallMs / timedSearches),
    },
  },
  rank1: { rate: r3(mated.filter((m) => m.rank1).length / M), inShortList: r3(mated.filter((m) => m.inShortList).length / M), interval95: mapInterval(exactInterval(mated.filter((m) => m.rank1).length, M)) },
  scores: {
    mated: { p1: r1(quantile(matedScores, 0.01)), p10: r1(quantile(matedScores, 0.1)), p50: r1(quantile(matedScores, 0.5)), min: r1(Math.min(...matedScores)) },
    bestNonMateInMatedSearch: { p50: r1(quantile(mated.map((m) => m.bestOther), 0.5)), max: r1(Math.max(...mated.map((m) => m.bestOther))) },
    nonMatedHeldOutTop: { p50: r1(quantile(heldOut, 0.5)), p90: r1(quantile(heldOut, 0.9)), max: r1(Math.max(...heldOut)) },
    nonMatedLeaveOneOutTop: { p50: r1(quantile(leaveOneOut, 0.5)), p90: r1(quantile(leaveOneOut, 0.9)), p99: r1(quantile(leaveOneOut, 0.99)), max: r1(Math.max(...leaveOneOut)) },
    perFingerImpostor: { comparisons: pairs, note: 'random same-position pairs of gallery fingers of different identities, drawn with replacement', mean: r1(perFinger.reduce((a, b) => a + b, 0) / pairs), p50: r1(quantile(perFinger, 0.5)), p99: r1(quantile(perFinger, 0.99)), max: r1(maxOf(perFinger)), atLeast20: r3(perFinger.filter((s) => s >= 20).length / pairs), atLeast30: r3(perFinger.filter((s) => s >= 30).length / pairs) },
  },
  operatingPoints: points,
  tailModelCheck: modelCheck,
  /** What the per-finger tail model predicts for the 1,000-identity gallery (when N is smaller). */
  tailModelThresholdsAt1000: { fpir1: r1(model.threshold(0.01, 1000)), fpir01: r1(model.threshold(0.001, 1000)) },
};

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
const nonMatedAll = [...heldOut, ...leaveOneOut];
const thresholds = points.map((p) => ({ value: p.chosen.threshold, label: `FPIR ${p.targetFpir * 100} %` }));
const hi = Math.ceil(Math.max(...matedScores, ...nonMatedAll) / 100) * 100;
const zoom = Math.max(400, Math.ceil((Math.max(...nonMatedAll, ...thresholds.map((t) => t.value)) * 1.15) / 50) * 50);
const panels = [
  scoreHistogramSvg(matedScores, nonMatedAll, { title: `Mated searches and the best non-mated candidate`, names: ['Mated', 'Best non-mated'], range: [0, hi], bins: 60, sqrtScale: true, thresholds, xLabel: 'fused score (sum of 10 calibrated finger scores)' }),
  scoreHistogramSvg(matedScores, nonMatedAll, { title: `Same, 0–${zoom}`, names: ['Mated', 'Best non-mated'], range: [0, zoom], bins: 80, sqrtScale: true, thresholds, xLabel: 'fused score' }),
];
const png = out.replace(/\.json$/, '.png');
writeFileSync(png, svgToPng(combinePanelsSvg(panels, { columns: 2, title: `Image-generator tenprints through extractor + search: gallery ${N}, rank-1 ${pct(result.rank1.rate)} %` }), 1800));

console.log(`gallery ${N} × 10 fingers (image generator → extractor), ${M} mated + ${K} held-out non-mated + ${N} leave-one-out non-mated searches`);
console.log(`rank-1 ${pct(result.rank1.rate)} % (in short list ${pct(result.rank1.inShortList)} %); mated score p1 ${result.scores.mated.p1}, median ${result.scores.mated.p50}`);
console.log(`best non-mated: held-out median ${result.scores.nonMatedHeldOutTop.p50}, max ${result.scores.nonMatedHeldOutTop.max}; leave-one-out median ${result.scores.nonMatedLeaveOneOutTop.p50}, max ${result.scores.nonMatedLeaveOneOutTop.max}`);
for (const p of points) {
  console.log(
    `FPIR ${p.targetFpir * 100} %: threshold ${p.chosen.threshold} (${p.chosen.method}; empirical LOO ${p.empiricalLeaveOneOut.threshold}, tail model ${p.tailModel.threshold}, Gamma model ${p.gammaModel.threshold}) → FNIR ${pct(p.fnir.fnir)} % [${p.fnir.interval95.map(pct).join('–')}], held-out FPIR ${pct(p.fpirHeldOut.fpir)} % [${p.fpirHeldOut.interval95.map(pct).join('–')}], LOO FPIR ${pct(p.fpirLeaveOneOut.fpir)} %`,
  );
}
if (N !== 1000) console.log(`tail-model thresholds for a 1,000-identity gallery: FPIR 1 % ${result.tailModelThresholdsAt1000.fpir1}, 0.1 % ${result.tailModelThresholdsAt1000.fpir01}`);
console.log(`latency p50 ${result.timing.searchLatencyMs.p50} ms, p95 ${result.timing.searchLatencyMs.p95} ms (one thread); extraction ${result.timing.extractionMsPerImage.p50} ms/image, impression ${result.timing.impressionMsPerImage.p50} ms/image, master ${result.timing.masterMsPerFinger.p50} ms/finger (p50 wall)`);
console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' / ')}; wrote ${out} and ${png}`);
