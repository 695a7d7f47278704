/**
 * `seccom review`: the quarterly statistical review.
 * - `--quarter 2011Q3 [--db PATH | --store …]`: from the event log of a pipeline store (the facts
 *   projection is brought up to date first);
 * - `--input <csv> --count C --total T --unit U [--group G]`: from per-unit counts in a CSV file.
 * Prints a table of flagged units with their reasons; `--json` the full result; `--format html|pdf
 * --out FILE` a report.
 */
import { existsSync } from 'node:fs';
import { readText } from './io.ts';
import type { Command } from 'commander';
import { complaintCountsByJurisdiction } from '../oversight/complaints/index.ts';
import { iterateFacts, loadRegistry, updateFacts } from '../oversight/facts/index.ts';
import { interopCounts } from '../oversight/interop/index.ts';
import { rasterizeSvg, reportHtml, reportPdf, type Report } from '../oversight/report/index.ts';
import { csvReviewReport, flagMeasureWords, KIND_WORDS, QuarterReviewBuilder, parseQuarter, quarterReviewReport, type QuarterReview } from '../oversight/review/index.ts';
import { reviewFromCsv, type CsvReviewResult } from '../oversight/stats/csv.ts';
import { SCALES, type Scale } from '../oversight/stats/funnel.ts';
import type { GroupSummary, ReviewReference } from '../oversight/stats/review.ts';
import { systemClock } from '../platform/clock/index.ts';
import { openStore, type StoreConfig } from '../platform/store/index.ts';
import { UsageError } from './errors.ts';
import { writeBytes } from './io.ts';
import { createProgress } from './progress.ts';
import { DB_OPTION_HELP, requireStoreConfig, STORE_SYNONYM_HELP } from './store-option.ts';
import { toOutputJson } from './output.ts';

interface ReviewOpts {
  quarter?: string;
  db?: string;
  store?: string;
  input?: string;
  count?: string;
  total?: string;
  unit?: string;
  group?: string;
  json?: boolean;
  format?: string;
  out?: string;
  fdr?: string;
  minTotal?: string;
  seriesMonths?: string;
  reference?: string;
  scale?: string;
}

const FORMATS = ['text', 'json', 'html', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

function fraction(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`${name} must be a number between 0 and 1, got "${v}"`);
  return n;
}

function wholeNumber(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`${name} must be a whole number ${lo}–${hi}, got "${v}"`);
  return n;
}

function referenceOf(v: string | undefined): ReviewReference | undefined {
  if (v === undefined) return undefined;
  if (v !== 'group' && v !== 'leave-one-out') throw new UsageError(`--reference must be group or leave-one-out, got "${v}"`);
  return v;
}

function scaleOf(v: string | undefined): Scale | undefined {
  if (v === undefined) return undefined;
  if (!(SCALES as readonly string[]).includes(v)) throw new UsageError(`--scale must be ${SCALES.join(' or ')}, got "${v}"`);
  return v as Scale;
}

const sci = (x: number) => (x === 0 ? '0' : x.toExponential(2));

/** "τ̂² = 2.42e-3 (95 % CI 2.15e-3–2.74e-3)" of one group's funnel. */
function tau2Words(g: GroupSummary): string {
  const f = g.funnel;
  if (f.status !== 'ok') return `not estimated (${f.status})`;
  const ci = f.tau2Method === 'paule-mandel' ? ` (${Math.round(f.tau2Interval.level * 100)} % CI ${sci(f.tau2Interval.lower)}–${sci(f.tau2Interval.upper)})` : ' (no interval)';
  return `τ̂² = ${sci(f.tau2)}${ci}`;
}

