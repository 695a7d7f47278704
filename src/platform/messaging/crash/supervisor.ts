/**
 * The crash supervisor shared by both crash tests (messaging/crash/harness.ts and
 * src/sim/scenario-crash.ts) and their benchmarks.
 *
 * Kills are placed by work done, never by wall-clock time: the worker prints `progress <n>` lines
 * (units of work done so far, counted from the store, so they survive a kill), and the supervisor
 * SIGKILLs the worker as soon as a line reaches the next planned kill point. The points are drawn
 * before the run with an injected seeded random source, one in each of `kills` equal slices of
 * the middle of the expected total work, so the same seed gives the same plan and N planned kills
 * land mid-work however fast or loaded the machine is. A kill comes a few milliseconds after the
 * line that triggered it, while the worker is inside its next unit of work, so it still lands at
 * an arbitrary point of a transaction.
 *
 * The verdict (`crashVerdict`) refuses to call a run a success unless every planned kill happened:
 * a crash test that did not crash proves nothing.
 */
import { spawn } from 'node:child_process';
import type { RandomSource } from '../ids.ts';

/** A bad crash-test plan (e.g. more kills than units of work in the window). */
export class CrashPlanError extends Error {
  constructor(
    readonly code: 'INVALID_CRASH_PLAN',
    message: string,
  ) {
    super(message);
    this.name = 'CrashPlanError';
  }
}

export interface KillWindow {
  /** Fractions of the total work between which the kills are placed. */
  from: number;
  to: number;
}

/** The default window: none in the first 5 % (start-up) or the last 10 % (so no life finishes before its kill). */
export const DEFAULT_KILL_WINDOW: KillWindow = { from: 0.05, to: 0.9 };

/**
 * Kill points (units of work done) for `kills` kills over `totalWork` units: kill k at a uniformly
 * random point of the k-th of `kills` equal slices of the window. Strictly increasing, each ≥ 1.
 */
export function planKills(random: RandomSource, kills: number, totalWork: number, window: KillWindow = DEFAULT_KILL_WINDOW): number[] {
  if (!Number.isInteger(kills) || kills < 0) throw new CrashPlanError('INVALID_CRASH_PLAN', `kills must be a whole number ≥ 0, got ${kills}`);
  if (!Number.isInteger(totalWork) || totalWork < 1) throw new CrashPlanError('INVALID_CRASH_PLAN', `total work must be a whole number ≥ 1, got ${totalWork}`);
  if (!(window.from >= 0 && window.from < window.to && window.to <= 1)) throw new CrashPlanError('INVALID_CRASH_PLAN', `kill window must satisfy 0 ≤ from < to ≤ 1, got ${window.from}–${window.to}`);
  const lo = Math.max(1, Math.ceil(window.from * totalWork));
  const hi = Math.floor(window.to * totalWork);
  if (kills > hi - lo + 1) throw new CrashPlanError('INVALID_CRASH_PLAN', `${kills} kills do not fit in ${Math.max(0, hi - lo + 1)} units of work (${lo}–${hi} of ${totalWork}); plan fewer kills or more work`);
  const width = (hi - lo + 1) / kills;
  const points: number[] = [];
  for (let k = 0; k < kills; k++) {
    const u = random.nextUint32() / 4294967296;
    const p = lo + Math.floor((k + u) * width);
    points.push(Math.min(hi, Math.max(p, (points.at(-1) ?? 0) + 1)));
  }
  return points;
}

export interface LifeResult {
  code: number | null;
  signal: string | null;
  stderr: string;
  /** The first and the last progress the worker reported in this life (undefined: none). */
  firstProgress?: number;
  lastProgress?: number;
}

/**
 * One life of a worker: spawns `argv`, reads its `progress <n>` lines and SIGKILLs it once one
 * reaches `killAt` — but only after it has done at least one unit of work in this life (a life that
 * starts past its point, because the previous kill landed late, is killed after its first unit).
 */
