import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './testing.ts';

afterEach(() => vi.restoreAllMocks());

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'seccom-cli-output-')), 'store.db')}`;

/** Paths of numbers that look like epoch milliseconds of 1990–2099. */
function bareInstants(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return value >= 631_152_000_000 && value < 4_102_444_800_000 ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => bareInstants(v, `${path}.${k}`));
}

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli(...args, '--json');
  expect(r.err.replace(/^(events|facts|audit|stats)[^\n]*\n/gm, '')).not.toMatch(/seccom:/);
  const doc = JSON.parse(r.out) as unknown;
  expect(doc !== null && typeof doc === 'object' && !Array.isArray(doc)).toBe(true);
  expect(bareInstants(doc)).toEqual([]);
  return doc as Record<string, unknown>;
}

interface Item {
  caseId: string;
  ori: string;
  state: string;
  bookedAt: { local: string; utc: string; zone: string };
}

let all: Item[] = [];

beforeAll(async () => {
  await json('scenario', 'run', join(SCENARIOS, 'a-county-in-2011.json'), '--db', store);
  all = (await json('case', 'list', '--db', store, '--limit', '1000')).items as Item[];
}, 120_000);

describe('every --json follows one contract', () => {
  it('lists the cases of a store without copying an id out of the scenario output', () => {
    expect(all.length).toBe(20);
    expect(all[0].bookedAt.zone).toBe('America/Chicago');
    expect(all[0].bookedAt.local).toMatch(/^2011-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00$/);
    const times = all.map((c) => Date.parse(c.bookedAt.utc));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('pages through the case list with the next cursor, every case once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Record<string, unknown> = await json('case', 'list', '--db', store, '--limit', '7', ...(after ? ['--after', after] : []));
      expect(page.count).toBe((page.items as Item[]).length);
      seen.push(...(page.items as Item[]).map((c) => c.caseId));
      after = page.next as string | null;
    } while (after);
    expect(seen).toEqual(all.map((c) => c.caseId));
  });

  it('filters the case list by jurisdiction, state and booking day', async () => {
    const ori = all[0].ori;
    const byOri = (await json('case', 'list', '--db', store, '--ori', ori, '--limit', '1000')).items as Item[];
    expect(byOri.length).toBe(all.filter((c) => c.ori === ori).length);
    expect((await json('case', 'list', '--db', store, '--state', 'ZZ')).items).toEqual([]);
    const march = (await json('case', 'list', '--db', store, '--from', '2011-03-01', '--to', '2011-03-31', '--limit', '1000')).items as Item[];
    expect(march.length).toBeGreaterThan(0);
    expect(march.every((c) => c.bookedAt.local.startsWith('2011-03-'))).toBe(true);
    expect(march.length).toBe(all.filter((c) => c.bookedAt.local.startsWith('2011-03-')).length);
  });

  it('refuses impossible days, bad limits and forged cursors as user errors', async () => {
    for (const args of [['--from', '2011-02-30'], ['--to', '2011-06-31'], ['--limit', '0'], ['--after', 'bm90LWEtY3Vyc29y']]) {
      const r = await runCli('case', 'list', '--db', store, ...args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('shows case, jurisdiction, policy, audit and statistics output with every instant in its place and in UTC', async () => {
    const id = all[0].caseId;
    const shown = await json('case', 'show', id, '--db', store);
    const first = (shown.timeline as { at: { zone: string; utc: string } }[])[0];
    expect(first.at.zone).toBe('America/Chicago');
    await json('jurisdiction', 'history', all[0].ori, '--db', store);
    await json('audit', 'detainers', '--db', store, '--as-of', '2012-01-01');
    await json('stats', '--db', store, '--by', 'jurisdiction', '--fy', '2011');
  }, 60_000);
});
