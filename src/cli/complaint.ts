/**
 * `seccom complaint …`: the CRCL complaint system from the command line. `file` and `status`
 * are what the public does (no account: the tracking code is the only key); `triage`, `assign`,
 * `note`, `resolve`, `close`, `show`, `list` and `counts` are the staff's, each staff action
 * recorded with `--actor`. Tracking codes come from operating-system randomness.
 */
import { InputFileError, readFileBounded } from '../platform/files/index.ts';
import type { Command } from 'commander';
import { systemClock } from '../platform/clock/index.ts';
import { systemRandom } from '../platform/messaging/index.ts';
import type { Store } from '../platform/store/index.ts';
import {
  COMPLAINT_CATEGORIES,
  complaintCountsByJurisdiction,
  createComplaints,
  FINDINGS,
  PRIORITIES,
  STATUSES,
  type ComplaintCommand,
  type ComplaintFinding,
  type ComplaintRecord,
  type ComplaintStatus,
  type Complaints,
  type Priority,
  type PublicStatus,
} from '../oversight/complaints/index.ts';
import { DB_OPTION_HELP, openExistingStore, STORE_SYNONYM_HELP, type StoreOpts } from './store-option.ts';
import { UsageError } from './errors.ts';
import { parseCalendarDate, parseInstant } from '../policy/dates.ts';
import { printJson } from './output.ts';

const when = (ms: number) => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
const print = (json: boolean | undefined, value: unknown, lines: () => string[]) => (json ? printJson(value) : process.stdout.write(`${lines().join('\n')}\n`));

