import { BiometricError } from '../../errors.ts';
import { checkDimensions, type GrayImage } from '../gray-image.ts';
import {
  ANALYSIS_HIGHPASS_HALF,
  ANALYSIS_LOWPASS_HALF,
  COEFF_SYMBOL_OFFSET,
  MARKER,
  MAX_DIRECT_COEFF,
  MAX_HUFFMAN_BITS,
  MAX_HUFFMAN_VALUES,
  MAX_ZERO_RUN_SYMBOL,
  MIN_DIRECT_COEFF,
  NUM_SUBBANDS,
  START_BLOCK_2,
  START_BLOCK_3,
  SYM_ESC_NEG16,
  SYM_ESC_NEG8,
  SYM_ESC_POS16,
  SYM_ESC_POS8,
  SYM_ZRUN16,
  SYM_ZRUN8,
} from './constants.ts';
import { buildEncoderTable, type HuffmanSpec } from './huffman.ts';
import { formatNistcom } from './nistcom.ts';
import { buildSubbands, buildWaveletTree, type Subband } from './tree.ts';
import { decompose, type FilterBank } from './wavelet.ts';

export interface WsqEncodeOptions {
  /** Target bit rate in bits per pixel (the FBI uses 0.75 for ten-prints; 2.25 is near-lossless). */
  readonly bitrate: number;
  /** Extra comment text stored in its own COM segment. */
  readonly comment?: string;
}

/** Subband weights of the specification's bit allocation (1 except subbands 52–59). */
const WEIGHTS: readonly number[] = (() => {
  const a = new Array<number>(NUM_SUBBANDS).fill(1);
  [1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08].forEach((w, i) => (a[52 + i] = w));
  return a;
})();
const VARIANCE_THRESHOLD = 1.01;
/** Subbands 0–3 are 1/1024 of the image, 4–50 are 1/256, 51–59 are 1/16. */
const areaFraction = (band: number): number => (band < 4 ? 1 / 1024 : band < 51 ? 1 / 256 : 1 / 16);

/** Growable byte output with a marker/segment vocabulary. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000));
    this.u16(v % 0x10000);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Largest decimal exponent e with round(v·10^e) ≤ limit, as the scaled fields store values. */
function toScaled(value: number, limit: number): { exponent: number; raw: number } {
  const v = Math.abs(value);
  if (v === 0 || !Number.isFinite(v)) return { exponent: 0, raw: 0 };
  if (Math.round(v) > limit) return { exponent: 0, raw: limit };
  let exponent = 0;
  while (exponent < 40 && Math.round(v * 10 ** (exponent + 1)) <= limit) exponent++;
  return { exponent, raw: Math.round(v * 10 ** exponent) };
}

/** The value a scaled 16-bit field will decode to. */
function stored16(value: number): number {
  const { exponent, raw } = toScaled(value, 0xffff);
  return raw / 10 ** exponent;
}

function stored32(value: number): number {
  const { exponent, raw } = toScaled(value, 0xffffffff);
  return (value < 0 ? -raw : raw) / 10 ** exponent;
}

function putScaled16(w: ByteWriter, value: number): void {
  const { exponent, raw } = toScaled(value, 0xffff);
  w.u8(exponent);
  w.u16(raw);
}

function putSegment(w: ByteWriter, marker: number, body: ByteWriter): void {
  w.u16(marker);
  w.u16(body.length + 2);
  w.bytes(body.result());
}

/** Variance of a subband's central region (or the whole band), as the bit allocation uses. */
function bandVariance(data: Float32Array, width: number, s: Subband, central: boolean): number {
  let x0 = s.x;
  let y0 = s.y;
  let lenx = s.lenx;
  let leny = s.leny;
  if (central) {
    x0 += Math.floor(s.lenx / 8);
    y0 += Math.floor((9 * s.leny) / 32);
    lenx = Math.floor((3 * s.lenx) / 4);
    leny = Math.floor((7 * s.leny) / 16);
  }
  const n = lenx * leny;
  if (n < 2) return 0;
  let sum = 0;
  let ssq = 0;
  for (let y = 0; y < leny; y++) {
    const row = (y0 + y) * width + x0;
    for (let x = 0; x < lenx; x++) {
      const v = data[row + x];
      sum += v;
      ssq += v * v;
    }
  }
  return (ssq - (sum * sum) / n) / (n - 1);
}

