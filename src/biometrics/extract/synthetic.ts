import type { GrayImage } from '../image/gray-image.ts';

/**
 * Synthetic images for tests and demos (pure, deterministic). Ridges are dark (0 = black).
 */

/** Straight sinusoidal ridges: ridge direction `angle` (image coordinates, y down), `period` px. */
export function stripes(width: number, height: number, angle: number, period: number, options: { margin?: number; contrast?: number; ppi?: number } = {}): GrayImage {
  const { margin = 0, contrast = 100, ppi = 500 } = options;
  const pixels = new Uint8Array(width * height).fill(200);
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  for (let y = margin; y < height - margin; y++)
    for (let x = margin; x < width - margin; x++) {
      const u = x * nx + y * ny;
      pixels[y * width + x] = Math.round(128 + contrast * Math.cos((2 * Math.PI * u) / period));
    }
  return { width, height, ppi, pixels };
}

/**
 * Concentric circular ridges (a "whorl") with dark ridges of the given period inside an
 * ellipse, light background outside. Optional cut: a vertical band `cutWidth` periods wide
 * (default 4) above the centre interrupts the ridges, which creates pairs of ridge endings.
 */
export function whorl(width: number, height: number, period: number, options: { cut?: boolean; cutWidth?: number } = {}): GrayImage {
  const halfCut = ((options.cutWidth ?? 4) * period) / 2;
  const pixels = new Uint8Array(width * height).fill(210);
  const cx = width / 2;
  const cy = height / 2;
  const rx = width * 0.42;
  const ry = height * 0.42;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const ex = (x - cx) / rx;
      const ey = (y - cy) / ry;
      if (ex * ex + ey * ey > 1) continue;
      const r = Math.hypot(x - cx, y - cy);
      let v = 128 + 90 * Math.cos((2 * Math.PI * r) / period);
      if (options.cut && Math.abs(x - cx) < halfCut && y < cy - 3 * period) v = 218; // a gap across the ridges
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return { width, height, ppi: 500, pixels };
}

/** A deterministic pseudo-random generator (mulberry32) for reproducible noise. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds uniform noise of ±amplitude to an image (clamped). */
export function withNoise(image: GrayImage, amplitude: number, seed = 1): GrayImage {
  const rnd = seeded(seed);
  const pixels = image.pixels.map((v) => Math.max(0, Math.min(255, Math.round(v + (rnd() * 2 - 1) * amplitude))));
  return { ...image, pixels };
}

/** Smooth random blobs (box-filtered uniform noise, strong contrast): texture with no ridges. */
export function blobs(width: number, height: number, seed = 1, radius = 3): GrayImage {
  const rnd = seeded(seed);
  const base = new Float32Array(width * height).map(() => rnd());
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      let c = 0;
      for (let dy = -radius; dy <= radius; dy++)
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx >= 0 && yy >= 0 && xx < width && yy < height) {
            s += base[yy * width + xx];
            c++;
          }
        }
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round((s / c - 0.5) * 1200 + 128)));
    }
  return { width, height, ppi: 500, pixels };
}

/**
 * Horizontal ridges with one edge dislocation at the centre (phase 2πy/period + the polar angle
 * around the centre): exactly one minutia, at the centre. `invert` swaps ridges and valleys,
 * which turns the ridge ending into a bifurcation at the same place.
 */
export function dislocation(width: number, height: number, period: number, invert = false): GrayImage {
  const pixels = new Uint8Array(width * height);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const phase = (2 * Math.PI * (y - cy)) / period + Math.atan2(y - cy, x - cx);
      pixels[y * width + x] = Math.round(128 + (invert ? -100 : 100) * Math.cos(phase));
    }
  return { width, height, ppi: 500, pixels };
}
