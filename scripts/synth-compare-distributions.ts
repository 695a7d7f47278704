/**
 * Genuine and impostor score distributions of the 1:1 comparator on three template sources,
 * side by side (table, bench/results/synth-distributions.json and a plot .png):
 *   (a) statistical synthetic templates (src/biometrics/synth/templates.ts),
 *   (b) image-generator impressions (src/biometrics/synth) through the project's extractor,
 *   (c) FVC2002 DB1_B–DB4_B images through the same extractor (skipped with a message when
 *       /work/shared/data/fvc2002 is absent).
 * For each: template size, genuine/impostor percentiles, the share of impostor scores ≥ 20 / ≥ 30
 * (the comparator's nominal FMR 1 % / 0.1 % thresholds), EER, and tenprint decision thresholds
 * for a 1,000-identity gallery at FPIR 1 % and 0.1 % from the per-finger impostor distribution
 * (bench/score-model.ts). For (b) also impostors of the same vs different pattern class.
 *
 *   nice node --import tsx scripts/synth-compare-distributions.ts [--stat-fingers 200] [--stat-impressions 4]
 *        [--image-identities 30] [--image-impostors 30000] [--workers 2] [--no-fvc] [--json]
 *        [--impression '{"missRate":0.2}'] [--master '{…}']   (statistical generator options)
 *
 * Protocols. (a) genuine: every pair of impressions of a finger; impostor: impression 0 of every
 * pair of different fingers. (b) genuine: impressions 0 and 1 of every finger of identities
 * 0 … n−1 of the image benchmark (bench/identify-images.bench.ts; the templates are shared through
 * its cache, /tmp/seccom-bench/synth-images, and rendered on worker threads when missing);
 * impostor: impression 0 of one finger against impression 1 of another (different identity or
 * position), a seeded random sample. (c) the FVC protocol: genuine = every pair of impressions of
 * a finger (280 per database), impostor = every pair of images of different fingers within a
 * database (2,880 per database). FVC templates are cached under /tmp/seccom-synth-dist-cache.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compareTemplates, prepareTemplate, type PreparedTemplate } from '../src/biometrics/compare/index.ts';
import { errorRates } from '../src/biometrics/evaluate/metrics.ts';
import { combinePanelsSvg, scoreHistogramSvg } from '../src/biometrics/evaluate/plots.ts';
import { extractTemplate } from '../src/biometrics/extract/index.ts';
import { decodeTiff } from '../src/biometrics/image/tiff.ts';
import { createRng } from '../src/biometrics/synth/random.ts';
import { syntheticTemplate, type MasterMinutiaeOptions, type TemplateImpressionOptions } from '../src/biometrics/synth/templates.ts';
import { decodeNativeTemplate, encodeNativeTemplate } from '../src/biometrics/template/native.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { svgToPng } from '../src/cli/io.ts';
import { maxOf, quantile, tailModel } from '../bench/score-model.ts';
import { fingerKey, generateTemplates, ImageTemplateCache, progressBar, type FingerJob } from '../bench/synth-image-templates.ts';
import { arg, positiveInt as count } from '../bench/args.ts';

if (process.argv.includes('--help')) {
  process.stdout.write(
    'Comparator score distributions: statistical vs image-generator vs FVC2002 templates, side by side.\n' +
      'Options: --stat-fingers N (200) --stat-impressions K (4) --image-identities N (30, ten fingers each)\n' +
      '         --image-impostors N (30000) --workers W (2) --no-fvc --json\n' +
      "         --impression '{…}' --master '{…}'  statistical-generator options to try\n" +
      'Writes bench/results/synth-distributions.json and .png.\n',
  );
  process.exit(0);
}

const statFingers = count('stat-fingers', '200');
const statImpressions = count('stat-impressions', '4');
const imageIdentities = count('image-identities', '30');
const imageImpostors = count('image-impostors', '30000');
const workers = count('workers', '2');
const asJson = process.argv.includes('--json');
let impressionOptions: TemplateImpressionOptions;
let masterOptions: MasterMinutiaeOptions;
try {
  impressionOptions = JSON.parse(arg('impression', '{}')) as TemplateImpressionOptions;
  masterOptions = JSON.parse(arg('master', '{}')) as MasterMinutiaeOptions;
} catch (e) {
  process.stderr.write(`--impression / --master must be JSON objects: ${(e as Error).message}\n`);
  process.exit(2);
}
const FVC = '/work/shared/data/fvc2002';
const CACHE = '/tmp/seccom-synth-dist-cache';
const OUT = 'bench/results/synth-distributions';
const GALLERY = 1000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface Scores {
  genuine: number[];
  impostor: number[];
  /** (b) only: impostor scores of fingers of the same / a different pattern class. */
  sameClass?: number[];
  otherClass?: number[];
}
interface Source {
  name: string;
  short: string;
  templates: FingerprintTemplate[];
  scores: Scores;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const share = (v: readonly number[], t: number) => Math.round((v.filter((s) => s >= t).length / v.length) * 10000) / 100;

function cachedFvc(key: string, make: () => FingerprintTemplate): FingerprintTemplate {
  const file = join(CACHE, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.scft`);
  if (existsSync(file)) return decodeNativeTemplate(new Uint8Array(readFileSync(file)));
  const bytes = encodeNativeTemplate(make());
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, bytes);
  // What is compared is what is stored, on the first run as on a cached one.
  return decodeNativeTemplate(bytes);
}

/** Genuine: all impression pairs per finger; impostor: given pairs of first impressions. */
function fingerScores(fingers: FingerprintTemplate[][], impostorPair: (a: number, b: number) => boolean, allImpressions = false): Scores {
  const prepared: PreparedTemplate[][] = fingers.map((f) => f.map((t) => prepareTemplate(t)));
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const f of prepared) for (let i = 0; i < f.length; i++) for (let j = i + 1; j < f.length; j++) genuine.push(compareTemplates(f[i], f[j]));
  for (let a = 0; a < prepared.length; a++) {
    for (let b = a + 1; b < prepared.length; b++) {
      if (!impostorPair(a, b)) continue;
      if (!allImpressions) impostor.push(compareTemplates(prepared[a][0], prepared[b][0]));
      else for (const x of prepared[a]) for (const y of prepared[b]) impostor.push(compareTemplates(x, y));
    }
  }
  return { genuine, impostor };
}

const sources: Source[] = [];

// (a) statistical templates
{
  const fingers: FingerprintTemplate[][] = [];
  for (let f = 0; f < statFingers; f++) {
    const id = `dist/person-${Math.floor(f / 10)}`;
    fingers.push(Array.from({ length: statImpressions }, (_, i) => syntheticTemplate(id, (f % 10) + 1, i, { master: masterOptions, impression: impressionOptions })));
  }
  sources.push({ name: '(a) statistical templates', short: 'statistical', templates: fingers.flat(), scores: fingerScores(fingers, () => true) });
  log(`(a) statistical: ${statFingers} fingers × ${statImpressions} impressions`);
}

// (b) image generator + extractor, shared with bench/identify-images.bench.ts
{
  const cache = new ImageTemplateCache();
  const jobs: FingerJob[] = [];
  for (let i = 0; i < imageIdentities; i++) for (let p = 1; p <= 10; p++) jobs.push({ seed: 'identify-images', identity: i, position: p, impressions: [0, 1] });
  let last = 0;
  await generateTemplates(cache, jobs, {
    workers,
    onProgress: (done, total) => {
      if (performance.now() - last < 15000 && done < total) return;
      last = performance.now();
      log(progressBar('(b) image generator: render + extract', done, total, `fingers (load ${loadavg()[0].toFixed(1)})`));
    },
  });
  const timings = cache.timings();
  const cls = jobs.map((j) => timings.get(fingerKey(j))?.patternClass ?? '?');
  const t0 = jobs.map((j) => cache.load(j.seed, j.identity, j.position, 0));
  const t1 = jobs.map((j) => cache.load(j.seed, j.identity, j.position, 1));
  const p0 = t0.map((t) => prepareTemplate(t));
  const p1 = t1.map((t) => prepareTemplate(t));
  const genuine = p0.map((t, k) => compareTemplates(p1[k], t));
  const impostor: number[] = [];
  const sameClass: number[] = [];
  const otherClass: number[] = [];
  const rng = createRng('synth-distributions/image-impostors');
  const n = jobs.length;
  const pairs = Math.min(imageImpostors, n * (n - 1));
  for (let k = 0; k < pairs; k++) {
    const a = rng.int(0, n - 1);
    let b = rng.int(0, n - 2);
    if (b >= a) b++;
    const s = compareTemplates(p0[a], p1[b]);
    impostor.push(s);
    (cls[a] === cls[b] ? sameClass : otherClass).push(s);
  }
  sources.push({ name: '(b) image generator + extractor', short: 'image generator', templates: [...t0, ...t1], scores: { genuine, impostor, sameClass, otherClass } });
  log(`(b) image generator: ${n} fingers × 2 impressions, ${pairs} impostor pairs (cache ${cache.dir})`);
}

// (c) FVC2002, FVC protocol
if (process.argv.includes('--no-fvc')) log('(c) FVC2002 skipped (--no-fvc)');
else if (!existsSync(FVC)) log(`(c) FVC2002 skipped: ${FVC} is absent`);
else {
  const fingers: FingerprintTemplate[][] = [];
  const groups: string[] = [];
  for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
    const dir = join(FVC, db);
    if (!existsSync(dir)) continue;
    const ppi = db === 'DB2_B' ? 569 : 500;
    const byFinger = new Map<string, string[]>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.tif')).sort()) {
      const finger = name.split('_')[0];
      byFinger.set(finger, [...(byFinger.get(finger) ?? []), name]);
    }
    for (const names of byFinger.values()) {
      names.sort((a, b) => Number(a.split('_')[1].split('.')[0]) - Number(b.split('_')[1].split('.')[0]));
      groups.push(db);
      fingers.push(names.map((n) => cachedFvc(`fvc-${db}-${n}`, () => extractTemplate(decodeTiff(new Uint8Array(readFileSync(join(dir, n))), ppi)))));
    }
    log(`(c) FVC2002 ${db}: ${byFinger.size} fingers`);
  }
  if (fingers.length) sources.push({ name: '(c) FVC2002 DB1–4_B + extractor', short: 'FVC2002', templates: fingers.flat(), scores: fingerScores(fingers, (a, b) => groups[a] === groups[b], true) });
}

function summarise(src: Source) {
  const { genuine, impostor } = src.scores;
  const counts = src.templates.map((t) => t.minutiae.length);
  const rates = errorRates(genuine, impostor);
  const model = tailModel(impostor, 10);
  const imp = (v: readonly number[]) => ({ n: v.length, mean: r1(mean(v)), p50: r1(quantile(v, 0.5)), p99: r1(quantile(v, 0.99)), max: r1(maxOf(v)), atLeast20: share(v, 20), atLeast30: share(v, 30) });
  return {
    name: src.name,
    templates: counts.length,
    minutiae: { mean: r1(mean(counts)), p10: quantile(counts, 0.1), p90: quantile(counts, 0.9) },
    genuine: { n: genuine.length, mean: r1(mean(genuine)), p10: r1(quantile(genuine, 0.1)), p50: r1(quantile(genuine, 0.5)), p90: r1(quantile(genuine, 0.9)) },
    impostor: imp(impostor),
    impostorSameClass: src.scores.sameClass?.length ? imp(src.scores.sameClass) : undefined,
    impostorOtherClass: src.scores.otherClass?.length ? imp(src.scores.otherClass) : undefined,
    eer: Math.round(rates.eer * 10000) / 100,
    fmr100: Math.round(rates.fmr100 * 10000) / 100,
    /** Per-finger score at empirical FMR 1 % and 0.1 % (the comparator's nominal values: 20 and 30). */
    perFingerThreshold: { fmr1: r1(quantile(impostor, 0.99)), fmr01: r1(quantile(impostor, 0.999)), fmr01Reliable: impostor.length >= 10000 },
    tenprintThreshold: {
      note: `ten fingers, gallery ${GALLERY}, per-finger tail model (bench/score-model.ts) on this source's impostor scores`,
      fpir1: r1(model.threshold(0.01, GALLERY)),
      fpir01: r1(model.threshold(0.001, GALLERY)),
    },
  };
}

