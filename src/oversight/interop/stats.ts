/**
 * The published interoperability statistics as plain data: periods × measures per unit
 * (nation, state, field office, jurisdiction), from the stored counts. Months are counted in
 * each jurisdiction's own zone; fiscal years run October–September; "cumulative" is since
 * each jurisdiction's activation (for a state, field office or the nation: the sum of its
 * jurisdictions' cumulative counts). Every value is a finite integer — empty periods and
 * jurisdictions with no events are zeros, never NaN.
 */
import { tablesOf, type AnyDatabase } from '../../platform/store/index.ts';
import { OversightError } from '../facts/errors.ts';
import { loadRegistry } from '../facts/projection.ts';
import type { OversightTables } from '../facts/tables.ts';
import type { JurisdictionRef } from '../facts/types.ts';
import { MEASURES, UNATTRIBUTED, type Measure } from './counts.ts';
import { fiscalYearOf, monthIndex, monthKeyOfIndex, monthRange, monthsOfFiscalYear, parseMonth } from './periods.ts';

export type UnitKind = 'nation' | 'state' | 'aor' | 'jurisdiction';
export const UNIT_KINDS: readonly UnitKind[] = ['nation', 'state', 'aor', 'jurisdiction'];

/** The published columns: the stored measures and their stage totals. */
export const COLUMNS = [
  { key: 'submissions', label: 'Fingerprint submissions', stage: 'submissions', category: null },
  { key: 'matches', label: 'IDENT matches', stage: 'matches', category: 'total' },
  { key: 'matches:level-1', label: 'IDENT matches, Level 1', stage: 'matches', category: 'level-1' },
  { key: 'matches:other', label: 'IDENT matches, other', stage: 'matches', category: 'other' },
  { key: 'arrests', label: 'ICE arrests/bookings', stage: 'arrests', category: 'total' },
  { key: 'arrests:level-1', label: 'ICE arrests, Level 1', stage: 'arrests', category: 'level-1' },
  { key: 'arrests:level-2', label: 'ICE arrests, Level 2', stage: 'arrests', category: 'level-2' },
  { key: 'arrests:level-3', label: 'ICE arrests, Level 3', stage: 'arrests', category: 'level-3' },
  { key: 'arrests:non-criminal', label: 'ICE arrests, no criminal record', stage: 'arrests', category: 'non-criminal' },
  { key: 'removals', label: 'Removals', stage: 'removals', category: 'total' },
  { key: 'removals:level-1', label: 'Removals, Level 1', stage: 'removals', category: 'level-1' },
  { key: 'removals:level-2', label: 'Removals, Level 2', stage: 'removals', category: 'level-2' },
  { key: 'removals:level-3', label: 'Removals, Level 3', stage: 'removals', category: 'level-3' },
  { key: 'removals:non-criminal', label: 'Removals, no criminal record', stage: 'removals', category: 'non-criminal' },
] as const;
export type ColumnKey = (typeof COLUMNS)[number]['key'];
export type Counts = Record<ColumnKey, number>;

export interface Period {
  key: string;
  kind: 'month' | 'fiscal-year' | 'cumulative';
  label: string;
  /** Last month included (cumulative: since each jurisdiction's activation through this month). */
  through: string | null;
}

export interface InteropUnit {
  kind: UnitKind;
  id: string;
  label: string;
  state: string | null;
  aor: string | null;
  /** Jurisdictions only: first activation (epoch ms) and its month in the jurisdiction's zone. */
  activatedAt: number | null;
  activationMonth: string | null;
  /** Jurisdictions aggregated in this unit. */
  jurisdictions: number;
  /** One Counts per period, in `periods` order. */
  values: Counts[];
}

export interface InteropStats {
  by: UnitKind;
  periods: Period[];
  units: InteropUnit[];
  /** The nation (column totals of the table). */
  total: InteropUnit;
  notes: string[];
}

