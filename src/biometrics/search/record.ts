/**
 * The gallery file: a 16-byte header, then an append-only log of checksummed records
 * (little-endian). Pure encoding and parsing; reading and writing files is src/platform/search/.
 *
 *   header  0  4  magic 'SCGF'
 *           4  2  format version (1)
 *           6  2  filter code bits (FILTER_BITS), 8 filter feature version
 *           10 2  reserved (0)
 *           12 4  CRC-32 of bytes 0–11
 *   record  0  4  magic 'SCGR'
 *           4  1  kind: 1 upsert, 2 delete
 *           5  3  reserved (0)
 *           8  4  payload length L (≤ 1 MiB)
 *           12 L  payload
 *           12+L 4 CRC-32 of bytes 4 … 12+L−1 (kind, reserved, length, payload)
 *   upsert payload: u8 id length, id (UTF-8), u8 finger count, then per finger:
 *           u8 position, u8 quality, u16 width, u16 height, u8 minutia count n, u16 code bits,
 *           FILTER_WORDS × u32 filter code, n × u32 packed minutiae (features.ts)
 *   delete payload: u8 id length, id.
 *
 * A record whose magic, length or checksum is wrong is reported with its byte offset and the
 * parser resynchronises on the next record magic, so one damaged or truncated record costs only
 * itself. A truncated last record (a crash mid-append) is reported the same way.
 */
import { SearchError } from './errors.ts';
import { FILTER_BITS, FILTER_WORDS, MAX_MINUTIAE_PER_FINGER } from './features.ts';
import type { EnrolmentRecord } from './gallery.ts';

export const FILE_MAGIC = 0x46474353; // 'SCGF' little-endian
export const RECORD_MAGIC = 0x52474353; // 'SCGR'
export const FILE_VERSION = 1;
/** Bump when filter codes would come out differently (features.ts), so old files are rejected. */
export const FEATURE_VERSION = 1;
export const HEADER_BYTES = 16;
const RECORD_OVERHEAD = 16;
const MAX_PAYLOAD = 1 << 20;
const KIND_UPSERT = 1;
const KIND_DELETE = 2;

// CRC-32 (IEEE, reflected), four table lookups per 4 bytes ("slicing by 4").
const CRC_TABLES = (() => {
  const t = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k * 256 + n] = t[(k - 1) * 256 + n] >>> 8 ^ t[t[(k - 1) * 256 + n] & 0xff];
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^ t[c >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeFileHeader(): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, FILE_MAGIC, true);
  v.setUint16(4, FILE_VERSION, true);
  v.setUint16(6, FILTER_BITS, true);
  v.setUint8(8, FEATURE_VERSION);
  v.setUint32(12, crc32(out, 0, 12), true);
  return out;
}

/** Checks a file header; throws SearchError('GALLERY_RECORD') when it is not ours or incompatible. */
export function checkFileHeader(bytes: Uint8Array): void {
  if (bytes.length < HEADER_BYTES) throw new SearchError('GALLERY_RECORD', 'gallery file: shorter than its 16-byte header', 0);
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (v.getUint32(0, true) !== FILE_MAGIC) throw new SearchError('GALLERY_RECORD', "gallery file: no 'SCGF' magic", 0);
  if (v.getUint32(12, true) !== crc32(bytes, 0, 12)) throw new SearchError('GALLERY_RECORD', 'gallery file: header checksum mismatch', 12);
  if (v.getUint16(4, true) !== FILE_VERSION) throw new SearchError('GALLERY_RECORD', `gallery file: version ${v.getUint16(4, true)}, this reader knows ${FILE_VERSION}`, 4);
  if (v.getUint16(6, true) !== FILTER_BITS || v.getUint8(8) !== FEATURE_VERSION) {
    throw new SearchError('GALLERY_RECORD', `gallery file: filter codes of ${v.getUint16(6, true)} bits version ${v.getUint8(8)}, this engine uses ${FILTER_BITS} bits version ${FEATURE_VERSION}`, 6);
  }
}

function frame(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_OVERHEAD + payload.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, RECORD_MAGIC, true);
  v.setUint8(4, kind);
  v.setUint32(8, payload.length, true);
  out.set(payload, 12);
  v.setUint32(12 + payload.length, crc32(out, 4, 12 + payload.length), true);
  return out;
}

export function encodeUpsert(r: EnrolmentRecord): Uint8Array {
  const id = encoder.encode(r.id);
  if (id.length === 0 || id.length > 255) throw new SearchError('IDENTITY_ID', 'identity id must be 1–255 UTF-8 bytes');
  let size = 2 + id.length;
  for (const f of r.fingers) size += 9 + FILTER_WORDS * 4 + f.minutiae.length * 4;
  const payload = new Uint8Array(size);
  const v = new DataView(payload.buffer);
  let at = 0;
  v.setUint8(at++, id.length);
  payload.set(id, at);
  at += id.length;
  v.setUint8(at++, r.fingers.length);
  for (const f of r.fingers) {
    v.setUint8(at, f.position);
    v.setUint8(at + 1, f.quality);
    v.setUint16(at + 2, f.width, true);
    v.setUint16(at + 4, f.height, true);
    v.setUint8(at + 6, f.minutiae.length);
    v.setUint16(at + 7, f.bits, true);
    at += 9;
    for (let w = 0; w < FILTER_WORDS; w++, at += 4) v.setUint32(at, f.code[w], true);
    for (let i = 0; i < f.minutiae.length; i++, at += 4) v.setUint32(at, f.minutiae[i], true);
  }
  return frame(KIND_UPSERT, payload);
}

