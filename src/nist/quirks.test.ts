import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GS,
  MAX_LENGTH_SLACK,
  NistError,
  buildTransaction,
  encodeText,
  fingerprintBinaryRecord,
  imagesOf,
  parseTransaction,
  readTransaction,
  serializeTransaction,
  taggedRecord,
  textOf,
  withField,
  type NistRecord,
  type NistWarningCode,
  type TaggedField,
  type TaggedRecord,
  type Transaction,
} from './index.ts';

const TYPE1 = { transactionType: 'CAR', date: '20240101', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' };

function cleanTransaction(): Transaction {
  const type2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 22: '19800101', 47: [['20240101', 'ASSAULT'], ['', 'THEFT']] });
  const type4 = fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: 4, height: 2, compression: 0, data: new Uint8Array([1, 0x1c, 0x1d, 4, 5, 6, 7, 8]) });
  const type9 = taggedRecord(9, { 2: '02', 3: '0', 4: 'U', 126: [['27', '513', 'unspecified']], 137: [['001', '491', '260'], ['002', '513', '329']] });
  const type14 = taggedRecord(14, { 2: '03', 3: '0', 6: '2', 7: '2', 11: 'NONE', 13: '13', 999: new Uint8Array([0x1c, 0x1d, 0x1e, 0x1f]) });
  return buildTransaction(TYPE1, [type2, type4, type9, type14]);
}

/** Byte offset of `needle` in `haystack` (the test's own search, independent of the parser and the layout). */
function indexOf(haystack: Uint8Array, needle: string): number {
  const n = encodeText(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let k = 0; k < n.length; k++) if (haystack[i + k] !== n[k]) continue outer;
    return i;
  }
  return -1;
}

function field(tag: string, value: string): TaggedField {
  const [rt, fn] = tag.split('.').map(Number);
  return { tag, recordType: rt, fieldNumber: fn, value: encodeText(value) };
}

/** A copy of the transaction with `extra` inserted as the `at`-th field of record `index`. */
function insertField(t: Transaction, index: number, at: number, extra: TaggedField): Transaction {
  return {
    records: t.records.map((r, i) => {
      if (i !== index || r.kind !== 'tagged') return r;
      const fields = [...r.fields];
      fields.splice(at, 0, extra);
      return { ...r, fields };
    }),
  };
}

/** Rewrites the LEN digits of the tagged record at `offset` to `declared` (same number of digits). */
function setLength(bytes: Uint8Array, recordOffset: number, declared: number): Uint8Array {
  const out = bytes.slice();
  const colon = out.indexOf(0x3a, recordOffset);
  let end = colon + 1;
  while (out[end] >= 0x30 && out[end] <= 0x39) end++;
  const digits = String(declared);
  if (digits.length !== end - colon - 1) throw new Error('test bug: LEN digit count would change');
  out.set(encodeText(digits), colon + 1);
  return out;
}

function fieldsAsText(r: NistRecord): unknown {
  const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  if (r.kind === 'binary') return { type: r.type, header: b64(r.header), data: b64(r.data) };
  return r.fields.filter((f) => f.fieldNumber !== 1).map((f) => [f.tag, b64(f.value)]);
}

