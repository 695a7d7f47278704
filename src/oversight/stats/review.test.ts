import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { StatsError } from './errors.ts';
import { funnel } from './funnel.ts';
import { compareWithComparable, review } from './review.ts';
import { simulateQuarter } from './simulate.ts';

describe('quarterly review', () => {
  const sim = simulateQuarter(createRng('review-test'), { units: 120 });

  it('flags planted jurisdictions with a plain-words reason, its numbers and a drill-down id', () => {
    const r = review({ quarter: '2011Q2', units: sim.units }, { labels: { count: 'arrests of people with no criminal record', total: 'ICE arrests' } });
    const flagged = r.flags.filter((f) => f.kind === 'share-above-state');
    expect(flagged.length).toBeGreaterThan(0);
    const hits = flagged.filter((f) => sim.planted.has(f.unitId)).length;
    expect(hits / sim.planted.size).toBeGreaterThanOrEqual(0.8);
    const f = flagged[0];
    expect(f.id).toBe(`2011Q2:all:${f.unitId}:share-above-state`);
    expect(f.drillDown).toBe(`review/2011Q2/all/${f.unitId}`);
    expect(f.reason).toMatch(/of ICE arrests were arrests of people with no criminal record/);
    expect(f.reason).toMatch(/q = /);
    expect(f.numbers.q).toBeLessThan(0.05);
    expect(f.numbers.shrunk!.lower).toBeLessThan(f.numbers.shrunk!.upper);
    for (const v of Object.values(f.numbers)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });

  it('raises nothing when no jurisdiction differs beyond the usual spread', () => {
    const calm = simulateQuarter(createRng('calm'), { units: 120, outlierShare: 0 });
    expect(review({ quarter: 'Q', units: calm.units }).flags.length).toBeLessThanOrEqual(1);
  });

  it('a stricter threshold flags a subset', () => {
    const loose = review({ quarter: 'Q', units: sim.units }, { fdr: 0.1 });
    const strict = review({ quarter: 'Q', units: sim.units }, { fdr: 0.001 });
    const looseIds = new Set(loose.flags.map((f) => f.unitId));
    for (const f of strict.flags) expect(looseIds.has(f.unitId)).toBe(true);
  });

  it('judges each state against its own target and leaves small units unflagged with a note', () => {
    const r = review({
      quarter: 'Q',
      units: [
        { id: 'a', group: 'LA', count: 70, total: 100 },
        ...[26, 25, 27, 24, 23, 28, 26, 25, 27, 24].map((count, i) => ({ id: `n${i}`, group: 'LA', count, total: 100 })),
        { id: 'f', group: 'LA', count: 8, total: 8 },
        { id: 'g', group: 'LA', count: 0, total: 0 },
      ],
      targets: { LA: 0.26 },
    });
    expect(r.flags.map((f) => f.unitId)).toEqual(['a']);
    expect(r.flags[0].reason).toMatch(/26 % for the LA target/);
    expect(r.units.find((u) => u.id === 'f')!.note).toMatch(/below the 10 needed/);
    expect(r.units.find((u) => u.id === 'g')!.note).toMatch(/not judged/);
  });

  it('flags a rise at activation against the state series, and a rise in a group share', () => {
    const months = (f: (t: number) => number) => Array.from({ length: 30 }, (_, t) => ({ period: t, count: Math.round(f(t) * 400), total: 400 }));
    const state = months((t) => 0.25 + 0.01 * Math.sin(t));
    const r = review({
      quarter: 'Q',
      units: [
        { id: 'jump', count: 100, total: 400, monthly: months((t) => 0.25 + 0.01 * Math.sin(t) + (t >= 15 ? 0.2 : 0) + 0.01 * Math.cos(3 * t)), activation: 15, demographics: { group: 'Hispanic', before: { count: 40, total: 200 }, after: { count: 90, total: 200 } } },
        { id: 'flat', count: 100, total: 400, monthly: months((t) => 0.25 + 0.01 * Math.sin(t) + 0.01 * Math.cos(2 * t)), activation: 15, demographics: { group: 'Hispanic', before: { count: 40, total: 200 }, after: { count: 42, total: 200 } } },
      ],
      groupMonthly: { all: state },
    });
    expect(r.flags.filter((f) => f.kind === 'share-rose-at-activation').map((f) => f.unitId)).toEqual(['jump']);
    const demo = r.flags.filter((f) => f.kind === 'group-share-rose');
    expect(demo.map((f) => f.unitId)).toEqual(['jump']);
    expect(demo[0].reason).toMatch(/Hispanic people were 45 % of those booked after activation against 20 % before/);
    expect(demo[0].numbers.effect!.estimate).toBeCloseTo(0.25, 12);
  });

  it('an empty quarter is reviewed without error', () => {
    const r = review({ quarter: 'Q', units: [] });
    expect(r.flags).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/nothing to review/);
  });
});

