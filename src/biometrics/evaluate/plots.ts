import { BiometricError } from '../errors.ts';
import { errorRates, operatingPoints } from './metrics.ts';

/**
 * Evaluation plots as self-contained SVG strings (no dependencies, no fonts embedded —
 * text asks for DejaVu Sans, then the usual sans-serif faces):
 * - {@link detCurveSvg}: DET curves, FNMR against FMR on log axes from 0.01 % to 100 %,
 *   with each series' EER marked;
 * - {@link scoreHistogramSvg}: genuine and impostor score distributions, overlaid, each as a
 *   share of its own class, with optional threshold lines;
 * - {@link combinePanelsSvg}: several of these laid out on a grid in one picture.
 */

export interface DetSeries {
  label: string;
  /** Similarity scores of mated comparisons (higher = more similar). */
  genuine: readonly number[];
  /** Similarity scores of non-mated comparisons. */
  impostor: readonly number[];
}

export interface DetOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Lowest rate on both axes; default 1e-4. The highest is always 1. */
  minRate?: number;
}

export interface Threshold {
  value: number;
  label?: string;
}

export interface HistogramOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Number of bins; default 40. */
  bins?: number;
  /** Score range shown; default the range of all scores. */
  range?: readonly [number, number];
  /** Vertical lines at these scores (e.g. the thresholds for FMR 1 % and 0.1 %). */
  thresholds?: readonly Threshold[];
  xLabel?: string;
  /** Square-root scale on the count axis, which shows thin tails; default false. */
  sqrtScale?: boolean;
  /** Legend names of the two distributions; default 'Genuine' and 'Impostor'. */
  names?: readonly [string, string];
}

export interface PanelOptions {
  /** Panels a row; default 2 (or fewer if there are fewer panels). */
  columns?: number;
  /** Space between and around panels; default 16. */
  gap?: number;
  title?: string;
}

/** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const GENUINE_COLOR = '#0072B2';
const IMPOSTOR_COLOR = '#D55E00';
const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";
const AXIS = '#333333';
const GRID = '#dddddd';
const GRID_MINOR = '#f0f0f0';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number short enough for an SVG attribute. */
function n(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

function checkScores(name: string, scores: readonly number[]): void {
  if (scores.length === 0) throw new BiometricError('INVALID_ARGUMENT', `${name} has no scores`);
  for (const s of scores) if (!Number.isFinite(s)) throw new BiometricError('INVALID_ARGUMENT', `${name} has a score that is not finite (${s})`);
}

/** Smallest and largest value over both arrays (without spreading them onto the stack). */
function extent(a: readonly number[], b: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of [a, b]) {
    for (const v of list) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

function checkSize(width: number, height: number): void {
  if (!(width >= 200 && height >= 150 && width <= 10000 && height <= 10000)) throw new BiometricError('INVALID_ARGUMENT', `plot size ${width} × ${height} is outside 200 × 150 … 10000 × 10000`);
}

/** "0.01%", "0.1%", "1%", "10%", "100%". */
function percent(rate: number): string {
  const p = rate * 100;
  if (p >= 1) return `${Number(p.toPrecision(3))}%`;
  return `${Number(p.toPrecision(2))}%`;
}

function svgOpen(width: number, height: number, title?: string): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (title) out.push(`<text x="${n(width / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold" fill="${AXIS}" ${FONT}>${escapeXml(title)}</text>`);
  return out;
}

interface Legend {
  label: string;
  color: string;
  /** 'line' for curves, 'box' for filled areas. */
  kind: 'line' | 'box';
}

/** A legend box anchored at its top-right corner (x, y). */
function legend(items: readonly Legend[], x: number, y: number): string {
  const lineHeight = 18;
  const width = Math.max(...items.map((i) => i.label.length)) * 6.6 + 40;
  const height = items.length * lineHeight + 10;
  const left = x - width;
  const out = [`<g class="legend"><rect x="${n(left)}" y="${n(y)}" width="${n(width)}" height="${height}" fill="#ffffff" fill-opacity="0.9" stroke="#bbbbbb"/>`];
  items.forEach((item, k) => {
    const cy = y + 5 + lineHeight * k + lineHeight / 2;
    if (item.kind === 'line') out.push(`<line x1="${n(left + 8)}" y1="${n(cy)}" x2="${n(left + 28)}" y2="${n(cy)}" stroke="${item.color}" stroke-width="2.5"/>`);
    else out.push(`<rect x="${n(left + 8)}" y="${n(cy - 5)}" width="20" height="10" fill="${item.color}" fill-opacity="0.35" stroke="${item.color}" stroke-width="1.5"/>`);
    out.push(`<text x="${n(left + 34)}" y="${n(cy + 4)}" font-size="11.5" fill="${AXIS}" ${FONT}>${escapeXml(item.label)}</text>`);
  });
  out.push('</g>');
  return out.join('');
}

/**
 * DET curves: false non-match rate against false match rate, both on log axes from
 * `minRate` (1e-4) to 1. Rates of zero fall off the bottom or left edge and are clipped.
 * Each series' EER (FVC definition, from metrics.ts) is marked with a circle on the
 * FMR = FNMR diagonal and quoted in the legend.
 */
export function detCurveSvg(series: readonly DetSeries[], options: DetOptions = {}): string {
  if (series.length === 0) throw new BiometricError('INVALID_ARGUMENT', 'a DET plot needs at least one series');
  for (const s of series) {
    checkScores(`series "${s.label}" genuine`, s.genuine);
    checkScores(`series "${s.label}" impostor`, s.impostor);
  }
  const width = options.width ?? 640;
  const height = options.height ?? 540;
  checkSize(width, height);
  const minRate = options.minRate ?? 1e-4;
  if (!(minRate > 0 && minRate < 0.1)) throw new BiometricError('INVALID_ARGUMENT', `DET minimum rate ${minRate} must be in (0, 0.1)`);
  const decades = Math.round(-Math.log10(minRate));
  const lo = 10 ** -decades;

  const margin = { left: 78, right: 20, top: options.title ? 40 : 18, bottom: 56 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const x = (rate: number): number => margin.left + ((Math.log10(Math.max(rate, lo / 10)) + decades) / decades) * pw;
  const y = (rate: number): number => margin.top + ph - ((Math.log10(Math.max(rate, lo / 10)) + decades) / decades) * ph;

  const out = svgOpen(width, height, options.title);
  out.push(`<defs><clipPath id="det-plot"><rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}"/></clipPath></defs>`);
  // Grid: minor lines at 2–9 × each decade, major lines and labels at each decade.
  const grid: string[] = [];
  const labels: string[] = [];
  for (let d = -decades; d <= 0; d++) {
    const rate = 10 ** d;
    if (d < 0) {
      for (let k = 2; k <= 9; k++) {
        const r = k * rate;
        grid.push(`<line x1="${n(x(r))}" y1="${margin.top}" x2="${n(x(r))}" y2="${n(margin.top + ph)}" stroke="${GRID_MINOR}"/>`);
        grid.push(`<line x1="${margin.left}" y1="${n(y(r))}" x2="${n(margin.left + pw)}" y2="${n(y(r))}" stroke="${GRID_MINOR}"/>`);
      }
    }
    grid.push(`<line x1="${n(x(rate))}" y1="${margin.top}" x2="${n(x(rate))}" y2="${n(margin.top + ph)}" stroke="${GRID}"/>`);
    grid.push(`<line x1="${margin.left}" y1="${n(y(rate))}" x2="${n(margin.left + pw)}" y2="${n(y(rate))}" stroke="${GRID}"/>`);
    labels.push(`<text x="${n(x(rate))}" y="${n(margin.top + ph + 18)}" text-anchor="middle" font-size="12" fill="${AXIS}" ${FONT}>${percent(rate)}</text>`);
    labels.push(`<text x="${n(margin.left - 8)}" y="${n(y(rate) + 4)}" text-anchor="end" font-size="12" fill="${AXIS}" ${FONT}>${percent(rate)}</text>`);
  }
  out.push(`<g class="grid">${grid.join('')}</g>`);
  // The equal-error diagonal.
  out.push(`<line x1="${n(x(lo))}" y1="${n(y(lo))}" x2="${n(x(1))}" y2="${n(y(1))}" stroke="#999999" stroke-dasharray="5 4"/>`);

  const legendItems: Legend[] = [];
  series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const points = operatingPoints(s.genuine, s.impostor);
    const rates = errorRates(s.genuine, s.impostor);
    // Drop points that land on the same spot as the previous one (a tenth of a pixel).
    const coords: string[] = [];
    let last = '';
    for (const p of points) {
      const c = `${n(x(p.fmr))},${n(y(p.fnmr))}`;
      if (c !== last) coords.push(c);
      last = c;
    }
    out.push(`<polyline class="det-curve" clip-path="url(#det-plot)" points="${coords.join(' ')}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"/>`);
    if (rates.eer > 0) {
      out.push(`<circle class="eer" cx="${n(x(rates.eer))}" cy="${n(y(rates.eer))}" r="4.5" fill="#ffffff" stroke="${color}" stroke-width="2.2"/>`);
    }
    legendItems.push({ label: `${s.label} · EER ${(rates.eer * 100).toFixed(2)}%`, color, kind: 'line' });
  });
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}" fill="none" stroke="${AXIS}"/>`);
  out.push(`<g class="labels">${labels.join('')}</g>`);
  out.push(`<text x="${n(margin.left + pw / 2)}" y="${n(height - 12)}" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>False match rate (FMR)</text>`);
  out.push(`<text transform="translate(18 ${n(margin.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>False non-match rate (FNMR)</text>`);
  out.push(legend(legendItems, margin.left + pw - 8, margin.top + 8));
  out.push('</svg>');
  return out.join('\n');
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(6)).toString();
}

