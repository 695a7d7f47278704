import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { extractTemplate } from '../biometrics/extract/index.ts';
import { parseSampleName, sortSamples, type FvcSample } from '../biometrics/evaluate/fvc.ts';
import type { EvaluationItem, EvaluationResult } from '../biometrics/evaluate/run.ts';
import type { GrayImage } from '../biometrics/image/gray-image.ts';
import type { FingerprintTemplate } from '../biometrics/template/template.ts';
import { decodeTemplateBytes, encodeTemplateBytes, isTemplatePath, parsePositiveNumber, readBytes, readImage, TEMPLATE_EXTENSIONS, UsageError, writeBytes, type TemplateFormat } from './io.ts';
import { addSynthCommand } from './synth.ts';
import { createProgress } from './progress.ts';
import { printJson } from './output.ts';

// Start-up: `seccom fp extract` is timed as a whole process (bench/cli-startup.bench.ts), so this
// file imports statically only what extraction needs (the extractor, image decoders, template
// codecs). The comparator, the evaluation protocol and the pictures (overlays, DET plots: the
// renderer and resvg's native addon) are imported by the actions that use them.
const loadCompare = () => import('../biometrics/compare/index.ts');
const loadPictures = () => import('./pictures.ts');

const IMAGE_EXTENSIONS = ['.tif', '.tiff', '.png', '.jpg', '.jpeg', '.wsq', '.raw', '.gray', '.bmp'];

function ppiOption(): Option {
  return new Option('--ppi <n>', 'resolution of the input images in pixels per inch (overrides what the file says; FVC2002 DB2 is 569)').argParser((v) => parsePositiveNumber('--ppi', v));
}

function print(json: boolean, value: unknown, text: string): void {
  if (json) printJson(value);
  else process.stdout.write(`${text}\n`);
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

/** Loads a file as a template: a template file is decoded, an image is extracted. */
function loadSample(path: string, ppi: number | undefined): { template: FingerprintTemplate; image?: GrayImage } {
  const bytes = readBytes(path);
  if (isTemplatePath(path, bytes)) return { template: decodeTemplateBytes(bytes) };
  const image = readImage(path, ppi);
  return { image, template: extractTemplate(image) };
}

export function registerFpCommands(program: Command): void {
  const fp = program.command('fp').description('the fingerprint engine: extract minutiae, compare prints, evaluate accuracy');

  fp.command('extract')
    .description('extract a minutiae template from a fingerprint image (PNG, JPEG, TIFF, WSQ)')
    .argument('<image>', 'fingerprint image')
    .addOption(ppiOption())
    .option('--out <file>', 'write the template to this file')
    .addOption(new Option('--format <format>', 'template format for --out').choices(['native', 'iso', 'incits']).default('native'))
    .option('--overlay <png>', 'write the image with its minutiae drawn on it')
    .option('--json', 'print the template as JSON')
    .action(async (imagePath: string, opts: { ppi?: number; out?: string; format: TemplateFormat; overlay?: string; json?: boolean }) => {
      const image = readImage(imagePath, opts.ppi);
      const start = performance.now();
      const template = extractTemplate(image);
      const extractMs = performance.now() - start;
      if (opts.out) writeBytes(opts.out, encodeTemplateBytes(template, opts.format));
      if (opts.overlay) (await loadPictures()).writeOverlayPng(opts.overlay, image, template);
      const endings = template.minutiae.filter((m) => m.type === 'ending').length;
      print(
        Boolean(opts.json),
        { image: { path: imagePath, width: image.width, height: image.height, ppi: image.ppi }, extractMs, template },
        [
          `${imagePath}: ${image.width} × ${image.height} at ${image.ppi} ppi`,
          `quality ${template.quality}/100, ${template.minutiae.length} minutiae (${endings} endings, ${template.minutiae.length - endings} bifurcations), ${extractMs.toFixed(1)} ms`,
          ...(opts.out ? [`template written to ${opts.out} (${opts.format})`] : []),
          ...(opts.overlay ? [`overlay written to ${opts.overlay}`] : []),
        ].join('\n'),
      );
    });

  fp.command('compare')
    .description('compare two fingerprints (images or templates) and say whether they match')
    .argument('<a>', 'image or template')
    .argument('<b>', 'image or template')
    .addOption(ppiOption())
    .option('--overlay <png>', 'write both images side by side with the paired minutiae joined (images only)')
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, opts: { ppi?: number; overlay?: string; json?: boolean }) => {
      const [{ compareTemplates, prepareTemplate }, pictures] = await Promise.all([loadCompare(), loadPictures()]);
      const first = loadSample(a, opts.ppi);
      const second = loadSample(b, opts.ppi);
      const start = performance.now();
      const pa = prepareTemplate(first.template);
      const pb = prepareTemplate(second.template);
      const score = compareTemplates(pa, pb);
      const ms = performance.now() - start;
      const decisions = pictures.CALIBRATED_THRESHOLDS.map(({ fmr, threshold }) => ({ fmr, threshold, match: score >= threshold }));
      if (opts.overlay) {
        if (!first.image || !second.image) throw new UsageError('--overlay needs two images, not templates');
        pictures.writePairOverlayPng(opts.overlay, first.image, first.template, second.image, second.template);
      }
      print(
        Boolean(opts.json),
        { a, b, score, minutiae: [first.template.minutiae.length, second.template.minutiae.length], decisions, ms },
        [
          `score ${score.toFixed(2)} (${first.template.minutiae.length} vs ${second.template.minutiae.length} minutiae)`,
          ...decisions.map((d) => `  at FMR ${d.fmr}: threshold ${d.threshold.toFixed(2)} → ${d.match ? 'MATCH' : 'no match'}`),
          ...(opts.overlay ? [`overlay written to ${opts.overlay}`] : []),
        ].join('\n'),
      );
    });

  fp.command('eval')
    .description('run the FVC protocol on a folder of F_I.<ext> files: EER, FMR100, FMR1000, ZeroFMR, speed, DET curve')
    .argument('<dir>', 'folder of F_I.<ext> images (or templates with --ext iso)')
    .addOption(ppiOption())
    .option('--ext <ext>', 'which files to use when a folder holds several kinds (e.g. tif, png, iso); default: the images')
    .option('--plot <png>', 'where to write the DET curve and score histograms', 'out/fp-eval.png')
    .option('--no-plot', 'do not write the picture')
    .option('--json', 'print one JSON object (rates as fractions)')
    .action(async (dir: string, opts: { ppi?: number; ext?: string; plot: string | false; json?: boolean }) => {
      const [{ compareTemplates, prepareTemplate }, { runEvaluation }, { evaluationPlotPng }] = await Promise.all([loadCompare(), import('../biometrics/evaluate/run.ts'), loadPictures()]);
      const engine = { extract: extractTemplate, prepare: prepareTemplate, compare: compareTemplates };
      const items = loadFolder(dir, opts.ext, opts.ppi);
      const progress = createProgress('fp eval');
      const result = runEvaluation(items, engine, {
        now: () => performance.now(),
        onProgress: (phase, done, total) => progress.update(done, total, phase),
      });
      progress.finish();
      if (opts.plot) writeBytes(opts.plot, evaluationPlotPng([{ label: basename(dir), genuine: result.genuineScores, impostor: result.impostorScores }], `seccom fp eval ${basename(dir)}`));
      const summary = {
        images: result.images,
        genuine: result.genuine,
        impostor: result.impostor,
        eer: result.eer,
        fmr100: result.fmr100,
        fmr1000: result.fmr1000,
        zeroFmr: result.zeroFmr,
        extractMsMedian: result.extractMsMedian,
        comparisonsPerSecond: result.comparisonsPerSecond,
      };
      print(Boolean(opts.json), summary, formatEvaluation(dir, result, opts.plot || undefined));
    });

  addSynthCommand(fp);
}