describe('leave-one-out reference', () => {
  // A state of ten jurisdictions where one holds a third of the arrests.
  const shares = [0.27, 0.24, 0.25, 0.29, 0.22, 0.26, 0.23, 0.28, 0.25];
  const units = [{ id: 'big', group: 'AZ', count: 420, total: 900 }, ...shares.map((p, i) => ({ id: `n${i}`, group: 'AZ', count: Math.round(p * 200), total: 200 }))];

  it('compares each unit with the rest of its group, with the rest\'s own variance, by the documented formula', () => {
    const r = review({ quarter: 'Q', units }, { reference: 'leave-one-out' });
    const fit = funnel(units, { model: 'additive' });
    const N = units.reduce((a, u) => a + u.total, 0);
    const C = units.reduce((a, u) => a + u.count, 0);
    for (const u of units) {
      const restN = N - u.total;
      const restC = C - u.count;
      const others = units.filter((x) => x !== u).reduce((a, x) => a + x.total ** 2, 0);
      const v = 1 / (4 * u.total) + fit.tau2 + 1 / (4 * restN) + (fit.tau2 * others) / restN ** 2;
      const z = (Math.asin(Math.sqrt(u.count / u.total)) - Math.asin(Math.sqrt(restC / restN))) / Math.sqrt(v);
      const got = r.units.find((x) => x.id === u.id)!;
      expect(got.expected).toBeCloseTo(restC / restN, 14);
      expect(got.reference).toEqual({ count: restC, total: restN });
      expect(got.z).toBeCloseTo(z, 12);
    }
    // The over-dispersion estimate is the group funnel's, unchanged by the reference.
    expect(r.groups[0].funnel.phi).toBe(fit.phi);
    expect(r.groups[0].funnel.tau2).toBe(fit.tau2);
    expect(review({ quarter: 'Q', units }).groups).toEqual(r.groups);
  });

  it('flags a jurisdiction holding a third of its state against the rest, whose share is below the whole-state target it pulls up', () => {
    const whole = review({ quarter: 'Q', units });
    const loo = review({ quarter: 'Q', units }, { reference: 'leave-one-out' });
    // Its own weight pulls the whole-state target up; since τ̂² sets outliers aside (Paule–Mandel
    // after outlier exclusion) it no longer inflates the spread too, so the whole-state screen finds it as well.
    expect(whole.units.find((u) => u.id === 'big')!.expected).toBeGreaterThan(loo.units.find((u) => u.id === 'big')!.expected);
    expect(loo.flags.map((f) => f.unitId)).toEqual(['big']);
    expect(loo.flags[0].reason).toMatch(/against 25 % for the rest of AZ \(458 of 1800\);/);
    expect(loo.flags[0].numbers.reference).toEqual({ count: 458, total: 1800 });
    expect(loo.flags[0].numbers.upperLimit).toBeLessThan(loo.flags[0].numbers.observed);
    expect(loo.thresholds.reference).toBe('leave-one-out');
  });

  it('takes the rest from the group totals when given (places outside the review count in the rest)', () => {
    const r = review({ quarter: 'Q', units, groupTotals: { AZ: { count: 870 + 500, total: 2700 + 2000 } } }, { reference: 'leave-one-out' });
    expect(r.units.find((u) => u.id === 'big')!.reference).toEqual({ count: 950, total: 3800 });
    const g = review({ quarter: 'Q', units, groupTotals: { AZ: { count: 870 + 500, total: 2700 + 2000 } } });
    expect(g.groups[0].funnel.target).toBeCloseTo(1370 / 4700, 14);
  });

  it('leaves a unit with no rest to compare with unjudged, and refuses impossible group totals or a rate to leave out', () => {
    const r = review({ quarter: 'Q', units: [{ id: 'only', group: 'WY', count: 9, total: 10 }, { id: 'x', group: 'AZ', count: 1, total: 10 }, { id: 'y', group: 'AZ', count: 0, total: 0 }] }, { reference: 'leave-one-out' });
    expect(r.units.find((u) => u.id === 'only')!.note).toMatch(/no other arrests in WY to compare with: not judged/);
    expect(r.units.find((u) => u.id === 'x')!.note).toMatch(/not judged/);
    expect(r.flags).toEqual([]);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(() => review({ quarter: 'Q', units, groupTotals: { AZ: { count: 10, total: 100 } } }, { reference: 'leave-one-out' })).toThrow(/smaller than the sums of its units/);
    expect(() => review({ quarter: 'Q', units, groupTotals: { AZ: { count: 5000, total: 4000 } } })).toThrow(StatsError);
    expect(() => review({ quarter: 'Q', units, targets: { AZ: 0.3 } }, { reference: 'leave-one-out' })).toThrow(/a target rate cannot leave a unit out/);
    expect(() => review({ quarter: 'Q', units }, { reference: 'nearest' as never })).toThrow(/reference "nearest"/);
  });

  it('never produces NaN or Infinity, shares of 0 and 1 included (fast-check)', () => {
    const unit = fc.record({ total: fc.integer({ min: 0, max: 3000 }), frac: fc.constantFrom(0, 1, 0.5, 0.01, 0.99, 0.3), group: fc.constantFrom('A', 'B') });
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 15 }), fc.constantFrom('additive', 'multiplicative', 'none'), (list, model) => {
        const us = list.map((u, i) => ({ id: `u${i}`, group: u.group, count: Math.round(u.frac * u.total), total: u.total }));
        const r = review({ quarter: 'Q', units: us }, { reference: 'leave-one-out', model: model as 'additive' });
        expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity|null,"q"/);
        for (const u of r.units) {
          expect(u.pHigh).toBeGreaterThanOrEqual(0);
          expect(u.pHigh).toBeLessThanOrEqual(1);
          expect(u.qHigh).toBeGreaterThanOrEqual(u.pHigh);
        }
      }),
    );
  });
});