/** Bin widths Q for the 60 subbands from their variances and the target bit rate. */
function binWidths(variance: Float64Array, bitrate: number): Float64Array {
  const q = new Float64Array(64);
  const sigma = new Float64Array(NUM_SUBBANDS);
  let active: number[] = [];
  for (let b = 0; b < NUM_SUBBANDS; b++) {
    if (!(variance[b] >= VARIANCE_THRESHOLD)) continue;
    q[b] = b < 4 ? 1 : 10 / (WEIGHTS[b] * Math.log(variance[b]));
    sigma[b] = Math.sqrt(variance[b]);
    active.push(b);
  }
  const coded = [...active];
  let scale = 1;
  while (active.length > 0) {
    let s = 0;
    for (const b of active) s += areaFraction(b);
    let logP = 0;
    for (const b of active) logP += areaFraction(b) * Math.log(sigma[b] / q[b]);
    scale = 2 ** (bitrate / s - 1) / 2.5 / Math.exp(logP / s);
    const remaining = active.filter((b) => q[b] / scale < 5 * sigma[b]);
    if (remaining.length === active.length) break;
    active = remaining;
  }
  const out = new Float64Array(64);
  for (const b of coded) out[b] = q[b] / scale;
  return out;
}

/** Huffman symbol statistics / emission for a run of quantized coefficients. */
function forEachSymbol(values: Int32Array, from: number, to: number, emit: (symbol: number, extraBits: number, extra: number) => void): void {
  let run = 0;
  const flushRun = (): void => {
    while (run > 0) {
      const n = Math.min(run, 0xffff);
      if (n <= MAX_ZERO_RUN_SYMBOL) emit(n, 0, 0);
      else if (n <= 0xff) emit(SYM_ZRUN8, 8, n);
      else emit(SYM_ZRUN16, 16, n);
      run -= n;
    }
  };
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v === 0) {
      run++;
      continue;
    }
    flushRun();
    if (v > MAX_DIRECT_COEFF) emit(v > 255 ? SYM_ESC_POS16 : SYM_ESC_POS8, v > 255 ? 16 : 8, v);
    else if (v < MIN_DIRECT_COEFF) emit(v < -255 ? SYM_ESC_NEG16 : SYM_ESC_NEG8, v < -255 ? 16 : 8, -v);
    else emit(v + COEFF_SYMBOL_OFFSET, 0, 0);
  }
  flushRun();
}

/** Huffman-codes a block with 0xFF00 stuffing and one-bit padding. */
function codeBlock(values: Int32Array, from: number, to: number, code: Uint32Array, length: Uint8Array): Uint8Array {
  const out = new ByteWriter();
  let acc = 0;
  let bits = 0;
  const put = (v: number, n: number): void => {
    for (let k = n - 1; k >= 0; k--) {
      acc = (acc << 1) | ((v >>> k) & 1);
      if (++bits === 8) {
        out.u8(acc);
        if (acc === 0xff) out.u8(0);
        acc = 0;
        bits = 0;
      }
    }
  };
  forEachSymbol(values, from, to, (symbol, extraBits, extra) => {
    put(code[symbol], length[symbol]);
    if (extraBits > 0) put(extra, extraBits);
  });
  if (bits > 0) put((1 << (8 - bits)) - 1, 8 - bits);
  return out.result();
}

