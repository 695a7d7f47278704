import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCrashTest } from './harness.ts';

describe('crash safety on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-crash-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('handles every message exactly once in effect and fires every timer once, across SIGKILLs and restarts', async () => {
    // Each kill is timed by the work done (a random point in its quarter of the work, then up to
    // 20 ms), so kills land mid-work on a fast machine and on a loaded one alike.
    const items = 3000;
    const report = await runCrashTest({ path: join(dir, 'crash.db'), items, kills: 4, minDelayMs: 0, maxDelayMs: 20, seed: 'crash-test' });
    expect(report.verification.problems).toEqual([]);
    expect(report.effectiveKills).toBeGreaterThanOrEqual(2);
    // At least one kill landed in the middle of the work, not before or after it.
    expect(report.progressAtKills.some((n) => n > 0 && n < 3 * items)).toBe(true);
  });
});
