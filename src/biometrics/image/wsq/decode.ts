import { BiometricError } from '../../errors.ts';
import { checkDimensions, grayImage, type GrayImage } from '../gray-image.ts';
import {
  COEFF_SYMBOL_OFFSET,
  MARKER,
  MAX_HUFFMAN_BITS,
  MAX_HUFFMAN_TABLES,
  MAX_HUFFMAN_VALUES,
  MAX_ZERO_RUN_SYMBOL,
  NUM_SUBBANDS,
  RST_FIRST,
  RST_LAST,
  SYM_ESC_NEG16,
  SYM_ESC_NEG8,
  SYM_ESC_POS16,
  SYM_ESC_POS8,
  SYM_ZRUN16,
  SYM_ZRUN8,
} from './constants.ts';
import { buildDecoder, LOOKUP_BITS, type HuffmanDecoder } from './huffman.ts';
import { parseNistcom } from './nistcom.ts';
import { buildSubbands, buildWaveletTree } from './tree.ts';
import { reconstruct, type FilterBank } from './wavelet.ts';

/** Frame header (SOF) fields. */
export interface WsqFrame {
  readonly black: number;
  readonly white: number;
  readonly width: number;
  readonly height: number;
  /** Image mean M and scale R: pixel = coefficient · R + M. */
  readonly shift: number;
  readonly scale: number;
  readonly encoder: number;
  readonly software: number;
}

export interface WsqQuantization {
  readonly binCenter: number;
  /** Q (bin width) and Z (zero-bin width) for the 64 subbands; 0 means "not coded". */
  readonly q: Float64Array;
  readonly z: Float64Array;
}

/** Everything the headers of a WSQ file say, without decoding the image. */
export interface WsqInfo {
  readonly frame: WsqFrame;
  readonly ppi: number | undefined;
  /** NISTCOM fields, when the file has a NIST comment. */
  readonly nistcom: ReadonlyMap<string, string> | undefined;
  readonly comments: readonly string[];
}

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `WSQ ${what} runs past the end of the data`, this.pos);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const v = b[this.pos] * 0x1000000 + ((b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]);
    this.pos += 4;
    return v;
  }
  /** A scaled decimal: exponent byte then an unsigned integer; value = integer / 10^exponent. */
  scaled16(what: string): number {
    const exponent = this.u8(what);
    const raw = this.u16(what);
    return raw / 10 ** exponent;
  }
}

function markerName(m: number): string {
  const names: Record<number, string> = { 0xffa0: 'SOI', 0xffa1: 'EOI', 0xffa2: 'SOF', 0xffa3: 'SOB', 0xffa4: 'DTT', 0xffa5: 'DQT', 0xffa6: 'DHT', 0xffa7: 'DRT', 0xffa8: 'COM' };
  return names[m] ?? `0x${m.toString(16).toUpperCase()}`;
}

/** Reads a segment's 16-bit length and checks it lies within the data; returns the end offset. */
function segmentEnd(r: Reader, name: string, minimum: number): number {
  const at = r.pos;
  const length = r.u16(`${name} length`);
  if (length < minimum) throw new BiometricError('IMAGE_FORMAT', `WSQ ${name} segment length ${length} is too short`, at);
  const end = at + length;
  if (end > r.bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `WSQ ${name} segment of ${length} bytes runs past the end of the data`, at);
  return end;
}

function expectEnd(r: Reader, end: number, name: string): void {
  if (r.pos !== end) throw new BiometricError('IMAGE_FORMAT', `WSQ ${name} segment length does not match its content`, r.pos);
}

