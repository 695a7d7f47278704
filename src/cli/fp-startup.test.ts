import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

// The heavy modules behind `seccom fp` record when they are first imported, so the tests can see
// what `fp extract` loads (bench/cli-startup.bench.ts times it as a whole process).
const { loaded, track } = vi.hoisted(() => {
  const loaded = new Set<string>();
  const track = (name: string) => async (importOriginal: () => Promise<Record<string, unknown>>) => {
    loaded.add(name);
    return importOriginal();
  };
  return { loaded, track };
});
vi.mock('../biometrics/compare/index.ts', track('comparator'));
vi.mock('../biometrics/evaluate/run.ts', track('evaluation'));
vi.mock('../biometrics/evaluate/plots.ts', track('plots'));
vi.mock('../biometrics/render/overlay.ts', track('overlay renderer'));
vi.mock('../biometrics/synth/index.ts', track('synthetic-print generator'));
vi.mock('../biometrics/image/wsq/encode.ts', track('WSQ encoder'));
vi.mock('./pictures.ts', track('pictures'));

const { runCli } = await import('./testing.ts');
const { encodeGrayPng } = await import('../biometrics/image/png-encode.ts');
const { syntheticFingerprint } = await import('../biometrics/image/wsq/test-support.ts');

describe('seccom fp extract loads only what extraction needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-fp-startup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const image = join(dir, 'print.png');
  writeFileSync(image, encodeGrayPng(syntheticFingerprint(300, 300, 3)));
  beforeEach(() => loaded.clear());

  it('extracts a template without importing the comparator, the evaluation, the pictures, the generator or the WSQ encoder', async () => {
    const r = await runCli('fp', 'extract', image, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).template.minutiae.length).toBeGreaterThan(0);
    expect([...loaded]).toEqual([]);
  }, 60_000);

  it('imports the pictures (and with them the renderer) when asked for an overlay: the tracking sees lazy imports', async () => {
    expect((await runCli('fp', 'extract', image, '--overlay', join(dir, 'overlay.png'))).code).toBe(0);
    expect(loaded).toContain('pictures');
    expect(loaded).toContain('overlay renderer');
    expect(loaded).not.toContain('synthetic-print generator');
  }, 60_000);
});