export function encodeDelete(id: string): Uint8Array {
  const bytes = encoder.encode(id);
  if (bytes.length === 0 || bytes.length > 255) throw new SearchError('IDENTITY_ID', 'identity id must be 1–255 UTF-8 bytes');
  const payload = new Uint8Array(1 + bytes.length);
  payload[0] = bytes.length;
  payload.set(bytes, 1);
  return frame(KIND_DELETE, payload);
}

export type GalleryOp = { readonly kind: 'upsert'; readonly record: EnrolmentRecord } | { readonly kind: 'delete'; readonly id: string };

export interface DamagedRecord {
  /** Byte offset (from the start of the file) where the damage was found. */
  readonly offset: number;
  /** Bytes skipped before the next good record (or the end). */
  readonly skipped: number;
  readonly reason: string;
}

/** Fields per finger in an `upsertLayout` (after the 3 leading ones). */
export const LAYOUT_FINGER_FIELDS = 8;
/** Length of the Int32Array `upsertLayout` fills (ten fingers). */
export const LAYOUT_LENGTH = 3 + 10 * LAYOUT_FINGER_FIELDS;

/**
 * Checks an upsert payload p[at … at + len) and writes where its parts are into `out` (an
 * Int32Array of LAYOUT_LENGTH), without allocating: out[0] byte offset of the id, out[1] its
 * length, out[2] the finger count; then for finger k at 3 + 8k: position, quality, width,
 * height, minutia count, code bits, byte offset of the filter code, byte offset of the packed
 * minutiae (both little-endian u32 words). Returns why the payload is malformed, or undefined.
 * This is the one place that knows the payload layout: the object decoder below and the
 * gallery's direct loader (GalleryShard.upsertLaidOut) both read through it.
 */
export function upsertLayout(p: Uint8Array, at: number, len: number, out: Int32Array): string | undefined {
  const end = at + len;
  if (at + 1 > end) return 'payload too short for id length';
  const idLen = p[at++];
  if (idLen === 0) return 'empty id';
  if (at + idLen > end) return 'payload too short for id';
  out[0] = at;
  out[1] = idLen;
  at += idLen;
  if (at + 1 > end) return 'payload too short for finger count';
  const count = p[at++];
  if (count > 10) return `${count} fingers`;
  out[2] = count;
  let seen = 0;
  for (let k = 0; k < count; k++) {
    if (at + 9 > end) return 'payload too short for finger header';
    const position = p[at];
    const n = p[at + 6];
    if (position < 1 || position > 10) return `finger position ${position}`;
    if (seen & (1 << position)) return `finger position ${position} twice`;
    seen |= 1 << position;
    if (n > MAX_MINUTIAE_PER_FINGER) return `${n} minutiae`;
    const o = 3 + k * LAYOUT_FINGER_FIELDS;
    out[o] = position;
    out[o + 1] = p[at + 1];
    out[o + 2] = p[at + 2] | (p[at + 3] << 8);
    out[o + 3] = p[at + 4] | (p[at + 5] << 8);
    out[o + 4] = n;
    out[o + 5] = p[at + 7] | (p[at + 8] << 8);
    at += 9;
    if (at + FILTER_WORDS * 4 + n * 4 > end) return 'payload too short for finger data';
    out[o + 6] = at;
    out[o + 7] = at + FILTER_WORDS * 4;
    at += FILTER_WORDS * 4 + n * 4;
  }
  if (at !== end) return 'bytes after the fingers';
  return undefined;
}

/** The little-endian u32 at p[at]. */
export function readU32(p: Uint8Array, at: number): number {
  return (p[at] | (p[at + 1] << 8) | (p[at + 2] << 16) | (p[at + 3] << 24)) >>> 0;
}

function readWords(p: Uint8Array, at: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = readU32(p, at + 4 * i);
  return out;
}

/** A record's id (UTF-8 bytes p[at … at + len)). */
export function decodeId(p: Uint8Array, at: number, len: number): string {
  // Plain ASCII (the usual case) without a decoder call.
  let ascii = len <= 64;
  for (let i = 0; ascii && i < len; i++) ascii = p[at + i] < 0x80;
  if (ascii) {
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(p[at + i]);
    return s;
  }
  return decoder.decode(p.subarray(at, at + len));
}

const layoutScratch = new Int32Array(LAYOUT_LENGTH);

