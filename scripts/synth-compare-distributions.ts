/**
 * Genuine and impostor score distributions of the 1:1 comparator on
 *   (a) statistical synthetic templates (src/biometrics/synth/templates.ts),
 *   (b) templates extracted from image-generator impressions (synth images → extractTemplate),
 *   (c) FVC2002 DB1_B–DB4_B images through the same extractor (skipped when absent),
 * side by side: template size, score mean and percentiles, EER; and a plot
 * bench/results/synth-distributions.png (+ .json). Used to tune the statistical generator's
 * defaults so that (a) resembles (b) and (c).
 *
 *   node --import tsx scripts/synth-compare-distributions.ts [--stat-fingers 150] [--stat-impressions 4]
 *        [--image-fingers 12] [--image-impressions 3] [--fvc-fingers 10] [--no-fvc] [--impression '{"missRate":0.2}']
 *
 * Protocol (FVC): genuine = every pair of impressions of a finger; impostor = first impressions
 * of different fingers (for FVC2002 within the same database); each unordered pair once.
 * Extracted templates are cached under /tmp/seccom-synth-dist-cache (never in the repository).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareTemplates, prepareTemplate, type PreparedTemplate } from '../src/biometrics/compare/index.ts';
import { errorRates } from '../src/biometrics/evaluate/metrics.ts';
import { combinePanelsSvg, scoreHistogramSvg } from '../src/biometrics/evaluate/plots.ts';
import { extractTemplate } from '../src/biometrics/extract/index.ts';
import { decodeTiff } from '../src/biometrics/image/tiff.ts';
import { synthesizeFinger } from '../src/biometrics/synth/index.ts';
import { syntheticTemplate, type TemplateImpressionOptions, type MasterMinutiaeOptions } from '../src/biometrics/synth/templates.ts';
import { decodeNativeTemplate, encodeNativeTemplate } from '../src/biometrics/template/native.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { svgToPng } from '../src/cli/io.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const statFingers = Number(arg('stat-fingers', '150'));
const statImpressions = Number(arg('stat-impressions', '4'));
const imageFingers = Number(arg('image-fingers', '12'));
const imageImpressions = Number(arg('image-impressions', '3'));
const fvcFingers = Number(arg('fvc-fingers', '10'));
const impressionOptions = JSON.parse(arg('impression', '{}')) as TemplateImpressionOptions;
const masterOptions = JSON.parse(arg('master', '{}')) as MasterMinutiaeOptions;
const FVC = '/work/shared/data/fvc2002';
const CACHE = '/tmp/seccom-synth-dist-cache';
const OUT = 'bench/results/synth-distributions';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function cached(key: string, make: () => FingerprintTemplate): FingerprintTemplate {
  const file = join(CACHE, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.scft`);
  if (existsSync(file)) return decodeNativeTemplate(new Uint8Array(readFileSync(file)));
  const t = make();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, encodeNativeTemplate(t));
  return t;
}

interface Source {
  name: string;
  /** fingers[f][i] = impression i of finger f. */
  fingers: FingerprintTemplate[][];
  /** Impostor pairs only within a group (FVC: within a database); default one group. */
  groups?: string[];
}

interface Summary {
  name: string;
  templates: number;
  minutiae: { mean: number; p10: number; p90: number };
  genuine: { n: number; mean: number; p10: number; p50: number; p90: number };
  impostor: { n: number; mean: number; p50: number; p99: number; max: number };
  eer: number;
  fmr100: number;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
}
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const r1 = (v: number) => Math.round(v * 10) / 10;

function scores(src: Source): { genuine: number[]; impostor: number[] } {
  const prepared: PreparedTemplate[][] = src.fingers.map((f) => f.map((t) => prepareTemplate(t)));
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (const f of prepared) for (let i = 0; i < f.length; i++) for (let j = i + 1; j < f.length; j++) genuine.push(compareTemplates(f[i], f[j]));
  for (let a = 0; a < prepared.length; a++) {
    for (let b = a + 1; b < prepared.length; b++) if (!src.groups || src.groups[a] === src.groups[b]) impostor.push(compareTemplates(prepared[a][0], prepared[b][0]));
  }
  return { genuine, impostor };
}

