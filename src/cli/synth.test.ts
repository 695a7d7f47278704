import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { BiometricError } from '../biometrics/errors.ts';
import { decodePng } from '../biometrics/image/png.ts';
import { addSynthCommand } from './synth.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(): Command {
  const root = new Command().exitOverride();
  addSynthCommand(root.command('fp'));
  return root;
}

describe('seccom fp synth', () => {
  it('writes F_I.png files and a manifest with the pattern class of every finger', async () => {
    const out = join(dir, 'db');
    await program().parseAsync(['node', 'seccom', 'fp', 'synth', out, '--fingers', '1', '--impressions', '2', '--seed', 'cli-test']);
    expect(readdirSync(out).sort()).toEqual(['1_1.png', '1_2.png', 'manifest.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.seed).toBe('cli-test');
    expect(manifest.fingers).toHaveLength(1);
    expect(['arch', 'tented-arch', 'left-loop', 'right-loop', 'whorl']).toContain(manifest.fingers[0].patternClass);
    const image = decodePng(new Uint8Array(readFileSync(join(out, '1_2.png'))));
    expect([image.width, image.height]).toEqual([320, 416]);
  });

  it('refuses a non-integer finger count', async () => {
    await expect(program().parseAsync(['node', 'seccom', 'fp', 'synth', join(dir, 'bad'), '--fingers', '2.5'])).rejects.toThrow(BiometricError);
  });
});
