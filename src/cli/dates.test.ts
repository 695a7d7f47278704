import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing.ts';

describe('dates given on the command line are real calendar dates', () => {
  it('nist car refuses a day that does not exist: no file, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-dates-'));
    for (const date of ['20110231', '20110631', '20110229', '21000229']) {
      const out = join(dir, `${date}.an2`);
      const r = await runCli('nist', 'car', out, '--date', date);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^seccom: .*--date/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('book --at refuses an impossible instant before touching the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-dates-'));
    for (const at of ['2011-02-30T10:00:00Z', '2011-06-31T10:00:00-05:00', '2011-08-01T24:00:00Z']) {
      const store = join(dir, 'never.db');
      const r = await runCli('book', join(dir, 'missing.an2'), '--db', store, '--at', at);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^seccom: .*--at/);
      expect(existsSync(store)).toBe(false);
    }
  });
});
