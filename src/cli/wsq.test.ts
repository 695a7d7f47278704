import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '../biometrics/image/png.ts';
import { encodeGrayPng } from '../biometrics/image/png-encode.ts';
import { decodeWsq } from '../biometrics/image/wsq/index.ts';
import { syntheticFingerprint } from '../biometrics/image/wsq/test-support.ts';

const BIN = fileURLToPath(new URL('../../bin/seccom.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seccom-wsq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seccom = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('seccom wsq', () => {
  const image = syntheticFingerprint(200, 240, 9);
  const png = join(dir, 'in.png');
  writeFileSync(png, encodeGrayPng(image));

  it('encodes a PNG at the requested bit rate and prints a JSON summary with the PSNR', () => {
    const out = join(dir, 'out.wsq');
    const run = seccom('wsq', 'encode', png, out, '--bitrate', '2.25', '--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ width: 200, height: 240, ppi: 500, targetBitrate: 2.25 });
    expect(summary.psnr).toBeGreaterThan(30);
    expect(decodeWsq(new Uint8Array(readFileSync(out))).width).toBe(200);
  });

  it('decodes a WSQ file to PNG and to PGM', () => {
    const wsq = join(dir, 'round.wsq');
    expect(seccom('wsq', 'encode', png, wsq).status).toBe(0);
    const pngOut = join(dir, 'round.png');
    const run = seccom('wsq', 'decode', wsq, pngOut, '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ width: 200, height: 240, ppi: 500 });
    const decoded = decodePng(new Uint8Array(readFileSync(pngOut)));
    expect([decoded.width, decoded.height]).toEqual([200, 240]);
    const pgmOut = join(dir, 'round.pgm');
    expect(seccom('wsq', 'decode', wsq, pgmOut).status).toBe(0);
    expect(readFileSync(pgmOut).subarray(0, 2).toString()).toBe('P5');
  });

  it('fails with exit code 2 and a typed message on a file that is not WSQ', () => {
    const run = seccom('wsq', 'decode', png, join(dir, 'x.png'));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('IMAGE_FORMAT');
  });
});
