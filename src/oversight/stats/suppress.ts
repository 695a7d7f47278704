/**
 * Small-count suppression for published tables (pure).
 *
 * Cells are numbers; published totals are described as linear relations `total = Σ parts`
 * (a row of a table with its row total, a column with its column total). Every cell with
 * 0 < n < k is suppressed (primary). Then, until nothing changes: a relation whose total is
 * published and in which exactly one cell is suppressed would give that cell away by
 * subtraction, so the smallest other cell of the relation is suppressed too (complementary;
 * ties: the first). A total that is itself under the threshold is a cell like any other: it
 * is suppressed, and a relation whose total is suppressed reveals nothing by subtraction.
 *
 * Guarantees: every cell with 0 < n < k is withheld; in every relation with a published
 * total, the number of withheld cells is 0 or at least 2, so no withheld cell equals the
 * total minus the published cells of any one relation. Complements are chosen greedily
 * (smallest value first), which keeps the information lost small but not minimal.
 *
 * Interval audit: after that, the bounds an outsider knows (published zeros, so a primary
 * cell is in [1, k−1]; with k = 2 that range is the single value 1, so k ≥ 3 is needed) are propagated through every relation (`auditIntervals`); a withheld
 * cell narrowed below SUPPRESSION_PROTECTION gets a further complement (smallest published
 * cell of a relation it is in) until every withheld cell passes. The example — total
 * 12, one published 10, two withheld — pins both at 1 without this step.
 *
 * Does NOT guarantee: the tightest bounds a full linear programme over many overlapping
 * relations could derive (propagation is exact for one relation, can be looser for several); consistency across different published tables (a state table
 * and a jurisdiction table, monthly and fiscal-year tables) unless their relations are passed
 * together in one call; protection of zeros (0 is published: it is not a small count).
 */
import { StatsError } from './errors.ts';

export interface SuppressionRelation {
  /** Index of the total cell. */
  total: number;
  /** Indices of the cells that add up to it. */
  parts: readonly number[];
}

export type Suppression = 'primary' | 'complementary' | null;

export interface SuppressionResult {
  /** Per cell: why it is withheld, or null when published. */
  cells: Suppression[];
  primary: number;
  complementary: number;
}

export const DEFAULT_SUPPRESSION_THRESHOLD = 10;

/**
 * Protection range: a withheld cell is protected when the widest interval an outsider can
 * derive for it spans at least this much (hi − lo ≥ 1: at least two values remain possible,
 * so the cell is never pinned). Statistical disclosure control states this as a protection
 * interval around the true value (Hundepool et al., "Statistical Disclosure Control", 2012, §4.2).
 */
export const SUPPRESSION_PROTECTION = 1;

export interface CellInterval {
  lo: number;
  hi: number;
}

/**
 * What an outsider can derive about every cell (pure): published cells are exact; a
 * primary-suppressed cell (shown as "<k") is in [1, k−1] — zeros are published, so a
 * withheld small count is not 0; a complementary cell is in [0, ∞). The relations
 * (total = Σ parts) are then propagated to a fixpoint: each member is bounded by the total's
 * interval minus the others' intervals. Bound propagation finds every bound a single
 * relation implies exactly; across several overlapping relations it can be looser than a
 * linear programme (see the README).
 */
export function auditIntervals(values: readonly number[], cells: readonly Suppression[], relations: readonly SuppressionRelation[], threshold = DEFAULT_SUPPRESSION_THRESHOLD): CellInterval[] {
  const b: CellInterval[] = values.map((v, i) => (cells[i] === null ? { lo: v, hi: v } : cells[i] === 'primary' ? { lo: 1, hi: Math.max(1, Math.ceil(threshold) - 1) } : { lo: 0, hi: Infinity }));
  for (let round = 0, changed = true; changed && round < 10_000; round++) {
    changed = false;
    for (const r of relations) {
      const members = [r.total, ...r.parts];
      const sumLo = r.parts.reduce((a, i) => a + b[i].lo, 0);
      const sumHi = r.parts.reduce((a, i) => a + b[i].hi, 0);
      for (const i of members) {
        let lo: number;
        let hi: number;
        if (i === r.total) {
          lo = sumLo;
          hi = sumHi;
        } else {
          // x_i = total − Σ others
          lo = b[r.total].lo - othersHi(b, r.parts, i);
          hi = b[r.total].hi - (sumLo - b[i].lo);
        }
        if (lo > b[i].lo) {
          b[i] = { lo, hi: b[i].hi };
          changed = true;
        }
        if (hi < b[i].hi) {
          b[i] = { lo: b[i].lo, hi };
          changed = true;
        }
      }
    }
  }
  return b;
}

