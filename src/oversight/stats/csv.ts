import { StatsError } from './errors.ts';
import { review, type ReviewOptions, type ReviewResult, type ReviewUnit } from './review.ts';

/**
 * A small CSV reader (RFC 4180 plus what spreadsheets write): comma-separated, fields optionally
 * in double quotes with "" for a quote, line breaks inside quotes kept, CRLF / LF / CR line ends,
 * a leading byte-order mark dropped, a final line break optional, blank lines skipped.
 * Malformed input is a StatsError with the 1-based row (the header is row 1) and column.
 */

export interface CsvTable {
  header: string[];
  /** Data rows, each with as many fields as the header. */
  rows: string[][];
  /** The 1-based line-of-record number of each data row (the header is 1). */
  rowNumbers: number[];
}

export function parseCsv(text: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { fields: string[]; row: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1; // physical line where the current record starts
  let line = 1;
  let i = 0;
  let quoted = false; // the current field started with a quote
  let inQuotes = false;
  let fieldStarted = false;
  const endField = (): void => {
    fields.push(field);
    field = '';
    quoted = false;
    fieldStarted = false;
  };
  const endRecord = (): void => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    if (!blank) records.push({ fields, row });
    fields = [];
    line++;
    row = line;
  };
  while (i < text.length) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new StatsError('CSV_MALFORMED', `row ${row}, column ${fields.length + 1}: text after a closing quote`, { row, column: fields.length + 1 });
        }
        continue;
      }
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (fieldStarted) throw new StatsError('CSV_MALFORMED', `row ${row}, column ${fields.length + 1}: a quote inside an unquoted field`, { row, column: fields.length + 1 });
      inQuotes = true;
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (inQuotes) throw new StatsError('CSV_MALFORMED', `row ${row}, column ${fields.length + 1}: a quoted field is never closed`, { row, column: fields.length + 1 });
  if (fieldStarted || fields.length > 0 || quoted) endRecord();
  if (records.length === 0) throw new StatsError('CSV_MALFORMED', 'the text has no header row', { row: 1 });
  const [head, ...data] = records;
  const header = head.fields.map((h) => h.trim());
  for (const r of data) {
    if (r.fields.length !== header.length) {
      throw new StatsError('CSV_MALFORMED', `row ${r.row}: ${r.fields.length} field(s) where the header has ${header.length}`, { row: r.row });
    }
  }
  return { header, rows: data.map((r) => r.fields), rowNumbers: data.map((r) => r.row) };
}

export interface CsvColumns {
  /** Column with the numerator (e.g. `n_arrests`). */
  count: string;
  /** Column with the denominator (e.g. `n_stops`). */
  total: string;
  /** Column naming the unit (e.g. `location`). */
  unit: string;
  /** Optional column splitting the review into separate strata, each against its own target (e.g. a state, or `driver_race`). */
  group?: string;
}

export interface CsvReviewOptions extends ReviewOptions {
  quarter?: string;
  /** Targets by group value; default each group's pooled proportion. */
  targets?: Record<string, number>;
  /**
   * When a unit (within its group, if a group column is named) appears on several rows that differ
   * in some other column — a breakdown, e.g. one row per driver race — sum their counts and totals
   * into one unit and say so in `pooled` and the notes. Default true. False: any repeated unit is a
   * DUPLICATE_UNIT error. Rows that agree in every other column are always an error (a repeated
   * row is not a breakdown).
   */
  pool?: boolean;
}

/** What pooling did: which rows were summed into which units, over which columns. */
export interface CsvPooling {
  /** Rows summed into units that appear on more than one row (skipped rows not counted). */
  rows: number;
  /** Units built from more than one row. */
  units: number;
  /** Fewest and most rows summed into one pooled unit. */
  rowsPerUnit: { min: number; max: number };
  /** Columns (besides the count, total, unit and group columns) whose values differ between the rows of a pooled unit, in header order. */
  over: string[];
  /** The one column that tells a unit's rows apart, to group by instead of pooling; null when there are several (or a group column is already named). */
  groupBy: string | null;
  /** Every pooled unit with the 1-based row numbers summed into it. */
  pooled: { id: string; group?: string; rows: number[] }[];
  /** Pooled units that lost one or more rows to a missing count or total: their sums are partial. */
  partial: { id: string; group?: string; skippedRows: number[] }[];
  /** The same in one sentence (also the first note of the result). */
  note: string;
}