/**
 * Genuine and impostor score histograms on one set of axes. Each class is drawn as the
 * share of its own scores in each bin (the classes differ in size by orders of magnitude),
 * as a translucent filled step outline.
 */
export function scoreHistogramSvg(genuine: readonly number[], impostor: readonly number[], options: HistogramOptions = {}): string {
  checkScores('genuine', genuine);
  checkScores('impostor', impostor);
  const width = options.width ?? 640;
  const height = options.height ?? 420;
  checkSize(width, height);
  const bins = options.bins ?? 40;
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) throw new BiometricError('INVALID_ARGUMENT', `histogram bins ${bins} must be an integer in 1–1000`);
  let [lo, hi] = options.range ?? extent(genuine, impostor);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo)) throw new BiometricError('INVALID_ARGUMENT', `histogram range [${lo}, ${hi}] is not valid`);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const binWidth = (hi - lo) / bins;
  const share = (scores: readonly number[]): number[] => {
    const counts = new Array<number>(bins).fill(0);
    for (const s of scores) {
      if (s < lo || s > hi) continue;
      counts[Math.min(bins - 1, Math.floor((s - lo) / binWidth))]++;
    }
    return counts.map((c) => c / scores.length);
  };
  const g = share(genuine);
  const im = share(impostor);
  const peak = Math.max(extent(g, im)[1], 1e-9);
  const yTicks = niceTicks(0, options.sqrtScale ? peak : peak * 1.05, 5);
  const yMax = Math.max(peak * 1.05, yTicks[yTicks.length - 1]);

  const margin = { left: 66, right: 20, top: options.title ? 40 : 18, bottom: 52 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const x = (v: number): number => margin.left + ((v - lo) / (hi - lo)) * pw;
  const scale = (v: number): number => (options.sqrtScale ? Math.sqrt(v / yMax) : v / yMax);
  const y = (v: number): number => margin.top + ph - scale(v) * ph;

  const out = svgOpen(width, height, options.title);
  const grid: string[] = [];
  const labels: string[] = [];
  for (const t of yTicks) {
    grid.push(`<line x1="${margin.left}" y1="${n(y(t))}" x2="${n(margin.left + pw)}" y2="${n(y(t))}" stroke="${GRID}"/>`);
    labels.push(`<text x="${n(margin.left - 8)}" y="${n(y(t) + 4)}" text-anchor="end" font-size="12" fill="${AXIS}" ${FONT}>${percent(t).replace(/^0%$/, '0')}</text>`);
  }
  for (const t of niceTicks(lo, hi, 8)) {
    grid.push(`<line x1="${n(x(t))}" y1="${margin.top}" x2="${n(x(t))}" y2="${n(margin.top + ph)}" stroke="${GRID_MINOR}"/>`);
    labels.push(`<text x="${n(x(t))}" y="${n(margin.top + ph + 18)}" text-anchor="middle" font-size="12" fill="${AXIS}" ${FONT}>${formatTick(t)}</text>`);
  }
  out.push(`<g class="grid">${grid.join('')}</g>`);
  const outline = (shares: number[]): string => {
    const pts = [`${n(x(lo))},${n(y(0))}`];
    shares.forEach((s, k) => {
      pts.push(`${n(x(lo + k * binWidth))},${n(y(s))}`, `${n(x(lo + (k + 1) * binWidth))},${n(y(s))}`);
    });
    pts.push(`${n(x(hi))},${n(y(0))}`);
    return pts.join(' ');
  };
  out.push(`<polygon class="impostor" points="${outline(im)}" fill="${IMPOSTOR_COLOR}" fill-opacity="0.3" stroke="${IMPOSTOR_COLOR}" stroke-width="1.6" stroke-linejoin="round"/>`);
  out.push(`<polygon class="genuine" points="${outline(g)}" fill="${GENUINE_COLOR}" fill-opacity="0.3" stroke="${GENUINE_COLOR}" stroke-width="1.6" stroke-linejoin="round"/>`);
  (options.thresholds ?? []).forEach((t, k) => {
    if (!Number.isFinite(t.value) || t.value < lo || t.value > hi) return;
    const tx = x(t.value);
    out.push(`<line class="threshold" x1="${n(tx)}" y1="${margin.top}" x2="${n(tx)}" y2="${n(margin.top + ph)}" stroke="#222222" stroke-width="1.4" stroke-dasharray="6 4"/>`);
    if (t.label) {
      // A white halo keeps the label readable where it crosses other lines.
      out.push(`<text x="${n(tx + 4)}" y="${n(margin.top + 14 + 15 * k)}" font-size="11.5" fill="#222222" stroke="#ffffff" stroke-width="3" paint-order="stroke" ${FONT}>${escapeXml(t.label)}</text>`);
    }
  });
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}" fill="none" stroke="${AXIS}"/>`);
  out.push(`<g class="labels">${labels.join('')}</g>`);
  out.push(`<text x="${n(margin.left + pw / 2)}" y="${n(height - 12)}" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>${escapeXml(options.xLabel ?? 'Similarity score')}</text>`);
  out.push(`<text transform="translate(18 ${n(margin.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="13" fill="${AXIS}" ${FONT}>Share of comparisons${options.sqrtScale ? ' (√ scale)' : ''}</text>`);
  out.push(
    legend(
      [
        { label: `${options.names?.[0] ?? 'Genuine'} (${genuine.length})`, color: GENUINE_COLOR, kind: 'box' },
        { label: `${options.names?.[1] ?? 'Impostor'} (${impostor.length})`, color: IMPOSTOR_COLOR, kind: 'box' },
      ],
      margin.left + pw - 8,
      margin.top + 8,
    ),
  );
  out.push('</svg>');
  return out.join('\n');
}