/** The estimator lines of the terminal output: what τ̂² is, on which scale, and how units are flagged. */
function estimatorLines(t: { tau2Method: string; scale: string; fdr: number; model: string }): string[] {
  const method = t.tau2Method === 'paule-mandel' ? 'Paule–Mandel τ̂² with a 95 % Q-profile CI' : 'winsorised moment τ̂² (no interval)';
  return [`between-unit variance: ${method}, ${t.scale} scale, ${t.model} model`, `  flags at Benjamini–Hochberg q < ${t.fdr}; the 95 % and 99.8 % limits of every unit are in --json`];
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const fmtQ = (q: number) => (q < 1e-4 ? q.toExponential(1) : q.toPrecision(2));

/** Wraps text at `width` columns with an indent. */
function wrapText(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export function formatQuarterReview(r: QuarterReview): string {
  const states = new Set(r.jurisdictions.map((j) => j.state)).size;
  const flagged = new Set(r.flags.map((f) => f.ori));
  const out = [`quarterly review ${r.quarter} (${r.period}; ${r.range.from} to ${r.range.to}): ${r.jurisdictions.length} activated jurisdiction(s) in ${states} state(s), ${flagged.size} flagged (${r.flags.length} flag(s), FDR ${r.thresholds.fdr})`];
  out.push(...estimatorLines(r.thresholds));
  for (const [key, result] of Object.entries(r.reviews)) {
    if (!result) continue;
    const line = `  ${key}: ${result.groups.map((g) => `${g.group === 'all' ? 'nation' : g.group} ${tau2Words(g)}`).join('; ')}`;
    out.push(...wrapText(line.trim(), 100, '  '));
  }
  const n = r.rates.nation;
  out.push(`national: ICE arrests ${n.arrests.judged ? `${pct(n.arrests.share)} of ${n.arrests.total}` : 'none'}, IDENT matches ${n.matches.judged ? `${pct(n.matches.share)} of ${n.matches.total}` : 'none'} with no record or only Level 3; bookings ${n.bookings.judged ? `${pct(n.bookings.share)} of ${n.bookings.total}` : 'none'} for minor offenses only`);
  if (r.flags.length === 0) out.push('', r.jurisdictions.length === 0 ? 'nothing to review (see the notes)' : 'no jurisdiction flagged');
  else {
    out.push('', `${pad('jurisdiction', 12)} ${pad('state', 5)} ${pad('measure', 44)} ${pad('against', 8)} ${pad('flag', 42)} ${pad('count/total', 12)} ${pad('share', 8)} q`);
    for (const f of r.flags) {
      out.push(`${pad(f.ori, 12)} ${pad(f.state, 5)} ${pad(flagMeasureWords(f, r.thresholds.group), 44)} ${pad(f.against, 8)} ${pad(KIND_WORDS[f.kind] ?? f.kind, 42)} ${pad(`${f.numbers.count}/${f.numbers.total}`, 12)} ${pad(f.numbers.total > 0 ? pct(f.numbers.observed) : '—', 8)} ${fmtQ(f.numbers.q)}`);
      out.push(...wrapText(f.reason, 100, '    '), `    cases: ${f.cases.length} (${f.drillDown}; all ids with --json)`);
    }
  }
  if (r.notes.length) out.push('', 'notes:', ...r.notes.flatMap((x) => wrapText(x, 100, '  ').map((l, i) => (i === 0 ? `- ${l.slice(2)}` : l))));
  return `${out.join('\n')}\n`;
}

export function formatCsvReview(r: CsvReviewResult, source: string): string {
  const out = [`review of ${source}: ${r.units.length} unit(s) in ${r.groups.length} group(s), ${r.flags.length} flag(s) (FDR ${r.thresholds.fdr})${r.skipped.length ? `, ${r.skipped.length} row(s) skipped` : ''}`];
  if (r.pooled) {
    const p = r.pooled;
    out.push('', ...wrapText(p.note, 100, '    ').map((l, i) => (i === 0 ? `!!  ${l.slice(4)}` : l)));
    if (p.groupBy) out.push(`    (with this command: add --group ${p.groupBy}; the rows of every pooled unit are under "pooled" in --json)`);
  }
  if (r.groups.length) {
    out.push('', ...estimatorLines(r.thresholds));
    for (const g of r.groups) out.push(`  ${g.group === 'all' ? 'all units' : g.group}: ${tau2Words(g)}`);
  }
  if (r.flags.length === 0) out.push('', r.units.length === 0 ? 'nothing to review (see the notes)' : 'no unit flagged');
  else {
    out.push('', `${pad('unit', 14)} ${pad('group', 18)} ${pad('flag', 34)} ${pad('count/total', 16)} ${pad('share', 8)} ${pad('target', 8)} q`);
    for (const f of r.flags) {
      out.push(`${pad(f.unitId, 14)} ${pad(f.group, 18)} ${pad(KIND_WORDS[f.kind] ?? f.kind, 34)} ${pad(`${f.numbers.count}/${f.numbers.total}`, 16)} ${pad(pct(f.numbers.observed), 8)} ${pad(pct(f.numbers.expected), 8)} ${fmtQ(f.numbers.q)}`);
      out.push(...wrapText(f.reason, 100, '    '));
    }
  }
  if (r.notes.length) out.push('', 'notes:', ...r.notes.map((x) => `- ${x}`));
  return `${out.join('\n')}\n`;
}

function formatOf(opts: ReviewOpts): Format {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json and --format ${opts.format} contradict each other`);
  const f = opts.json ? 'json' : (opts.format ?? 'text');
  if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${f}"`);
  if ((f === 'html' || f === 'pdf') && !opts.out) throw new UsageError(`--format ${f} needs --out FILE`);
  return f as Format;
}

function emit(format: Format, json: unknown, text: () => string, report: () => Report, out: string | undefined): void {
  if (format === 'json') {
    const body = `${JSON.stringify(toOutputJson(json), null, 2)}\n`;
    if (out) writeBytes(out, body);
    else process.stdout.write(body);
  } else if (format === 'text') {
    if (out) writeBytes(out, text());
    else process.stdout.write(text());
  } else {
    const r = report();
    writeBytes(out!, format === 'html' ? reportHtml(r) : reportPdf(r, { rasterize: rasterizeSvg, created: new Date(Date.now()) }));
    process.stderr.write(`wrote ${out}\n`);
  }
}

function storeConfig(opts: ReviewOpts): StoreConfig {
  const config = requireStoreConfig(opts);
  if (config.kind === 'sqlite' && !existsSync(config.path)) throw new UsageError(`no such database: ${config.path}`);
  return config;
}

async function quarterReview(opts: ReviewOpts, format: Format): Promise<void> {
  const quarter = parseQuarter(opts.quarter!);
  const options = { fdr: fraction('--fdr', opts.fdr), minTotal: wholeNumber('--min-total', opts.minTotal, 1, 1_000_000), seriesMonths: wholeNumber('--series-months', opts.seriesMonths, 6, 120), reference: referenceOf(opts.reference), scale: scaleOf(opts.scale) };
  new QuarterReviewBuilder(quarter, new Map(), options); // refuses bad options before the store is opened
  const store = await openStore(storeConfig(opts));
  let result: QuarterReview;
  try {
    const bar = createProgress('facts');
    // The interoperability counts follow the facts in the same transactions, so `seccom stats` has nothing to catch up.
    await updateFacts(store, { clock: systemClock, subscribers: [interopCounts()], onProgress: (done, total) => bar.update(done, total, 'facts') });
    bar.finish();
    const registry = await loadRegistry(store.db);
    // Complaints filed in the quarter (UTC days), per linked jurisdiction; none when the store has no complaint system.
    const day = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
    const counts = await complaintCountsByJurisdiction(store.db, { from: day(quarter.months[0]), to: day(quarter.months[2] + 1) });
    const complaints = new Map(counts.flatMap((c) => (c.ori === null ? [] : [[c.ori, c.complaints] as [string, number]])));
    const b = new QuarterReviewBuilder(quarter, registry, { ...options, complaints });
    for await (const f of iterateFacts(store.db)) b.add(f);
    result = b.finish();
    const unlinked = counts.find((c) => c.ori === null)?.complaints ?? 0;
    result.notes.push(
      counts.length === 0
        ? `no complaints were filed in ${quarter.label} (or this database has no complaint system)`
        : `complaints filed in ${quarter.label}: ${counts.reduce((n, c) => n + c.complaints, 0)}, of which ${unlinked} name no jurisdiction (shown per jurisdiction in the table)`,
    );
  } finally {
    await store.close();
  }
  emit(format, result, () => formatQuarterReview(result), () => quarterReviewReport(result, { generated: `Produced ${new Date(Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC from the event log` }), opts.out);
}

function csvReview(opts: ReviewOpts, format: Format): void {
  const missing = (['count', 'total', 'unit'] as const).filter((k) => !opts[k]);
  if (missing.length) throw new UsageError(`--input needs ${missing.map((k) => `--${k}`).join(', ')} (the columns with the numerator, the denominator and the unit's name)`);
  if (!existsSync(opts.input!)) throw new UsageError(`no such file: ${opts.input}`);
  const text = readText(opts.input!, 'csv');
  const columns = { count: opts.count!, total: opts.total!, unit: opts.unit!, ...(opts.group ? { group: opts.group } : {}) };
  // Several rows per unit that differ in another column (e.g. one per driver race) are pooled per
  // unit and the output says so; rows that agree in every other column are a typed error.
  const result: CsvReviewResult = reviewFromCsv(text, columns, { fdr: fraction('--fdr', opts.fdr), minTotal: wholeNumber('--min-total', opts.minTotal, 1, 1_000_000), reference: referenceOf(opts.reference), scale: scaleOf(opts.scale), labels: { count: opts.count!, total: opts.total! } });
  emit(format, result, () => formatCsvReview(result, opts.input!), () => csvReviewReport(result, { source: opts.input!, ...columns, generated: `Produced ${new Date(Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC` }), opts.out);
}

export function registerReviewCommands(program: Command): void {
  program
    .command('review')
    .description('the quarterly statistical review: flags jurisdictions whose share of ICE arrests (or IDENT matches, or minor-offense bookings) with no record or only Level 3 offenses is out of line with the state and the nation, or jumped at activation')
    .option('--quarter <q>', 'quarter to review from the event log: calendar 2011Q3 (= July–September 2011) or fiscal FY2011Q3 (ICE\'s October–September year: = April–June 2011)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--input <csv>', 'review per-unit counts from a CSV file instead of the event log')
    .option('--count <column>', 'CSV column with the numerator (e.g. n_arrests)')
    .option('--total <column>', 'CSV column with the denominator (e.g. n_stops)')
    .option('--unit <column>', 'CSV column naming the unit (e.g. location)')
    .option('--group <column>', 'CSV column splitting units into strata, each against its own target (e.g. driver_race or a state); without it, the rows of a unit that differ in another column are pooled (counts and totals summed) and the output says so')
    .option('--fdr <q>', 'false-discovery rate at which flags are raised (default 0.05)')
    .option('--min-total <n>', 'smallest total for a funnel flag (default 10)')
    .option('--reference <ref>', 'what a unit is compared with: leave-one-out (the rest of its state or group; default for --quarter) or group (the whole group, itself included; default for --input)')
    .option('--scale <scale>', 'scale of the funnel screen and of the between-unit variance τ²: arcsine (default; variance-stabilising, chosen by the planted-outlier study in src/oversight/review/README.md) or logit (½ added to both cells of a 0 or n count)')
    .option('--series-months <n>', 'months of bookings for the before/after-activation tests (default 24)')
    .option('--format <format>', 'text (default), json, html or pdf (html and pdf need --out)')
    .option('--out <file>', 'write the output to a file')
    .option('--json', 'print the full result as JSON (same as --format json)')
    .addHelpText(
      'after',
      `
Examples:
  seccom review --quarter 2011Q3 --db out/county.db        # July–September 2011
  seccom review --quarter FY2011Q3 --db out/county.db      # fiscal: April–June 2011
  seccom review --quarter 2011Q3 --db out/county.db --format pdf --out out/review-2011Q3.pdf
  seccom review --input ../shared/data/policing/fig3b_arrest_rate_county.csv \\
      --count n_arrests --total n_stops --unit location        # counties, the 3 race rows pooled
  seccom review --input ../shared/data/policing/fig3b_arrest_rate_county.csv \\
      --count n_arrests --total n_stops --unit location --group driver_race   # within each race

Flags (each with its reason, numbers and the case ids behind it):
  share above the reference   the over-dispersed funnel (Spiegelhalter 2005) against the rest of the
                              state and of the nation (leave-one-out; --reference group: the whole
                              state's rate, itself included), Benjamini–Hochberg over the jurisdictions
  share rose at activation    segmented regression of the monthly share of minor-offense bookings
                              on the rest of the state's series (Newey–West errors)
  group share rose            the share of foreign-born people among those booked after
                              activation against before
  group share above           the same share against comparable jurisdictions over the same
    comparable jurisdictions  months: same state, similar size (bookings before activation within
                              ×2), not yet activated or activated 12+ months before
Exit status: 0 (flags or not), 2 for bad input (one line on stderr).`,
    )
    .action(async (opts: ReviewOpts) => {
      if (opts.quarter !== undefined && opts.input !== undefined) throw new UsageError('give --quarter (the event log) or --input (a CSV file), not both');
      if (opts.quarter === undefined && opts.input === undefined) throw new UsageError('give --quarter 2011Q3 (with --db or --store) or --input <csv> --count C --total T --unit U');
      const format = formatOf(opts);
      if (opts.input !== undefined) {
        if (opts.db || opts.store || opts.seriesMonths) throw new UsageError('--db, --store and --series-months apply to --quarter, not to --input');
        csvReview(opts, format);
      } else {
        if (opts.count || opts.total || opts.unit || opts.group) throw new UsageError('--count, --total, --unit and --group apply to --input, not to --quarter');
        await quarterReview(opts, format);
      }
    });
}
