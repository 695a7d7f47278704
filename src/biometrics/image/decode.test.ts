import { existsSync, readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { decodeImage, sniffImageFormat } from './decode.ts';
import { encodeGrayPng } from './png-encode.ts';

function errorOf(f: () => unknown): BiometricError {
  try {
    f();
  } catch (e) {
    if (e instanceof BiometricError) return e;
    throw e;
  }
  throw new Error('expected a BiometricError');
}

const gray = { width: 8, height: 6, ppi: 1000, pixels: Uint8Array.from({ length: 48 }, (_, i) => i * 5) };
const png = encodeGrayPng(gray);
const rgba = new Uint8Array(8 * 6 * 4).map((_, i) => (i % 4 === 3 ? 255 : 120));
const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 6, data: rgba }, 90).data);
const tiff = Uint8Array.of(
  0x49, 0x49, 42, 0, 8, 0, 0, 0,
  // IFD: width 2, height 1, 8 bits, one strip of 2 bytes at 74
  5, 0,
  0x00, 0x01, 3, 0, 1, 0, 0, 0, 2, 0, 0, 0,
  0x01, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0,
  0x02, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0,
  0x11, 0x01, 4, 0, 1, 0, 0, 0, 74, 0, 0, 0,
  0x17, 0x01, 4, 0, 1, 0, 0, 0, 2, 0, 0, 0,
  0, 0, 0, 0,
  10, 200,
);

describe('decodeImage', () => {
  it('sniffs PNG, JPEG, TIFF and WSQ from their magic bytes', () => {
    expect(sniffImageFormat(png)).toBe('png');
    expect(sniffImageFormat(jpg)).toBe('jpeg');
    expect(sniffImageFormat(tiff)).toBe('tiff');
    expect(sniffImageFormat(Uint8Array.of(0xff, 0xa0, 0xff, 0xa8, 0, 2))).toBe('wsq');
    expect(sniffImageFormat(Uint8Array.of(1, 2, 3, 4))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array(0))).toBeUndefined();
  });

  it('decodes each sniffed format', () => {
    expect(decodeImage(png).pixels).toEqual(gray.pixels);
    expect(decodeImage(jpg).pixels.every((v) => Math.abs(v - 120) <= 2)).toBe(true);
    expect(Array.from(decodeImage(tiff).pixels)).toEqual([10, 200]);
  });

  it('lets the caller resolution override the one the file records', () => {
    expect(decodeImage(png).ppi).toBe(1000);
    expect(decodeImage(png, { ppi: 569 }).ppi).toBe(569);
    expect(decodeImage(jpg, { ppi: 569 }).ppi).toBe(569);
    expect(decodeImage(tiff, { ppi: 569 }).ppi).toBe(569);
    expect(errorOf(() => decodeImage(png, { ppi: 5 })).code).toBe('IMAGE_RESOLUTION');
  });

  it('reads headerless bytes as raw when given the width and height', () => {
    const image = decodeImage(Uint8Array.of(1, 2, 3, 4, 5, 6), { width: 3, height: 2 });
    expect(image).toMatchObject({ width: 3, height: 2, ppi: 500 });
    expect(errorOf(() => decodeImage(Uint8Array.of(1, 2, 3), { format: 'raw' })).code).toBe('INVALID_ARGUMENT');
  });

  it('uses the given format instead of sniffing', () => {
    // A PNG file forced through the raw reader is just bytes of the wrong length.
    expect(errorOf(() => decodeImage(png, { format: 'raw', width: 2, height: 2 })).code).toBe('IMAGE_FORMAT');
    expect(errorOf(() => decodeImage(png, { format: 'jpeg' })).code).toBe('IMAGE_FORMAT');
  });

  it('refuses unrecognised bytes with IMAGE_FORMAT', () => {
    const e = errorOf(() => decodeImage(new TextEncoder().encode('GIF89a....')));
    expect(e.code).toBe('IMAGE_FORMAT');
  });

  it('hands WSQ to the WSQ decoder, whose typed errors come back unchanged', () => {
    expect(errorOf(() => decodeImage(Uint8Array.of(0xff, 0xa0, 0xff, 0xa8, 0, 2)))).toBeInstanceOf(BiometricError);
  });
});

const DATA = '/work/shared/data';
describe.skipIf(!existsSync(DATA))('decodeImage on the shared data set (skipped: /work/shared/data is absent, as in a fresh clone)', () => {
  it('sniffs and decodes an FVC2002 TIFF and an ANSI/NIST PNG', () => {
    const tif = decodeImage(new Uint8Array(readFileSync(`${DATA}/fvc2002/DB1_B/101_1.tif`)));
    expect([tif.width, tif.height]).toEqual([388, 374]);
    const fp = decodeImage(new Uint8Array(readFileSync(`${DATA}/ansi-nist/decoded/fp-1.png`)), { ppi: 500 });
    expect(fp.pixels.length).toBe(fp.width * fp.height);
  });

  it('sniffs and decodes the NIST WSQ sample, honouring a caller resolution', () => {
    const bytes = new Uint8Array(readFileSync(`${DATA}/wsq/sample.wsq`));
    const image = decodeImage(bytes);
    expect([image.width, image.height]).toEqual([545, 622]);
    expect(decodeImage(bytes, { ppi: 1000 }).ppi).toBe(1000);
  });
});