export interface CsvReviewResult extends ReviewResult {
  /** Rows left out because a count or total was empty or NA. */
  skipped: { row: number; reason: string }[];
  /** Set when rows were pooled per unit; null when every unit has one row. */
  pooled: CsvPooling | null;
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'null']);

/** The largest count or total read: 2^53 − 1, beyond which numbers are no longer exact (and sums and squares overflow). */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

interface ParsedRow {
  row: number;
  id: string;
  group: string | undefined;
  count: number | null;
  total: number | null;
  /** The other columns' values, trimmed. */
  rest: string[];
}

/** Reads per-unit counts from CSV text and runs the quarterly review on them. */
export function reviewFromCsv(text: string, columns: CsvColumns, options: CsvReviewOptions = {}): CsvReviewResult {
  const table = parseCsv(text);
  const index = (name: string): number => {
    const k = table.header.indexOf(name);
    if (k < 0) throw new StatsError('CSV_MISSING_COLUMN', `no column "${name}"; the header has ${table.header.map((h) => `"${h}"`).join(', ')}`, { row: 1 });
    return k;
  };
  const ci = index(columns.count);
  const ti = index(columns.total);
  const ui = index(columns.unit);
  const gi = columns.group === undefined ? -1 : index(columns.group);
  const restIndex = table.header.map((_, k) => k).filter((k) => k !== ci && k !== ti && k !== ui && k !== gi);
  const pool = options.pool ?? true;
  const parsed: ParsedRow[] = table.rows.map((fields, r) => {
    const row = table.rowNumbers[r];
    const number = (k: number, name: string): number | null => {
      const raw = fields[k].trim();
      if (MISSING.has(raw)) return null;
      const v = Number(raw);
      if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(v)) {
        throw new StatsError('CSV_BAD_NUMBER', `row ${row}, column ${k + 1} (${name}): "${raw}" is not a non-negative number`, { row, column: k + 1 });
      }
      if (v > MAX_COUNT) throw new StatsError('CSV_BAD_NUMBER', `row ${row}, column ${k + 1} (${name}): ${raw} is too large to count exactly (at most ${MAX_COUNT.toLocaleString('en-US')})`, { row, column: k + 1 });
      return v;
    };
    const count = number(ci, columns.count);
    const total = number(ti, columns.total);
    if (count !== null && total !== null && count > total) throw new StatsError('CSV_BAD_NUMBER', `row ${row}, column ${ci + 1}: ${columns.count} ${count} exceeds ${columns.total} ${total}`, { row, column: ci + 1 });
    return { row, id: fields[ui].trim(), group: gi >= 0 ? fields[gi].trim() : undefined, count, total, rest: restIndex.map((k) => fields[k].trim()) };
  });

  // Rows of the same unit (and group): a breakdown to pool when they differ in another column,
  // a conflict when they do not (or when pooling is off).
  const byKey = new Map<string, ParsedRow[]>();
  for (const p of parsed) {
    const key = `${p.group ?? ''}\u0000${p.id}`;
    const list = byKey.get(key);
    if (!list) {
      byKey.set(key, [p]);
      continue;
    }
    const where = `unit "${p.id}"${p.group !== undefined ? ` in group "${p.group}"` : ''}`;
    if (!pool) throw new StatsError('DUPLICATE_UNIT', `row ${p.row}: ${where} already appeared on row ${list[0].row}`, { row: p.row, column: ui + 1 });
    const same = list.find((q) => q.rest.every((v, k) => v === p.rest[k]));
    if (same) {
      const others = restIndex.length ? `and agrees with it in every other column (${restIndex.map((k) => table.header[k]).join(', ')})` : 'and the file has no other column to tell them apart';
      throw new StatsError('DUPLICATE_UNIT', `row ${p.row}: ${where} already appeared on row ${same.row} ${others}: a repeated row, not a breakdown that could be pooled`, { row: p.row, column: ui + 1 });
    }
    list.push(p);
  }

  const units: ReviewUnit[] = [];
  const skipped: { row: number; reason: string }[] = [];
  const pooledUnits: CsvPooling['pooled'] = [];
  const partial: CsvPooling['partial'] = [];
  const differing = new Set<number>();
  for (const rows of byKey.values()) {
    const { id, group } = rows[0];
    const kept: ParsedRow[] = [];
    const lost: number[] = [];
    for (const p of rows) {
      if (p.count === null || p.total === null) {
        skipped.push({ row: p.row, reason: `${p.count === null ? columns.count : columns.total} is missing` });
        lost.push(p.row);
      } else kept.push(p);
    }
    if (rows.length > 1) {
      restIndex.forEach((_, k) => {
        if (rows.some((p) => p.rest[k] !== rows[0].rest[k])) differing.add(k);
      });
      if (kept.length > 1) pooledUnits.push({ id, ...(group !== undefined ? { group } : {}), rows: kept.map((p) => p.row) });
      if (lost.length > 0 && kept.length > 0) partial.push({ id, ...(group !== undefined ? { group } : {}), skippedRows: lost });
    }
    if (kept.length === 0) continue;
    let count = 0;
    let total = 0;
    for (const p of kept) {
      count += p.count!;
      total += p.total!;
    }
    if (count > MAX_COUNT || total > MAX_COUNT) {
      const last = kept[kept.length - 1];
      throw new StatsError('CSV_BAD_NUMBER', `row ${last.row}: the pooled ${count > MAX_COUNT ? columns.count : columns.total} of unit "${id}" is too large to count exactly (at most ${MAX_COUNT.toLocaleString('en-US')})`, { row: last.row, column: (count > MAX_COUNT ? ci : ti) + 1 });
    }
    units.push({ id, group, count, total });
  }
  skipped.sort((a, b) => a.row - b.row);

  let pooled: CsvPooling | null = null;
  if (pooledUnits.length > 0 || partial.length > 0) {
    const over = [...differing].sort((a, b) => a - b).map((k) => table.header[restIndex[k]]);
    const sizes = pooledUnits.map((u) => u.rows.length);
    const rowsPerUnit = sizes.length ? { min: Math.min(...sizes), max: Math.max(...sizes) } : { min: 1, max: 1 };
    const nRows = sizes.reduce((a, b) => a + b, 0);
    const per = rowsPerUnit.min === rowsPerUnit.max ? `${rowsPerUnit.min}` : `${rowsPerUnit.min}–${rowsPerUnit.max}`;
    const cols = over.map((c) => `"${c}"`).join(', ');
    const groupBy = over.length === 1 && !columns.group ? over[0] : null;
    const lostWords = partial.length ? ` ${partial.length} pooled unit(s) lost rows to a missing value and are judged on partial sums.` : '';
    const note =
      nRows === 0
        ? `POOLED: ${partial.length} ${columns.unit}(s) appear on several rows (differing in ${cols}) but only one row of each has both ${columns.count} and ${columns.total}: each is judged on that row alone, a partial sum.`
        : `POOLED: ${nRows} rows were summed into ${pooledUnits.length} unit(s), ${per} rows per ${columns.unit}${columns.group ? ` within ${columns.group}` : ''}, ` +
          `because ${columns.unit} repeats with different ${cols}; each pooled unit is judged on the sum of its ${columns.count} and ${columns.total}.${lostWords}` +
          (groupBy ? ` Group by "${groupBy}" to review each "${groupBy}" separately.` : '');
    pooled = { rows: nRows, units: pooledUnits.length, rowsPerUnit, over, groupBy, pooled: pooledUnits, partial, note };
  }
  const result = review({ quarter: options.quarter ?? 'csv', units, targets: options.targets }, options);
  if (skipped.length > 0) result.notes.push(`${skipped.length} row(s) skipped for a missing count or total`);
  if (pooled) result.notes.unshift(pooled.note);
  return { ...result, skipped, pooled };
}
