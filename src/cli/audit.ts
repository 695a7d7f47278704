/**
 * `seccom audit detainers` and `seccom audit case`: the detainer audit over a store's case
 * event log. Each run first brings the audit's read model up to date with the log (only the new
 * events; `--rebuild` folds everything again), then audits every detainer as of `--as-of`.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemClock } from '../platform/clock/index.ts';
import type { Store } from '../platform/store/index.ts';
import { formatLocal } from '../policy/detainer-clock.ts';
import { auditStoredDetainers, shippedPolicy, FINDING_KINDS, GROUP_BY, jurisdictionRegistry, rebuildDetainerAudit, refreshDetainerAudit, storedCases, auditCase, type AuditedDetainer, type DetainerAudit, type FindingKind, type GroupBy } from '../oversight/audit/index.ts';
import { UsageError } from './errors.ts';
import { DB_OPTION_HELP, openExistingStore, STORE_SYNONYM_HELP, type StoreOpts } from './store-option.ts';
import { createProgress } from './progress.ts';
import { parseCalendarDate, parseInstant } from '../policy/dates.ts';
import { printJson } from './output.ts';
import { zonesOfStore } from './zones.ts';

/** `--as-of`: a date (the end of that day, UTC) or an instant with its zone; default now. */
export function parseAsOf(value: string | undefined): number {
  if (value === undefined) return systemClock.now();
  const day = parseCalendarDate(value);
  if (day !== null) return day + 86_400_000 - 1;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`--as-of: no such date ${value}`);
  const at = parseInstant(value);
  if (at !== null) return at;
  throw new UsageError(`--as-of must be a date YYYY-MM-DD or an instant with its zone (2012-03-14T17:00:00-05:00), got "${value}"`);
}

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z'));

const SHORT: Record<FindingKind, string> = {
  'held-past-limit': 'past limit',
  'open-past-limit': 'open past',
  'limit-miscomputed': 'miscomputed',
  'us-citizen': 'US citizen',
  'never-convicted': 'no convict.',
  declined: 'declined',
  lapsed: 'lapsed',
  'no-copy-served': 'no copy',
  'copy-without-hotline': 'no hotline',
};

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
}

export function renderAudit(audit: DetainerAudit): string[] {
  const lines = [`Detainer audit as of ${iso(audit.asOf)}, by ${audit.by === 'aor' ? 'field office (AOR)' : 'jurisdiction (ORI)'}: ${audit.totals.detainers} detainer${audit.totals.detainers === 1 ? '' : 's'}, ${audit.totals.flagged} with findings; ${audit.totals.hoursOverTotal} h held beyond the legal limit in all (longest ${audit.totals.hoursOverMax} h).`, ''];
  if (audit.groups.length === 0) return [...lines, 'No detainer in the event log.', ...renderCitizens(audit)];
  const header = [audit.by === 'aor' ? 'AOR' : 'ORI', audit.by === 'aor' ? 'jurisdictions' : 'name (AOR)', 'detainers', 'flagged', ...FINDING_KINDS.map((k) => SHORT[k]), 'h over'];
  const rows = audit.groups.map((g) => [g.key, audit.by === 'aor' ? g.related.join(' ') : `${g.name ?? '?'} (${g.related.join(' ')})`, String(g.detainers), String(g.flagged), ...FINDING_KINDS.map((k) => String(g.findings[k])), String(g.hoursOverTotal)]);
  rows.push(['all', '', String(audit.totals.detainers), String(audit.totals.flagged), ...FINDING_KINDS.map((k) => String(audit.totals.findings[k])), String(audit.totals.hoursOverTotal)]);
  lines.push(...table([header, ...rows]), '');
  const flagged = audit.groups.filter((g) => g.cases.length > 0);
  if (flagged.length > 0) lines.push('Flagged detainers (seccom audit case <id> for the detail):');
  for (const g of flagged) {
    lines.push(`  ${g.key}${g.name ? ` ${g.name}` : ''}`);
    for (const c of g.cases) {
      lines.push(`    ${c.caseId}  ${c.detainerId}`);
      for (const f of c.findings) lines.push(`      - ${f.kind}${f.basis ? ` (${f.basis})` : ''}: ${f.text}`);
    }
  }
  return [...lines, ...renderCitizens(audit)];
}

