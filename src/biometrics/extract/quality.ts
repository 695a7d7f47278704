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
 * Quality 0–100 of one minutia from the local ridge coherence (smoothed field) and its
 * distance to the edge of the foreground (minutiae near the edge are less reliable).
 */
export function minutiaQuality(coherence: number, borderDistance: number, period: number): number {
  const edge = Math.min(1, borderDistance / (4 * period));
  const q = Math.min(1, Math.max(0, coherence)) * (0.4 + 0.6 * edge);
  return Math.max(1, Math.min(100, Math.round(100 * q)));
}
