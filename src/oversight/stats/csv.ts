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
}

export interface CsvReviewResult extends ReviewResult {
  /** Rows left out because a count or total was empty or NA. */
  skipped: { row: number; reason: string }[];
}

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'null']);

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
  const units: ReviewUnit[] = [];
  const skipped: { row: number; reason: string }[] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((fields, r) => {
    const row = table.rowNumbers[r];
    const number = (k: number, name: string): number | null => {
      const raw = fields[k].trim();
      if (MISSING.has(raw)) return null;
      const v = Number(raw);
      if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(v)) {
        throw new StatsError('CSV_BAD_NUMBER', `row ${row}, column ${k + 1} (${name}): "${raw}" is not a non-negative number`, { row, column: k + 1 });
      }
      return v;
    };
    const count = number(ci, columns.count);
    const total = number(ti, columns.total);
    const id = fields[ui].trim();
    const group = gi >= 0 ? fields[gi].trim() : undefined;
    if (count === null || total === null) {
      skipped.push({ row, reason: `${count === null ? columns.count : columns.total} is missing` });
      return;
    }
    if (count > total) throw new StatsError('CSV_BAD_NUMBER', `row ${row}, column ${ci + 1}: ${columns.count} ${count} exceeds ${columns.total} ${total}`, { row, column: ci + 1 });
    const key = `${group ?? ''}\u0000${id}`;
    const first = seen.get(key);
    if (first !== undefined) throw new StatsError('DUPLICATE_UNIT', `row ${row}: unit "${id}"${group ? ` in group "${group}"` : ''} already appeared on row ${first}`, { row, column: ui + 1 });
    seen.set(key, row);
    units.push({ id, group, count, total });
  });
  const result = review({ quarter: options.quarter ?? 'csv', units, targets: options.targets }, options);
  if (skipped.length > 0) result.notes.push(`${skipped.length} row(s) skipped for a missing count or total`);
  return { ...result, skipped };
}
