/**
 * Public outputs: the statistics with small counts suppressed, as CSV and JSON. Each period is
 * published as tables of units × categories per stage (matches: Level 1 / other; arrests and
 * removals: Level 1, 2, 3, no record) with the stage total of each unit (row totals) and the
 * nationwide row (column totals); fingerprint submissions are a one-column table with the
 * nationwide total. Suppression is decided once for everything the output publishes together
 * (`linkedSystem`, ./suppress.ts), not per table.
 */
import type { CellInterval, Suppression, SuppressionRelation } from '../stats/suppress.ts';
import { fiscalYearOf } from './periods.ts';
import { COLUMNS, type ColumnKey, type InteropStats, type InteropUnit, type Period, type UnitKind } from './stats.ts';
import { signInterval, suppressLinked, type LinkedSystem } from './suppress.ts';

export type PublishedValues = Record<ColumnKey, number | null>;

export interface PublishedUnit {
  kind: UnitKind;
  id: string;
  label: string;
  state: string | null;
  aor: string | null;
  activatedAt: number | null;
  activationMonth: string | null;
  jurisdictions: number;
  /** Per period: the count, or null when withheld. */
  values: PublishedValues[];
  /** Per period: why each withheld cell is withheld. */
  suppressed: Partial<Record<ColumnKey, Exclude<Suppression, null>>>[];
}

export interface PublishedStats {
  by: UnitKind;
  periods: Period[];
  units: PublishedUnit[];
  total: PublishedUnit;
  /** null: not suppressed (internal use). */
  suppressionThreshold: number | null;
  suppressedCells: { primary: number; complementary: number };
  notes: string[];
}

const STAGES: { total: ColumnKey | null; parts: ColumnKey[] }[] = [
  { total: null, parts: ['submissions'] },
  { total: 'matches', parts: ['matches:level-1', 'matches:other'] },
  { total: 'arrests', parts: ['arrests:level-1', 'arrests:level-2', 'arrests:level-3', 'arrests:non-criminal'] },
  { total: 'removals', parts: ['removals:level-1', 'removals:level-2', 'removals:level-3', 'removals:non-criminal'] },
];

function blank(u: InteropUnit): PublishedUnit {
  return { kind: u.kind, id: u.id, label: u.label, state: u.state, aor: u.aor, activatedAt: u.activatedAt, activationMonth: u.activationMonth, jurisdictions: u.jurisdictions, values: u.values.map((v) => ({ ...v })), suppressed: u.values.map(() => ({})) };
}

/**
 * The whole report as one linked system (./suppress.ts): every published cell — each row unit
 * (and the nation) × period × column — with the relations an outsider can use:
 *  - a unit's stage total = the sum of its categories (per period);
 *  - the nation's cell = the sum of the units' cells (per period and column);
 *  - a fiscal year (or fiscal year to date) = the sum of its published months + a hidden cell
 *    for its months not shown (0 when every month is shown);
 *  - since activation = the sum of the published months in its window (a jurisdiction: from
 *    its activation month; a state, field office or the nation: every month) + a hidden cell
 *    (months before the first one shown, less months before a member's activation), and
 *    = the sum of the fiscal years shown + a hidden cell;
 *  - the hidden cells add up like the cells they belong to.
 * An outsider is assumed to know each hidden cell's sign and whether it is 0 (activation dates
 * are public; so is which months a report covers), not its value.
 */
