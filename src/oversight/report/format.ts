import { ReportError } from './errors.ts';
import type { Cell, CellFormat, Chart, Report, ReportColumn, ReportTable } from './model.ts';

/** Text of a cell as shown in every output; never "NaN", "undefined" or "Infinity". */
export interface CellText {
  text: string;
  align: 'left' | 'right';
  suppressed: 'primary' | 'complementary' | null;
  title?: string;
}

export function formatNumber(v: number, format: CellFormat = 'number'): string {
  if (!Number.isFinite(v)) return '—';
  switch (format) {
    case 'count':
      return Math.round(v).toLocaleString('en-US');
    case 'percent': {
      const p = v * 100;
      return `${p === 0 || Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1)} %`;
    }
    case 'p':
      return v < 1e-4 ? v.toExponential(1) : v.toPrecision(2);
    case 'text':
      return String(v);
    default:
      return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(4)).toString();
  }
}

export function cellText(cell: Cell, column: ReportColumn, threshold: number): CellText {
  if (cell !== null && typeof cell === 'object') {
    if (cell.suppressed) return { text: cell.suppressed === 'primary' ? `<${threshold}` : '—', align: 'right', suppressed: cell.suppressed };
    const inner = cellText(cell.value, { ...column, format: cell.format ?? column.format }, threshold);
    return cell.title ? { ...inner, title: cell.title } : inner;
  }
  if (cell === null) return { text: '—', align: column.align ?? 'right', suppressed: null };
  if (typeof cell === 'number') return { text: formatNumber(cell, column.format), align: column.align ?? 'right', suppressed: null };
  return { text: cell, align: column.align ?? 'left', suppressed: null };
}

/** The note explaining suppressed cells, when the table has any. */
export function suppressionNote(tables: readonly ReportTable[], threshold: number): string | null {
  let primary = false;
  let complementary = false;
  for (const t of tables) {
    for (const row of t.rows) {
      for (const c of row) {
        if (c !== null && typeof c === 'object' && c.suppressed === 'primary') primary = true;
        if (c !== null && typeof c === 'object' && c.suppressed === 'complementary') complementary = true;
      }
    }
  }
  if (!primary && !complementary) return null;
  const parts: string[] = [];
  if (primary) parts.push(`"<${threshold}" marks a count from 1 to ${threshold - 1}, withheld so that no small group of people can be singled out`);
  if (complementary) parts.push(`"—" marks a count withheld so that totals cannot reveal a withheld count`);
  return `${parts.join('; ')}.`;
}

function finite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new ReportError('INVALID_CHART', `${name} is ${v}: charts take finite numbers or null (suppressed/missing)`);
}

/** Refuses impossible chart data (NaN, Infinity, negative counts, series of the wrong length) with a typed error. */
export function validateChart(chart: Chart): void {
  const where = `chart "${chart.title}"`;
  if (chart.kind === 'stacked' || chart.kind === 'proportions') {
    for (const s of chart.series) {
      if (s.values.length !== chart.periods.length) throw new ReportError('INVALID_CHART', `${where}: series "${s.label}" has ${s.values.length} values for ${chart.periods.length} periods`);
      s.values.forEach((v, i) => {
        if (v === null) return;
        finite(`${where}: ${s.label} in ${chart.periods[i]}`, v);
        if (v < 0) throw new ReportError('INVALID_CHART', `${where}: ${s.label} in ${chart.periods[i]} is negative (${v})`);
      });
    }
  } else if (chart.kind === 'activation') {
    const lists: [string, (number | null)[] | undefined][] = [[chart.unit.label, chart.unit.share], [chart.reference?.label ?? 'reference', chart.reference?.share], ['fitted', chart.fitted]];
    for (const [label, values] of lists) {
      if (!values) continue;
      if (values.length !== chart.periods.length) throw new ReportError('INVALID_CHART', `${where}: "${label}" has ${values.length} values for ${chart.periods.length} periods`);
      values.forEach((v, i) => {
        if (v === null) return;
        finite(`${where}: ${label} in ${chart.periods[i]}`, v);
      });
    }
    if (!Number.isInteger(chart.activationIndex) || chart.activationIndex < 0 || chart.activationIndex > chart.periods.length) {
      throw new ReportError('INVALID_CHART', `${where}: activation index ${chart.activationIndex} is outside the ${chart.periods.length} periods`);
    }
  }
}

export function validateReport(report: Report): void {
  if (typeof report.title !== 'string' || report.title.trim() === '') throw new ReportError('INVALID_REPORT', 'a report needs a title');
  const threshold = report.suppressionThreshold ?? 10;
  if (!Number.isInteger(threshold) || threshold < 1) throw new ReportError('INVALID_REPORT', `suppression threshold ${threshold} must be a positive integer`);
  for (const s of report.sections) {
    for (const b of s.blocks) {
      if (b.kind === 'chart') validateChart(b.chart);
      if (b.kind === 'table') {
        b.table.rows.forEach((row, r) => {
          if (row.length !== b.table.columns.length) throw new ReportError('INVALID_TABLE', `table "${b.table.caption}", row ${r + 1}: ${row.length} cells for ${b.table.columns.length} columns`);
        });
      }
    }
  }
}
