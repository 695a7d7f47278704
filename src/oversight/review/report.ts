import type { LevelCategory } from '../facts/types.ts';
import { LEVEL_CATEGORIES, type Cell, type Report, type ReportBlock, type ReportSection } from '../report/model.ts';
import type { CsvReviewResult } from '../stats/csv.ts';
import { funnel } from '../stats/funnel.ts';
import type { ReviewResult, ReviewUnit } from '../stats/review.ts';
import type { Against, Measure, QuarterReview } from './build.ts';

/** The quarterly review (or a CSV review) as a report (../report): flags with reasons, funnel plots, activation charts, tables, drill-downs. */

export const MEASURE_WORDS: Record<Measure, string> = {
  'ice-arrests': 'ICE arrests: no record or Level 3 only',
  'ident-matches': 'IDENT matches: no record or Level 3 only',
  bookings: 'bookings: Level 3 (minor) offenses only',
};
/** What a flag measures: a demographics flag is about the group's share of bookings, not the minor-offense share. */
export function flagMeasureWords(f: { measure: Measure; kind: string }, groupLabel: string): string {
  return f.kind === 'group-share-rose' || f.kind === 'group-share-above-comparable' ? `bookings: share ${groupLabel.toLowerCase()}` : MEASURE_WORDS[f.measure];
}

export const KIND_WORDS: Record<string, string> = {
  'share-above-state': 'share above the reference',
  'share-rose-at-activation': 'share rose at activation',
  'group-share-rose': 'group share rose after activation',
  'group-share-above-comparable': 'group share above comparable jurisdictions',
};
const CATEGORY_KEY: Record<LevelCategory, string> = { 'level-1': 'level1', 'level-2': 'level2', 'level-3': 'level3', 'non-criminal': 'none' };
const MAX_FUNNELS = 6;

const pctCell = (v: number, judged = true): Cell => (judged ? { value: v, format: 'percent' } : null);
const fraction = (count: number, total: number): string => `${count.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`;

function funnelBlock(title: string, units: ReviewUnit[], target: number | undefined, model: ReviewResult['thresholds']['model'], flagged: string[], xLabel: string): ReportBlock {
  const fit = funnel(units, { target, model, levels: [0.95, 0.998] });
  return { kind: 'chart', chart: { kind: 'funnel', title, fit, flagged, xLabel, yLabel: 'Share' } };
}

