import { BiometricError } from '../errors.ts';
import { checkDimensions, type GrayImage } from './gray-image.ts';

/**
 * Baseline TIFF reader for 8-bit grayscale, uncompressed, stripped images (what FVC and most
 * scanners write). Either byte order; WhiteIsZero is inverted to the engine's black-ridge
 * convention. Every offset is checked against the bytes present before it is read.
 */
export function isTiff(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42));
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

export function decodeTiff(bytes: Uint8Array, defaultPpi = 500): GrayImage {
  if (!isTiff(bytes)) throw new BiometricError('IMAGE_FORMAT', 'not a TIFF file (bad byte-order mark)', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x49;
  const need = (offset: number, size: number): void => {
    if (offset < 0 || offset + size > bytes.length) throw new BiometricError('IMAGE_TRUNCATED', `TIFF needs ${size} bytes past the end of the file`, offset);
  };
  const u16 = (o: number): number => (need(o, 2), view.getUint16(o, le));
  const u32 = (o: number): number => (need(o, 4), view.getUint32(o, le));

  const ifd = u32(4);
  const count = u16(ifd);
  need(ifd + 2, count * 12);
  const tags = new Map<number, number[]>();
  // Tags may share one value array, so bound the total work rather than trust the file.
  let valueBudget = Math.max(1_000_000, 4 * bytes.length);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = u16(entry);
    const type = u16(entry + 2);
    const n = u32(entry + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined) continue; // unknown field types are skipped, as the TIFF spec asks
    if (n > 1_000_000) throw new BiometricError('IMAGE_FORMAT', `TIFF tag ${tag} declares ${n} values`, entry);
    valueBudget -= n;
    if (valueBudget < 0) throw new BiometricError('IMAGE_FORMAT', 'TIFF tags declare more values than the file can hold', entry);
    const total = size * n;
    const at = total <= 4 ? entry + 8 : u32(entry + 8);
    need(at, total);
    const values: number[] = [];
    // Rationals are kept as numerator/denominator pairs; only the first few values of long arrays matter here.
    for (let k = 0; k < n; k++) {
      const o = at + k * size;
      if (type === 3 || type === 8) values.push(view.getUint16(o, le));
      else if (type === 4 || type === 9) values.push(view.getUint32(o, le));
      else if (type === 5 || type === 10) values.push(view.getUint32(o, le) / Math.max(1, view.getUint32(o + 4, le)));
      else if (type === 1 || type === 6 || type === 7 || type === 2) values.push(bytes[o]);
      else values.push(0);
    }
    tags.set(tag, values);
  }
  const one = (tag: number, fallback?: number): number => {
    const v = tags.get(tag);
    if (v === undefined || v.length === 0) {
      if (fallback === undefined) throw new BiometricError('IMAGE_FORMAT', `TIFF lacks required tag ${tag}`, ifd);
      return fallback;
    }
    return v[0];
  };
  const width = one(256);
  const height = one(257);
  checkDimensions(width, height, ifd);
  const bits = one(258, 1);
  const samples = one(277, 1);
  const compression = one(259, 1);
  const photometric = one(262, 1);
  if (compression !== 1) throw new BiometricError('IMAGE_UNSUPPORTED', `TIFF compression ${compression} is not supported (only uncompressed)`, ifd);
  if (bits !== 8 || samples !== 1 || (photometric !== 0 && photometric !== 1)) {
    throw new BiometricError('IMAGE_UNSUPPORTED', `TIFF must be 8-bit grayscale (got ${bits} bits × ${samples} samples, photometric ${photometric})`, ifd);
  }
  const offsets = tags.get(273);
  if (!offsets || offsets.length === 0) throw new BiometricError('IMAGE_FORMAT', 'TIFF has no strip offsets', ifd);
  const rowsPerStrip = Math.min(one(278, height), height) || height;
  const counts = tags.get(279);
  const pixels = new Uint8Array(width * height);
  let written = 0;
  for (let s = 0; s < offsets.length && written < pixels.length; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    if (rows <= 0) break; // more strips than rows: the image is short, reported below
    const length = Math.min(rows * width, counts?.[s] ?? rows * width, pixels.length - written);
    need(offsets[s], length);
    pixels.set(bytes.subarray(offsets[s], offsets[s] + length), written);
    written += length;
  }
  if (written < pixels.length) throw new BiometricError('IMAGE_TRUNCATED', `TIFF strips hold ${written} of ${pixels.length} pixels`, ifd);
  if (photometric === 0) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i];

  let ppi = defaultPpi;
  const xres = tags.get(282)?.[0];
  const unit = one(296, 2);
  if (xres !== undefined && xres > 0) {
    const candidate = unit === 3 ? xres * 2.54 : unit === 2 ? xres : 0;
    if (candidate >= 250 && candidate <= 2000) ppi = Math.round(candidate);
  }
  return { width, height, ppi, pixels };
}
