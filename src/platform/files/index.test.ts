import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputFileError, readFileBounded } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-files-'));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof InputFileError) return e.code;
    throw e;
  }
  return 'read';
}

describe('reading a file within a limit', () => {
  it('returns every byte of a regular file up to the limit and refuses one byte more (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 3000 }), (bytes, limit) => {
        const p = join(dir, 'f.bin');
        writeFileSync(p, bytes);
        if (bytes.length <= limit) expect(readFileBounded(p, limit)).toEqual(bytes);
        else expect(codeOf(() => readFileBounded(p, limit))).toBe('FILE_TOO_LARGE');
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('stops at the limit even when the size the file system reports is wrong (a /proc file says 0)', () => {
    const proc = '/proc/self/status';
    if (!existsSync(proc) || statSync(proc).size !== 0) return console.warn('no /proc with zero-sized files: skipped');
    expect(codeOf(() => readFileBounded(proc, 10))).toBe('FILE_TOO_LARGE');
    expect(readFileBounded(proc, 1 << 20).length).toBeGreaterThan(10);
  });

  it('refuses devices and directories, and names a missing file', () => {
    expect(codeOf(() => readFileBounded('/dev/zero', 'image'))).toBe('NOT_A_FILE');
    expect(codeOf(() => readFileBounded(dir, 'image'))).toBe('NOT_A_FILE');
    expect(codeOf(() => readFileBounded(join(dir, 'absent'), 'image'))).toBe('NO_SUCH_FILE');
    expect(codeOf(() => readFileBounded(join(dir, 'absent', 'x'), 'image'))).toBe('NO_SUCH_FILE');
  });
});
