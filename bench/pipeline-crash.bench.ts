/**
 * The pipeline crash test at full size: 10,000 bookings (each booked, due for release, a third
 * of the held ones taken into ICE custody, the other holds left to lapse) played by a worker
 * that is SIGKILLed and restarted; then every invariant is checked (see
 * src/sim/scenario-crash.ts). Fingerprint search is a lookup stub, as in pipeline.bench.ts.
 *
 * Kills are placed by work done: `--kills` points are drawn (seeded by `--seed`) across the
 * stream's commands, and the worker is killed when its count of commands done reaches the next
 * one — so a small run (`--bookings 300`) gets all its kills too, on a quiet or a loaded machine.
 * The rule: "every invariant holds" is printed and recorded only when no check failed AND every
 * planned kill (at least one) happened. Otherwise the bench prints why, does not write the
 * result file, and exits 1.
 *
 *   node --import tsx bench/pipeline-crash.bench.ts [--bookings 10000] [--kills 25] [--seed pipeline-crash-bench] [--notes TEXT]
 *     → bench/results/pipeline-crash.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/biometrics/synth/random.ts';
import { crashVerdict } from '../src/platform/messaging/crash/supervisor.ts';
import { runPipelineCrashTest, writeCrashPrints } from '../src/sim/scenario-crash.ts';
import { arg, positiveInt } from './args.ts';

const bookings = positiveInt('bookings', '10000');
const kills = positiveInt('kills', '25');
const seed = arg('seed', 'pipeline-crash-bench');
const notes = arg('notes', '');
const dir = mkdtempSync(join(tmpdir(), 'seccom-pipeline-crash-bench-'));
const printsPath = join(dir, 'prints.json');
writeCrashPrints(printsPath);
const loadBefore = loadavg()[0];
let report;
try {
  report = await runPipelineCrashTest({ path: join(dir, 'crash.db'), printsPath, bookings, kills, random: createRng(seed), log: (line) => console.log(line) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const verdict = crashVerdict(report);
console.log(`\n${bookings} bookings (${report.totalWork} commands), ${report.lives} lives, kills planned ${report.killsPlanned}, done ${report.killsDone}, ${(report.wallMs / 1000).toFixed(1)} s`);
console.log(`kill points (commands done): ${report.killPoints.join(', ')}`);
console.log(`bookings on record at each kill: ${report.bookingsAtKills.join(', ')}`);
console.log('outcomes:', report.outcomes);
console.log(verdict.message);
if (verdict.ok) {
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const machine = { cpus: cpus().length, loadAverage1mBefore: Number(loadBefore.toFixed(2)), loadAverage1mAfter: Number(loadavg()[0].toFixed(2)) };
  writeFileSync(join(import.meta.dirname, 'results', 'pipeline-crash.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), bookings, seed, fingerprintSearch: 'lookup stub', machine, ...(notes ? { notes } : {}), verdict: verdict.message, ...report }, null, 2)}\n`);
} else {
  console.error('bench/results/pipeline-crash.json not written');
  process.exitCode = 1;
}