async function withComplaints<T>(db: StoreOpts, fn: (complaints: Complaints, store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(db);
  try {
    const complaints = createComplaints({ clock: systemClock, random: systemRandom() });
    await complaints.migrate(store);
    return await fn(complaints, store);
  } finally {
    await store.close();
  }
}

/** Text from an option or from a file (checked for size before it is read). */
function textOf(inline: string | undefined, file: string | undefined, what: string, max: number): string | undefined {
  if (inline !== undefined && file !== undefined) throw new UsageError(`give the ${what} inline or as a file, not both`);
  if (file === undefined) return inline;
  // UTF-8 takes at most 4 bytes a character: anything larger cannot be within the limit.
  try {
    return Buffer.from(readFileBounded(file, max * 4, what)).toString('utf8');
  } catch (error) {
    if (error instanceof InputFileError && error.code === 'FILE_TOO_LARGE') throw new UsageError(`${file}: the ${what} is too long (at most ${max.toLocaleString('en-US')} characters)`);
    throw error;
  }
}

export function renderPublicStatus(s: PublicStatus): string[] {
  return [
    `Complaint ${s.trackingCode}: ${s.statusText}`,
    `  filed ${when(s.filedAt)} (${s.category}); last change ${when(s.updatedAt)}`,
    `  history: ${s.history.map((h) => `${h.status} ${when(h.at)}`).join(' → ')}`,
    ...(s.outcome ? [`  outcome: ${s.outcome.finding}${s.outcome.referredTo ? ` to ${s.outcome.referredTo}` : ''} — ${s.outcome.resolution}`] : []),
    ...(s.closedReason ? [`  closed: ${s.closedReason}`] : []),
  ];
}

export function renderRecord(c: ComplaintRecord): string[] {
  return [
    `Complaint ${c.trackingCode} (${c.complaintId}): ${c.status}${c.priority ? `, priority ${c.priority}` : ''}${c.investigator ? `, investigator ${c.investigator}` : ''}`,
    `  category ${c.category}; incident ${c.incidentDate}; filed ${when(c.filedAt)}`,
    `  links: jurisdiction ${c.ori ?? '—'}, case ${c.caseId ?? '—'}, detainer ${c.detainerId ?? '—'}`,
    `  contact: ${c.contact ? Object.entries(c.contact).map(([k, v]) => `${k} ${v}`).join(', ') : 'none given'}`,
    '  narrative:',
    ...c.narrative.split('\n').map((l) => `    ${l}`),
    ...(c.finding ? [`  finding: ${c.finding}${c.referredTo ? ` (referred to ${c.referredTo})` : ''} — ${c.resolution ?? ''}`] : []),
    ...(c.closedReason ? [`  closed: ${c.closedReason}`] : []),
    '  history:',
    ...c.history.map((e) => `    ${when(e.at)}  ${e.actor.padEnd(16)} ${e.action.padEnd(9)} ${e.from ?? '—'} → ${e.to}${e.action === 'note' ? `: ${String(e.details.note)}` : Object.keys(e.details).length ? `  ${JSON.stringify(e.details)}` : ''}`),
  ];
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T {
  if (value === undefined || !allowed.includes(value as T)) throw new UsageError(`${option} must be one of: ${allowed.join(', ')}${value === undefined ? '' : ` (got "${value}")`}`);
  return value as T;
}

/** A --from/--to option: a real day YYYY-MM-DD (its 00:00 UTC) or an instant with its zone. */
export function dayOrInstant(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  // Strict: an impossible day (2011-02-30) is refused, never rolled over into the next month.
  const t = parseCalendarDate(value) ?? parseInstant(value);
  if (t === null) throw new UsageError(`${option} must be a real date YYYY-MM-DD or an instant with its zone, got "${value}"`);
  return t;
}

export function registerComplaintCommands(program: Command): void {
  const complaint = program
    .command('complaint')
    .description('the CRCL complaint system: public intake with a tracking code, status lookup, triage, assignment, investigation notes, resolution')
    .addHelpText(
      'after',
      `
Life of a complaint:
  received --triage--> triaged --assign--> assigned --note--> under-investigation --resolve--> resolved
  (close from any status before resolved; assign again to reassign; resolved and closed are final)

Public:  file, status            Staff:  triage, assign, note, resolve, close, show, list, counts

Example:
  seccom complaint file --db out/county.db --category detention-past-limit \\
      --narrative "Held two days after the judge released me." --incident-date 2011-05-12 --ori TX1010000
  seccom complaint status CRCL-XXXX-XXXX-XXXX-XXXX-X --db out/county.db`,
    );

  complaint
    .command('file')
    .description('file a complaint (no account needed); prints the tracking code to keep')
    .requiredOption('--category <category>', `what it is about: ${COMPLAINT_CATEGORIES.join(', ')}`)
    .option('--narrative <text>', 'what happened, in your words (up to 20,000 characters)')
    .option('--narrative-file <file>', 'the narrative from a text file')
    .requiredOption('--incident-date <date>', 'when it happened (YYYY-MM-DD)')
    .option('--ori <ori>', 'the jail or police department involved (9-character ORI), if known')
    .option('--case <id>', 'the case id, if known')
    .option('--detainer <id>', 'the detainer id printed on your copy of the detainer, if known')
    .option('--name <name>', 'your name (optional)')
    .option('--email <email>', 'an e-mail address to reach you (optional)')
    .option('--phone <phone>', 'a phone number to reach you (optional)')
    .option('--address <address>', 'a postal address (optional)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print the result as JSON')
    .action((o: { category: string; narrative?: string; narrativeFile?: string; incidentDate: string; ori?: string; case?: string; detainer?: string; name?: string; email?: string; phone?: string; address?: string; db?: string; json?: boolean }) =>
      // Checked before the store is opened (and its complaint tables created): 2011-02-30 is refused, never rolled over.
      parseCalendarDate(o.incidentDate) === null
        ? Promise.reject(new UsageError(`--incident-date must be a real date YYYY-MM-DD, got "${o.incidentDate}"`))
        : withComplaints(o, async (complaints, store) => {
        const narrative = textOf(o.narrative, o.narrativeFile, 'narrative', complaints.rules.maxNarrative) ?? '';
        const contact = { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.email !== undefined ? { email: o.email } : {}), ...(o.phone !== undefined ? { phone: o.phone } : {}), ...(o.address !== undefined ? { address: o.address } : {}) };
        const filed = await complaints.file(store, {
          category: o.category,
          narrative,
          incidentDate: o.incidentDate,
          ...(Object.keys(contact).length ? { contact } : {}),
          ...(o.ori !== undefined ? { ori: o.ori } : {}),
          ...(o.case !== undefined ? { caseId: o.case } : {}),
          ...(o.detainer !== undefined ? { detainerId: o.detainer } : {}),
        });
        print(o.json, filed, () => [`Complaint received. Your tracking code: ${filed.trackingCode}`, 'Keep it: it is the only way to follow your complaint (seccom complaint status <code>).']);
      }),
    );

  complaint
    .command('status')
    .description('the public status of a complaint, by its tracking code (no investigator notes)')
    .argument('<tracking-code>', 'CRCL-XXXX-XXXX-XXXX-XXXX-X (case, spaces and hyphens do not matter)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((code: string, o: { db?: string; json?: boolean }) =>
      withComplaints(o, async (complaints, store) => {
        const status = await complaints.publicStatus(store.db, code);
        print(o.json, status, () => renderPublicStatus(status));
      }),
    );

  complaint
    .command('show')
    .description('staff: the whole complaint with its history, notes included')
    .argument('<tracking-code>')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((code: string, o: { db?: string; json?: boolean }) =>
      withComplaints(o, async (complaints, store) => {
        const record = await complaints.show(store.db, code);
        print(o.json, record, () => renderRecord(record));
      }),
    );

  const staff = (name: string, description: string, args: (c: Command) => Command, command: (o: Record<string, string | undefined>, complaints: Complaints) => ComplaintCommand) => {
    args(complaint.command(name).description(`staff: ${description}`).argument('<tracking-code>'))
      .requiredOption('--actor <name>', 'who does this (recorded with the time)')
      .option('--db <store>', DB_OPTION_HELP)
      .option('--store <store>', STORE_SYNONYM_HELP)
      .option('--json', 'print the complaint after the change as JSON')
      .action((code: string, o: Record<string, string | undefined> & { json?: boolean }) =>
        withComplaints({ db: o.db, store: o.store }, async (complaints, store) => {
          const after = await complaints.act(store, code, command(o, complaints), o.actor ?? '');
          print(o.json, after, () => [`${after.trackingCode}: ${after.history.at(-1)?.action} by ${o.actor}; now ${after.status}.`]);
        }),
      );
  };

  staff(
    'triage',
    'set the category and priority (received or triaged complaints)',
    (c) => c.requiredOption('--category <category>', COMPLAINT_CATEGORIES.join(', ')).requiredOption('--priority <priority>', PRIORITIES.join(', ')),
    (o) => ({ type: 'triage', category: o.category ?? '', priority: oneOf<Priority>(o.priority, PRIORITIES, '--priority') }),
  );
  staff('assign', 'assign (or reassign) an investigator', (c) => c.requiredOption('--investigator <name>', 'the investigator'), (o) => ({ type: 'assign', investigator: o.investigator ?? '' }));
  staff(
    'note',
    'add an investigation note (append-only; starts the investigation)',
    (c) => c.option('--text <text>', 'the note').option('--text-file <file>', 'the note from a text file'),
    (o) => ({ type: 'note', text: textOf(o.text, o.textFile, 'note', 20_000) ?? '' }),
  );
  staff(
    'resolve',
    'record the outcome of the investigation',
    (c) => c.requiredOption('--finding <finding>', FINDINGS.join(', ')).requiredOption('--resolution <text>', 'what was found and done (shown to the public)').option('--referred-to <office>', 'with --finding referred: where it went'),
    (o) => ({ type: 'resolve', finding: oneOf<ComplaintFinding>(o.finding, FINDINGS, '--finding'), resolution: o.resolution ?? '', ...(o.referredTo !== undefined ? { referredTo: o.referredTo } : {}) }),
  );
  staff('close', 'close without a finding (withdrawn, duplicate, outside CRCL authority)', (c) => c.requiredOption('--reason <text>', 'why (shown to the public)'), (o) => ({ type: 'close', reason: o.reason ?? '' }));

  complaint
    .command('list')
    .description('staff: complaints filed in a window, by status, jurisdiction or investigator')
    .option('--status <status>', STATUSES.join(', '))
    .option('--ori <ori>', 'linked jurisdiction')
    .option('--investigator <name>', 'assigned investigator')
    .option('--from <date>', 'filed on or after (YYYY-MM-DD or instant)')
    .option('--to <date>', 'filed before (YYYY-MM-DD or instant)')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((o: { status?: string; ori?: string; investigator?: string; from?: string; to?: string; db?: string; json?: boolean }) => {
      const status = o.status === undefined ? undefined : oneOf<ComplaintStatus>(o.status, STATUSES, '--status');
      const from = dayOrInstant(o.from, '--from');
      const to = dayOrInstant(o.to, '--to');
      return withComplaints(o, async (complaints, store) => {
        const list = await complaints.list(store.db, { ...(status ? { status } : {}), ...(o.ori ? { ori: o.ori } : {}), ...(o.investigator ? { investigator: o.investigator } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
        print(o.json, list, () =>
          list.length === 0
            ? ['No complaint matches.']
            : [
                `${list.length} complaint${list.length === 1 ? '' : 's'}:`,
                ...list.map((c) => `  ${c.trackingCode}  ${when(c.filedAt)}  ${c.status.padEnd(19)} ${(c.priority ?? '—').padEnd(6)} ${c.category.padEnd(20)} ${c.ori ?? '—'}  ${c.investigator ?? ''}`),
              ],
        );
      });
    });

  complaint
    .command('counts')
    .description('complaints per jurisdiction in a window (what the quarterly review counts)')
    .requiredOption('--from <date>', 'start, inclusive (YYYY-MM-DD or instant)')
    .requiredOption('--to <date>', 'end, exclusive (YYYY-MM-DD or instant)')
    .option('--by <date>', 'filed (default) or incident', 'filed')
    .option('--db <store>', DB_OPTION_HELP)
    .option('--store <store>', STORE_SYNONYM_HELP)
    .option('--json', 'print as JSON')
    .action((o: { from: string; to: string; by: string; db?: string; json?: boolean }) => {
      const by = oneOf<'filed' | 'incident'>(o.by, ['filed', 'incident'], '--by');
      const from = dayOrInstant(o.from, '--from')!;
      const to = dayOrInstant(o.to, '--to')!;
      return withComplaints(o, async (_complaints, store) => {
        const counts = await complaintCountsByJurisdiction(store.db, { from, to, by });
        print(o.json, counts, () => [
          `Complaints ${by} from ${o.from} to ${o.to} (exclusive), per jurisdiction:`,
          ...counts.map((c) => `  ${(c.ori ?? '(none)').padEnd(10)} ${String(c.complaints).padStart(5)}  resolved ${c.byStatus.resolved} (substantiated ${c.byFinding.substantiated}, unsubstantiated ${c.byFinding.unsubstantiated}, referred ${c.byFinding.referred}), open ${c.complaints - c.byStatus.resolved - c.byStatus.closed}, closed ${c.byStatus.closed}`),
        ]);
      });
    });
}
