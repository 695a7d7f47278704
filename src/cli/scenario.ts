/**
 * `seccom scenario run`, `seccom book`, `seccom case show`, `seccom policy explain`: the
 * embedded pipeline from the command line. Each command opens the store named by `--store`
 * (`sqlite:<path>` or `postgres:<url>`), opens the Pipeline on it, does one thing and closes.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { CaseEvent } from '../agencies/case-log/index.ts';
import { AgencyError } from '../agencies/errors.ts';
import { Pipeline } from '../agencies/pipeline.ts';
import { textOf, type1 } from '../nist/access.ts';
import { readCar } from '../nist/ebts/messages.ts';
import { parseTransaction } from '../nist/index.ts';
import { NistError } from '../nist/errors.ts';
import { ManualClock, systemClock } from '../platform/clock/index.ts';
import { systemRandom } from '../platform/messaging/index.ts';
import { loadPolicy } from '../platform/policy/load.ts';
import { openStore, type Store, type StoreConfig } from '../platform/store/index.ts';
import { formatLocal } from '../policy/detainer-clock.ts';
import { PolicyError, versionById, versionInForce, type PolicyDecision, type Reason } from '../policy/index.ts';
import { dayOrInstant, parseCompactDate, parseInstant } from '../policy/dates.ts';
import { jurisdictionSchema, loadScenario, registerJurisdictions, runScenario, ScenarioError, type FinalState, type ScenarioResult } from '../sim/scenario.ts';
import { UsageError } from './errors.ts';
import { addStoreOptions, DB_OPTION_HELP, openExistingStore, STORE_SYNONYM_HELP, requireStoreConfig, storeConfigOf, type StoreOpts } from './store-option.ts';
import { readBytes, readText } from './io.ts';
import { createProgress } from './progress.ts';
import { listEnvelope, printJson } from './output.ts';
import { commonZone, zonesOfStore } from './zones.ts';

/** Agency, scenario and policy errors are the user's input: one line, exit status 2. */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ScenarioError) throw new UsageError(error.message);
    if (error instanceof AgencyError || error instanceof PolicyError) throw new UsageError(`${error.code}: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

/** The pipeline over an existing store, for reading (the clock does not matter) or for a booking at `at`. */
async function openPipeline(store: Store, at?: number): Promise<Pipeline> {
  return Pipeline.open({ store, clock: at === undefined ? systemClock : new ManualClock(at), random: systemRandom() });
}

// ---------------------------------------------------------------------------------------------
// Rendering

const time = (ms: number | null | undefined, tz: string) => (ms === null || ms === undefined ? '—' : formatLocal(ms, tz));

function renderReasons(reasons: readonly Reason[], indent: string): string[] {
  return reasons.map((r) => `${indent}- ${r.rule}: ${r.text}${r.facts.length ? ` [${r.facts.join('; ')}]` : ''}`);
}

export function renderTimeline(timeline: readonly CaseEvent[], tz: string): string[] {
  const lines: string[] = [];
  for (const e of timeline) {
    lines.push(`  ${time(e.at, tz)}  ${e.agency.padEnd(19)} ${e.kind.padEnd(22)} ${e.summary}`);
    const d = e.details;
    if (e.kind === 'review' && Array.isArray(d.reasons)) {
      lines.push(`      decision ${String(d.decision)} under policy ${String(d.policyVersion)} (as of ${String(d.asOf)}; level ${String(d.level ?? '—')}; priority ${String(d.priority ?? '—')}):`);
      lines.push(...renderReasons(d.reasons as Reason[], '        '));
    }
  }
  return lines;
}

export function renderFinalState(s: FinalState, tz: string): string[] {
  const iar = s.iar as { status?: string; level?: number | null; sentTo?: string[] } | null;
  const lines = [
    `  custody: ${s.custody}${s.releasedAt ? ` (released ${time(s.releasedAt, tz)}, ${s.releaseReason})` : ''}`,
    `  FBI number: ${s.fbiNumber ?? '—'}; immigration search: ${s.immigrationSearch}; jail received IDR: ${s.jailReceivedIdr ?? '—'}, IAR: ${s.jailReceivedIar ? 'yes' : 'no'}`,
    `  IAR: ${iar ? `${iar.status ?? '?'}, level ${iar.level ?? '—'}, sent to ${(iar.sentTo ?? []).join(' and ')}` : '—'}`,
    `  field office: ${s.fieldOfficeState ?? 'never received an IAR'}${s.decision ? `; decision ${s.decision.decision} under ${s.decision.policyVersion} (${s.decision.trigger})` : ''}`,
  ];
  if (s.detainer) lines.push(`  detainer ${s.detainer.detainerId}: ${s.detainer.state}, ${s.detainer.form}${s.detainer.expiresAt ? `, hold expires ${time(s.detainer.expiresAt, tz)}` : ''}; at the jail: ${s.jailDetainer?.state ?? '—'}`);
  if (s.supervisorReview) lines.push(`  supervisor review: ${s.supervisorReview.state}`);
  if (s.outcome) lines.push(`  proceedings outcome: ${s.outcome}`);
  lines.push(`  charges: ${s.charges.map((c) => `${c.ncicCode} (${c.disposition})`).join(', ')}`);
  return lines;
}

function renderScenario(r: ScenarioResult, zones: Map<string, string>): string {
  const failed = r.expectations.filter((x) => !x.ok);
  const lines = [`scenario ${r.name}: ${r.passed ? 'PASSED' : 'FAILED'} — ${r.cases.length} cases, ${r.expectations.length - failed.length}/${r.expectations.length} expectations held, ${r.failures.length} refused events, ${r.deadLetters} dead letters (store: ${r.store})`];
  if (r.description) lines.push(r.description);
  for (const c of r.cases) {
    const tz = zones.get(c.ori) ?? 'UTC';
    lines.push('', `case ${c.booking} (${c.caseId}): ${c.person}, booked by ${c.ori}`, ...renderTimeline(c.timeline, tz), ' final state:', ...renderFinalState(c.finalState, tz));
  }
  if (r.failures.length) lines.push('', 'refused events:', ...r.failures.map((f) => `  events[${f.event}] ${f.type} at ${f.at}: ${f.code}: ${f.message}`));
  if (failed.length) lines.push('', 'expectations not met:', ...failed.map((x) => `  ${x.booking} ${x.path}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`));
  return `${lines.join('\n')}\n`;
}

export const caseReport = (p: Pipeline, caseId: string) => p.caseReport(caseId);

// ---------------------------------------------------------------------------------------------
// Commands

const jurisdictionFile = z.union([z.object({ jurisdictions: z.array(jurisdictionSchema).min(1) }).strict(), z.array(jurisdictionSchema).min(1), jurisdictionSchema]);

/** Reads a `--jurisdiction-file`: one jurisdiction, a list, or { jurisdictions: [...] }; a UsageError for anything else. */
export function readJurisdictionFile(path: string) {
  const text = readText(path, 'scenario');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(existsSync(path) ? `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}` : `no such file: ${path}`);
  }
  const parsed = jurisdictionFile.safeParse(document);
  if (!parsed.success) throw new UsageError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const d = parsed.data;
  return Array.isArray(d) ? d : 'jurisdictions' in d ? d.jurisdictions : [d];
}

export function registerScenarioCommands(program: Command): void {
  const scenario = program.command('scenario').description('run scenario files (jurisdictions, people, dated events) through the pipeline');
  scenario
    .command('run')
    .description("play a scenario file through the pipeline and print every case's timeline and final state (format: scenarios/README.md)")
    .argument('<file>', 'scenario file (.json)')
    .option('--append', 'play it even if this scenario (same name or content) was already played into the store: its cases are added once more')
    .option('--json', 'print the result as JSON');
  addStoreOptions(scenario.commands.at(-1)!, 'default: $SECCOM_DB, else a new temporary SQLite file')
    .action((file: string, opts: StoreOpts & { append?: boolean; json?: boolean }) =>
      userErrors(async () => {
        if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
        const config: StoreConfig = storeConfigOf(opts) ?? { kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'seccom-scenario-')), 'scenario.db') };
        const loaded = loadScenario(file);
        const store = await openStore(config);
        const progress = createProgress('events', { enabled: !opts.json });
        try {
          const result = await runScenario(loaded, { store, append: opts.append === true, wallClock: systemClock, onEvent: (d, t) => progress.update(d, t) });
          progress.finish();
          if (opts.json) {
            const zones = new Map(loaded.scenario.jurisdictions.map((j) => [j.ori, j.timeZone]));
            printJson({ ...result, storePath: config.kind === 'sqlite' ? config.path : undefined }, { zones, zone: commonZone(zones.values()) });
          }
          else {
            process.stdout.write(renderScenario(result, new Map(loaded.scenario.jurisdictions.map((j) => [j.ori, j.timeZone]))));
            if (!result.kept) process.stdout.write(`\nnothing was kept in the store: the run is one transaction and ${result.failures.length} refused event${result.failures.length === 1 ? '' : 's'} rolled it back; fix the file and run it again\n`);
            else if (config.kind === 'sqlite') process.stdout.write(`\nstore: sqlite:${config.path} (seccom case show <case id> --db ${config.path})\n`);
          }
          if (!result.passed) process.exitCode = 1;
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command('book')
    .description("book an arrestee from an EBTS CAR file into the store's pipeline and run the chain as far as it goes")
    .argument('<car>', 'EBTS criminal tenprint submission (CAR) file')
    .option('--jurisdiction-file <file>', "JSON: a jurisdiction, a list, or { jurisdictions: [...] } in the scenario format; registered if not yet known (the CAR's ORI must be registered)")
    .option('--at <instant>', 'booking time, ISO 8601 with zone (default: now)')
    .option('--json', 'print the case as JSON');
  addStoreOptions(program.commands.at(-1)!)
    .action((car: string, opts: StoreOpts & { jurisdictionFile?: string; at?: string; json?: boolean }) =>
      userErrors(async () => {
        const at = opts.at === undefined ? systemClock.now() : parseInstant(opts.at);
        if (at === null) throw new UsageError(`--at must be an ISO 8601 instant with a zone, got "${opts.at}"`);
        const config = requireStoreConfig(opts);
        let booking;
        let tcn: string;
        try {
          const transaction = parseTransaction(readBytes(car, 'transaction'));
          booking = readCar(transaction);
          tcn = textOf(type1(transaction), 9) ?? '';
        } catch (error) {
          if (error instanceof NistError) throw new UsageError(`${car}: ${error.code}: ${error.message}`);
          throw error;
        }
        // The CAR's dates are real calendar days (CCYYMMDD), checked before the store is opened.
        for (const [field, value] of [['2.045 date of arrest', booking.dateOfArrest], ...booking.charges.filter((c) => c.offenseDate).map((c) => ['2.047 date of offense', c.offenseDate!] as const)] as const) {
          if (parseCompactDate(value) === null) throw new UsageError(`${car}: field ${field} must be a real date CCYYMMDD, got "${value}"`);
        }
        const jurisdictions = opts.jurisdictionFile ? readJurisdictionFile(opts.jurisdictionFile) : [];
        const store = await openStore(config);
        try {
          const p = await openPipeline(store, at);
          const registered = await registerJurisdictions(p, jurisdictions);
          // The file's TCN (1.009) identifies the submission: sending the same file again is the same case.
          const caseId = await p.book({ booking, tcn });
          const report = await caseReport(p, caseId);
          const resent = report.timeline.at(-1)?.kind === 'resubmission-recognised';
          if (opts.json) printJson({ registeredJurisdictions: registered, resent, ...report }, { zone: report.timeZone });
          else if (resent) process.stdout.write(`re-sent: TCN ${tcn} from ${report.ori} is already case ${caseId}; nothing booked or sent again\n`);
          else process.stdout.write([`booked ${booking.name} from ${car} as ${caseId} (${report.ori})${registered.length ? `; registered ${registered.join(', ')}` : ''}`, ...renderTimeline(report.timeline, report.timeZone), ' final state:', ...renderFinalState(report.finalState, report.timeZone)].join('\n') + '\n');
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command('release')
    .description('record when the jail actually let a person held on a detainer go, or handed them to ICE (the audit counts hours past the limit to this instant)')
    .argument('<case-id>', 'case id (CASE…)')
    .requiredOption('--at <instant>', 'when the person left the jail, ISO 8601 with zone (not in the future)')
    .option('--transfer', 'the person was handed over to ICE, not released')
    .option('--note <text>', "the jail's note on the release")
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print the case as JSON')
    .addHelpText('after', `