export function runLife(argv: readonly string[], killAt: number | undefined): Promise<LifeResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let pending = '';
    let firstProgress: number | undefined;
    let lastProgress: number | undefined;
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^progress (\d+)$/.exec(line.trim());
        if (!m) continue;
        const n = Number(m[1]);
        firstProgress ??= n;
        lastProgress = n;
        if (killAt !== undefined && !killed && n >= Math.max(killAt, firstProgress + 1)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, firstProgress, lastProgress }));
  });
}

export interface SuperviseReport {
  lives: number;
  killsPlanned: number;
  /** Lives ended by a planned SIGKILL. */
  killsDone: number;
  /** The planned kill points, units of work done. */
  killPoints: number[];
  /** Progress last reported before each kill (the kill came a little after). */
  reportedAtKills: number[];
  /** Planned kills that did not happen because a life finished first. */
  killsMissed: number;
}

/**
 * Runs lives until one finishes: life k is killed at `killPoints[k]` while points remain. A life that
 * finishes before its kill ends the run (the work is done); the rest of the plan is counted missed.
 * `afterKill` runs after each kill (e.g. to count what is on record). A life that exits non-zero
 * without being killed is an error of the worker and throws.
 */
export async function superviseKills(options: {
  killPoints: readonly number[];
  life: (killAt: number | undefined) => Promise<LifeResult>;
  afterKill?: () => Promise<void>;
  log?: (line: string) => void;
}): Promise<SuperviseReport> {
  const { killPoints } = options;
  let lives = 0;
  let killsDone = 0;
  const reportedAtKills: number[] = [];
  for (;;) {
    const killAt = killsDone < killPoints.length ? killPoints[killsDone] : undefined;
    lives++;
    const r = await options.life(killAt);
    const where = r.lastProgress === undefined ? 'no progress reported' : `progress ${r.firstProgress} → ${r.lastProgress}`;
    options.log?.(`life ${lives}: ${r.signal ?? `exit ${r.code}`}${killAt !== undefined ? ` (kill planned at ${killAt})` : ''}, ${where}`);
    if (r.signal === 'SIGKILL') {
      killsDone++;
      reportedAtKills.push(r.lastProgress ?? 0);
      await options.afterKill?.();
      continue;
    }
    if (r.code !== 0) throw new Error(`crash worker failed (${r.signal ?? `exit ${r.code}`}): ${r.stderr.slice(-2000)}`);
    break;
  }
  return { lives, killsPlanned: killPoints.length, killsDone, killPoints: [...killPoints], reportedAtKills, killsMissed: killPoints.length - killsDone };
}

export interface CrashVerdict {
  /** True only when the invariants hold and every planned kill (at least one) happened. */
  ok: boolean;
  /** One line for the report: "every invariant holds across N of N planned kills", or why not. */
  message: string;
}

/**
 * The rule: a crash run is a success only if no invariant is broken, at least one kill was planned,
 * and every planned kill happened (kills done ≥ kills planned). Fewer kills than planned — in
 * particular none — means the run did not test what it claims, so it is refused even when every
 * check passed.
 */
export function crashVerdict(r: { killsPlanned: number; killsDone: number; problems: readonly string[] }): CrashVerdict {
  if (r.problems.length > 0) return { ok: false, message: `PROBLEMS after ${r.killsDone} of ${r.killsPlanned} planned kills:\n  ${r.problems.join('\n  ')}` };
  if (r.killsPlanned < 1) return { ok: false, message: 'REFUSED: no kill was planned, so the run says nothing about crash safety (plan at least one kill)' };
  if (r.killsDone < r.killsPlanned) {
    return { ok: false, message: `REFUSED: only ${r.killsDone} of ${r.killsPlanned} planned kills happened; the checks passed, but a run that crashed less than planned proves nothing about them` };
  }
  return { ok: true, message: `every invariant holds across ${r.killsDone} of ${r.killsPlanned} planned kills` };
}
