import type { MonthlyCount, SegmentedResult } from '../stats/segmented.ts';

/**
 * The segmented model's fitted share of a unit per month, for drawing. `segmentedRegression`
 * returns the slope, level change and slope change but not the intercept; with an intercept in
 * the model the OLS residuals sum to zero, so b0 = mean(y) − b1·mean(x1) − b2·mean(x2) − b3·mean(x3)
 * over the months it used (total > 0 and a state figure). The outcome is the excess over the
 * state, so the fitted share is the state's share plus the fitted excess.
 */
export function fittedShares(unit: readonly MonthlyCount[], activation: number, state: readonly MonthlyCount[], res: SegmentedResult): (number | null)[] {
  if (res.status !== 'ok' || !res.preSlope || !res.levelChange || !res.slopeChange) return unit.map(() => null);
  const stateShare = new Map(state.filter((s) => s.total > 0).map((s) => [s.period, s.count / s.total]));
  const b1 = res.preSlope.estimate;
  const b2 = res.levelChange.estimate;
  const b3 = res.slopeChange.estimate;
  const x = (t: number) => {
    const post = t >= activation ? 1 : 0;
    return [t - activation, post, post * (t - activation)];
  };
  let sum = 0;
  let n = 0;
  for (const m of unit) {
    const s = stateShare.get(m.period);
    if (m.total === 0 || s === undefined) continue;
    const [x1, x2, x3] = x(m.period);
    sum += m.count / m.total - s - b1 * x1 - b2 * x2 - b3 * x3;
    n++;
  }
  if (n === 0) return unit.map(() => null);
  const b0 = sum / n;
  return unit.map((m) => {
    const s = stateShare.get(m.period);
    if (s === undefined) return null;
    const [x1, x2, x3] = x(m.period);
    const v = s + b0 + b1 * x1 + b2 * x2 + b3 * x3;
    return Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : null;
  });
}