/** Every case with an indication of US citizenship, detainer or not, and what happened to it. */
function renderCitizens(audit: DetainerAudit): string[] {
  const citizens = audit.usCitizens ?? [];
  if (citizens.length === 0) return [];
  const lines = ['', `Indications of US citizenship (${citizens.length} case${citizens.length === 1 ? '' : 's'}, detainer or not):`];
  for (const c of citizens) lines.push(`  ${c.caseId}  ${c.ori ?? '?'}  ${c.basis}${c.detainerIds.length ? `; detainers ${c.detainerIds.join(', ')}` : '; no detainer'}: ${c.text}`);
  return lines;
}

export function renderDetainer(d: AuditedDetainer): string[] {
  const at = (ms: number | null) => (ms === null ? '—' : d.timeZone ? formatLocal(ms, d.timeZone) : iso(ms));
  return [
    `detainer ${d.detainerId} (case ${d.caseId})`,
    `  jurisdiction ${d.ori ?? '?'}, field office ${d.aor ?? '?'}${d.timeZone ? ` (times in ${d.timeZone})` : ''}`,
    `  issued        ${at(d.issuedAt)}  ${d.form ?? ''}${d.policyVersion ? ` under ${d.policyVersion}` : ''}`,
    `  received      ${at(d.receivedAt)}`,
    `  copy served   ${d.copyServedAt === null ? 'no' : `${at(d.copyServedAt)}, hotline ${d.hotline ?? 'none'}`}`,
    `  release due   ${at(d.releaseDueAt)}`,
    `  legal limit   ${at(d.legalLimitAt)}${d.recordedLimitAt !== null && d.recordedLimitAt !== d.legalLimitAt ? ` (recorded ${at(d.recordedLimitAt)})` : ''}`,
    `  end           ${d.end.kind}${d.end.at !== null ? ` ${at(d.end.at)}` : ''}: ${d.end.how}`,
    `  hours held    ${d.hoursHeld ?? '—'}`,
    ...(d.findings.length === 0 ? ['  findings      none'] : ['  findings', ...d.findings.map((f) => `    - ${f.kind}${f.basis ? ` (${f.basis})` : ''}: ${f.text}`)]),
  ];
}

