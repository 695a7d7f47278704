// fflate's platform-neutral build: the same synchronous code as its Node build, without the
// createRequire/worker_threads shim (for its asynchronous API) that build runs when it is loaded.
import { unzlibSync } from 'fflate/browser';
import { BiometricError } from '../errors.ts';
import { checkDimensions, checkResolution, type GrayImage } from './gray-image.ts';

/**
 * PNG reader producing the engine's 8-bit gray image.
 *
 * Accepted: grayscale at 1/2/4/8/16 bits (16 → high byte), gray + alpha (alpha dropped),
 * palette images whose used entries are gray, and RGB/RGBA images whose every pixel has
 * R = G = B. Anything genuinely coloured is refused with IMAGE_UNSUPPORTED. Both
 * non-interlaced and Adam7-interlaced images are read. Every chunk's CRC is checked, every
 * declared length is checked against the bytes present, and the image size is checked (and
 * compared with the compressed data available) before the pixel buffer is allocated.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

export interface PngDecodeOptions {
  /** Resolution to use instead of the file's pHYs chunk (and instead of the 500 ppi default). */
  ppi?: number;
}

const DEFAULT_PPI = 500;
/** DEFLATE cannot expand data by more than about 1032 : 1; used to reject absurd sizes before allocating. */
const MAX_DEFLATE_RATIO = 1032;

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 as PNG uses it (exported for the encoder). */
export function pngCrc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32(bytes, start, end);
}

const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

// Adam7 pass origins and steps.
const A7_X0 = [0, 4, 0, 2, 0, 1, 0];
const A7_Y0 = [0, 0, 4, 0, 2, 0, 1];
const A7_DX = [8, 8, 4, 4, 2, 2, 1];
const A7_DY = [8, 8, 8, 4, 4, 2, 2];

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  w: number;
  h: number;
}

function passesOf(h: Header): Pass[] {
  if (h.interlace === 0) return [{ x0: 0, y0: 0, dx: 1, dy: 1, w: h.width, h: h.height }];
  const passes: Pass[] = [];
  for (let p = 0; p < 7; p++) {
    const w = h.width > A7_X0[p] ? Math.ceil((h.width - A7_X0[p]) / A7_DX[p]) : 0;
    const ph = h.height > A7_Y0[p] ? Math.ceil((h.height - A7_Y0[p]) / A7_DY[p]) : 0;
    passes.push({ x0: A7_X0[p], y0: A7_Y0[p], dx: A7_DX[p], dy: A7_DY[p], w, h: ph });
  }
  return passes;
}

function rowBytes(width: number, bitsPerPixel: number): number {
  return Math.ceil((width * bitsPerPixel) / 8);
}