function readTransformTable(r: Reader): FilterBank {
  const at = r.pos;
  const end = segmentEnd(r, 'DTT', 4);
  const lowSize = r.u8('DTT filter size');
  const highSize = r.u8('DTT filter size');
  if (lowSize % 2 === 0 || highSize % 2 === 0) throw new BiometricError('IMAGE_UNSUPPORTED', `WSQ even-length wavelet filters (${lowSize}/${highSize} taps) are not supported`, at);
  if (lowSize < 1 || highSize < 1 || lowSize > 31 || highSize > 31) throw new BiometricError('IMAGE_FORMAT', `WSQ wavelet filter sizes ${lowSize}/${highSize} are out of range`, at);
  const readHalf = (size: number): number[] => {
    const half: number[] = [];
    for (let i = 0; i < (size + 1) / 2; i++) {
      const sign = r.u8('DTT coefficient');
      const exponent = r.u8('DTT coefficient');
      const value = r.u32('DTT coefficient') / 10 ** exponent;
      half.push(sign === 0 ? value : -value);
    }
    return half;
  };
  const lowHalf = readHalf(lowSize);
  const highHalf = readHalf(highSize);
  expectEnd(r, end, 'DTT');
  if (![...lowHalf, ...highHalf].every(Number.isFinite)) throw new BiometricError('IMAGE_FORMAT', 'WSQ wavelet filter coefficient is not finite', at);
  return { lowHalf, highHalf };
}

function readQuantizationTable(r: Reader): WsqQuantization {
  const end = segmentEnd(r, 'DQT', 2);
  const binCenter = r.scaled16('DQT bin centre');
  const q = new Float64Array(64);
  const z = new Float64Array(64);
  for (let i = 0; i < 64; i++) {
    q[i] = r.scaled16('DQT bin width');
    z[i] = r.scaled16('DQT zero-bin width');
  }
  expectEnd(r, end, 'DQT');
  return { binCenter, q, z };
}

function readHuffmanTables(r: Reader, tables: (HuffmanDecoder | undefined)[]): void {
  const end = segmentEnd(r, 'DHT', 2);
  while (r.pos < end) {
    const at = r.pos;
    const id = r.u8('DHT table id');
    if (id >= MAX_HUFFMAN_TABLES) throw new BiometricError('IMAGE_FORMAT', `WSQ Huffman table id ${id} is out of range`, at);
    const bits = new Uint8Array(MAX_HUFFMAN_BITS);
    let total = 0;
    for (let i = 0; i < MAX_HUFFMAN_BITS; i++) {
      bits[i] = r.u8('DHT code counts');
      total += bits[i];
    }
    if (total === 0 || total > MAX_HUFFMAN_VALUES) throw new BiometricError('IMAGE_FORMAT', `WSQ Huffman table ${id} declares ${total} codes`, at);
    if (r.pos + total > end) throw new BiometricError('IMAGE_FORMAT', `WSQ Huffman table ${id} values run past its segment`, r.pos);
    const values = r.bytes.slice(r.pos, r.pos + total);
    r.pos += total;
    tables[id] = buildDecoder({ bits, values }, at);
  }
  expectEnd(r, end, 'DHT');
}

function readFrame(r: Reader): WsqFrame {
  const at = r.pos;
  const end = segmentEnd(r, 'SOF', 2);
  const black = r.u8('SOF');
  const white = r.u8('SOF');
  const height = r.u16('SOF');
  const width = r.u16('SOF');
  const shift = r.scaled16('SOF shift');
  const scale = r.scaled16('SOF scale');
  const encoder = r.u8('SOF');
  const software = r.u16('SOF');
  expectEnd(r, end, 'SOF');
  checkDimensions(width, height, at);
  return { black, white, width, height, shift, scale, encoder, software };
}

function readComment(r: Reader): string {
  const end = segmentEnd(r, 'COM', 2);
  let text = '';
  for (let i = r.pos; i < end; i++) text += String.fromCharCode(r.bytes[i]);
  r.pos = end;
  return text;
}

/**
 * Where decoded coefficients go: walks the coded subbands in order, row by row, writing the
 * dequantized value of each non-zero coefficient straight into the image plane.
 */
class CoefficientSink {
  private band = -1;
  private col = 0;
  private row = 0;
  private pos = 0;
  private lenx = 0;
  private leny = 0;
  private q = 0;
  private halfZ = 0;
  /** Coefficients written so far, and how many the image holds. */
  count = 0;
  readonly capacity: number;
  private readonly bands: number[] = [];

  constructor(
    private readonly plane: Float32Array,
    private readonly width: number,
    private readonly subbands: readonly { x: number; y: number; lenx: number; leny: number }[],
    private readonly quant: WsqQuantization,
    /** Beyond `capacity`, up to this many more coefficients are tolerated and dropped. */
    readonly limit: number,
  ) {
    let capacity = 0;
    for (let b = 0; b < NUM_SUBBANDS; b++) {
      if (quant.q[b] === 0) continue;
      const s = subbands[b];
      if (s.lenx <= 0 || s.leny <= 0) continue;
      this.bands.push(b);
      capacity += s.lenx * s.leny;
    }
    this.capacity = capacity;
    this.nextBand();
  }

