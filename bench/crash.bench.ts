// Crash safety at scale: the crash-test worker (src/platform/messaging/crash) processes N items
// (3 messages + 1 timer each) on a SQLite file, is SIGKILLed K times and restarted until done;
// then every effect must be there exactly once.
// Kills are placed by work done: K points are drawn (seeded by --seed) across the 3 N effects, and
// the worker is killed when the effects it reports reach the next one, so every planned kill
// happens on a quiet or a loaded machine. The rule: "exactly once: OK" is printed and recorded only
// when every check passed AND every planned kill (at least one) happened; otherwise the bench says
// why, does not write the result file, and exits 1.
// Run: node --import tsx bench/crash.bench.ts [--items 10000] [--kills 20] [--seed crash-bench] [--notes TEXT]
//   (writes bench/results/crash.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/biometrics/synth/random.ts';
import { runCrashTest } from '../src/platform/messaging/crash/harness.ts';
import { crashVerdict } from '../src/platform/messaging/crash/supervisor.ts';
import { arg, positiveInt } from './args.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const items = positiveInt('items', '10000');
const kills = positiveInt('kills', '20');
const seed = arg('seed', 'crash-bench');
const notes = arg('notes', '');
const dir = mkdtempSync(join(tmpdir(), 'seccom-crash-bench-'));
const loadBefore = loadavg()[0];
try {
  const report = await runCrashTest({ path: join(dir, 'crash.db'), items, kills, random: createRng(seed), log: (l) => console.log(l) });
  const verdict = crashVerdict({ ...report, problems: report.verification.problems });
  console.log(`items ${items} (${3 * items} messages, ${items} timers), lives ${report.lives}, kills planned ${report.killsPlanned}, done ${report.killsDone}, ${(report.wallMs / 1000).toFixed(1)} s`);
  console.log(`kill points (effects): ${report.killPoints.join(', ')}`);
  console.log(`effects on record after each kill: ${report.progressAtKills.join(', ')} of ${3 * items}`);
  console.log(verdict.ok ? `exactly once: OK — ${verdict.message}` : verdict.message);
  if (verdict.ok) {
    mkdirSync(`${root}bench/results`, { recursive: true });
    const machine = { cpus: cpus().length, loadAverage1mBefore: Number(loadBefore.toFixed(2)), loadAverage1mAfter: Number(loadavg()[0].toFixed(2)) };
    writeFileSync(`${root}bench/results/crash.json`, `${JSON.stringify({ node: process.version, date: new Date().toISOString(), items, seed, machine, ...(notes ? { notes } : {}), verdict: verdict.message, ...report }, null, 2)}\n`);
  } else {
    console.error('bench/results/crash.json not written');
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
