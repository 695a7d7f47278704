import { BiometricError } from '../errors.ts';
import { checkDimensions, checkResolution, WORKING_PPI, type GrayImage } from './gray-image.ts';

/**
 * Resamples a grayscale image to `targetPpi` (500 by default) with bilinear interpolation.
 * When shrinking by more than a factor of 1.5 a box pre-filter is folded in (area averaging
 * over the source footprint of each output pixel) so that fine ridges do not alias.
 * Pixel centres are aligned: output pixel i covers source coordinate (i + 0.5) / scale - 0.5.
 * An image already at the target resolution is returned unchanged.
 */
export function resampleTo(image: GrayImage, targetPpi: number = WORKING_PPI): GrayImage {
  checkDimensions(image.width, image.height);
  checkResolution(image.ppi);
  checkResolution(targetPpi);
  if (image.pixels.length !== image.width * image.height) {
    throw new BiometricError('IMAGE_TRUNCATED', `expected ${image.width * image.height} pixels, got ${image.pixels.length}`);
  }
  if (image.ppi === targetPpi) return image;
  const scale = targetPpi / image.ppi;
  const { width: sw, height: sh, pixels: src } = image;
  const width = Math.max(1, Math.round(sw * scale));
  const height = Math.max(1, Math.round(sh * scale));
  const out = new Uint8Array(width * height);

  // Footprint half-width in source pixels: 0 for up-sampling/mild shrinking (plain bilinear).
  const foot = scale < 1 / 1.5 ? 0.5 / scale : 0;
  // Precompute, per output column, the two source columns and the weight of the right one.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) / scale - 0.5));
    const x0 = Math.floor(sx);
    x0s[x] = x0;
    x1s[x] = Math.min(sw - 1, x0 + 1);
    wxs[x] = sx - x0;
  }
  if (foot === 0) {
    for (let y = 0; y < height; y++) {
      const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) / scale - 0.5));
      const y0 = Math.floor(sy);
      const y1 = Math.min(sh - 1, y0 + 1);
      const wy = sy - y0;
      const r0 = y0 * sw;
      const r1 = y1 * sw;
      const o = y * width;
      for (let x = 0; x < width; x++) {
        const a = x0s[x];
        const b = x1s[x];
        const wx = wxs[x];
        const top = src[r0 + a] + (src[r0 + b] - src[r0 + a]) * wx;
        const bottom = src[r1 + a] + (src[r1 + b] - src[r1 + a]) * wx;
        out[o + x] = Math.round(top + (bottom - top) * wy);
      }
    }
  } else {
    // Area averaging for strong reductions: mean of the source pixels under each output pixel.
    for (let y = 0; y < height; y++) {
      const cy = (y + 0.5) / scale;
      const ya = Math.max(0, Math.floor(cy - foot));
      const yb = Math.min(sh, Math.max(ya + 1, Math.ceil(cy + foot)));
      for (let x = 0; x < width; x++) {
        const cx = (x + 0.5) / scale;
        const xa = Math.max(0, Math.floor(cx - foot));
        const xb = Math.min(sw, Math.max(xa + 1, Math.ceil(cx + foot)));
        let sum = 0;
        for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) sum += src[yy * sw + xx];
        out[y * width + x] = Math.round(sum / ((yb - ya) * (xb - xa)));
      }
    }
  }
  return { width, height, ppi: targetPpi, pixels: out };
}
