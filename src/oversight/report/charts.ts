import { funnelPlotSvg } from '../stats/funnel-plot.ts';
import { formatNumber, validateChart } from './format.ts';
import { OKABE_ITO, type ActivationChart, type CategorySeries, type Chart, type FunnelChart, type ProportionChart, type StackedChart } from './model.ts';

/**
 * Charts as self-contained SVG strings. Every chart has role="img", a <title> and a <desc>
 * (a sentence summarising the data for screen readers, also used as the figure caption),
 * labelled axes and a legend; colours are Okabe–Ito and lines also differ in dash and marker so
 * the charts read in greyscale. Empty data draws the frame with an explanation instead of a plot.
 */

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Prefix for element ids, unique within an HTML page (several charts inline). */
  id?: string;
}

const AXIS = '#333333';
const GRID = '#dddddd';
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '4 4', '1 2', '10 4', '3 6'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate: two decimals, and never NaN in the output (callers guard, this is the last line). */
function c(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 100) / 100).toString() : '0';
}

function pct(v: number): string {
  return formatNumber(v, 'percent').replace(' ', '');
}

function colorOf(s: CategorySeries, i: number): string {
  return s.color ?? OKABE_ITO[i % OKABE_ITO.length];
}

/**
 * Nice round ticks from 0 to at least `max`: about `count` steps of 1, 2, 2.5 or 5 × 10^k. A
 * count axis (`integer`) only takes whole steps (a count of 2 gets 0, 1, 2 rather than
 * 0, 0.5, 1, 1.5, 2); with `label`, a step whose labels would repeat (as rounded for display)
 * gives way to the next larger one.
 */
export function niceTicks(max: number, options: { count?: number; integer?: boolean; label?: (v: number) => string } = {}): number[] {
  const count = options.count ?? 5;
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const ticksOf = (step: number): number[] => {
    const out = [0];
    for (let k = 1; out[out.length - 1] < max * (1 - 1e-9); k++) out.push(Number((k * step).toPrecision(12)));
    return out;
  };
  for (let e = Math.floor(Math.log10(raw)); e <= Math.floor(Math.log10(raw)) + 20; e++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = Number((m * 10 ** e).toPrecision(12));
      if (step < raw * 0.999) continue;
      if (options.integer && (step < 1 || !Number.isInteger(step))) continue;
      const ticks = ticksOf(step);
      if (options.label && new Set(ticks.map(options.label)).size !== ticks.length) continue;
      return ticks;
    }
  }
  return [0, max];
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  pw: number;
  ph: number;
  id: string;
}

