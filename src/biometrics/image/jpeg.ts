import jpeg from 'jpeg-js';
import { BiometricError } from '../errors.ts';
import { checkDimensions, checkResolution, type GrayImage } from './gray-image.ts';

/**
 * JPEG reader (baseline, extended and progressive DCT, through jpeg-js) producing the
 * engine's 8-bit gray image. One-component images are read as they are; three-component
 * images are accepted when every pixel is gray (within {@link JPEG_GRAY_TOLERANCE} levels,
 * since lossy chroma rarely comes back exactly neutral) and refused as IMAGE_UNSUPPORTED
 * otherwise. The frame header is read here first, so dimensions are checked before jpeg-js
 * allocates anything; every exception jpeg-js throws comes back as a BiometricError.
 */

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export interface JpegDecodeOptions {
  /** Resolution to use instead of the JFIF density (and instead of the 500 ppi default). */
  ppi?: number;
}

/** Largest channel spread (max − min of R, G, B) still counted as a gray pixel. */
export const JPEG_GRAY_TOLERANCE = 6;
const DEFAULT_PPI = 500;

interface JpegHeader {
  width: number;
  height: number;
  components: number;
  /** Resolution from the JFIF APP0 density, when it is given in dots per inch or per cm. */
  ppi?: number;
  frameOffset: number;
}

/** Walks the marker segments up to the first scan, reading the frame header and JFIF density. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  if (!isJpeg(bytes)) throw new BiometricError('IMAGE_FORMAT', 'not a JPEG file (no SOI marker)', 0);
  let pos = 2;
  let ppi: number | undefined;
  let frame: JpegHeader | undefined;
  while (true) {
    if (pos >= bytes.length) throw new BiometricError('IMAGE_TRUNCATED', 'JPEG ends before its first scan', pos);
    if (bytes[pos] !== 0xff) throw new BiometricError('IMAGE_FORMAT', `JPEG expected a marker, found 0x${bytes[pos].toString(16)}`, pos);
    const markerAt = pos;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++; // fill bytes
    if (pos >= bytes.length) throw new BiometricError('IMAGE_TRUNCATED', 'JPEG ends inside a marker', markerAt);
    const marker = bytes[pos++];
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // stand-alone markers
    if (marker === 0xd8 || marker === 0xd9) throw new BiometricError('IMAGE_FORMAT', `JPEG has a misplaced ${marker === 0xd8 ? 'SOI' : 'EOI'} marker`, markerAt);
    if (pos + 2 > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', 'JPEG segment length runs past the end', pos);
    const length = (bytes[pos] << 8) | bytes[pos + 1];
    if (length < 2) throw new BiometricError('IMAGE_FORMAT', `JPEG segment length ${length} is too small`, pos);
    if (pos + length > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `JPEG segment of ${length} bytes runs past the end`, pos);
    const data = pos + 2;
    if (marker === 0xe0 && length >= 16 && bytes[data] === 0x4a && bytes[data + 1] === 0x46 && bytes[data + 2] === 0x49 && bytes[data + 3] === 0x46 && bytes[data + 4] === 0) {
      const units = bytes[data + 7];
      const density = (bytes[data + 8] << 8) | bytes[data + 9];
      const candidate = units === 1 ? density : units === 2 ? Math.round(density * 2.54) : 0;
      if (candidate >= 250 && candidate <= 2000) ppi = candidate;
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame !== undefined) throw new BiometricError('IMAGE_FORMAT', 'JPEG has more than one frame header', markerAt);
      if (marker !== 0xc0 && marker !== 0xc1 && marker !== 0xc2) {
        throw new BiometricError('IMAGE_UNSUPPORTED', `JPEG process SOF${marker - 0xc0} is not supported (only baseline, extended and progressive DCT)`, markerAt);
      }
      if (length < 8) throw new BiometricError('IMAGE_FORMAT', 'JPEG frame header is too short', markerAt);
      const precision = bytes[data];
      const height = (bytes[data + 1] << 8) | bytes[data + 2];
      const width = (bytes[data + 3] << 8) | bytes[data + 4];
      const components = bytes[data + 5];
      if (precision !== 8) throw new BiometricError('IMAGE_UNSUPPORTED', `JPEG sample precision ${precision} is not supported (only 8-bit)`, data);
      checkDimensions(width, height, data + 1);
      if (length < 8 + 3 * components) throw new BiometricError('IMAGE_FORMAT', 'JPEG frame header is shorter than its component list', markerAt);
      if (components !== 1 && components !== 3) {
        throw new BiometricError('IMAGE_UNSUPPORTED', `JPEG with ${components} components is not supported (non-grayscale)`, data + 5);
      }
      // Every 8 × 8 block has its DC term coded in at least one bit, so a file too small for
      // the declared size is refused here rather than decoded (and allocated) as blank blocks.
      const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
      if (blocks > 8 * bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `JPEG of ${bytes.length} bytes cannot hold a ${width} × ${height} frame`, data + 1);
      frame = { width, height, components, frameOffset: markerAt };
    } else if (marker === 0xda) {
      if (frame === undefined) throw new BiometricError('IMAGE_FORMAT', 'JPEG scan comes before any frame header', markerAt);
      return { ...frame, ppi };
    }
    pos += length;
  }
}

export function decodeJpeg(bytes: Uint8Array, options: JpegDecodeOptions = {}): GrayImage {
  const header = readJpegHeader(bytes);
  const ppi = options.ppi ?? header.ppi ?? DEFAULT_PPI;
  checkResolution(ppi);

  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 16, maxMemoryUsageInMB: 256 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const ended = bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
    throw new BiometricError(ended ? 'IMAGE_FORMAT' : 'IMAGE_TRUNCATED', `JPEG does not decode: ${message}`, header.frameOffset);
  }
  const { width, height, data } = decoded;
  if (width !== header.width || height !== header.height || data.length !== width * height * 3) {
    throw new BiometricError('IMAGE_FORMAT', `JPEG decoded to ${width} × ${height}, not the ${header.width} × ${header.height} its frame declares`, header.frameOffset);
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < pixels.length; i++, j += 3) {
    const r = data[j];
    const g = data[j + 1];
    const b = data[j + 2];
    if (header.components === 3) {
      const spread = Math.max(r, g, b) - Math.min(r, g, b);
      if (spread > JPEG_GRAY_TOLERANCE) {
        throw new BiometricError('IMAGE_UNSUPPORTED', `JPEG is non-grayscale: pixel (${i % width}, ${Math.floor(i / width)}) is coloured`);
      }
      // ITU-R BT.601 luma, the Y the encoder started from.
      pixels[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    } else {
      pixels[i] = r;
    }
  }
  return { width, height, ppi, pixels };
}