describe('lenient reading of a transaction with a field tag of another record type', () => {
  const clean = cleanTransaction();
  const bytes = serializeTransaction(insertField(clean, 3, 3, field('2.005', 'FOREIGN7')));
  const at = indexOf(bytes, '2.005:FOREIGN7');

  it('keeps the field, as read, in the record it sits in and warns with its byte offset', () => {
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings).toEqual([
      { code: 'FOREIGN_FIELD_TAG', message: expect.stringContaining('2.005'), offset: at, recordIndex: 3, recordType: 9, tag: '2.005' },
    ]);
    const t9 = transaction.records[3] as TaggedRecord;
    expect(t9.type).toBe(9);
    expect(t9.fields[3]).toMatchObject({ tag: '2.005', recordType: 2, fieldNumber: 5, offset: at });
    expect(new TextDecoder().decode(t9.fields[3].value)).toBe('FOREIGN7');
  });

  it('does not let the foreign field pass for the record’s own field of that number', () => {
    const { transaction } = readTransaction(bytes);
    expect(textOf(transaction.records[3], 5)).toBeUndefined();
  });

  it('re-encodes the file byte for byte, the quirk kept as read', () => {
    expect(Buffer.from(serializeTransaction(readTransaction(bytes).transaction)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is refused by strict reading with the same code and offset', () => {
    expect(() => parseTransaction(bytes)).toThrow(expect.objectContaining({ name: 'NistError', code: 'FOREIGN_FIELD_TAG', offset: at, recordIndex: 3 }));
    expect(() => readTransaction(bytes, { mode: 'strict' })).toThrow(expect.objectContaining({ code: 'FOREIGN_FIELD_TAG', offset: at }));
  });
});

describe('lenient reading of a record with a repeated field', () => {
  const clean = cleanTransaction();
  const bytes = serializeTransaction(insertField(clean, 1, 3, field('2.018', 'ROE,RICHARD')));
  const first = indexOf(bytes, '2.018:DOE,JOHN');
  const second = indexOf(bytes, '2.018:ROE,RICHARD');

  it('keeps both occurrences in order and warns at the second', () => {
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings).toEqual([{ code: 'REPEATED_FIELD', message: expect.stringContaining('2.018'), offset: second, recordIndex: 1, recordType: 2, tag: '2.018' }]);
    const t2 = transaction.records[1] as TaggedRecord;
    expect(t2.fields.filter((f) => f.fieldNumber === 18).map((f) => f.offset)).toEqual([first, second]);
  });

  it('gives readers the first occurrence', () => {
    expect(textOf(readTransaction(bytes).transaction.records[1], 18)).toBe('DOE,JOHN');
  });

  it('is refused by strict reading', () => {
    expect(() => parseTransaction(bytes)).toThrow(expect.objectContaining({ code: 'REPEATED_FIELD', offset: second, recordIndex: 1 }));
  });
});

describe('lenient reading of a record whose LEN is off by a few bytes', () => {
  const clean = cleanTransaction();
  const good = serializeTransaction(clean);
  const parsed = parseTransaction(good);
  const type9At = parsed.records[3].offset!;
  const type9Len = Number(textOf(parsed.records[3], 1));

  it.each([-MAX_LENGTH_SLACK, -3, -1, 1, 2, 5])('reads to the record’s FS when LEN is off by %i and warns at the LEN value', (delta) => {
    const bytes = setLength(good, type9At, type9Len + delta);
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings).toEqual([
      { code: 'LENGTH_MISMATCH', message: expect.stringContaining(`declares ${type9Len + delta}`), offset: type9At + '9.001:'.length, recordIndex: 3, recordType: 9, tag: '9.001' },
    ]);
    expect(transaction.records.map(fieldsAsText)).toEqual(parsed.records.map(fieldsAsText));
    expect(() => parseTransaction(bytes)).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH', offset: type9At + 6 }));
  });

  it('writes the LEN back corrected, so the round trip is not byte-identical', () => {
    const bytes = setLength(good, type9At, type9Len + 2);
    const out = serializeTransaction(readTransaction(bytes).transaction);
    expect(Buffer.from(out).equals(Buffer.from(good))).toBe(true);
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(false);
  });

  it('still refuses a LEN more than MAX_LENGTH_SLACK bytes off', () => {
    const bytes = setLength(good, type9At, type9Len - MAX_LENGTH_SLACK - 1);
    expect(() => readTransaction(bytes)).toThrow(NistError);
  });

  it('still refuses a wrong LEN on a record holding image data (x.999), which cannot be told from a truncation', () => {
    const type14At = parsed.records[4].offset!;
    const len = Number(textOf(parsed.records[4], 1));
    expect(() => readTransaction(setLength(good, type14At, len - 1))).toThrow(NistError);
  });
});