  private nextBand(): void {
    this.band++;
    if (this.band >= this.bands.length) {
      this.lenx = 0;
      return;
    }
    const b = this.bands[this.band];
    const s = this.subbands[b];
    this.lenx = s.lenx;
    this.leny = s.leny;
    this.col = 0;
    this.row = 0;
    this.pos = s.y * this.width + s.x;
    this.q = this.quant.q[b];
    this.halfZ = this.quant.z[b] / 2;
  }

  /** Skips `n` zero coefficients; returns false when that overruns the limit. */
  zeros(n: number): boolean {
    this.count += n;
    if (this.count > this.limit) return false;
    if (n < this.lenx - this.col) {
      this.col += n;
      this.pos += n;
      return true;
    }
    while (n > 0 && this.lenx > 0) {
      const left = this.lenx - this.col;
      if (n < left) {
        this.col += n;
        this.pos += n;
        return true;
      }
      n -= left;
      this.row++;
      if (this.row >= this.leny) this.nextBand();
      else {
        this.pos += left + this.width - this.lenx;
        this.col = 0;
      }
    }
    return true;
  }

  value(v: number, binCenter: number): boolean {
    if (this.lenx > 0) {
      this.plane[this.pos] = v > 0 ? this.q * (v - binCenter) + this.halfZ : this.q * (v + binCenter) - this.halfZ;
      // Common case: the next coefficient is on the same subband row.
      if (this.col + 1 < this.lenx && this.count < this.limit) {
        this.col++;
        this.pos++;
        this.count++;
        return true;
      }
    }
    return this.zeros(1);
  }
}

/** Finds the end of an entropy-coded segment and removes the 0xFF00 byte stuffing. */
function unstuff(bytes: Uint8Array, start: number): { data: Uint8Array; length: number; end: number } {
  let end = start;
  let stuffed = 0;
  const n = bytes.length;
  while (true) {
    if (end >= n) throw new BiometricError('IMAGE_TRUNCATED', 'WSQ entropy-coded block has no terminating marker', end);
    if (bytes[end] === 0xff) {
      if (end + 1 >= n) throw new BiometricError('IMAGE_TRUNCATED', 'WSQ entropy-coded block ends inside a marker', end);
      if (bytes[end + 1] !== 0x00) break;
      stuffed++;
      end += 2;
    } else end++;
  }
  const length = end - start - stuffed;
  const data = new Uint8Array(length + 4); // zero padding lets the bit reader peek past the end
  if (stuffed === 0) data.set(bytes.subarray(start, end));
  else {
    let o = 0;
    for (let i = start; i < end; i++) {
      data[o++] = bytes[i];
      if (bytes[i] === 0xff) i++;
    }
  }
  return { data, length, end };
}

