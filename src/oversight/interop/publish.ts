/**
 * Public outputs: the statistics with small counts suppressed (stats/suppress.ts), as CSV
 * and JSON. Each period is published as tables of units × categories per stage (matches:
 * Level 1 / other; arrests and removals: Level 1, 2, 3, no record) with the stage total of
 * each unit (row totals) and the nationwide row (column totals); fingerprint submissions are
 * a one-column table with the nationwide total. Suppression is decided per table.
 */
import { suppress, tableWithTotals, type Suppression } from '../stats/suppress.ts';
import { COLUMNS, type ColumnKey, type InteropStats, type InteropUnit, type Period, type UnitKind } from './stats.ts';

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

/** The statistics as published: with `threshold` (default 10) small counts are withheld; `null` publishes everything. */
export function publish(stats: InteropStats, threshold: number | null = 10): PublishedStats {
  const units = stats.by === 'nation' ? [] : stats.units.map(blank);
  const total = blank(stats.total);
  let primary = 0;
  let complementary = 0;
  if (threshold !== null && threshold > 0) {
    // One table per period and stage: the units' rows, plus the nationwide row as column totals.
    const rows = stats.by === 'nation' ? [total] : units;
    for (let p = 0; p < stats.periods.length; p++) {
      for (const stage of STAGES) {
        const interior = rows.map((u) => stage.parts.map((k) => u.values[p][k] as number));
        const t = tableWithTotals(interior);
        const r = suppress(t.values, t.relations, threshold);
        const mark = (u: PublishedUnit, key: ColumnKey, s: Suppression) => {
          if (s === null) return;
          u.values[p][key] = null;
          u.suppressed[p][key] = s;
          if (s === 'primary') primary += 1;
          else complementary += 1;
        };
        rows.forEach((u, ri) => {
          stage.parts.forEach((key, ci) => mark(u, key, r.cells[t.cell(ri, ci)]));
          // A one-column stage has no separate total column: its row total is the cell itself.
          if (stage.total !== null) mark(u, stage.total, r.cells[t.rowTotal(ri)]);
        });
        if (stats.by !== 'nation') {
          stage.parts.forEach((key, ci) => mark(total, key, r.cells[t.columnTotal(ci)]));
          if (stage.total !== null) mark(total, stage.total, r.cells[t.grandTotal]);
        }
      }
    }
  }
  const notes = [...stats.notes];
  if (threshold !== null && threshold > 0) {
    notes.push(
      `Counts from 1 to ${threshold - 1} are withheld ("<${threshold}" in CSV, null in JSON), and so is at least one more count in each row and column where a published total would otherwise reveal one ("(D)" in CSV). Suppression is decided per published table (one period, one stage); combining different tables (e.g. months with the fiscal year, or a state table with a jurisdiction table) is not protected against.`,
    );
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
