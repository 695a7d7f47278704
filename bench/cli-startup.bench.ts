// Start-up time of the `seccom` command as a whole process (node start, module loading, the work, exit):
// wall-clock time of `seccom --help` and of `seccom fp extract <image>` on one fingerprint image, the median
// of N runs after one warm run. Runs bin/seccom.js as a user would, so it measures the compiled dist/ (run
// `npm run build` first; the script refuses a missing or stale dist/ rather than time the tsx fallback).
// Usage: node --import tsx bench/cli-startup.bench.ts [--runs 15]   → prints a table, writes bench/results/cli-startup.json
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveInt } from './args.ts';
import { encodeGrayPng } from '../src/biometrics/image/png-encode.ts';
import { syntheticFingerprint } from '../src/biometrics/image/wsq/test-support.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = `${ROOT}bin/seccom.js`;
const FVC = `${ROOT}../shared/data/fvc2002/DB1_B/101_1.tif`;
const runs = positiveInt('runs', '15');

const tmp = mkdtempSync(join(tmpdir(), 'seccom-startup-'));
let image = FVC;
let imageNote = 'FVC2002 DB1_B/101_1.tif (388 × 374)';
if (!existsSync(FVC)) {
  image = join(tmp, 'synthetic.png');
  writeFileSync(image, encodeGrayPng(syntheticFingerprint(388, 374, 1)));
  imageNote = 'synthetic 388 × 374 PNG (../shared/data not present)';
}

function once(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`seccom ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (r.stderr.includes('running the TypeScript sources through tsx')) {
    throw new Error('dist/ is missing or stale: run `npm run build` first (this benchmark times the compiled command)');
  }
  return ms;
}

function measure(args: string[]): { medianMs: number; minMs: number; maxMs: number; runs: number } {
  once(args); // warm run: file-system cache
  const times = Array.from({ length: runs }, () => once(args)).sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs: Math.round(median), minMs: Math.round(times[0]), maxMs: Math.round(times[times.length - 1]), runs };
}

const help = measure(['--help']);
const extract = measure(['fp', 'extract', image]);
rmSync(tmp, { recursive: true, force: true });

const result = {
  node: process.version,
  image: imageNote,
  budgetMs: { help: 150, extract: 400 },
  help,
  extract,
};
console.log(`seccom start-up, whole process, median of ${runs} runs after a warm run (node ${process.version})`);
console.log(`  seccom --help                ${help.medianMs} ms (min ${help.minMs}, max ${help.maxMs}; budget 150 ms)`);
console.log(`  seccom fp extract <image>    ${extract.medianMs} ms (min ${extract.minMs}, max ${extract.maxMs}; budget 400 ms) — ${imageNote}`);
mkdirSync(`${ROOT}bench/results`, { recursive: true });
writeFileSync(`${ROOT}bench/results/cli-startup.json`, `${JSON.stringify(result, null, 2)}\n`);
