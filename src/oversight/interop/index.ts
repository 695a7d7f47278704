/** IDENT/IAFIS interoperability statistics from the oversight facts. See README.md. */
export { MEASURES, UNATTRIBUTED, INTEROP_SUBSCRIBER, contributions, interopCounts, type Measure } from './counts.ts';
export { monthKey, monthIndex, fiscalYearOf, monthsOfFiscalYear, monthRange, parseMonth } from './periods.ts';
export { COLUMNS, UNIT_KINDS, interopStats, zeroCounts, type ColumnKey, type Counts, type InteropQuery, type InteropStats, type InteropUnit, type Period, type UnitKind } from './stats.ts';
export { publish, toCsv, jsonDocument, toJson, type PublishedStats, type PublishedUnit, type PublishedValues } from './publish.ts';
export { interopReport } from './report.ts';
