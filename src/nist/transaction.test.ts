import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  NistError,
  buildTransaction,
  fingerprintBinaryRecord,
  imagesOf,
  parseTransaction,
  serializeTransaction,
  taggedRecord,
  transactionType,
  valueByTag,
  valuesByTag,
} from './index.ts';

const dataRoot = fileURLToPath(new URL('../../../shared/data/ansi-nist/', import.meta.url));
const dirs = ['nist-reference', 'nbis'].map((d) => dataRoot + d);
const haveData = dirs.every((d) => existsSync(d));
const referenceFiles = haveData ? dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.an2')).map((f) => `${d}/${f}`)) : [];

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe.skipIf(!haveData)('reference transactions (../shared/data/ansi-nist)', () => {
  it.each(referenceFiles.map((f) => [f.slice(dataRoot.length), f]))('%s re-encodes byte-identically', (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const out = serializeTransaction(parseTransaction(bytes));
    expect(firstDifference(out, bytes)).toBe(-1);
  });

  it('the Type-4 tenprint card yields fourteen WSQ images with their finger positions', () => {
    const t = parseTransaction(new Uint8Array(readFileSync(`${dataRoot}nist-reference/type-4-tpcard.an2`)));
    const images = imagesOf(t);
    expect(images).toHaveLength(14);
    expect(images.map((i) => i.positions[0]).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(images.every((i) => i.compression === 'WSQ20' && i.ppi === 500)).toBe(true);
    expect(images[0].data[0]).toBe(0xff); // WSQ SOI marker FFA0
    expect(images[0].data[1]).toBe(0xa0);
  });
});

describe.runIf(!haveData)('reference transactions', () => {
  it('are skipped because ../shared/data/ansi-nist is absent', () => {
    console.warn(`skipping reference round trips: ${dataRoot} not found`);
  });
});

function sampleTransaction() {
  const wsqLike = new Uint8Array([0xff, 0xa0, 1, 2, 0x1d, 0x1c, 0x1e, 3, 0xff, 0xa1]);
  const type2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 22: '19800101', 47: [['20240101', 'ASSAULT'], ['', 'THEFT']] });
  const type4 = fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: 800, height: 750, compression: 1, data: wsqLike });
  const type14 = taggedRecord(14, {
    2: '02',
    3: '0',
    4: 'CA0190000',
    5: '20240102',
    6: '1600',
    7: '1000',
    8: '1',
    9: '500',
    10: '500',
    11: 'NONE',
    12: '8',
    13: '13',
    999: new Uint8Array([0x1c, 0x1d, 0, 255]),
  });
  return buildTransaction(
    { transactionType: 'CAR', date: '20240102', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000000001', nativeScanningResolution: '19.69', nominalTransmittingResolution: '19.69', domain: ['NORAM'] },
    [type2, type4, type14],
  );
}

describe('transactions built from typed values', () => {
  it('computes record lengths and the 1.003 CNT so that the bytes parse back to the same values', () => {
    const bytes = serializeTransaction(sampleTransaction());
    const t = parseTransaction(bytes);
    expect(transactionType(t)).toBe('CAR');
    expect(valueByTag(t, '1.003')).toBe('1\x1f3\x1e2\x1f00\x1e4\x1f01\x1e14\x1f02');
    expect(valuesByTag(t, '2.018')).toEqual(['DOE,JOHN']);
    expect(serializeTransaction(t)).toEqual(bytes);
    const len1 = Number(valueByTag(t, '1.001'));
    expect(bytes[len1 - 1]).toBe(0x1c);
  });

  it('carries binary image bytes containing separators through unchanged', () => {
    const t = parseTransaction(serializeTransaction(sampleTransaction()));
    const [fp, slap] = imagesOf(t);
    expect(Array.from(fp.data)).toEqual([0xff, 0xa0, 1, 2, 0x1d, 0x1c, 0x1e, 3, 0xff, 0xa1]);
    expect(fp).toMatchObject({ recordType: 4, positions: [2], width: 800, height: 750, compression: 'WSQ20', ppi: 500, impressionType: 1 });
    expect(slap).toMatchObject({ recordType: 14, positions: [13], width: 1600, height: 1000, compression: 'NONE', ppi: 500 });
    expect(Array.from(slap.data)).toEqual([0x1c, 0x1d, 0, 255]);
  });

  it('rejects a declared length past the end with a NistError carrying the byte offset', () => {
    const bytes = serializeTransaction(sampleTransaction());
    const cut = bytes.subarray(0, bytes.length - 3);
    try {
      parseTransaction(cut);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NistError);
      expect((e as NistError).code).toBe('TRUNCATED');
      expect((e as NistError).offset).toBeGreaterThan(0);
      expect((e as NistError).recordIndex).toBe(3);
    }
  });

  it('reports an unknown record type announced in CNT as a NistError', () => {
    const t = buildTransaction({ transactionType: 'AMN', date: '20240101', destinationAgency: 'X', originatingAgency: 'Y', controlNumber: 'Z' }, [
      taggedRecord(2, { 2: '00' }),
    ]);
    const text = new TextDecoder('latin1').decode(serializeTransaction(t)).replace('2\x1f00', '0\x1f00');
    expect(() => parseTransaction(Uint8Array.from(text, (c) => c.charCodeAt(0)))).toThrow(NistError);
  });
});
