/**
 * Ridge orientation field from image gradients (the classic structure-tensor / least-squares
 * estimate): Sobel gradients, per-block sums of gx², gy², gx·gy, averaged over a window of
 * blocks, turned into the doubled-angle vector of the ridge direction, and smoothed as vectors.
 *
 * Angles here are in IMAGE coordinates (x right, y down): a ridge direction θ means the unit
 * vector (cos θ, sin θ) in pixel space. The template converts to its own convention at the end.
 */

export interface BlockTensor {
  block: number;
  bw: number;
  bh: number;
  /** Mean of gx², gy², gx·gy over each block (Sobel gradients). */
  gxx: Float64Array;
  gyy: Float64Array;
  gxy: Float64Array;
  /** Mean gray level and mean squared gray level of each block. */
  mean: Float64Array;
  meanSq: Float64Array;
}

export interface OrientationField {
  block: number;
  bw: number;
  bh: number;
  /** Doubled-angle unit vector (cos 2θ, sin 2θ) of the ridge direction θ (image coordinates). */
  cos2: Float32Array;
  sin2: Float32Array;
  /** 0–1: how consistently the gradients in the window agree (1 = perfectly parallel ridges). */
  coherence: Float32Array;
  /** Mean squared gradient magnitude in the window (contrast measure). */
  energy: Float32Array;
  /** Standard deviation of gray levels in the window. */
  stdev: Float32Array;
}

/** Sobel gradients and their per-block tensor sums. Borders use clamped neighbours. */
export function blockTensor(pixels: Uint8Array, width: number, height: number, block: number): BlockTensor {
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  const n = bw * bh;
  const gxx = new Float64Array(n);
  const gyy = new Float64Array(n);
  const gxy = new Float64Array(n);
  const mean = new Float64Array(n);
  const meanSq = new Float64Array(n);
  const count = new Float64Array(n);
  for (let y = 0; y < height; y++) {
    const ym = (y > 0 ? y - 1 : 0) * width;
    const y0 = y * width;
    const yp = (y < height - 1 ? y + 1 : y) * width;
    const brow = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      const xm = x > 0 ? x - 1 : 0;
      const xp = x < width - 1 ? x + 1 : x;
      const a = pixels[ym + xm];
      const b = pixels[ym + x];
      const c = pixels[ym + xp];
      const d = pixels[y0 + xm];
      const f = pixels[y0 + xp];
      const g = pixels[yp + xm];
      const h = pixels[yp + x];
      const k = pixels[yp + xp];
      const gx = c + 2 * f + k - a - 2 * d - g;
      const gy = g + 2 * h + k - a - 2 * b - c;
      const bi = brow + ((x / block) | 0);
      gxx[bi] += gx * gx;
      gyy[bi] += gy * gy;
      gxy[bi] += gx * gy;
      const v = pixels[y0 + x];
      mean[bi] += v;
      meanSq[bi] += v * v;
      count[bi]++;
    }
  }
  for (let i = 0; i < n; i++) {
    const c = count[i] || 1;
    gxx[i] /= c;
    gyy[i] /= c;
    gxy[i] /= c;
    mean[i] /= c;
    meanSq[i] /= c;
  }
  return { block, bw, bh, gxx, gyy, gxy, mean, meanSq };
}

/** Box average over (2r+1)² blocks, clipped at the grid edge. */
export function boxBlocks(src: ArrayLike<number>, bw: number, bh: number, r: number): Float64Array {
  const tmp = new Float64Array(bw * bh);
  const out = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      let s = 0;
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(bw - 1, x + r);
      for (let xx = x0; xx <= x1; xx++) s += src[y * bw + xx];
      tmp[y * bw + x] = s / (x1 - x0 + 1);
    }
  }
  for (let y = 0; y < bh; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(bh - 1, y + r);
    for (let x = 0; x < bw; x++) {
      let s = 0;
      for (let yy = y0; yy <= y1; yy++) s += tmp[yy * bw + x];
      out[y * bw + x] = s / (y1 - y0 + 1);
    }
  }
  return out;
}

/**
 * Raw orientation field: tensor averaged over a (2r+1)² window of blocks. Coherence and
 * energy feed segmentation; the vectors are smoothed later with `smoothOrientation`.
 */
