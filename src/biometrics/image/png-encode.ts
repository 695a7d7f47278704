// fflate's platform-neutral build: the same synchronous code as its Node build, without the
// createRequire/worker_threads shim (for its asynchronous API) that build runs when it is loaded.
import { zlibSync } from 'fflate/browser';
import { BiometricError } from '../errors.ts';
import type { GrayImage } from './gray-image.ts';
import { pngCrc32 } from './png.ts';

/**
 * PNG writer for overlays, plots and test fixtures. The everyday entry points are
 * {@link encodeGrayPng} and {@link encodeRgbPng}; {@link encodePng} takes samples at any PNG
 * bit depth, a palette, Adam7 interlacing and a fixed filter type so that tests can build
 * every variant the reader accepts.
 */

export interface PngSamples {
  width: number;
  height: number;
  /** 1 gray (or palette index), 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** width × height × channels samples, row-major; values must fit `depth`. */
  data: Uint8Array | Uint16Array;
  /** Bits a sample; 8 when not given. */
  depth?: 1 | 2 | 4 | 8 | 16;
  /** RGB triples; makes a palette image (channels must be 1, data holds indices). */
  palette?: Uint8Array;
}

export interface PngEncodeOptions {
  /** Writes a pHYs chunk with this resolution. */
  ppi?: number;
  /** Adam7 interlacing. */
  interlace?: boolean;
  /** Scanline filter for every row (0–4); 'adaptive' picks per row by the usual sum-of-absolutes rule. Default adaptive. */
  filter?: 0 | 1 | 2 | 3 | 4 | 'adaptive';
  /** zlib level 0–9; default 6. */
  level?: number;
}

const A7_X0 = [0, 4, 0, 2, 0, 1, 0];
const A7_Y0 = [0, 0, 4, 0, 2, 0, 1];
const A7_DX = [8, 8, 4, 4, 2, 2, 1];
const A7_DY = [8, 8, 8, 4, 4, 2, 2];

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, pngCrc32(out, 4, 8 + data.length));
  return out;
}

