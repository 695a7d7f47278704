// Crash safety at scale: the crash-test worker (src/platform/messaging/crash) processes N items
// (3 messages + 1 timer each) on a SQLite file, is SIGKILLed K times at random moments after
// start-up and restarted until done; then every effect must be there exactly once.
// Run: node --import tsx bench/crash.bench.ts [items=10000] [kills=20]   (writes bench/results/crash.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCrashTest } from '../src/platform/messaging/crash/harness.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const items = Number(process.argv[2] ?? 10_000);
const kills = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'seccom-crash-bench-'));
try {
  const report = await runCrashTest({ path: join(dir, 'crash.db'), items, kills, minDelayMs: 0, maxDelayMs: 50, seed: 'crash-bench', log: (l) => console.log(l) });
  console.log(`items ${items} (${3 * items} messages, ${items} timers), lives ${report.lives}, kills that hit ${report.effectiveKills}, ${(report.wallMs / 1000).toFixed(1)} s`);
  console.log(`effects after each kill: ${report.progressAtKills.join(', ')} of ${3 * items}`);
  console.log(report.verification.ok ? 'exactly once: OK' : `exactly once: FAILED\n${report.verification.problems.join('\n')}`);
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/crash.json`, `${JSON.stringify({ node: process.version, date: new Date().toISOString(), items, ...report }, null, 2)}\n`);
  if (!report.verification.ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
