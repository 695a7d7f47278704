import type { FunnelResult } from '../stats/funnel.ts';

/**
 * A report as plain data, so that the published statistics (`seccom stats`) and the quarterly
 * review build the same structure and get the same HTML and PDF. Nothing here knows about
 * jurisdictions or Levels: a report is a title, sections of blocks (text, lists, charts, tables,
 * drill-downs) and notes. Counts that public outputs must not show are `null` in a series, or a
 * cell `{ suppressed: 'primary' | 'complementary' }` in a table; the renderers show "<10" / "—"
 * and add the explanation.
 */

export interface Report {
  title: string;
  subtitle?: string;
  /** When and by what it was produced, as words (the caller owns the clock). */
  generated?: string;
  /** Short paragraphs at the top. */
  summary?: string[];
  sections: ReportSection[];
  /** Method and data notes at the end. */
  notes?: string[];
  /** Threshold below which cells were suppressed; default 10. Used for the "<10" label and the note. */
  suppressionThreshold?: number;
}

export interface ReportSection {
  heading: string;
  blocks: ReportBlock[];
}

export type ReportBlock =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'table'; table: ReportTable }
  /** A collapsed drill-down: e.g. the case ids behind a flag. */
  | { kind: 'details'; summary: string; items: string[] };

/** One category's values over the chart's periods; `null` = suppressed or not available. */
export interface CategorySeries {
  key: string;
  label: string;
  values: (number | null)[];
  /** A colour; default the category's place in the Okabe–Ito palette. */
  color?: string;
}

interface ChartBase {
  title: string;
  /** A sentence or two for screen readers and the figure caption; default a summary of the data. */
  description?: string;
  xLabel?: string;
  yLabel?: string;
}

/** Counts by category over time, stacked (e.g. ICE arrests by Level per month). */
export interface StackedChart extends ChartBase {
  kind: 'stacked';
  periods: string[];
  series: CategorySeries[];
}

/** Each category's share of the period's total (e.g. arrest proportions by Level): 100 % stacked bars or lines. */
export interface ProportionChart extends ChartBase {
  kind: 'proportions';
  style?: 'stacked' | 'lines';
  periods: string[];
  /** Counts; shares are computed per period (a period with a zero total is a gap). */
  series: CategorySeries[];
}

/** A funnel plot of a fitted funnel (stats/funnel.ts) with flagged units highlighted. */
export interface FunnelChart extends ChartBase {
  kind: 'funnel';
  fit: FunnelResult;
  flagged?: string[];
}

/** One unit's monthly share against its reference (its state's), with the activation month marked and the segmented fit drawn. */
export interface ActivationChart extends ChartBase {
  kind: 'activation';
  periods: string[];
  unit: { label: string; share: (number | null)[] };
  reference?: { label: string; share: (number | null)[] };
  /** Index into `periods` of the first month after activation. */
  activationIndex: number;
  activationLabel?: string;
  /** The segmented model's fitted share for the unit, per period (null where not fitted). */
  fitted?: (number | null)[];
}

export type Chart = StackedChart | ProportionChart | FunnelChart | ActivationChart;

export type CellValue = string | number | null;

/** A table cell: a value, or a structured cell with a format, suppression, or a link-like drill-down id. */
export type Cell =
  | CellValue
  | { value: CellValue; format?: CellFormat; suppressed?: undefined; title?: string }
  | { suppressed: 'primary' | 'complementary'; value?: undefined };

export type CellFormat = 'count' | 'percent' | 'p' | 'number' | 'text';

export interface ReportColumn {
  label: string;
  /** Default: 'right' for numbers, 'left' for text. */
  align?: 'left' | 'right';
  /** Format for plain number cells in this column; default 'number'. */
  format?: CellFormat;
}

export interface ReportTable {
  caption: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** What to show when there are no rows. */
  empty?: string;
  note?: string;
}

/** The Level categories of the program's statistics, in the order the critics' charts stack them. */
export const LEVEL_CATEGORIES = [
  { key: 'level1', label: 'Level 1', color: '#0072B2' },
  { key: 'level2', label: 'Level 2', color: '#56B4E9' },
  { key: 'level3', label: 'Level 3', color: '#E69F00' },
  { key: 'none', label: 'No criminal record', color: '#D55E00' },
] as const;

/** Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'] as const;
