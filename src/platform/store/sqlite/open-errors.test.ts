/**
 * A SQLite path the store cannot use is refused with a StoreError that says why, before SQLite
 * touches anything: nothing is created beside it (no database, no -wal, no -shm).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../errors.ts';
import { openStore } from '../open-store.ts';

const root = mkdtempSync(join(tmpdir(), 'seccom-sqlite-open-'));
const readOnly: string[] = [];
afterAll(() => {
  for (const p of readOnly) chmodSync(p, 0o755);
});

/** A fresh folder holding only what `setup` puts there. */
function folder(name: string, setup: (dir: string) => void = () => {}): string {
  const dir = join(root, name);
  mkdirSync(dir);
  setup(dir);
  return dir;
}

async function refusal(path: string): Promise<StoreError> {
  const error = await openStore({ kind: 'sqlite', path }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('opening a SQLite store at a path it cannot use', () => {
  it('refuses a folder, naming it as a folder', async () => {
    const dir = folder('is-a-folder');
    const e = await refusal(dir);
    expect(e.code).toBe('STORE_PATH');
    expect(e.message).toContain(`${dir} is a folder`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a new file in a folder that does not exist, and creates neither', async () => {
    const dir = folder('parent');
    const e = await refusal(join(dir, 'missing', 'deeper', 'store.db'));
    expect(e.code).toBe('STORE_PATH');
    expect(e.message).toMatch(/the folder .*missing\/deeper does not exist/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['a text file', 'hello, this is not a database\n'],
    ['a JSON document', JSON.stringify({ jurisdictions: [] })],
    ['bytes that start like SQLite but are not', 'SQLite format 2\u0000 and then garbage'],
    ['a single byte', 'x'],
  ])('refuses %s that is not a database, and leaves it and its folder as they were', async (_, content) => {
    const dir = folder(`not-a-db-${content.length}`, (d) => writeFileSync(join(d, 'store.db'), content));
    const e = await refusal(join(dir, 'store.db'));
    expect(e.code).toBe('STORE_NOT_A_DATABASE');
    expect(e.message).toContain('is not a SQLite database');
    expect(readdirSync(dir)).toEqual(['store.db']);
  });

  it('refuses a read-only database file, and a database in a read-only folder', async () => {
    const made = folder('ro-file');
    const path = join(made, 'store.db');
    await (await openStore({ kind: 'sqlite', path })).close();
    const before = readdirSync(made).sort();
    chmodSync(path, 0o444);
    readOnly.push(path);
    const e = await refusal(path);
    expect(e.code).toBe('STORE_READ_ONLY');
    expect(e.message).toContain('read-only');
    expect(readdirSync(made).sort()).toEqual(before);

    const roDir = folder('ro-folder');
    chmodSync(roDir, 0o555);
    readOnly.push(roDir);
    const inside = await refusal(join(roDir, 'store.db'));
    expect(inside.code).toBe('STORE_READ_ONLY');
    expect(readdirSync(roDir)).toEqual([]);
  });

  it('refuses a device such as /dev/null', async () => {
    expect((await refusal('/dev/null')).code).toBe('STORE_PATH');
  });

  it('still creates a new database in a writable folder, and reopens an empty file as a new one', async () => {
    const dir = folder('fine', (d) => writeFileSync(join(d, 'empty.db'), ''));
    for (const name of ['new.db', 'empty.db']) {
      const s = await openStore({ kind: 'sqlite', path: join(dir, name) });
      await s.close();
    }
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['new.db', 'empty.db']));
  });
});
