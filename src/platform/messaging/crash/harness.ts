/**
 * Crash harness: runs the pipeline worker as a child process on one SQLite file, kills it with
 * SIGKILL once the work has reached a random point (the worker reports its progress) plus a
 * random delay, restarts it, and so on until a life runs to the end; then
 * verifies that every message was handled exactly once in effect and every timer fired once.
 * Shared by the test (a few hundred items) and bench/crash.bench.ts (10,000 items).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../../biometrics/synth/random.ts';
import { openStore, tablesOf } from '../../store/index.ts';
import { verifyPipeline, type CrashTables, type Verification } from './pipeline.ts';

export interface CrashRunOptions {
  path: string;
  items: number;
  /** Kills before the worker is left to finish. */
  kills: number;
  /** Random delay range (wall ms) between the work reaching a kill's random point and the kill. */
  minDelayMs?: number;
  maxDelayMs?: number;
  seed?: string;
  log?: (line: string) => void;
}

export interface CrashRunReport {
  lives: number;
  kills: number;
  /** Kills that hit a worker before it finished (the others came too late). */
  effectiveKills: number;
  wallMs: number;
  /** Effects (counter rows, of 3 per item) present after each kill: shows where kills landed. */
  progressAtKills: number[];
  verification: Verification;
}

const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));

interface Kill {
  /** Kill once this many effects are reported written… */
  atProgress: number;
  /** …and this many ms later. */
  delayMs: number;
}

function life(path: string, items: number, kill: Kill | undefined): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, path, String(items)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^progress (\d+)$/.exec(line.trim());
        if (kill && timer === undefined && m && Number(m[1]) >= kill.atProgress) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

export async function runCrashTest(options: CrashRunOptions): Promise<CrashRunReport> {
  const rng = createRng(options.seed ?? 'crash');
  const min = options.minDelayMs ?? 0;
  const max = options.maxDelayMs ?? 300;
  const started = performance.now();
  let lives = 0;
  let effectiveKills = 0;
  const progressAtKills: number[] = [];
  for (let k = 0; ; k++) {
    // Kill k lands somewhere in the k-th of `kills` equal slices of the first 90 % of the work.
    const total = 3 * options.items;
    const kill: Kill | undefined = k < options.kills ? { atProgress: Math.max(1, Math.floor(((k + rng.uniform()) / options.kills) * 0.9 * total)), delayMs: rng.int(min, max) } : undefined;
    lives++;
    const r = await life(options.path, options.items, kill);
    options.log?.(`life ${lives}: ${r.signal ?? `exit ${r.code}`}${kill ? ` (kill ${kill.delayMs} ms after ${kill.atProgress} of ${total} effects)` : ''}`);
    if (r.signal === 'SIGKILL') {
      effectiveKills++;
      progressAtKills.push(await progress(options.path));
      continue;
    }
    if (r.code !== 0) throw new Error(`crash-test worker failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    break;
  }
  const wallMs = performance.now() - started;
  const store = await openStore({ kind: 'sqlite', path: options.path });
  try {
    return { lives, kills: Math.min(options.kills, lives - 1), effectiveKills, wallMs, progressAtKills, verification: await verifyPipeline(store, options.items) };
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
