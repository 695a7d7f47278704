import { describe, expect, it } from 'vitest';
import { pickComparable, sizeBeforeActivation, type ComparableCandidate } from './comparable.ts';

const window = Array.from({ length: 24 }, (_, i) => 100 + i);
/** A jurisdiction booking `perMonth` people a month, `share` of them in the group, every month of the window. */
function jail(ori: string, activationMonth: number | null, perMonth: number, share = 0.25, state = 'AZ'): ComparableCandidate {
  return {
    ori,
    state,
    activationMonth,
    volume: new Map(window.map((m) => [m, perMonth])),
    group: new Map(window.map((m) => [m, { count: Math.round(share * perMonth), total: perMonth }])),
  };
}

describe('comparable jurisdictions', () => {
  const target = jail('J', 112, 100);
  const after = window.filter((m) => m >= 112); // months 112–123

  it('measures size by the mean monthly bookings before the jurisdiction\'s own activation', () => {
    const j = { ...jail('X', 110, 50), volume: new Map(window.map((m) => [m, m >= 110 ? 500 : 50])) };
    expect(sizeBeforeActivation(j, window)).toBe(50);
    expect(sizeBeforeActivation(jail('N', null, 70), window)).toBe(70);
    expect(sizeBeforeActivation(jail('E', 90, 80), window)).toBe(80); // activated before the window: every month
    expect(sizeBeforeActivation(jail('E', 90, 80), [])).toBe(0);
  });

  it('takes same-state jurisdictions of similar size, only in months where they were not yet activated or activated long before', () => {
    const picks = pickComparable(
      target,
      [
        target,
        jail('never', null, 120), // not yet activated all along: every after month
        jail('late', 118, 90), // not yet activated in 112–117: 6 months
        jail('early', 95, 100), // activated 17 months before 112: settled from the start
        jail('recent', 104, 100), // settled (12 months) from 116: 116–123
        jail('same', 112, 100), // activated with J, and in its first year all along: nothing
        jail('small', null, 49), // more than twice smaller
        jail('large', null, 201), // more than twice larger
        jail('other', null, 100, 0.25, 'TX'), // another state
      ],
      after,
      window,
    );
    expect(picks.map((p) => [p.ori, p.months, p.total])).toEqual([
      ['early', 12, 1200],
      ['late', 6, 540],
      ['never', 12, 1440],
      ['recent', 8, 800],
    ]);
    expect(picks.find((p) => p.ori === 'never')!.count).toBe(12 * 30);
  });

  it('follows the size ratio and settling time given, and skips months without bookings with demographics', () => {
    const quiet = jail('quiet', null, 100);
    quiet.group = new Map();
    const picks = pickComparable(target, [jail('recent', 104, 100), jail('small', null, 40), quiet], after, window, { sizeRatio: 3, settledMonths: 6 });
    expect(picks.map((p) => [p.ori, p.months])).toEqual([
      ['recent', 12],
      ['small', 12],
    ]);
    const empty = jail('J0', 112, 0);
    expect(pickComparable(empty, [jail('never', null, 100)], after, window)).toEqual([]);
  });
});