function rootSize(svg: string): [number, number] {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0];
  const w = root && /\bwidth="([\d.]+)"/.exec(root)?.[1];
  const h = root && /\bheight="([\d.]+)"/.exec(root)?.[1];
  if (!w || !h) throw new BiometricError('INVALID_ARGUMENT', 'a panel must be an <svg> with numeric width and height');
  return [Number(w), Number(h)];
}

/**
 * Lays SVG panels (from the builders here, or any <svg> with numeric width and height) out
 * on a grid, row by row, as nested <svg> elements in one picture. Clip-path ids are made
 * unique per panel so that panels do not pick up each other's definitions.
 */
export function combinePanelsSvg(panels: readonly string[], options: PanelOptions = {}): string {
  if (panels.length === 0) throw new BiometricError('INVALID_ARGUMENT', 'nothing to combine');
  const columns = Math.max(1, Math.min(options.columns ?? 2, panels.length));
  const gap = options.gap ?? 16;
  const sizes = panels.map(rootSize);
  const rows = Math.ceil(panels.length / columns);
  const colWidth = Array.from({ length: columns }, (_, c) => Math.max(...sizes.filter((_, i) => i % columns === c).map(([w]) => w)));
  const rowHeight = Array.from({ length: rows }, (_, r) => Math.max(...sizes.slice(r * columns, (r + 1) * columns).map(([, h]) => h)));
  const top = options.title ? 44 : gap;
  const width = colWidth.reduce((a, b) => a + b, 0) + gap * (columns + 1);
  const height = top + rowHeight.reduce((a, b) => a + b, 0) + gap * rows;
  const out = svgOpen(width, height);
  if (options.title) out.push(`<text x="${n(width / 2)}" y="28" text-anchor="middle" font-size="18" font-weight="bold" fill="${AXIS}" ${FONT}>${escapeXml(options.title)}</text>`);
  panels.forEach((panel, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const px = gap + colWidth.slice(0, c).reduce((a, b) => a + b, 0) + gap * c;
    const py = top + rowHeight.slice(0, r).reduce((a, b) => a + b, 0) + gap * r;
    const body = panel
      .replace(/^\s*<\?xml[^>]*\?>\s*/, '')
      .replace(/\bid="([^"]+)"/g, `id="p${i}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#p${i}-$1)`)
      .replace(/<svg\b/, `<svg x="${n(px)}" y="${n(py)}"`);
    out.push(body);
  });
  out.push('</svg>');
  return out.join('\n');
}
