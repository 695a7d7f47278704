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
 * Does NOT guarantee: protection against combining several relations at once (e.g. solving
 * rows and columns together as a linear programme can narrow a withheld cell to an interval,
 * and sometimes pin it down); consistency across different published tables (a state table
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
