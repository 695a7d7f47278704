import { NistError, type NistWarning } from './errors.ts';
import {
  BINARY_RECORD_TYPES,
  FS,
  GS,
  RS,
  US,
  binaryHeaderLength,
  type BinaryRecord,
  type NistRecord,
  type TaggedField,
  type TaggedRecord,
  type Transaction,
} from './model.ts';

const COLON = 0x3a;
const DOT = 0x2e;
/** Longest tag accepted ("999.999999999"); longer means garbage, not a tag. */
const MAX_TAG_LENGTH = 16;
/** Longest decimal number accepted in a length or count (fits easily in a double). */
const MAX_DIGITS = 12;
/** How far (bytes) a tagged record's LEN may miss its real FS for lenient reading to accept it as LENGTH_MISMATCH. */
export const MAX_LENGTH_SLACK = 16;

/** 'lenient' reports known quirks as warnings and reads on; 'strict' throws a NistError at the first one. */
export type ReadMode = 'lenient' | 'strict';

export interface ReadOptions {
  /** Default 'lenient' for readTransaction; parseTransaction is always strict. */
  readonly mode?: ReadMode;
}

export interface ReadResult {
  readonly transaction: Transaction;
  /** The quirks met, in file order (empty for a conforming file and always empty in strict mode). */
  readonly warnings: readonly NistWarning[];
}

interface Reader {
  readonly mode: ReadMode;
  readonly warnings: NistWarning[];
}

const strictReader = (): Reader => ({ mode: 'strict', warnings: [] });

function quirk(reader: Reader, w: NistWarning): void {
  if (reader.mode === 'strict') throw NistError.fromWarning(w);
  reader.warnings.push(w);
}

/**
 * The field-level quirks of one tagged record: a tag naming another record type (FOREIGN_FIELD_TAG) and
 * a field number met a second time (REPEATED_FIELD, reported at the second occurrence). `offsets[j]` is
 * the byte offset of field j's tag. Used by the reader and by EBTS validation, so both judge alike.
 */
export function fieldQuirks(record: TaggedRecord, recordIndex: number, offsets: readonly number[]): NistWarning[] {
  const out: NistWarning[] = [];
  const seen = new Map<string, string>();
  record.fields.forEach((f, j) => {
    const offset = offsets[j] ?? f.offset ?? -1;
    if (f.recordType !== record.type) {
      out.push({
        code: 'FOREIGN_FIELD_TAG',
        message: `field tag ${f.tag} names a Type-${f.recordType} field inside a Type-${record.type} record (kept as read)`,
        offset,
        recordIndex,
        recordType: record.type,
        tag: f.tag,
      });
    }
    const key = `${f.recordType}.${f.fieldNumber}`;
    const first = seen.get(key);
    if (first !== undefined) {
      out.push({
        code: 'REPEATED_FIELD',
        message: `field ${f.tag} occurs a second time in this Type-${record.type} record${first !== f.tag ? ` (first written ${first})` : ''}; both are kept in order, readers use the first`,
        offset,
        recordIndex,
        recordType: record.type,
        tag: f.tag,
      });
    } else {
      seen.set(key, f.tag);
    }
  });
  return out;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** Reads "T.FFF:" at pos; returns the tag and the offset just after the colon. */
function readTag(
  bytes: Uint8Array,
  pos: number,
  limit: number,
  recordIndex: number,
): { tag: string; recordType: number; fieldNumber: number; next: number } {
  let i = pos;
  let dot = -1;
  while (i < limit && i - pos <= MAX_TAG_LENGTH) {
    const b = bytes[i];
    if (b === COLON) break;
    if (b === DOT) {
      if (dot >= 0) break;
      dot = i;
    } else if (!isDigit(b)) {
      break;
    }
    i++;
  }
  if (i >= limit) {
    throw new NistError('TRUNCATED', 'field tag runs past the end of the record', { offset: pos, recordIndex });
  }
  if (bytes[i] !== COLON || dot <= pos || dot >= i - 1) {
    throw new NistError('BAD_TAG', 'malformed field tag (expected digits "." digits ":")', { offset: i, recordIndex });
  }
  let tag = '';
  for (let k = pos; k < i; k++) tag += String.fromCharCode(bytes[k]);
  const recordType = Number(tag.slice(0, dot - pos));
  const fieldNumber = Number(tag.slice(dot - pos + 1));
  return { tag, recordType, fieldNumber, next: i + 1 };
}

/** Parses a run of ASCII digits as a non-negative integer. */
function digitsToNumber(bytes: Uint8Array, start: number, end: number, what: string, where: { recordIndex: number; fieldTag?: string }): number {
  if (end <= start) throw new NistError('BAD_NUMBER', `${what} is empty`, { offset: start, ...where });
  if (end - start > MAX_DIGITS) throw new NistError('TOO_LARGE', `${what} has too many digits`, { offset: start, ...where });
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (!isDigit(b)) throw new NistError('BAD_NUMBER', `${what} is not a decimal number`, { offset: i, ...where });
    n = n * 10 + (b - 0x30);
  }
  return n;
}

