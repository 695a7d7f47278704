import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { checkDamagedCopies } from './damaged-input.testing.ts';
import { decodeTiff, isTiff } from './tiff.ts';

function errorOf(f: () => unknown): BiometricError {
  try {
    f();
  } catch (e) {
    if (e instanceof BiometricError) return e;
    throw e;
  }
  throw new Error('expected a BiometricError');
}

interface TiffSpec {
  width: number;
  height: number;
  pixels: Uint8Array;
  littleEndian?: boolean;
  rowsPerStrip?: number;
  photometric?: number;
  bits?: number;
  compression?: number;
  /** [numerator, denominator, unit] */
  resolution?: [number, number, number];
  omit?: number[];
}

/** A minimal baseline TIFF writer: header, pixel strips, then one IFD. */
function buildTiff(spec: TiffSpec): Uint8Array {
  const le = spec.littleEndian ?? true;
  const rowsPerStrip = spec.rowsPerStrip ?? spec.height;
  const strips = Math.ceil(spec.height / rowsPerStrip);
  const stripBytes = Array.from({ length: strips }, (_, s) => Math.min(rowsPerStrip, spec.height - s * rowsPerStrip) * spec.width);
  const pixelStart = 8;
  const arraysStart = pixelStart + spec.pixels.length;
  const offsetsAt = arraysStart;
  const countsAt = offsetsAt + 4 * strips;
  const resAt = countsAt + 4 * strips;
  const ifdAt = resAt + 8;
  type Entry = [tag: number, type: number, count: number, value: number];
  let entries: Entry[] = [
    [256, 3, 1, spec.width],
    [257, 3, 1, spec.height],
    [258, 3, 1, spec.bits ?? 8],
    [259, 3, 1, spec.compression ?? 1],
    [262, 3, 1, spec.photometric ?? 1],
    [273, 4, strips, strips === 1 ? pixelStart : offsetsAt],
    [277, 3, 1, 1],
    [278, 3, 1, rowsPerStrip],
    [279, 4, strips, strips === 1 ? stripBytes[0] : countsAt],
  ];
  if (spec.resolution) entries.push([282, 5, 1, resAt], [296, 3, 1, spec.resolution[2]]);
  entries = entries.filter(([tag]) => !spec.omit?.includes(tag)).sort((a, b) => a[0] - b[0]);
  const out = new Uint8Array(ifdAt + 2 + 12 * entries.length + 4);
  const view = new DataView(out.buffer);
  out.set(le ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  view.setUint32(4, ifdAt, le);
  out.set(spec.pixels, pixelStart);
  let at = pixelStart;
  for (let s = 0; s < strips; s++) {
    view.setUint32(offsetsAt + 4 * s, at, le);
    view.setUint32(countsAt + 4 * s, stripBytes[s], le);
    at += stripBytes[s];
  }
  if (spec.resolution) {
    view.setUint32(resAt, spec.resolution[0], le);
    view.setUint32(resAt + 4, spec.resolution[1], le);
  }
  view.setUint16(ifdAt, entries.length, le);
  entries.forEach(([tag, type, count, value], i) => {
    const e = ifdAt + 2 + 12 * i;
    view.setUint16(e, tag, le);
    view.setUint16(e + 2, type, le);
    view.setUint32(e + 4, count, le);
    if (type === 3 && count === 1) view.setUint16(e + 8, value, le);
    else view.setUint32(e + 8, value, le);
  });
  return out;
}

function pattern(width: number, height: number): Uint8Array {
  return Uint8Array.from({ length: width * height }, (_, i) => (i * 29 + (i % width) * 3) & 0xff);
}

describe('decodeTiff', () => {
  it('recognises both byte-order marks', () => {
    expect(isTiff(Uint8Array.of(0x49, 0x49, 42, 0))).toBe(true);
    expect(isTiff(Uint8Array.of(0x4d, 0x4d, 0, 42))).toBe(true);
    expect(isTiff(Uint8Array.of(0x49, 0x49, 0, 42))).toBe(false);
    expect(errorOf(() => decodeTiff(Uint8Array.of(1, 2, 3))).code).toBe('IMAGE_FORMAT');
  });

  for (const littleEndian of [true, false]) {
    it(`reads an 8-bit BlackIsZero image in ${littleEndian ? 'little' : 'big'}-endian order`, () => {
      const pixels = pattern(13, 7);
      const image = decodeTiff(buildTiff({ width: 13, height: 7, pixels, littleEndian }));
      expect(image.width).toBe(13);
      expect(image.height).toBe(7);
      expect(image.pixels).toEqual(pixels);
    });
  }

  it('reads an image stored in several strips, the last one short', () => {
    const pixels = pattern(10, 11);
    expect(decodeTiff(buildTiff({ width: 10, height: 11, pixels, rowsPerStrip: 3 })).pixels).toEqual(pixels);
  });

  it('inverts WhiteIsZero images to the black-ridge convention', () => {
    const pixels = pattern(5, 5);
    const image = decodeTiff(buildTiff({ width: 5, height: 5, pixels, photometric: 0 }));
    expect(Array.from(image.pixels)).toEqual(Array.from(pixels, (v) => 255 - v));
  });

  it('reads the resolution in inches or centimetres, and falls back to the default when absent or implausible', () => {
    const pixels = pattern(4, 4);
    expect(decodeTiff(buildTiff({ width: 4, height: 4, pixels, resolution: [1000, 1, 2] })).ppi).toBe(1000);
    expect(decodeTiff(buildTiff({ width: 4, height: 4, pixels, resolution: [2240, 10, 3] })).ppi).toBe(569);
    expect(decodeTiff(buildTiff({ width: 4, height: 4, pixels })).ppi).toBe(500);
    expect(decodeTiff(buildTiff({ width: 4, height: 4, pixels }), 569).ppi).toBe(569);
    expect(decodeTiff(buildTiff({ width: 4, height: 4, pixels, resolution: [72, 1, 2] })).ppi).toBe(500);
  });

  it('refuses compressed and non-8-bit images as unsupported', () => {
    const pixels = pattern(4, 4);
    expect(errorOf(() => decodeTiff(buildTiff({ width: 4, height: 4, pixels, compression: 5 }))).code).toBe('IMAGE_UNSUPPORTED');
    expect(errorOf(() => decodeTiff(buildTiff({ width: 4, height: 4, pixels, bits: 16 }))).code).toBe('IMAGE_UNSUPPORTED');
    expect(errorOf(() => decodeTiff(buildTiff({ width: 4, height: 4, pixels, photometric: 2 }))).code).toBe('IMAGE_UNSUPPORTED');
  });

  it('refuses dimensions over 4000 × 4000 before reading the strips', () => {
    const e = errorOf(() => decodeTiff(buildTiff({ width: 4001, height: 1, pixels: new Uint8Array(0) })));
    expect(e.code).toBe('IMAGE_DIMENSIONS');
  });

  it('refuses files that lack the width or the strip offsets', () => {
    const pixels = pattern(4, 4);
    expect(errorOf(() => decodeTiff(buildTiff({ width: 4, height: 4, pixels, omit: [256] }))).code).toBe('IMAGE_FORMAT');
    expect(errorOf(() => decodeTiff(buildTiff({ width: 4, height: 4, pixels, omit: [273] }))).code).toBe('IMAGE_FORMAT');
  });

  it('refuses strips that hold fewer pixels than the image needs', () => {
    const bytes = buildTiff({ width: 4, height: 4, pixels: pattern(4, 4) });
    const view = new DataView(bytes.buffer);
    // Claim 8 rows: the single strip then holds half the image.
    const ifd = view.getUint32(4, true);
    for (let i = 0; i < view.getUint16(ifd, true); i++) {
      const e = ifd + 2 + 12 * i;
      if (view.getUint16(e, true) === 257 || view.getUint16(e, true) === 278) view.setUint16(e + 8, 8, true);
    }
    expect(['IMAGE_TRUNCATED', 'IMAGE_FORMAT']).toContain(errorOf(() => decodeTiff(bytes)).code);
  });

  it('refuses an IFD offset past the end of the file as truncated, with the offset', () => {
    const bytes = buildTiff({ width: 4, height: 4, pixels: pattern(4, 4) });
    new DataView(bytes.buffer).setUint32(4, 100_000, true);
    const e = errorOf(() => decodeTiff(bytes));
    expect(e.code).toBe('IMAGE_TRUNCATED');
    expect(e.offset).toBe(100_000);
  });

  it('refuses files cut short anywhere with a typed error', () => {
    const bytes = buildTiff({ width: 9, height: 9, pixels: pattern(9, 9), resolution: [500, 1, 2] });
    // The last four bytes (the next-IFD pointer) are not needed to read the first image.
    for (let cut = 0; cut < bytes.length - 4; cut++) {
      expect(errorOf(() => decodeTiff(bytes.subarray(0, cut)))).toBeInstanceOf(BiometricError);
    }
  });
});

describe('decodeTiff on damaged input', () => {
  const valid = [
    buildTiff({ width: 12, height: 10, pixels: pattern(12, 10), resolution: [500, 1, 2] }),
    buildTiff({ width: 9, height: 11, pixels: pattern(9, 11), rowsPerStrip: 4, littleEndian: false }),
  ];
  it('returns a well-formed image or a BiometricError for any mutation or truncation, quickly', () => {
    checkDamagedCopies(valid, decodeTiff);
  });
});

const FVC = '/work/shared/data/fvc2002';
describe.skipIf(!existsSync(FVC))('decodeTiff on FVC2002 set B (skipped: /work/shared/data is absent, as in a fresh clone)', () => {
  const sizes: Record<string, [number, number]> = { DB1_B: [388, 374], DB2_B: [296, 560], DB3_B: [300, 300], DB4_B: [288, 384] };
  for (const [db, [width, height]] of Object.entries(sizes)) {
    it(`reads every ${db} image at ${width} × ${height}`, () => {
      const files = readdirSync(`${FVC}/${db}`).filter((f) => f.endsWith('.tif'));
      expect(files.length).toBe(80);
      for (const f of files) {
        const image = decodeTiff(new Uint8Array(readFileSync(`${FVC}/${db}/${f}`)));
        expect([image.width, image.height]).toEqual([width, height]);
        expect(image.pixels.length).toBe(width * height);
      }
    });
  }
});