export function quarterReviewReport(r: QuarterReview, options: { generated?: string } = {}): Report {
  const flaggedOris = new Set(r.flags.map((f) => f.ori));
  const states = new Set(r.jurisdictions.map((j) => j.state));
  const n = r.rates.nation;
  const summary = [
    `${r.jurisdictions.length} activated jurisdiction(s) in ${states.size} state(s) reviewed for ${r.quarter} (${r.period}, ${r.range.from} to ${r.range.to}); ${flaggedOris.size} flagged with ${r.flags.length} flag(s) at a false-discovery rate of ${r.thresholds.fdr}.`,
    `Nationally ${n.arrests.judged ? `${(n.arrests.share * 100).toFixed(1)} % of ${n.arrests.total.toLocaleString('en-US')} ICE arrests` : 'no ICE arrests'} and ${n.matches.judged ? `${(n.matches.share * 100).toFixed(1)} % of ${n.matches.total.toLocaleString('en-US')} classified IDENT matches` : 'no classified IDENT matches'} were of people with no criminal record or only Level 3 offenses.`,
  ];
  const sections: ReportSection[] = [];
  const loo = r.thresholds.reference === 'leave-one-out';

  // Flags.
  const flagRows: Cell[][] = r.flags.map((f) => [
    f.ori,
    f.state,
    flagMeasureWords(f, r.thresholds.group),
    f.against === 'nation' ? 'nation' : `state (${f.state})`,
    KIND_WORDS[f.kind] ?? f.kind,
    fraction(f.numbers.count, f.numbers.total),
    pctCell(f.numbers.observed, f.numbers.total > 0),
    f.kind === 'share-above-state' ? pctCell(f.numbers.expected) : { value: f.numbers.effect?.estimate ?? 0, format: 'percent', title: 'estimated rise' },
    { value: f.numbers.q, format: 'p' },
  ]);
  sections.push({
    heading: 'Flagged jurisdictions',
    blocks: [
      {
        kind: 'table',
        table: {
          caption: `Flags, ${r.quarter}`,
          columns: [{ label: 'Jurisdiction' }, { label: 'State' }, { label: 'Measure' }, { label: 'Against' }, { label: 'Flag' }, { label: 'Count / total', align: 'right' }, { label: 'Share' }, { label: 'Reference or rise' }, { label: 'q' }],
          rows: flagRows,
          empty: r.jurisdictions.length === 0 ? 'Nothing was reviewed: see the notes.' : 'No jurisdiction was flagged this quarter.',
          note: 'q is the Benjamini–Hochberg adjusted p-value over the jurisdictions reviewed; for a rise, the last-but-one column is the estimated rise.',
        },
      },
      ...(r.flags.length ? [{ kind: 'list' as const, items: r.flags.map((f) => `${f.ori} (${f.state}), ${flagMeasureWords(f, r.thresholds.group)}: ${f.reason}`) }] : []),
    ],
  });

  // Funnel plots.
  const funnels: ReportBlock[] = [];
  for (const [key, label] of [['ice-arrests:nation', 'ICE arrests'], ['ident-matches:nation', 'IDENT matches']] as const) {
    const res = r.reviews[key];
    if (!res) continue;
    const units = res.units.filter((u) => u.total > 0).map((u) => ({ id: u.id, count: u.count, total: u.total }));
    const flagged = r.flags.filter((f) => `${f.measure}:${f.against}` === key).map((f) => f.ori);
    funnels.push(funnelBlock(`${label}: no record or Level 3 only, against the national rate${loo ? ' (limits around it; flags judged against the rest of the nation)' : ''}`, units, n[key === 'ice-arrests:nation' ? 'arrests' : 'matches'].judged ? n[key === 'ice-arrests:nation' ? 'arrests' : 'matches'].share : undefined, r.thresholds.model, flagged, `${label} in the quarter (log scale)`));
  }
  // Per state with flags: the ICE arrests funnel, and the IDENT matches funnel when a match share was flagged there.
  const flaggedStates = [...new Set(r.flags.map((f) => f.state))].sort();
  for (const st of flaggedStates.slice(0, MAX_FUNNELS)) {
    for (const [measure, label, rateKey] of [['ice-arrests', 'ICE arrests', 'arrests'], ['ident-matches', 'IDENT matches', 'matches']] as const) {
      const res = r.reviews[`${measure}:state`];
      if (!res) continue;
      const flagged = r.flags.filter((f) => f.state === st && f.measure === measure && f.against === 'state').map((f) => f.ori);
      if (measure === 'ident-matches' && flagged.length === 0) continue;
      const units = res.units.filter((u) => u.group === st && u.total > 0).map((u) => ({ id: u.id, count: u.count, total: u.total }));
      if (units.length === 0) continue;
      const rate = r.rates.states.find((s) => s.state === st)?.[rateKey];
      funnels.push(funnelBlock(`${label} in ${st}: no record or Level 3 only, against the state's rate${loo ? ' (limits around it; flags judged against the rest of the state)' : ''}`, units, rate?.judged ? rate.share : undefined, r.thresholds.model, flagged, `${label} in the quarter (log scale)`));
    }
  }
  if (flaggedStates.length > MAX_FUNNELS) funnels.push({ kind: 'text', text: `Funnel plots are drawn for the first ${MAX_FUNNELS} states with flags; the others are in the JSON output.` });
  sections.push({ heading: 'Funnel plots', blocks: funnels.length ? funnels : [{ kind: 'text', text: 'No jurisdiction had ICE arrests or IDENT matches this quarter: nothing to plot.' }] });

  // Before and after activation.
  if (r.series.length) {
    sections.push({
      heading: 'Before and after activation',
      blocks: r.series.map((s) => ({
        kind: 'chart' as const,
        chart: {
          kind: 'activation' as const,
          title: `${s.ori}: share of bookings for minor offenses only`,
          periods: s.periods,
          unit: { label: s.ori, share: s.share },
          reference: { label: `rest of ${s.state}`, share: s.stateShare },
          activationIndex: s.activationIndex,
          ...(s.fitted ? { fitted: s.fitted } : {}),
        },
      })),
    });
  }

  // National context: the critics' charts.
  const series = (m: QuarterReview['national']['arrests']) => (['level-1', 'level-2', 'level-3', 'non-criminal'] as LevelCategory[]).map((c) => {
    const cat = LEVEL_CATEGORIES.find((x) => x.key === CATEGORY_KEY[c])!;
    return { key: cat.key, label: cat.label, color: cat.color, values: m.byCategory[c] as (number | null)[] };
  });
  sections.push({
    heading: 'ICE actions nationally',
    blocks: [
      { kind: 'chart', chart: { kind: 'stacked', title: 'ICE arrests by Level of conviction, per month', periods: r.national.arrests.periods, series: series(r.national.arrests), xLabel: 'Month', yLabel: 'ICE arrests' } },
      { kind: 'chart', chart: { kind: 'proportions', style: 'lines', title: 'Share of ICE arrests by Level, per month', periods: r.national.arrests.periods, series: series(r.national.arrests), xLabel: 'Month', yLabel: 'Share of ICE arrests' } },
      { kind: 'chart', chart: { kind: 'stacked', title: 'Removals by Level of conviction, per month', periods: r.national.removals.periods, series: series(r.national.removals), xLabel: 'Month', yLabel: 'Removals' } },
    ],
  });

  // Every jurisdiction.
  const complaints = r.jurisdictions.some((j) => j.complaints !== null);
  sections.push({
    heading: 'Every jurisdiction reviewed',
    blocks: [
      {
        kind: 'table',
        table: {
          caption: 'Rates by state',
          columns: [{ label: 'State' }, { label: 'Jurisdictions', format: 'count' }, { label: 'ICE arrests', align: 'right' }, { label: 'share' }, { label: 'IDENT matches', align: 'right' }, { label: 'share' }, { label: 'Bookings', align: 'right' }, { label: 'minor only' }],
          rows: r.rates.states.map((s) => [s.state, s.jurisdictions, fraction(s.arrests.count, s.arrests.total), pctCell(s.arrests.share, s.arrests.judged), fraction(s.matches.count, s.matches.total), pctCell(s.matches.share, s.matches.judged), fraction(s.bookings.count, s.bookings.total), pctCell(s.bookings.share, s.bookings.judged)]),
          empty: 'No state had cases in the quarter.',
        },
      },
      {
        kind: 'table',
        table: {
          caption: `Jurisdictions, ${r.quarter}`,
          columns: [
            { label: 'Jurisdiction' },
            { label: 'State' },
            { label: 'Field office' },
            { label: 'Activated' },
            { label: 'ICE arrests', align: 'right' },
            { label: 'share' },
            { label: 'IDENT matches', align: 'right' },
            { label: 'share' },
            { label: 'minor bookings' },
            ...(complaints ? [{ label: 'Complaints', format: 'count' as const }] : []),
            { label: 'Flags', format: 'count' },
          ],
          rows: r.jurisdictions.map((j) => [
            j.ori,
            j.state,
            j.aor,
            j.activated,
            fraction(j.arrests.count, j.arrests.total),
            pctCell(j.arrests.share, j.arrests.judged),
            fraction(j.matches.count, j.matches.total),
            pctCell(j.matches.share, j.matches.judged),
            pctCell(j.bookings.share, j.bookings.judged),
            ...(complaints ? [j.complaints] : []),
            j.flags.length,
          ]),
          empty: 'No jurisdiction was activated by the end of the quarter.',
          note: 'Internal review: counts are not suppressed. "—" means no cases to compute a share from.',
        },
      },
    ],
  });

  // Drill-downs.
  if (r.flags.length) {
    sections.push({ heading: 'Cases behind each flag', blocks: r.flags.map((f) => ({ kind: 'details' as const, summary: `${f.ori}, ${flagMeasureWords(f, r.thresholds.group)}, ${KIND_WORDS[f.kind] ?? f.kind} (${f.against}): ${f.cases.length} case(s) — ${f.drillDown}`, items: f.cases })) });
  }

  return {
    title: `Quarterly statistical review, ${r.quarter}`,
    subtitle: `Activated jurisdictions, ${r.period}: ${r.range.from} to ${r.range.to}`,
    ...(options.generated ? { generated: options.generated } : {}),
    summary,
    sections,
    notes: [
      `Flags at a false-discovery rate of ${r.thresholds.fdr} (Benjamini–Hochberg); funnel limits with ${r.thresholds.model} over-dispersion (Spiegelhalter 2005); ${loo ? 'each jurisdiction compared with the rest of its state and of the nation (leave-one-out)' : 'each jurisdiction compared with its whole state and the nation, itself included'}; shrunk estimates from a beta-binomial fitted by maximum likelihood; a funnel flag needs at least ${r.thresholds.minTotal} cases; a rise needs at least ${(r.thresholds.minLevelChange * 100).toFixed(0)} percentage points (activation) or ${(r.thresholds.minShareChange * 100).toFixed(0)} (group share). Bookings series: ${r.thresholds.seriesMonths} months; group: ${r.thresholds.group}.`,
      ...r.notes,
    ],
  };
}