The report is made now: --at may lie in the past (a release reported late) but not in the
future, not before the booking or the release-due time, and a case's release is recorded once.

Examples:
  seccom release CASE016QHNZJC00KZV9042E51F6EZB --db out/late.db --at 2012-03-15T13:00:00-05:00
  seccom release CASE016QHNZJC00KZV9042E51F6EZB --db out/late.db --at 2012-03-15T13:00:00-05:00 --transfer --json`)
    .action((caseId: string, opts: StoreOpts & { at: string; transfer?: boolean; note?: string; json?: boolean }) =>
      userErrors(async () => {
        const at = parseInstant(opts.at);
        if (at === null) throw new UsageError(`--at must be a real ISO 8601 instant with a zone (e.g. 2012-03-15T13:00:00-05:00), got "${opts.at}"`);
        if (opts.note !== undefined && opts.note.trim() === '') throw new UsageError('--note needs a text');
        const kind = opts.transfer ? 'transferred' : 'released';
        const store = await openExistingStore(opts);
        try {
          const reportedAt = systemClock.now();
          const p = await openPipeline(store, reportedAt);
          await p.reportRelease(caseId, at, kind, { reportedAt, ...(opts.note !== undefined ? { note: opts.note } : {}) });
          const report = await caseReport(p, caseId);
          const limit = report.finalState.detainer?.expiresAt ?? null;
          const hoursPastLimit = limit !== null && at > limit ? Math.round(((at - limit) / 3_600_000) * 100) / 100 : 0;
          if (opts.json) {
            printJson({ ...report, kind, at, reportedAt, limitAt: limit, hoursPastLimit }, { zone: report.timeZone });
            return;
          }
          const tz = report.timeZone;
          const past = limit === null ? '' : hoursPastLimit > 0 ? `, ${hoursPastLimit} h past the hold's limit (${formatLocal(limit, tz)})` : ` (within the hold's limit, ${formatLocal(limit, tz)})`;
          process.stdout.write([`case ${caseId} (${report.ori}): ${kind === 'transferred' ? 'handed over to ICE' : 'released'} at ${formatLocal(at, tz)}${past}; reported ${formatLocal(reportedAt, tz)}`, ' final state:', ...renderFinalState(report.finalState, tz)].join('\n') + '\n');
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command('jurisdiction')
    .description('the registry of local agencies and their participation')
    .command('history')
    .description("a jurisdiction's participation history (public record): every change with its effective time and the notices given to the state and to the jurisdiction")
    .argument('<ori>', "the jurisdiction's ORI (9 characters)")
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((ori: string, opts: StoreOpts & { json?: boolean }) =>
      userErrors(async () => {
        const store = await openExistingStore(opts);
        try {
          const p = await openPipeline(store);
          const jurisdiction = await p.jurisdictions.jurisdictionOf(store.db, ori);
          const history = await p.jurisdictions.history(store.db, ori);
          if (opts.json) {
            printJson({ jurisdiction, history }, { zone: jurisdiction.timeZone });
            return;
          }
          const when = (ms: number) => new Date(ms).toISOString();
          const lines = [`${jurisdiction.name} (${jurisdiction.ori}), ${jurisdiction.county} County, ${jurisdiction.state}; ICE area ${jurisdiction.aor}; ${jurisdiction.activatedAt === null ? 'never activated' : `first activated ${when(jurisdiction.activatedAt)}`}${jurisdiction.releasesAtLapse ? '' : '; does not release when a detainer hold lapses (only when it reports the release)'}`];
          if (history.length === 0) lines.push('  no participation change on record (not activated)');
          for (const h of history) {
            lines.push(`  ${when(h.effectiveAt)}  ${h.mode}${h.seriousOffenses.length ? ` (serious offenses: ${h.seriousOffenses.join(', ')})` : ''}; recorded ${when(h.recordedAt)}`);
            lines.push(`    notice to the state ${when(h.noticeToState.givenAt)}: ${h.noticeToState.text}`);
            lines.push(`    notice to the jurisdiction ${when(h.noticeToJurisdiction.givenAt)}: ${h.noticeToJurisdiction.text}`);
          }
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await store.close();
        }
      }),
    );

  const cases = program.command('case').description('cases in a store: list them, show one');
  cases
    .command('list')
    .description('the cases in a store in booking order — case id, jurisdiction, booking time in its own zone, custody — by jurisdiction, state, field office and booking date; one page at a time')
    .option('--ori <ori>', "only this jurisdiction's bookings")
    .option('--state <state>', 'only bookings by jurisdictions of this state (two letters, e.g. TX)')
    .option('--aor <aor>', 'only bookings by jurisdictions of this ICE field office (area of responsibility)')
    .option('--from <date>', 'booked on or after this day (YYYY-MM-DD) or instant (ISO 8601 with zone)')
    .option('--to <date>', 'booked on or before this day (YYYY-MM-DD, the whole day) or before this instant')
    .option('--limit <n>', 'rows per page (1–1000)', '100')
    .option('--after <cursor>', 'the next page: the cursor printed at the end of the previous page')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print { items, count, next } as JSON')
    .addHelpText('after', `