export function rawOrientation(t: BlockTensor, r = 1): OrientationField {
  const { bw, bh } = t;
  const n = bw * bh;
  const xx = boxBlocks(t.gxx, bw, bh, r);
  const yy = boxBlocks(t.gyy, bw, bh, r);
  const xy = boxBlocks(t.gxy, bw, bh, r);
  const m = boxBlocks(t.mean, bw, bh, r);
  const m2 = boxBlocks(t.meanSq, bw, bh, r);
  const cos2 = new Float32Array(n);
  const sin2 = new Float32Array(n);
  const coherence = new Float32Array(n);
  const energy = new Float32Array(n);
  const stdev = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const vx = yy[i] - xx[i];
    const vy = -2 * xy[i];
    const e = xx[i] + yy[i];
    const mag = Math.hypot(vx, vy);
    energy[i] = e;
    coherence[i] = e > 1e-9 ? mag / e : 0;
    if (mag > 1e-12) {
      cos2[i] = vx / mag;
      sin2[i] = vy / mag;
    } else {
      cos2[i] = 1;
      sin2[i] = 0;
    }
    stdev[i] = Math.sqrt(Math.max(0, m2[i] - m[i] * m[i]));
  }
  return { block: t.block, bw, bh, cos2, sin2, coherence, energy, stdev };
}

/**
 * Smooths the doubled-angle vectors with a Gaussian over blocks. Each block contributes its
 * unit vector weighted by its coherence, and only foreground blocks contribute (background
 * blocks take the smoothed value of the foreground around them). Returns a new field whose
 * `coherence` is the length of the smoothed vector relative to the weights (0–1).
 */
export function smoothOrientation(f: OrientationField, mask: Uint8Array, sigma = 1.5): OrientationField {
  const { bw, bh } = f;
  const n = bw * bh;
  const r = Math.max(1, Math.ceil(2 * sigma));
  const g = new Float64Array(2 * r + 1);
  for (let k = -r; k <= r; k++) g[k + r] = Math.exp(-(k * k) / (2 * sigma * sigma));
  const wx = new Float64Array(n);
  const wy = new Float64Array(n);
  const ww = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const c = f.coherence[i] + 0.05;
    wx[i] = f.cos2[i] * c;
    wy[i] = f.sin2[i] * c;
    ww[i] = c;
  }
  const sep = (src: Float64Array): Float64Array => {
    const tmp = new Float64Array(n);
    const out = new Float64Array(n);
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        let s = 0;
        for (let k = -r; k <= r; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < bw) s += g[k + r] * src[y * bw + xx];
        }
        tmp[y * bw + x] = s;
      }
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        let s = 0;
        for (let k = -r; k <= r; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < bh) s += g[k + r] * tmp[yy * bw + x];
        }
        out[y * bw + x] = s;
      }
    return out;
  };
  const sx = sep(wx);
  const sy = sep(wy);
  const sw = sep(ww);
  const cos2 = new Float32Array(n);
  const sin2 = new Float32Array(n);
  const coherence = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mag = Math.hypot(sx[i], sy[i]);
    if (mag > 1e-12) {
      cos2[i] = sx[i] / mag;
      sin2[i] = sy[i] / mag;
    } else {
      cos2[i] = f.cos2[i];
      sin2[i] = f.sin2[i];
    }
    coherence[i] = sw[i] > 1e-12 ? Math.min(1, mag / sw[i]) : 0;
  }
  return { ...f, cos2, sin2, coherence };
}

/** Ridge direction angle θ ∈ [0, π) of a block (image coordinates). */
export function blockAngle(f: OrientationField, i: number): number {
  let a = 0.5 * Math.atan2(f.sin2[i], f.cos2[i]);
  if (a < 0) a += Math.PI;
  return a;
}

/** Bilinear interpolation of the doubled-angle field at pixel (x, y); returns θ ∈ [0, π). */
export function angleAt(f: OrientationField, x: number, y: number): number {
  const { bw, bh, block } = f;
  const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / block - 0.5));
  const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / block - 0.5));
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(bw - 1, x0 + 1);
  const y1 = Math.min(bh - 1, y0 + 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const i00 = y0 * bw + x0;
  const i10 = y0 * bw + x1;
  const i01 = y1 * bw + x0;
  const i11 = y1 * bw + x1;
  const c = (1 - ay) * ((1 - ax) * f.cos2[i00] + ax * f.cos2[i10]) + ay * ((1 - ax) * f.cos2[i01] + ax * f.cos2[i11]);
  const s = (1 - ay) * ((1 - ax) * f.sin2[i00] + ax * f.sin2[i10]) + ay * ((1 - ax) * f.sin2[i01] + ax * f.sin2[i11]);
  let a = 0.5 * Math.atan2(s, c);
  if (a < 0) a += Math.PI;
  return a;
}