export function linkedSystem(stats: InteropStats): { system: LinkedSystem; cell: (row: number, period: number, column: number) => number; rows: InteropUnit[] } {
  const rows = stats.by === 'nation' ? [stats.total] : [...stats.units, stats.total];
  const P = stats.periods.length;
  const C = COLUMNS.length;
  const cell = (row: number, period: number, column: number) => (row * P + period) * C + column;
  const values: number[] = [];
  const hidden: (CellInterval | null)[] = [];
  rows.forEach((u) => {
    for (let p = 0; p < P; p++) {
      for (let c = 0; c < C; c++) {
        values.push(u.values[p][COLUMNS[c].key]);
        hidden.push(null);
      }
    }
  });
  const relations: SuppressionRelation[] = [];
  const col = new Map(COLUMNS.map((c, i) => [c.key as ColumnKey, i]));
  const stageIdx = STAGES.filter((s) => s.total !== null).map((s) => ({ total: col.get(s.total!)!, parts: s.parts.map((k) => col.get(k)!) }));
  const nationRow = rows.length - 1;
  for (let p = 0; p < P; p++) {
    rows.forEach((_, r) => {
      for (const s of stageIdx) relations.push({ total: cell(r, p, s.total), parts: s.parts.map((c) => cell(r, p, c)) });
    });
    if (stats.by !== 'nation') for (let c = 0; c < C; c++) relations.push({ total: cell(nationRow, p, c), parts: stats.units.map((_, r) => cell(r, p, c)) });
  }
  const months = stats.periods.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === 'month');
  const years = stats.periods.map((x, i) => ({ x, i })).filter(({ x }) => x.kind === 'fiscal-year');
  const hiddenCell = (v: number) => {
    values.push(v);
    hidden.push(signInterval(v));
    return values.length - 1;
  };
  /** total = Σ parts + a hidden cell, per column; then the hidden cells' own stage relations. */
  const link = (r: number, total: number, parts: number[]): number[] => {
    const slacks: number[] = [];
    for (let c = 0; c < C; c++) {
      const t = cell(r, total, c);
      const ps = parts.map((p) => cell(r, p, c));
      const slack = hiddenCell(values[t] - ps.reduce((a, i) => a + values[i], 0));
      slacks.push(slack);
      relations.push({ total: t, parts: [...ps, slack] });
    }
    for (const s of stageIdx) relations.push({ total: slacks[s.total], parts: s.parts.map((c) => slacks[c]) });
    return slacks;
  };
  // Windows are the same for every row unless rows are jurisdictions (their own activation).
  const sameWindows = stats.by !== 'jurisdiction';
  stats.periods.forEach((period, pi) => {
    if (period.kind === 'month') return;
    const windows = rows.map((u) => {
      if (period.kind === 'fiscal-year') {
        const fy = Number(/^FY(\d{4})/.exec(period.key)?.[1]);
        return months.filter(({ x }) => fiscalYearOf(x.key) === fy && (period.through === null || x.key <= period.through)).map(({ i }) => i);
      }
      return months.filter(({ x }) => (period.through === null || x.key <= period.through) && (u.kind !== 'jurisdiction' || u.activationMonth === null || x.key >= u.activationMonth)).map(({ i }) => i);
    });
    const slacks = rows.map((_, r) => link(r, pi, windows[r]));
    if (sameWindows && stats.by !== 'nation') for (let c = 0; c < C; c++) relations.push({ total: slacks[nationRow][c], parts: stats.units.map((_, r) => slacks[r][c]) });
    if (period.kind === 'cumulative' && years.length > 0) {
      const ys = years.filter(({ x }) => period.through === null || (x.through !== null && x.through <= period.through)).map(({ i }) => i);
      const s2 = rows.map((_, r) => link(r, pi, ys));
      for (let c = 0; c < C && stats.by !== 'nation'; c++) relations.push({ total: s2[nationRow][c], parts: stats.units.map((_, r) => s2[r][c]) });
    }
  });
  return { system: { values, hidden, relations }, cell, rows };
}

/** The statistics as published: with `threshold` (default 10) small counts are withheld; `null` publishes everything. */
export function publish(stats: InteropStats, threshold: number | null = 10): PublishedStats {
  const units = stats.by === 'nation' ? [] : stats.units.map(blank);
  const total = blank(stats.total);
  let primary = 0;
  let complementary = 0;
  let unprotected = 0;
  if (threshold !== null && threshold > 0) {
    const { system, cell } = linkedSystem(stats);
    const r = suppressLinked(system, { threshold });
    unprotected = r.unprotected.length;
    const out = stats.by === 'nation' ? [total] : [...units, total];
    out.forEach((u, ri) => {
      for (let p = 0; p < stats.periods.length; p++) {
        COLUMNS.forEach((c, ci) => {
          const s = r.cells[cell(ri, p, ci)];
          if (s === null) return;
          u.values[p][c.key] = null;
          u.suppressed[p][c.key] = s;
          if (s === 'primary') primary += 1;
          else complementary += 1;
        });
      }
    });
  }
  const notes = [...stats.notes];
  if (threshold !== null && threshold > 0) {
    notes.push(
      `Counts from 1 to ${threshold - 1} are withheld ("<${threshold}" in CSV, null in JSON), and so are enough other counts ("(D)" in CSV) that no withheld small count can be worked out from everything published here together — row and column totals, months against fiscal years and since activation, units against the nation — knowing that a withheld small count is between 1 and ${threshold - 1} and that zeros are shown: at least two values remain possible for each.`,
    );
    if (unprotected > 0) notes.push(`${unprotected} withheld small count(s) are pinned by the totals whatever else is withheld (e.g. with a threshold under 3); they are withheld but not protected.`);
  } else notes.push('Not suppressed: small counts are shown. Not for publication.');
  return { by: stats.by, periods: stats.periods, units: stats.by === 'nation' ? [total] : units, total, suppressionThreshold: threshold !== null && threshold > 0 ? threshold : null, suppressedCells: { primary, complementary }, notes };
}

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** One row per unit and period (nationwide rows last unless `by` is nation); withheld cells are "<k" (primary) or "(D)" (complementary). */
export function toCsv(p: PublishedStats): string {
  const head = ['unit_kind', 'unit', 'state', 'aor', 'activation_month', 'period_kind', 'period', ...COLUMNS.map((c) => c.key.replace(':', '_').replaceAll('-', '_'))];
  const lines = [head.join(',')];
  const rows = p.by === 'nation' ? p.units : [...p.units, p.total];
  for (const u of rows) {
    p.periods.forEach((period, i) => {
      const cells = COLUMNS.map((c) => {
        const v = u.values[i][c.key];
        if (v !== null) return String(v);
        return u.suppressed[i][c.key] === 'primary' ? `<${p.suppressionThreshold ?? ''}` : '(D)';
      });
      lines.push([u.kind, u.id, u.state ?? '', u.aor ?? '', u.activationMonth ?? '', period.kind, period.key, ...cells].map(csvField).join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

/** The published statistics as one JSON document (an object), with the column definitions. */
export function jsonDocument(p: PublishedStats, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, ...p, columns: COLUMNS };
}

export function toJson(p: PublishedStats, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(jsonDocument(p, extra), null, 2)}\n`;
}
