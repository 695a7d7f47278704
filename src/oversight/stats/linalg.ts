/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan with partial pivoting; null when singular. */
export function invert(a: readonly (readonly number[])[]): number[][] | null {
  const k = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  let scale = 0;
  for (const row of a) for (const v of row) scale = Math.max(scale, Math.abs(v));
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (!(Math.abs(m[p][c]) > 1e-12 * Math.max(scale, 1e-300))) return null;
    [m[c], m[p]] = [m[p], m[c]];
    const pivot = m[c][c];
    for (let j = 0; j < 2 * k; j++) m[c][j] /= pivot;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c];
      if (f !== 0) for (let j = 0; j < 2 * k; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(k));
}
