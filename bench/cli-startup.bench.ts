// Start-up time of the `seccom` command as a whole process (node start, module loading, the work, exit):
// `seccom --help` and `seccom fp extract <image>` on one fingerprint image, the median of N runs after one
// warm run. Runs bin/seccom.js as a user would, so it measures the compiled dist/ (run `npm run build`
// first; the script refuses a missing or stale dist/ rather than time the tsx fallback).
//
// Per run it reports wall time and the process's CPU time (user + system, all threads, read with
// process.cpuUsage() in the child by the preload bench/cli-startup-cpu.mjs). On a quiet machine the two
// are close and wall is the figure the budgets (help ≤ 150 ms, extract ≤ 400 ms) are about; on a loaded
// machine wall time grows with the load while CPU time barely does, so CPU shows whether the command
// itself got slower. One untimed run per command counts the modules it loads (bench/cli-startup-modules.mjs)
// and names the packages among them, so an import that drags in a heavy package shows in review.
// With --instructions, each command also runs once under valgrind (cachegrind) and reports the
// instructions executed: the figure that does not depend on the load at all (slow: ~1 min per command).
// That run passes V8 --single-threaded (no background compiler or GC threads), which makes the count
// repeatable to ~0.2 % (without it two runs of the same command differed by ~3 %); it is therefore a
// little below what the normal, multi-threaded process executes, and is for comparing builds.
//
// Usage: node --import tsx bench/cli-startup.bench.ts [--runs 15] [--instructions] [--notes TEXT]
//   → prints a table, writes bench/results/cli-startup.json
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, positiveInt } from './args.ts';
import { encodeGrayPng } from '../src/biometrics/image/png-encode.ts';
import { syntheticFingerprint } from '../src/biometrics/image/wsq/test-support.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = `${ROOT}bin/seccom.js`;
const CPU_PRELOAD = `${ROOT}bench/cli-startup-cpu.mjs`;
const MODULES_PRELOAD = `${ROOT}bench/cli-startup-modules.mjs`;
const FVC = `${ROOT}../shared/data/fvc2002/DB1_B/101_1.tif`;
const runs = positiveInt('runs', '15');
const withInstructions = process.argv.includes('--instructions');
const notes = arg('notes', '');

const tmp = mkdtempSync(join(tmpdir(), 'seccom-startup-'));
let image = FVC;
let imageNote = 'FVC2002 DB1_B/101_1.tif (388 × 374)';
if (!existsSync(FVC)) {
  image = join(tmp, 'synthetic.png');
  writeFileSync(image, encodeGrayPng(syntheticFingerprint(388, 374, 1)));
  imageNote = 'synthetic 388 × 374 PNG (../shared/data not present)';
}

function run(args: string[], preload: string, env: Record<string, string>): { wallMs: number; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', preload, BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`seccom ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (r.stderr.includes('running the TypeScript sources through tsx')) {
    throw new Error('dist/ is missing or stale: run `npm run build` first (this benchmark times the compiled command)');
  }
  return { wallMs, stderr: r.stderr };
}

/** One timed run: wall time seen from here, CPU time reported by the child itself. */
function once(args: string[]): { wallMs: number; cpuMs: number } {
  const out = join(tmp, 'cpu.json');
  rmSync(out, { force: true });
  const { wallMs } = run(args, CPU_PRELOAD, { SECCOM_BENCH_CPU_OUT: out });
  const cpu = JSON.parse(readFileSync(out, 'utf8')) as { userMicros: number; systemMicros: number };
  return { wallMs, cpuMs: (cpu.userMicros + cpu.systemMicros) / 1000 };
}

interface Spread {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { medianMs: Math.round(median), minMs: Math.round(v[0]), maxMs: Math.round(v[v.length - 1]) };
}

/** The modules one run loads: total, ES and CommonJS, and the packages (node_modules) among them. */
function census(args: string[]): { modules: number; esm: number; commonjs: number; packages: string[] } {
  const out = join(tmp, 'modules.txt');
  rmSync(out, { force: true });
  run(args, MODULES_PRELOAD, { SECCOM_BENCH_MODULES_OUT: out });
  const seen = new Map<string, 'esm' | 'cjs'>();
  for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
    const [kind, url] = [line.slice(0, 3) as 'esm' | 'cjs', line.slice(4)];
    if (!seen.has(url)) seen.set(url, kind);
  }
  const packages = new Set<string>();
  for (const url of seen.keys()) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) packages.add(m[1]);
  }
  const kinds = [...seen.values()];
  return { modules: seen.size, esm: kinds.filter((k) => k === 'esm').length, commonjs: kinds.filter((k) => k === 'cjs').length, packages: [...packages].sort() };
}

/** Instructions executed by one single-threaded run under valgrind's cachegrind (JIT code included); undefined without valgrind. */
function instructions(args: string[]): number | undefined {
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', BIN, ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  return m ? Number(m[1].replaceAll(',', '')) : undefined;
}

function measure(args: string[]) {
  once(args); // warm run: file-system cache
  const samples = Array.from({ length: runs }, () => once(args));
  const wall = spread(samples.map((s) => s.wallMs));
  const cpu = spread(samples.map((s) => s.cpuMs));
  const loaded = census(args);
  const ir = withInstructions ? instructions(args) : undefined;
  return { ...wall, runs, cpu, loaded, ...(ir === undefined ? {} : { instructions: ir }) };
}

const loadBefore = loadavg()[0];
const help = measure(['--help']);
const extract = measure(['fp', 'extract', image]);
const loadAfter = loadavg()[0];
rmSync(tmp, { recursive: true, force: true });

const machine = { cpus: cpus().length, loadAverage1mBefore: Number(loadBefore.toFixed(2)), loadAverage1mAfter: Number(loadAfter.toFixed(2)) };
const result = {
  node: process.version,
  date: new Date().toISOString(),
  image: imageNote,
  budgetMs: { help: 150, extract: 400 },
  machine,
  ...(notes ? { notes } : {}),
  help,
  extract,
};
const line = (name: string, r: typeof help, budget: number) =>
  `  ${name.padEnd(27)}wall ${r.medianMs} ms (min ${r.minMs}, max ${r.maxMs}; budget ${budget} ms), CPU ${r.cpu.medianMs} ms (min ${r.cpu.minMs}), ${r.loaded.modules} modules` +
  (r.instructions === undefined ? '' : `, ${(r.instructions / 1e6).toFixed(0)} M instructions`);
console.log(`seccom start-up, whole process, median of ${runs} runs after a warm run (node ${process.version})`);
console.log(line('seccom --help', help, 150));
console.log(line('seccom fp extract <image>', extract, 400));
console.log(`  image: ${imageNote}; packages loaded by fp extract: ${extract.loaded.packages.join(', ')}`);
if (Math.max(loadBefore, loadAfter) > machine.cpus) console.log(`  note: load average ${machine.loadAverage1mBefore} → ${machine.loadAverage1mAfter} on ${machine.cpus} CPUs: the machine is busy, so wall times overstate the quiet figure; compare CPU times`);
mkdirSync(`${ROOT}bench/results`, { recursive: true });
writeFileSync(`${ROOT}bench/results/cli-startup.json`, `${JSON.stringify(result, null, 2)}\n`);
