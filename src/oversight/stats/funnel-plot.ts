import { StatsError } from './errors.ts';
import { controlLimits, type FunnelResult } from './funnel.ts';

/**
 * A funnel plot as a self-contained SVG string: each unit's share against its size (log axis),
 * the target line, the 95 % (dashed) and 99.8 % (solid) control limits under the fitted
 * over-dispersion model, and flagged units drawn in a second colour with their names.
 * Colours are Okabe–Ito, which stay distinguishable with the common colour-vision deficiencies;
 * flagged points also differ in shape (a diamond), so the plot reads in greyscale too.
 */

export interface FunnelPlotOptions {
  title?: string;
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /** Ids of flagged units to highlight and label. */
  flagged?: Iterable<string>;
  /** Most labels drawn (the rest are highlighted but not named); default 15. */
  maxLabels?: number;
}

const BLUE = '#0072B2';
const VERMILLION = '#D55E00';
const GREY = '#999999';
const LIMIT = '#009E73';
const AXIS = '#333333';
const GRID = '#dddddd';
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function n(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

function pct(v: number): string {
  const p = v * 100;
  return `${Number(p.toPrecision(p >= 1 ? 3 : 2))}%`;
}

/** Nice ticks between lo and hi for a linear axis. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.round(t / step) * step);
  return out;
}

export function funnelPlotSvg(fit: FunnelResult, options: FunnelPlotOptions = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 520;
  if (!(width >= 200 && height >= 150 && width <= 10000 && height <= 10000)) throw new StatsError('INVALID_ARGUMENT', `plot size ${width} × ${height} is outside 200 × 150 … 10000 × 10000`);
  const flagged = new Set(options.flagged ?? []);
  const maxLabels = options.maxLabels ?? 15;
  const margin = { left: 72, right: 24, top: options.title ? 44 : 20, bottom: 58 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (options.title) out.push(`<text x="${n(width / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="${AXIS}" ${FONT}>${esc(options.title)}</text>`);
  if (fit.units.length === 0) {
    out.push(`<text x="${n(width / 2)}" y="${n(height / 2)}" text-anchor="middle" font-size="14" fill="${AXIS}" ${FONT}>No units to plot: ${esc(fit.note)}</text></svg>`);
    return out.join('\n');
  }
  let nMin = Infinity;
  let nMax = -Infinity;
  let yMax = fit.target;
  for (const u of fit.units) {
    nMin = Math.min(nMin, u.total);
    nMax = Math.max(nMax, u.total);
    yMax = Math.max(yMax, u.proportion);
  }
  const lx0 = Math.log10(Math.max(1, nMin * 0.8));
  const lx1 = Math.max(lx0 + 1, Math.log10(nMax * 1.25));
  // Limits along the axis (sampled on a log grid).
  const samples: { n: number; lim: ReturnType<typeof controlLimits> }[] = [];
  for (let k = 0; k <= 120; k++) {
    const size = 10 ** (lx0 + ((lx1 - lx0) * k) / 120);
    samples.push({ n: size, lim: controlLimits(fit, size) });
  }
  for (const s of samples) if (s.n >= Math.max(nMin, 5)) for (const l of s.lim) yMax = Math.max(yMax, l.upper);
  yMax = Math.min(1, yMax * 1.05 + 0.01);
  const x = (size: number): number => margin.left + ((Math.log10(size) - lx0) / (lx1 - lx0)) * pw;
  const y = (p: number): number => margin.top + ph - (Math.min(p, yMax) / yMax) * ph;
  out.push(`<defs><clipPath id="funnel-plot"><rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}"/></clipPath></defs>`);
  // Grid and axes.
  const g: string[] = [];
  for (let d = Math.ceil(lx0); d <= Math.floor(lx1); d++) {
    const size = 10 ** d;
    g.push(`<line x1="${n(x(size))}" y1="${margin.top}" x2="${n(x(size))}" y2="${n(margin.top + ph)}" stroke="${GRID}"/>`);
    g.push(`<text x="${n(x(size))}" y="${n(margin.top + ph + 18)}" text-anchor="middle" font-size="12" fill="${AXIS}" ${FONT}>${size.toLocaleString('en-US')}</text>`);
  }
  for (const t of ticks(0, yMax)) {
    if (t > yMax) continue;
    g.push(`<line x1="${margin.left}" y1="${n(y(t))}" x2="${n(margin.left + pw)}" y2="${n(y(t))}" stroke="${GRID}"/>`);
    g.push(`<text x="${n(margin.left - 8)}" y="${n(y(t) + 4)}" text-anchor="end" font-size="12" fill="${AXIS}" ${FONT}>${pct(t)}</text>`);
  }
  out.push(`<g class="grid">${g.join('')}</g>`);
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}" fill="none" stroke="${AXIS}"/>`);
  out.push(`<text x="${n(margin.left + pw / 2)}" y="${n(height - 14)}" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>${esc(options.xLabel ?? 'Size (total, log scale)')}</text>`);
  out.push(`<text transform="translate(18 ${n(margin.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>${esc(options.yLabel ?? 'Share')}</text>`);
  // Target and limits.
  out.push(`<line class="target" x1="${margin.left}" y1="${n(y(fit.target))}" x2="${n(margin.left + pw)}" y2="${n(y(fit.target))}" stroke="${GREY}" stroke-width="1.5"/>`);
  fit.levels.forEach((level, i) => {
    const dash = level < 0.99 ? ' stroke-dasharray="6 4"' : '';
    for (const side of ['lower', 'upper'] as const) {
      const pts = samples.map((s) => `${n(x(s.n))},${n(y(s.lim[i][side]))}`).join(' ');
      out.push(`<polyline class="limit limit-${Math.round(level * 1000)}" clip-path="url(#funnel-plot)" points="${pts}" fill="none" stroke="${LIMIT}" stroke-width="1.6"${dash}/>`);
    }
  });
  // Points: unflagged first so flagged ones sit on top.
  const labelled: string[] = [];
  const pts: string[] = [];
  for (const u of fit.units) {
    if (flagged.has(u.id)) continue;
    pts.push(`<circle cx="${n(x(u.total))}" cy="${n(y(u.proportion))}" r="3" fill="${BLUE}" fill-opacity="0.55"><title>${esc(`${u.id}: ${u.count}/${u.total}`)}</title></circle>`);
  }
  const flaggedUnits = fit.units.filter((u) => flagged.has(u.id)).sort((a, b) => a.pHigh - b.pHigh);
  flaggedUnits.forEach((u, k) => {
    const cx = x(u.total);
    const cy = y(u.proportion);
    pts.push(`<path class="flagged" d="M${n(cx)} ${n(cy - 5.5)}L${n(cx + 5.5)} ${n(cy)}L${n(cx)} ${n(cy + 5.5)}L${n(cx - 5.5)} ${n(cy)}Z" fill="${VERMILLION}" stroke="#ffffff" stroke-width="0.8"><title>${esc(`${u.id}: ${u.count}/${u.total}`)}</title></path>`);
    if (k < maxLabels) {
      const anchor = cx > margin.left + pw * 0.8 ? 'end' : 'start';
      const dx = anchor === 'end' ? -8 : 8;
      labelled.push(`<text x="${n(cx + dx)}" y="${n(cy - 6)}" text-anchor="${anchor}" font-size="11" fill="${VERMILLION}" ${FONT}>${esc(u.id)}</text>`);
    }
  });
  out.push(`<g class="points" clip-path="url(#funnel-plot)">${pts.join('')}</g>`, `<g class="labels">${labelled.join('')}</g>`);
  // Legend (top right).
  const items: string[] = [];
  const lw = 190;
  const lx = margin.left + pw - lw - 8;
  const ly = margin.top + 8;
  const rows: [string, string][] = [
    [`<line x1="0" y1="0" x2="22" y2="0" stroke="${GREY}" stroke-width="1.5"/>`, `Target ${pct(fit.target)}`],
    [`<line x1="0" y1="0" x2="22" y2="0" stroke="${LIMIT}" stroke-width="1.6" stroke-dasharray="6 4"/>`, '95 % limits'],
    [`<line x1="0" y1="0" x2="22" y2="0" stroke="${LIMIT}" stroke-width="1.6"/>`, '99.8 % limits'],
    [`<circle cx="11" cy="0" r="3" fill="${BLUE}" fill-opacity="0.55"/>`, 'Unit'],
    [`<path d="M11 -5.5L16.5 0L11 5.5L5.5 0Z" fill="${VERMILLION}"/>`, `Flagged (${flaggedUnits.length})`],
  ];
  items.push(`<rect x="${lx}" y="${ly}" width="${lw}" height="${rows.length * 18 + 10}" fill="#ffffff" fill-opacity="0.9" stroke="#bbbbbb"/>`);
  rows.forEach(([sym, label], k) => {
    const cy = ly + 5 + 18 * k + 9;
    items.push(`<g transform="translate(${lx + 8} ${n(cy)})">${sym}</g><text x="${lx + 38}" y="${n(cy + 4)}" font-size="11.5" fill="${AXIS}" ${FONT}>${esc(label)}</text>`);
  });
  out.push(`<g class="legend">${items.join('')}</g>`);
  out.push('</svg>');
  return out.join('\n');
}