/** Decodes a record payload p[at … at + len) of `kind` into an op; throws Error when malformed. */
export function decodeOp(kind: number, p: Uint8Array, at: number, len: number): GalleryOp {
  if (kind === KIND_DELETE) {
    if (len < 1) throw new Error('payload too short for id length');
    const idLen = p[at];
    if (idLen === 0) throw new Error('empty id');
    if (1 + idLen !== len) throw new Error(1 + idLen > len ? 'payload too short for id' : 'bytes after a delete');
    return { kind: 'delete', id: decodeId(p, at + 1, idLen) };
  }
  const L = layoutScratch;
  const problem = upsertLayout(p, at, len, L);
  if (problem) throw new Error(problem);
  const fingers: EnrolmentRecord['fingers'][number][] = [];
  for (let k = 0; k < L[2]; k++) {
    const o = 3 + k * LAYOUT_FINGER_FIELDS;
    fingers.push({
      position: L[o],
      quality: L[o + 1],
      width: L[o + 2],
      height: L[o + 3],
      bits: L[o + 5],
      code: readWords(p, L[o + 6], FILTER_WORDS),
      minutiae: readWords(p, L[o + 7], L[o + 4]),
    });
  }
  return { kind: 'upsert', record: { id: decodeId(p, L[0], L[1]), fingers } };
}

export const RECORD_UPSERT = KIND_UPSERT;
export const RECORD_DELETE = KIND_DELETE;

/** CRC-32 of bytes[start … end): `crc32` here; a host may pass a native one (same results). */
export type Crc32 = (bytes: Uint8Array, start: number, end: number) => number;

/**
 * The framing layer: walks as many complete records as `bytes` holds, checks magic, kind,
 * length and checksum, and hands each good record's payload to `onRecord(kind, bytes, at,
 * len)`; when that returns a string (the payload is malformed) the record counts as damaged.
 * Damage is reported with its file offset (`base` is the offset of bytes[0]) and the walk
 * resynchronises on the next record magic. Returns the bytes consumed: the caller keeps the
 * rest and calls again with more appended (streaming); at the end of the file it passes
 * `final` so that an incomplete tail is reported as truncated instead of waited for.
 */
export function scanRecords(
  bytes: Uint8Array,
  base: number,
  final: boolean,
  onRecord: (kind: number, bytes: Uint8Array, at: number, len: number) => string | undefined,
  onDamage: (d: DamagedRecord) => void,
  crc: Crc32 = crc32,
): number {
  const n = bytes.length;
  let at = 0;
  let damagedAt = -1;
  let damageReason = '';
  const flushDamage = (to: number) => {
    if (damagedAt >= 0) {
      onDamage({ offset: base + damagedAt, skipped: to - damagedAt, reason: damageReason });
      damagedAt = -1;
    }
  };
  const damage = (reason: string) => {
    if (damagedAt < 0) {
      damagedAt = at;
      damageReason = reason;
    }
    at++;
    // Resynchronise on the next record magic.
    while (at + 4 <= n && readU32(bytes, at) !== RECORD_MAGIC) at++;
  };
  while (at < n) {
    if (at + RECORD_OVERHEAD > n) {
      if (!final) break;
      if (damagedAt < 0) {
        damagedAt = at;
        damageReason = 'truncated record';
      }
      at = n;
      break;
    }
    if (readU32(bytes, at) !== RECORD_MAGIC) {
      damage('no record magic');
      continue;
    }
    const len = readU32(bytes, at + 8);
    const kind = bytes[at + 4];
    if (len > MAX_PAYLOAD || (kind !== KIND_UPSERT && kind !== KIND_DELETE)) {
      damage(len > MAX_PAYLOAD ? `payload length ${len}` : `record kind ${kind}`);
      continue;
    }
    if (at + RECORD_OVERHEAD + len > n) {
      if (!final) break;
      // Maybe a damaged length: look for a later record before calling it a truncated tail.
      damage('truncated record');
      continue;
    }
    if (readU32(bytes, at + 12 + len) !== crc(bytes, at + 4, at + 12 + len)) {
      damage('checksum mismatch');
      continue;
    }
    const problem = onRecord(kind, bytes, at + 12, len);
    if (problem !== undefined) {
      damage(`bad payload: ${problem}`);
      continue;
    }
    flushDamage(at);
    at += RECORD_OVERHEAD + len;
  }
  flushDamage(at);
  return at;
}

/**
 * `scanRecords` with each good record decoded into a GalleryOp object (convenient; the bulk
 * loader in src/platform/search decodes straight into a shard instead).
 */
export function parseRecords(
  bytes: Uint8Array,
  base: number,
  final: boolean,
  onOp: (op: GalleryOp) => void,
  onDamage: (d: DamagedRecord) => void,
  crc: Crc32 = crc32,
): number {
  return scanRecords(
    bytes,
    base,
    final,
    (kind, b, at, len) => {
      let op: GalleryOp;
      try {
        op = decodeOp(kind, b, at, len);
      } catch (e) {
        return (e as Error).message;
      }
      onOp(op);
      return undefined;
    },
    onDamage,
    crc,
  );
}
