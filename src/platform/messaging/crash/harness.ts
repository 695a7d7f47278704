/**
 * Crash harness: runs the pipeline worker as a child process on one SQLite file, kills it with
 * SIGKILL once the work done (effects written, which the worker reports) reaches the next planned
 * kill point, restarts it, and so on until a life runs to the end; then verifies that every
 * message was handled exactly once in effect and every timer fired once. The kill points are
 * drawn from a seeded random source across the expected work (see supervisor.ts), so every
 * planned kill happens however fast or loaded the machine is.
 * Shared by the test (a few thousand items) and bench/crash.bench.ts (10,000 items).
 */
import { fileURLToPath } from 'node:url';
import { createRng } from '../../../biometrics/synth/random.ts';
import { openStore, tablesOf } from '../../store/index.ts';
import type { RandomSource } from '../ids.ts';
import { verifyPipeline, type CrashTables, type Verification } from './pipeline.ts';
import { planKills, runLife, superviseKills, type SuperviseReport } from './supervisor.ts';

export interface CrashRunOptions {
  path: string;
  items: number;
  /** Kills planned before the worker is left to finish. */
  kills: number;
  /** Draws the kill points; default a seeded stream from `seed`. */
  random?: RandomSource;
  seed?: string;
  log?: (line: string) => void;
}

export interface CrashRunReport extends SuperviseReport {
  /** Total work: effects (counter rows), 3 per item. */
  totalWork: number;
  wallMs: number;
  /** Effects (counter rows) present after each kill: shows where kills landed. */
  progressAtKills: number[];
  verification: Verification;
}

const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));

export async function runCrashTest(options: CrashRunOptions): Promise<CrashRunReport> {
  const totalWork = 3 * options.items;
  const killPoints = planKills(options.random ?? createRng(options.seed ?? 'crash'), options.kills, totalWork);
  const started = performance.now();
  const progressAtKills: number[] = [];
  const supervised = await superviseKills({
    killPoints,
    life: (killAt) => runLife([process.execPath, '--import', 'tsx', worker, options.path, String(options.items)], killAt),
    afterKill: async () => void progressAtKills.push(await progress(options.path)),
    log: options.log,
  });
  const wallMs = performance.now() - started;
  const store = await openStore({ kind: 'sqlite', path: options.path });
  try {
    return { ...supervised, totalWork, wallMs, progressAtKills, verification: await verifyPipeline(store, options.items) };
  } finally {
    await store.close();
  }
}

async function progress(path: string): Promise<number> {
  const store = await openStore({ kind: 'sqlite', path });
  try {
    const r = await tablesOf<CrashTables>(store.db)
      .selectFrom('crash_counters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst()
      .catch(() => undefined); // killed before its migrations
    return Number(r?.n ?? 0);
  } finally {
    await store.close();
  }
}
