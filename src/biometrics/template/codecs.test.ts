import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BiometricError } from '../errors.ts';
import type { FingerprintTemplate, MinutiaType } from './template.ts';
import { decodeNativeTemplate, encodeNativeTemplate, isNativeTemplate } from './native.ts';
import { decodeIso19794_2_2005, encodeIso19794_2_2005, readIso19794_2_2005, writeIso19794_2_2005 } from './iso19794-2-2005.ts';
import { decodeIncits378_2004, encodeIncits378_2004, readIncits378_2004, writeIncits378_2004 } from './incits378-2004.ts';

const TYPES: MinutiaType[] = ['ending', 'bifurcation', 'other'];

const templateArb = (angleUnits: number): fc.Arbitrary<FingerprintTemplate> =>
  fc.record({
    width: fc.integer({ min: 1, max: 2000 }),
    height: fc.integer({ min: 1, max: 2000 }),
    // Records store px/cm, so use resolutions that are whole px/cm × 2.54.
    resolution: fc.constantFrom(2.54 * 197, 2.54 * 394, 2.54 * 224),
    quality: fc.integer({ min: 0, max: 100 }),
    minutiae: fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 1999 }),
        y: fc.integer({ min: 0, max: 1999 }),
        direction: fc.integer({ min: 0, max: angleUnits - 1 }).map((a) => (a / angleUnits) * 2 * Math.PI),
        type: fc.constantFrom(...TYPES),
        quality: fc.integer({ min: 0, max: 100 }),
      }),
      { maxLength: 120 },
    ),
  });

function closeTemplates(a: FingerprintTemplate, b: FingerprintTemplate): void {
  expect(b.width).toBe(a.width);
  expect(b.height).toBe(a.height);
  expect(b.resolution).toBeCloseTo(a.resolution, 6);
  expect(b.quality).toBe(a.quality);
  expect(b.minutiae.length).toBe(a.minutiae.length);
  a.minutiae.forEach((m, i) => {
    const n = b.minutiae[i];
    expect(n.x).toBe(m.x);
    expect(n.y).toBe(m.y);
    expect(n.type).toBe(m.type);
    expect(n.quality).toBe(m.quality);
    expect(n.direction).toBeCloseTo(m.direction, 9);
  });
}

/** Decoding arbitrary bytes gives a template or a BiometricError with a code, never anything else. */
function decodesOrRefuses(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(BiometricError);
    const err = e as BiometricError;
    expect(err.code).toMatch(/^TEMPLATE_/);
    if (bytes.length > 0) expect(err.offset).toBeTypeOf('number');
  }
}

function mutations(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    valid.chain((b) => fc.integer({ min: 0, max: b.length }).map((n) => b.slice(0, n))),
    valid.chain((b) =>
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
        const c = b.slice();
        for (const [at, v] of edits) c[at % c.length] = v;
        return c;
      }),
    ),
  );
}

const FVC = '/work/shared/data/fvc2002';
const haveData = existsSync(FVC);
const isoFiles = haveData
  ? ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'].flatMap((db) =>
      readdirSync(join(FVC, db))
        .filter((f) => f.endsWith('.iso'))
        .map((f) => join(FVC, db, f)),
    )
  : [];