function summarise(src: Source, s: { genuine: number[]; impostor: number[] }): Summary {
  const counts = src.fingers.flat().map((t) => t.minutiae.length);
  const rates = errorRates(s.genuine, s.impostor);
  return {
    name: src.name,
    templates: counts.length,
    minutiae: { mean: r1(mean(counts)), p10: quantile(counts, 0.1), p90: quantile(counts, 0.9) },
    genuine: { n: s.genuine.length, mean: r1(mean(s.genuine)), p10: r1(quantile(s.genuine, 0.1)), p50: r1(quantile(s.genuine, 0.5)), p90: r1(quantile(s.genuine, 0.9)) },
    impostor: { n: s.impostor.length, mean: r1(mean(s.impostor)), p50: r1(quantile(s.impostor, 0.5)), p99: r1(quantile(s.impostor, 0.99)), max: r1(Math.max(...s.impostor)) },
    eer: Math.round(rates.eer * 10000) / 100,
    fmr100: Math.round(rates.fmr100 * 10000) / 100,
  };
}

const sources: Source[] = [];
{
  const fingers: FingerprintTemplate[][] = [];
  for (let f = 0; f < statFingers; f++) {
    const id = `dist/person-${Math.floor(f / 10)}`;
    const position = (f % 10) + 1;
    fingers.push(Array.from({ length: statImpressions }, (_, i) => syntheticTemplate(id, position, i, { master: masterOptions, impression: impressionOptions })));
  }
  sources.push({ name: '(a) statistical templates', fingers });
}
{
  const fingers: FingerprintTemplate[][] = [];
  for (let f = 0; f < imageFingers; f++) {
    const id = `dist/person-${Math.floor(f / 10)}`;
    const position = (f % 10) + 1;
    fingers.push(Array.from({ length: imageImpressions }, (_, i) => cached(`synth-${id}-${position}-${i}`, () => extractTemplate(synthesizeFinger(id, position, i)))));
    log(`image generator: finger ${f + 1}/${imageFingers}`);
  }
  sources.push({ name: '(b) image generator + extractor', fingers });
}
if (!process.argv.includes('--no-fvc') && existsSync(FVC)) {
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
    for (const [finger, names] of [...byFinger].slice(0, fvcFingers)) {
      names.sort((a, b) => Number(a.split('_')[1].split('.')[0]) - Number(b.split('_')[1].split('.')[0]));
      groups.push(db);
      fingers.push(names.map((n) => cached(`fvc-${db}-${n}`, () => extractTemplate(decodeTiff(new Uint8Array(readFileSync(join(dir, n))), ppi)))));
      log(`FVC2002 ${db} finger ${finger}`);
    }
  }
  if (fingers.length) sources.push({ name: '(c) FVC2002 DB1–4_B + extractor', fingers, groups });
} else log('FVC2002 skipped');

const summaries: Summary[] = [];
const panels: string[] = [];
for (const src of sources) {
  const s = scores(src);
  const sum = summarise(src, s);
  summaries.push(sum);
  panels.push(scoreHistogramSvg(s.genuine, s.impostor, { title: `${src.name}: EER ${sum.eer} %`, range: [0, 250], bins: 50, sqrtScale: true, thresholds: [{ value: 20, label: 'FMR 1 %' }, { value: 30, label: 'FMR 0.1 %' }], xLabel: 'calibrated score (10 × −log10 FMR)' }));
}

const pad = (v: unknown, n: number) => String(v).padStart(n);
console.log(`${'source'.padEnd(34)} ${pad('tmpl', 5)} ${pad('min.', 5)} ${pad('gen mean', 8)} ${pad('p10', 6)} ${pad('p50', 6)} ${pad('p90', 6)} ${pad('imp mean', 8)} ${pad('p99', 6)} ${pad('max', 6)} ${pad('EER %', 6)} ${pad('FMR100', 6)}`);
for (const s of summaries) {
  console.log(`${s.name.padEnd(34)} ${pad(s.templates, 5)} ${pad(s.minutiae.mean, 5)} ${pad(s.genuine.mean, 8)} ${pad(s.genuine.p10, 6)} ${pad(s.genuine.p50, 6)} ${pad(s.genuine.p90, 6)} ${pad(s.impostor.mean, 8)} ${pad(s.impostor.p99, 6)} ${pad(s.impostor.max, 6)} ${pad(s.eer, 6)} ${pad(s.fmr100, 6)}`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(`${OUT}.json`, `${JSON.stringify({ impressionOptions, masterOptions, summaries }, null, 2)}\n`);
writeFileSync(`${OUT}.png`, svgToPng(combinePanelsSvg(panels, { columns: sources.length, title: 'Comparator scores: statistical vs image-generated vs FVC2002 templates' }), 1800));
log(`wrote ${OUT}.png and ${OUT}.json`);
