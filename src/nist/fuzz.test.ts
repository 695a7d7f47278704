import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NistError, buildTransaction, fingerprintBinaryRecord, parseTransaction, serializeTransaction, taggedRecord } from './index.ts';

/** Parsing must either succeed (and then re-encode byte-identically) or throw a NistError with an in-range offset. */
function checkParse(bytes: Uint8Array): void {
  let t;
  try {
    t = parseTransaction(bytes);
  } catch (e) {
    if (!(e instanceof NistError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    return;
  }
  const out = serializeTransaction(t);
  expect(out.length).toBe(bytes.length);
  expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
}

function built(): Uint8Array {
  const t2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 47: [['20240101', 'ASSAULT'], ['', 'THEFT']] });
  const t4 = fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: 4, height: 2, compression: 0, data: new Uint8Array([1, 0x1c, 0x1d, 4, 5, 6, 7, 8]) });
  const t14 = taggedRecord(14, { 2: '02', 6: '2', 7: '2', 11: 'NONE', 13: '13', 999: new Uint8Array([0x1c, 0x1d, 0x1e, 0x1f]) });
  const t8 = { kind: 'binary' as const, type: 8, header: new Uint8Array([3, 0, 0, 0, 0, 2, 0, 1]), data: new Uint8Array([255, 0]) };
  const t99 = taggedRecord(99, { 2: '04', 100: 'opaque' });
  return serializeTransaction(
    buildTransaction({ transactionType: 'CAR', date: '20240101', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' }, [t2, t4, t14, t8, t99]),
  );
}

const dataRoot = fileURLToPath(new URL('../../../shared/data/ansi-nist/', import.meta.url));
const referenceNames = ['nist-reference/type-8-sig-fax.an2', 'nbis/sign_vec.an2', 'nbis/valid1.15.an2', 'nist-reference/rec01_rec02_rec16.nst.an2', 'nist-reference/type-4-14-slaps.an2', 'nbis/valid1.9.an2'];
const references = existsSync(dataRoot) ? referenceNames.filter((n) => existsSync(dataRoot + n)).map((n) => new Uint8Array(readFileSync(dataRoot + n))) : [];
const bases = [built(), ...references];

const SPECIAL = [0x1c, 0x1d, 0x1e, 0x1f, 0x3a, 0x2e, 0x30, 0x39, 0x00, 0xff];

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'huge-length'; at: number; digits: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\x1d', '\x1c', '\x1e9\x1f01', '1.999:', '-1', '99999999999999999999', '2.001:0\x1d') }),
  fc.record({ kind: fc.constant('huge-length' as const), at: fc.nat(), digits: fc.constantFrom('0', '4294967295', '999999999999', '18446744073709551616') }),
);

/** Applies mutations; positions are taken modulo the current length. Bytes near the start are hit more often. */
function mutate(base: Uint8Array, mutations: readonly Mutation[], head: boolean): Uint8Array {
  let b = base;
  for (const m of mutations) {
    const span = head ? Math.min(b.length, 600) : b.length;
    const at = span === 0 ? 0 : m.at % span;
    switch (m.kind) {
      case 'set': {
        b = b.slice();
        if (b.length > 0) b[at] = m.value;
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'delete':
        b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + m.count)]);
        break;
      case 'insert':
      case 'huge-length': {
        const text = m.kind === 'insert' ? m.text : m.digits;
        const ins = Uint8Array.from(text, (c) => c.charCodeAt(0));
        const out = new Uint8Array(b.length + ins.length);
        out.set(b.subarray(0, at));
        out.set(ins, at);
        out.set(b.subarray(at), at + ins.length);
        b = out;
        break;
      }
    }
  }
  return b;
}

describe('parsing damaged input', () => {
  it('always yields a parse or a NistError with a byte offset, for mutated built transactions', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (ms, head) => checkParse(mutate(bases[0], ms, head))),
      { numRuns: 2500 },
    );
  });

  it.skipIf(references.length === 0)('always yields a parse or a NistError with a byte offset, for mutated reference files', () => {
    fc.assert(
      fc.property(fc.nat({ max: references.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (i, ms, head) =>
        checkParse(mutate(references[i], ms, head)),
      ),
      { numRuns: 1500 },
    );
  });

  it('survives every truncation of a built transaction', () => {
    const b = bases[0];
    for (let n = 0; n < b.length; n++) checkParse(b.subarray(0, n));
  });

  it('survives arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => checkParse(b)), { numRuns: 1000 });
  });

  it('refuses a binary record whose declared length exceeds the input without allocating it', () => {
    const b = bases[0].slice();
    const t = parseTransaction(b);
    const at = t.records[2].offset!;
    b.set([0x7f, 0xff, 0xff, 0xff], at);
    expect(() => parseTransaction(b)).toThrow(expect.objectContaining({ code: 'TRUNCATED', offset: at, recordIndex: 2 }));
  });
});