function othersHi(b: readonly CellInterval[], parts: readonly number[], i: number): number {
  let s = 0;
  for (const j of parts) if (j !== i) s += b[j].hi;
  return s;
}

export function suppress(values: readonly number[], relations: readonly SuppressionRelation[], threshold = DEFAULT_SUPPRESSION_THRESHOLD): SuppressionResult {
  if (!Number.isFinite(threshold) || threshold < 0) throw new StatsError('INVALID_ARGUMENT', `the suppression threshold must be a finite number ≥ 0, got ${threshold}`);
  values.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0) throw new StatsError('INVALID_ARGUMENT', `cell ${i} is ${v}: counts must be finite and non-negative`);
  });
  for (const r of relations) {
    for (const i of [r.total, ...r.parts]) if (!Number.isInteger(i) || i < 0 || i >= values.length) throw new StatsError('INVALID_ARGUMENT', `relation refers to cell ${i}, but there are ${values.length} cells`);
    if (r.parts.includes(r.total)) throw new StatsError('INVALID_ARGUMENT', `relation total ${r.total} is also one of its parts`);
  }
  const cells: Suppression[] = values.map((v) => (v > 0 && v < threshold ? 'primary' : null));
  let changed = true;
  while (changed) {
    changed = false;
    for (const r of relations) {
      if (cells[r.total] !== null) continue; // the total is withheld: subtraction reveals nothing
      const withheld = r.parts.filter((i) => cells[i] !== null);
      if (withheld.length !== 1) continue;
      let best = -1;
      for (const i of r.parts) if (cells[i] === null && (best === -1 || values[i] < values[best])) best = i;
      // No other part left: withhold the total instead.
      const pick = best === -1 ? r.total : best;
      cells[pick] = 'complementary';
      changed = true;
    }
    if (changed) continue;
    // Interval audit: a withheld cell the bounds pin down (or narrow below the protection
    // range) gets one more complement in a relation it belongs to: the smallest published cell.
    const bounds = auditIntervals(values, cells, relations, threshold);
    for (let i = 0; i < cells.length && !changed; i++) {
      if (cells[i] === null || bounds[i].hi - bounds[i].lo >= SUPPRESSION_PROTECTION) continue;
      let best = -1;
      for (const r of relations) {
        if (r.total !== i && !r.parts.includes(i)) continue;
        for (const j of [r.total, ...r.parts]) if (cells[j] === null && (best === -1 || values[j] < values[best])) best = j;
      }
      if (best !== -1) {
        cells[best] = 'complementary';
        changed = true;
      }
    }
  }
  return { cells, primary: cells.filter((c) => c === 'primary').length, complementary: cells.filter((c) => c === 'complementary').length };
}

/**
 * A table of `rows` × `columns` interior cells (row-major) with row totals, column totals
 * and the grand total, as cells and relations for `suppress`. Cell layout: interior
 * r*columns + c, then the row totals, the column totals, the grand total.
 */
export function tableWithTotals(interior: readonly (readonly number[])[]): { values: number[]; relations: SuppressionRelation[]; rowTotal: (r: number) => number; columnTotal: (c: number) => number; grandTotal: number; cell: (r: number, c: number) => number } {
  const rows = interior.length;
  const columns = rows === 0 ? 0 : interior[0].length;
  for (const row of interior) if (row.length !== columns) throw new StatsError('INVALID_ARGUMENT', 'every row of the table needs the same number of cells');
  const values: number[] = [];
  for (const row of interior) values.push(...row);
  const rowTotal = (r: number) => rows * columns + r;
  const columnTotal = (c: number) => rows * columns + rows + c;
  const grandTotal = rows * columns + rows + columns;
  for (let r = 0; r < rows; r++) values.push(interior[r].reduce((a, b) => a + b, 0));
  for (let c = 0; c < columns; c++) values.push(interior.reduce((a, row) => a + row[c], 0));
  values.push(values.slice(0, rows * columns).reduce((a, b) => a + b, 0));
  const cell = (r: number, c: number) => r * columns + c;
  const relations: SuppressionRelation[] = [];
  for (let r = 0; r < rows; r++) relations.push({ total: rowTotal(r), parts: Array.from({ length: columns }, (_, c) => cell(r, c)) });
  for (let c = 0; c < columns; c++) relations.push({ total: columnTotal(c), parts: Array.from({ length: rows }, (_, r) => cell(r, c)) });
  relations.push({ total: grandTotal, parts: Array.from({ length: rows }, (_, r) => rowTotal(r)) });
  relations.push({ total: grandTotal, parts: Array.from({ length: columns }, (_, c) => columnTotal(c)) });
  return { values, relations, rowTotal, columnTotal, grandTotal, cell };
}
