import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { checkDamagedCopies } from './damaged-input.testing.ts';
import { decodeJpeg, isJpeg, readJpegHeader } from './jpeg.ts';

function errorOf(f: () => unknown): BiometricError {
  try {
    f();
  } catch (e) {
    if (e instanceof BiometricError) return e;
    throw e;
  }
  throw new Error('expected a BiometricError');
}

/** A smooth gray picture encoded by jpeg-js (which always writes three YCbCr components). */
function grayRgbJpeg(width: number, height: number, quality = 90): { bytes: Uint8Array; gray: Uint8Array } {
  const gray = new Uint8Array(width * height);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round(128 + 100 * Math.sin(x / 6) * Math.cos(y / 9));
      gray[y * width + x] = v;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { bytes: new Uint8Array(jpeg.encode({ width, height, data: rgba }, quality).data), gray };
}

/**
 * A hand-built one-component baseline JPEG, 16 × 8: two blocks holding only a DC term, the
 * first 128 and the second 128 + 16 = 144. `density` goes in the JFIF header.
 */
function singleComponentJpeg(units = 1, density = 500): Uint8Array {
  const seg = (marker: number, body: number[]): number[] => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const bits = (counts: number[]): number[] => [...counts, ...new Array(16 - counts.length).fill(0)];
  return Uint8Array.from([
    0xff, 0xd8,
    ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, units, density >> 8, density & 0xff, density >> 8, density & 0xff, 0, 0]),
    ...seg(0xdb, [0, ...new Array(64).fill(8)]),
    ...seg(0xc0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0]),
    ...seg(0xc4, [0x00, ...bits([1, 1]), 0, 5]), // DC: 0 → '0', category 5 → '10'
    ...seg(0xc4, [0x10, ...bits([1]), 0]), // AC: EOB → '0'
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    // block 1: DC '0', EOB '0'; block 2: DC '10' + '10000' (+16), EOB '0'; pad with ones.
    0x28, 0x3f,
    0xff, 0xd9,
  ]);
}

describe('decodeJpeg', () => {
  it('recognises the JPEG start-of-image marker', () => {
    expect(isJpeg(singleComponentJpeg())).toBe(true);
    expect(isJpeg(Uint8Array.of(0xff, 0xa0, 0xff))).toBe(false);
    expect(errorOf(() => decodeJpeg(Uint8Array.of(1, 2, 3, 4))).code).toBe('IMAGE_FORMAT');
  });

  it('reads a one-component JPEG exactly, with its JFIF density as the resolution', () => {
    const image = decodeJpeg(singleComponentJpeg(1, 1000));
    expect(image.width).toBe(16);
    expect(image.height).toBe(8);
    expect(image.ppi).toBe(1000);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 16; x++) expect(image.pixels[y * 16 + x]).toBe(x < 8 ? 128 : 144);
    }
  });

  it('converts a JFIF density in dots per centimetre to pixels per inch', () => {
    expect(decodeJpeg(singleComponentJpeg(2, 394)).ppi).toBe(1001);
  });

  it('falls back to 500 ppi when the density is an aspect ratio or implausible, and lets the caller override', () => {
    expect(decodeJpeg(singleComponentJpeg(0, 1)).ppi).toBe(500);
    expect(decodeJpeg(singleComponentJpeg(1, 72)).ppi).toBe(500);
    expect(decodeJpeg(singleComponentJpeg(1, 1000), { ppi: 569 }).ppi).toBe(569);
  });

  it('accepts a three-component JPEG whose pixels are all gray, close to the original', () => {
    const { bytes, gray } = grayRgbJpeg(40, 24);
    const image = decodeJpeg(bytes);
    expect(image.width).toBe(40);
    expect(image.height).toBe(24);
    let worst = 0;
    for (let i = 0; i < gray.length; i++) worst = Math.max(worst, Math.abs(image.pixels[i] - gray[i]));
    expect(worst).toBeLessThanOrEqual(6);
  });

  it('refuses a coloured JPEG as non-grayscale', () => {
    const rgba = new Uint8Array(16 * 16 * 4);
    for (let i = 0; i < 256; i++) rgba.set([200, 40, 40, 255], i * 4);
    const e = errorOf(() => decodeJpeg(new Uint8Array(jpeg.encode({ width: 16, height: 16, data: rgba }, 90).data)));
    expect(e.code).toBe('IMAGE_UNSUPPORTED');
    expect(e.message).toMatch(/non-grayscale/);
  });

  it('refuses frames over 4000 × 4000 from the frame header, before decoding', () => {
    const bytes = singleComponentJpeg();
    const sof = readJpegHeader(bytes).frameOffset;
    bytes[sof + 7] = 0x13; // width 0x1388 = 5000
    bytes[sof + 8] = 0x88;
    expect(errorOf(() => decodeJpeg(bytes)).code).toBe('IMAGE_DIMENSIONS');
  });

  it('refuses lossless and CMYK JPEGs as unsupported', () => {
    const lossless = singleComponentJpeg();
    const sof = readJpegHeader(lossless).frameOffset;
    lossless[sof + 1] = 0xc3;
    expect(errorOf(() => decodeJpeg(lossless)).code).toBe('IMAGE_UNSUPPORTED');
    const cmyk = singleComponentJpeg();
    cmyk[sof + 9] = 4; // component count; the segment is then too short for four components
    expect(['IMAGE_UNSUPPORTED', 'IMAGE_FORMAT']).toContain(errorOf(() => decodeJpeg(cmyk)).code);
  });

  it('turns files cut short into typed errors or images, never other exceptions', () => {
    const { bytes } = grayRgbJpeg(24, 16);
    for (let cut = 0; cut < bytes.length; cut += 5) {
      try {
        const image = decodeJpeg(bytes.subarray(0, cut));
        expect(image.pixels.length).toBe(24 * 16);
      } catch (e) {
        expect(e).toBeInstanceOf(BiometricError);
      }
    }
    expect(errorOf(() => decodeJpeg(bytes.subarray(0, 100))).code).toBe('IMAGE_TRUNCATED');
  });

  it('wraps exceptions from jpeg-js in BiometricError', () => {
    const bytes = singleComponentJpeg();
    // Point the scan at Huffman table 3, which was never defined.
    const sos = bytes.length - 4 - 10;
    expect(bytes[sos + 1]).toBe(0xda);
    bytes[sos + 6] = 0x33;
    const e = errorOf(() => decodeJpeg(bytes));
    expect(['IMAGE_FORMAT', 'IMAGE_TRUNCATED']).toContain(e.code);
  });
});

describe('decodeJpeg on damaged input', () => {
  const valid = [singleComponentJpeg(), grayRgbJpeg(24, 16).bytes, grayRgbJpeg(9, 13, 50).bytes];
  it('returns a well-formed image or a BiometricError for any mutation or truncation, quickly', () => {
    checkDamagedCopies(valid, decodeJpeg);
  });
});

describe('decodeJpeg size checks', () => {
  it('refuses a frame too large for the bytes present before handing it to jpeg-js', () => {
    const bytes = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(128) }, 90).data);
    const sof = readJpegHeader(bytes).frameOffset;
    bytes.set([0x0f, 0xa0, 0x0f, 0xa0], sof + 5); // 4000 × 4000
    const e = errorOf(() => decodeJpeg(bytes));
    expect(e.code).toBe('IMAGE_TRUNCATED');
    expect(e.message).toMatch(/cannot hold/);
  });
});
