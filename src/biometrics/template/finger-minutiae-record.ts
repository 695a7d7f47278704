/**
 * The finger minutiae record shared by ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004: both
 * start 'FMR\0',' 20\0' and have the same finger-view and minutia layouts; they differ in the
 * record header (INCITS has a CBEFF product id and a 2-or-6-byte length) and in angle units
 * (ISO 360/256°, INCITS 2°). The record types keep every field so a record can be written back
 * byte for byte; conversion to and from our FingerprintTemplate is a change of units.
 */
import { BiometricError } from '../errors.ts';
import { ByteReader, ByteWriter, checkTemplate, fromAngleUnits, invalid, toAngleUnits } from './bytes.ts';
import type { FingerprintTemplate, MinutiaType } from './template.ts';

export interface RecordMinutia {
  /** 0 other, 1 ridge ending, 2 bifurcation (3 is reserved; read as 'other'). */
  typeCode: number;
  x: number;
  y: number;
  /** The 2 reserved bits above y, kept for byte-exact rewriting. */
  yReserved: number;
  /** Angle in the format's units (ISO 0–255 × 360/256°, INCITS 0–179 × 2°), counter-clockwise. */
  angle: number;
  quality: number;
}

export interface FingerView {
  fingerPosition: number;
  viewNumber: number;
  impressionType: number;
  quality: number;
  minutiae: RecordMinutia[];
  /** The extended data blocks exactly as found (without the 2-byte total length). */
  extendedData: Uint8Array;
}

export interface FingerMinutiaeRecord {
  /** INCITS 378 only: CBEFF product identifier (owner << 16 | type). 0 for ISO. */
  productId: number;
  /** 4-bit compliance and 12-bit equipment id, as the u16 in the file. */
  captureEquipment: number;
  width: number;
  height: number;
  /** Pixels per centimetre. */
  xResolution: number;
  yResolution: number;
  reserved: number;
  views: FingerView[];
}

export interface RecordFormat {
  name: string;
  /** Angle steps per full circle. */
  angleUnits: number;
  incits: boolean;
}

const MAGIC = [0x46, 0x4d, 0x52, 0x00];
const VERSION = [0x20, 0x32, 0x30, 0x00];