describe('a group share against comparable jurisdictions', () => {
  const comparable = [
    { id: 'c1', count: 50, total: 200 },
    { id: 'c2', count: 66, total: 240 },
    { id: 'c3', count: 40, total: 180 },
    { id: 'c4', count: 61, total: 210 },
  ];

  it('allows for the spread between jurisdictions, by the documented formula', () => {
    const c = compareWithComparable({ count: 120, total: 300 }, comparable, { tau2: 0.002, source: 'the state before activation' });
    const N = 830;
    const theta = 217 / N;
    const sd = Math.sqrt(1 / 1200 + 0.002 + 1 / (4 * N) + (0.002 * (200 ** 2 + 240 ** 2 + 180 ** 2 + 210 ** 2)) / N ** 2);
    expect(c.status).toBe('ok');
    expect(c.reference).toBeCloseTo(theta, 15);
    expect(c.difference).toBeCloseTo(0.4 - theta, 15);
    expect(c.z).toBeCloseTo((Math.asin(Math.sqrt(0.4)) - Math.asin(Math.sqrt(theta))) / sd, 12);
    expect(c.upper - c.lower).toBeGreaterThan(0);
    expect(c.lower).toBeLessThan(c.difference);
    expect(c.upper).toBeGreaterThan(c.difference);
    expect(c.tau2Source).toBe('the state before activation');
    // Without a given spread, the comparable jurisdictions' own funnel's τ̂².
    const own = compareWithComparable({ count: 120, total: 300 }, comparable);
    expect(own.tau2).toBe(funnel(comparable, { model: 'additive' }).tau2);
    expect(own.note).toMatch(/rough with so few/);
    // A wider usual spread makes the same excess less surprising.
    expect(compareWithComparable({ count: 120, total: 300 }, comparable, { tau2: 0.01, source: 's' }).pHigher).toBeGreaterThan(c.pHigher);
  });

  it('needs three comparable jurisdictions with bookings, and bookings after activation', () => {
    const few = compareWithComparable({ count: 10, total: 20 }, [...comparable.slice(0, 2), { id: 'c0', count: 0, total: 0 }]);
    expect(few.status).toBe('too-few-comparable');
    expect(few.note).toMatch(/^2 comparable jurisdiction\(s\) with bookings, fewer than the 3 needed/);
    expect(compareWithComparable({ count: 0, total: 0 }, comparable).status).toBe('no-data');
    expect(() => compareWithComparable({ count: 1, total: 2 }, comparable, { tau2: Number.NaN, source: 'x' })).toThrow(StatsError);
    for (const r of [few, compareWithComparable({ count: 0, total: 0 }, comparable), compareWithComparable({ count: 5, total: 5 }, [{ id: 'a', count: 0, total: 9 }, { id: 'b', count: 0, total: 9 }, { id: 'c', count: 0, total: 9 }])]) {
      expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    }
  });

  it('flags a unit whose share after activation stands out from comparable jurisdictions, with or without a before', () => {
    const r = review({
      quarter: 'Q',
      units: [
        { id: 'hi', group: 'AZ', count: 10, total: 100, demographics: { group: 'Foreign-born', after: { count: 180, total: 300 }, comparable, spread: { tau2: 0.002, source: 'AZ' } } },
        { id: 'ok', group: 'AZ', count: 10, total: 100, demographics: { group: 'Foreign-born', after: { count: 84, total: 300 }, before: { count: 80, total: 300 }, comparable, spread: { tau2: 0.002, source: 'AZ' } } },
      ],
    });
    const flags = r.flags.filter((f) => f.kind === 'group-share-above-comparable');
    expect(flags.map((f) => f.unitId)).toEqual(['hi']);
    expect(flags[0].reason).toMatch(/^Foreign-born people were 60 % of those booked after activation \(180 of 300\) against 26 % in 4 comparable jurisdictions over the same months \(217 of 830\), 34 % more/);
    expect(flags[0].drillDown).toBe('review/Q/AZ/hi/demographics-comparable');
    expect(r.units.find((u) => u.id === 'hi')!.demographics).toBeUndefined();
    expect(r.units.find((u) => u.id === 'ok')!.demographics!.status).toBe('ok');
  });
});

describe('per-unit control limits', () => {
  it('every judged unit, flagged or not, carries its 95 % and 99.8 % limits around its expected share, under both references', () => {
    const units = [
      { id: 'a', group: 'LA', count: 70, total: 100 },
      ...[26, 25, 27, 24, 23, 28, 26, 25, 27, 24].map((count, i) => ({ id: `n${i}`, group: 'LA', count, total: 100 + 37 * i })),
      { id: 'g', group: 'LA', count: 0, total: 0 },
    ];
    for (const reference of ['group', 'leave-one-out'] as const) {
      const r = review({ quarter: 'Q', units }, { reference });
      for (const u of r.units) {
        if (u.total === 0) {
          expect(u.limits).toBeUndefined();
          continue;
        }
        expect(u.limits!.map((l) => l.level)).toEqual([0.95, 0.998]);
        const [l95, l998] = u.limits!;
        expect(l998.lower).toBeLessThanOrEqual(l95.lower);
        expect(l95.lower).toBeLessThanOrEqual(u.expected);
        expect(u.expected).toBeLessThanOrEqual(l95.upper);
        expect(l95.upper).toBeLessThanOrEqual(l998.upper);
      }
    }
  });
});