const summaries = sources.map(summarise);
const panels = sources.map((src, k) =>
  scoreHistogramSvg(src.scores.genuine, src.scores.impostor, {
    title: `${src.name}: EER ${summaries[k].eer} %`,
    range: [0, 300],
    bins: 60,
    sqrtScale: true,
    thresholds: [
      { value: 20, label: 'FMR 1 %' },
      { value: 30, label: 'FMR 0.1 %' },
    ],
    xLabel: 'calibrated score (10 × −log10 FMR)',
  }),
);
const img = sources.find((s) => s.scores.sameClass?.length && s.scores.otherClass?.length);
if (img?.scores.sameClass && img.scores.otherClass) {
  panels.push(scoreHistogramSvg(img.scores.sameClass, img.scores.otherClass, { title: '(b) impostors by pattern class', names: ['Impostors, same class', 'Impostors, other class'], range: [0, 100], bins: 50, sqrtScale: true, thresholds: [{ value: 20, label: 'FMR 1 %' }], xLabel: 'calibrated score' }));
}

/** Plain statements of how each synthetic source differs from FVC2002 (when it was measured). */
function differences(): string[] {
  const fvc = summaries.find((s) => s.name.startsWith('(c)'));
  if (!fvc) return ['FVC2002 not measured: no comparison with real prints'];
  const ratio = (a: number, b: number) => (b > 0 ? `${r1(a / b)}×` : 'n/a');
  return summaries
    .filter((s) => s !== fvc)
    .map(
      (s) =>
        `${s.name} vs FVC2002: minutiae ${s.minutiae.mean} vs ${fvc.minutiae.mean}; genuine median ${s.genuine.p50} vs ${fvc.genuine.p50} (p10 ${s.genuine.p10} vs ${fvc.genuine.p10}); ` +
        `impostor mean ${s.impostor.mean} vs ${fvc.impostor.mean}, share ≥ 20 ${s.impostor.atLeast20} % vs ${fvc.impostor.atLeast20} % (${ratio(s.impostor.atLeast20, fvc.impostor.atLeast20)}), ≥ 30 ${s.impostor.atLeast30} % vs ${fvc.impostor.atLeast30} %; ` +
        `EER ${s.eer} % vs ${fvc.eer} %; tenprint threshold (gallery ${GALLERY}, FPIR 0.1 %) ${s.tenprintThreshold.fpir01} vs ${fvc.tenprintThreshold.fpir01}` +
        (s.impostorSameClass && s.impostorOtherClass ? `; impostors ≥ 20: same pattern class ${s.impostorSameClass.atLeast20} %, other class ${s.impostorOtherClass.atLeast20} %` : ''),
    );
}