/** Huffman-decodes one block into the coefficient sink. */
function decodeBlock(data: Uint8Array, byteLength: number, table: HuffmanDecoder, sink: CoefficientSink, binCenter: number, offset: number): void {
  // Imported bindings are read through accessors under some loaders: copy them to locals.
  const lookupBits = LOOKUP_BITS;
  const lookupMask = (1 << lookupBits) - 1;
  const maxBits = MAX_HUFFMAN_BITS;
  const maxZeroRun = MAX_ZERO_RUN_SYMBOL;
  const zrun8 = SYM_ZRUN8;
  const zrun16 = SYM_ZRUN16;
  const escPos8 = SYM_ESC_POS8;
  const escNeg8 = SYM_ESC_NEG8;
  const escPos16 = SYM_ESC_POS16;
  const escNeg16 = SYM_ESC_NEG16;
  const coeffOffset = COEFF_SYMBOL_OFFSET;
  const totalBits = byteLength * 8;
  const { lookup, maxCode, minCode, valPtr, values } = table;
  let bitPos = 0;
  // One big-endian 32-bit load gives the 24 bits from bit p on (the data has 4 bytes of padding).
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const peek24 = (p: number): number => (view.getUint32(p >>> 3) << (p & 7)) >>> 8;
  const readBits = (count: number): number => {
    if (bitPos + count > totalBits) throw new BiometricError('IMAGE_TRUNCATED', 'WSQ coefficient escape runs past the end of its block', offset);
    const v = count === 8 ? (peek24(bitPos) >>> 16) & 0xff : (peek24(bitPos) >>> 8) & 0xffff;
    bitPos += count;
    return v;
  };
  const overrun = (): never => {
    throw new BiometricError('IMAGE_FORMAT', `WSQ coefficient data holds more than the ${sink.limit} coefficients the image has room for`, offset);
  };
  while (bitPos < totalBits) {
    const window = peek24(bitPos);
    const entry = lookup[(window >>> (24 - lookupBits)) & lookupMask];
    let symbol: number;
    if (entry !== 0) {
      const len = entry >>> 8;
      if (bitPos + len > totalBits) break; // only padding left
      bitPos += len;
      symbol = entry & 0xff;
    } else {
      let code = (window >>> (24 - lookupBits)) & lookupMask;
      let len = lookupBits;
      while (len <= maxBits && code > maxCode[len]) {
        len++;
        code = (window >>> (24 - len)) & ((1 << len) - 1);
      }
      if (len > maxBits) {
        if (bitPos + maxBits > totalBits) break; // padding ones at the end of the block
        throw new BiometricError('IMAGE_FORMAT', 'WSQ Huffman data contains an invalid code', offset);
      }
      if (bitPos + len > totalBits) break;
      bitPos += len;
      symbol = values[valPtr[len] + code - minCode[len]];
    }
    if (symbol > zrun16 && symbol < 0xff) {
      if (!sink.value(symbol - coeffOffset, binCenter)) overrun();
    } else if (symbol >= 1 && symbol <= maxZeroRun) {
      if (!sink.zeros(symbol)) overrun();
    } else if (symbol === escPos8 || symbol === escNeg8) {
      const v = readBits(8);
      if (!sink.value(symbol === escPos8 ? v : -v, binCenter)) overrun();
    } else if (symbol === escPos16 || symbol === escNeg16) {
      const v = readBits(16);
      if (!sink.value(symbol === escPos16 ? v : -v, binCenter)) overrun();
    } else if (symbol === zrun8) {
      if (!sink.zeros(readBits(8))) overrun();
    } else if (symbol === zrun16) {
      if (!sink.zeros(readBits(16))) overrun();
    } else {
      throw new BiometricError('IMAGE_FORMAT', `WSQ Huffman symbol ${symbol} is not defined`, offset);
    }
  }
}

interface Parsed {
  info: WsqInfo;
  pixels: Uint8Array;
}

