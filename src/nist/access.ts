import { decodeText, parseTag, splitValue, type NistRecord, type TaggedField, type TaggedRecord, type Transaction } from './model.ts';

/** The Type-1 record of a transaction. */
export function type1(t: Transaction): TaggedRecord {
  const r = t.records[0];
  if (!r || r.kind !== 'tagged' || r.type !== 1) throw new TypeError('transaction has no Type-1 record');
  return r;
}

/**
 * The field with this number in a tagged record, if present. A field read leniently with another
 * record type's tag (FOREIGN_FIELD_TAG) is not this record's field; of a repeated field (REPEATED_FIELD)
 * the first occurrence is returned.
 */
export function fieldOf(record: NistRecord, fieldNumber: number): TaggedField | undefined {
  if (record.kind !== 'tagged') return undefined;
  return record.fields.find((f) => f.fieldNumber === fieldNumber && f.recordType === record.type);
}

/** A field's value as text (UTF-8), if present. */
export function textOf(record: NistRecord, fieldNumber: number): string | undefined {
  const f = fieldOf(record, fieldNumber);
  return f ? decodeText(f.value) : undefined;
}

/** A field's value split into subfields and items, if present. */
export function itemsOf(record: NistRecord, fieldNumber: number): string[][] | undefined {
  const text = textOf(record, fieldNumber);
  return text === undefined ? undefined : splitValue(text);
}

/** The records of a given type, with their indices in the transaction. */
export function recordsOfType(t: Transaction, type: number): { index: number; record: NistRecord }[] {
  const out: { index: number; record: NistRecord }[] = [];
  t.records.forEach((record, index) => {
    if (record.type === type) out.push({ index, record });
  });
  return out;
}

/**
 * Text values of a tag such as "2.018" across the transaction: one entry per record of that type
 * that carries the field.
 */
export function valuesByTag(t: Transaction, tag: string): string[] {
  const p = parseTag(tag);
  if (!p) throw new TypeError(`not a field tag: ${tag}`);
  const out: string[] = [];
  for (const r of t.records) {
    if (r.type !== p.recordType) continue;
    const v = textOf(r, p.fieldNumber);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** The first text value of a tag such as "1.004" in the transaction. */
export function valueByTag(t: Transaction, tag: string): string | undefined {
  return valuesByTag(t, tag)[0];
}

/** Transaction type (1.004 TOT). */
export function transactionType(t: Transaction): string | undefined {
  return textOf(type1(t), 4);
}

/** The IDC of a record: field x.002 for tagged records, the first header byte for binary ones. */
export function idcOf(record: NistRecord): number | undefined {
  if (record.kind === 'binary') return record.header[0];
  const text = textOf(record, 2);
  return text === undefined || !/^\d+$/.test(text) ? undefined : Number(text);
}
