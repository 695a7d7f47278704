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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** n little-endian u32 words at p[at …] as a new array (a plain copy on little-endian hosts). */
function readWords(p: Uint8Array, v: DataView, at: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(p.subarray(at, at + 4 * n));
  else for (let i = 0; i < n; i++) out[i] = v.getUint32(at + 4 * i, true);
  return out;
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

function decodePayload(kind: number, p: Uint8Array): GalleryOp {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > p.length) throw new Error(`payload too short for ${what}`);
  };
  need(1, 'id length');
  const idLen = v.getUint8(at++);
  need(idLen, 'id');
  const id = decoder.decode(p.subarray(at, at + idLen));
  at += idLen;
  if (idLen === 0) throw new Error('empty id');
  if (kind === KIND_DELETE) {
    if (at !== p.length) throw new Error('bytes after a delete');
    return { kind: 'delete', id };
  }
  need(1, 'finger count');
  const count = v.getUint8(at++);
  if (count > 10) throw new Error(`${count} fingers`);
  const fingers: EnrolmentRecord['fingers'][number][] = [];
  for (let k = 0; k < count; k++) {
    need(9, 'finger header');
    const position = v.getUint8(at);
    const quality = v.getUint8(at + 1);
    const width = v.getUint16(at + 2, true);
    const height = v.getUint16(at + 4, true);
    const n = v.getUint8(at + 6);
    const bits = v.getUint16(at + 7, true);
    at += 9;
    if (position < 1 || position > 10) throw new Error(`finger position ${position}`);
    if (n > MAX_MINUTIAE_PER_FINGER) throw new Error(`${n} minutiae`);
    need(FILTER_WORDS * 4 + n * 4, 'finger data');
    const code = readWords(p, v, at, FILTER_WORDS);
    at += FILTER_WORDS * 4;
    const minutiae = readWords(p, v, at, n);
    at += n * 4;
    fingers.push({ position, quality, width, height, minutiae, code, bits });
  }
  if (at !== p.length) throw new Error('bytes after the fingers');
  return { kind: 'upsert', record: { id, fingers } };
}

/**
 * Parses as many complete records as `bytes` holds. `base` is the file offset of bytes[0] (for
 * reports). Returns the number of bytes consumed: the caller keeps the rest and calls again
 * with more appended (streaming); at the end of the file, pass `final` so that an incomplete
 * tail is reported as truncated instead of waited for.
 */
export function parseRecords(
  bytes: Uint8Array,
  base: number,
  final: boolean,
  onOp: (op: GalleryOp) => void,
  onDamage: (d: DamagedRecord) => void,
): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
    while (at + 4 <= bytes.length && v.getUint32(at, true) !== RECORD_MAGIC) at++;
  };
  while (at < bytes.length) {
    if (at + RECORD_OVERHEAD > bytes.length) {
      if (!final) break;
      if (damagedAt < 0) {
        damagedAt = at;
        damageReason = 'truncated record';
      }
      at = bytes.length;
      break;
    }
    if (v.getUint32(at, true) !== RECORD_MAGIC) {
      damage('no record magic');
      continue;
    }
    const len = v.getUint32(at + 8, true);
    const kind = v.getUint8(at + 4);
    if (len > MAX_PAYLOAD || (kind !== KIND_UPSERT && kind !== KIND_DELETE)) {
      damage(len > MAX_PAYLOAD ? `payload length ${len}` : `record kind ${kind}`);
      continue;
    }
    if (at + RECORD_OVERHEAD + len > bytes.length) {
      if (!final) break;
      // Maybe a damaged length: look for a later record before calling it a truncated tail.
      damage('truncated record');
      continue;
    }
    if (v.getUint32(at + 12 + len, true) !== crc32(bytes, at + 4, at + 12 + len)) {
      damage('checksum mismatch');
      continue;
    }
    let op: GalleryOp;
    try {
      op = decodePayload(kind, bytes.subarray(at + 12, at + 12 + len));
    } catch (e) {
      damage(`bad payload: ${(e as Error).message}`);
      continue;
    }
    flushDamage(at);
    onOp(op);
    at += RECORD_OVERHEAD + len;
  }
  flushDamage(at);
  return at;
}
