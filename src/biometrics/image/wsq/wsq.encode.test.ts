import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../../errors.ts';
import { decodePng } from '../png.ts';
import { MARKER } from './constants.ts';
import { decodeWsq, encodeWsq, readWsqInfo } from './index.ts';
import { psnr, syntheticFingerprint } from './test-support.ts';

const DATA = new URL('../../../../../shared/data/', import.meta.url).pathname;
const HAVE_DATA = existsSync(`${DATA}wsq/sample.png`);

/** The marker sequence of a WSQ stream, skipping segment bodies and entropy-coded data. */
function markers(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i + 1 < bytes.length) {
    const m = (bytes[i] << 8) | bytes[i + 1];
    out.push(m);
    i += 2;
    if (m === MARKER.SOI || m === MARKER.EOI) continue;
    const length = (bytes[i] << 8) | bytes[i + 1];
    i += length;
    if (m === MARKER.SOB) {
      while (i + 1 < bytes.length && !(bytes[i] === 0xff && bytes[i + 1] !== 0)) i += bytes[i] === 0xff ? 2 : 1;
    }
  }
  return out;
}

const bpp = (bytes: Uint8Array, image: { width: number; height: number }): number => (bytes.length * 8) / (image.width * image.height);

describe('WSQ encoder', () => {
  const image = syntheticFingerprint(320, 360, 7);

  it.each([0.75, 2.25])('round-trips a synthetic fingerprint at %s bits per pixel through our decoder', (bitrate) => {
    const encoded = encodeWsq(image, { bitrate });
    const decoded = decodeWsq(encoded);
    expect([decoded.width, decoded.height, decoded.ppi]).toEqual([320, 360, 500]);
    expect(psnr(image.pixels, decoded.pixels)).toBeGreaterThan(bitrate < 1 ? 26 : 32);
    expect(bpp(encoded, image)).toBeLessThan(bitrate * 1.6);
  });

  it('spends more bits and gains quality as the bit rate rises', () => {
    const low = encodeWsq(image, { bitrate: 0.75 });
    const high = encodeWsq(image, { bitrate: 2.25 });
    expect(high.length).toBeGreaterThan(low.length);
    expect(psnr(image.pixels, decodeWsq(high).pixels)).toBeGreaterThan(psnr(image.pixels, decodeWsq(low).pixels));
  });

  it('writes the reference layout: SOI, NISTCOM, DTT, DQT, SOF, then two Huffman tables over three blocks, EOI', () => {
    const encoded = encodeWsq(image, { bitrate: 0.75 });
    expect(markers(encoded)).toEqual([MARKER.SOI, MARKER.COM, MARKER.DTT, MARKER.DQT, MARKER.SOF, MARKER.DHT, MARKER.SOB, MARKER.DHT, MARKER.SOB, MARKER.SOB, MARKER.EOI]);
    const info = readWsqInfo(encoded);
    expect(info.nistcom?.get('PIX_WIDTH')).toBe('320');
    expect(info.nistcom?.get('PPI')).toBe('500');
    expect(info.nistcom?.get('WSQ_BITRATE')).toBe('0.750000');
  });

  it('keeps the resolution through NISTCOM', () => {
    const decoded = decodeWsq(encodeWsq({ ...image, ppi: 1000 }, { bitrate: 0.75 }));
    expect(decoded.ppi).toBe(1000);
  });

  it.each([
    [1, 1],
    [2, 3],
    [7, 5],
    [33, 17],
    [64, 1],
  ])('handles a tiny %i × %i image', (width, height) => {
    const tiny = syntheticFingerprint(width, height, 3);
    const decoded = decodeWsq(encodeWsq(tiny, { bitrate: 2.25 }));
    expect([decoded.width, decoded.height]).toEqual([width, height]);
  });

  it('encodes a flat image exactly', () => {
    const flat = { width: 64, height: 48, ppi: 500, pixels: new Uint8Array(64 * 48).fill(173) };
    expect(decodeWsq(encodeWsq(flat, { bitrate: 0.75 })).pixels).toEqual(flat.pixels);
  });

  it('refuses a bit rate that is not a positive number of bits per pixel', () => {
    for (const bitrate of [0, -1, Number.NaN, 9]) expect(() => encodeWsq(image, { bitrate })).toThrow(BiometricError);
  });

  it('refuses images over the size limit before doing any work', () => {
    const huge = { width: 5000, height: 10, ppi: 500, pixels: new Uint8Array(50000) };
    expect(() => encodeWsq(huge, { bitrate: 0.75 })).toThrow(expect.objectContaining({ code: 'IMAGE_DIMENSIONS' }));
  });
});

describe.skipIf(!HAVE_DATA)(`WSQ encoder on the reference images${HAVE_DATA ? '' : ' (skipped: ../shared/data is not present in this checkout)'}`, () => {
  const cases = ['wsq/sample.png', 'ansi-nist/decoded/fp-1.png', 'ansi-nist/decoded/fp-11.png'];
  it.each(cases)('re-encodes %s at 0.75 and 2.25 bits per pixel above the PSNR floors', (path) => {
    const original = decodePng(new Uint8Array(readFileSync(`${DATA}${path}`)));
    for (const [bitrate, floor] of [
      [0.75, 38],
      [2.25, 40],
    ] as const) {
      const encoded = encodeWsq(original, { bitrate });
      const decoded = decodeWsq(encoded);
      expect(psnr(original.pixels, decoded.pixels), `${path} at ${bitrate}`).toBeGreaterThan(floor);
      expect(bpp(encoded, original)).toBeLessThan(bitrate * 1.2);
    }
  });
});