describe('lenient reading of a CNT whose record count disagrees with its list', () => {
  const clean = cleanTransaction();
  const t1 = clean.records[0] as TaggedRecord;
  const cnt = new TextDecoder().decode(t1.fields.find((f) => f.fieldNumber === 3)!.value);
  if (!cnt.startsWith('1\x1f4\x1e')) throw new Error('test bug: unexpected CNT');
  const wrong = `1\x1f5${cnt.slice(3)}`;
  const bytes = serializeTransaction({ records: [withField(t1, 3, wrong), ...clean.records.slice(1)] });

  it('reads the records listed and warns at the CNT value', () => {
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings).toEqual([
      { code: 'CNT_COUNT_MISMATCH', message: expect.stringContaining('announces 5 records but lists 4'), offset: indexOf(bytes, '1.003:') + 6, recordIndex: 0, recordType: 1, tag: '1.003' },
    ]);
    expect(transaction.records.slice(1).map(fieldsAsText)).toEqual(clean.records.slice(1).map(fieldsAsText));
    expect(Buffer.from(serializeTransaction(transaction)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is refused by strict reading', () => {
    expect(() => parseTransaction(bytes)).toThrow(expect.objectContaining({ code: 'CNT_COUNT_MISMATCH' }));
  });
});

describe('lenient reading still refuses real damage', () => {
  const good = serializeTransaction(cleanTransaction());
  const parsed = parseTransaction(good);

  it('throws for a truncated binary record', () => {
    const type4At = parsed.records[2].offset!;
    expect(() => readTransaction(good.subarray(0, type4At + 10))).toThrow(expect.objectContaining({ code: 'TRUNCATED', recordIndex: 2 }));
  });

  it('throws for a truncated image record', () => {
    expect(() => readTransaction(good.subarray(0, good.length - 2))).toThrow(expect.objectContaining({ code: 'TRUNCATED', recordIndex: 4 }));
  });

  it('throws for a malformed tag', () => {
    const b = good.slice();
    b[indexOf(b, '2.018:')] = 0x41;
    expect(() => readTransaction(b)).toThrow(expect.objectContaining({ code: 'BAD_TAG' }));
  });

  it('reads a conforming transaction with no warnings at all', () => {
    expect(readTransaction(good).warnings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: one quirk injected into a random valid transaction yields exactly that warning and leaves
// every other record as it was.

const text = fc.stringMatching(/^[A-Z0-9 ,.-]{1,12}$/);
const type2Arb = fc
  .uniqueArray(fc.integer({ min: 3, max: 400 }), { minLength: 1, maxLength: 6 })
  .chain((numbers) => fc.tuple(fc.constant(numbers), fc.array(text, { minLength: numbers.length, maxLength: numbers.length })))
  .map(([numbers, values]) => taggedRecord(2, [[2, '00'], ...numbers.map((n, i): [number, string] => [n, values[i]])]));
const type9Arb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 })), { minLength: 1, maxLength: 5 })
  .map((minutiae) => taggedRecord(9, { 2: '01', 3: '0', 4: 'U', 137: minutiae.map(([x, y], i) => [String(i + 1).padStart(3, '0'), String(x), String(y)]) }));
const type4Arb = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((data) => fingerprintBinaryRecord({ idc: 2, impression: 1, fingerPositions: [1], width: 1, height: 1, compression: 1, data }));
const type14Arb = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((data) => taggedRecord(14, { 2: '03', 3: '0', 6: '1', 7: '1', 11: 'WSQ20', 13: '1', 999: data }));

const transactionArb = fc
  .tuple(type2Arb, fc.array(type9Arb, { minLength: 1, maxLength: 2 }), fc.option(type4Arb), fc.option(type14Arb))
  .map(([t2, t9s, t4, t14]) => buildTransaction(TYPE1, [t2, ...(t4 ? [t4] : []), ...t9s, ...(t14 ? [t14] : [])]));

type Injection =
  | { kind: 'FOREIGN_FIELD_TAG'; pick: number; at: number; foreignType: number; fieldNumber: number }
  | { kind: 'REPEATED_FIELD'; pick: number; at: number }
  | { kind: 'LENGTH_MISMATCH'; pick: number; delta: number }
  | { kind: 'CNT_COUNT_MISMATCH'; delta: number };

const injectionArb: fc.Arbitrary<Injection> = fc.oneof(
  fc.record({ kind: fc.constant('FOREIGN_FIELD_TAG' as const), pick: fc.nat(), at: fc.nat(), foreignType: fc.constantFrom(1, 2, 10, 13, 14, 99), fieldNumber: fc.integer({ min: 3, max: 998 }) }),
  fc.record({ kind: fc.constant('REPEATED_FIELD' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('LENGTH_MISMATCH' as const), pick: fc.nat(), delta: fc.integer({ min: -MAX_LENGTH_SLACK, max: MAX_LENGTH_SLACK }).filter((d) => d !== 0) }),
  fc.record({ kind: fc.constant('CNT_COUNT_MISMATCH' as const), delta: fc.integer({ min: 1, max: 5 }) }),
);

/** Applies the injection; returns the bytes, the record index it touched, and the expected offset. */
function inject(t: Transaction, q: Injection): { bytes: Uint8Array; index: number; offset: number; code: NistWarningCode } | undefined {
  const textRecords = t.records.map((r, i) => ({ r, i })).filter((x): x is { r: TaggedRecord; i: number } => x.r.kind === 'tagged');
  if (q.kind === 'FOREIGN_FIELD_TAG' || q.kind === 'REPEATED_FIELD') {
    const { r, i } = textRecords[q.pick % textRecords.length];
    const lastText = r.fields[r.fields.length - 1].fieldNumber === 999 ? r.fields.length - 1 : r.fields.length;
    let extra: TaggedField;
    let at: number;
    if (q.kind === 'FOREIGN_FIELD_TAG') {
      const type = q.foreignType === r.type ? 98 : q.foreignType;
      extra = field(`${type}.${String(q.fieldNumber).padStart(3, '0')}`, 'QUIRKVALUE');
      at = 2 + (q.at % (lastText - 1)); // after x.001 and x.002, before any x.999
    } else {
      const own = r.fields.map((f, k) => ({ f, k })).filter(({ f }) => f.fieldNumber !== 1 && f.fieldNumber !== 999);
      const { f: copy, k } = own[q.at % own.length];
      extra = { ...copy, value: encodeText('QUIRKVALUE') };
      at = k + 1 + (q.at % (lastText - k)); // after the original, before any x.999
    }
    const bytes = serializeTransaction(insertField(t, i, at, extra));
    return { bytes, index: i, offset: indexOf(bytes, `\x1d${extra.tag}:QUIRKVALUE`) + 1, code: q.kind };
  }
  const good = serializeTransaction(t);
  if (q.kind === 'LENGTH_MISMATCH') {
    const candidates = textRecords.filter((x) => !x.r.fields.some((f) => f.fieldNumber === 999));
    const { i } = candidates[q.pick % candidates.length];
    const p = parseTransaction(good);
    const len = Number(textOf(p.records[i], 1));
    const declared = len + q.delta;
    if (String(declared).length !== String(len).length) return undefined;
    const offset = p.records[i].offset!;
    return { bytes: setLength(good, offset, declared), index: i, offset: indexOf(good.subarray(offset), ':') + offset + 1, code: 'LENGTH_MISMATCH' };
  }
  const t1 = t.records[0] as TaggedRecord;
  const cnt = new TextDecoder().decode(t1.fields.find((f) => f.fieldNumber === 3)!.value);
  const [head, ...rest] = cnt.split('\x1e');
  const wrong = [`1\x1f${Number(head.split('\x1f')[1]) + q.delta}`, ...rest].join('\x1e');
  const bytes = serializeTransaction({ records: [withField(t1, 3, wrong), ...t.records.slice(1)] });
  return { bytes, index: 0, offset: indexOf(bytes, '1.003:') + 6, code: 'CNT_COUNT_MISMATCH' };
}

describe('a quirk injected into a random valid transaction', () => {
  it('yields exactly that warning, at its byte offset, and leaves the other records identical', () => {
    fc.assert(
      fc.property(transactionArb, injectionArb, (t, q) => {
        const injected = inject(t, q);
        fc.pre(injected !== undefined);
        const { bytes, index, offset, code } = injected!;
        const clean = parseTransaction(serializeTransaction(t));
        const { transaction, warnings } = readTransaction(bytes);
        expect(warnings.map((w) => ({ code: w.code, offset: w.offset, recordIndex: w.recordIndex }))).toEqual([{ code, offset, recordIndex: index }]);
        expect(warnings[0].recordType).toBe(transaction.records[index].type);
        expect(transaction.records.length).toBe(clean.records.length);
        transaction.records.forEach((r, i) => {
          if (i !== index) expect(fieldsAsText(r)).toEqual(fieldsAsText(clean.records[i]));
        });
        if (code === 'LENGTH_MISMATCH') expect(fieldsAsText(transaction.records[index])).toEqual(fieldsAsText(clean.records[index]));
        expect(() => parseTransaction(bytes)).toThrow(expect.objectContaining({ code, offset }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('lenient reading of damaged input', () => {
  const base = serializeTransaction(cleanTransaction());
  const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'insert', 'delete'), value: fc.constantFrom(0x1c, 0x1d, 0x1e, 0x1f, 0x3a, 0x2e, 0x30, 0x35, 0x39, 0x41) });

  it('either throws a NistError with an in-range offset, or returns a transaction that re-encodes as read unless a LEN was corrected', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let b = base.slice();
        for (const e of edits) {
          const at = e.at % b.length;
          if (e.kind === 'set') b[at] = e.value;
          else if (e.kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), e.value, ...b.subarray(at)]);
          else b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
        }
        let result;
        try {
          result = readTransaction(b);
        } catch (e) {
          expect(e).toBeInstanceOf(NistError);
          expect((e as NistError).offset).toBeGreaterThanOrEqual(0);
          expect((e as NistError).offset).toBeLessThanOrEqual(b.length);
          return;
        }
        for (const w of result.warnings) expect(w.offset).toBeGreaterThanOrEqual(0);
        const out = serializeTransaction(result.transaction);
        if (!result.warnings.some((w) => w.code === 'LENGTH_MISMATCH')) expect(Buffer.from(out).equals(Buffer.from(b))).toBe(true);
        else {
          // The corrected LENs lose nothing: read again, the same records come back, without LENGTH_MISMATCH.
          const again = readTransaction(out);
          expect(again.warnings.filter((w) => w.code === 'LENGTH_MISMATCH')).toEqual([]);
          expect(again.transaction.records.map(fieldsAsText)).toEqual(result.transaction.records.map(fieldsAsText));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// The real reference transactions: none needs lenience (out-of-order Type-9 fields and two-digit field
// numbers, which they do carry, are allowed by ANSI/NIST-ITL), and quirks injected into them are read.

const dataRoot = fileURLToPath(new URL('../../../shared/data/ansi-nist/', import.meta.url));
const dirs = ['nist-reference', 'nbis'].map((d) => dataRoot + d);
const haveData = dirs.every((d) => existsSync(d));

describe.skipIf(!haveData)('real transactions (../shared/data/ansi-nist)', () => {
  const files = haveData
    ? dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.an2')).map((f) => `${d}/${f}`))
    : [];

  it.each(files.map((f) => [f.slice(dataRoot.length), f]))('%s reads leniently with no warnings, exactly as strictly', (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const { transaction, warnings } = readTransaction(bytes);
    expect(warnings).toEqual([]);
    expect(transaction.records.map(fieldsAsText)).toEqual(parseTransaction(bytes).records.map(fieldsAsText));
  });

  it('a Type-2 field tag inserted into the Type-9 of type-9-13-m1.an2 is kept, warned at its offset, and round-trips', () => {
    const file = `${dataRoot}nist-reference/type-9-13-m1.an2`;
    const bytes = new Uint8Array(readFileSync(file));
    const t = parseTransaction(bytes);
    const nine = t.records.findIndex((r) => r.type === 9);
    const quirky = serializeTransaction(insertField(t, nine, 4, field('2.005', 'FOREIGN7')));
    const at = indexOf(quirky, '2.005:FOREIGN7');
    const { transaction, warnings } = readTransaction(quirky);
    expect(warnings).toEqual([expect.objectContaining({ code: 'FOREIGN_FIELD_TAG', offset: at, recordIndex: nine, recordType: 9, tag: '2.005' })]);
    expect(Buffer.from(serializeTransaction(transaction)).equals(Buffer.from(quirky))).toBe(true);
    expect(imagesOf(transaction).length).toBe(imagesOf(t).length);
  });

  it('a repeated Type-2 field in rec01_rec02_rec16.nst.an2 is kept and warned at its offset', () => {
    const bytes = new Uint8Array(readFileSync(`${dataRoot}nist-reference/rec01_rec02_rec16.nst.an2`));
    const t = parseTransaction(bytes);
    const two = t.records.findIndex((r) => r.type === 2);
    const own = (t.records[two] as TaggedRecord).fields[1];
    const quirky = serializeTransaction(insertField(t, two, 2, { ...own, value: encodeText('99') }));
    const at = indexOf(quirky, `\x1d${own.tag}:99`) + 1;
    const { warnings } = readTransaction(quirky);
    expect(warnings).toEqual([expect.objectContaining({ code: 'REPEATED_FIELD', offset: at, recordIndex: two, recordType: 2 })]);
    expect(quirky[at - 1]).toBe(GS);
  });
});

describe.runIf(!haveData)('real transactions', () => {
  it('are skipped because ../shared/data/ansi-nist is absent', () => {
    console.warn(`skipping real-transaction lenient reading: ${dataRoot} not found`);
  });
});
