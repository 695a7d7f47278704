import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { niceTicks, proportionChartSvg, stackedChartSvg } from './charts.ts';
import { formatNumber } from './format.ts';

/** The y-axis tick labels of a chart (right-aligned texts of the grid group), bottom to top. */
function yLabels(svg: string): string[] {
  const grid = /<g class="grid">(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
  return [...grid.matchAll(/text-anchor="end"[^>]*>([^<]*)</g)].map((m) => m[1]);
}

const count = (v: number) => formatNumber(v, 'count');
const pct = (v: number) => formatNumber(v, 'percent').replace(' ', '');

describe('axis ticks', () => {
  it('label a count axis with whole numbers, each once, when the counts are small', () => {
    const svg = stackedChartSvg({ kind: 'stacked', title: 'Removals', periods: ['2011-07', '2011-08', '2011-09'], series: [{ key: 'a', label: 'A', values: [1, 2, 1] }] });
    expect(yLabels(svg)).toEqual(['0', '1', '2']);
    const one = stackedChartSvg({ kind: 'stacked', title: 'Removals', periods: ['2011-07'], series: [{ key: 'a', label: 'A', values: [1] }] });
    expect(yLabels(one)).toEqual(['0', '1']);
  });

  it('step a count axis by whole nice numbers (1, 2, 5, 10, 25 …) that reach the largest count, with distinct labels (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000_000 }), (max) => {
        const ticks = niceTicks(max, { integer: true, label: count });
        const step = ticks[1] - ticks[0];
        expect(ticks[0]).toBe(0);
        expect(Number.isInteger(step) && step >= 1).toBe(true);
        expect(ticks.every((t, i) => t === i * step)).toBe(true);
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
        expect(ticks.length).toBeLessThanOrEqual(Math.min(max + 1, 11));
        expect(new Set(ticks.map(count)).size).toBe(ticks.length);
        expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((m: number) => [1, 2, 2.5, 5].includes(m));
      }),
      { numRuns: 500 },
    );
  });

  it('never repeat a share label, however small the shares (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), (max) => {
        const ticks = niceTicks(max, { label: pct });
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max * (1 - 1e-9));
        expect(new Set(ticks.map(pct)).size).toBe(ticks.length);
      }),
      { numRuns: 500 },
    );
    const svg = proportionChartSvg({ kind: 'proportions', title: 'Shares', style: 'lines', periods: ['a', 'b'], series: [{ key: 'x', label: 'X', values: [1, 3] }, { key: 'y', label: 'Y', values: [9999, 9997] }] });
    const labels = yLabels(svg);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
