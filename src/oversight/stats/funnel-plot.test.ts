import { describe, expect, it } from 'vitest';
import { funnel } from './funnel.ts';
import { funnelPlotSvg } from './funnel-plot.ts';

describe('funnel plot SVG', () => {
  const fit = funnel([
    { id: 'A', count: 10, total: 100 },
    { id: 'B & Co', count: 60, total: 200 },
    { id: 'C', count: 5, total: 20 },
    { id: 'D', count: 80, total: 400 },
  ]);

  it('draws labelled axes, the target, both limit pairs, every point and a legend', () => {
    const svg = funnelPlotSvg(fit, { title: 'No-record share', xLabel: 'ICE arrests', yLabel: 'Share with no record', flagged: ['B & Co'] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('ICE arrests');
    expect(svg).toContain('Share with no record');
    expect(svg.match(/class="limit /g)).toHaveLength(4);
    expect(svg.match(/fill-opacity="0.55"><title>/g)).toHaveLength(3);
    expect(svg).toContain('class="flagged"');
    expect(svg).toContain('B &amp; Co');
    expect(svg).toContain('99.8 % limits');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('says so when there is nothing to plot', () => {
    expect(funnelPlotSvg(funnel([]))).toMatch(/No units to plot/);
  });
});