export interface InteropQuery {
  by?: UnitKind;
  /** A fiscal year: its twelve months, the year's total and the cumulative count through September. */
  fy?: number;
  /** A month YYYY-MM: the month, its fiscal year to date and the cumulative count through it. */
  month?: string;
}

export function zeroCounts(): Counts {
  const c = {} as Counts;
  for (const col of COLUMNS) c[col.key] = 0;
  return c;
}

function addMeasure(c: Counts, m: Measure, n: number): void {
  c[m] += n;
  if (m.startsWith('matches:')) c.matches += n;
  else if (m.startsWith('arrests:')) c.arrests += n;
  else if (m.startsWith('removals:')) c.removals += n;
}

function addCounts(into: Counts, c: Counts): void {
  for (const col of COLUMNS) into[col.key] += c[col.key];
}

const isMeasure = (m: string): m is Measure => (MEASURES as readonly string[]).includes(m);

export async function interopStats(d: AnyDatabase, query: InteropQuery = {}): Promise<InteropStats> {
  const by = query.by ?? 'nation';
  if (!UNIT_KINDS.includes(by)) throw new OversightError('INVALID_OPTION', `by must be one of ${UNIT_KINDS.join(', ')}, got "${String(by)}"`);
  if (query.fy !== undefined && query.month !== undefined) throw new OversightError('INVALID_PERIOD', 'give a fiscal year or a month, not both');
  if (query.fy !== undefined && (!Number.isInteger(query.fy) || query.fy < 1991 || query.fy > 2060)) throw new OversightError('INVALID_PERIOD', `fiscal year must be a year between 1991 and 2060, got ${String(query.fy)}`);
  if (query.month !== undefined && parseMonth(query.month) === null) throw new OversightError('INVALID_PERIOD', `month must be YYYY-MM, got "${query.month}"`);
  const registry = await loadRegistry(d);
  const rows = await tablesOf<OversightTables>(d).selectFrom('oversight_interop_counts').select(['ori', 'month', 'measure', 'count']).execute();
  const notes: string[] = [];
  // byOri: month → Counts
  const byOri = new Map<string, Map<string, Counts>>();
  let skipped = 0;
  for (const r of rows) {
    if (!isMeasure(r.measure) || parseMonth(r.month) === null) {
      skipped += 1;
      continue;
    }
    let months = byOri.get(r.ori);
    if (!months) byOri.set(r.ori, (months = new Map()));
    let c = months.get(r.month);
    if (!c) months.set(r.month, (c = zeroCounts()));
    addMeasure(c, r.measure, Number(r.count));
  }
  if (skipped > 0) notes.push(`${skipped} stored count(s) with an unknown measure or month were left out.`);
  const allMonths = [...new Set(rows.map((r) => r.month))].filter((m) => parseMonth(m) !== null).sort();
  const periods = choosePeriods(query, allMonths);
  if (allMonths.length === 0) notes.push('No fingerprint submission, match, ICE arrest or removal has been recorded yet: every count is zero.');

  const refs: JurisdictionRef[] = [...registry.values()];
  for (const ori of byOri.keys()) if (!registry.has(ori)) refs.push({ ori, state: '(unknown)', aor: '(unknown)', timeZone: 'UTC', activatedAt: null });
  const unregistered = [...byOri.keys()].filter((o) => !registry.has(o));
  if (unregistered.includes(UNATTRIBUTED)) notes.push(`"${UNATTRIBUTED}": cases whose events never named an ORI (logs written before the ORI was recorded).`);
  if (unregistered.some((o) => o !== UNATTRIBUTED)) notes.push(`${unregistered.filter((o) => o !== UNATTRIBUTED).length} ORI(s) with counts are not in the jurisdictions registry; their state and field office are "(unknown)" and months are UTC.`);

  const jurisdictionUnits = refs.map((j) => jurisdictionUnit(j, byOri.get(j.ori), periods));
  const never = jurisdictionUnits.filter((u) => u.activatedAt === null && u.values.some((v) => v.submissions > 0));
  if (never.length > 0) notes.push(`${never.length} jurisdiction(s) with counts have no activation date; their cumulative count covers every month.`);
  const group = (kind: UnitKind, keyOf: (u: InteropUnit) => string, labelOf: (k: string) => string) => {
    const m = new Map<string, InteropUnit>();
    for (const u of jurisdictionUnits) {
      const k = keyOf(u);
      let g = m.get(k);
      if (!g) m.set(k, (g = { kind, id: k, label: labelOf(k), state: kind === 'state' ? k : null, aor: kind === 'aor' ? k : null, activatedAt: null, activationMonth: null, jurisdictions: 0, values: periods.map(() => zeroCounts()) }));
      g.jurisdictions += 1;
      u.values.forEach((v, i) => addCounts(g.values[i], v));
    }
    return [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };
  const total = group('nation', () => 'US', () => 'Nationwide')[0] ?? { kind: 'nation' as const, id: 'US', label: 'Nationwide', state: null, aor: null, activatedAt: null, activationMonth: null, jurisdictions: 0, values: periods.map(() => zeroCounts()) };
  let units: InteropUnit[];
  if (by === 'nation') units = [total];
  else if (by === 'state') units = group('state', (u) => u.state ?? '(unknown)', (k) => k);
  else if (by === 'aor') units = group('aor', (u) => u.aor ?? '(unknown)', (k) => `Field office ${k}`);
  else units = jurisdictionUnits.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (by === 'jurisdiction' && registry.size === 0 && units.length === 0) notes.push('No jurisdiction is registered.');
  return { by, periods, units, total, notes };
}

function choosePeriods(q: InteropQuery, months: string[]): Period[] {
  const month = (m: string): Period => ({ key: m, kind: 'month', label: m, through: m });
  const fy = (y: number, through: string, toDate = false): Period => ({ key: toDate ? `FY${y}-to-${through}` : `FY${y}`, kind: 'fiscal-year', label: toDate ? `FY${y} through ${through}` : `FY${y}`, through });
  const cumulative = (through: string | null): Period => ({ key: 'cumulative', kind: 'cumulative', label: through === null ? 'Since activation' : `Since activation, through ${through}`, through });
  if (q.month !== undefined) {
    const y = fiscalYearOf(q.month);
    return [month(q.month), fy(y, q.month, true), cumulative(q.month)];
  }
  if (q.fy !== undefined) {
    const ms = monthsOfFiscalYear(q.fy);
    return [...ms.map(month), fy(q.fy, ms[11]), cumulative(ms[11])];
  }
  if (months.length === 0) return [cumulative(null)];
  const all = monthRange(months[0], months[months.length - 1]);
  const years = [...new Set(all.map(fiscalYearOf))];
  return [...all.map(month), ...years.map((y) => fy(y, monthsOfFiscalYear(y)[11])), cumulative(all[all.length - 1])];
}

function jurisdictionUnit(j: JurisdictionRef, months: Map<string, Counts> | undefined, periods: Period[]): InteropUnit {
  const activationMonth = j.activatedAt === null ? null : monthKeyOfIndex(monthIndex(j.activatedAt, j.timeZone));
  const sum = (from: string | null, through: string | null) => {
    const c = zeroCounts();
    if (!months) return c;
    for (const [m, v] of months) if ((from === null || m >= from) && (through === null || m <= through)) addCounts(c, v);
    return c;
  };
  const values = periods.map((p) => {
    if (p.kind === 'month') return months?.get(p.key) ? { ...months.get(p.key)! } : zeroCounts();
    if (p.kind === 'fiscal-year') {
      const y = Number(/^FY(\d{4})/.exec(p.key)![1]);
      return sum(monthsOfFiscalYear(y)[0], p.through);
    }
    return sum(activationMonth, p.through);
  });
  return { kind: 'jurisdiction', id: j.ori, label: j.ori, state: j.state, aor: j.aor, activatedAt: j.activatedAt, activationMonth, jurisdictions: 1, values };
}
