import { blockAngle, type OrientationField } from './orientation.ts';

/**
 * Local ridge period (pixels per ridge–valley cycle) per block, from the "x-signature": the
 * gray levels of an oriented window (long side across the ridges) are summed along the ridge
 * direction; the spacing of the signature's minima (ridges are dark) gives the period.
 * Blocks where the signature is not a clean wave are filled from their neighbours, then the
 * map is smoothed. At 500 ppi fingerprint periods lie between about 5 and 15 pixels.
 */
export const MIN_PERIOD = 4.5;
export const MAX_PERIOD = 15;
export const DEFAULT_PERIOD = 9;

export function ridgePeriods(pixels: Uint8Array, width: number, height: number, f: OrientationField, mask: Uint8Array): Float32Array {
  const { bw, bh, block } = f;
  const n = bw * bh;
  const L = 32; // samples across the ridges
  const H = 8; // half-length along the ridge
  const raw = new Float32Array(n);
  const sig = new Float32Array(L);
  const sm = new Float32Array(L);
  // Estimated on every other block in each direction (the map is smooth; the gaps are filled
  // from neighbours below), with samples every other pixel along the ridge.
  for (let by = 0; by < bh; by += 2)
    for (let bx = (by >> 1) & 1; bx < bw; bx += 2) {
      const bi = by * bw + bx;
      if (!mask[bi]) continue;
      const th = blockAngle(f, bi);
      const dx = Math.cos(th);
      const dy = Math.sin(th);
      const nx = -dy;
      const ny = dx;
      const cx = bx * block + block / 2;
      const cy = by * block + block / 2;
      for (let k = 0; k < L; k++) {
        const u = k - L / 2 + 0.5;
        let s = 0;
        let c = 0;
        const ux = cx + u * nx + 0.5;
        const uy = cy + u * ny + 0.5;
        for (let j = -H; j < H; j += 2) {
          const x = Math.floor(ux + j * dx);
          const y = Math.floor(uy + j * dy);
          if (x >= 0 && y >= 0 && x < width && y < height) { s += pixels[y * width + x]; c++; }
        }
        sig[k] = c ? s / c : NaN;
      }
      raw[bi] = periodOf(sig, sm, L);
    }
  // Fill invalid foreground blocks from valid neighbours (a few growing passes).
  const per = raw.slice();
  let valid = 0;
  let total = 0;
  for (let i = 0; i < n; i++) if (per[i] > 0) { valid++; total += per[i]; }
  const fallback = valid > 0 ? total / valid : DEFAULT_PERIOD;
  for (let pass = 0; pass < 12; pass++) {
    let changed = false;
    const next = per.slice();
    for (let y = 0; y < bh; y++)
      for (let x = 0; x < bw; x++) {
        const i = y * bw + x;
        if (per[i] > 0 || !mask[i]) continue;
        let s = 0;
        let c = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
            const v = per[yy * bw + xx];
            if (v > 0) { s += v; c++; }
          }
        if (c) { next[i] = s / c; changed = true; }
      }
    per.set(next);
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) if (!(per[i] > 0)) per[i] = fallback;
  // Smooth with a 5×5 box restricted to foreground blocks.
  const out = new Float32Array(n);
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) {
      let s = 0;
      let c = 0;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
          const j = yy * bw + xx;
          if (!mask[j]) continue;
          s += per[j];
          c++;
        }
      const v = c ? s / c : per[y * bw + x];
      out[y * bw + x] = Math.min(MAX_PERIOD, Math.max(MIN_PERIOD, v));
    }
  return out;
}

/** Period of a signature from the spacing of its minima, or 0 when it is not a clean wave. */
export function periodOf(sig: Float32Array, sm: Float32Array, L: number): number {
  for (let k = 0; k < L; k++) if (Number.isNaN(sig[k])) return 0;
  for (let k = 0; k < L; k++) sm[k] = (sig[Math.max(0, k - 1)] + 2 * sig[k] + sig[Math.min(L - 1, k + 1)]) / 4;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < L; k++) { lo = Math.min(lo, sm[k]); hi = Math.max(hi, sm[k]); }
  if (hi - lo < 8) return 0;
  const thr = (hi - lo) * 0.15;
  let first = -1;
  let last = -1;
  let count = 0;
  for (let k = 1; k < L - 1; k++) {
    if (sm[k] < sm[k - 1] && sm[k] <= sm[k + 1]) {
      // Require the minimum to be a real dip: some neighbour within 3 samples is higher by thr.
      let rise = 0;
      for (let j = Math.max(0, k - 4); j <= Math.min(L - 1, k + 4); j++) rise = Math.max(rise, sm[j] - sm[k]);
      if (rise < thr) continue;
      // Sub-sample refinement by a parabola through the three samples.
      const den = sm[k - 1] - 2 * sm[k] + sm[k + 1];
      const pos = den > 1e-9 ? k + (0.5 * (sm[k - 1] - sm[k + 1])) / den : k;
      if (first < 0) first = pos;
      last = pos;
      count++;
    }
  }
  if (count < 2) return 0;
  const p = (last - first) / (count - 1);
  return p >= MIN_PERIOD && p <= MAX_PERIOD ? p : 0;
}
