import { BiometricError, MAX_IMAGE_SIDE } from '../errors.ts';

/**
 * An 8-bit grayscale fingerprint image: row-major, one byte a pixel, 0 = black (ridge),
 * 255 = white (valley / background). Every decoder produces this; every stage consumes it.
 */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** Pixels per inch. The extractor works at 500 ppi and resamples anything else. */
  readonly ppi: number;
  readonly pixels: Uint8Array;
}

/** The resolution the extractor works at; templates are expressed at this resolution. */
export const WORKING_PPI = 500;

/** Validates dimensions before anything is allocated; throws a typed error. */
export function checkDimensions(width: number, height: number, offset?: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new BiometricError('IMAGE_DIMENSIONS', `image dimensions ${width} × ${height} are not positive integers`, offset);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new BiometricError('IMAGE_DIMENSIONS', `image dimensions ${width} × ${height} exceed the ${MAX_IMAGE_SIDE} × ${MAX_IMAGE_SIDE} limit`, offset);
  }
}

export function checkResolution(ppi: number): void {
  if (!Number.isFinite(ppi) || ppi < 250 || ppi > 2000) {
    throw new BiometricError('IMAGE_RESOLUTION', `resolution ${ppi} ppi is outside 250–2000 ppi`);
  }
}

/** Builds a GrayImage after checking that the buffer holds exactly width × height bytes. */
export function grayImage(width: number, height: number, ppi: number, pixels: Uint8Array): GrayImage {
  checkDimensions(width, height);
  checkResolution(ppi);
  if (pixels.length !== width * height) {
    throw new BiometricError('IMAGE_TRUNCATED', `expected ${width * height} pixels, got ${pixels.length}`);
  }
  return { width, height, ppi, pixels };
}
