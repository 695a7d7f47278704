/**
 * Reading a user's file with a size limit that holds before anything is read: the path must
 * name a regular file (not a device such as /dev/zero, a FIFO or a directory), its size must be
 * within the limit for its kind, and the read itself stops at the limit even when the size the
 * file system reported was wrong (a file that grows, a /proc file that says 0).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type InputFileErrorCode = 'NO_SUCH_FILE' | 'NOT_A_FILE' | 'FILE_TOO_LARGE' | 'FILE_UNREADABLE';

/** A file that cannot be read as input; nothing was read. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly code: InputFileErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const MiB = 1024 * 1024;

/**
 * The largest file of each kind the program reads, in bytes. Real inputs are far smaller (the
 * largest NIST reference transaction is 2.9 MB, an FVC2002 image 0.3 MB, the EBTS 9.1 rules
 * file 0.2 MB, the Stanford county CSVs 0.1 MB); the limits leave room for uncompressed
 * 1,000 ppi palms and long scenarios while keeping a wrong path from exhausting memory.
 */
export const FILE_LIMITS = {
  /** A fingerprint image (PNG, JPEG, TIFF, WSQ, raw, PGM). */
  image: 64 * MiB,
  /** A minutiae template (native, ISO/IEC 19794-2, INCITS 378). */
  template: 1 * MiB,
  /** An ANSI/NIST-ITL transaction. */
  transaction: 128 * MiB,
  /** The EBTS rules file and each code table beside it. */
  rules: 16 * MiB,
  /** A scenario or jurisdiction file (JSON). */
  scenario: 16 * MiB,
  /** One policy document (JSON). */
  policy: 4 * MiB,
  /** A table of counts (CSV). */
  csv: 128 * MiB,
} as const;

export type FileKind = keyof typeof FILE_LIMITS;

const CHUNK = 1 * MiB;

const sizeText = (n: number) => (n >= MiB ? `${(n / MiB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB` : `${n.toLocaleString('en-US')} bytes`);

/** Reads at most `limit` bytes of the regular file at `path`; throws InputFileError otherwise. */
export function readFileBounded(path: string, limit: number | FileKind, what = 'file'): Uint8Array {
  const max = typeof limit === 'number' ? limit : FILE_LIMITS[limit];
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputFileError('NO_SUCH_FILE', path, `no such file: ${path}`);
    if (code === 'EISDIR') throw new InputFileError('NOT_A_FILE', path, `${path} is a directory, not a file`);
    throw new InputFileError('FILE_UNREADABLE', path, `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputFileError('NOT_A_FILE', path, `${path} is a directory, not a file`);
    if (!stat.isFile()) throw new InputFileError('NOT_A_FILE', path, `${path} is not a regular file (a device, pipe or socket cannot be read as a ${what})`);
    const tooLarge = (size: string) => new InputFileError('FILE_TOO_LARGE', path, `${path} is too large for a ${what} (${size}; at most ${sizeText(max)})`);
    if (stat.size > max) throw tooLarge(sizeText(stat.size));
    // Read to the limit plus one byte, whatever the size said: one byte more means too large.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(CHUNK, max + 1 - total);
      if (want <= 0) break;
      const buffer = Buffer.allocUnsafe(want);
      let n: number;
      try {
        n = readSync(fd, buffer, 0, want, null);
      } catch (error) {
        throw new InputFileError('FILE_UNREADABLE', path, `cannot read ${path}: ${(error as Error).message}`);
      }
      if (n === 0) break;
      chunks.push(n === want ? buffer : buffer.subarray(0, n));
      total += n;
    }
    if (total > max) throw tooLarge(`more than ${sizeText(max)}`);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** The same, decoded as UTF-8 (a byte order mark is kept, as `readFileSync(path, 'utf8')` does). */
export function readTextBounded(path: string, limit: number | FileKind, what = 'file'): string {
  return Buffer.from(readFileBounded(path, limit, what)).toString('utf8');
}
