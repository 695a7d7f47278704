import type { OrientationField } from './orientation.ts';

/**
 * Foreground segmentation on the block grid. A block is fingerprint when, over its window,
 * the gray levels vary enough (standard deviation), the gradients are strong relative to the
 * print's own contrast (energy), and they agree on a direction (coherence). The raw decision is
 * cleaned with majority votes, reduced to the largest connected region and its holes are filled
 * (singular points have low coherence but are fingerprint).
 */
export interface SegmentationOptions {
  /** Minimum gray-level standard deviation (absolute, 0–255 scale). */
  minStdev: number;
  /** Minimum gradient energy as a fraction of the 90th percentile energy of the image. */
  relEnergy: number;
  /** Minimum window coherence. */
  minCoherence: number;
}

export const DEFAULT_SEGMENTATION: SegmentationOptions = { minStdev: 9, relEnergy: 0.08, minCoherence: 0.12 };

export function segmentBlocks(f: OrientationField, options: SegmentationOptions = DEFAULT_SEGMENTATION): Uint8Array {
  const { bw, bh } = f;
  const n = bw * bh;
  const sorted = Float32Array.from(f.energy).sort();
  const p90 = sorted[Math.min(n - 1, Math.floor(0.9 * n))] ?? 0;
  const eThr = Math.max(1e-6, options.relEnergy * p90);
  let mask: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    mask[i] = f.stdev[i] >= options.minStdev && f.energy[i] >= eThr && f.coherence[i] >= options.minCoherence ? 1 : 0;
  }
  // Two majority-vote passes over 3×3 neighbourhoods (outside the grid counts as background).
  for (let pass = 0; pass < 2; pass++) {
    const next = new Uint8Array(n);
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < bw && yy < bh) s += mask[yy * bw + xx];
          }
        next[y * bw + x] = s >= 5 ? 1 : 0;
      }
    mask = next;
  }
  mask = largestComponent(mask, bw, bh);
  fillHoles(mask, bw, bh);
  return mask;
}

/** Keeps only the largest 4-connected region of set cells. */
export function largestComponent(mask: Uint8Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const label = new Int32Array(n);
  const stack = new Int32Array(n);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  for (let s = 0; s < n; s++) {
    if (!mask[s] || label[s]) continue;
    next++;
    let size = 0;
    let top = 0;
    stack[top++] = s;
    label[s] = next;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const x = p % w;
      if (x > 0 && mask[p - 1] && !label[p - 1]) { label[p - 1] = next; stack[top++] = p - 1; }
      if (x < w - 1 && mask[p + 1] && !label[p + 1]) { label[p + 1] = next; stack[top++] = p + 1; }
      if (p >= w && mask[p - w] && !label[p - w]) { label[p - w] = next; stack[top++] = p - w; }
      if (p + w < n && mask[p + w] && !label[p + w]) { label[p + w] = next; stack[top++] = p + w; }
    }
    if (size > bestSize) { bestSize = size; best = next; }
  }
  const out = new Uint8Array(n);
  if (best) for (let i = 0; i < n; i++) out[i] = label[i] === best ? 1 : 0;
  return out;
}

/** Sets every background cell not 4-connected to the grid edge. */
export function fillHoles(mask: Uint8Array, w: number, h: number): void {
  const n = w * h;
  const outside = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const seed = (p: number): void => {
    if (!mask[p] && !outside[p]) { outside[p] = 1; stack[top++] = p; }
  };
  for (let x = 0; x < w; x++) { seed(x); seed((h - 1) * w + x); }
  for (let y = 0; y < h; y++) { seed(y * w); seed(y * w + w - 1); }
  while (top > 0) {
    const p = stack[--top];
    const x = p % w;
    if (x > 0) seed(p - 1);
    if (x < w - 1) seed(p + 1);
    if (p >= w) seed(p - w);
    if (p + w < n) seed(p + w);
  }
  for (let i = 0; i < n; i++) if (!outside[i]) mask[i] = 1;
}

/** Expands a block mask to pixels. */
export function pixelMask(blocks: Uint8Array, bw: number, block: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) out[y * width + x] = blocks[row + ((x / block) | 0)];
  }
  return out;
}

/**
 * Chamfer (3-4) distance, in pixels, from every pixel to the nearest background pixel; the
 * outside of the image counts as background.
 */
export function borderDistance(mask: Uint8Array, width: number, height: number): Float32Array {
  const INF = 1e9;
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? INF : 0;
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= width || y >= height ? 0 : d[y * width + x]);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!d[i]) continue;
      d[i] = Math.min(d[i], at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4);
    }
  for (let y = height - 1; y >= 0; y--)
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!d[i]) continue;
      d[i] = Math.min(d[i], at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4);
    }
  for (let i = 0; i < d.length; i++) d[i] /= 3;
  return d;
}
