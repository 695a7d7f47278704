import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyFact, type CaseFact, type JurisdictionRef } from '../facts/types.ts';
import { reportHtml } from '../report/html.ts';
import { segmentedRegression } from '../stats/segmented.ts';
import { reviewQuarter } from './build.ts';
import { monthLabel, monthOf, parseQuarter, quarterRange, quarterWords } from './calendar.ts';
import { ReviewError } from './errors.ts';
import { fittedShares } from './fit.ts';
import { quarterReviewReport } from './report.ts';
import { factsOf, syntheticLog } from './testing.ts';

const BAD = /NaN|undefined|Infinity/;
// One realisation of the synthetic log, with a seed whose planted effect sits where the two references
// disagree (flagged against the rest of the state, not against the whole state). Error rates over
// many realisations are measured elsewhere: stats/power.test.ts and stats/segmented.test.ts.
const log = syntheticLog({ seed: 'review-synthetic-10' });
const registry = new Map(log.registry.map((r) => [r.ori, r]));
const facts = factsOf(log.events, registry);
const result = reviewQuarter(facts, registry, '2011Q3');

describe('quarterly review from the facts of a synthetic event log', () => {
  it('flags the planted pretextual-arrest jurisdiction on its arrests, its minor-offense bookings at activation and the foreign-born share', () => {
    const mine = result.flags.filter((f) => f.ori === log.planted);
    const kinds = new Set(mine.map((f) => `${f.measure}/${f.kind}`));
    expect(kinds.has('ice-arrests/share-above-state')).toBe(true);
    expect(kinds.has('bookings/share-rose-at-activation')).toBe(true);
    expect(kinds.has('bookings/group-share-rose')).toBe(true);
    const arrests = mine.find((f) => f.measure === 'ice-arrests')!;
    expect(arrests.reason).toMatch(/^\d+ % of ICE arrests were arrests of people with no criminal record or only Level 3 offenses \(\d+ of \d+\) against \d+ % for the rest of (the nation|AZ) \(\d+ of \d+\);/);
    const rise = mine.find((f) => f.kind === 'share-rose-at-activation')!;
    expect(rise.reason).toMatch(/jumped by \d+ % .* when the jurisdiction was activated \(2010-10\), over and above the rest of AZ \(12 months before, 12 after\)/);
    expect(rise.numbers.effect!.estimate).toBeGreaterThan(0.1);
    expect(mine.find((f) => f.kind === 'group-share-rose')!.reason).toMatch(/^Foreign-born people were \d+ % of those booked after activation against \d+ % before activation/);
    expect(kinds.has('bookings/group-share-above-comparable')).toBe(true);
  });

  it('compares the foreign-born share after activation with comparable jurisdictions: same state, similar size, steady program status', () => {
    const flag = result.flags.find((f) => f.ori === log.planted && f.kind === 'group-share-above-comparable')!;
    const j = result.jurisdictions.find((x) => x.ori === log.planted)!;
    expect(j.comparable!.status).toBe('ok');
    expect(j.comparableJurisdictions.length).toBeGreaterThanOrEqual(3);
    expect(flag.reason).toMatch(/^Foreign-born people were \d+ % of those booked after activation \(\d+ of \d+\) against \d+ % in \d+ comparable jurisdictions over the same months \(\d+ of \d+\), \d+ % more .*allowing for the spread between jurisdictions p = /);
    expect(flag.drillDown).toBe(`review/2011Q3/bookings/AZ/${log.planted}/demographics-comparable`);
    expect(flag.reason).toContain(`after activation (${flag.cases.length} of `);
    expect(j.comparable!.tau2Source).toMatch(/^the 10 jurisdictions of AZ before activation$/);
    // Every comparable jurisdiction is in AZ, not the planted one, and within ×2 of its size before activation.
    const byId = new Map(facts.map((f) => [f.caseId, f]));
    const activation = new Map(log.registry.map((r) => [r.ori, monthOf(r.activatedAt!, r.timeZone)]));
    const window = Array.from({ length: 24 }, (_, i) => 2009 * 12 + 9 + i);
    const size = (ori: string) => {
      const before = window.filter((m) => m < activation.get(ori)!);
      const n = facts.filter((f) => f.ori === ori && f.bookedAt !== null && before.includes(monthOf(f.bookedAt, 'America/Phoenix'))).length;
      return n / before.length;
    };
    for (const c of j.comparableJurisdictions) {
      expect(c.ori.startsWith('AZ') && c.ori !== log.planted).toBe(true);
      expect(Math.max(size(c.ori), size(log.planted)) / Math.min(size(c.ori), size(log.planted))).toBeLessThanOrEqual(2);
      expect(c.total).toBeGreaterThan(0);
    }
    expect(j.comparable!.count).toBe(j.comparableJurisdictions.reduce((n, c) => n + c.count, 0));
    expect(j.comparable!.total).toBe(j.comparableJurisdictions.reduce((n, c) => n + c.total, 0));
    for (const id of flag.cases) expect(byId.get(id)!.ori).toBe(log.planted);
    expect(result.flags.some((f) => f.ori === log.normal && f.kind === 'group-share-above-comparable')).toBe(false);
  });

  it('flags the planted jurisdiction against the rest of its state although it makes a third of the state\'s ICE arrests', () => {
    const az = result.rates.states.find((s) => s.state === 'AZ')!.arrests;
    const mine = result.jurisdictions.find((j) => j.ori === log.planted)!.arrests;
    expect(mine.total / az.total).toBeGreaterThan(0.28);
    expect(mine.total / az.total).toBeLessThan(0.4);
    expect(result.thresholds.reference).toBe('leave-one-out');
    const flag = result.flags.find((f) => f.ori === log.planted && f.measure === 'ice-arrests' && f.against === 'state' && f.kind === 'share-above-state')!;
    expect(flag).toBeDefined();
    // The reference is the rest of AZ: the state's counts without the planted jurisdiction's.
    expect(flag.numbers.reference).toEqual({ count: az.count - mine.count, total: az.total - mine.total });
    expect(flag.numbers.expected).toBeCloseTo((az.count - mine.count) / (az.total - mine.total), 12);
    expect(flag.numbers.expected).toBeLessThan(az.share);
    expect(flag.reason).toContain(`for the rest of AZ (${az.count - mine.count} of ${az.total - mine.total})`);
    // Against the whole state, itself included, it pulls its own target up and escapes the state flag.
    const whole = reviewQuarter(facts, registry, '2011Q3', { reference: 'group' });
    expect(whole.thresholds.reference).toBe('group');
    // (Since τ̂² sets outliers aside it no longer hides the unit by inflating the spread, so the
    // whole-state screen may flag it too; what leave-one-out changes is the reference.)
    expect(whole.flags.some((f) => f.ori === log.planted && f.measure === 'ice-arrests' && f.against === 'nation')).toBe(true);
    const u = whole.reviews['ice-arrests:state']!.units.find((x) => x.id === log.planted)!;
    expect(u.expected).toBeCloseTo(az.share, 12);
    // φ̂ and τ̂² are the state funnel's under both references.
    expect(result.reviews['ice-arrests:state']!.groups).toEqual(whole.reviews['ice-arrests:state']!.groups);
  });

  it('reviews on the logit scale when asked: every funnel reports it, every judged unit has its limits, and a bad scale is refused', () => {
    const logit = reviewQuarter(facts, registry, '2011Q3', { scale: 'logit' });
    expect(result.thresholds.scale).toBe('arcsine');
    expect(logit.thresholds.scale).toBe('logit');
    for (const r of Object.values(logit.reviews)) {
      if (!r) continue;
      for (const g of r.groups) expect(g.funnel.scale).toBe('logit');
      for (const u of r.units) if (u.total > 0 && !u.note?.includes('not judged')) expect(u.limits).toHaveLength(2);
    }
    // τ̂² is on the scale asked for: where a spread is found on both scales, the two differ.
    const tau = (q: typeof result) => Object.values(q.reviews).flatMap((r) => r?.groups.map((g) => g.funnel.tau2) ?? []);
    const pairs = tau(result).map((a, i) => [a, tau(logit)[i]]).filter(([a, b]) => a > 0 && b > 0);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) expect(b).not.toBeCloseTo(a, 6);
    expect(() => reviewQuarter([], registry, '2011Q3', { scale: 'probit' as never })).toThrow(ReviewError);
  });

  it('leaves the normal jurisdiction alone, and raises at most one flag on any other background jurisdiction', () => {
    expect(result.flags.filter((f) => f.ori === log.normal)).toEqual([]);
    expect(new Set(result.flags.filter((f) => f.ori !== log.planted).map((f) => f.ori)).size).toBeLessThanOrEqual(1);
  });

  it('drills down to exactly the cases behind each count', () => {
    const byId = new Map(facts.map((f) => [f.caseId, f]));
    const q = parseQuarter('2011Q3');
    const inQuarter = (t: number | null) => t !== null && q.months.includes(monthOf(t, 'America/Phoenix'));
    const arrests = result.flags.find((f) => f.ori === log.planted && f.measure === 'ice-arrests')!;
    expect(arrests.cases.length).toBe(arrests.numbers.count);
    for (const id of arrests.cases) {
      const f = byId.get(id)!;
      expect(f.ori).toBe(log.planted);
      expect(inQuarter(f.iceCustodyAt)).toBe(true);
      expect(['non-criminal', 'level-3']).toContain(f.levelAtIceCustody);
    }
    const all = facts.filter((f) => f.ori === log.planted && inQuarter(f.iceCustodyAt));
    expect(arrests.numbers.total).toBe(all.length);
    expect(result.cases[arrests.drillDown]).toEqual({ cases: arrests.cases, count: arrests.numbers.count, total: arrests.numbers.total });
    expect(arrests.drillDown).toBe(`review/2011Q3/ice-arrests/AZ/${log.planted}`);
     // A demographics flag counts the group's people, the very cases it lists, not the minor-offense share's.
    for (const f of result.flags.filter((x) => x.kind === 'group-share-rose' || x.kind === 'group-share-above-comparable')) {
      expect(f.numbers.count).toBe(f.cases.length);
      expect(f.numbers.observed).toBeCloseTo(f.numbers.count / f.numbers.total, 12);
      expect(f.numbers.upperLimit).toBeUndefined();
      expect(f.reason).toContain(`${Math.round(f.numbers.observed * 100)} %`);
    }
  });

  it('reports every activated jurisdiction with finite numbers, state and national rates, and the series of flagged ones', () => {
    expect(result.jurisdictions.length).toBe(log.registry.length);
    expect(JSON.stringify(result)).not.toMatch(BAD);
    const az = result.rates.states.find((s) => s.state === 'AZ')!;
    expect(az.arrests.total).toBe(result.jurisdictions.filter((j) => j.state === 'AZ').reduce((n, j) => n + j.arrests.total, 0));
    const s = result.series.find((x) => x.ori === log.planted)!;
    expect(s.periods[0]).toBe('2009-10');
    expect(s.periods[s.activationIndex]).toBe('2010-10');
    expect(s.fitted!.every((v) => v === null || (v >= 0 && v <= 1))).toBe(true);
    expect(result.national.arrests.periods.length).toBe(24);
    expect(result.notes.join(' ')).toMatch(/complaint counts per jurisdiction were not available/);
  });

  it('shows complaint counts when the complaints module supplies them', () => {
    const r = reviewQuarter(facts.slice(0, 2000), registry, '2011Q3', { complaints: new Map([[log.planted, 3]]) });
    expect(r.jurisdictions.find((j) => j.ori === log.planted)!.complaints).toBe(3);
    expect(r.jurisdictions.find((j) => j.ori === log.normal)!.complaints).toBe(0);
  });

  it('renders as a report with no NaN, the flags, funnel plots and activation charts', () => {
    const html = reportHtml(quarterReviewReport(result, { generated: 'test' }));
    expect(html).not.toMatch(BAD);
    expect(html).toContain(`<th scope="row">${log.planted}</th>`);
    expect(html).toContain('ICE arrests: no record or Level 3 only, against the national rate');
    expect(html).toContain(`${log.planted}: share of bookings for minor offenses only`);
    expect(html).toMatch(/<details><summary>AZ0070000, ICE arrests/);
  });
});

