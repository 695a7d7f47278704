/**
 * `seccom stats`: the IDENT/IAFIS interoperability statistics from a pipeline store's event
 * log — fingerprint submissions, IDENT matches (Level 1 vs other), ICE arrests and removals by
 * Level 1/2/3 and no record; by month, fiscal year and cumulative since activation; nationwide,
 * per state, per field office or per jurisdiction. The facts projection and the counts are
 * brought up to date first (or rebuilt with --rebuild). Public output: small counts suppressed.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { updateFacts, rebuildFacts, type ProjectionReport } from '../oversight/facts/index.ts';
import { interopCounts, interopReport, interopStats, jsonDocument, publish, toCsv, UNIT_KINDS, type UnitKind } from '../oversight/interop/index.ts';
import { rasterizeSvg, reportHtml, reportPdf } from '../oversight/report/index.ts';
import { systemClock } from '../platform/clock/index.ts';
import { openStore, type StoreConfig } from '../platform/store/index.ts';
import { UsageError } from './errors.ts';
import { writeBytes } from './io.ts';
import { createProgress } from './progress.ts';
import { DB_OPTION_HELP, requireStoreConfig, STORE_SYNONYM_HELP } from './store-option.ts';
import { toOutputJson } from './output.ts';

interface StatsOpts {
  db?: string;
  store?: string;
  by?: string;
  fy?: string;
  month?: string;
  format?: string;
  json?: boolean;
  out?: string;
  suppress?: string;
  rebuild?: boolean;
  progress?: boolean;
}

const FORMATS = ['csv', 'json', 'html', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

function parseOptions(opts: StatsOpts) {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json and --format ${opts.format} contradict each other`);
  const format = (opts.json ? 'json' : (opts.format ?? 'csv')) as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${String(opts.format)}"`);
  if (format === 'pdf' && !opts.out) throw new UsageError('--format pdf needs --out FILE');
  const by = (opts.by ?? 'nation') as UnitKind;
  if (!UNIT_KINDS.includes(by)) throw new UsageError(`--by must be one of ${UNIT_KINDS.join(', ')}, got "${opts.by}"`);
  if (opts.fy !== undefined && opts.month !== undefined) throw new UsageError('give --fy or --month, not both');
  let fy: number | undefined;
  if (opts.fy !== undefined) {
    fy = Number(opts.fy.replace(/^FY/i, ''));
    if (!Number.isInteger(fy) || fy < 1991 || fy > 2060) throw new UsageError(`--fy must be a fiscal year such as 2011 (October 2010 – September 2011), got "${opts.fy}"`);
  }
  if (opts.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new UsageError(`--month must be YYYY-MM, got "${opts.month}"`);
  let threshold = 10;
  if (opts.suppress !== undefined) {
    threshold = Number(opts.suppress);
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 1_000_000) throw new UsageError(`--suppress must be a whole number ≥ 0 (0 publishes every count), got "${opts.suppress}"`);
  }
  return { format, by, fy, month: opts.month, threshold };
}

function storeConfig(opts: StatsOpts): StoreConfig {
  const config = requireStoreConfig(opts);
  if (config.kind === 'sqlite' && !existsSync(config.path)) throw new UsageError(`no such database: ${config.path}`);
  return config;
}

function describeProjection(r: ProjectionReport): string[] {
  const lines = [`facts: ${r.mode === 'rebuild' ? 'rebuilt' : 'updated'} from ${r.eventsRead} event(s) (${r.eventsApplied} applied, ${r.eventsNotUsed} not used by the statistics), ${r.factsWritten} case(s) written, log position ${r.lastSeq}`];
  for (const i of r.issues) lines.push(`facts: skipped ${i.count} event(s) of kind "${i.kind}" (${i.issue === 'unknown-kind' ? 'unknown kind' : `malformed details: ${i.example}`}; seq ${i.firstSeq}–${i.lastSeq})`);
  if (r.gaps > 0) lines.push(`facts: ${r.gaps} log position(s) not yet committed are awaited (PostgreSQL); run again to include them`);
  return lines;
}

async function run(opts: StatsOpts): Promise<void> {
  const o = parseOptions(opts);
  const config = storeConfig(opts);
  const store = await openStore(config);
  try {
    const bar = createProgress(opts.rebuild ? 'rebuild' : 'facts', { enabled: opts.progress !== false });
    const projection = { clock: systemClock, subscribers: [interopCounts()], onProgress: (done: number, total: number) => bar.update(done, total) };
    const report = opts.rebuild ? await rebuildFacts(store, projection) : await updateFacts(store, projection);
    bar.finish();
    const stats = await interopStats(store.db, { by: o.by, ...(o.fy !== undefined ? { fy: o.fy } : {}), ...(o.month !== undefined ? { month: o.month } : {}) });
    const published = publish(stats, o.threshold === 0 ? null : o.threshold);
    for (const line of describeProjection(report)) process.stderr.write(`${line}\n`);
    if (o.threshold === 0) process.stderr.write('stats: --suppress 0: small counts are shown; not for publication\n');
    const generated = `Produced ${new Date(Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC from the event log (position ${report.lastSeq})`;
    let body: string | Uint8Array;
    if (o.format === 'csv') body = toCsv(published);
    else if (o.format === 'json') body = `${JSON.stringify(toOutputJson(jsonDocument(published, { generatedAt: Date.now(), projection: { mode: report.mode, lastSeq: report.lastSeq, eventsRead: report.eventsRead, issues: report.issues, gaps: report.gaps } })), null, 2)}\n`;
    else {
      const r = interopReport(published, { generated });
      body = o.format === 'html' ? reportHtml(r) : reportPdf(r, { rasterize: rasterizeSvg, created: new Date(Date.now()) });
    }
    if (opts.out) {
      writeBytes(opts.out, body);
      process.stderr.write(`wrote ${opts.out}\n`);
    } else process.stdout.write(body);
  } finally {
    await store.close();
  }
}

export function registerStatsCommands(program: Command): void {
  program
    .command('stats')
    .description("the IDENT/IAFIS interoperability statistics from a pipeline store's event log: fingerprint submissions, IDENT matches (Level 1 vs other), ICE arrests and removals by Level 1, 2, 3 and no criminal record; by month, fiscal year and cumulative since activation")
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--by <unit>', `nation (default), state, aor (ICE field office) or jurisdiction`)
    .option('--fy <year>', 'one fiscal year (October–September), e.g. 2011: its months, the year and the cumulative count through September')
    .option('--month <YYYY-MM>', 'one month: the month, its fiscal year to date and the cumulative count through it')
    .option('--format <format>', 'csv (default), json, html or pdf (pdf needs --out)')
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--suppress <k>', 'withhold counts from 1 to k−1, with complementary suppression (default 10; 0 shows every count — not for publication)')
    .option('--rebuild', 'rebuild the facts and the counts from the whole event log first')
    .option('--no-progress', 'no progress bar on standard error')
    .addHelpText(
      'after',
      `
Months are counted in each jurisdiction's own time zone; "cumulative" is since each jurisdiction's
activation. Matches are counted by Level at identification (convicted of or charged with);
arrests and removals by Level of conviction at that time. In CSV a withheld count is "<k"
(small) or "(D)" (withheld so that a total does not reveal a small one); in JSON it is null.

Examples:
  seccom scenario run scenarios/a-county-in-2011.json --db out/county.db
  seccom stats --db out/county.db --by jurisdiction --fy 2011
  seccom stats --db out/county.db --month 2011-03 --json
  seccom stats --db out/county.db --by state --format html --out out/stats.html`,
    )
    .action((opts: StatsOpts) => run(opts));
}
