import { BiometricError } from '../errors.ts';
import type { GrayImage } from './gray-image.ts';
import { encodeRgbPng } from './png-encode.ts';

/**
 * A small 8-bit RGB raster for overlays: interleaved R, G, B, row-major. The drawing
 * primitives anti-alias by pixel coverage (distance from the pixel centre to the shape) and
 * blend with an optional opacity; everything is clipped to the raster.
 */
export interface RgbRaster {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes. */
  readonly data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

export interface StrokeOptions {
  /** Stroke width in pixels; default 1. */
  width?: number;
  /** Opacity 0–1; default 1. */
  alpha?: number;
}

/** Colours from the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies. */
export const COLORS = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  orange: [230, 159, 0],
  skyBlue: [86, 180, 233],
  bluishGreen: [0, 158, 115],
  yellow: [240, 228, 66],
  blue: [0, 114, 178],
  vermillion: [213, 94, 0],
  reddishPurple: [204, 121, 167],
} as const satisfies Record<string, Rgb>;

export function createRaster(width: number, height: number, background: Rgb = COLORS.white): RgbRaster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > 64_000_000) {
    throw new BiometricError('INVALID_ARGUMENT', `cannot make a ${width} × ${height} raster`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = background[0];
    data[i + 1] = background[1];
    data[i + 2] = background[2];
  }
  return { width, height, data };
}

/**
 * A gray image as RGB, resampled bilinearly by `scale` (1 = pixel for pixel). `fade` 0–1
 * lightens it towards white so that coloured marks drawn on top stand out.
 */
export function rasterFromGray(image: GrayImage, scale = 1, fade = 0): RgbRaster {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new BiometricError('INVALID_ARGUMENT', `raster scale ${scale} must be positive`);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const raster = createRaster(width, height);
  const { pixels } = image;
  const w = image.width;
  const h = image.height;
  const keep = 1 - fade;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(w - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = pixels[y0 * w + x0] * (1 - fx) + pixels[y0 * w + x1] * fx;
      const bottom = pixels[y1 * w + x0] * (1 - fx) + pixels[y1 * w + x1] * fx;
      const g = Math.round((top * (1 - fy) + bottom * fy) * keep + 255 * fade);
      const o = (y * width + x) * 3;
      raster.data[o] = g;
      raster.data[o + 1] = g;
      raster.data[o + 2] = g;
    }
  }
  return raster;
}

/** Blends `color` into pixel (x, y) with weight `alpha` (0–1); outside the raster it does nothing. */
export function blendPixel(raster: RgbRaster, x: number, y: number, color: Rgb, alpha = 1): void {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height || !(alpha > 0)) return;
  const o = (y * raster.width + x) * 3;
  const a = Math.min(1, alpha);
  const d = raster.data;
  d[o] = Math.round(d[o] + (color[0] - d[o]) * a);
  d[o + 1] = Math.round(d[o + 1] + (color[1] - d[o + 1]) * a);
  d[o + 2] = Math.round(d[o + 2] + (color[2] - d[o + 2]) * a);
}

export function getPixel(raster: RgbRaster, x: number, y: number): Rgb {
  const o = (y * raster.width + x) * 3;
  return [raster.data[o], raster.data[o + 1], raster.data[o + 2]];
}

/** Fills the axis-aligned rectangle [x, x + w) × [y, y + h) (integer pixels). */
export function fillRect(raster: RgbRaster, x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
  const xa = Math.max(0, Math.round(x));
  const ya = Math.max(0, Math.round(y));
  const xb = Math.min(raster.width, Math.round(x + w));
  const yb = Math.min(raster.height, Math.round(y + h));
  for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) blendPixel(raster, xx, yy, color, alpha);
}

/**
 * An anti-aliased line segment with round caps between pixel-centre coordinates
 * (x0, y0) and (x1, y1). Coverage falls off linearly over the last pixel of the stroke.
 */
export function drawLine(raster: RgbRaster, x0: number, y0: number, x1: number, y1: number, color: Rgb, options: StrokeOptions = {}): void {
  const half = (options.width ?? 1) / 2;
  const alpha = options.alpha ?? 1;
  if (![x0, y0, x1, y1, half].every(Number.isFinite)) return;
  const reach = half + 0.5;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const yStart = Math.max(0, Math.floor(Math.min(y0, y1) - reach));
  const yEnd = Math.min(raster.height - 1, Math.ceil(Math.max(y0, y1) + reach));
  const xMin = Math.max(0, Math.floor(Math.min(x0, x1) - reach));
  const xMax = Math.min(raster.width - 1, Math.ceil(Math.max(x0, x1) + reach));
  for (let y = yStart; y <= yEnd; y++) {
    // Narrow the row to where the stroke's band crosses it.
    let xa = xMin;
    let xb = xMax;
    if (Math.abs(dy) > 1e-9) {
      const xc = x0 + ((y - y0) * dx) / dy;
      const spread = (reach * Math.sqrt(len2)) / Math.abs(dy) + 1;
      xa = Math.max(xMin, Math.floor(xc - spread));
      xb = Math.min(xMax, Math.ceil(xc + spread));
    }
    for (let x = xa; x <= xb; x++) {
      let t = len2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = x - (x0 + t * dx);
      const ey = y - (y0 + t * dy);
      const coverage = reach - Math.sqrt(ex * ex + ey * ey);
      if (coverage > 0) blendPixel(raster, x, y, color, alpha * Math.min(1, coverage));
    }
  }
}

/** An anti-aliased circle outline (or disc, with `fill`) centred on (cx, cy). */
export function drawCircle(raster: RgbRaster, cx: number, cy: number, radius: number, color: Rgb, options: StrokeOptions & { fill?: boolean } = {}): void {
  const half = (options.width ?? 1) / 2;
  const alpha = options.alpha ?? 1;
  if (![cx, cy, radius, half].every(Number.isFinite) || radius < 0) return;
  const outer = radius + half + 0.5;
  const yStart = Math.max(0, Math.floor(cy - outer));
  const yEnd = Math.min(raster.height - 1, Math.ceil(cy + outer));
  const xStart = Math.max(0, Math.floor(cx - outer));
  const xEnd = Math.min(raster.width - 1, Math.ceil(cx + outer));
  for (let y = yStart; y <= yEnd; y++) {
    for (let x = xStart; x <= xEnd; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const coverage = options.fill ? radius + 0.5 - d : half + 0.5 - Math.abs(d - radius);
      if (coverage > 0) blendPixel(raster, x, y, color, alpha * Math.min(1, coverage));
    }
  }
}

/** Copies `src` into `dst` with its top-left corner at (x, y), clipped. */
export function blit(dst: RgbRaster, src: RgbRaster, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = sy + y;
    if (dy < 0 || dy >= dst.height) continue;
    const sx0 = Math.max(0, -x);
    const sx1 = Math.min(src.width, dst.width - x);
    if (sx1 <= sx0) continue;
    dst.data.set(src.data.subarray((sy * src.width + sx0) * 3, (sy * src.width + sx1) * 3), (dy * dst.width + x + sx0) * 3);
  }
}

export function encodeRasterPng(raster: RgbRaster): Uint8Array {
  return encodeRgbPng({ width: raster.width, height: raster.height, channels: 3, data: raster.data });
}