/**
 * Reads the fields of a tagged record whose FS is at `body` (exclusive end of the last value).
 * Field tags of another record type are kept as read (their recordType is the one written).
 */
function readFields(bytes: Uint8Array, first: { tag: string; recordType: number; next: number }, start: number, lenEnd: number, body: number, recordIndex: number): TaggedField[] {
  const fields: TaggedField[] = [
    { tag: first.tag, recordType: first.recordType, fieldNumber: 1, value: bytes.subarray(first.next, lenEnd), offset: start },
  ];
  let pos = lenEnd + 1;
  if (bytes[lenEnd] === FS) {
    if (lenEnd !== body) {
      throw new NistError('BAD_SEPARATOR', 'FS separator inside a record', { offset: lenEnd, recordIndex, fieldTag: first.tag });
    }
    return fields;
  }
  if (pos >= body) {
    throw new NistError('BAD_SEPARATOR', 'GS separator not followed by a field', { offset: lenEnd, recordIndex });
  }
  while (pos < body) {
    const t = readTag(bytes, pos, body, recordIndex);
    let valueEnd: number;
    if (t.fieldNumber === 999) {
      valueEnd = body; // binary image data: runs to the end of the record
    } else {
      let k = t.next;
      while (k < body && bytes[k] !== GS) {
        if (bytes[k] === FS) {
          throw new NistError('BAD_SEPARATOR', 'FS separator inside a field value', { offset: k, recordIndex, fieldTag: t.tag });
        }
        k++;
      }
      valueEnd = k;
    }
    fields.push({ tag: t.tag, recordType: t.recordType, fieldNumber: t.fieldNumber, value: bytes.subarray(t.next, valueEnd), offset: pos });
    if (valueEnd === body) {
      pos = body;
    } else {
      pos = valueEnd + 1;
      if (pos >= body) {
        throw new NistError('BAD_SEPARATOR', 'GS separator not followed by a field', { offset: valueEnd, recordIndex, fieldTag: t.tag });
      }
    }
  }
  return fields;
}

/**
 * Where a tagged record really ends when its LEN is wrong: just after the first FS behind the length
 * field, if that is within MAX_LENGTH_SLACK bytes of the declared end, the record holds no x.999 binary
 * field (image bytes may contain FS, so their end cannot be told from a truncation), and what follows
 * fits (`fits`). Undefined when the record cannot be recovered.
 */
function recoverEnd(
  bytes: Uint8Array,
  first: { tag: string; recordType: number; next: number },
  start: number,
  lenEnd: number,
  declared: number,
  recordIndex: number,
  fits: (end: number) => boolean,
): { end: number; fields: TaggedField[] } | undefined {
  const fs = bytes.indexOf(FS, lenEnd);
  if (fs < 0) return undefined;
  const end = fs + 1;
  if (Math.abs(end - (start + declared)) > MAX_LENGTH_SLACK || !fits(end)) return undefined;
  let fields: TaggedField[];
  try {
    fields = readFields(bytes, first, start, lenEnd, fs, recordIndex);
  } catch {
    return undefined;
  }
  if (fields.some((f) => f.fieldNumber === 999)) return undefined;
  return { end, fields };
}

