import { NistError } from './errors.ts';
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

/** Parses one tagged record starting at `start`. */
export function parseTaggedRecord(bytes: Uint8Array, start: number, recordIndex: number, expectedType?: number): TaggedRecord {
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
  if (declared < minimum) {
    throw new NistError('BAD_LENGTH', `declared record length ${declared} is shorter than its own length field`, {
      offset: first.next,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  if (declared > total - start) {
    throw new NistError('TRUNCATED', `declared record length ${declared} runs past the end of the input (${total - start} bytes left)`, {
      offset: first.next,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  const end = start + declared; // exclusive; bytes[end-1] must be FS
  if (bytes[end - 1] !== FS) {
    throw new NistError('BAD_SEPARATOR', 'record does not end with the FS separator at its declared length', {
      offset: end - 1,
      recordIndex,
      fieldTag: first.tag,
    });
  }
  const fields: TaggedField[] = [
    { tag: first.tag, recordType: first.recordType, fieldNumber: 1, value: bytes.subarray(first.next, lenEnd), offset: start },
  ];
  const body = end - 1;
  let pos = lenEnd + 1;
  if (bytes[lenEnd] === FS) {
    if (lenEnd !== body) {
      throw new NistError('BAD_SEPARATOR', 'FS separator inside a record', { offset: lenEnd, recordIndex, fieldTag: first.tag });
    }
    return { kind: 'tagged', type: first.recordType, fields, offset: start };
  }
  if (pos >= body) {
    throw new NistError('BAD_SEPARATOR', 'GS separator not followed by a field', { offset: lenEnd, recordIndex });
  }
  while (pos < body) {
    const t = readTag(bytes, pos, body, recordIndex);
    if (t.recordType !== first.recordType) {
      throw new NistError('BAD_TAG', `field tag ${t.tag} does not belong to a Type-${first.recordType} record`, {
        offset: pos,
        recordIndex,
        fieldTag: t.tag,
      });
    }
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
  return { kind: 'tagged', type: first.recordType, fields, offset: start };
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

function recordLength(r: NistRecord): number {
  if (r.kind === 'binary') return 4 + r.header.length + r.data.length;
  let n = 0;
  for (const b of r.fields[0].value) n = n * 10 + (b - 0x30);
  return n;
}

/** Reads the 1.003 CNT field: [type, idc] of every record after Type-1. */
function readCnt(type1: TaggedRecord): { entries: { type: number; idc: string }[]; field: TaggedField } {
  const field = type1.fields.find((f) => f.fieldNumber === 3);
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
    throw new NistError('BAD_CNT', `1.003 CNT announces ${head[1]} records but lists ${entries.length}`, where);
  }
  for (const e of entries) {
    if (e.type < 2 || e.type > 99) {
      throw new NistError('UNKNOWN_RECORD_TYPE', `1.003 CNT lists an invalid record type ${e.type}`, where);
    }
  }
  return { entries, field };
}

/** Parses a traditional-encoding ANSI/NIST-ITL transaction. Throws NistError (with a byte offset) on bad input. */
export function parseTransaction(bytes: Uint8Array): Transaction {
  if (bytes.length === 0) throw new NistError('TRUNCATED', 'empty input', { offset: 0 });
  const type1 = parseTaggedRecord(bytes, 0, 0, 1);
  const { entries, field } = readCnt(type1);
  const records: NistRecord[] = [type1];
  let pos = recordLength(type1);
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
    const record = BINARY_RECORD_TYPES.has(entry.type)
      ? parseBinaryRecord(bytes, pos, recordIndex, entry.type)
      : parseTaggedRecord(bytes, pos, recordIndex, entry.type);
    records.push(record);
    pos += recordLength(record);
  });
  if (pos !== bytes.length) {
    throw new NistError('TRAILING_BYTES', `${bytes.length - pos} bytes follow the last record announced in 1.003 CNT`, { offset: pos });
  }
  return { records };
}