function parse(bytes: Uint8Array, decodePixels: boolean): Parsed {
  const r = new Reader(bytes);
  if (bytes.length < 2 || ((bytes[0] << 8) | bytes[1]) !== MARKER.SOI) throw new BiometricError('IMAGE_FORMAT', 'not a WSQ file (no SOI marker)', 0);
  r.pos = 2;
  let bank: FilterBank | undefined;
  let quant: WsqQuantization | undefined;
  const tables: (HuffmanDecoder | undefined)[] = [];
  let frame: WsqFrame | undefined;
  const comments: string[] = [];
  let plane: Float32Array | undefined;
  let sink: CoefficientSink | undefined;
  let blocks = 0;
  while (true) {
    const at = r.pos;
    const marker = r.u16('marker');
    if ((marker & 0xff00) !== 0xff00) throw new BiometricError('IMAGE_FORMAT', `expected a WSQ marker, found 0x${marker.toString(16)}`, at);
    if (marker === MARKER.EOI) break;
    switch (marker) {
      case MARKER.COM:
        comments.push(readComment(r));
        break;
      case MARKER.DTT:
        if (blocks > 0) throw new BiometricError('IMAGE_FORMAT', 'WSQ transform table redefined after coded data', at);
        bank = readTransformTable(r);
        break;
      case MARKER.DQT:
        if (blocks > 0) throw new BiometricError('IMAGE_FORMAT', 'WSQ quantization table redefined after coded data', at);
        quant = readQuantizationTable(r);
        break;
      case MARKER.DHT:
        readHuffmanTables(r, tables);
        break;
      case MARKER.DRT: {
        const end = segmentEnd(r, 'DRT', 2);
        r.pos = end;
        break;
      }
      case MARKER.SOF:
        if (frame !== undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ file has more than one frame header', at);
        frame = readFrame(r);
        if (!decodePixels) return { info: infoFrom(frame, comments), pixels: new Uint8Array(0) };
        break;
      case MARKER.SOB: {
        const end = segmentEnd(r, 'SOB', 3);
        const id = r.u8('SOB table id');
        expectEnd(r, end, 'SOB');
        if (frame === undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ coded block before the frame header', at);
        if (bank === undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ coded block before the transform table', at);
        if (quant === undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ coded block before the quantization table', at);
        const table = tables[id];
        if (table === undefined) throw new BiometricError('IMAGE_FORMAT', `WSQ coded block uses undefined Huffman table ${id}`, at);
        if (plane === undefined || sink === undefined) {
          const subbands = buildSubbands(buildWaveletTree(frame.width, frame.height));
          plane = new Float32Array(frame.width * frame.height);
          sink = new CoefficientSink(plane, frame.width, subbands, quant, frame.width * frame.height);
        }
        const seg = unstuff(bytes, r.pos);
        decodeBlock(seg.data, seg.length, table, sink, quant.binCenter, r.pos);
        r.pos = seg.end;
        blocks++;
        break;
      }
      default:
        if (marker >= RST_FIRST && marker <= RST_LAST) throw new BiometricError('IMAGE_UNSUPPORTED', 'WSQ restart markers are not supported', at);
        throw new BiometricError('IMAGE_FORMAT', `unexpected WSQ marker ${markerName(marker)}`, at);
    }
  }
  if (frame === undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ file has no frame header', r.pos);
  const info = infoFrom(frame, comments);
  if (plane === undefined || bank === undefined) throw new BiometricError('IMAGE_FORMAT', 'WSQ file has no coded image data', r.pos);
  const { width, height } = frame;
  reconstruct(plane, width, height, buildWaveletTree(width, height), bank);
  const pixels = toPixels(plane, width * height, frame.scale, frame.shift);
  return { info, pixels };
}

/** pixel = coefficient · scale + shift, rounded and clamped to 0…255 (own function so it is optimised on its own). */
function toPixels(plane: Float32Array, count: number, scale: number, shift: number): Uint8Array {
  const pixels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = plane[i] * scale + shift + 0.5;
    pixels[i] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0; // truncates, as the reference does
  }
  return pixels;
}

function infoFrom(frame: WsqFrame, comments: readonly string[]): WsqInfo {
  let nistcom: ReadonlyMap<string, string> | undefined;
  for (const c of comments) {
    const fields = parseNistcom(c);
    if (fields !== undefined) {
      nistcom = fields;
      break;
    }
  }
  const ppiText = nistcom?.get('PPI');
  const ppiValue = ppiText === undefined ? NaN : Number(ppiText);
  const ppi = Number.isFinite(ppiValue) && ppiValue > 0 ? ppiValue : undefined;
  return { frame, ppi, nistcom, comments };
}

/** Reads the headers of a WSQ file (up to the frame header) without decoding the image. */
export function readWsqInfo(bytes: Uint8Array): WsqInfo {
  return parse(bytes, false).info;
}

export interface WsqDecodeOptions {
  /** Resolution to use when the file carries no plausible NISTCOM PPI (default 500). */
  readonly defaultPpi?: number;
  /** Resolution known from elsewhere (an ANSI/NIST record, say); overrides the NISTCOM PPI. */
  readonly ppi?: number;
}

/**
 * Decodes a WSQ file into an 8-bit gray image; throws BiometricError for malformed input.
 * The resolution is `options.ppi`, else the NISTCOM PPI when it lies in 250–2000, else
 * `options.defaultPpi` (500).
 */
export function decodeWsq(bytes: Uint8Array, options: WsqDecodeOptions = {}): GrayImage {
  const { info, pixels } = parse(bytes, true);
  const fromComment = info.ppi !== undefined && info.ppi >= 250 && info.ppi <= 2000 ? info.ppi : undefined;
  const ppi = options.ppi ?? fromComment ?? options.defaultPpi ?? 500;
  return grayImage(info.frame.width, info.frame.height, ppi, pixels);
}