export function readRecord(bytes: Uint8Array, fmt: RecordFormat): FingerMinutiaeRecord {
  if (!(bytes instanceof Uint8Array)) invalid(`${fmt.name}: expected a Uint8Array`);
  const r = new ByteReader(bytes, fmt.name);
  r.expect(MAGIC, "format identifier 'FMR\\0'");
  const versionAt = r.offset;
  r.need(4, 'version');
  for (let i = 0; i < 4; i++) {
    if (bytes[versionAt + i] !== VERSION[i]) {
      throw new BiometricError('TEMPLATE_VERSION', `${fmt.name}: version is not ' 20'`, versionAt);
    }
  }
  r.offset += 4;
  const lengthAt = r.offset;
  let length: number;
  if (fmt.incits) {
    length = r.u16('record length');
    if (length === 0) length = r.u32('record length (long form)');
  } else {
    length = r.u32('record length');
  }
  if (length > bytes.length) {
    throw new BiometricError('TEMPLATE_TRUNCATED', `${fmt.name}: record length ${length} exceeds the ${bytes.length} bytes given`, lengthAt);
  }
  const productId = fmt.incits ? r.u32('CBEFF product identifier') : 0;
  const captureEquipment = r.u16('capture equipment');
  const width = r.u16('image width');
  const height = r.u16('image height');
  const xResAt = r.offset;
  const xResolution = r.u16('x resolution');
  const yResolution = r.u16('y resolution');
  if (xResolution === 0 || yResolution === 0) r.fail('resolution is zero', xResAt);
  const viewCount = r.u8('number of finger views');
  const reserved = r.u8('reserved byte');
  const headerEnd = r.offset;
  if (length < headerEnd) r.fail(`record length ${length} is shorter than the header`, lengthAt);
  // Read only within the declared record.
  const body = new ByteReader(bytes.subarray(0, length), fmt.name);
  body.offset = headerEnd;
  const views: FingerView[] = [];
  for (let v = 0; v < viewCount; v++) {
    // 4 view header bytes + 2 extended-length bytes at least: check before allocating.
    body.need(6, `finger view ${v}`);
    const fingerPosition = body.u8('finger position');
    const vi = body.u8('view number / impression type');
    const quality = body.u8('finger quality');
    const count = body.u8('number of minutiae');
    body.need(count * 6 + 2, `${count} minutiae of view ${v}`);
    const minutiae: RecordMinutia[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const tx = body.u16('minutia type/x');
      const ry = body.u16('minutia y');
      const angleAt = body.offset;
      const angle = body.u8('minutia angle');
      if (angle >= fmt.angleUnits) body.fail(`minutia angle ${angle} out of range`, angleAt);
      const mq = body.u8('minutia quality');
      minutiae[i] = { typeCode: tx >>> 14, x: tx & 0x3fff, y: ry & 0x3fff, yReserved: ry >>> 14, angle, quality: mq };
    }
    const extAt = body.offset;
    const extLength = body.u16('extended data length');
    body.need(extLength, 'extended data');
    const extendedData = body.take(extLength, 'extended data');
    // Walk the blocks to validate them: type u16, length u16 (including these 4 bytes).
    let p = 0;
    while (p < extLength) {
      if (extLength - p < 4) body.fail('extended data block header truncated', extAt + 2 + p);
      const blockLength = (extendedData[p + 2] << 8) | extendedData[p + 3];
      if (blockLength < 4 || blockLength > extLength - p) body.fail(`extended data block length ${blockLength} invalid`, extAt + 2 + p + 2);
      p += blockLength;
    }
    views.push({ fingerPosition, viewNumber: vi >>> 4, impressionType: vi & 0x0f, quality, minutiae, extendedData });
  }
  if (body.offset !== length) body.fail(`${length - body.offset} bytes after the last finger view`, body.offset);
  return { productId, captureEquipment, width, height, xResolution, yResolution, reserved, views };
}

export function writeRecord(rec: FingerMinutiaeRecord, fmt: RecordFormat): Uint8Array {
  const u = (v: number, max: number, what: string): number => {
    if (!Number.isInteger(v) || v < 0 || v > max) invalid(`${fmt.name}: ${what} ${v} out of range 0–${max}`);
    return v;
  };
  if (rec.views.length > 255) invalid(`${fmt.name}: at most 255 finger views`);
  const w = new ByteWriter(64 + rec.views.reduce((s, v) => s + 6 + 6 * v.minutiae.length + v.extendedData.length, 0));
  for (const b of MAGIC) w.u8(b);
  for (const b of VERSION) w.u8(b);
  const lengthAt = w.length;
  if (fmt.incits) w.u16(0);
  else w.u32(0);
  if (fmt.incits) w.u32(u(rec.productId, 0xffffffff, 'product id'));
  w.u16(u(rec.captureEquipment, 0xffff, 'capture equipment'));
  w.u16(u(rec.width, 0xffff, 'width'));
  w.u16(u(rec.height, 0xffff, 'height'));
  w.u16(u(rec.xResolution, 0xffff, 'x resolution'));
  w.u16(u(rec.yResolution, 0xffff, 'y resolution'));
  w.u8(rec.views.length);
  w.u8(u(rec.reserved, 0xff, 'reserved'));
  for (const v of rec.views) {
    w.u8(u(v.fingerPosition, 0xff, 'finger position'));
    w.u8((u(v.viewNumber, 15, 'view number') << 4) | u(v.impressionType, 15, 'impression type'));
    w.u8(u(v.quality, 0xff, 'finger quality'));
    if (v.minutiae.length > 255) invalid(`${fmt.name}: at most 255 minutiae per view`);
    w.u8(v.minutiae.length);
    for (const m of v.minutiae) {
      w.u16((u(m.typeCode, 3, 'minutia type') << 14) | u(m.x, 0x3fff, 'minutia x'));
      w.u16((u(m.yReserved, 3, 'minutia reserved bits') << 14) | u(m.y, 0x3fff, 'minutia y'));
      w.u8(u(m.angle, fmt.angleUnits - 1, 'minutia angle'));
      w.u8(u(m.quality, 0xff, 'minutia quality'));
    }
    w.u16(u(v.extendedData.length, 0xffff, 'extended data length'));
    w.bytes(v.extendedData);
  }
  let out = w.result();
  if (fmt.incits) {
    if (out.length <= 0xffff) {
      out[lengthAt] = out.length >>> 8;
      out[lengthAt + 1] = out.length & 0xff;
    } else {
      // Long form: 0x0000 followed by a u32 length (4 more bytes).
      const longer = new Uint8Array(out.length + 4);
      longer.set(out.subarray(0, lengthAt + 2), 0);
      longer.set(out.subarray(lengthAt + 2), lengthAt + 6);
      const n = longer.length;
      longer[lengthAt + 2] = n >>> 24;
      longer[lengthAt + 3] = (n >>> 16) & 0xff;
      longer[lengthAt + 4] = (n >>> 8) & 0xff;
      longer[lengthAt + 5] = n & 0xff;
      out = longer;
    }
  } else {
    const n = out.length;
    out[lengthAt] = n >>> 24;
    out[lengthAt + 1] = (n >>> 16) & 0xff;
    out[lengthAt + 2] = (n >>> 8) & 0xff;
    out[lengthAt + 3] = n & 0xff;
  }
  return out;
}

