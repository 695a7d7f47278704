import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './testing.ts';

const run = runCli;

afterEach(() => vi.restoreAllMocks());

describe('the seccom command', () => {
  it('explains a missing file in one line and exits with status 2', async () => {
    const r = await run('fp', 'extract', '/nonexistent/print.png');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('seccom: no such file: /nonexistent/print.png');
  });

  it('refuses a file that is not an image with a typed error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-'));
    writeFileSync(join(dir, 'junk.png'), 'this is not a picture');
    const r = await run('fp', 'extract', join(dir, 'junk.png'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^seccom: IMAGE_FORMAT: /);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('says why a folder cannot be evaluated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-'));
    const r = await run('fp', 'eval', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no F_I/);
  });

  it('rejects a non-numeric resolution', async () => {
    const r = await run('fp', 'extract', 'x.png', '--ppi', 'lots');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--ppi must be a positive number/);
  });

  it('extracts and compares synthetic prints, printing JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-'));
    const demo = await run('demo', '--synthetic', '--out', dir, '--json');
    expect(demo.code).toBe(0);
    const result = JSON.parse(demo.out) as { comparisons: Array<{ mated: boolean; score: number }>; prints: Array<{ minutiae: number }> };
    expect(result.prints).toHaveLength(3);
    for (const p of result.prints) expect(p.minutiae).toBeGreaterThan(10);
    const [mated, nonMated] = result.comparisons;
    expect(mated.mated && !nonMated.mated).toBe(true);
    expect(mated.score).toBeGreaterThan(nonMated.score);
  });

  it('prints help that lists the command groups', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const group of ['demo', 'fp', 'nist', 'wsq']) expect(r.out).toContain(group);
  });
});
