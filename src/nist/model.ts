/** ANSI/NIST-ITL information separators. */
export const FS = 0x1c;
export const GS = 0x1d;
export const RS = 0x1e;
export const US = 0x1f;

/** Record types encoded as fixed binary headers in the traditional encoding. */
export const BINARY_RECORD_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8]);

/** One `T.FFF:value` field of a tagged (ASCII) record. The value is kept as raw bytes. */
export interface TaggedField {
  /** The tag exactly as written, e.g. "1.003" or "2.01". */
  readonly tag: string;
  readonly recordType: number;
  readonly fieldNumber: number;
  /** Raw value bytes (a view into the source for parsed transactions). */
  readonly value: Uint8Array;
  /** Byte offset of the tag in the source, when parsed. */
  readonly offset?: number;
}

export interface TaggedRecord {
  readonly kind: 'tagged';
  readonly type: number;
  readonly fields: readonly TaggedField[];
  /** Byte offset of the record in the source, when parsed. */
  readonly offset?: number;
}

/**
 * A binary record (Type-3…8): 4-byte big-endian length, then `header` (starting with the IDC byte),
 * then `data`. Header sizes: Types 3–6 = 14 bytes, Type-8 = 8 bytes, Type-7 = 1 byte (user-defined rest).
 */
export interface BinaryRecord {
  readonly kind: 'binary';
  readonly type: number;
  readonly header: Uint8Array;
  readonly data: Uint8Array;
  readonly offset?: number;
}

export type NistRecord = TaggedRecord | BinaryRecord;

/** A logical file: records[0] is the Type-1 record, the rest follow in 1.003 CNT order. */
export interface Transaction {
  readonly records: readonly NistRecord[];
}

/** Length of the fixed binary header after the 4-byte LEN, by record type. */
export function binaryHeaderLength(type: number): number {
  if (type === 8) return 8;
  if (type === 7) return 1;
  return 14;
}

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Splits a value into subfields (RS) and information items (US). */
export function splitValue(text: string): string[][] {
  return text.split('\x1e').map((s) => s.split('\x1f'));
}

/** Joins subfields and items back with RS and US. */
export function joinValue(subfields: readonly (readonly string[])[]): string {
  return subfields.map((items) => items.join('\x1f')).join('\x1e');
}

/** Parses a tag "T.FFF" (or "T.FFF" with any number of digits) into its numbers; undefined when malformed. */
export function parseTag(tag: string): { recordType: number; fieldNumber: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,9})$/.exec(tag);
  if (!m) return undefined;
  return { recordType: Number(m[1]), fieldNumber: Number(m[2]) };
}

/** Formats a tag the way ANSI/NIST-ITL 1-2011 writes it: "2.018". */
export function formatTag(recordType: number, fieldNumber: number): string {
  return `${recordType}.${String(fieldNumber).padStart(3, '0')}`;
}