/** A review of counts read from CSV (e.g. arrests per stop by county) as a report. */
export function csvReviewReport(r: CsvReviewResult, options: { source: string; count: string; total: string; unit: string; group?: string; generated?: string }): Report {
  const groups = new Map<string, ReviewUnit[]>();
  for (const u of r.units) if (u.total > 0) groups.set(u.group, [...(groups.get(u.group) ?? []), { id: u.id, count: u.count, total: u.total }]);
  const funnels: ReportBlock[] = [];
  for (const g of [...groups.keys()].slice(0, MAX_FUNNELS)) {
    const flagged = r.flags.filter((f) => f.group === g).map((f) => f.unitId);
    const title = g === 'all' ? `${options.count} per ${options.total}` : `${options.group ?? 'group'} ${g}: ${options.count} per ${options.total}`;
    funnels.push(funnelBlock(title, groups.get(g)!, undefined, r.thresholds.model, flagged, `${options.total} (log scale)`));
  }
  if (groups.size > MAX_FUNNELS) funnels.push({ kind: 'text', text: `Funnel plots are drawn for the first ${MAX_FUNNELS} groups; the others are in the JSON output.` });
  const byQ = [...r.units].sort((a, b) => a.qHigh - b.qHigh);
  const listed = r.units.length <= 200 ? byQ : byQ.slice(0, 100);
  const unitRow = (u: (typeof r.units)[number]): Cell[] => [u.id, u.group, fraction(u.count, u.total), pctCell(u.observed, u.total > 0), pctCell(u.expected), u.total > 0 ? { value: u.z, format: 'number' } : null, u.total > 0 ? { value: u.qHigh, format: 'p' } : null, u.shrunk ? pctCell(u.shrunk.mean) : null, u.flagged.length ? u.flagged.map((k) => KIND_WORDS[k] ?? k).join(', ') : ''];
  const columns = [{ label: options.unit }, { label: options.group ?? 'group' }, { label: `${options.count} / ${options.total}`, align: 'right' as const }, { label: 'share' }, { label: 'target' }, { label: 'z' }, { label: 'q' }, { label: 'shrunk' }, { label: 'flag' }];
  return {
    title: `Statistical review of ${options.source}`,
    subtitle: `${options.count} per ${options.total} by ${options.unit}${options.group ? `, within ${options.group}` : ''}`,
    ...(options.generated ? { generated: options.generated } : {}),
    summary: [`${r.units.length} unit(s) in ${r.groups.length} group(s); ${r.flags.length} flagged at a false-discovery rate of ${r.thresholds.fdr}${r.skipped.length ? `; ${r.skipped.length} row(s) skipped for a missing value` : ''}.`, ...(r.pooled ? [r.pooled.note] : [])],
    sections: [
      {
        heading: 'Flagged units',
        blocks: [
          { kind: 'table', table: { caption: 'Flagged units', columns, rows: byQ.filter((u) => u.flagged.length > 0).map(unitRow), empty: 'No unit was flagged.' } },
          ...(r.flags.length ? [{ kind: 'list' as const, items: r.flags.map((f) => `${f.unitId}${f.group !== 'all' ? ` (${f.group})` : ''}: ${f.reason}`) }] : []),
        ],
      },
      { heading: 'Funnel plots', blocks: funnels.length ? funnels : [{ kind: 'text', text: 'No unit has a positive total: nothing to plot.' }] },
      {
        heading: r.units.length <= 200 ? 'Every unit' : 'The 100 units with the smallest q',
        blocks: [{ kind: 'table', table: { caption: 'Units by q', columns, rows: listed.map(unitRow), empty: 'No units.', ...(r.units.length > 200 ? { note: `${r.units.length - 100} more units are in the JSON output (--json).` } : {}) } }],
      },
    ],
    notes: [...r.notes.filter((n) => n !== r.pooled?.note), ...r.skipped.slice(0, 20).map((s) => `row ${s.row} skipped: ${s.reason}`)],
  };
}

export type { Against, Measure };