export function decodePng(bytes: Uint8Array, options: PngDecodeOptions = {}): GrayImage {
  if (!isPng(bytes)) throw new BiometricError('IMAGE_FORMAT', 'not a PNG file (bad signature)', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let header: Header | undefined;
  let palette: Int16Array | undefined; // gray level per palette index, -1 for a coloured entry
  let filePpi: number | undefined;
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let idatOffset = 0;
  let sawIend = false;

  let pos = 8;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', 'PNG chunk header runs past the end of the file', pos);
    const length = view.getUint32(pos);
    if (length > 0x7fffffff) throw new BiometricError('IMAGE_FORMAT', `PNG chunk length ${length} is too large`, pos);
    if (pos + 12 + length > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `PNG chunk of ${length} bytes runs past the end of the file`, pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    const storedCrc = view.getUint32(dataEnd);
    if (crc32(bytes, pos + 4, dataEnd) !== storedCrc) throw new BiometricError('IMAGE_FORMAT', `PNG ${JSON.stringify(type)} chunk fails its CRC check`, dataEnd);

    if (header === undefined && type !== 'IHDR') throw new BiometricError('IMAGE_FORMAT', 'PNG does not start with an IHDR chunk', pos);
    if (type === 'IHDR') {
      if (header !== undefined) throw new BiometricError('IMAGE_FORMAT', 'PNG has more than one IHDR chunk', pos);
      if (length !== 13) throw new BiometricError('IMAGE_FORMAT', `PNG IHDR is ${length} bytes, not 13`, pos);
      const width = view.getUint32(dataStart);
      const height = view.getUint32(dataStart + 4);
      const depth = bytes[dataStart + 8];
      const colorType = bytes[dataStart + 9];
      const compression = bytes[dataStart + 10];
      const filter = bytes[dataStart + 11];
      const interlace = bytes[dataStart + 12];
      const depths = ALLOWED_DEPTHS[colorType];
      if (depths === undefined) throw new BiometricError('IMAGE_FORMAT', `PNG colour type ${colorType} is not defined`, dataStart + 9);
      if (!depths.includes(depth)) throw new BiometricError('IMAGE_FORMAT', `PNG bit depth ${depth} is not allowed with colour type ${colorType}`, dataStart + 8);
      if (compression !== 0) throw new BiometricError('IMAGE_FORMAT', `PNG compression method ${compression} is not defined`, dataStart + 10);
      if (filter !== 0) throw new BiometricError('IMAGE_FORMAT', `PNG filter method ${filter} is not defined`, dataStart + 11);
      if (interlace > 1) throw new BiometricError('IMAGE_FORMAT', `PNG interlace method ${interlace} is not defined`, dataStart + 12);
      checkDimensions(width, height, dataStart);
      header = { width, height, depth, colorType, interlace };
    } else if (type === 'PLTE') {
      if (length % 3 !== 0 || length === 0 || length > 768) throw new BiometricError('IMAGE_FORMAT', `PNG palette of ${length} bytes is malformed`, pos);
      palette = new Int16Array(length / 3);
      for (let i = 0; i < palette.length; i++) {
        const r = bytes[dataStart + 3 * i];
        const g = bytes[dataStart + 3 * i + 1];
        const b = bytes[dataStart + 3 * i + 2];
        palette[i] = r === g && g === b ? r : -1;
      }
    } else if (type === 'pHYs') {
      if (length === 9 && bytes[dataStart + 8] === 1) {
        const perMetre = view.getUint32(dataStart);
        const candidate = Math.round(perMetre * 0.0254);
        if (candidate >= 250 && candidate <= 2000) filePpi = candidate;
      }
    } else if (type === 'IDAT') {
      if (idat.length === 0) idatOffset = dataStart;
      idat.push(bytes.subarray(dataStart, dataEnd));
      idatLength += length;
    } else if (type === 'IEND') {
      sawIend = true;
      break;
    } else if ((bytes[pos + 4] & 0x20) === 0) {
      // An unknown chunk without the ancillary bit must be understood to show the image.
      throw new BiometricError('IMAGE_UNSUPPORTED', `PNG critical chunk ${JSON.stringify(type)} is not supported`, pos);
    }
    pos = dataEnd + 4;
  }
  if (header === undefined) throw new BiometricError('IMAGE_TRUNCATED', 'PNG ends before its IHDR chunk', pos);
  if (!sawIend) throw new BiometricError('IMAGE_TRUNCATED', 'PNG ends without an IEND chunk', bytes.length);
  if (idat.length === 0) throw new BiometricError('IMAGE_TRUNCATED', 'PNG has no image data (IDAT)', pos);
  if (header.colorType === 3 && palette === undefined) throw new BiometricError('IMAGE_FORMAT', 'PNG palette image has no PLTE chunk', pos);

  const ppi = options.ppi ?? filePpi ?? DEFAULT_PPI;
  checkResolution(ppi);

  const channels = CHANNELS[header.colorType];
  const bitsPerPixel = channels * header.depth;
  const passes = passesOf(header);
  let expected = 0;
  for (const p of passes) if (p.w > 0 && p.h > 0) expected += p.h * (1 + rowBytes(p.w, bitsPerPixel));
  if (idatLength * MAX_DEFLATE_RATIO + 64 < expected) {
    throw new BiometricError('IMAGE_TRUNCATED', `PNG holds ${idatLength} compressed bytes, too few for ${expected} bytes of image`, idatOffset);
  }

  let compressed: Uint8Array;
  if (idat.length === 1) compressed = idat[0];
  else {
    compressed = new Uint8Array(idatLength);
    let at = 0;
    for (const part of idat) {
      compressed.set(part, at);
      at += part.length;
    }
  }
  let raw: Uint8Array;
  try {
    raw = unzlibSync(compressed, { out: new Uint8Array(expected) });
  } catch (e) {
    const code = (e as { code?: number }).code;
    const message = e instanceof Error ? e.message : String(e);
    throw new BiometricError(code === 0 ? 'IMAGE_TRUNCATED' : 'IMAGE_FORMAT', `PNG image data does not inflate: ${message}`, idatOffset);
  }
  if (raw.length < expected) throw new BiometricError('IMAGE_TRUNCATED', `PNG image data inflates to ${raw.length} of ${expected} bytes`, idatOffset);

  const { width, height, depth, colorType } = header;
  const pixels = new Uint8Array(width * height);
  const bytesPerPixel = Math.max(1, bitsPerPixel >> 3);
  let at = 0;
  for (const p of passes) {
    if (p.w === 0 || p.h === 0) continue;
    const stride = rowBytes(p.w, bitsPerPixel);
    unfilter(raw, at, stride, p.h, bytesPerPixel, idatOffset);
    for (let row = 0; row < p.h; row++) {
      const line = at + row * (stride + 1) + 1;
      const y = p.y0 + row * p.dy;
      const outRow = y * width;
      for (let col = 0; col < p.w; col++) {
        const x = p.x0 + col * p.dx;
        pixels[outRow + x] = grayAt(raw, line, col, depth, colorType, palette, x, y);
      }
    }
    at += p.h * (stride + 1);
  }
  return { width, height, ppi, pixels };
}

function grayAt(raw: Uint8Array, line: number, col: number, depth: number, colorType: number, palette: Int16Array | undefined, x: number, y: number): number {
  if (depth < 8) {
    const bit = col * depth;
    const byte = raw[line + (bit >> 3)];
    const value = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    if (colorType === 0) return Math.round((value * 255) / ((1 << depth) - 1));
    return paletteGray(palette!, value, x, y);
  }
  const sampleBytes = depth >> 3;
  const channels = CHANNELS[colorType];
  const o = line + col * channels * sampleBytes;
  switch (colorType) {
    case 0:
    case 4:
      return raw[o]; // 16-bit: the high byte comes first
    case 3:
      return paletteGray(palette!, raw[o], x, y);
    default: {
      // RGB / RGBA: every channel must agree (compare whole samples, so 16-bit is exact too).
      const g = o + sampleBytes;
      const b = o + 2 * sampleBytes;
      if (raw[o] !== raw[g] || raw[o] !== raw[b] || (sampleBytes === 2 && (raw[o + 1] !== raw[g + 1] || raw[o + 1] !== raw[b + 1]))) {
        throw new BiometricError('IMAGE_UNSUPPORTED', `PNG is non-grayscale: pixel (${x}, ${y}) is coloured`);
      }
      return raw[o];
    }
  }
}

function paletteGray(palette: Int16Array, index: number, x: number, y: number): number {
  if (index >= palette.length) throw new BiometricError('IMAGE_FORMAT', `PNG pixel (${x}, ${y}) uses palette entry ${index} of ${palette.length}`);
  const gray = palette[index];
  if (gray < 0) throw new BiometricError('IMAGE_UNSUPPORTED', `PNG is non-grayscale: palette entry ${index} is coloured`);
  return gray;
}

/** Reverses the PNG scanline filters in place over `rows` lines of `stride` bytes (plus the filter byte). */
function unfilter(raw: Uint8Array, start: number, stride: number, rows: number, bpp: number, offsetForErrors: number): void {
  for (let row = 0; row < rows; row++) {
    const f = start + row * (stride + 1);
    const line = f + 1;
    const prev = row === 0 ? -1 : line - (stride + 1);
    const type = raw[f];
    switch (type) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < stride; i++) raw[line + i] = (raw[line + i] + raw[line + i - bpp]) & 0xff;
        break;
      case 2:
        if (prev >= 0) for (let i = 0; i < stride; i++) raw[line + i] = (raw[line + i] + raw[prev + i]) & 0xff;
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? raw[line + i - bpp] : 0;
          const up = prev >= 0 ? raw[prev + i] : 0;
          raw[line + i] = (raw[line + i] + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? raw[line + i - bpp] : 0;
          const b = prev >= 0 ? raw[prev + i] : 0;
          const c = i >= bpp && prev >= 0 ? raw[prev + i - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          raw[line + i] = (raw[line + i] + predictor) & 0xff;
        }
        break;
      default:
        throw new BiometricError('IMAGE_FORMAT', `PNG scanline ${row} has undefined filter type ${type}`, offsetForErrors);
    }
  }
}
