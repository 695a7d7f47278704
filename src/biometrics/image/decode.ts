import { BiometricError } from '../errors.ts';
import { checkResolution, type GrayImage } from './gray-image.ts';
import { decodeJpeg, isJpeg } from './jpeg.ts';
import { decodePng, isPng } from './png.ts';
import { decodeRaw } from './raw.ts';
import { decodeTiff, isTiff } from './tiff.ts';
import { decodeWsq } from './wsq/decode.ts'; // not ./wsq/index.ts: decoding an image needs no encoder

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'raw' | 'wsq';

export interface DecodeImageOptions {
  /** Resolution that overrides whatever the file says (pHYs, JFIF density, TIFF XResolution). */
  ppi?: number;
  /** Required for raw images. */
  width?: number;
  height?: number;
  /** Skips sniffing. Raw images cannot be sniffed and need this (or width and height). */
  format?: ImageFormat;
}

/** WSQ files open with the SOI marker 0xFFA0 (and a further marker after it). */
export function isWsq(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xa0 && bytes[2] === 0xff;
}

/** Identifies a format from its magic bytes; undefined when none matches. */
export function sniffImageFormat(bytes: Uint8Array): Exclude<ImageFormat, 'raw'> | undefined {
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpeg';
  if (isTiff(bytes)) return 'tiff';
  if (isWsq(bytes)) return 'wsq';
  return undefined;
}

/**
 * Decodes PNG, JPEG, TIFF, WSQ or raw bytes to a GrayImage. The format is taken from
 * `options.format`, else sniffed from the magic bytes; bytes that match nothing are raw when
 * width and height are given and an IMAGE_FORMAT error otherwise. `options.ppi` wins over
 * the resolution recorded in the file.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): GrayImage {
  if (options.ppi !== undefined) checkResolution(options.ppi);
  let format: ImageFormat | undefined = options.format ?? sniffImageFormat(bytes);
  if (format === undefined && options.width !== undefined && options.height !== undefined) format = 'raw';
  switch (format) {
    case 'png':
      return decodePng(bytes, { ppi: options.ppi });
    case 'jpeg':
      return decodeJpeg(bytes, { ppi: options.ppi });
    case 'tiff': {
      const image = decodeTiff(bytes);
      return options.ppi === undefined ? image : { ...image, ppi: options.ppi };
    }
    case 'raw':
      if (options.width === undefined || options.height === undefined) throw new BiometricError('INVALID_ARGUMENT', 'a raw image needs its width and height');
      return decodeRaw(bytes, { width: options.width, height: options.height, ppi: options.ppi });
    case 'wsq':
      return decodeWsq(bytes, { ppi: options.ppi });
    default:
      throw new BiometricError('IMAGE_FORMAT', 'unrecognised image format (not PNG, JPEG, TIFF or WSQ)', 0);
  }
}
