import { BiometricError } from '../errors.ts';
import { checkDimensions, checkResolution, type GrayImage } from './gray-image.ts';

export interface RawDecodeOptions {
  width: number;
  height: number;
  /** Pixels per inch; 500 when not given. */
  ppi?: number;
}

/**
 * Headerless 8-bit gray pixels, row-major, 0 = black. The byte count must be exactly
 * width × height: a raw file carries nothing else to check it against.
 */
export function decodeRaw(bytes: Uint8Array, options: RawDecodeOptions): GrayImage {
  const { width, height } = options;
  const ppi = options.ppi ?? 500;
  checkDimensions(width, height);
  checkResolution(ppi);
  const expected = width * height;
  if (bytes.length < expected) throw new BiometricError('IMAGE_TRUNCATED', `raw image of ${width} × ${height} needs ${expected} bytes, got ${bytes.length}`, bytes.length);
  if (bytes.length > expected) throw new BiometricError('IMAGE_FORMAT', `raw image of ${width} × ${height} needs ${expected} bytes, got ${bytes.length}`, expected);
  return { width, height, ppi, pixels: bytes.slice() };
}
