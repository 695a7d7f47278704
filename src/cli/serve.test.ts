import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../platform/store/index.ts';
import { runScenario } from '../sim/scenario.ts';
import { runCli } from './testing.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/seccom.js');

describe('seccom serve', () => {
  it('serves an existing store, prints the URL, answers requests and stops cleanly on SIGTERM', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'seccom-serve-')), 'store.db');
    const store = await openStore({ kind: 'sqlite', path });
    await runScenario(join(ROOT, 'scenarios/lpr-level-3.json'), { store });
    await store.close();

    const child = spawn(process.execPath, [BIN, 'serve', '--db', path, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 60_000);
        child.stdout.on('data', () => {
          const m = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        void exited.then((code) => reject(new Error(`exited ${code} before serving: ${out}`)));
      });
      const cases = (await (await fetch(`${url}/cases`)).json()) as { count: number };
      expect(cases.count).toBe(2);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM: stopping\nstopped\n$/);
  }, 90_000);

  it('refuses a store that does not exist and a bad port, exit 2', async () => {
    const missing = await runCli('serve', '--db', join(tmpdir(), 'no-such-seccom-store.db'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such database');
    const port = await runCli('serve', '--db', 'x.db', '--port', '99999');
    expect(port.code).toBe(2);
    expect(port.err).toContain('--port');
  });
});
