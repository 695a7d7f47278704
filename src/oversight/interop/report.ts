/**
 * The published statistics as a `Report` (../report/model.ts) for HTML and PDF: the charts the
 * program's critics drew — ICE arrests and removals by category over time (stacked) and the
 * arrest proportions by category — nationwide, and tables per unit. Withheld counts stay
 * withheld (null in series, suppressed cells in tables).
 */
import type { Cell, Report, ReportBlock, ReportTable } from '../report/model.ts';
import type { PublishedStats, PublishedUnit } from './publish.ts';
import { COLUMNS, type ColumnKey } from './stats.ts';

const CATEGORY_SERIES = [
  { suffix: 'level-1', key: 'level1', label: 'Level 1', color: '#0072B2' },
  { suffix: 'level-2', key: 'level2', label: 'Level 2', color: '#56B4E9' },
  { suffix: 'level-3', key: 'level3', label: 'Level 3', color: '#E69F00' },
  { suffix: 'non-criminal', key: 'none', label: 'No criminal record', color: '#D55E00' },
] as const;

const BY_LABEL = { nation: 'Nationwide', state: 'By state', aor: 'By field office (area of responsibility)', jurisdiction: 'By jurisdiction' } as const;

function cell(u: PublishedUnit, period: number, key: ColumnKey): Cell {
  const v = u.values[period][key];
  if (v !== null) return { value: v, format: 'count' };
  return { suppressed: u.suppressed[period][key] ?? 'complementary' };
}

export function interopReport(p: PublishedStats, options: { generated?: string; title?: string } = {}): Report {
  const months = p.periods.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === 'month');
  const summaryPeriods = p.periods.map((x, i) => ({ x, i })).filter(({ x }) => x.kind !== 'month');
  const n = p.total;
  const stage = (stageName: 'arrests' | 'removals', title: string, yLabel: string): ReportBlock[] => {
    const series = CATEGORY_SERIES.map((c) => ({ key: c.key, label: c.label, color: c.color, values: months.map(({ i }) => n.values[i][`${stageName}:${c.suffix}` as ColumnKey]) }));
    return [
      { kind: 'chart', chart: { kind: 'stacked', title: `${title} by category, per month (nationwide)`, periods: months.map(({ x }) => x.key), series, yLabel, xLabel: 'Month' } },
      { kind: 'chart', chart: { kind: 'proportions', title: `${title}: share of each category, per month (nationwide)`, periods: months.map(({ x }) => x.key), series, style: 'stacked', xLabel: 'Month' } },
    ];
  };
  const nationTable: ReportTable = {
    caption: 'Nationwide, by period',
    columns: [{ label: 'Period', align: 'left', format: 'text' }, ...COLUMNS.map((c) => ({ label: c.label, format: 'count' as const }))],
    rows: p.periods.map((period, i) => [period.label, ...COLUMNS.map((c) => cell(n, i, c.key))]),
    empty: 'No period.',
  };
  const unitTables: ReportBlock[] =
    p.by === 'nation'
      ? []
      : summaryPeriods.map(({ x, i }) => ({
          kind: 'table' as const,
          table: {
            caption: `${BY_LABEL[p.by]}: ${x.label}`,
            columns: [{ label: p.by === 'jurisdiction' ? 'Jurisdiction (ORI)' : p.by === 'state' ? 'State' : 'Field office', align: 'left' as const, format: 'text' as const }, ...(p.by === 'jurisdiction' ? [{ label: 'Activated', align: 'left' as const, format: 'text' as const }] : []), ...COLUMNS.map((c) => ({ label: c.label, format: 'count' as const }))],
            rows: [...p.units, p.total].map((u) => [u.label, ...(p.by === 'jurisdiction' ? [u.activationMonth ?? (u.kind === 'nation' ? '' : 'never')] : []), ...COLUMNS.map((c) => cell(u, i, c.key))]),
            empty: 'No unit.',
          },
        }));
  const cum = p.periods.findIndex((x) => x.kind === 'cumulative');
  const val = (k: ColumnKey) => (cum >= 0 ? n.values[cum][k] : null);
  const share = (k: ColumnKey, of: ColumnKey) => {
    const a = val(k);
    const b = val(of);
    return a === null || b === null || b === 0 ? null : `${((100 * a) / b).toFixed(1)} %`;
  };
  const summary: string[] = [];
  if (val('submissions') !== null) summary.push(`Since activation: ${val('submissions')} fingerprint submissions searched in IDENT, ${val('matches') ?? 'a withheld number of'} IDENT matches, ${val('arrests') ?? 'a withheld number of'} ICE arrests and ${val('removals') ?? 'a withheld number of'} removals.`);
  const nc = share('arrests:non-criminal', 'arrests');
  const l3 = share('arrests:level-3', 'arrests');
  if (nc !== null && l3 !== null) summary.push(`Of the ICE arrests, ${nc} had no criminal conviction and ${l3} only Level 3 (minor) convictions.`);
  return {
    title: options.title ?? 'IDENT/IAFIS Interoperability Statistics',
    subtitle: `${BY_LABEL[p.by]}; months in each jurisdiction's own time zone; fiscal years October–September; cumulative since each jurisdiction's activation`,
    ...(options.generated ? { generated: options.generated } : {}),
    summary,
    sections: [
      { heading: 'ICE arrests and bookings into custody', blocks: stage('arrests', 'ICE arrests', 'Arrests') },
      { heading: 'Removals', blocks: stage('removals', 'Removals', 'Removals') },
      { heading: 'Nationwide', blocks: [{ kind: 'table', table: nationTable }] },
      ...(unitTables.length > 0 ? [{ heading: BY_LABEL[p.by], blocks: unitTables }] : []),
    ],
    notes: [
      'Fingerprint submissions: bookings whose prints were searched in IDENT. Matches are counted by Level at identification (convicted of or charged with); arrests and removals by Level of conviction at that time.',
      ...p.notes,
    ],
    ...(p.suppressionThreshold !== null ? { suppressionThreshold: p.suppressionThreshold } : {}),
  };
}
