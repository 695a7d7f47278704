import { StatsError } from './errors.ts';

/**
 * False-discovery-rate control over many jurisdictions tested at once.
 * - Benjamini & Hochberg (1995) JRSS B 57:289–300: valid under independence or positive
 *   dependence (PRDS), which one-sided tests against a common target satisfy approximately.
 * - Benjamini & Yekutieli (2001) Ann Stat 29:1165–1188: valid under any dependence, at the cost
 *   of the factor c(m) = Σ_{k≤m} 1/k.
 * The adjusted value ("q-value") of the i-th smallest p is min_{j ≥ i} min(1, c·m·p_(j)/j); a
 * hypothesis is rejected at level q exactly when its adjusted value is ≤ q, which is the step-up
 * rule "reject the k smallest, k = max{i : p_(i) ≤ i q/(c m)}".
 */

export type FdrMethod = 'bh' | 'by';

export interface FdrResult {
  /** Adjusted values in the input order, each in [0, 1]. */
  adjusted: number[];
  /** Rejected at the level, in the input order. */
  rejected: boolean[];
  /** Number rejected. */
  count: number;
  level: number;
  method: FdrMethod;
}

function checkP(p: readonly number[]): void {
  p.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new StatsError('INVALID_ARGUMENT', `p-value #${i + 1} is ${v}, not in [0, 1]`);
  });
}

/** Adjusted p-values (q-values) by Benjamini–Hochberg or Benjamini–Yekutieli. */
export function adjustPValues(p: readonly number[], method: FdrMethod = 'bh'): number[] {
  checkP(p);
  const m = p.length;
  if (m === 0) return [];
  let c = 1;
  if (method === 'by') {
    c = 0;
    for (let k = 1; k <= m; k++) c += 1 / k;
  }
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (c * m * p[i]) / (r + 1));
    adjusted[i] = Math.min(1, Math.max(p[i], running)); // ≥ p also after rounding (m·p/m)
  }
  return adjusted;
}

/** Which hypotheses are rejected at false-discovery rate `level` (default 0.05). */
export function benjaminiHochberg(p: readonly number[], level = 0.05, method: FdrMethod = 'bh'): FdrResult {
  if (!(level > 0 && level < 1)) throw new StatsError('INVALID_ARGUMENT', `FDR level ${level} must be in (0, 1)`);
  const adjusted = adjustPValues(p, method);
  const rejected = adjusted.map((q) => q <= level);
  return { adjusted, rejected, count: rejected.filter(Boolean).length, level, method };
}