/** Reads one tagged record at `start`; returns it with its real length in bytes. */
function readTaggedRecord(
  bytes: Uint8Array,
  start: number,
  recordIndex: number,
  expectedType: number | undefined,
  reader: Reader,
  fits?: (end: number) => boolean,
): { record: TaggedRecord; length: number } {
  const total = bytes.length;
  const first = readTag(bytes, start, total, recordIndex);
  if (expectedType !== undefined && first.recordType !== expectedType) {
    throw new NistError('RECORD_MISMATCH', `record is Type-${first.recordType} but 1.003 CNT announces Type-${expectedType}`, {
      offset: start,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  if (first.fieldNumber !== 1) {
    throw new NistError('BAD_TAG', `first field of a record must be the length field ${first.recordType}.001`, {
      offset: start,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  let lenEnd = first.next;
  while (lenEnd < total && lenEnd - first.next <= MAX_DIGITS && isDigit(bytes[lenEnd])) lenEnd++;
  if (lenEnd >= total) {
    throw new NistError('TRUNCATED', 'record length field runs past the end of the input', { offset: first.next, recordIndex, fieldTag: first.tag });
  }
  if (bytes[lenEnd] !== GS && bytes[lenEnd] !== FS) {
    throw new NistError('BAD_SEPARATOR', 'record length must be decimal digits followed by a separator', {
      offset: lenEnd,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  const declared = digitsToNumber(bytes, first.next, lenEnd, 'record length', { recordIndex, fieldTag: first.tag });
  const minimum = lenEnd - start + 1;
  let problem: NistError | undefined;
  if (declared < minimum) {
    problem = new NistError('BAD_LENGTH', `declared record length ${declared} is shorter than its own length field`, {
      offset: first.next,
      recordIndex,
      fieldTag: first.tag,
    });
  } else if (declared > total - start) {
    problem = new NistError('TRUNCATED', `declared record length ${declared} runs past the end of the input (${total - start} bytes left)`, {
      offset: first.next,
      recordIndex,
      fieldTag: first.tag,
    });
  } else if (bytes[start + declared - 1] !== FS) {
    problem = new NistError('BAD_SEPARATOR', 'record does not end with the FS separator at its declared length', {
      offset: start + declared - 1,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  let fields: TaggedField[] | undefined;
  if (!problem) {
    try {
      fields = readFields(bytes, first, start, lenEnd, start + declared - 1, recordIndex);
    } catch (e) {
      // A LEN that is too long can end on an FS byte inside the next record's image data.
      if (!(e instanceof NistError)) throw e;
      problem = e;
    }
  }
  if (problem || !fields) {
    const recovered = fits ? recoverEnd(bytes, first, start, lenEnd, declared, recordIndex, fits) : undefined;
    if (!recovered) throw problem ?? new NistError('BAD_LENGTH', 'record could not be read', { offset: start, recordIndex });
    const length = recovered.end - start;
    quirk(reader, {
      code: 'LENGTH_MISMATCH',
      message: `${first.tag} LEN declares ${declared} bytes but the record's FS separator ends it after ${length} (${length > declared ? '+' : ''}${length - declared}); read to the FS`,
      offset: first.next,
      recordIndex,
      recordType: first.recordType,
      tag: first.tag,
    });
    const record: TaggedRecord = { kind: 'tagged', type: first.recordType, fields: recovered.fields, offset: start };
    for (const w of fieldQuirks(record, recordIndex, [])) quirk(reader, w);
    return { record, length };
  }
  const record: TaggedRecord = { kind: 'tagged', type: first.recordType, fields, offset: start };
  for (const w of fieldQuirks(record, recordIndex, [])) quirk(reader, w);
  return { record, length: declared };
}

/** Parses one tagged record starting at `start` (strictly: any quirk throws). */
export function parseTaggedRecord(bytes: Uint8Array, start: number, recordIndex: number, expectedType?: number): TaggedRecord {
  return readTaggedRecord(bytes, start, recordIndex, expectedType, strictReader()).record;
}

/** Parses one binary record (Type-3…8) starting at `start`. */
export function parseBinaryRecord(bytes: Uint8Array, start: number, recordIndex: number, type: number): BinaryRecord {
  const headerLength = binaryHeaderLength(type);
  if (start + 4 > bytes.length) {
    throw new NistError('TRUNCATED', `Type-${type} record length runs past the end of the input`, { offset: start, recordIndex });
  }
  const declared = ((bytes[start] << 24) >>> 0) + (bytes[start + 1] << 16) + (bytes[start + 2] << 8) + bytes[start + 3];
  if (declared < 4 + headerLength) {
    throw new NistError('BAD_LENGTH', `declared Type-${type} record length ${declared} is shorter than its ${4 + headerLength}-byte header`, {
      offset: start,
      recordIndex,
    });
  }
  if (declared > bytes.length - start) {
    throw new NistError('TRUNCATED', `declared Type-${type} record length ${declared} runs past the end of the input (${bytes.length - start} bytes left)`, {
      offset: start,
      recordIndex,
    });
  }
  return {
    kind: 'binary',
    type,
    header: bytes.subarray(start + 4, start + 4 + headerLength),
    data: bytes.subarray(start + 4 + headerLength, start + declared),
    offset: start,
  };
}

/** Reads the 1.003 CNT field: [type, idc] of every record after Type-1. */
function readCnt(type1: TaggedRecord, reader: Reader): { entries: { type: number; idc: string }[]; field: TaggedField } {
  const field = type1.fields.find((f) => f.fieldNumber === 3 && f.recordType === 1);
  if (!field) throw new NistError('BAD_CNT', 'Type-1 record has no 1.003 CNT field', { offset: 0, recordIndex: 0, fieldTag: '1.003' });
  const valueOffset = (field.offset ?? 0) + field.tag.length + 1;
  const where = { offset: valueOffset, recordIndex: 0, fieldTag: field.tag };
  let text = '';
  for (let i = 0; i < field.value.length; i++) {
    const b = field.value[i];
    if (!isDigit(b) && b !== US && b !== RS) {
      throw new NistError('BAD_CNT', '1.003 CNT items must be decimal numbers separated by US and RS', { ...where, offset: valueOffset + i });
    }
    text += String.fromCharCode(b);
  }
  const subfields = text.split('\x1e').map((s) => s.split('\x1f'));
  for (const items of subfields) {
    if (items.length !== 2 || items[0] === '' || items[1] === '' || items[0].length > MAX_DIGITS || items[1].length > MAX_DIGITS) {
      throw new NistError('BAD_CNT', 'each 1.003 CNT subfield must hold two non-empty numeric items', where);
    }
  }
  const [head, ...rest] = subfields;
  if (Number(head[0]) !== 1) throw new NistError('BAD_CNT', 'first 1.003 CNT subfield must describe the Type-1 record', where);
  const entries = rest.map((items) => ({ type: Number(items[0]), idc: items[1] }));
  if (Number(head[1]) !== entries.length) {
    quirk(reader, {
      code: 'CNT_COUNT_MISMATCH',
      message: `1.003 CNT announces ${head[1]} records but lists ${entries.length}; the listed records are read`,
      offset: valueOffset,
      recordIndex: 0,
      recordType: 1,
      tag: field.tag,
    });
  }
  for (const e of entries) {
    if (e.type < 2 || e.type > 99) {
      throw new NistError('UNKNOWN_RECORD_TYPE', `1.003 CNT lists an invalid record type ${e.type}`, where);
    }
  }
  return { entries, field };
}

/** Could a record of this CNT entry start at `pos`? (Used only to confirm where a record with a wrong LEN ends.) */
function recordStartsAt(bytes: Uint8Array, pos: number, entry: { type: number; idc: string }): boolean {
  if (BINARY_RECORD_TYPES.has(entry.type)) {
    if (pos + 5 > bytes.length) return false;
    const declared = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
    return declared >= 4 + binaryHeaderLength(entry.type) && declared <= bytes.length - pos && bytes[pos + 4] === Number(entry.idc);
  }
  const prefix = `${entry.type}.`;
  for (let i = 0; i < prefix.length; i++) if (bytes[pos + i] !== prefix.charCodeAt(i)) return false;
  let k = pos + prefix.length;
  while (k < bytes.length && bytes[k] === 0x30) k++;
  return bytes[k] === 0x31 && bytes[k + 1] === COLON;
}

function read(bytes: Uint8Array, reader: Reader): Transaction {
  if (bytes.length === 0) throw new NistError('TRUNCATED', 'empty input', { offset: 0 });
  // Type-1 holds text only, so its real end is its first FS; what follows is checked once CNT is known.
  const { record: type1, length: type1Length } = readTaggedRecord(bytes, 0, 0, 1, reader, () => true);
  const { entries, field } = readCnt(type1, reader);
  if (entries.length > 0 && type1Length < bytes.length && !recordStartsAt(bytes, type1Length, entries[0]) && reader.warnings.some((w) => w.code === 'LENGTH_MISMATCH' && w.recordIndex === 0)) {
    throw new NistError('BAD_LENGTH', 'Type-1 LEN is wrong and no record announced in 1.003 CNT follows its FS', { offset: 0, recordIndex: 0, fieldTag: type1.fields[0].tag });
  }
  const records: NistRecord[] = [type1];
  let pos = type1Length;
  // Every record is at least 5 bytes (binary LEN + IDC, or "T.1:N" + FS); reject absurd counts up front.
  if (entries.length * 5 > bytes.length - pos) {
    throw new NistError('BAD_CNT', `1.003 CNT lists ${entries.length} records, more than the ${bytes.length - pos} remaining bytes can hold`, {
      offset: field.offset,
      recordIndex: 0,
      fieldTag: field.tag,
    });
  }
  entries.forEach((entry, i) => {
    const recordIndex = i + 1;
    if (pos >= bytes.length) {
      throw new NistError('TRUNCATED', `input ends before record ${recordIndex} (Type-${entry.type}) announced in 1.003 CNT`, {
        offset: pos,
        recordIndex,
      });
    }
    const next = entries[i + 1];
    const fits = (end: number): boolean => (next === undefined ? end === bytes.length : recordStartsAt(bytes, end, next));
    if (BINARY_RECORD_TYPES.has(entry.type)) {
      const record = parseBinaryRecord(bytes, pos, recordIndex, entry.type);
      records.push(record);
      pos += 4 + record.header.length + record.data.length;
    } else {
      const { record, length } = readTaggedRecord(bytes, pos, recordIndex, entry.type, reader, fits);
      records.push(record);
      pos += length;
    }
  });
  if (pos !== bytes.length) {
    throw new NistError('TRAILING_BYTES', `${bytes.length - pos} bytes follow the last record announced in 1.003 CNT`, { offset: pos });
  }
  return { records };
}

/**
 * Reads a traditional-encoding ANSI/NIST-ITL transaction. Lenient by default: the quirks listed by
 * NistWarningCode are reported as warnings (with byte offsets) and the transaction is returned as read;
 * in strict mode the first quirk throws a NistError with the quirk's code. Anything else that is wrong
 * (a truncated record, a bad separator, an unreadable CNT) throws a NistError in both modes.
 */
export function readTransaction(bytes: Uint8Array, options: ReadOptions = {}): ReadResult {
  const reader: Reader = { mode: options.mode ?? 'lenient', warnings: [] };
  const transaction = read(bytes, reader);
  const warnings = [...reader.warnings].sort((a, b) => a.offset - b.offset);
  return { transaction, warnings };
}

/**
 * Parses a traditional-encoding ANSI/NIST-ITL transaction strictly: throws NistError (with a byte offset)
 * on bad input and on every quirk lenient reading would step over. Use readTransaction for the lenient reading.
 */
export function parseTransaction(bytes: Uint8Array): Transaction {
  return read(bytes, strictReader());
}