describe('empty and bad input', () => {
  it('explains a quarter before any activation and a quarter without cases, never NaN', () => {
    const before = reviewQuarter(facts, registry, '2008Q1');
    expect(before.flags).toEqual([]);
    expect(before.jurisdictions).toEqual([]);
    expect(before.notes.join(' ')).toMatch(/no jurisdiction was activated by the end of 2008Q1/);
    const after = reviewQuarter(facts, registry, '2013Q1');
    expect(after.flags).toEqual([]);
    expect(after.notes.join(' ')).toMatch(/no ICE arrests in 2013Q1 in any activated jurisdiction/);
    expect(after.jurisdictions.every((j) => !j.arrests.judged && j.arrests.share === 0)).toBe(true);
    const none = reviewQuarter([], new Map(), '2011Q3');
    expect(none.notes.join(' ')).toMatch(/the event log has no cases/);
    for (const r of [before, after, none]) {
      expect(JSON.stringify(r)).not.toMatch(BAD);
      expect(reportHtml(quarterReviewReport(r))).not.toMatch(BAD);
    }
  });

  it('refuses a malformed quarter and impossible options with a typed error', () => {
    for (const q of ['2011Q5', '2011', 'Q3 2011', '', '11Q3', '2011Q3x']) expect(() => reviewQuarter([], new Map(), q)).toThrow(ReviewError);
    expect(() => reviewQuarter([], new Map(), '2011Q3', { fdr: 0 })).toThrow(/fdr 0 must be between 0 and 1/);
    expect(() => reviewQuarter([], new Map(), '2011Q3', { seriesMonths: 3 })).toThrow(/seriesMonths/);
    expect(() => reviewQuarter([], new Map(), '2011Q3', { minTotal: 0 })).toThrow(/minTotal/);
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const q = parseQuarter(s);
          expect(q.label).toMatch(/^(FY)?\d{4}Q[1-4]$/);
          expect(q.from < q.to).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ReviewError);
        }
      }),
    );
  });

  it('counts zero-arrest jurisdictions as not judged and facts without a registered ORI as unattributed', () => {
    const ref: JurisdictionRef = { ori: 'AZ9990000', state: 'AZ', aor: 'PHO', timeZone: 'America/Phoenix', activatedAt: Date.UTC(2010, 0, 1) };
    const stray: CaseFact = { ...emptyFact('stray'), ori: 'ZZ0000000', bookedAt: Date.UTC(2011, 7, 1) };
    const r = reviewQuarter([stray], new Map([[ref.ori, ref]]), '2011Q3');
    expect(r.jurisdictions[0].arrests).toEqual({ count: 0, total: 0, share: 0, judged: false });
    expect(r.jurisdictions[0].notes.join(' ')).toMatch(/not judged/);
    expect(r.notes.join(' ')).toMatch(/1 case\(s\) with no ORI or an ORI missing from the registry/);
  });

  it('reads calendar quarters and federal fiscal quarters (October–September, named by the year they end in), with their days', () => {
    const cal = parseQuarter('2011q3');
    expect(cal).toEqual({ label: '2011Q3', kind: 'calendar', year: 2011, q: 3, months: [2011 * 12 + 6, 2011 * 12 + 7, 2011 * 12 + 8], from: '2011-07-01', to: '2011-09-30' });
    expect(quarterWords(cal)).toBe('July–September 2011');
    const fy = parseQuarter('FY2011Q3');
    expect(fy.months.map(monthLabel)).toEqual(['2011-04', '2011-05', '2011-06']);
    expect(quarterRange(fy)).toBe('2011-04-01 to 2011-06-30');
    expect(quarterWords(fy)).toBe('April–June 2011 (fiscal year 2011, Q3)');
    const q1 = parseQuarter(' fy2011-Q1 ');
    expect(q1.label).toBe('FY2011Q1');
    expect(quarterRange(q1)).toBe('2010-10-01 to 2010-12-31');
    expect(quarterWords(q1)).toBe('October–December 2010 (fiscal year 2011, Q1)');
    expect(quarterRange(parseQuarter('FY2012Q2'))).toBe('2012-01-01 to 2012-03-31'); // a leap year's February is inside
    expect(quarterRange(parseQuarter('FY2012Q4'))).toBe('2012-07-01 to 2012-09-30');
    expect(() => parseQuarter('FY11Q3')).toThrow(/FY2011Q3 \(fiscal year October–September, FY2011Q3 = April–June 2011\)/);
    expect(() => parseQuarter('FY2011Q5')).toThrow(ReviewError);
  });

  it('reviews a fiscal quarter exactly as the calendar quarter of the same months', () => {
    const fiscal = reviewQuarter(facts, registry, 'FY2011Q3');
    const calendar = reviewQuarter(facts, registry, '2011Q2');
    expect(fiscal.range).toEqual({ kind: 'fiscal', from: '2011-04-01', to: '2011-06-30' });
    expect(fiscal.period).toBe('April–June 2011 (fiscal year 2011, Q3)');
    expect(fiscal.months).toEqual(calendar.months);
    expect(fiscal.jurisdictions).toEqual(calendar.jurisdictions.map((j) => ({ ...j, flags: j.flags.map((id) => id.replace(/^2011Q2:/, 'FY2011Q3:')) })));
    expect(fiscal.flags.map((f) => f.id)).toEqual(calendar.flags.map((f) => f.id.replace(/^2011Q2:/, 'FY2011Q3:')));
    expect(fiscal.flags.map((f) => f.drillDown)).toEqual(calendar.flags.map((f) => f.drillDown.replace('review/2011Q2/', 'review/FY2011Q3/')));
    expect(reportHtml(quarterReviewReport(fiscal))).toContain('April–June 2011 (fiscal year 2011, Q3): 2011-04-01 to 2011-06-30');
  });

  it('reads months on the jurisdiction\'s wall clock', () => {
    // 05:00 UTC on 1 October 2011 is 22:00 on 30 September in Phoenix: a third-quarter booking.
    expect(monthOf(Date.UTC(2011, 9, 1, 5), 'America/Phoenix')).toBe(2011 * 12 + 8);
    expect(monthOf(Date.UTC(2011, 9, 1, 5), 'UTC')).toBe(2011 * 12 + 9);
  });
});

describe('segmented fit for drawing', () => {
  it('recovers the fitted line of an exactly linear excess over the state', () => {
    const state = Array.from({ length: 20 }, (_, t) => ({ period: t, count: 300 + 10 * (t % 3), total: 1000 }));
    const excess = (t: number) => 0.05 + 0.002 * t + (t >= 10 ? 0.1 + 0.003 * (t - 10) : 0);
    const unit = state.map((s) => ({ period: s.period, count: Math.round((s.count / s.total + excess(s.period)) * 100000), total: 100000 }));
    const res = segmentedRegression(unit, 10, state);
    const fitted = fittedShares(unit, 10, state, res);
    fitted.forEach((v, t) => expect(v!).toBeCloseTo(unit[t].count / unit[t].total, 4));
  });
});
