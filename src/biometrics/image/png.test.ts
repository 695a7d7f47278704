import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { checkDamagedCopies } from './damaged-input.testing.ts';
import type { GrayImage } from './gray-image.ts';
import { decodePng, isPng, pngCrc32 } from './png.ts';
import { encodeGrayPng, encodePng, pngChunk } from './png-encode.ts';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = depth;
  data[9] = colorType;
  data[12] = interlace;
  return pngChunk('IHDR', data);
}

function pattern(width: number, height: number, ppi = 500): GrayImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = (x * 37 + y * 11 + ((x * y) % 7) * 19) & 0xff;
  return { width, height, ppi, pixels };
}

function errorOf(f: () => unknown): BiometricError {
  try {
    f();
  } catch (e) {
    if (e instanceof BiometricError) return e;
    throw e;
  }
  throw new Error('expected a BiometricError');
}

describe('decodePng', () => {
  it('recognises the PNG signature and nothing else', () => {
    expect(isPng(encodeGrayPng(pattern(3, 3)))).toBe(true);
    expect(isPng(Uint8Array.of(0x89, 0x50, 0x4e, 0x47))).toBe(false);
    expect(errorOf(() => decodePng(new Uint8Array(20))).code).toBe('IMAGE_FORMAT');
  });

  for (const filter of [0, 1, 2, 3, 4, 'adaptive'] as const) {
    for (const interlace of [false, true]) {
      it(`reads back an 8-bit gray image written with filter ${filter}${interlace ? ', Adam7 interlaced' : ''}`, () => {
        const image = pattern(37, 23);
        const decoded = decodePng(encodeGrayPng(image, { filter, interlace }));
        expect(decoded.width).toBe(37);
        expect(decoded.height).toBe(23);
        expect(decoded.pixels).toEqual(image.pixels);
      });
    }
  }

  it('reads interlaced images smaller than an Adam7 block, where some passes are empty', () => {
    for (const [w, h] of [[1, 1], [2, 3], [5, 1], [1, 7]]) {
      const image = pattern(w, h);
      expect(decodePng(encodeGrayPng(image, { interlace: true })).pixels).toEqual(image.pixels);
    }
  });

  for (const depth of [1, 2, 4] as const) {
    it(`scales ${depth}-bit gray to the full 0–255 range`, () => {
      const max = (1 << depth) - 1;
      const width = 13;
      const data = Uint8Array.from({ length: width * 3 }, (_, i) => i % (max + 1));
      for (const interlace of [false, true]) {
        const decoded = decodePng(encodePng({ width, height: 3, channels: 1, depth, data }, { interlace }));
        expect(Array.from(decoded.pixels)).toEqual(Array.from(data, (v) => Math.round((v * 255) / max)));
      }
    });
  }

  it('takes the high byte of 16-bit gray samples', () => {
    const data = Uint16Array.from([0x0000, 0x12ff, 0xab01, 0xffff, 0x8000, 0x7fff]);
    const decoded = decodePng(encodePng({ width: 3, height: 2, channels: 1, depth: 16, data }));
    expect(Array.from(decoded.pixels)).toEqual([0x00, 0x12, 0xab, 0xff, 0x80, 0x7f]);
  });

  it('drops the alpha channel of gray + alpha images at 8 and 16 bits', () => {
    const data8 = Uint8Array.of(10, 255, 20, 0, 30, 128, 40, 7);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 2, channels: 2, data: data8 })).pixels)).toEqual([10, 20, 30, 40]);
    const data16 = Uint16Array.of(0x1000, 0xffff, 0x2000, 0, 0x3000, 0x1234, 0x4000, 1);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 2, channels: 2, depth: 16, data: data16 })).pixels)).toEqual([0x10, 0x20, 0x30, 0x40]);
  });

  it('accepts palette images whose palette is gray', () => {
    const palette = Uint8Array.of(0, 0, 0, 128, 128, 128, 255, 255, 255);
    for (const depth of [2, 4, 8] as const) {
      const decoded = decodePng(encodePng({ width: 3, height: 2, channels: 1, depth, palette, data: Uint8Array.of(0, 1, 2, 2, 1, 0) }));
      expect(Array.from(decoded.pixels)).toEqual([0, 128, 255, 255, 128, 0]);
    }
  });

  it('accepts a palette with coloured entries that no pixel uses, and refuses one a pixel uses', () => {
    const palette = Uint8Array.of(0, 0, 0, 255, 0, 0, 255, 255, 255);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 1, channels: 1, palette, data: Uint8Array.of(0, 2) })).pixels)).toEqual([0, 255]);
    const e = errorOf(() => decodePng(encodePng({ width: 2, height: 1, channels: 1, palette, data: Uint8Array.of(0, 1) })));
    expect(e.code).toBe('IMAGE_UNSUPPORTED');
    expect(e.message).toMatch(/non-grayscale/);
  });

  it('refuses a pixel that points past the end of the palette', () => {
    const palette = Uint8Array.of(0, 0, 0, 255, 255, 255);
    expect(errorOf(() => decodePng(encodePng({ width: 2, height: 1, channels: 1, palette, data: Uint8Array.of(0, 5) }))).code).toBe('IMAGE_FORMAT');
  });

  it('accepts RGB and RGBA images whose every pixel is gray', () => {
    const rgb = Uint8Array.of(5, 5, 5, 200, 200, 200);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 1, channels: 3, data: rgb })).pixels)).toEqual([5, 200]);
    const rgba = Uint8Array.of(5, 5, 5, 0, 200, 200, 200, 255);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 1, channels: 4, data: rgba }, { interlace: true })).pixels)).toEqual([5, 200]);
    const rgb16 = Uint16Array.of(0x0501, 0x0501, 0x0501, 0xc8ff, 0xc8ff, 0xc8ff);
    expect(Array.from(decodePng(encodePng({ width: 2, height: 1, channels: 3, depth: 16, data: rgb16 })).pixels)).toEqual([5, 200]);
  });

  it('refuses coloured RGB images as non-grayscale, even when only the low byte of a 16-bit sample differs', () => {
    const e = errorOf(() => decodePng(encodePng({ width: 2, height: 1, channels: 3, data: Uint8Array.of(5, 5, 5, 200, 201, 200) })));
    expect(e.code).toBe('IMAGE_UNSUPPORTED');
    expect(e.message).toMatch(/non-grayscale/);
    const rgb16 = Uint16Array.of(0x0501, 0x0502, 0x0501);
    expect(errorOf(() => decodePng(encodePng({ width: 1, height: 1, channels: 3, depth: 16, data: rgb16 }))).code).toBe('IMAGE_UNSUPPORTED');
  });

  it('takes the resolution from pHYs, else 500 ppi, and lets the caller override both', () => {
    const image = pattern(4, 4, 1000);
    expect(decodePng(encodeGrayPng(image)).ppi).toBe(1000);
    expect(decodePng(encodePng({ width: 4, height: 4, channels: 1, data: image.pixels })).ppi).toBe(500);
    expect(decodePng(encodeGrayPng(image), { ppi: 569 }).ppi).toBe(569);
  });

  it('ignores an implausible pHYs resolution and refuses an implausible caller resolution', () => {
    expect(decodePng(encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }, { ppi: 72 })).ppi).toBe(500);
    expect(errorOf(() => decodePng(encodeGrayPng(pattern(2, 2)), { ppi: 10 })).code).toBe('IMAGE_RESOLUTION');
  });

  it('reports a chunk whose CRC does not match, with its byte offset', () => {
    const bytes = encodeGrayPng(pattern(8, 8));
    bytes[8 + 8 + 2] ^= 0x40; // inside the IHDR data
    const e = errorOf(() => decodePng(bytes));
    expect(e.code).toBe('IMAGE_FORMAT');
    expect(e.message).toMatch(/CRC/);
    expect(e.offset).toBe(8 + 8 + 13);
  });

  it('refuses images over 4000 × 4000 from the header, before reading any image data', () => {
    const bytes = concat([SIGNATURE, ihdr(4001, 10), pngChunk('IEND', new Uint8Array(0))]);
    expect(errorOf(() => decodePng(bytes)).code).toBe('IMAGE_DIMENSIONS');
    expect(errorOf(() => decodePng(concat([SIGNATURE, ihdr(0, 10)]))).code).toBe('IMAGE_DIMENSIONS');
  });

  it('refuses a 4000 × 4000 header over a few bytes of data as truncated, without inflating it', () => {
    const bytes = concat([SIGNATURE, ihdr(4000, 4000, 16, 6), pngChunk('IDAT', Uint8Array.of(0x78, 0x9c, 3, 0, 0, 0, 0, 1)), pngChunk('IEND', new Uint8Array(0))]);
    const e = errorOf(() => decodePng(bytes));
    expect(e.code).toBe('IMAGE_TRUNCATED');
    expect(e.message).toMatch(/too few/);
  });

  it('refuses files cut short anywhere as truncated or malformed', () => {
    const bytes = encodeGrayPng(pattern(20, 20));
    for (let cut = 8; cut < bytes.length; cut += 7) {
      const e = errorOf(() => decodePng(bytes.subarray(0, cut)));
      expect(['IMAGE_TRUNCATED', 'IMAGE_FORMAT']).toContain(e.code);
    }
    expect(errorOf(() => decodePng(bytes.subarray(0, bytes.length - 12))).code).toBe('IMAGE_TRUNCATED'); // no IEND
  });

  it('refuses image data that inflates to fewer bytes than the header needs', () => {
    const tooShort = concat([SIGNATURE, ihdr(4, 4), pngChunk('IDAT', Uint8Array.of(0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01)), pngChunk('IEND', new Uint8Array(0))]);
    expect(errorOf(() => decodePng(tooShort)).code).toMatch(/IMAGE_TRUNCATED|IMAGE_FORMAT/);
  });

  it('refuses an undefined scanline filter type', () => {
    // Filter byte 5 followed by two pixels, stored (not compressed) in a zlib stream.
    const stored = Uint8Array.of(0x78, 0x01, 0x01, 3, 0, 0xfc, 0xff, 5, 1, 2, 0, 0, 0, 0);
    const e = errorOf(() => decodePng(concat([SIGNATURE, ihdr(2, 1), pngChunk('IDAT', stored), pngChunk('IEND', new Uint8Array(0))])));
    expect(e.code).toBe('IMAGE_FORMAT');
    expect(e.message).toMatch(/filter type 5/);
  });

  it('refuses unknown critical chunks and skips unknown ancillary ones', () => {
    const image = pattern(3, 3);
    const good = encodeGrayPng(image);
    const withChunk = (type: string): Uint8Array => concat([good.subarray(0, 33), pngChunk(type, Uint8Array.of(1, 2, 3)), good.subarray(33)]);
    expect(decodePng(withChunk('teXt')).pixels).toEqual(image.pixels);
    expect(errorOf(() => decodePng(withChunk('ABCD'))).code).toBe('IMAGE_UNSUPPORTED');
  });

  it('refuses a file that does not start with IHDR', () => {
    expect(errorOf(() => decodePng(concat([SIGNATURE, pngChunk('IEND', new Uint8Array(0))]))).code).toBe('IMAGE_FORMAT');
  });

  it('refuses a bit depth the colour type does not allow', () => {
    expect(errorOf(() => decodePng(concat([SIGNATURE, ihdr(2, 2, 4, 2), pngChunk('IEND', new Uint8Array(0))]))).code).toBe('IMAGE_FORMAT');
  });
});

