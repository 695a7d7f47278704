/**
 * Input limits of the `seccom` command: every file it reads is checked before it is read (a
 * regular file, within the size limit for its kind), bad numbers and bad options are typed
 * errors, and a database that cannot be reached is the user's problem, not a crash.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../platform/store/index.ts';
import { FILE_LIMITS } from '../platform/files/index.ts';
import { buildProgram } from './main.ts';
import { runCli } from './testing.ts';

afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-limits-'));
const db = join(dir, 'store.db');
const SCENARIOS = join(import.meta.dirname, '../../scenarios');

beforeAll(async () => {
  await (await openStore({ kind: 'sqlite', path: db })).close();
});

/** One line `seccom: …` (matching `what`) and exit status 2, within a few seconds. */
async function expectRefused(args: string[], what: RegExp = /^seccom: /): Promise<string> {
  const start = performance.now();
  const r = await runCli(...args);
  const seconds = (performance.now() - start) / 1000;
  expect({ args, code: r.code }).toEqual({ args, code: 2 });
  const lines = r.err.split('\n').filter(Boolean);
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^seccom: /);
  expect(lines[0]).toMatch(what);
  expect(seconds).toBeLessThan(10);
  return lines[0];
}

const NOT_A_FILE = /is not a regular file|is a directory|is not a folder/;
const TOO_LARGE = /too large/;
const USAGE = /^seccom: USAGE: /;

/** Every command that reads a file, with `F` where the file goes. */
const FILE_COMMANDS: string[][] = [
  ['fp', 'extract', 'F'],
  ['fp', 'compare', 'F', 'F'],
  ['nist', 'dump', 'F'],
  ['nist', 'validate', 'F'],
  ['nist', 'roundtrip', 'F'],
  ['nist', 'images', 'F', join(dir, 'images')],
  ['wsq', 'decode', 'F', join(dir, 'out.png')],
  ['wsq', 'encode', 'F', join(dir, 'out.wsq')],
  ['scenario', 'run', 'F', '--db', `sqlite:${join(dir, 'scenario.db')}`],
  ['book', 'F', '--db', `sqlite:${db}`],
  ['review', '--input', 'F', '--count', 'a', '--total', 'b', '--unit', 'c'],
  ['complaint', 'file', '--db', db, '--category', 'other', '--narrative-file', 'F', '--incident-date', '2011-05-12'],
];

describe('every file the command reads is checked before it is read', () => {
  it.each(FILE_COMMANDS.map((c) => [c.join(' '), c] as const))('refuses /dev/zero quickly: %s', async (_, command) => {
    const line = await expectRefused(command.map((a) => (a === 'F' ? '/dev/zero' : a)), NOT_A_FILE);
    expect(line).toContain('/dev/zero');
  });

  it('refuses /dev/zero as the rules of nist validate, the jurisdiction file of book and a fingerprint of fp eval', async () => {
    const car = join(dir, 'booking.an2');
    expect((await runCli('nist', 'car', car, '--seed', '7')).code).toBe(0);
    await expectRefused(['nist', 'validate', car, '--rules', '/dev/zero'], NOT_A_FILE);
    await expectRefused(['book', car, '--db', `sqlite:${join(dir, 'book.db')}`, '--jurisdiction-file', '/dev/zero'], NOT_A_FILE);
    const fvc = join(dir, 'fvc');
    mkdirSync(fvc);
    for (const name of ['1_1.tif', '1_2.tif', '2_1.tif', '2_2.tif']) symlinkSync('/dev/zero', join(fvc, name));
    await expectRefused(['fp', 'eval', fvc], NOT_A_FILE);
    await expectRefused(['fp', 'eval', '/dev/zero'], NOT_A_FILE);
  });

  it('refuses a named pipe without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.png');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      console.warn('mkfifo is not available: the named-pipe case was skipped');
      return;
    }
    await expectRefused(['fp', 'extract', fifo], NOT_A_FILE);
    await expectRefused(['scenario', 'run', fifo], NOT_A_FILE);
  });

  it('refuses a file over the limit of its kind without reading it', async () => {
    const sparse = (name: string, size: number) => {
      const p = join(dir, name);
      const fd = openSync(p, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
      return p;
    };
    const image = sparse('huge.png', FILE_LIMITS.image + 1);
    expect(await expectRefused(['fp', 'extract', image], TOO_LARGE)).toMatch(/too large for a fingerprint image .*at most 64 MiB/);
    await expectRefused(['nist', 'dump', sparse('huge.an2', FILE_LIMITS.transaction + 1)], TOO_LARGE);
    await expectRefused(['scenario', 'run', sparse('huge.json', FILE_LIMITS.scenario + 1)], TOO_LARGE);
    await expectRefused(['review', '--input', sparse('huge.csv', FILE_LIMITS.csv + 1), '--count', 'a', '--total', 'b', '--unit', 'c'], TOO_LARGE);
  });

  it('refuses a scenario that names /dev/zero (or a directory) as a fingerprint image, and runs nothing', async () => {
    const scenario = JSON.parse(readFileSync(join(SCENARIOS, 'no-match.json'), 'utf8')) as { people: Record<string, { fingerprints?: unknown }> };
    const [person] = Object.keys(scenario.people);
    for (const path of ['/dev/zero', dir]) {
      scenario.people[person].fingerprints = { kind: 'images', booking: [{ position: 2, path }] };
      const file = join(dir, 'zero-print.json');
      writeFileSync(file, JSON.stringify(scenario));
      const store = join(dir, 'zero-print.db');
      const line = await expectRefused(['scenario', 'run', file, '--db', `sqlite:${store}`], NOT_A_FILE);
      expect(line).toContain(`people.${person}.fingerprints.booking[0].path`);
      expect(line).toMatch(/not a regular file|is a directory/);
    }
  });
});