Days are counted in the jurisdictions' time zone when every jurisdiction listed shares one
(always so with --ori), else in UTC.

Examples:
  seccom case list --db out/county.db
  seccom case list --db out/county.db --state TX --from 2011-01-01 --to 2011-03-31
  seccom case list --db out/county.db --ori TX1010000 --limit 20 --json`)
    .action((opts: StoreOpts & { ori?: string; state?: string; aor?: string; from?: string; to?: string; limit: string; after?: string; json?: boolean }) =>
      userErrors(async () => {
        const limit = Number(opts.limit);
        if (!/^\d+$/.test(opts.limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, got "${opts.limit}"`);
        if (opts.state !== undefined && !/^[A-Z]{2}$/.test(opts.state)) throw new UsageError(`--state must be two capital letters (e.g. TX), got "${opts.state}"`);
        const store = await openExistingStore(opts);
        try {
          const p = await openPipeline(store);
          const listed = (await p.jurisdictions.list(store.db, { state: opts.state, aor: opts.aor })).filter((j) => opts.ori === undefined || j.ori === opts.ori);
          const dayZone = commonZone(listed.map((j) => j.timeZone));
          const from = opts.from === undefined ? undefined : boundary(opts.from, '--from', dayZone, 0);
          const to = opts.to === undefined ? undefined : boundary(opts.to, '--to', dayZone, 1);
          const page = await p.listCases({ ori: opts.ori, state: opts.state, aor: opts.aor, from, to, after: opts.after, limit });
          if (opts.json) {
            printJson({ filter: { ori: opts.ori ?? null, state: opts.state ?? null, aor: opts.aor ?? null, from: from ?? null, to: to ?? null, dayZone }, ...listEnvelope(page.items, { next: page.next }) }, { zone: dayZone });
            return;
          }
          const rows = page.items.map((c) => [c.caseId, c.ori, c.state ?? '—', c.aor ?? '—', `${formatLocal(c.bookedAt, c.timeZone)} ${c.timeZone}`, c.custody, c.name ?? '—']);
          const lines = rows.length === 0 ? ['no case matches'] : table(['case', 'ORI', 'state', 'AOR', 'booked (local time, zone)', 'custody', 'name'], rows);
          lines.push(page.next ? `${page.items.length} cases; more: --after ${page.next}` : `${page.items.length} case${page.items.length === 1 ? '' : 's'}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await store.close();
        }
      }),
    );

  cases
    .command('show')
    .description("a case's timeline (every event, every decision with its policy version and reasons) and final state")
    .argument('<id>', 'case id (CASE…)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((id: string, opts: StoreOpts & { json?: boolean }) =>
      userErrors(async () => {
        const store = await openExistingStore(opts);
        try {
          const report = await caseReport(await openPipeline(store), id);
          if (opts.json) printJson(report, { zone: report.timeZone });
          else process.stdout.write([`case ${id} (${report.ori})`, ...renderTimeline(report.timeline, report.timeZone), ' final state:', ...renderFinalState(report.finalState, report.timeZone)].join('\n') + '\n');
        } finally {
          await store.close();
        }
      }),
    );

  program
    .command('policy')
    .description('the policy versions applied to cases')
    .command('explain')
    .description("decide a case again under another policy version (read-only) and show both decisions and the reasons that differ")
    .argument('<case>', 'case id (CASE…)')
    .option('--as-of <date>', 'decide as of this date (YYYY-MM-DD), under the version in force then')
    .option('--version <id>', 'a version by id, e.g. 2012-12-21-detainer-criteria')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((caseId: string, opts: StoreOpts & { asOf?: string; version?: string; json?: boolean }) =>
      userErrors(async () => {
        if (opts.asOf && opts.version) throw new UsageError('give --as-of or --version, not both');
        const policy = loadPolicy();
        const target = opts.version ? versionById(policy, opts.version).id : opts.asOf ? versionInForce(policy, opts.asOf).id : policy.versions[policy.versions.length - 1].id;
        const store = await openExistingStore(opts);
        try {
          const p = await openPipeline(store);
          const state = await p.finalState(caseId);
          if (!state.decision) throw new UsageError(`case ${caseId} has no field-office decision (immigration search: ${state.immigrationSearch}; no IAR reached ICE)`);
          const recorded = await p.decisionUnder(caseId, state.decision.policyVersion);
          const other = await p.decisionUnder(caseId, target, opts.asOf);
          const diff = differingReasons(recorded, other);
          const result = { caseId, recorded: { stored: state.decision, reevaluated: recorded }, other, sameDecision: recorded.decision === other.decision, onlyInRecorded: diff.onlyInA, onlyInOther: diff.onlyInB };
          if (opts.json) {
            printJson(result, { zones: await zonesOfStore(store) });
            return;
          }
          const lines = [
            `case ${caseId}: decided ${state.decision.decision} under ${state.decision.policyVersion} (${state.decision.trigger}, as of ${state.decision.asOf})`,
            `  under ${other.version.id} ("${other.version.title}") as of ${other.asOf}: ${other.decision}${result.sameDecision ? ' — the same decision' : ` — differs from ${recorded.decision}`}`,
            `  reasons only under ${recorded.version.id}:`,
            ...(diff.onlyInA.length ? renderReasons(diff.onlyInA, '    ') : ['    (none)']),
            `  reasons only under ${other.version.id}:`,
            ...(diff.onlyInB.length ? renderReasons(diff.onlyInB, '    ') : ['    (none)']),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}

/** Reasons (rule + text) in one decision and not the other, leaving out the version-selection line. */
function differingReasons(a: PolicyDecision, b: PolicyDecision) {
  const key = (r: Reason) => `${r.rule}\u0000${r.text}`;
  const inA = new Set(a.reasons.map(key));
  const inB = new Set(b.reasons.map(key));
  const differs = (r: Reason, other: Set<string>) => r.rule !== 'version.selected' && !other.has(key(r));
  return { onlyInA: a.reasons.filter((r) => differs(r, inB)), onlyInB: b.reasons.filter((r) => differs(r, inA)) };
}

/** Rows of text in columns as wide as their widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** A --from/--to bound: a day (the start of it, or of the next day for `to`) in `zone`, or an instant. */
export function boundary(text: string, option: string, zone: string, dayOffset: 0 | 1): number {
  const at = dayOrInstant(text, zone, dayOffset);
  if (at === null) throw new UsageError(`${option} must be a real day (YYYY-MM-DD) or an ISO 8601 instant with a zone, got "${text}"`);
  return at;
}
