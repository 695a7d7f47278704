import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { review } from './review.ts';
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
    expect(f.numbers.shrunk.lower).toBeLessThan(f.numbers.shrunk.upper);
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