describe('native template format', () => {
  it('round-trips templates with whole-pixel positions and 1/1024-turn directions', () => {
    fc.assert(
      fc.property(templateArb(1024), (t) => {
        const bytes = encodeNativeTemplate(t);
        expect(bytes.length).toBe(17 + 6 * t.minutiae.length);
        expect(isNativeTemplate(bytes)).toBe(true);
        closeTemplates(t, decodeNativeTemplate(bytes));
      }),
    );
  });

  it('refuses another version with TEMPLATE_VERSION at byte 4', () => {
    const bytes = encodeNativeTemplate({ width: 10, height: 10, resolution: 500, quality: 50, minutiae: [] });
    bytes[4] = 2;
    expect(() => decodeNativeTemplate(bytes)).toThrow(expect.objectContaining({ code: 'TEMPLATE_VERSION', offset: 4 }));
  });

  it('refuses a minutiae count larger than the bytes present without allocating it', () => {
    const bytes = encodeNativeTemplate({ width: 10, height: 10, resolution: 500, quality: 50, minutiae: [] });
    bytes[15] = 0xff;
    bytes[16] = 0xff;
    expect(() => decodeNativeTemplate(bytes)).toThrow(expect.objectContaining({ code: 'TEMPLATE_TRUNCATED', offset: 17 }));
  });

  it('turns random, truncated and mutated bytes into a template or a BiometricError', () => {
    fc.assert(fc.property(mutations(templateArb(1024).map(encodeNativeTemplate)), (b) => decodesOrRefuses(decodeNativeTemplate, b)), { numRuns: 500 });
  });

  it('refuses templates it cannot encode with INVALID_ARGUMENT', () => {
    expect(() => encodeNativeTemplate({ width: 10, height: 10, resolution: 500, quality: 50, minutiae: [{ x: -1, y: 0, direction: 0, type: 'ending', quality: 0 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('ISO/IEC 19794-2:2005 records', () => {
  it('round-trips templates whose angles are multiples of 360/256 degrees', () => {
    fc.assert(
      fc.property(templateArb(256), (t) => {
        const bytes = encodeIso19794_2_2005(t);
        expect(bytes.length).toBe(24 + 4 + 6 * t.minutiae.length + 2);
        closeTemplates(t, decodeIso19794_2_2005(bytes));
      }),
    );
  });

  it('writes a record back byte for byte, extended data included', () => {
    const t: FingerprintTemplate = { width: 300, height: 400, resolution: 500, quality: 60, minutiae: [{ x: 10, y: 20, direction: Math.PI / 2, type: 'bifurcation', quality: 40 }] };
    const rec = readIso19794_2_2005(encodeIso19794_2_2005(t));
    rec.views[0].extendedData = new Uint8Array([0x00, 0x01, 0x00, 0x06, 0xab, 0xcd]);
    const bytes = writeIso19794_2_2005(rec);
    expect(writeIso19794_2_2005(readIso19794_2_2005(bytes))).toEqual(bytes);
  });

  it('reads the angle counter-clockwise in 360/256 degree units and the type from the top bits', () => {
    // One minutia: type 01 (ending), x 100, y 50, angle 64 (= 90°), quality 80.
    const bytes = new Uint8Array([
      0x46, 0x4d, 0x52, 0x00, 0x20, 0x32, 0x30, 0x00, 0, 0, 0, 36, 0, 0, 1, 44, 1, 144, 0, 197, 0, 197, 1, 0,
      0, 0, 70, 1, 0x40 | 0, 100, 0, 50, 64, 80, 0, 0,
    ]);
    const t = decodeIso19794_2_2005(bytes);
    expect(t).toMatchObject({ width: 300, height: 400, quality: 70 });
    expect(t.resolution).toBeCloseTo(500.38, 2);
    expect(t.minutiae[0]).toMatchObject({ x: 100, y: 50, type: 'ending', quality: 80 });
    expect(t.minutiae[0].direction).toBeCloseTo(Math.PI / 2, 12);
  });

  it('refuses a wrong version with TEMPLATE_VERSION and a wrong magic with TEMPLATE_FORMAT', () => {
    const bytes = encodeIso19794_2_2005({ width: 10, height: 10, resolution: 500, quality: 0, minutiae: [] });
    const v = bytes.slice();
    v[5] = 0x33;
    expect(() => decodeIso19794_2_2005(v)).toThrow(expect.objectContaining({ code: 'TEMPLATE_VERSION', offset: 4 }));
    const f = bytes.slice();
    f[0] = 0;
    expect(() => decodeIso19794_2_2005(f)).toThrow(expect.objectContaining({ code: 'TEMPLATE_FORMAT', offset: 0 }));
  });

  it('turns random, truncated and mutated bytes into a template or a BiometricError', () => {
    fc.assert(fc.property(mutations(templateArb(256).map((t) => encodeIso19794_2_2005(t))), (b) => decodesOrRefuses(decodeIso19794_2_2005, b)), { numRuns: 500 });
  });

  it.skipIf(!haveData)('loads all 320 FVC2002 DB1_B–DB4_B .iso files and writes each back byte for byte (skipped when /work/shared/data is absent)', () => {
    expect(isoFiles.length).toBe(320);
    for (const f of isoFiles) {
      const bytes = new Uint8Array(readFileSync(f));
      const t = decodeIso19794_2_2005(bytes);
      expect(t.minutiae.length).toBeGreaterThan(0);
      expect(encodeIso19794_2_2005(t)).toEqual(bytes);
    }
  });
});

describe('ANSI INCITS 378-2004 records', () => {
  it('round-trips templates whose angles are multiples of 2 degrees', () => {
    fc.assert(
      fc.property(templateArb(180), (t) => {
        const bytes = encodeIncits378_2004(t);
        expect(bytes.length).toBe(26 + 4 + 6 * t.minutiae.length + 2);
        expect((bytes[8] << 8) | bytes[9]).toBe(bytes.length);
        closeTemplates(t, decodeIncits378_2004(bytes));
      }),
    );
  });

  it('reads the 2-degree angle unit and the CBEFF product identifier', () => {
    const t: FingerprintTemplate = { width: 256, height: 360, resolution: 500, quality: 90, minutiae: [{ x: 5, y: 6, direction: Math.PI, type: 'ending', quality: 100 }] };
    const bytes = encodeIncits378_2004(t, { productId: 0x01020304 });
    expect([...bytes.slice(10, 14)]).toEqual([1, 2, 3, 4]);
    expect(bytes[26 + 4 + 4]).toBe(90); // 180° / 2°
    expect(readIncits378_2004(bytes).productId).toBe(0x01020304);
  });

  it('uses the long length form (0x0000 then u32) for records over 65,535 bytes', () => {
    const t: FingerprintTemplate = { width: 100, height: 100, resolution: 500, quality: 1, minutiae: [] };
    const rec = readIncits378_2004(encodeIncits378_2004(t));
    rec.views[0].extendedData = new Uint8Array(70000);
    for (let p = 0; p < 70000; p += 10000) {
      rec.views[0].extendedData[p + 2] = 10000 >>> 8;
      rec.views[0].extendedData[p + 3] = 10000 & 0xff;
    }
    expect(() => writeIncits378_2004(rec)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    rec.views[0].extendedData = new Uint8Array(60000);
    rec.views = [rec.views[0], { ...rec.views[0] }];
    for (const v of rec.views) {
      for (let p = 0; p < 60000; p += 10000) {
        v.extendedData[p + 2] = 10000 >>> 8;
        v.extendedData[p + 3] = 10000 & 0xff;
      }
    }
    const bytes = writeIncits378_2004(rec);
    expect(bytes[8]).toBe(0);
    expect(bytes[9]).toBe(0);
    expect(((bytes[10] << 24) >>> 0) + ((bytes[11] << 16) | (bytes[12] << 8) | bytes[13])).toBe(bytes.length);
    expect(writeIncits378_2004(readIncits378_2004(bytes))).toEqual(bytes);
  });

  it('turns random, truncated and mutated bytes into a template or a BiometricError', () => {
    fc.assert(fc.property(mutations(templateArb(180).map((t) => encodeIncits378_2004(t))), (b) => decodesOrRefuses(decodeIncits378_2004, b)), { numRuns: 500 });
  });
});