function huffmanFor(values: Int32Array, ranges: readonly [number, number][]): ReturnType<typeof buildEncoderTable> {
  const counts = new Float64Array(MAX_HUFFMAN_VALUES);
  for (const [from, to] of ranges) forEachSymbol(values, from, to, (symbol) => counts[symbol]++);
  return buildEncoderTable(counts);
}

function putHuffmanTable(w: ByteWriter, id: number, spec: HuffmanSpec): void {
  const body = new ByteWriter();
  body.u8(id);
  for (let i = 0; i < MAX_HUFFMAN_BITS; i++) body.u8(spec.bits[i]);
  body.bytes(spec.values);
  putSegment(w, MARKER.DHT, body);
}

/**
 * Encodes an 8-bit gray image as WSQ: mean/scale normalisation, the 9/7 wavelet decomposition
 * into 64 subbands, the specification's bit allocation for the requested rate, uniform scalar
 * quantization with a widened zero bin (Z = 1.2 Q, bin centre C = 0.44) and Huffman coding in
 * three blocks with two tables, as the FBI reference encoder lays them out.
 */
export function encodeWsq(image: GrayImage, options: WsqEncodeOptions): Uint8Array {
  const { width, height, pixels } = image;
  checkDimensions(width, height);
  if (pixels.length !== width * height) throw new BiometricError('INVALID_ARGUMENT', `image has ${pixels.length} pixels, expected ${width * height}`);
  const { bitrate } = options;
  if (!Number.isFinite(bitrate) || bitrate <= 0 || bitrate > 8) throw new BiometricError('INVALID_ARGUMENT', `WSQ bit rate ${bitrate} is outside (0, 8] bits per pixel`);

  // Normalise to roughly ±128 around the mean, using the values the frame header can carry.
  const n = pixels.length;
  let sum = 0;
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const p = pixels[i];
    sum += p;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  const shift = stored16(sum / n);
  let scale = stored16(Math.max(shift - lo, hi - shift) / 128);
  if (!(scale > 0)) scale = 1;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (pixels[i] - shift) / scale;

  const lowHalf = ANALYSIS_LOWPASS_HALF.map(stored32);
  const highHalf = ANALYSIS_HIGHPASS_HALF.map(stored32);
  const bank: FilterBank = { lowHalf, highHalf };
  const tree = buildWaveletTree(width, height);
  const subbands = buildSubbands(tree);
  decompose(data, width, height, tree, bank);

  // Bit allocation.
  const variance = new Float64Array(NUM_SUBBANDS);
  let lowSum = 0;
  for (let b = 0; b < 4; b++) lowSum += variance[b] = bandVariance(data, width, subbands[b], true);
  for (let b = lowSum < 20000 ? 0 : 4; b < NUM_SUBBANDS; b++) variance[b] = bandVariance(data, width, subbands[b], lowSum >= 20000);
  const qRaw = binWidths(variance, bitrate);
  const q = new Float64Array(64);
  const z = new Float64Array(64);
  for (let b = 0; b < NUM_SUBBANDS; b++) {
    if (qRaw[b] === 0) continue;
    // Keep every quantized coefficient within the 16-bit escape range.
    const s = subbands[b];
    let peak = 0;
    for (let y = 0; y < s.leny; y++) {
      const row = (s.y + y) * width + s.x;
      for (let x = 0; x < s.lenx; x++) peak = Math.max(peak, Math.abs(data[row + x]));
    }
    let qb = Math.max(qRaw[b], peak / 60000);
    while (stored16(qb) < qRaw[b] || (peak > 0 && peak / stored16(qb) > 60000)) qb *= 1.0001;
    q[b] = stored16(qb);
    z[b] = q[b] === 0 ? 0 : stored16(1.2 * q[b]);
  }

  // Quantize, subband by subband, in coding order.
  let total = 0;
  for (let b = 0; b < NUM_SUBBANDS; b++) if (q[b] !== 0) total += subbands[b].lenx * subbands[b].leny;
  const values = new Int32Array(total);
  const blockStart = [0, 0, 0, total];
  let k = 0;
  for (let b = 0; b < NUM_SUBBANDS; b++) {
    if (b === START_BLOCK_2) blockStart[1] = k;
    if (b === START_BLOCK_3) blockStart[2] = k;
    if (q[b] === 0) continue;
    const s = subbands[b];
    const qb = q[b];
    const halfZ = z[b] / 2;
    for (let y = 0; y < s.leny; y++) {
      const row = (s.y + y) * width + s.x;
      for (let x = 0; x < s.lenx; x++) {
        const v = data[row + x];
        let c = 0;
        if (v > halfZ) c = Math.trunc((v - halfZ) / qb + 1);
        else if (v < -halfZ) c = Math.trunc((v + halfZ) / qb - 1);
        values[k++] = c > 0xffff ? 0xffff : c < -0xffff ? -0xffff : c;
      }
    }
  }

  // Write the file.
  const w = new ByteWriter();
  w.u16(MARKER.SOI);
  const nistcom = formatNistcom([
    ['PIX_WIDTH', String(width)],
    ['PIX_HEIGHT', String(height)],
    ['PIX_DEPTH', '8'],
    ['PPI', String(Math.round(image.ppi))],
    ['LOSSY', '1'],
    ['COLORSPACE', 'GRAY'],
    ['COMPRESSION', 'WSQ'],
    ['WSQ_BITRATE', bitrate.toFixed(6)],
  ]);
  const putComment = (text: string): void => {
    const body = new ByteWriter();
    for (let i = 0; i < text.length && i < 0xfff0; i++) body.u8(text.charCodeAt(i) <= 0xff ? text.charCodeAt(i) : 0x3f);
    putSegment(w, MARKER.COM, body);
  };
  putComment(nistcom);
  if (options.comment !== undefined && options.comment !== '') putComment(options.comment);

  const dtt = new ByteWriter();
  dtt.u8(lowHalf.length * 2 - 1);
  dtt.u8(highHalf.length * 2 - 1);
  for (const c of [...ANALYSIS_LOWPASS_HALF, ...ANALYSIS_HIGHPASS_HALF]) {
    const { exponent, raw } = toScaled(c, 0xffffffff);
    dtt.u8(c < 0 ? 1 : 0);
    dtt.u8(exponent);
    dtt.u32(raw);
  }
  putSegment(w, MARKER.DTT, dtt);

  const dqt = new ByteWriter();
  putScaled16(dqt, 0.44);
  for (let b = 0; b < 64; b++) {
    putScaled16(dqt, q[b]);
    putScaled16(dqt, z[b]);
  }
  putSegment(w, MARKER.DQT, dqt);

  const sof = new ByteWriter();
  sof.u8(0); // black
  sof.u8(255); // white
  sof.u16(height);
  sof.u16(width);
  putScaled16(sof, shift);
  putScaled16(sof, scale);
  sof.u8(2); // encoder number
  sof.u16(0); // software implementation number
  putSegment(w, MARKER.SOF, sof);

  const putBlock = (tableId: number, from: number, to: number, table: ReturnType<typeof buildEncoderTable>): void => {
    const sob = new ByteWriter();
    sob.u8(tableId);
    putSegment(w, MARKER.SOB, sob);
    w.bytes(codeBlock(values, from, to, table.code, table.length));
  };
  const table0 = huffmanFor(values, [[blockStart[0], blockStart[1]]]);
  putHuffmanTable(w, 0, table0.spec);
  putBlock(0, blockStart[0], blockStart[1], table0);
  const table1 = huffmanFor(values, [
    [blockStart[1], blockStart[2]],
    [blockStart[2], blockStart[3]],
  ]);
  putHuffmanTable(w, 1, table1.spec);
  putBlock(1, blockStart[1], blockStart[2], table1);
  putBlock(1, blockStart[2], blockStart[3], table1);
  w.u16(MARKER.EOI);
  return w.result();
}
