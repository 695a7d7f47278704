import { fieldOf, textOf, type1 } from './access.ts';
import type { NistRecord, Transaction } from './model.ts';

/** Image data of one record, as a view into the transaction bytes, with its record metadata. */
export interface NistImage {
  readonly recordIndex: number;
  readonly recordType: number;
  readonly idc: number | undefined;
  /** Finger positions (Types 3–6, 9, 13, 14), palm position (Type-15), empty when not applicable. */
  readonly positions: readonly number[];
  readonly impressionType: number | undefined;
  /** Normalised compression: "NONE", "WSQ20", "JPEGB", "JPEGL", "JP2", "JP2L", "PNG", or the raw code. */
  readonly compression: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Horizontal pixels per inch, when the record says (rounded). */
  readonly ppi: number | undefined;
  readonly bitsPerPixel: number | undefined;
  /** For Type-10: 10.003 image type (FACE, SMT…). */
  readonly imageType?: string;
  readonly data: Uint8Array;
}

/** Tagged image record types whose image data sits in field x.999. */
const TAGGED_IMAGE_TYPES = new Set([10, 13, 14, 15, 16, 17, 20, 21]);

function num(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

/** Type-4 GCA code → normalised name (0 none, 1 WSQ; others by the ANSI/NIST table). */
export function binaryCompressionName(code: number): string {
  switch (code) {
    case 0:
      return 'NONE';
    case 1:
      return 'WSQ20';
    case 2:
      return 'JPEGB';
    case 3:
      return 'JPEGL';
    case 4:
      return 'JP2';
    case 5:
      return 'JP2L';
    case 6:
      return 'PNG';
    default:
      return `GCA:${code}`;
  }
}

/** Tagged CGA text → normalised name (ANSI/NIST-ITL 2011 uses codes "0"…"6" or names). */
export function taggedCompressionName(text: string | undefined): string {
  if (text === undefined) return 'NONE';
  const t = text.trim().toUpperCase();
  if (/^\d+$/.test(t)) return binaryCompressionName(Number(t));
  if (t === 'WSQ' || t === 'WSQ20') return 'WSQ20';
  return t;
}

function scanPpi(t: Transaction): number | undefined {
  const ntr = textOf(type1(t), 12);
  if (ntr === undefined) return undefined;
  const ppmm = Number(ntr);
  return Number.isFinite(ppmm) && ppmm > 0 ? Math.round(ppmm * 25.4) : undefined;
}

function taggedPpi(record: NistRecord): number | undefined {
  const slc = num(textOf(record, 8));
  const hps = num(textOf(record, 9));
  if (hps === undefined) return undefined;
  if (slc === 1) return hps;
  if (slc === 2) return Math.round(hps * 2.54);
  return undefined;
}

function positionsOf(record: NistRecord): number[] {
  if (record.type === 15) {
    const p = num(textOf(record, 13));
    return p === undefined ? [] : [p];
  }
  if (record.type === 13 || record.type === 14) {
    const text = textOf(record, 13);
    if (text === undefined) return [];
    return text
      .split('\x1e')
      .map((s) => num(s.split('\x1f')[0]))
      .filter((n): n is number => n !== undefined);
  }
  return [];
}

/** Image of one record, or undefined when the record carries no image. */
export function imageOf(t: Transaction, recordIndex: number): NistImage | undefined {
  const record = t.records[recordIndex];
  if (!record) return undefined;
  if (record.kind === 'binary') {
    const h = record.header;
    if (record.type >= 3 && record.type <= 6) {
      return {
        recordIndex,
        recordType: record.type,
        idc: h[0],
        positions: Array.from(h.subarray(2, 8)).filter((p) => p !== 255),
        impressionType: h[1],
        compression: binaryCompressionName(h[13]),
        width: (h[9] << 8) | h[10],
        height: (h[11] << 8) | h[12],
        ppi: scanPpi(t),
        bitsPerPixel: record.type === 5 || record.type === 6 ? 1 : 8,
        data: record.data,
      };
    }
    if (record.type === 8 && h.length >= 8) {
      return {
        recordIndex,
        recordType: 8,
        idc: h[0],
        positions: [],
        impressionType: undefined,
        compression: h[2] === 2 ? 'VECTOR' : h[2] === 1 ? 'G4' : 'NONE',
        width: (h[4] << 8) | h[5],
        height: (h[6] << 8) | h[7],
        ppi: scanPpi(t),
        bitsPerPixel: 1,
        data: record.data,
      };
    }
    return {
      recordIndex,
      recordType: record.type,
      idc: h[0],
      positions: [],
      impressionType: undefined,
      compression: 'UNKNOWN',
      width: undefined,
      height: undefined,
      ppi: undefined,
      bitsPerPixel: undefined,
      data: record.data,
    };
  }
  if (!TAGGED_IMAGE_TYPES.has(record.type)) return undefined;
  const data = fieldOf(record, 999);
  if (!data) return undefined;
  const isFace = record.type === 10;
  return {
    recordIndex,
    recordType: record.type,
    idc: num(textOf(record, 2)),
    positions: positionsOf(record),
    impressionType: isFace ? undefined : num(textOf(record, 3)),
    compression: taggedCompressionName(textOf(record, 11)),
    width: num(textOf(record, 6)),
    height: num(textOf(record, 7)),
    ppi: taggedPpi(record),
    bitsPerPixel: num(textOf(record, 12)),
    ...(isFace ? { imageType: textOf(record, 3) } : {}),
    data: data.value,
  };
}

/** Every image in the transaction, in record order. */
export function imagesOf(t: Transaction): NistImage[] {
  const out: NistImage[] = [];
  for (let i = 1; i < t.records.length; i++) {
    const img = imageOf(t, i);
    if (img) out.push(img);
  }
  return out;
}