describe('numbers in a CSV', () => {
  it.each(['1e308', '1e309', 'Infinity', '-1e400', '9'.repeat(400)])('refuses a total of %s with a typed error', async (total) => {
    const file = join(dir, 'big.csv');
    writeFileSync(file, `unit,count,total\nA,1,${total}\nB,2,10\nC,3,10\n`);
    const line = await expectRefused(['review', '--input', file, '--count', 'count', '--total', 'total', '--unit', 'unit'], /^seccom: CSV_BAD_NUMBER: /);
    expect(line).toContain('row 2');
  });
});

/** Every leaf command of the program, as the words that name it. */
function leafCommands(command: Command, path: string[] = []): string[][] {
  if (command.commands.length === 0) return [path];
  return command.commands.flatMap((c) => leafCommands(c, [...path, c.name()]));
}

const leaves = leafCommands(await buildProgram());

describe('option errors from the argument parser', () => {

  it('covers every command', () => {
    expect(leaves.length).toBeGreaterThan(25);
  });

  it.each(leaves.map((l) => [l.join(' '), l] as const))('prints one USAGE line and exits 2 for an unknown option: %s', async (_, words) => {
    const line = await expectRefused([...words, '--no-such-option'], USAGE);
    expect(line).toMatch(/unknown option '--no-such-option'|required option '--[a-z-]+ <[a-z-]+>' not specified/);
  });

  it('does the same for a missing argument, a missing option value, a bad choice, a surplus argument and an unknown command', async () => {
    expect(await expectRefused(['fp', 'extract'], USAGE)).toMatch(/missing required argument 'image'/);
    expect(await expectRefused(['fp', 'extract', 'a.png', '--out'], USAGE)).toMatch(/option '--out <file>' argument missing/);
    expect(await expectRefused(['fp', 'extract', 'a.png', '--format', 'bmp'], USAGE)).toMatch(/--format/);
    expect(await expectRefused(['nist', 'dump', 'a', 'b'], USAGE)).toMatch(/too many arguments/);
    expect(await expectRefused(['frobnicate'], USAGE)).toMatch(/unknown command 'frobnicate'/);
  });

  it('keeps --help and --version at exit status 0', async () => {
    const help = await runCli('fp', 'extract', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: seccom fp extract');
    const version = await runCli('--version');
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe((JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version);
  });
});

describe('a database that cannot be reached', () => {
  it.each([
    ['connection refused', 'postgres://127.0.0.1:1/test'],
    ['unknown host', 'postgres://no-such-host.invalid/test'],
  ])('is a user error with a clear message (%s)', async (_, url) => {
    const line = await expectRefused(['stats', '--db', url], /^seccom: STORE_UNREACHABLE: /);
    expect(line).toContain(url.replace(/^postgres:\/\//, '').split('/')[0]);
  }, 30_000);

  it('refuses a malformed URL as a user error', async () => {
    await expectRefused(['stats', '--db', 'postgres://127.0.0.1:99999999/test'], /^seccom: STORE_URL: /);
  });
});

describe('a SQLite --db the store cannot use', () => {
  it('is a user error (exit 2) naming the problem, and creates nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'seccom-cli-sqlite-'));
    const notDb = join(root, 'notes.txt');
    writeFileSync(notDb, 'not a database\n');
    const scenario = join(SCENARIOS, 'no-match.json');
    await expectRefused(['stats', '--db', root], /^seccom: STORE_PATH: .* is a folder/);
    await expectRefused(['scenario', 'run', scenario, '--db', `sqlite:${join(root, 'no', 'such', 'dir', 'x.db')}`], /^seccom: STORE_PATH: .*does not exist/);
    await expectRefused(['stats', '--db', notDb], /^seccom: STORE_NOT_A_DATABASE: /);
    await expectRefused(['scenario', 'run', scenario, '--db', notDb], /^seccom: STORE_NOT_A_DATABASE: /);
    expect(readdirSync(root)).toEqual(['notes.txt']);
    expect(readFileSync(notDb, 'utf8')).toBe('not a database\n');
  });
});

// The README's example store, on the PostgreSQL of the test machine (trust authentication).
const pgReachable = (() => {
  try {
    execFileSync(process.execPath, ['-e', "require('net').connect(5432,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"], { timeout: 3000 });
    return true;
  } catch {
    return false;
  }
})();
if (!pgReachable) console.warn('PostgreSQL on 127.0.0.1:5432 is not reachable: the README example was skipped');

describe.skipIf(!pgReachable)('the README PostgreSQL example', () => {
  it('runs a scenario into postgres://127.0.0.1/test, a URL without a user name', async () => {
    // The machine's `test` database outlives each run: --append, or the second run is (rightly) SCENARIO_ALREADY_PLAYED.
    const r = await runCli('scenario', 'run', join(SCENARIOS, 'no-match.json'), '--db', 'postgres://127.0.0.1/test', '--append');
    expect(r.err).not.toMatch(/seccom:/);
    expect(r.code).toBe(0);
  }, 120_000);
});