export function encodePng(image: PngSamples, options: PngEncodeOptions = {}): Uint8Array {
  const { width, height, channels, data } = image;
  const depth = image.depth ?? 8;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new BiometricError('INVALID_ARGUMENT', `cannot encode a ${width} × ${height} PNG`);
  }
  if (data.length !== width * height * channels) throw new BiometricError('INVALID_ARGUMENT', `PNG samples: expected ${width * height * channels}, got ${data.length}`);
  const colorType = image.palette ? 3 : channels === 1 ? 0 : channels === 2 ? 4 : channels === 3 ? 2 : 6;
  if (image.palette && channels !== 1) throw new BiometricError('INVALID_ARGUMENT', 'a palette PNG takes one index a pixel');
  const bpp = channels * depth;
  const bytesPerPixel = Math.max(1, bpp >> 3);

  // Pack each pass's scanlines, filter them, and concatenate.
  const passes: Array<{ x0: number; y0: number; dx: number; dy: number }> = options.interlace
    ? A7_X0.map((x0, p) => ({ x0, y0: A7_Y0[p], dx: A7_DX[p], dy: A7_DY[p] }))
    : [{ x0: 0, y0: 0, dx: 1, dy: 1 }];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const p of passes) {
    const pw = width > p.x0 ? Math.ceil((width - p.x0) / p.dx) : 0;
    const ph = height > p.y0 ? Math.ceil((height - p.y0) / p.dy) : 0;
    if (pw === 0 || ph === 0) continue;
    const stride = Math.ceil((pw * bpp) / 8);
    const unfiltered = new Uint8Array(stride * ph);
    for (let row = 0; row < ph; row++) {
      const y = p.y0 + row * p.dy;
      for (let col = 0; col < pw; col++) {
        const x = p.x0 + col * p.dx;
        for (let c = 0; c < channels; c++) {
          const v = data[(y * width + x) * channels + c];
          const s = col * channels + c;
          const line = row * stride;
          if (depth === 16) {
            unfiltered[line + 2 * s] = v >> 8;
            unfiltered[line + 2 * s + 1] = v & 0xff;
          } else if (depth === 8) unfiltered[line + s] = v;
          else {
            const bit = s * depth;
            unfiltered[line + (bit >> 3)] |= (v & ((1 << depth) - 1)) << (8 - depth - (bit & 7));
          }
        }
      }
    }
    const filtered = new Uint8Array((stride + 1) * ph);
    for (let row = 0; row < ph; row++) {
      const cur = unfiltered.subarray(row * stride, (row + 1) * stride);
      const prev = row > 0 ? unfiltered.subarray((row - 1) * stride, row * stride) : undefined;
      const out = filtered.subarray(row * (stride + 1), (row + 1) * (stride + 1));
      if (options.filter === undefined || options.filter === 'adaptive') {
        let best = Infinity;
        const trial = new Uint8Array(stride + 1);
        for (let f = 0; f <= 4; f++) {
          filterLine(f, cur, prev, bytesPerPixel, trial);
          let cost = 0;
          for (let i = 1; i < trial.length; i++) cost += trial[i] < 128 ? trial[i] : 256 - trial[i];
          if (cost < best) {
            best = cost;
            out.set(trial);
          }
        }
      } else filterLine(options.filter, cur, prev, bytesPerPixel, out);
    }
    parts.push(filtered);
    total += filtered.length;
  }
  const raw = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    raw.set(part, at);
    at += part.length;
  }

  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = options.interlace ? 1 : 0;
  const chunks: Uint8Array[] = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), pngChunk('IHDR', ihdr)];
  if (options.ppi !== undefined) {
    const phys = new Uint8Array(9);
    const pv = new DataView(phys.buffer);
    const perMetre = Math.round(options.ppi / 0.0254);
    pv.setUint32(0, perMetre);
    pv.setUint32(4, perMetre);
    phys[8] = 1;
    chunks.push(pngChunk('pHYs', phys));
  }
  if (image.palette) chunks.push(pngChunk('PLTE', image.palette));
  const level = (options.level ?? 6) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  chunks.push(pngChunk('IDAT', zlibSync(raw, { level })), pngChunk('IEND', new Uint8Array(0)));
  let size = 0;
  for (const c of chunks) size += c.length;
  const png = new Uint8Array(size);
  at = 0;
  for (const c of chunks) {
    png.set(c, at);
    at += c.length;
  }
  return png;
}

function filterLine(type: number, cur: Uint8Array, prev: Uint8Array | undefined, bpp: number, out: Uint8Array): void {
  out[0] = type;
  for (let i = 0; i < cur.length; i++) {
    const a = i >= bpp ? cur[i - bpp] : 0;
    const b = prev ? prev[i] : 0;
    const c = prev && i >= bpp ? prev[i - bpp] : 0;
    let predictor = 0;
    if (type === 1) predictor = a;
    else if (type === 2) predictor = b;
    else if (type === 3) predictor = (a + b) >> 1;
    else if (type === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i + 1] = (cur[i] - predictor) & 0xff;
  }
}

/** A GrayImage as an 8-bit grayscale PNG, its resolution in pHYs. */
export function encodeGrayPng(image: GrayImage, options: Omit<PngEncodeOptions, 'ppi'> = {}): Uint8Array {
  return encodePng({ width: image.width, height: image.height, channels: 1, data: image.pixels }, { ...options, ppi: image.ppi });
}

/** An interleaved 8-bit RGB (3 channels) or RGBA (4 channels) image as a PNG. */
export function encodeRgbPng(image: { width: number; height: number; channels?: 3 | 4; data: Uint8Array }, options: PngEncodeOptions = {}): Uint8Array {
  return encodePng({ width: image.width, height: image.height, channels: image.channels ?? 3, data: image.data }, options);
}
