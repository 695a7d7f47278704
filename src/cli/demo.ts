import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { compareTemplates, prepareTemplate } from '../biometrics/compare/index.ts';
import { extractTemplate } from '../biometrics/extract/index.ts';
import type { GrayImage } from '../biometrics/image/gray-image.ts';
import { encodeGrayPng } from '../biometrics/image/png-encode.ts';
import { synthesizeFinger } from '../biometrics/synth/index.ts';
import type { FingerprintTemplate } from '../biometrics/template/template.ts';
import { readImage, writeBytes } from './io.ts';
import { CALIBRATED_THRESHOLDS, writeOverlayPng, writePairOverlayPng } from './pictures.ts';
import { printJson } from './output.ts';

/** Where the FVC2002 images sit when the shared data is beside the project. */
const FVC_DB1 = new URL('../../../shared/data/fvc2002/DB1_B', import.meta.url).pathname;

interface DemoPrint {
  name: string;
  image: GrayImage;
  template: FingerprintTemplate;
  extractMs: number;
}

function demoImages(synthetic: boolean): { source: string; prints: Array<{ name: string; image: GrayImage }> } {
  if (!synthetic && existsSync(join(FVC_DB1, '101_1.tif'))) {
    return {
      source: `FVC2002 DB1_B (${FVC_DB1})`,
      prints: ['101_1', '101_2', '102_1'].map((n) => ({ name: `fvc-${n}`, image: readImage(join(FVC_DB1, `${n}.tif`)) })),
    };
  }
  return {
    source: 'synthetic fingerprints (seed "demo"; FVC2002 not found beside the project)',
    prints: [
      { name: 'synthetic-finger1-impression1', image: synthesizeFinger('demo', 1, 0) },
      { name: 'synthetic-finger1-impression2', image: synthesizeFinger('demo', 1, 1) },
      { name: 'synthetic-finger2-impression1', image: synthesizeFinger('demo', 2, 0) },
    ],
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job for now: extract minutiae from three prints, compare a mated and a non-mated pair, draw the results')
    .option('--out <dir>', 'where to write the pictures', 'out/demo')
    .option('--synthetic', 'use synthetic fingerprints even when FVC2002 is available')
    .option('--json', 'print the results as JSON')
    .action((opts: { out: string; synthetic?: boolean; json?: boolean }) => {
      const { source, prints: inputs } = demoImages(Boolean(opts.synthetic));
      const prints: DemoPrint[] = inputs.map(({ name, image }) => {
        const start = performance.now();
        const template = extractTemplate(image);
        return { name, image, template, extractMs: performance.now() - start };
      });
      const [a, b, c] = prints;
      const prepared = prints.map((p) => prepareTemplate(p.template));
      const comparisons = [
        { pair: `${a.name} vs ${b.name}`, mated: true, score: compareTemplates(prepared[0], prepared[1]), picture: join(opts.out, 'mated-pair.png') },
        { pair: `${a.name} vs ${c.name}`, mated: false, score: compareTemplates(prepared[0], prepared[2]), picture: join(opts.out, 'non-mated-pair.png') },
      ];
      for (const p of prints) {
        writeBytes(join(opts.out, `${p.name}.png`), encodeGrayPng(p.image));
        writeOverlayPng(join(opts.out, `${p.name}-minutiae.png`), p.image, p.template);
      }
      writePairOverlayPng(comparisons[0].picture, a.image, a.template, b.image, b.template);
      writePairOverlayPng(comparisons[1].picture, a.image, a.template, c.image, c.template);
      const decisions = (score: number): string => CALIBRATED_THRESHOLDS.map((t) => `FMR ${t.fmr}: ${score >= t.threshold ? 'match' : 'no match'}`).join(', ');
      if (opts.json) {
        printJson(
            {
              source,
              prints: prints.map((p) => ({ name: p.name, width: p.image.width, height: p.image.height, ppi: p.image.ppi, minutiae: p.template.minutiae.length, quality: p.template.quality, extractMs: p.extractMs })),
              thresholds: CALIBRATED_THRESHOLDS,
              comparisons: comparisons.map(({ pair, mated, score, picture }) => ({ pair, mated, score, picture })),
              out: opts.out,
            },
        );
        return;
      }
      const lines = [
        'Secure Communities — fingerprint engine demo',
        `prints: ${source}`,
        '',
        ...prints.map((p) => `  ${p.name.padEnd(32)} ${p.image.width}×${p.image.height} @ ${p.image.ppi} ppi   ${String(p.template.minutiae.length).padStart(3)} minutiae   quality ${String(p.template.quality).padStart(3)}   ${p.extractMs.toFixed(0)} ms`),
        '',
        `scores are calibrated: 10 × −log10(FMR), so ${CALIBRATED_THRESHOLDS.map((t) => `${t.threshold} ↔ FMR ${t.fmr}`).join(', ')}`,
        ...comparisons.map((x) => `  ${x.mated ? 'mated    ' : 'non-mated'} ${x.pair}: score ${x.score.toFixed(1).padStart(5)}  (${decisions(x.score)})`),
        '',
        `pictures written to ${opts.out}/: each print with its minutiae (red endings, blue bifurcations) and both pairs with the paired minutiae joined`,
        'next: `npx seccom fp eval <folder>` for accuracy on a whole database, `npx seccom --help` for everything else',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
