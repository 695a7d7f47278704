import { NistError } from './errors.ts';
import {
  encodeText,
  formatTag,
  joinValue,
  type BinaryRecord,
  type NistRecord,
  type TaggedField,
  type TaggedRecord,
  type Transaction,
} from './model.ts';
import { idcOf } from './access.ts';

/** A field value to build: text, subfields × items, or raw bytes (image data). */
export type FieldInput = string | readonly (readonly string[])[] | Uint8Array;

function toBytes(v: FieldInput): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return encodeText(v);
  return encodeText(joinValue(v));
}

/**
 * Builds a tagged record from typed values. Field x.001 (LEN) is added automatically (its value is
 * computed at serialization); fields are written in ascending field-number order.
 */
export function taggedRecord(type: number, fields: Readonly<Record<number, FieldInput | undefined>> | readonly [number, FieldInput][]): TaggedRecord {
  const entries: [number, FieldInput][] = Array.isArray(fields)
    ? [...(fields as readonly [number, FieldInput][])]
    : Object.entries(fields as Record<number, FieldInput | undefined>)
        .filter((e): e is [string, FieldInput] => e[1] !== undefined)
        .map(([k, v]) => [Number(k), v]);
  entries.sort((a, b) => a[0] - b[0]);
  const out: TaggedField[] = [{ tag: formatTag(type, 1), recordType: type, fieldNumber: 1, value: new Uint8Array() }];
  for (const [n, v] of entries) {
    if (n === 1) continue;
    if (!Number.isInteger(n) || n < 2 || n > 999) throw new NistError('BAD_TAG', `invalid field number ${n} for a Type-${type} record`);
    out.push({ tag: formatTag(type, n), recordType: type, fieldNumber: n, value: toBytes(v) });
  }
  return { kind: 'tagged', type, fields: out };
}

/** Typed header of a Type-3/4/5/6 fingerprint image record. */
export interface FingerprintBinaryInput {
  type?: 3 | 4 | 5 | 6;
  idc: number;
  /** Impression type (0 live-scan plain, 1 live-scan rolled, …). */
  impression: number;
  /** Up to six finger positions; unused slots are filled with 255. */
  fingerPositions: readonly number[];
  /** 0 = minimum scanning resolution, 1 = native. */
  scanResolution?: number;
  width: number;
  height: number;
  /** 0 none, 1 WSQ, … */
  compression: number;
  data: Uint8Array;
}

function byte(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new NistError('BAD_VALUE', `${what} must be 0–255, got ${v}`);
  return v;
}

/** Builds a binary Type-4 (or 3/5/6) fingerprint record. */
export function fingerprintBinaryRecord(input: FingerprintBinaryInput): BinaryRecord {
  const type = input.type ?? 4;
  if (input.fingerPositions.length < 1 || input.fingerPositions.length > 6) {
    throw new NistError('BAD_VALUE', 'a binary fingerprint record holds one to six finger positions');
  }
  for (const [v, what] of [[input.width, 'width'], [input.height, 'height']] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new NistError('BAD_VALUE', `${what} must be 0–65535, got ${v}`);
  }
  const h = new Uint8Array(14);
  h[0] = byte(input.idc, 'IDC');
  h[1] = byte(input.impression, 'impression type');
  h.fill(255, 2, 8);
  input.fingerPositions.forEach((p, i) => (h[2 + i] = byte(p, 'finger position')));
  h[8] = byte(input.scanResolution ?? 0, 'scanning resolution');
  h[9] = input.width >>> 8;
  h[10] = input.width & 0xff;
  h[11] = input.height >>> 8;
  h[12] = input.height & 0xff;
  h[13] = byte(input.compression, 'compression algorithm');
  return { kind: 'binary', type, header: h, data: input.data };
}

/** Typed Type-1 values; CNT (1.003) is computed from the records. */
export interface Type1Input {
  /** 1.002, default "0500" (ANSI/NIST-ITL 1-2011). */
  version?: string;
  /** 1.004 TOT, e.g. "CAR". */
  transactionType: string;
  /** 1.005, CCYYMMDD. */
  date: string;
  priority?: string;
  destinationAgency: string;
  originatingAgency: string;
  controlNumber: string;
  controlReference?: string;
  /** 1.011 / 1.012 in pixels per mm, e.g. "19.69"; default "00.00". */
  nativeScanningResolution?: string;
  nominalTransmittingResolution?: string;
  /** 1.013 domain name items, e.g. ["NORAM"]. */
  domain?: readonly string[];
  gmt?: string;
  /** Any other Type-1 fields by number. */
  extra?: Readonly<Record<number, FieldInput>>;
}

/** Builds a transaction: a Type-1 record (with 1.003 CNT listing the records) followed by `records`. */
export function buildTransaction(t1: Type1Input, records: readonly NistRecord[]): Transaction {
  const cnt: string[][] = [['1', String(records.length)]];
  records.forEach((r, i) => {
    if (r.type === 1) throw new NistError('BAD_VALUE', 'only the first record may be Type-1', { recordIndex: i + 1 });
    const idc = idcOf(r);
    if (idc === undefined) throw new NistError('BAD_VALUE', `record ${i + 1} has no numeric IDC`, { recordIndex: i + 1 });
    cnt.push([String(r.type), String(idc).padStart(2, '0')]);
  });
  const fields: Record<number, FieldInput | undefined> = {
    ...(t1.extra ?? {}),
    2: t1.version ?? '0500',
    3: cnt,
    4: t1.transactionType,
    5: t1.date,
    6: t1.priority,
    7: t1.destinationAgency,
    8: t1.originatingAgency,
    9: t1.controlNumber,
    10: t1.controlReference,
    11: t1.nativeScanningResolution ?? '00.00',
    12: t1.nominalTransmittingResolution ?? '00.00',
    13: t1.domain ? [[...t1.domain]] : undefined,
    14: t1.gmt,
  };
  return { records: [taggedRecord(1, fields), ...records] };
}

/** Returns a copy of a tagged record with one field set (added or replaced) or removed (value undefined). */
export function withField(record: TaggedRecord, fieldNumber: number, value: FieldInput | undefined): TaggedRecord {
  const fields = record.fields.filter((f) => f.fieldNumber !== fieldNumber);
  if (value !== undefined) {
    fields.push({ tag: formatTag(record.type, fieldNumber), recordType: record.type, fieldNumber, value: toBytes(value) });
    fields.sort((a, b) => (a.fieldNumber === 1 ? -1 : b.fieldNumber === 1 ? 1 : a.fieldNumber - b.fieldNumber));
  }
  return { kind: 'tagged', type: record.type, fields };
}