function open(title: string, desc: string, opts: ChartOptions, legendWidth: number): { out: string[]; f: Frame } {
  const width = Math.max(320, Math.min(4000, opts.width ?? 760));
  const height = Math.max(240, Math.min(4000, opts.height ?? 400));
  const id = (opts.id ?? 'chart').replace(/[^A-Za-z0-9_-]/g, '-');
  const f: Frame = { width, height, left: 72, right: 20 + legendWidth, top: 46, bottom: 62, pw: 0, ph: 0, id };
  f.pw = width - f.left - f.right;
  f.ph = height - f.top - f.bottom;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${c(width / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="${AXIS}" ${FONT}>${escapeXml(title)}</text>`,
  ];
  return { out, f };
}

function emptyChart(title: string, why: string, opts: ChartOptions): string {
  const { out, f } = open(title, `No chart: ${why}`, opts, 0);
  out.push(`<rect x="${f.left}" y="${f.top}" width="${c(f.pw)}" height="${c(f.ph)}" fill="none" stroke="${GRID}"/>`);
  out.push(`<text x="${c(f.width / 2)}" y="${c(f.top + f.ph / 2)}" text-anchor="middle" font-size="14" fill="${AXIS}" ${FONT}>No data to plot: ${escapeXml(why)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Which period labels to print so they do not collide (every k-th, always the first and last). */
function labelStride(n: number, pw: number, longest: number): number {
  const room = Math.max(1, pw / Math.max(1, longest * 6.5 + 8));
  return Math.max(1, Math.ceil(n / room));
}

function axes(out: string[], f: Frame, periods: string[], yTicks: number[], yMax: number, yFmt: (v: number) => string, xLabel: string, yLabel: string): { x: (i: number) => number; band: number; y: (v: number) => number } {
  const band = f.pw / Math.max(1, periods.length);
  const x = (i: number): number => f.left + band * (i + 0.5);
  const y = (v: number): number => f.top + f.ph - (Math.max(0, Math.min(v, yMax)) / yMax) * f.ph;
  const g: string[] = [];
  for (const t of yTicks) {
    g.push(`<line x1="${f.left}" y1="${c(y(t))}" x2="${c(f.left + f.pw)}" y2="${c(y(t))}" stroke="${GRID}"/>`);
    g.push(`<text x="${f.left - 8}" y="${c(y(t) + 4)}" text-anchor="end" font-size="11" fill="${AXIS}" ${FONT}>${escapeXml(yFmt(t))}</text>`);
  }
  const longest = periods.reduce((m, p) => Math.max(m, p.length), 1);
  const stride = labelStride(periods.length, f.pw, longest);
  periods.forEach((p, i) => {
    if (i % stride !== 0) return;
    g.push(`<text x="${c(x(i))}" y="${c(f.top + f.ph + 16)}" text-anchor="middle" font-size="11" fill="${AXIS}" ${FONT}>${escapeXml(p)}</text>`);
  });
  out.push(`<g class="grid">${g.join('')}</g>`);
  out.push(`<line x1="${f.left}" y1="${c(f.top + f.ph)}" x2="${c(f.left + f.pw)}" y2="${c(f.top + f.ph)}" stroke="${AXIS}"/>`);
  out.push(`<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${c(f.top + f.ph)}" stroke="${AXIS}"/>`);
  out.push(`<text x="${c(f.left + f.pw / 2)}" y="${c(f.height - 16)}" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${c(f.top + f.ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>${escapeXml(yLabel)}</text>`);
  return { x, band, y };
}

type LegendItem = { label: string; symbol: string };

function legend(out: string[], f: Frame, items: LegendItem[], heading?: string): void {
  const lx = f.left + f.pw + 16;
  let ly = f.top + 4;
  const g: string[] = [];
  if (heading) {
    g.push(`<text x="${lx}" y="${c(ly + 10)}" font-size="11.5" font-weight="bold" fill="${AXIS}" ${FONT}>${escapeXml(heading)}</text>`);
    ly += 18;
  }
  items.forEach((it, k) => {
    const cy = ly + 18 * k + 8;
    g.push(`<g transform="translate(${lx} ${c(cy)})">${it.symbol}</g><text x="${lx + 30}" y="${c(cy + 4)}" font-size="11.5" fill="${AXIS}" ${FONT}>${escapeXml(it.label)}</text>`);
  });
  out.push(`<g class="legend">${g.join('')}</g>`);
}

const swatch = (color: string): string => `<rect x="0" y="-6" width="22" height="12" fill="${color}" stroke="#ffffff" stroke-width="0.5"/>`;
const lineSwatch = (color: string, dash: string, marker = true): string =>
  `<line x1="0" y1="0" x2="22" y2="0" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>${marker ? `<circle cx="11" cy="0" r="3" fill="${color}"/>` : ''}`;

function periodRange(periods: string[]): string {
  return periods.length === 1 ? periods[0] : `${periods[0]} to ${periods[periods.length - 1]}`;
}

function suppressedCount(series: CategorySeries[]): number {
  return series.reduce((n, s) => n + s.values.filter((v) => v === null).length, 0);
}

function describeCounts(chart: StackedChart | ProportionChart): string {
  const totals = chart.series.map((s) => ({ label: s.label, total: s.values.reduce<number>((a, v) => a + (v ?? 0), 0) }));
  const all = totals.reduce((a, t) => a + t.total, 0);
  const parts = totals.map((t) => `${t.label} ${formatNumber(t.total, 'count')}${all > 0 ? ` (${formatNumber(t.total / all, 'percent')})` : ''}`);
  const hidden = suppressedCount(chart.series);
  return `${periodRange(chart.periods)}, ${chart.periods.length} period(s); totals over the whole span: ${parts.join(', ')}${hidden > 0 ? `; ${hidden} small count(s) withheld and drawn as zero` : ''}.`;
}

/** Counts by category, stacked bars per period. */
export function stackedChartSvg(chart: StackedChart, opts: ChartOptions = {}): string {
  validateChart(chart);
  const totals = chart.periods.map((_, i) => chart.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(0, ...totals);
  if (chart.periods.length === 0 || chart.series.length === 0) return emptyChart(chart.title, 'no periods or no categories', opts);
  if (max === 0) return emptyChart(chart.title, `every count is zero or withheld over ${periodRange(chart.periods)}`, opts);
  const desc = chart.description ?? `Stacked bars: ${chart.yLabel ?? 'count'} by category per period, ${describeCounts(chart)}`;
  const { out, f } = open(chart.title, desc, opts, 170);
  const count = (v: number) => formatNumber(v, 'count');
  const ticks = niceTicks(max, { integer: true, label: count });
  const yMax = ticks[ticks.length - 1];
  const { x, band, y } = axes(out, f, chart.periods, ticks, yMax, count, chart.xLabel ?? 'Period', chart.yLabel ?? 'Count');
  const bw = Math.max(1, band * 0.72);
  const bars: string[] = [];
  chart.periods.forEach((p, i) => {
    let acc = 0;
    chart.series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const y0 = y(acc);
      const y1 = y(acc + v);
      acc += v;
      bars.push(`<rect x="${c(x(i) - bw / 2)}" y="${c(y1)}" width="${c(bw)}" height="${c(Math.max(0.5, y0 - y1))}" fill="${colorOf(s, k)}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(`${p}, ${s.label}: ${formatNumber(v, 'count')}`)}</title></rect>`);
    });
  });
  out.push(`<g class="bars">${bars.join('')}</g>`);
  // Legend top to bottom in the order the stack reads from the top.
  legend(out, f, chart.series.map((s, k) => ({ label: s.label, symbol: swatch(colorOf(s, k)) })).reverse());
  out.push('</svg>');
  return out.join('\n');
}

/** Each category's share of the period total: 100 % stacked bars, or one line per category. */
export function proportionChartSvg(chart: ProportionChart, opts: ChartOptions = {}): string {
  validateChart(chart);
  if (chart.periods.length === 0 || chart.series.length === 0) return emptyChart(chart.title, 'no periods or no categories', opts);
  const totals = chart.periods.map((_, i) => chart.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  if (totals.every((t) => t === 0)) return emptyChart(chart.title, `every count is zero or withheld over ${periodRange(chart.periods)}`, opts);
  // A withheld count leaves the period's total unknown, so every share of that period is left blank.
  const known = chart.periods.map((_, i) => totals[i] > 0 && chart.series.every((s) => s.values[i] !== null));
  const share = (s: CategorySeries, i: number): number | null => (known[i] ? (s.values[i] as number) / totals[i] : null);
  const gaps = known.filter((k) => !k).length;
  const style = chart.style ?? 'stacked';
  const desc =
    chart.description ??
    `${style === 'stacked' ? '100 % stacked bars' : 'Lines'}: each category's share of the period's total, ${describeCounts(chart)}${gaps > 0 ? ` ${gaps} period(s) with no total or a withheld count are left blank.` : ''}`;
  const { out, f } = open(chart.title, desc, opts, 170);
  let yMax = 1;
  if (style === 'lines') {
    let m = 0;
    for (const s of chart.series) chart.periods.forEach((_, i) => (m = Math.max(m, share(s, i) ?? 0)));
    yMax = Math.min(1, niceTicks(m, { label: pct }).slice(-1)[0]);
  }
  const ticks = niceTicks(yMax, { label: pct }).filter((t) => t <= yMax + 1e-9);
  const { x, band, y } = axes(out, f, chart.periods, ticks, yMax, pct, chart.xLabel ?? 'Period', chart.yLabel ?? 'Share of total');
  const marks: string[] = [];
  if (style === 'stacked') {
    const bw = Math.max(1, band * 0.72);
    chart.periods.forEach((p, i) => {
      if (!known[i]) return;
      let acc = 0;
      chart.series.forEach((s, k) => {
        const v = share(s, i) ?? 0;
        if (v <= 0) return;
        const y0 = y(acc);
        const y1 = y(acc + v);
        acc += v;
        marks.push(`<rect x="${c(x(i) - bw / 2)}" y="${c(y1)}" width="${c(bw)}" height="${c(Math.max(0.5, y0 - y1))}" fill="${colorOf(s, k)}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(`${p}, ${s.label}: ${formatNumber(v, 'percent')} (${formatNumber(s.values[i] ?? 0, 'count')} of ${formatNumber(totals[i], 'count')})`)}</title></rect>`);
      });
    });
    legend(out, f, chart.series.map((s, k) => ({ label: s.label, symbol: swatch(colorOf(s, k)) })).reverse());
  } else {
    chart.series.forEach((s, k) => {
      const color = colorOf(s, k);
      const dash = DASHES[k % DASHES.length];
      marks.push(...polylines(chart.periods.map((_, i) => share(s, i)), x, y, color, dash));
      chart.periods.forEach((p, i) => {
        const v = share(s, i);
        if (v === null) return;
        marks.push(`<circle cx="${c(x(i))}" cy="${c(y(v))}" r="2.6" fill="${color}"><title>${escapeXml(`${p}, ${s.label}: ${formatNumber(v, 'percent')}`)}</title></circle>`);
      });
    });
    legend(out, f, chart.series.map((s, k) => ({ label: s.label, symbol: lineSwatch(colorOf(s, k), DASHES[k % DASHES.length]) })));
  }
  out.push(`<g class="marks">${marks.join('')}</g>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Polylines through the non-null points, broken at gaps. */
function polylines(values: (number | null)[], x: (i: number) => number, y: (v: number) => number, color: string, dash: string, width = 2): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length >= 2) out.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) return flush();
    run.push(`${c(x(i))},${c(y(v))}`);
  });
  flush();
  return out;
}

/** A unit's monthly share against its state's, activation marked, the segmented fit drawn. */
export function activationChartSvg(chart: ActivationChart, opts: ChartOptions = {}): string {
  validateChart(chart);
  const all = [...chart.unit.share, ...(chart.reference?.share ?? []), ...(chart.fitted ?? [])].filter((v): v is number => v !== null);
  if (chart.periods.length === 0 || chart.unit.share.every((v) => v === null)) return emptyChart(chart.title, `no monthly share for ${chart.unit.label}`, opts);
  const mean = (vals: (number | null)[], from: number, to: number): number | null => {
    const xs = vals.slice(from, to).filter((v): v is number => v !== null);
    return xs.length ? xs.reduce((a, v) => a + v, 0) / xs.length : null;
  };
  const before = mean(chart.unit.share, 0, chart.activationIndex);
  const after = mean(chart.unit.share, chart.activationIndex, chart.periods.length);
  const when = chart.periods[chart.activationIndex] ?? 'after the last period';
  const desc =
    chart.description ??
    `Monthly share for ${chart.unit.label}${chart.reference ? ` and ${chart.reference.label}` : ''}, ${periodRange(chart.periods)}; activation in ${when}. ` +
      `${chart.unit.label} averaged ${before === null ? 'no data' : formatNumber(before, 'percent')} before and ${after === null ? 'no data' : formatNumber(after, 'percent')} after activation.`;
  const { out, f } = open(chart.title, desc, opts, 170);
  const ticks = niceTicks(Math.max(0.05, ...all), { label: pct });
  const yMax = Math.min(1, ticks[ticks.length - 1]);
  const { x, band, y } = axes(out, f, chart.periods, ticks.filter((t) => t <= yMax + 1e-9), yMax, pct, chart.xLabel ?? 'Month', chart.yLabel ?? 'Share');
  const ax = f.left + band * chart.activationIndex;
  out.push(`<line class="activation" x1="${c(ax)}" y1="${f.top}" x2="${c(ax)}" y2="${c(f.top + f.ph)}" stroke="${AXIS}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${c(ax + 4)}" y="${f.top + 12}" font-size="11" fill="${AXIS}" ${FONT}>${escapeXml(chart.activationLabel ?? `activation (${when})`)}</text>`);
  const UNIT = OKABE_ITO[3];
  const REF = OKABE_ITO[0];
  const FIT = '#000000';
  const marks: string[] = [];
  if (chart.reference) marks.push(...polylines(chart.reference.share, x, y, REF, '6 3'));
  marks.push(...polylines(chart.unit.share, x, y, UNIT, ''));
  if (chart.fitted) {
    const pre = chart.fitted.map((v, i) => (i < chart.activationIndex ? v : null));
    const post = chart.fitted.map((v, i) => (i >= chart.activationIndex ? v : null));
    marks.push(...polylines(pre, x, y, FIT, '2 2', 2.5), ...polylines(post, x, y, FIT, '2 2', 2.5));
  }
  chart.unit.share.forEach((v, i) => {
    if (v !== null) marks.push(`<circle cx="${c(x(i))}" cy="${c(y(v))}" r="3" fill="${UNIT}"><title>${escapeXml(`${chart.periods[i]}, ${chart.unit.label}: ${formatNumber(v, 'percent')}`)}</title></circle>`);
  });
  chart.reference?.share.forEach((v, i) => {
    if (v !== null) marks.push(`<rect x="${c(x(i) - 2.5)}" y="${c(y(v) - 2.5)}" width="5" height="5" fill="${REF}"><title>${escapeXml(`${chart.periods[i]}, ${chart.reference!.label}: ${formatNumber(v, 'percent')}`)}</title></rect>`);
  });
  out.push(`<g class="marks">${marks.join('')}</g>`);
  const items: LegendItem[] = [{ label: chart.unit.label, symbol: lineSwatch(UNIT, '') }];
  if (chart.reference) items.push({ label: chart.reference.label, symbol: `<line x1="0" y1="0" x2="22" y2="0" stroke="${REF}" stroke-width="2" stroke-dasharray="6 3"/><rect x="8.5" y="-2.5" width="5" height="5" fill="${REF}"/>` });
  if (chart.fitted) items.push({ label: 'Segmented fit', symbol: lineSwatch(FIT, '2 2', false) });
  items.push({ label: 'Activation', symbol: `<line x1="11" y1="-7" x2="11" y2="7" stroke="${AXIS}" stroke-width="1.5" stroke-dasharray="4 3"/>` });
  legend(out, f, items);
  out.push('</svg>');
  return out.join('\n');
}

/** The statistics module's funnel plot, with the accessible title and description added. */
export function funnelChartSvg(chart: FunnelChart, opts: ChartOptions = {}): string {
  const flagged = chart.flagged ?? [];
  const svg = funnelPlotSvg(chart.fit, { title: chart.title, xLabel: chart.xLabel, yLabel: chart.yLabel, flagged, width: opts.width, height: opts.height ?? 480 });
  const id = (opts.id ?? 'chart').replace(/[^A-Za-z0-9_-]/g, '-');
  const desc =
    chart.description ??
    (chart.fit.units.length === 0
      ? `No units to plot: ${chart.fit.note}`
      : `Funnel plot of ${chart.fit.units.length} unit(s): share against size, with the target ${formatNumber(chart.fit.target, 'percent')} and 95 % and 99.8 % control limits allowing for over-dispersion. ${flagged.length} unit(s) flagged${flagged.length ? `: ${flagged.slice(0, 10).join(', ')}${flagged.length > 10 ? ', …' : ''}` : ''}.`);
  const head = svg.indexOf('>');
  return `${svg.slice(0, head)} role="img" aria-labelledby="${id}-title ${id}-desc">\n<title id="${id}-title">${escapeXml(chart.title)}</title>\n<desc id="${id}-desc">${escapeXml(desc)}</desc>${svg.slice(head + 1)}`;
}

export function chartSvg(chart: Chart, opts: ChartOptions = {}): string {
  switch (chart.kind) {
    case 'stacked':
      return stackedChartSvg(chart, opts);
    case 'proportions':
      return proportionChartSvg(chart, opts);
    case 'activation':
      return activationChartSvg(chart, opts);
    case 'funnel':
      return funnelChartSvg(chart, opts);
  }
}

/** The chart's description (the <desc> text), for captions. */
export function chartDescription(svg: string): string {
  const m = /<desc id="[^"]*">([\s\S]*?)<\/desc>/.exec(svg);
  return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') : '';
}
