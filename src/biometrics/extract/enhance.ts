import { MAX_PERIOD, MIN_PERIOD } from './frequency.ts';
import type { OrientationField } from './orientation.ts';

/**
 * Contextual (oriented, frequency-tuned) filtering, a separable approximation of the Gabor
 * filter: each pixel is first smoothed ALONG the local ridge direction with a Gaussian, then
 * band-passed ACROSS it with an even, zero-mean Gabor profile tuned to the local ridge period.
 * Kernels come from a precomputed bank over quantised orientations and periods, stored as
 * sparse (offset, weight) lists for the padded image width, so the inner loop is a plain dot
 * product over typed arrays. Only foreground pixels (plus a margin for the first pass) are
 * filtered. The output is positive on ridges and negative in valleys.
 */
export const ORIENTATION_BINS = 24;
export const PERIOD_STEP = 0.5;
const PERIOD_BINS = Math.round((MAX_PERIOD - MIN_PERIOD) / PERIOD_STEP) + 1;
export const ALONG_SIGMA = 3.2;
export const ACROSS_SIGMA_RATIO = 0.55;
export const PAD = 16;

interface Kernel {
  off: Int32Array;
  w: Float32Array;
}

const alongCache = new Map<string, Kernel>();
const acrossCache = new Map<string, Kernel>();

function toKernel(taps: Map<string, [number, number, number]>, stride: number): Kernel {
  const list = [...taps.values()];
  const off = new Int32Array(list.length);
  const w = new Float32Array(list.length);
  list.forEach(([dx, dy, weight], i) => {
    off[i] = dy * stride + dx;
    w[i] = weight;
  });
  return { off, w };
}

function alongKernel(o: number, stride: number, sigma: number): Kernel {
  const key = `${o}:${stride}:${sigma}`;
  const hit = alongCache.get(key);
  if (hit) return hit;
  const th = ((o + 0.5) * Math.PI) / ORIENTATION_BINS;
  const r = Math.min(PAD, Math.ceil(2.2 * sigma));
  const taps = new Map<string, [number, number, number]>();
  let sum = 0;
  for (let k = -r; k <= r; k++) {
    const dx = Math.round(k * Math.cos(th));
    const dy = Math.round(k * Math.sin(th));
    const w = Math.exp(-(k * k) / (2 * sigma * sigma));
    const id = `${dx},${dy}`;
    const prev = taps.get(id);
    taps.set(id, [dx, dy, (prev?.[2] ?? 0) + w]);
    sum += w;
  }
  for (const t of taps.values()) t[2] /= sum;
  const k = toKernel(taps, stride);
  if (alongCache.size > 4096) alongCache.clear();
  alongCache.set(key, k);
  return k;
}

function acrossKernel(o: number, p: number, stride: number, ratio: number): Kernel {
  const key = `${o}:${p}:${stride}:${ratio}`;
  const hit = acrossCache.get(key);
  if (hit) return hit;
  const th = ((o + 0.5) * Math.PI) / ORIENTATION_BINS;
  const period = MIN_PERIOD + p * PERIOD_STEP;
  const sigma = ratio * period;
  const reach = Math.min(PAD - 1, 2 * sigma);
  const r = Math.ceil(reach);
  const c = Math.cos(th);
  const s = Math.sin(th);
  const taps = new Map<string, [number, number, number]>();
  const env: number[] = [];
  let sumW = 0;
  let sumE = 0;
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const along = dx * c + dy * s;
      const across = -dx * s + dy * c;
      if (Math.abs(along) >= 1 || Math.abs(across) > reach) continue;
      const e = (1 - Math.abs(along)) * Math.exp(-(across * across) / (2 * sigma * sigma));
      const w = e * Math.cos((2 * Math.PI * across) / period);
      taps.set(`${dx},${dy}`, [dx, dy, w]);
      env.push(e);
      sumW += w;
      sumE += e;
    }
  // Remove the DC response so the local mean gray level does not matter.
  const dc = sumW / sumE;
  let i = 0;
  let norm = 0;
  for (const t of taps.values()) {
    t[2] -= dc * env[i++];
    norm += Math.abs(t[2]);
  }
  for (const t of taps.values()) t[2] /= norm || 1;
  const k = toKernel(taps, stride);
  if (acrossCache.size > 4096) acrossCache.clear();
  acrossCache.set(key, k);
  return k;
}

export interface EnhanceInput {
  pixels: Uint8Array;
  width: number;
  height: number;
  orientation: OrientationField;
  /** Ridge period per block of the orientation grid. */
  period: Float32Array;
  /** Foreground, per block of the orientation grid. */
  blockMask: Uint8Array;
  /** Along-ridge smoothing σ in pixels (default ALONG_SIGMA). */
  alongSigma?: number;
  /** Across-ridge Gaussian σ as a fraction of the local period (default ACROSS_SIGMA_RATIO). */
  acrossSigmaRatio?: number;
}

