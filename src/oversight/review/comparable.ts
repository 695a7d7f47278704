/**
 * Comparable jurisdictions for the demographics screen: whose bookings show what a group's share
 * among people booked looks like where the program did not just start?
 *
 * For a jurisdiction J activated in month a, over its after-activation months M (a … the quarter's
 * last month, within the series window), a jurisdiction C is comparable when
 * - it is in J's state (same state law, same mix of state-wide populations), and not J;
 * - it is of similar size: its mean monthly bookings before its own activation (all window months
 *   when it has none before) are within a factor `sizeRatio` (default 2) of J's, measured the
 *   same way — before activation, so that J's pretextual bookings do not make it look bigger;
 * and only C's months m ∈ M in which its own program status is steady count: C **not yet
 *   activated** in m (activation after m — the "not-yet-treated" comparison of staggered-adoption
 *   designs), or activated **long before** (at least `settledMonths`, default 12, before m), so that
 *   no comparison month catches C in its own first year. C's members and bookings with
 *   demographics over those months are its count and total.
 * Pure: takes month-indexed counts, returns the choice with its reasons.
 */

export interface ComparableCandidate {
  ori: string;
  state: string;
  /** Month index of activation; null when never activated. */
  activationMonth: number | null;
  /** All bookings per month (for size). */
  volume: ReadonlyMap<number, number>;
  /** Group members / bookings with demographics per month. */
  group: ReadonlyMap<number, { count: number; total: number }>;
}

export interface ComparableOptions {
  /** Largest ratio between the two sizes; default 2. */
  sizeRatio?: number;
  /** Months after its activation from which a comparator counts as settled; default 12. */
  settledMonths?: number;
}

export interface ComparablePick {
  ori: string;
  /** Months that counted (steady status). */
  months: number;
  count: number;
  total: number;
}

/** Mean monthly bookings over the window months before the jurisdiction's activation (all window months when none is before). */
export function sizeBeforeActivation(c: Pick<ComparableCandidate, 'activationMonth' | 'volume'>, window: readonly number[]): number {
  const before = window.filter((m) => c.activationMonth === null || m < c.activationMonth);
  const months = before.length > 0 ? before : window;
  if (months.length === 0) return 0;
  let n = 0;
  for (const m of months) n += c.volume.get(m) ?? 0;
  return n / months.length;
}

/** The comparable jurisdictions of `target` over `months` (its after-activation months), those with bookings with demographics in steady months. */
export function pickComparable(target: ComparableCandidate, candidates: Iterable<ComparableCandidate>, months: readonly number[], window: readonly number[], options: ComparableOptions = {}): ComparablePick[] {
  const ratio = options.sizeRatio ?? 2;
  const settled = options.settledMonths ?? 12;
  const size = sizeBeforeActivation(target, window);
  if (!(size > 0)) return [];
  const picked: ComparablePick[] = [];
  for (const c of candidates) {
    if (c.ori === target.ori || c.state !== target.state) continue;
    const s = sizeBeforeActivation(c, window);
    if (!(s > 0) || Math.max(s, size) / Math.min(s, size) > ratio) continue;
    let count = 0;
    let total = 0;
    let used = 0;
    for (const m of months) {
      const steady = c.activationMonth === null || c.activationMonth > m || c.activationMonth <= m - settled;
      if (!steady) continue;
      const g = c.group.get(m);
      if (!g || g.total === 0) continue;
      count += g.count;
      total += g.total;
      used++;
    }
    if (total > 0) picked.push({ ori: c.ori, months: used, count, total });
  }
  return picked.sort((x, y) => x.ori.localeCompare(y.ori));
}
