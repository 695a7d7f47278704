import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { crashVerdict } from '../platform/messaging/crash/supervisor.ts';
import { openStore } from '../platform/store/index.ts';
import { runPipelineCrashTest, verifyCrashRun, writeCrashPrints } from './scenario-crash.ts';

describe('the pipeline under SIGKILL and restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-pipeline-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends every booking in exactly one final state, with no message taking effect twice, no duplicate detainer and every detainer clock ending once', async () => {
    const printsPath = join(dir, 'prints.json');
    writeCrashPrints(printsPath);
    const bookings = 60;
    // Four kills placed by commands done (one in each quarter of the stream's middle), so all four
    // land mid-stream however slowly a loaded machine runs the worker.
    const report = await runPipelineCrashTest({ path: join(dir, 'crash.db'), printsPath, bookings, kills: 4, seed: 'pipeline-crash-test' });
    console.info(`kills planned at commands ${report.killPoints.join(', ')}, landed with ${report.bookingsAtKills.join(', ')} bookings on record`);
    expect(report.problems).toEqual([]);
    expect(report.killsDone).toBe(report.killsPlanned);
    expect(report.lives).toBe(5);
    for (const n of report.bookingsAtKills) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(bookings);
    }
    expect(new Set(report.bookingsAtKills).size).toBeGreaterThan(1);
    expect(crashVerdict(report).ok).toBe(true);
    expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(bookings);
    expect(Object.keys(report.outcomes)).toEqual(expect.arrayContaining(['released (hold-lapsed)', 'released (release-due)', 'transferred-to-ice (custody-transfer)']));
  }, 240_000);

  it('the checks notice an event recorded twice, a pending clock and a missing booking', async () => {
    const printsPath = join(dir, 'prints.json');
    const path = join(dir, 'clean.db');
    const report = await runPipelineCrashTest({ path, printsPath, bookings: 12, kills: 0 });
    expect(report.problems).toEqual([]);
    // Clean, but no kill: the verdict does not call that a crash-safe run.
    expect(crashVerdict(report)).toMatchObject({ ok: false, message: expect.stringMatching(/^REFUSED: no kill was planned/) });
    const store = await openStore({ kind: 'sqlite', path });
    try {
      await sql`insert into case_log_events (case_id, at, agency, kind, summary, details) select case_id, at, agency, kind, summary, details from case_log_events where kind = 'booked' limit 1`.execute(store.db);
      await sql`update timers set state = 'pending' where rowid = (select min(rowid) from timers)`.execute(store.db);
      const { problems } = await verifyCrashRun(store, 13);
      expect(problems.join('\n')).toMatch(/bookings on record: 12/);
      expect(problems.join('\n')).toMatch(/"booked" more than once: 1/);
      expect(problems.join('\n')).toMatch(/timers still pending: 1/);
    } finally {
      await store.close();
    }
  }, 120_000);
});