export function enhance(input: EnhanceInput): Float32Array {
  const { pixels, width, height, orientation: f, period, blockMask } = input;
  const { bw, bh, block } = f;
  const pw = width + 2 * PAD;
  const ph = height + 2 * PAD;
  // Padded, inverted image (ridges bright), edges replicated.
  const src = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - PAD)) * width;
    const row = y * pw;
    for (let x = 0; x < pw; x++) src[row + x] = 255 - pixels[sy + Math.min(width - 1, Math.max(0, x - PAD))];
  }
  // Work region: foreground blocks dilated by one block (enough for the across-ridge reach at typical periods; minutiae that close to the edge are dropped anyway).
  const work = new Uint8Array(bw * bh);
  for (let by = 0; by < bh; by++)
    for (let bx = 0; bx < bw; bx++) {
      if (!blockMask[by * bw + bx]) continue;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const x = bx + dx;
          const y = by + dy;
          if (x >= 0 && y >= 0 && x < bw && y < bh) work[y * bw + x] = 1;
        }
    }
  // Orientation and period bins on a grid of CELL × CELL pixel cells (bilinear interpolation of
  // the doubled-angle field and the period map at each cell centre), looked up per pixel.
  const CELL = 4;
  const cw = Math.ceil(width / CELL);
  const ch = Math.ceil(height / CELL);
  const cellO = new Uint8Array(cw * ch);
  const cellP = new Uint8Array(cw * ch);
  const binScale = ORIENTATION_BINS / Math.PI;
  for (let cy = 0; cy < ch; cy++) {
    const y = cy * CELL + CELL / 2 - 0.5;
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ay = fy - y0;
    for (let cx = 0; cx < cw; cx++) {
      const x = cx * CELL + CELL / 2 - 0.5;
      const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const ax = fx - x0;
      const i00 = y0 * bw + x0;
      const i10 = y0 * bw + x1;
      const i01 = y1 * bw + x0;
      const i11 = y1 * bw + x1;
      const w00 = (1 - ax) * (1 - ay);
      const w10 = ax * (1 - ay);
      const w01 = (1 - ax) * ay;
      const w11 = ax * ay;
      const c = w00 * f.cos2[i00] + w10 * f.cos2[i10] + w01 * f.cos2[i01] + w11 * f.cos2[i11];
      const s = w00 * f.sin2[i00] + w10 * f.sin2[i10] + w01 * f.sin2[i01] + w11 * f.sin2[i11];
      let a = 0.5 * Math.atan2(s, c);
      if (a < 0) a += Math.PI;
      cellO[cy * cw + cx] = Math.min(ORIENTATION_BINS - 1, Math.floor(a * binScale));
      const per = w00 * period[i00] + w10 * period[i10] + w01 * period[i01] + w11 * period[i11];
      cellP[cy * cw + cx] = Math.min(PERIOD_BINS - 1, Math.max(0, Math.round((per - MIN_PERIOD) / PERIOD_STEP)));
    }
  }
  const obin = new Uint8Array(width * height);
  const pbin = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const crow = ((y / CELL) | 0) * cw;
    for (let x = 0; x < width; x++) {
      const ci = crow + ((x / CELL) | 0);
      obin[y * width + x] = cellO[ci];
      pbin[y * width + x] = cellP[ci];
    }
  }
  // Pass 1: smoothing along the ridges over the work region.
  const along: Kernel[] = [];
  for (let o = 0; o < ORIENTATION_BINS; o++) along.push(alongKernel(o, pw, input.alongSigma ?? ALONG_SIGMA));
  const mid = new Float32Array(pw * ph);
  for (let y = 0; y < height; y++) {
    const byRow = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      if (!work[byRow + ((x / block) | 0)]) continue;
      const k = along[obin[y * width + x]];
      const base = (y + PAD) * pw + x + PAD;
      const off = k.off;
      const w = k.w;
      let acc = 0;
      for (let t = 0; t < off.length; t++) acc += w[t] * src[base + off[t]];
      mid[base] = acc;
    }
  }
  // Pass 2: band-pass across the ridges, foreground only.
  const across: (Kernel | undefined)[] = new Array(ORIENTATION_BINS * PERIOD_BINS);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const byRow = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      if (!blockMask[byRow + ((x / block) | 0)]) continue;
      const i = y * width + x;
      const ki = obin[i] * PERIOD_BINS + pbin[i];
      let k = across[ki];
      if (!k) k = across[ki] = acrossKernel(obin[i], pbin[i], pw, input.acrossSigmaRatio ?? ACROSS_SIGMA_RATIO);
      const base = (y + PAD) * pw + x + PAD;
      const off = k.off;
      const w = k.w;
      let acc = 0;
      for (let t = 0; t < off.length; t++) acc += w[t] * mid[base + off[t]];
      out[i] = acc;
    }
  }
  return out;
}
