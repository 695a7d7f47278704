/**
 * Fingerprint images out of a transaction, decoded for the fingerprint engine: every finger
 * image record (Types 3–6, 13 and 14) decoded at the record's own resolution, with its finger
 * position and impression type, and slaps (13 right four, 14 left four, 15 both thumbs)
 * segmented into single fingertips. One bad image never stops the others: each record gives
 * results or a typed failure. Pure: no I/O.
 */
import { BiometricError } from '../biometrics/errors.ts';
import { decodeImage, type ImageFormat } from '../biometrics/image/decode.ts';
import type { GrayImage } from '../biometrics/image/gray-image.ts';
import { isSlapPosition, segmentSlap, type RotatedBox } from '../biometrics/segment/slap.ts';
import { NistError } from './errors.ts';
import { imagesOf, type NistImage } from './images.ts';
import type { Transaction } from './model.ts';

export type FingerprintSource = 'rolled' | 'plain' | 'slap-segment' | 'latent';

interface ItemBase {
  readonly recordIndex: number;
  readonly recordType: number;
  /** NIST finger position: the record's (1–15), or for a slap segment the derived one (1–10). */
  readonly position: number;
  /** Impression type code of the record (0 live-scan plain, 1 live-scan rolled, 2/3 non-live …). */
  readonly impression: number | undefined;
}

export interface FingerprintImage extends ItemBase {
  readonly ok: true;
  readonly source: FingerprintSource;
  /** Which finger (1–10) the image shows, when it shows one: 11 → 1, 12 → 6; slaps: undefined. */
  readonly finger: number | undefined;
  readonly image: GrayImage;
  /** For a slap segment: the slap's position (13, 14, 15) and the fingertip's box in the slap. */
  readonly slapPosition?: number;
  readonly box?: RotatedBox;
  /** Where the resolution came from: the record (normal) or the image file (record had none). */
  readonly resolutionFrom: 'record' | 'image';
  readonly warnings: readonly string[];
}

export interface FingerprintImageFailure extends ItemBase {
  readonly ok: false;
  readonly error: NistError | BiometricError;
}

export type FingerprintImageResult = FingerprintImage | FingerprintImageFailure;

export interface FingerprintImagesOptions {
  /** Segment slaps into fingertips (default true). */
  readonly segment?: boolean;
  /** Also return each slap as a whole (default: only when not segmenting). */
  readonly keepSlaps?: boolean;
}

/** Record types that carry finger images. */
const FINGER_RECORD_TYPES = new Set([3, 4, 5, 6, 13, 14]);

const FORMATS: Record<string, ImageFormat | undefined> = { WSQ20: 'wsq', NONE: 'raw', PNG: 'png', JPEGB: 'jpeg', JPEGL: 'jpeg' };

/** rolled / plain / latent from the impression code, else from the position. */
function sourceOf(img: NistImage, position: number): FingerprintSource {
  const imp = img.impressionType;
  if (imp === 1 || imp === 3) return 'rolled';
  if (imp === 0 || imp === 2 || imp === 8 || (imp !== undefined && imp >= 20 && imp <= 29)) return 'plain';
  if (imp !== undefined && imp >= 4 && imp <= 7) return 'latent';
  if (img.recordType === 13) return 'latent';
  return position >= 1 && position <= 10 ? 'rolled' : 'plain';
}

function fingerOf(position: number): number | undefined {
  if (position >= 1 && position <= 10) return position;
  if (position === 11) return 1;
  if (position === 12) return 6;
  return undefined;
}

/** 1-bit-per-pixel rows (MSB first, 1 = black) to 8-bit gray. */
function unpackBinary(img: NistImage, width: number, height: number): Uint8Array {
  const stride = Math.ceil(width / 8);
  if (img.data.length < stride * height) {
    throw new BiometricError('IMAGE_TRUNCATED', `binary image of ${width} × ${height} needs ${stride * height} bytes, got ${img.data.length}`, img.data.length);
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = (img.data[y * stride + (x >> 3)] >> (7 - (x & 7))) & 1 ? 0 : 255;
  }
  return out;
}

