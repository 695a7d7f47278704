import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../biometrics/synth/random.ts';
import { CrashPlanError, crashVerdict, DEFAULT_KILL_WINDOW, planKills, runLife, superviseKills, type LifeResult } from './supervisor.ts';

/**
 * A stand-in worker: does `total` units of work, one per `delayMs`, keeping its progress in a
 * file so that it survives a kill (as the real workers keep theirs in the store), prints
 * `progress <n>` after each unit and exits 0 when all are done.
 */
const FAKE_WORKER = `
const fs = require('node:fs');
const [file, total, delay] = process.argv.slice(1);
let n = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
console.log('progress ' + n);
const step = () => {
  if (n >= Number(total)) { console.log('done'); return; }
  n++;
  fs.writeFileSync(file, String(n));
  console.log('progress ' + n);
  if (Number(delay) > 0) setTimeout(step, Number(delay)); else setImmediate(step);
};
step();
`;
const fakeLife = (file: string, total: number, delayMs: number) => (killAt: number | undefined) => runLife([process.execPath, '-e', FAKE_WORKER, file, String(total), String(delayMs)], killAt);

describe('the kill plan', () => {
  it('places each kill in its own slice of the window, strictly increasing, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 100_000 }), fc.string(), (kills, extra, seed) => {
        const total = Math.ceil(kills / 0.85) + 2 + extra;
        const points = planKills(createRng(seed), kills, total);
        expect(points).toHaveLength(kills);
        expect(planKills(createRng(seed), kills, total)).toEqual(points);
        for (let k = 1; k < kills; k++) expect(points[k]).toBeGreaterThan(points[k - 1]);
        expect(points[0]).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(DEFAULT_KILL_WINDOW.from * total)));
        expect(points[kills - 1]).toBeLessThanOrEqual(Math.floor(DEFAULT_KILL_WINDOW.to * total));
      }),
    );
  });

  it('spreads the kills across the work rather than bunching them at the start', () => {
    const points = planKills(createRng('spread'), 10, 10_000);
    // one kill per tenth of 500–9000
    points.forEach((p, k) => {
      expect(p).toBeGreaterThanOrEqual(500 + k * 850);
      expect(p).toBeLessThan(500 + (k + 1) * 850 + 1);
    });
  });

  it('refuses a plan whose kills do not fit in the work, or a negative count', () => {
    expect(() => planKills(createRng('x'), 10, 10)).toThrow(CrashPlanError);
    expect(() => planKills(createRng('x'), -1, 100)).toThrow(/kills must be a whole number/);
    expect(planKills(createRng('x'), 0, 100)).toEqual([]);
  });
});

describe('the verdict', () => {
  it('calls a run a success only with no problems and every planned kill (at least one) done', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(30), fc.array(fc.string(), { maxLength: 3 }), (killsPlanned, killsDone, problems) => {
        const v = crashVerdict({ killsPlanned, killsDone, problems });
        expect(v.ok).toBe(problems.length === 0 && killsPlanned >= 1 && killsDone >= killsPlanned);
        expect(v.message.includes('every invariant holds')).toBe(v.ok);
      }),
    );
  });

  it('refuses "every invariant holds" for a run with 0 kills, even when every check passed', () => {
    expect(crashVerdict({ killsPlanned: 5, killsDone: 0, problems: [] })).toEqual({ ok: false, message: expect.stringMatching(/^REFUSED: only 0 of 5 planned kills happened/) });
    expect(crashVerdict({ killsPlanned: 0, killsDone: 0, problems: [] }).message).toMatch(/^REFUSED: no kill was planned/);
  });
});

describe('the supervisor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-supervisor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['as fast as it can', 0],
    ['slowly', 3],
  ])('gets every planned kill, at its planned point, from a worker running %s', async (_, delayMs) => {
    const file = join(dir, `progress-${delayMs}`);
    const killPoints = planKills(createRng(`supervisor-${delayMs}`), 4, 120);
    const report = await superviseKills({ killPoints, life: fakeLife(file, 120, delayMs) });
    expect(report).toMatchObject({ killsPlanned: 4, killsDone: 4, killsMissed: 0, lives: 5 });
    report.reportedAtKills.forEach((n, k) => expect(n).toBeGreaterThanOrEqual(killPoints[k]));
    expect(crashVerdict({ ...report, problems: [] }).ok).toBe(true);
  }, 60_000);

  it('kills a life that starts past its point after its first unit of work, not before it does any', async () => {
    const file = join(dir, 'late');
    expect((await fakeLife(file, 200, 0)(50)).signal).toBe('SIGKILL'); // leaves the work at 50 or a little past
    const r: LifeResult = await fakeLife(file, 200, 0)(10);
    expect(r.signal).toBe('SIGKILL');
    expect(r.lastProgress).toBeGreaterThan(r.firstProgress ?? Infinity);
  }, 60_000);

  it('refuses success when the worker finished before any kill: 0 done of the planned', async () => {
    const file = join(dir, 'finished');
    await fakeLife(file, 30, 0)(undefined); // all the work is already done when the crash run starts
    const report = await superviseKills({ killPoints: [5, 10, 20], life: fakeLife(file, 30, 0) });
    expect(report).toMatchObject({ lives: 1, killsPlanned: 3, killsDone: 0, killsMissed: 3 });
    const verdict = crashVerdict({ ...report, problems: [] });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(/REFUSED: only 0 of 3 planned kills happened/);
  }, 60_000);

  it('reports a worker that fails on its own as an error, not as a kill', async () => {
    await expect(superviseKills({ killPoints: [5], life: (killAt) => runLife([process.execPath, '-e', 'process.exit(3)'], killAt) })).rejects.toThrow(/crash worker failed \(exit 3\)/);
  }, 60_000);
});
