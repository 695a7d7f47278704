/**
 * Bounds-checked big-endian byte reading and writing shared by the template codecs. Every read
 * checks the bytes present first and throws a BiometricError carrying the offset, so a codec
 * built on it never throws anything else and never allocates from an unchecked length.
 */
import { BiometricError } from '../errors.ts';

export class ByteReader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    /** Name of the format, for messages. */
    readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Throws TEMPLATE_TRUNCATED unless `n` more bytes are present. */
  need(n: number, field: string): void {
    if (n > this.remaining) {
      throw new BiometricError(
        'TEMPLATE_TRUNCATED',
        `${this.what}: ${field} needs ${n} bytes, only ${this.remaining} left`,
        this.offset,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++];
  }

  u16(field: string): number {
    this.need(2, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 2;
    return (b[o] << 8) | b[o + 1];
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  }

  /** A copy of the next `n` bytes. */
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Throws TEMPLATE_FORMAT (at the field's offset) unless the next bytes equal `expected`. */
  expect(expected: readonly number[], field: string): void {
    const at = this.offset;
    this.need(expected.length, field);
    for (let i = 0; i < expected.length; i++) {
      if (this.bytes[at + i] !== expected[i]) {
        throw new BiometricError('TEMPLATE_FORMAT', `${this.what}: bad ${field}`, at);
      }
    }
    this.offset += expected.length;
  }

  fail(message: string, at: number = this.offset): never {
    throw new BiometricError('TEMPLATE_FORMAT', `${this.what}: ${message}`, at);
  }
}

export class ByteWriter {
  private buf: Uint8Array;
  length = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
  }
  u16(v: number): void {
    this.room(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
  }
  u32(v: number): void {
    this.room(4);
    this.buf[this.length++] = (v >>> 24) & 0xff;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** Overwrites an already written big-endian u16 / u32 (for lengths known at the end). */
  patchU16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }
  patchU32(at: number, v: number): void {
    this.buf[at] = (v >>> 24) & 0xff;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function invalid(message: string): never {
  throw new BiometricError('INVALID_ARGUMENT', message);
}

const TWO_PI = 2 * Math.PI;

/** Direction in radians → integer units of a full circle divided into `units` steps. */
export function toAngleUnits(direction: number, units: number): number {
  let a = Math.round((direction / TWO_PI) * units) % units;
  if (a < 0) a += units;
  return a;
}

export function fromAngleUnits(value: number, units: number): number {
  return (value / units) * TWO_PI;
}

/** Checks a template is encodable: finite numbers in range. */
export function checkTemplate(
  t: { width: number; height: number; resolution: number; quality: number; minutiae: readonly { x: number; y: number; direction: number; quality: number }[] },
  maxCoord: number,
): void {
  const intIn = (v: number, lo: number, hi: number): boolean => Number.isFinite(v) && v >= lo && v <= hi;
  if (!intIn(t.width, 0, 0xffff) || !intIn(t.height, 0, 0xffff)) invalid('template width/height out of range');
  if (!intIn(t.resolution, 1, 100000)) invalid('template resolution out of range');
  if (!intIn(t.quality, 0, 100)) invalid('template quality must be 0–100');
  for (const m of t.minutiae) {
    if (!intIn(Math.round(m.x), 0, maxCoord) || !intIn(Math.round(m.y), 0, maxCoord)) invalid(`minutia coordinate out of range (${m.x}, ${m.y})`);
    if (!Number.isFinite(m.direction)) invalid('minutia direction must be finite');
    if (!intIn(m.quality, 0, 100)) invalid('minutia quality must be 0–100');
  }
}
