/**
 * Image quality 0–100 for a whole print: how much usable fingerprint area there is and how
 * clear its ridges are. Clarity is the mean raw coherence of the foreground blocks (noise and
 * smudges give low coherence); area saturates at `fullArea` pixels of foreground (a typical
 * plain impression at 500 ppi covers well over that). No foreground means 0.
 */
export function imageQuality(blockMask: Uint8Array, coherence: Float32Array, block: number, fullArea = 200 * 200): number {
  let count = 0;
  let coh = 0;
  for (let i = 0; i < blockMask.length; i++) {
    if (!blockMask[i]) continue;
    count++;
    coh += coherence[i];
  }
  if (count === 0) return 0;
  const area = Math.min(1, (count * block * block) / fullArea);
  const clarity = Math.min(1, Math.max(0, (coh / count - 0.15) / 0.5));
  return Math.round(100 * Math.sqrt(area) * clarity);
}

/**
 * Quality 0–100 of one minutia from the local ridge clarity (see `ridgeClarity`) and its
 * distance to the edge of the foreground (minutiae near the edge are less reliable).
 */
export function minutiaQuality(clarity: number, borderDistance: number, period: number): number {
  const edge = Math.min(1, borderDistance / (4 * period));
  const q = Math.min(1, Math.max(0, (clarity - 0.1) / 0.35)) * (0.4 + 0.6 * edge);
  return Math.max(1, Math.min(100, Math.round(100 * q)));
}

/**
 * Ridge clarity per block: mean absolute enhanced response over a 3×3-block neighbourhood
 * divided by the gray-level standard deviation there (+1). Clean ridges give a strong, in-band
 * oriented response for their contrast (≈0.4–0.6); noise, smudges and scars give much less.
 */
export function ridgeClarity(enhanced: Float32Array, width: number, height: number, block: number, bw: number, bh: number, stdev: Float32Array): Float32Array {
  const sum = new Float64Array(bw * bh);
  const cnt = new Float64Array(bw * bh);
  for (let y = 0; y < height; y++) {
    const row = ((y / block) | 0) * bw;
    for (let x = 0; x < width; x++) {
      const bi = row + ((x / block) | 0);
      const v = enhanced[y * width + x];
      sum[bi] += v < 0 ? -v : v;
      cnt[bi]++;
    }
  }
  const out = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++)
    for (let bx = 0; bx < bw; bx++) {
      let s = 0;
      let c = 0;
      let sd = 0;
      let k = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = bx + dx;
          const yy = by + dy;
          if (xx < 0 || yy < 0 || xx >= bw || yy >= bh) continue;
          const j = yy * bw + xx;
          s += sum[j];
          c += cnt[j];
          sd += stdev[j];
          k++;
        }
      out[by * bw + bx] = c > 0 ? s / c / (sd / k + 1) : 0;
    }
  return out;
}
