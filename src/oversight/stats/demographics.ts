import { StatsError } from './errors.ts';
import { lnChoose, normalQuantile, normalUpper } from './special.ts';

/**
 * Is a group's share among people booked different after activation than before, or than in
 * comparable jurisdictions? Two independent proportions a = y₁/n₁ and b = y₂/n₂:
 * - the difference a − b with Newcombe's (1998, Stat Med 17:873–890, method 10) hybrid score
 *   interval built from Wilson intervals, which stays inside [−1, 1] and behaves at 0 and 1;
 * - the pooled two-proportion z-test, or Fisher's exact test when any expected cell count is
 *   below 5 (two-sided p sums the tables no more likely than the one observed; one-sided
 *   "higher" p sums the upper tail of the hypergeometric distribution).
 */

export interface Proportion {
  count: number;
  total: number;
}

export type ProportionTest = 'z' | 'fisher' | 'none';

export interface ShareComparison {
  /** a − b (0 when either total is zero; see status). */
  difference: number;
  lower: number;
  upper: number;
  shareA: number;
  shareB: number;
  test: ProportionTest;
  /** Two-sided p-value. */
  p: number;
  /** One-sided p-value for "a is higher than b". */
  pHigher: number;
  status: 'ok' | 'no-data';
  note: string;
}

function check(name: string, x: Proportion): void {
  if (!(Number.isFinite(x.count) && Number.isFinite(x.total) && x.count >= 0 && x.total >= 0 && x.count <= x.total)) {
    throw new StatsError('INVALID_COUNT', `${name}: count ${x.count} of ${x.total} is not a valid proportion`);
  }
}

/** Wilson score interval for one proportion. */
export function wilsonInterval(x: Proportion, level = 0.95): { lower: number; upper: number } {
  check('proportion', x);
  if (x.total === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile((1 + level) / 2);
  const n = x.total;
  const p = x.count / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** Fisher's exact test on the 2×2 table [[y₁, n₁−y₁], [y₂, n₂−y₂]]: two-sided and "first row higher". */
export function fisherExact(a: Proportion, b: Proportion): { p: number; pHigher: number } {
  const rowA = a.total;
  const col = a.count + b.count;
  const N = a.total + b.total;
  const lo = Math.max(0, col - b.total);
  const hi = Math.min(rowA, col);
  const lnDenom = lnChoose(N, col);
  const logP = (k: number): number => lnChoose(rowA, k) + lnChoose(N - rowA, col - k) - lnDenom;
  const observed = logP(a.count);
  let two = 0;
  let upper = 0;
  for (let k = lo; k <= hi; k++) {
    const lp = logP(k);
    const pk = Math.exp(lp);
    if (lp <= observed + 1e-7 * Math.abs(observed) + 1e-12) two += pk;
    if (k >= a.count) upper += pk;
  }
  return { p: Math.min(1, two), pHigher: Math.min(1, upper) };
}

/** Compares the share in `a` with the share in `b` (e.g. after vs before, or a jurisdiction vs its peers). */
export function compareShares(a: Proportion, b: Proportion, level = 0.95): ShareComparison {
  check('first proportion', a);
  check('second proportion', b);
  if (!(level > 0 && level < 1)) throw new StatsError('INVALID_ARGUMENT', `level ${level} must be in (0, 1)`);
  if (a.total === 0 || b.total === 0) {
    return {
      difference: 0,
      lower: -1,
      upper: 1,
      shareA: a.total > 0 ? a.count / a.total : 0,
      shareB: b.total > 0 ? b.count / b.total : 0,
      test: 'none',
      p: 1,
      pHigher: 1,
      status: 'no-data',
      note: `${a.total === 0 ? 'the first' : 'the second'} group has no one in it: nothing to compare`,
    };
  }
  const pa = a.count / a.total;
  const pb = b.count / b.total;
  const wa = wilsonInterval(a, level);
  const wb = wilsonInterval(b, level);
  const d = pa - pb;
  const lower = d - Math.sqrt((pa - wa.lower) ** 2 + (wb.upper - pb) ** 2);
  const upper = d + Math.sqrt((wa.upper - pa) ** 2 + (pb - wb.lower) ** 2);
  const N = a.total + b.total;
  const pooled = (a.count + b.count) / N;
  const expected = [a.total * pooled, a.total * (1 - pooled), b.total * pooled, b.total * (1 - pooled)];
  let test: ProportionTest;
  let p: number;
  let pHigher: number;
  let note: string;
  if (Math.min(...expected) < 5) {
    test = 'fisher';
    ({ p, pHigher } = fisherExact(a, b));
    note = 'an expected cell count is below 5: Fisher exact test';
  } else {
    test = 'z';
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
    const z = se > 0 ? d / se : 0;
    p = Math.min(1, 2 * normalUpper(Math.abs(z)));
    pHigher = normalUpper(z);
    note = 'pooled two-proportion z-test; Newcombe hybrid score interval';
  }
  return { difference: d, lower: Math.max(-1, lower), upper: Math.min(1, upper), shareA: pa, shareB: pb, test, p, pHigher, status: 'ok', note };
}
