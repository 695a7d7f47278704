import { NistError } from './errors.ts';
import { FS, GS, type BinaryRecord, type NistRecord, type TaggedField, type TaggedRecord, type Transaction } from './model.ts';

/** Where each record and field landed in a serialization. */
export interface Layout {
  /** records[i].offset = byte offset of record i; fields[j] = byte offset of its j-th field's tag. */
  readonly records: { offset: number; length: number; fields: number[] }[];
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/**
 * Computes the value of a tagged record's LEN field. When the value already written is right it is kept
 * verbatim (so zero-padded lengths survive a round trip); otherwise the shortest correct decimal is used.
 */
function lengthText(record: TaggedRecord): string {
  const [lenField, ...rest] = record.fields;
  let others = lenField.tag.length + 1 + 1; // "T.001:" + separator after it
  for (const f of rest) others += f.tag.length + 1 + f.value.length + 1;
  const existing = asciiText(lenField.value);
  if (/^\d+$/.test(existing) && Number(existing) === others + existing.length) return existing;
  for (let digits = 1; digits < 16; digits++) {
    const n = others + digits;
    if (String(n).length === digits) return String(n);
  }
  throw new NistError('TOO_LARGE', 'record too large to encode', { fieldTag: lenField.tag });
}

function checkTagged(record: TaggedRecord, recordIndex: number): void {
  const first = record.fields[0];
  if (!first || first.fieldNumber !== 1) {
    throw new NistError('BAD_TAG', `Type-${record.type} record must start with its length field ${record.type}.001`, { recordIndex });
  }
  record.fields.forEach((f: TaggedField, i) => {
    if (!/^\d{1,3}\.\d{1,9}$/.test(f.tag) || f.recordType !== record.type) {
      throw new NistError('BAD_TAG', `field tag "${f.tag}" does not belong to a Type-${record.type} record`, { recordIndex, fieldTag: f.tag });
    }
    if (f.fieldNumber !== 999 || i !== record.fields.length - 1) {
      if (f.value.includes(GS) || f.value.includes(FS)) {
        throw new NistError('BAD_VALUE', 'a text field value may not contain the GS or FS separator', { recordIndex, fieldTag: f.tag });
      }
    }
  });
}

function binaryLength(record: BinaryRecord): number {
  return 4 + record.header.length + record.data.length;
}

/** Serializes a transaction with record lengths (x.001 / binary LEN) computed; also returns where everything landed. */
export function serializeWithLayout(t: Transaction): { bytes: Uint8Array; layout: Layout } {
  const lengths: string[] = [];
  let total = 0;
  t.records.forEach((r: NistRecord, i) => {
    if (r.kind === 'tagged') {
      checkTagged(r, i);
      const len = lengthText(r);
      lengths.push(len);
      total += Number(len);
    } else {
      lengths.push('');
      const n = binaryLength(r);
      if (n > 0xffffffff) throw new NistError('TOO_LARGE', `Type-${r.type} record exceeds 4 GiB`, { recordIndex: i });
      total += n;
    }
  });
  const out = new Uint8Array(total);
  const layout: Layout = { records: [] };
  let pos = 0;
  t.records.forEach((r, i) => {
    const start = pos;
    const fieldOffsets: number[] = [];
    if (r.kind === 'tagged') {
      r.fields.forEach((f, j) => {
        fieldOffsets.push(pos);
        out.set(asciiBytes(f.tag), pos);
        pos += f.tag.length;
        out[pos++] = 0x3a;
        const value = j === 0 ? asciiBytes(lengths[i]) : f.value;
        out.set(value, pos);
        pos += value.length;
        out[pos++] = j === r.fields.length - 1 ? FS : GS;
      });
    } else {
      const n = binaryLength(r);
      out[pos] = (n >>> 24) & 0xff;
      out[pos + 1] = (n >>> 16) & 0xff;
      out[pos + 2] = (n >>> 8) & 0xff;
      out[pos + 3] = n & 0xff;
      fieldOffsets.push(pos);
      out.set(r.header, pos + 4);
      out.set(r.data, pos + 4 + r.header.length);
      pos += n;
    }
    layout.records.push({ offset: start, length: pos - start, fields: fieldOffsets });
  });
  return { bytes: out, layout };
}

/** Serializes a transaction in the traditional (character-separated) encoding. */
export function serializeTransaction(t: Transaction): Uint8Array {
  return serializeWithLayout(t).bytes;
}
