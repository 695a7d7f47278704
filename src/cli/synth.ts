import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BiometricError } from '../biometrics/errors.ts';
import type { ImpressionPose, PatternClass, Point } from '../biometrics/synth/index.ts';
import { createProgress } from './progress.ts';
import { printJson } from './output.ts';

export interface SynthDatabaseOptions {
  readonly fingers: number;
  readonly impressions: number;
  readonly seed: string;
}

export interface SynthManifest {
  readonly generator: 'seccom fp synth';
  readonly version: 1;
  readonly seed: string;
  readonly options: { readonly fingers: number; readonly impressions: number; readonly width: number; readonly height: number; readonly ppi: number };
  readonly fingers: readonly {
    readonly finger: number;
    /** Identity and finger position (1–10) the finger was drawn as: finger F is position ((F − 1) mod 10) + 1 of identity ⌈F / 10⌉. */
    readonly identity: number;
    readonly position: number;
    readonly patternClass: PatternClass;
    readonly cores: readonly Point[];
    readonly deltas: readonly Point[];
    readonly impressions: readonly { readonly file: string; readonly pose: ImpressionPose }[];
  }[];
}

function positiveInteger(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BiometricError('INVALID_ARGUMENT', `${name} must be an integer 1–${max}, got "${value}"`);
  return n;
}

const round2 = (p: Point): Point => ({ x: Math.round(p.x * 100) / 100, y: Math.round(p.y * 100) / 100 });

function roundPose(pose: ImpressionPose): ImpressionPose {
  const r = (v: number) => Math.round(v * 10000) / 10000;
  return { ...pose, rotationRad: r(pose.rotationRad), translationX: r(pose.translationX), translationY: r(pose.translationY), pressure: r(pose.pressure), dryness: r(pose.dryness), noise: r(pose.noise), contact: r(pose.contact) };
}

/**
 * Writes an FVC-style synthetic database: F_I.png for finger F = 1..fingers, impression
 * I = 1..impressions, plus manifest.json. Finger F is finger position ((F − 1) mod 10) + 1 of
 * identity ⌈F / 10⌉ of the seed, so a database is a prefix of any larger one with the same seed.
 */
export async function writeSynthDatabase(dir: string, options: SynthDatabaseOptions, onProgress?: (done: number, total: number, file: string) => void): Promise<SynthManifest> {
  // The generator and the PNG encoder are loaded here, not when the command table is built, so
  // every other `seccom fp` command starts without them.
  const [{ impressionOf, masterForFinger }, { encodeGrayPng }] = await Promise.all([import('../biometrics/synth/index.ts'), import('../biometrics/image/png-encode.ts')]);
  mkdirSync(dir, { recursive: true });
  const total = options.fingers * options.impressions;
  let done = 0;
  let width = 0;
  let height = 0;
  const fingers: SynthManifest['fingers'][number][] = [];
  for (let f = 1; f <= options.fingers; f++) {
    const identity = Math.ceil(f / 10);
    const position = ((f - 1) % 10) + 1;
    const master = masterForFinger(`${options.seed}/person-${identity}`, position);
    const impressions: { file: string; pose: ImpressionPose }[] = [];
    for (let i = 1; i <= options.impressions; i++) {
      const image = impressionOf(master, i - 1);
      width = image.width;
      height = image.height;
      const file = `${f}_${i}.png`;
      writeFileSync(join(dir, file), encodeGrayPng(image));
      impressions.push({ file, pose: roundPose(image.pose) });
      done++;
      onProgress?.(done, total, file);
    }
    fingers.push({
      finger: f,
      identity,
      position,
      patternClass: master.patternClass,
      cores: master.singularities.cores.map(round2),
      deltas: master.singularities.deltas.map(round2),
      impressions,
    });
  }
  const manifest: SynthManifest = {
    generator: 'seccom fp synth',
    version: 1,
    seed: options.seed,
    options: { fingers: options.fingers, impressions: options.impressions, width, height, ppi: 500 },
    fingers,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Adds `synth <dir>` to the `seccom fp` command group. */
export function addSynthCommand(fp: Command): void {
  fp.command('synth')
    .description('write a synthetic fingerprint database (FVC naming F_I.png, 500 ppi) and manifest.json to <dir>')
    .argument('<dir>', 'output directory (created if missing)')
    .option('--fingers <n>', 'number of fingers', '10')
    .option('--impressions <k>', 'impressions per finger', '8')
    .option('--seed <s>', 'seed; the same seed always gives the same images', 'seccom')
    .option('--json', 'print the manifest as JSON on stdout')
    .action(async (dir: string, opts: { fingers: string; impressions: string; seed: string; json?: boolean }) => {
      const fingers = positiveInteger('--fingers', opts.fingers, 10000);
      const impressions = positiveInteger('--impressions', opts.impressions, 100);
      const progress = createProgress('synth');
      const started = performance.now();
      const manifest = await writeSynthDatabase(dir, { fingers, impressions, seed: opts.seed }, (done, total) => progress.update(done, total));
      const seconds = (performance.now() - started) / 1000;
      progress.finish();
      if (opts.json) {
        printJson(manifest);
        return;
      }
      const classes = new Map<string, number>();
      for (const f of manifest.fingers) classes.set(f.patternClass, (classes.get(f.patternClass) ?? 0) + 1);
      const summary = [...classes].map(([c, n]) => `${c} ${n}`).join(', ');
      process.stdout.write(`wrote ${fingers * impressions} images (${fingers} fingers × ${impressions}) and manifest.json to ${dir} in ${seconds.toFixed(1)} s\nclasses: ${summary}\n`);
    });
}

/** Adds `synth` under an existing `fp` command of the program, or under the program itself if there is none. */
export function registerSynthCommands(program: Command): void {
  const fp = program.commands.find((c) => c.name() === 'fp');
  addSynthCommand(fp ?? program);
}
