/**
 * Our own compact template format, version 1 (big-endian):
 *
 *   offset size
 *   0      4    magic 'SCFT'
 *   4      1    version (1)
 *   5      1    flags (0; reserved)
 *   6      2    width (px)
 *   8      2    height (px)
 *   10     4    resolution in milli-ppi (500 ppi = 500000)
 *   14     1    image quality 0–100
 *   15     2    number of minutiae n
 *   17     6n   minutiae: u16 type<<14 | x, u16 dirHigh<<14 | y, u8 dirLow, u8 quality
 *
 * x and y are whole pixels (0–16383); the direction is stored in 1024ths of a turn (≈0.35°),
 * split into 2 high bits above y and 8 low bits; type 0 other, 1 ending, 2 bifurcation.
 * Records are exactly 17 + 6n bytes.
 */
import { BiometricError } from '../errors.ts';
import { ByteReader, ByteWriter, checkTemplate, fromAngleUnits, invalid, toAngleUnits } from './bytes.ts';
import type { FingerprintTemplate, Minutia, MinutiaType } from './template.ts';

export const NATIVE_MAGIC = [0x53, 0x43, 0x46, 0x54]; // 'SCFT'
export const NATIVE_VERSION = 1;
const HEADER = 17;
const DIR_UNITS = 1024;
const TYPES: MinutiaType[] = ['other', 'ending', 'bifurcation'];
const CODES: Record<MinutiaType, number> = { other: 0, ending: 1, bifurcation: 2 };

export function encodeNativeTemplate(t: FingerprintTemplate): Uint8Array {
  checkTemplate(t, 0x3fff);
  if (t.minutiae.length > 0xffff) invalid('native template: at most 65535 minutiae');
  const w = new ByteWriter(HEADER + 6 * t.minutiae.length);
  for (const b of NATIVE_MAGIC) w.u8(b);
  w.u8(NATIVE_VERSION);
  w.u8(0);
  w.u16(Math.round(t.width));
  w.u16(Math.round(t.height));
  w.u32(Math.round(t.resolution * 1000));
  w.u8(Math.round(t.quality));
  w.u16(t.minutiae.length);
  for (const m of t.minutiae) {
    const d = toAngleUnits(m.direction, DIR_UNITS);
    w.u16(((CODES[m.type] ?? 0) << 14) | Math.round(m.x));
    w.u16(((d >>> 8) << 14) | Math.round(m.y));
    w.u8(d & 0xff);
    w.u8(Math.round(m.quality));
  }
  return w.result();
}

export function decodeNativeTemplate(bytes: Uint8Array): FingerprintTemplate {
  if (!(bytes instanceof Uint8Array)) invalid('native template: expected a Uint8Array');
  const r = new ByteReader(bytes, 'native template');
  r.expect(NATIVE_MAGIC, "magic 'SCFT'");
  const versionAt = r.offset;
  const version = r.u8('version');
  if (version !== NATIVE_VERSION) {
    throw new BiometricError('TEMPLATE_VERSION', `native template version ${version}, this reader knows ${NATIVE_VERSION}`, versionAt);
  }
  const flagsAt = r.offset;
  if (r.u8('flags') !== 0) r.fail('unknown flags', flagsAt);
  const width = r.u16('width');
  const height = r.u16('height');
  const resAt = r.offset;
  const milliPpi = r.u32('resolution');
  if (milliPpi === 0) r.fail('resolution is zero', resAt);
  const qAt = r.offset;
  const quality = r.u8('quality');
  if (quality > 100) r.fail(`quality ${quality} over 100`, qAt);
  const count = r.u16('number of minutiae');
  r.need(6 * count, `${count} minutiae`);
  if (r.remaining !== 6 * count) r.fail(`${r.remaining - 6 * count} bytes after the minutiae`, r.offset + 6 * count);
  const minutiae: Minutia[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const tx = r.u16('minutia x');
    const dy = r.u16('minutia y');
    const dLow = r.u8('minutia direction');
    const mq = r.u8('minutia quality');
    const code = tx >>> 14;
    if (code > 2) r.fail('minutia type 3 is reserved', at);
    if (mq > 100) r.fail(`minutia quality ${mq} over 100`, at + 5);
    minutiae[i] = {
      x: tx & 0x3fff,
      y: dy & 0x3fff,
      direction: fromAngleUnits(((dy >>> 14) << 8) | dLow, DIR_UNITS),
      type: TYPES[code],
      quality: mq,
    };
  }
  return { width, height, resolution: milliPpi / 1000, quality, minutiae };
}

/** True when the bytes start with the native magic 'SCFT' (any version). */
export function isNativeTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && NATIVE_MAGIC.every((b, i) => bytes[i] === b);
}
