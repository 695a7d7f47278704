/**
 * The pipeline crash test at full size: 10,000 bookings (each booked, due for release, a third
 * of the held ones taken into ICE custody, the other holds left to lapse) played by a worker
 * that is SIGKILLed at random moments and restarted; then every invariant is checked (see
 * src/sim/scenario-crash.ts). Fingerprint search is a lookup stub, as in pipeline.bench.ts.
 *
 *   node --import tsx bench/pipeline-crash.bench.ts [--bookings 10000] [--kills 25]   → bench/results/pipeline-crash.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipelineCrashTest, writeCrashPrints } from '../src/sim/scenario-crash.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const bookings = arg('--bookings', 10_000);
const kills = arg('--kills', 25);
const dir = mkdtempSync(join(tmpdir(), 'seccom-pipeline-crash-bench-'));
const printsPath = join(dir, 'prints.json');
writeCrashPrints(printsPath);
const report = await runPipelineCrashTest({ path: join(dir, 'crash.db'), printsPath, bookings, kills, minDelayMs: 200, maxDelayMs: 8000, seed: 'pipeline-crash-bench', log: (line) => console.log(line) });
rmSync(dir, { recursive: true, force: true });
console.log(`\n${bookings} bookings, ${report.lives} lives, ${report.effectiveKills} SIGKILLs, ${(report.wallMs / 1000).toFixed(1)} s`);
console.log(`bookings on record at each kill: ${report.bookingsAtKills.join(', ')}`);
console.log('outcomes:', report.outcomes);
console.log(report.problems.length === 0 ? 'every invariant holds' : `PROBLEMS:\n  ${report.problems.join('\n  ')}`);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'pipeline-crash.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), bookings, fingerprintSearch: 'lookup stub', ...report }, null, 2)}\n`);
if (report.problems.length > 0) process.exitCode = 1;