/** Rewrites every complete chunk's CRC so that mutations reach the inflater and the filters. */
function fixCrcs(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    if (pos + 12 + length > bytes.length) return;
    view.setUint32(pos + 8 + length, pngCrc32(bytes, pos + 4, pos + 8 + length));
    pos += 12 + length;
  }
}

describe('decodePng on damaged input', () => {
  const palette = Uint8Array.of(0, 0, 0, 90, 90, 90, 255, 255, 255);
  const valid = [
    encodeGrayPng(pattern(16, 12)),
    encodeGrayPng(pattern(11, 9), { interlace: true }),
    encodePng({ width: 10, height: 6, channels: 1, depth: 2, palette, data: Uint8Array.from({ length: 60 }, (_, i) => i % 3) }),
    encodePng({ width: 7, height: 5, channels: 4, depth: 16, data: Uint16Array.from({ length: 140 }, (_, i) => ((i >> 2) * 977) & 0xffff).map((v, i, a) => (i % 4 === 3 ? v : a[i - (i % 4)])) }),
  ];
  it('returns a well-formed image or a BiometricError for any mutation or truncation, quickly', () => {
    checkDamagedCopies(valid, decodePng, fixCrcs);
  });
});

const DATA = '/work/shared/data';
describe.skipIf(!existsSync(DATA))('decodePng on the shared data set (skipped: /work/shared/data is absent, as in a fresh clone)', () => {
  it('reads the NIST WSQ reference image as an all-gray RGB PNG', () => {
    const image = decodePng(new Uint8Array(readFileSync(`${DATA}/wsq/sample.png`)));
    expect(image.width).toBe(545);
    expect(image.height).toBe(622);
    expect(image.ppi).toBe(500);
    expect(new Set(image.pixels).size).toBeGreaterThan(100);
  });

  it('reads every decoded ANSI/NIST fingerprint PNG', () => {
    const dir = `${DATA}/ansi-nist/decoded`;
    const files = readdirSync(dir).filter((f) => /^fp-\d+\.png$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const image = decodePng(new Uint8Array(readFileSync(`${dir}/${f}`)));
      expect(image.pixels.length).toBe(image.width * image.height);
      expect(image.width).toBeGreaterThan(100);
      // A fingerprint has dark ridges and light valleys.
      let dark = 0;
      let light = 0;
      for (const v of image.pixels) {
        if (v < 100) dark++;
        else if (v > 160) light++;
      }
      expect(dark).toBeGreaterThan(image.pixels.length * 0.02);
      expect(light).toBeGreaterThan(image.pixels.length * 0.02);
    }
  });

  it('round-trips a real fingerprint through the encoder exactly', () => {
    const image = decodePng(new Uint8Array(readFileSync(`${DATA}/wsq/sample.png`)));
    expect(decodePng(encodeGrayPng(image)).pixels).toEqual(image.pixels);
  });
});