const result = {
  generated: new Date().toISOString(),
  loadAverage: loadavg().map(r1),
  impressionOptions,
  masterOptions,
  differences: differences(),
  summaries,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(`${OUT}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${OUT}.png`, svgToPng(combinePanelsSvg(panels, { columns: 2, title: 'Comparator scores: statistical vs image-generated vs FVC2002 templates' }), 1800));
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  const pad = (v: unknown, n: number) => String(v).padStart(n);
  console.log(
    `${'source'.padEnd(34)} ${pad('tmpl', 5)} ${pad('min.', 5)} ${pad('gen p10', 7)} ${pad('p50', 6)} ${pad('imp n', 6)} ${pad('mean', 5)} ${pad('p99', 5)} ${pad('max', 6)} ${pad('≥20 %', 6)} ${pad('≥30 %', 6)} ${pad('EER %', 6)} ${pad('T1%', 6)} ${pad('T.1%', 6)}`,
  );
  for (const s of summaries) {
    console.log(
      `${s.name.padEnd(34)} ${pad(s.templates, 5)} ${pad(s.minutiae.mean, 5)} ${pad(s.genuine.p10, 7)} ${pad(s.genuine.p50, 6)} ${pad(s.impostor.n, 6)} ${pad(s.impostor.mean, 5)} ${pad(s.impostor.p99, 5)} ${pad(s.impostor.max, 6)} ${pad(s.impostor.atLeast20, 6)} ${pad(s.impostor.atLeast30, 6)} ${pad(s.eer, 6)} ${pad(s.tenprintThreshold.fpir1, 6)} ${pad(s.tenprintThreshold.fpir01, 6)}`,
    );
    for (const [label, v] of [['same class', s.impostorSameClass], ['other class', s.impostorOtherClass]] as const) {
      if (v) console.log(`${`   impostors, ${label}`.padEnd(34)} ${pad('', 5)} ${pad('', 5)} ${pad('', 7)} ${pad('', 6)} ${pad(v.n, 6)} ${pad(v.mean, 5)} ${pad(v.p99, 5)} ${pad(v.max, 6)} ${pad(v.atLeast20, 6)} ${pad(v.atLeast30, 6)}`);
    }
  }
  for (const d of result.differences) console.log(`- ${d}`);
  console.log(`T1% / T.1%: tenprint thresholds for a ${GALLERY}-identity gallery at FPIR 1 % / 0.1 % from each source's per-finger impostor scores. Load average ${loadavg().map(r1).join(' / ')}.`);
}
log(`wrote ${OUT}.png and ${OUT}.json`);