const TYPE_FROM_CODE: MinutiaType[] = ['other', 'ending', 'bifurcation', 'other'];
const CODE_FROM_TYPE: Record<MinutiaType, number> = { other: 0, ending: 1, bifurcation: 2 };

/** One finger view as our template (resolution = px/cm × 2.54; y rescaled if y resolution differs). */
export function recordToTemplate(rec: FingerMinutiaeRecord, fmt: RecordFormat, viewIndex = 0): FingerprintTemplate {
  const view = rec.views[viewIndex];
  if (!view) throw new BiometricError('TEMPLATE_FORMAT', `${fmt.name}: record has no finger view ${viewIndex}`);
  const yScale = rec.xResolution / rec.yResolution;
  return {
    width: rec.width,
    height: yScale === 1 ? rec.height : Math.round(rec.height * yScale),
    resolution: rec.xResolution * 2.54,
    quality: Math.min(100, view.quality),
    minutiae: view.minutiae.map((m) => ({
      x: m.x,
      y: yScale === 1 ? m.y : m.y * yScale,
      direction: fromAngleUnits(m.angle, fmt.angleUnits),
      type: TYPE_FROM_CODE[m.typeCode],
      quality: Math.min(100, m.quality),
    })),
  };
}

export interface RecordOptions {
  productId?: number;
  captureEquipment?: number;
  fingerPosition?: number;
  viewNumber?: number;
  impressionType?: number;
}

/** Our template as a one-view record (coordinates rounded to whole pixels). */
export function templateToRecord(t: FingerprintTemplate, fmt: RecordFormat, opts: RecordOptions = {}): FingerMinutiaeRecord {
  checkTemplate(t, 0x3fff);
  if (t.minutiae.length > 255) invalid(`${fmt.name}: at most 255 minutiae`);
  const res = Math.round(t.resolution / 2.54);
  return {
    productId: opts.productId ?? 0,
    captureEquipment: opts.captureEquipment ?? 0,
    width: Math.round(t.width),
    height: Math.round(t.height),
    xResolution: res,
    yResolution: res,
    reserved: 0,
    views: [
      {
        fingerPosition: opts.fingerPosition ?? 0,
        viewNumber: opts.viewNumber ?? 0,
        impressionType: opts.impressionType ?? 0,
        quality: Math.round(t.quality),
        minutiae: t.minutiae.map((m) => ({
          typeCode: CODE_FROM_TYPE[m.type] ?? 0,
          x: Math.round(m.x),
          y: Math.round(m.y),
          yReserved: 0,
          angle: toAngleUnits(m.direction, fmt.angleUnits),
          quality: Math.round(m.quality),
        })),
        extendedData: new Uint8Array(0),
      },
    ],
  };
}
