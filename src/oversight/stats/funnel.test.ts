import { describe, expect, it } from 'vitest';
import { controlLimits, funnel, quantileSorted } from './funnel.ts';

const units = [
  { id: 'A', count: 10, total: 100 },
  { id: 'B', count: 30, total: 200 },
  { id: 'C', count: 5, total: 20 },
  { id: 'D', count: 80, total: 400 },
  { id: 'E', count: 2, total: 50 },
];

describe('funnel with over-dispersion', () => {
  it('matches a hand-checked table (numpy: arcsine z, 10 % winsorised φ̂, τ̂², adjusted z and p)', () => {
    const fit = funnel(units, { target: 0.125, tau2Method: 'winsorised' });
    const z = [-0.7923313902013129, 1.0276323789286035, 1.451044005137866, 4.0912194037639305, -2.262871851516917];
    const zd = [-0.4301920934126854, 0.42727183535117175, 1.1933752523758552, 1.2584476783306402, -1.5269718703859838];
    const pHigh = [0.6664720435054157, 0.3345906721996502, 0.11636122131789844, 0.10411494907624208, 0.9366159968390552];
    fit.units.forEach((u, i) => {
      expect(u.z).toBeCloseTo(z[i], 12);
      expect(u.zAdjusted).toBeCloseTo(zd[i], 12);
      expect(u.pHigh).toBeCloseTo(pHigh[i], 12);
    });
    expect(fit.phi).toBeCloseTo(3.1611897162416343, 12);
    expect(fit.tau2).toBeCloseTo(0.005980645004954139, 14);
    expect(fit.targetSource).toBe('given');
  });

  it('estimates τ̂² by Paule–Mandel by default, with a Q-profile interval around it', () => {
    const fit = funnel(units, { target: 0.125 });
    expect(fit.tau2Method).toBe('paule-mandel');
    expect(fit.tau2Interval.lower).toBeLessThanOrEqual(fit.tau2);
    expect(fit.tau2Interval.upper).toBeGreaterThanOrEqual(fit.tau2);
    expect(fit.note).toMatch(/Paule–Mandel; 95 % CI/);
  });

  it('control limits at 95 % and 99.8 % surround the target and the 99.8 % ones are wider', () => {
    const fit = funnel(units);
    const [l95, l998] = controlLimits(fit, 100);
    expect(l998.lower).toBeLessThan(l95.lower);
    expect(l95.lower).toBeLessThan(fit.target);
    expect(l95.upper).toBeGreaterThan(fit.target);
    expect(l998.upper).toBeGreaterThan(l95.upper);
  });

  it('without over-dispersion the limits are the binomial arcsine limits', () => {
    const fit = funnel(units, { target: 0.2, model: 'none' });
    const [l95] = controlLimits(fit, 400);
    const expected = Math.sin(Math.asin(Math.sqrt(0.2)) + 1.959963984540054 / (2 * Math.sqrt(400))) ** 2;
    expect(l95.upper).toBeCloseTo(expected, 14);
  });

  it('handles rates of exactly 0 and 1 and a target of 0 without NaN', () => {
    const fit = funnel(
      [
        { id: 'none', count: 0, total: 40 },
        { id: 'all', count: 40, total: 40 },
      ],
      { target: 0 },
    );
    for (const u of fit.units) for (const v of [u.z, u.zAdjusted, u.pHigh, u.pTwoSided]) expect(Number.isFinite(v)).toBe(true);
    expect(controlLimits(fit, 10)[0].lower).toBe(0);
  });

  it('an empty input, zero totals and a single unit come back with a status and a note', () => {
    expect(funnel([]).status).toBe('empty');
    const zeros = funnel([{ id: 'z', count: 0, total: 0 }]);
    expect(zeros.status).toBe('empty');
    expect(zeros.excluded).toEqual([{ id: 'z', reason: expect.stringMatching(/zero/) }]);
    const one = funnel([{ id: 'a', count: 3, total: 9 }]);
    expect(one.status).toBe('too-few-units');
    expect(one.tau2).toBe(0);
    expect(one.note).toMatch(/one unit/);
  });

  it('refuses impossible counts and duplicate units with a typed error', () => {
    expect(() => funnel([{ id: 'x', count: 5, total: 4 }])).toThrow(/exceeds/);
    expect(() => funnel([{ id: 'x', count: -1, total: 4 }])).toThrow(/non-negative/);
    expect(() => funnel([units[0], units[0]])).toThrow(/twice/);
  });

  it('quantiles interpolate between order statistics like R type 7', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 14);
    expect(quantileSorted([7], 0.9)).toBe(7);
  });
});
