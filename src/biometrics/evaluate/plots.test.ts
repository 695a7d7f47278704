import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { combinePanelsSvg, detCurveSvg, escapeXml, niceTicks, scoreHistogramSvg } from './plots.ts';

/** Deterministic scores: a linear congruential generator and the Box–Muller transform. */
function scores(mean: number, sd: number, count: number, seed: number): number[] {
  let s = seed;
  const rnd = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => Math.max(0, mean + sd * Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd())));
}

const db1 = { label: 'DB1', genuine: scores(60, 20, 600, 1), impostor: scores(12, 6, 2000, 2) };
const db2 = { label: 'DB2 <hard>', genuine: scores(45, 18, 600, 3), impostor: scores(14, 7, 2000, 4) };

function rasterize(svg: string): { width: number; height: number; rgba: Uint8Array; png: Uint8Array } {
  const rendered = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render();
  return { width: rendered.width, height: rendered.height, rgba: new Uint8Array(rendered.pixels), png: new Uint8Array(rendered.asPng()) };
}

function countColor(rgba: Uint8Array, [r, g, b]: [number, number, number], tolerance = 30): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (Math.abs(rgba[i] - r) <= tolerance && Math.abs(rgba[i + 1] - g) <= tolerance && Math.abs(rgba[i + 2] - b) <= tolerance) n++;
  return n;
}

describe('detCurveSvg', () => {
  const svg = detCurveSvg([db1, db2], { title: 'DET' });

  it('draws one curve and one EER marker a series, with labelled log axes from 0.01% to 100%', () => {
    expect(svg.match(/class="det-curve"/g)).toHaveLength(2);
    expect(svg.match(/class="eer"/g)).toHaveLength(2);
    for (const label of ['0.01%', '0.1%', '1%', '10%', '100%', 'False match rate (FMR)', 'False non-match rate (FNMR)']) expect(svg).toContain(`>${label}<`);
    expect(svg).toMatch(/DB1 · EER \d+\.\d\d%/);
  });

  it('escapes series labels', () => {
    expect(svg).toContain('DB2 &lt;hard&gt;');
    expect(svg).not.toContain('<hard>');
  });

  it('places the EER marker on the FMR = FNMR diagonal', () => {
    const [, cx, cy] = /class="eer" cx="([\d.]+)" cy="([\d.]+)"/.exec(svg)!.map(Number);
    // Plot area: left 78, width 542; top 40, height 444; 4 decades each way.
    const fx = (cx - 78) / 542;
    const fy = (40 + 444 - cy) / 444;
    expect(Math.abs(fx - fy)).toBeLessThan(0.01);
  });

  it('refuses empty or non-finite scores', () => {
    expect(() => detCurveSvg([])).toThrow(BiometricError);
    expect(() => detCurveSvg([{ label: 'x', genuine: [], impostor: [1] }])).toThrow(BiometricError);
    expect(() => detCurveSvg([{ label: 'x', genuine: [Number.NaN], impostor: [1] }])).toThrow(BiometricError);
  });

  it('rasterizes with resvg to a picture showing both series and the axis text', () => {
    const { width, height, rgba, png } = rasterize(svg);
    expect([width, height]).toEqual([640, 540]);
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(countColor(rgba, [0x00, 0x72, 0xb2])).toBeGreaterThan(300);
    expect(countColor(rgba, [0xd5, 0x5e, 0x00])).toBeGreaterThan(300);
    expect(countColor(rgba, [0x33, 0x33, 0x33], 40)).toBeGreaterThan(500); // frame and text
  });
});

describe('scoreHistogramSvg', () => {
  const svg = scoreHistogramSvg(db1.genuine, db1.impostor, { title: 'Scores', thresholds: [{ value: 30, label: 'FMR 1%' }, { value: 500 }] });

  it('draws both distributions, the thresholds inside the range, and a legend with the counts', () => {
    expect(svg).toContain('class="genuine"');
    expect(svg).toContain('class="impostor"');
    expect(svg.match(/class="threshold"/g)).toHaveLength(1); // 500 is outside the scores' range
    expect(svg).toContain('>FMR 1%<');
    expect(svg).toContain('Genuine (600)');
    expect(svg).toContain('Impostor (2000)');
  });

  it('names the two distributions as asked in the legend (and escapes the names)', () => {
    const named = scoreHistogramSvg([1, 2], [3], { names: ['Same class', 'Other <class>'] });
    expect(named).toContain('Same class (2)');
    expect(named).toContain('Other &lt;class&gt; (1)');
    expect(named).not.toContain('Genuine');
  });

  it('draws one step a bin', () => {
    const points = /class="genuine" points="([^"]+)"/.exec(scoreHistogramSvg([1, 2, 3], [1], { bins: 7 }))![1].split(' ');
    expect(points).toHaveLength(2 * 7 + 2);
  });

  it('copes with every score being equal', () => {
    expect(scoreHistogramSvg([5, 5], [5])).toContain('class="genuine"');
  });

  it('refuses bad bin counts', () => {
    expect(() => scoreHistogramSvg([1], [2], { bins: 0 })).toThrow(BiometricError);
  });

  it('rasterizes with resvg, both classes visible', () => {
    const { rgba } = rasterize(svg);
    expect(countColor(rgba, [0x00, 0x72, 0xb2], 20)).toBeGreaterThan(100);
    expect(countColor(rgba, [0xd5, 0x5e, 0x00], 20)).toBeGreaterThan(100);
  });
});

describe('combinePanelsSvg', () => {
  it('lays panels out on a grid with their own clip paths', () => {
    const det = detCurveSvg([db1]);
    const hist = scoreHistogramSvg(db1.genuine, db1.impostor);
    const svg = combinePanelsSvg([det, hist, det], { columns: 2, gap: 10, title: 'Evaluation' });
    const root = /<svg[^>]*>/.exec(svg)![0];
    expect(root).toContain(`width="${10 + 640 + 10 + 640 + 10}"`);
    expect(root).toContain(`height="${44 + 540 + 10 + 540 + 10}"`);
    expect(svg).toContain('id="p0-det-plot"');
    expect(svg).toContain('url(#p2-det-plot)');
    expect(svg).toContain('<svg x="660" y="44"');
    const { width, height } = rasterize(svg);
    expect([width, height]).toEqual([1310, 1144]);
  });

  it('refuses an empty list and panels without a size', () => {
    expect(() => combinePanelsSvg([])).toThrow(BiometricError);
    expect(() => combinePanelsSvg(['<svg></svg>'])).toThrow(BiometricError);
  });
});

describe('plot helpers', () => {
  it('picks round tick values', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 137, 6)).toEqual([25, 50, 75, 100, 125]);
    expect(niceTicks(0, 100, 4)).toEqual([0, 25, 50, 75, 100]);
  });

  it('escapes the XML special characters', () => {
    expect(escapeXml('a < b & "c" > d')).toBe('a &lt; b &amp; &quot;c&quot; &gt; d');
  });
});
