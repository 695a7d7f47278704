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
 * Euclidean distance, in pixels, from pixel (x, y) to the nearest background block (or the
 * outside of the image), looking at most `maxBlocks` blocks away; farther counts as the cap.
 */
export function distanceToBackground(blocks: Uint8Array, bw: number, bh: number, block: number, width: number, height: number, x: number, y: number, maxBlocks = 6): number {
  const cap = maxBlocks * block;
  let best = cap;
  // The image outside the block grid is background.
  best = Math.min(best, x + 0.5, y + 0.5, width - x - 0.5, height - y - 0.5);
  const bx = (x / block) | 0;
  const by = (y / block) | 0;
  for (let yy = Math.max(0, by - maxBlocks); yy <= Math.min(bh - 1, by + maxBlocks); yy++)
    for (let xx = Math.max(0, bx - maxBlocks); xx <= Math.min(bw - 1, bx + maxBlocks); xx++) {
      if (blocks[yy * bw + xx]) continue;
      const ex = Math.max(xx * block - x, 0, x - (xx + 1) * block + 1);
      const ey = Math.max(yy * block - y, 0, y - (yy + 1) * block + 1);
      const d = Math.hypot(ex, ey);
      if (d < best) best = d;
    }
  return Math.max(0, best);
}
