/** A sample report exercising every block kind, for tests and for looking at the output by eye. */
import { funnel } from '../stats/funnel.ts';
import { LEVEL_CATEGORIES, type Report } from './model.ts';

export function sampleReport(): Report {
  const periods = ['2010-10', '2010-11', '2010-12', '2011-01', '2011-02', '2011-03', '2011-04', '2011-05', '2011-06', '2011-07', '2011-08', '2011-09'];
  const level = (base: number, slope: number) => periods.map((_, i) => Math.round(base + slope * i));
  const arrests = LEVEL_CATEGORIES.map((c, k) => ({ ...c, values: level([120, 80, 140, 150][k], [2, 1, 6, 9][k]) as (number | null)[] }));
  arrests[1].values[3] = null; // a suppressed month
  const units = Array.from({ length: 40 }, (_, i) => ({ id: `CA${String(i).padStart(3, '0')}0000`, count: Math.round((0.3 + 0.05 * Math.sin(i)) * (20 + i * 15)) + (i === 7 ? 60 : 0), total: 20 + i * 15 + (i === 7 ? 60 : 0) }));
  const fit = funnel(units);
  const share = periods.map((_, i) => 0.3 + (i >= 6 ? 0.25 : 0) + 0.02 * Math.sin(i));
  const state = periods.map((_, i) => 0.3 + 0.02 * Math.cos(i));
  return {
    title: 'Quarterly statistical review <2011Q3> & "test"',
    subtitle: 'Activated jurisdictions, July–September 2011',
    generated: 'Produced on 2011-10-15 from the event log',
    summary: ['Three jurisdictions are flagged; φ̂ = 1.8, τ̂² ≥ 0.'],
    sections: [
      {
        heading: 'ICE actions',
        blocks: [
          { kind: 'chart', chart: { kind: 'stacked', title: 'ICE arrests by Level', periods, series: arrests, yLabel: 'Arrests', xLabel: 'Month' } },
          { kind: 'chart', chart: { kind: 'proportions', title: 'Arrest proportions by Level', periods, series: arrests, style: 'lines' } },
          { kind: 'chart', chart: { kind: 'proportions', title: 'Arrest proportions by Level (stacked)', periods, series: arrests } },
        ],
      },
      {
        heading: 'Flags',
        blocks: [
          { kind: 'chart', chart: { kind: 'funnel', title: 'No record or Level 3 only, against the state', fit, flagged: ['CA0070000'], xLabel: 'ICE arrests', yLabel: 'Share' } },
          { kind: 'chart', chart: { kind: 'activation', title: 'CA0070000 against California', periods, unit: { label: 'CA0070000', share }, reference: { label: 'California', share: state }, activationIndex: 6, fitted: share.map((v) => v) } },
          {
            kind: 'table',
            table: {
              caption: 'Flagged jurisdictions',
              columns: [{ label: 'Jurisdiction' }, { label: 'State' }, { label: 'Count', format: 'count' }, { label: 'Total', format: 'count' }, { label: 'Share', format: 'percent' }, { label: 'Reason' }],
              rows: [
                ['CA0070000', 'CA', 180, 225, 0.8, 'a long reason in words that must wrap in the PDF because it is much wider than the column it sits in, with <angle brackets> & ampersands'],
                ['CA0080000', 'CA', { suppressed: 'primary' }, { suppressed: 'complementary' }, null, 'small'],
                ['CA0090000', 'CA', { value: 12, format: 'count', title: 'twelve' }, 40, 0.3, 'ok'],
              ],
              note: 'Shares are of ICE arrests in the quarter.',
            },
          },
          { kind: 'details', summary: 'Cases behind CA0070000 (180)', items: Array.from({ length: 180 }, (_, i) => `case-${i}`) },
          { kind: 'list', items: ['one', 'two <b>'] },
          { kind: 'table', table: { caption: 'Nothing here', columns: [{ label: 'A' }], rows: [], empty: 'No jurisdiction was flagged.' } },
        ],
      },
      { heading: 'Empty section', blocks: [] },
    ],
    notes: ['Funnel limits allow for over-dispersion (Spiegelhalter 2005).'],
  };
}
