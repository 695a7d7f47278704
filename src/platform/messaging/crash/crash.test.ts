import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCrashTest } from './harness.ts';
import { crashVerdict } from './supervisor.ts';

describe('crash safety on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-crash-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('handles every message exactly once in effect and fires every timer once, across SIGKILLs and restarts', async () => {
    // Each kill is placed by the work done (a random point in its quarter of the work), so every
    // planned kill lands mid-work on a fast machine and on a loaded one alike.
    const items = 1000;
    const report = await runCrashTest({ path: join(dir, 'crash.db'), items, kills: 4, seed: 'crash-test' });
    expect(report.verification.problems).toEqual([]);
    expect(report.killsDone).toBe(4);
    expect(report.lives).toBe(5);
    // Every kill came once the messages handled had reached its point, and before the work was
    // finished (a kill inside a delivery transaction rolls it back, so what is on record after a
    // kill may be below the point).
    report.reportedAtKills.forEach((n, k) => expect(n).toBeGreaterThanOrEqual(report.killPoints[k]));
    for (const n of report.progressAtKills) expect(n).toBeLessThan(3 * items);
    expect(report.progressAtKills.at(-1)).toBeGreaterThan(0);
    expect(crashVerdict({ ...report, problems: report.verification.problems }).ok).toBe(true);
  }, 120_000);
});