/** Decodes one record's image at the record's resolution; throws NistError / BiometricError. */
export function decodeFingerprintImage(img: NistImage): { image: GrayImage; resolutionFrom: 'record' | 'image'; warnings: string[] } {
  const warnings: string[] = [];
  const ppi = img.ppi;
  if (ppi !== undefined && (ppi < 250 || ppi > 2000)) {
    throw new NistError('BAD_VALUE', `record resolution ${ppi} ppi is outside 250–2000 ppi`, { recordIndex: img.recordIndex });
  }
  let image: GrayImage;
  if (img.bitsPerPixel === 1 && img.compression === 'NONE') {
    if (!img.width || !img.height) throw new NistError('BAD_VALUE', 'binary image without width and height', { recordIndex: img.recordIndex });
    image = decodeImage(unpackBinary(img, img.width, img.height), { format: 'raw', width: img.width, height: img.height, ppi: ppi ?? 500 });
  } else {
    const format = FORMATS[img.compression];
    if (format === undefined) {
      throw new BiometricError('IMAGE_UNSUPPORTED', `record ${img.recordIndex}: ${img.compression} images are not decoded`);
    }
    if (format === 'raw') {
      if ((img.bitsPerPixel ?? 8) !== 8) throw new BiometricError('IMAGE_UNSUPPORTED', `record ${img.recordIndex}: ${img.bitsPerPixel} bits a pixel`);
      if (!img.width || !img.height) throw new NistError('BAD_VALUE', 'uncompressed image without width and height', { recordIndex: img.recordIndex });
      image = decodeImage(img.data, { format, width: img.width, height: img.height, ppi });
    } else {
      image = decodeImage(img.data, { format, ppi });
    }
  }
  if (ppi === undefined) warnings.push(`record gives no resolution; using the image's ${image.ppi} ppi`);
  if (img.width !== undefined && img.height !== undefined && (img.width !== image.width || img.height !== image.height)) {
    warnings.push(`record says ${img.width} × ${img.height}, image is ${image.width} × ${image.height}`);
  }
  return { image, resolutionFrom: ppi === undefined ? 'image' : 'record', warnings };
}

function asTyped(e: unknown, recordIndex: number): NistError | BiometricError {
  if (e instanceof NistError || e instanceof BiometricError) return e;
  // Anything else is a bug in a decoder; still report it against its record, typed.
  return new BiometricError('IMAGE_FORMAT', `record ${recordIndex}: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * Every fingerprint image of the transaction, in record order, slaps replaced by their
 * segmented fingertips (positions 2–5, 7–10, 6 and 1). Failures are returned, not thrown.
 */
export function fingerprintImagesOf(t: Transaction, options: FingerprintImagesOptions = {}): FingerprintImageResult[] {
  const segment = options.segment ?? true;
  const keepSlaps = options.keepSlaps ?? !segment;
  const out: FingerprintImageResult[] = [];
  for (const img of imagesOf(t)) {
    if (!FINGER_RECORD_TYPES.has(img.recordType)) continue;
    const position = img.positions[0] ?? 0;
    const base = { recordIndex: img.recordIndex, recordType: img.recordType, position, impression: img.impressionType };
    let decoded: ReturnType<typeof decodeFingerprintImage>;
    try {
      decoded = decodeFingerprintImage(img);
    } catch (e) {
      out.push({ ...base, ok: false, error: asTyped(e, img.recordIndex) });
      continue;
    }
    const slap = isSlapPosition(position);
    const source = sourceOf(img, position);
    if (!slap || keepSlaps) {
      out.push({ ...base, ok: true, source, finger: fingerOf(position), image: decoded.image, resolutionFrom: decoded.resolutionFrom, warnings: decoded.warnings });
    }
    if (!slap || !segment) continue;
    try {
      const seg = segmentSlap(decoded.image, position);
      if (!seg.complete) {
        out.push({
          ...base,
          ok: false,
          error: new BiometricError('IMAGE_UNSUPPORTED', `record ${img.recordIndex}: found ${seg.fingers.length} of ${seg.expected} fingers in slap ${position}`),
        });
        continue;
      }
      for (const f of seg.fingers) {
        out.push({
          ...base,
          position: f.position,
          ok: true,
          source: 'slap-segment',
          finger: f.position,
          image: f.image,
          slapPosition: position,
          box: f.box,
          resolutionFrom: decoded.resolutionFrom,
          warnings: decoded.warnings,
        });
      }
    } catch (e) {
      out.push({ ...base, ok: false, error: asTyped(e, img.recordIndex) });
    }
  }
  return out;
}