export function formatEvaluation(dir: string, r: EvaluationResult, plot?: string): string {
  const lines = [
    `${dir}: ${r.images} samples, ${r.genuine} genuine and ${r.impostor} impostor comparisons`,
    `  EER      ${pct(r.eer)}`,
    `  FMR100   ${pct(r.fmr100)}`,
    `  FMR1000  ${pct(r.fmr1000)}`,
    `  ZeroFMR  ${pct(r.zeroFmr)}`,
    r.extractMsMedian === null ? '  extraction: none (templates given)' : `  extraction median ${r.extractMsMedian.toFixed(1)} ms per image (median ${r.minutiaeMedian} minutiae, quality ${r.qualityMedian})`,
    `  ${Math.round(r.comparisonsPerSecond).toLocaleString('en-US')} comparisons per second on one core`,
  ];
  if (r.failures.length) lines.push(`  ${r.failures.length} samples failed extraction: ${r.failures.map((f) => `${f.sample} (${f.code})`).join(', ')}`);
  if (plot) lines.push(`  DET curve and score histograms: ${plot}`);
  return lines.join('\n');
}

/** Reads every F_I.<ext> sample of a folder, sorted by finger then impression. */
export function loadFolder(dir: string, ext: string | undefined, ppi: number | undefined): EvaluationItem[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    names = readdirSync(dir);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read folder ${dir}: ${(error as Error).message}`);
  }
  const samples = names.map(parseSampleName).filter((s): s is FvcSample => s !== undefined);
  const wanted = ext ? `.${ext.replace(/^\./, '').toLowerCase()}` : IMAGE_EXTENSIONS.find((e) => samples.some((s) => extname(s.name).toLowerCase() === e));
  const chosen = sortSamples(samples.filter((s) => extname(s.name).toLowerCase() === wanted));
  if (chosen.length < 2) throw new UsageError(`${dir} holds no F_I${wanted ?? '.<ext>'} samples to evaluate (need at least two; FVC naming is finger_impression.ext)`);
  const fingers = new Set(chosen.map((s) => s.finger));
  if (fingers.size < 2) throw new UsageError(`${dir} holds only one finger; impostor comparisons need at least two`);
  const templates = TEMPLATE_EXTENSIONS.has(wanted!);
  return chosen.map((sample) => {
    const path = join(dir, sample.name);
    return templates ? { sample, template: decodeTemplateBytes(readBytes(path, 'template')) } : { sample, image: readImage(path, ppi) };
  });
}