/** A bar chart of the findings per group (SVG), for people who would rather look than read. */
export function auditSvg(audit: DetainerAudit): string {
  const kinds = FINDING_KINDS.filter((k) => audit.totals.findings[k] > 0);
  const groups = audit.groups;
  const colours = ['#D55E00', '#E69F00', '#CC79A7', '#0072B2', '#56B4E9', '#009E73', '#F0E442', '#000000', '#999999'];
  const rowH = 22;
  const left = 170;
  const width = 760;
  const max = Math.max(1, ...groups.map((g) => g.detainers));
  const scale = (width - left - 40) / max;
  const height = 70 + groups.length * rowH + 30 + Math.ceil(kinds.length / 3) * 18;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img" aria-labelledby="t">`, `<title id="t">Detainer audit findings by ${audit.by === 'aor' ? 'field office' : 'jurisdiction'} as of ${iso(audit.asOf)}</title>`, `<text x="10" y="20" font-size="14" font-weight="bold">${esc(`Detainer findings by ${audit.by === 'aor' ? 'field office' : 'jurisdiction'}, as of ${iso(audit.asOf)}`)}</text>`, `<text x="10" y="38" fill="#555">Grey bar: detainers; coloured ticks: detainers with each finding.</text>`];
  groups.forEach((g, i) => {
    const y = 55 + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(g.key)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 2}" width="${(g.detainers * scale).toFixed(1)}" height="${rowH - 6}" fill="#DDDDDD"><title>${esc(`${g.key}: ${g.detainers} detainers, ${g.flagged} flagged`)}</title></rect>`);
    const band = (rowH - 6) / Math.max(1, kinds.length);
    kinds.forEach((k, j) => {
      if (g.findings[k] === 0) return;
      parts.push(`<rect x="${left}" y="${(y + 2 + j * band).toFixed(1)}" width="${(g.findings[k] * scale).toFixed(1)}" height="${band.toFixed(1)}" fill="${colours[FINDING_KINDS.indexOf(k)]}"><title>${esc(`${g.key}: ${g.findings[k]} ${k}`)}</title></rect>`);
    });
    parts.push(`<text x="${left + g.detainers * scale + 4}" y="${y + 14}" fill="#333">${g.detainers}</text>`);
  });
  const legendY = 55 + groups.length * rowH + 20;
  kinds.forEach((k, j) => {
    const x = 10 + (j % 3) * 240;
    const y = legendY + Math.floor(j / 3) * 18;
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colours[FINDING_KINDS.indexOf(k)]}"/><text x="${x + 18}" y="${y}">${esc(k)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

async function withDatabase<T>(option: StoreOpts, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(option);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function bringUpToDate(store: Store, rebuild: boolean, showProgress: boolean) {
  const progress = createProgress('audit log', { enabled: showProgress });
  const options = { onProgress: (seq: number, max: number) => progress.update(seq, max), now: systemClock.now() };
  const report = rebuild ? await rebuildDetainerAudit(store, options) : await refreshDetainerAudit(store, options);
  progress.finish();
  return report;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('audit detainers from the case event log (holds past the legal limit, US citizens, people never convicted, declined or lapsed detainers, copies not served)');
  audit
    .command('detainers')
    .description('every detainer in the log, audited as of a date, per jurisdiction or per field office, with the flagged cases')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--as-of <date>', 'audit as of this date (YYYY-MM-DD: end of that day, UTC) or instant (default: now)')
    .option('--by <group>', 'jurisdiction (ORI) or aor (field office)', 'jurisdiction')
    .option('--ori <ori>', 'only this jurisdiction')
    .option('--aor <aor>', 'only this field office')
    .option('--rebuild', 'fold the whole log again instead of only the new events')
    .option('--svg <file>', 'also write a bar chart of the findings per group')
    .option('--json', 'print the audit as JSON (groups with counts and drill-down, and every detainer)')
    .addHelpText(
      'after',
      `
Findings:
  held-past-limit     the person left the jail after the hold's legal limit (hours beyond it)
  open-past-limit     still held past the limit as of the audit date
  limit-miscomputed   the recorded expiry is later than the detainer clock's (48 h excl. weekends, holidays)
  us-citizen          citizenship verified by a supervisor, or indicated in the IAR
  never-convicted     all charges dismissed, or no conviction as of the date (and no prior conviction)
  declined, lapsed    the jail declined it; the hold lapsed without ICE taking custody
  no-copy-served      no copy served on the person although the form required one (from 2011-12-29)
  copy-without-hotline

Examples:
  seccom scenario run scenarios/friday-before-holiday.json --db out/audit.db
  seccom audit detainers --db out/audit.db --as-of 2013-02-01
  seccom audit detainers --db out/audit.db --by aor --json`,
    )
    .action((opts: { db?: string; asOf?: string; by: string; ori?: string; aor?: string; rebuild?: boolean; svg?: string; json?: boolean }) => {
      if (!GROUP_BY.includes(opts.by as GroupBy)) throw new UsageError(`--by must be ${GROUP_BY.join(' or ')}, got "${opts.by}"`);
      const asOf = parseAsOf(opts.asOf);
      return withDatabase(opts, async (store) => {
        const refresh = await bringUpToDate(store, Boolean(opts.rebuild), !opts.json);
        const result = await auditStoredDetainers(store.db, { asOf, by: opts.by as GroupBy, ...(opts.ori ? { ori: opts.ori } : {}), ...(opts.aor ? { aor: opts.aor } : {}) });
        if (opts.svg) writeFileSync(opts.svg, auditSvg(result));
        if (opts.json) printJson({ ...result, asOf, readModel: refresh }, { zones: await zonesOfStore(store) });
        else process.stdout.write(`${renderAudit(result).join('\n')}\n${opts.svg ? `chart: ${opts.svg}\n` : ''}`);
      });
    });

  audit
    .command('case')
    .description("one case's detainers in full: issued, copy and hotline, release due, legal limit, end and how, findings")
    .argument('<case-id>', 'the case id (as in the drill-down)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--as-of <date>', 'as of this date or instant (default: now)')
    .option('--json', 'print as JSON')
    .action((caseId: string, opts: { db?: string; asOf?: string; json?: boolean }) => {
      const asOf = parseAsOf(opts.asOf);
      return withDatabase(opts, async (store) => {
        await bringUpToDate(store, false, false);
        const [record] = await storedCases(store.db, [caseId]);
        if (!record) throw new UsageError(`case ${caseId} has no detainer in the event log`);
        const registry = await jurisdictionRegistry(store.db);
        const detainers = auditCase(record, { asOf, timeZoneOf: (ori) => registry.get(ori)?.timeZone ?? null, aorOf: (ori) => registry.get(ori)?.aor ?? null, policy: shippedPolicy() });
        if (opts.json) printJson({ caseId, asOf, detainers }, { zones: new Map([...registry].map(([ori, j]) => [ori, j.timeZone])) });
        else process.stdout.write(`${(detainers.length === 0 ? [`case ${caseId}: no detainer as of ${iso(asOf)}`] : detainers.flatMap((d) => [...renderDetainer(d), ''])).join('\n')}\n`);
      });
    });
}
