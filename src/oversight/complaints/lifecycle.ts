/**
 * The life of a complaint, as a pure state machine:
 *
 *   received ──triage──▶ triaged ──assign──▶ assigned ──note──▶ under-investigation ──resolve──▶ resolved
 *      │                  │  ▲ triage          │ ▲ assign (reassign)   │ ▲ note, assign (reassign)
 *      └──────────────────┴──┴─────── close ───┴─┴──────────────────────┴─┴──▶ closed
 *
 * `resolved` and `closed` are final. A command that does not fit the status, or whose fields are
 * wrong, is a ComplaintError and changes nothing.
 */
import { ComplaintError } from './errors.ts';
import { PRIORITIES, type Priority } from './intake.ts';

export const STATUSES = ['received', 'triaged', 'assigned', 'under-investigation', 'resolved', 'closed'] as const;
export type ComplaintStatus = (typeof STATUSES)[number];
export const FINDINGS = ['substantiated', 'unsubstantiated', 'referred'] as const;
export type ComplaintFinding = (typeof FINDINGS)[number];

/** What the public sees for each status. */
export const PUBLIC_STATUS_TEXT: Record<ComplaintStatus, string> = {
  received: 'Received: your complaint is waiting to be reviewed.',
  triaged: 'Reviewed: your complaint is waiting for an investigator.',
  assigned: 'Assigned: an investigator has your complaint.',
  'under-investigation': 'Under investigation.',
  resolved: 'Resolved: the investigation is finished.',
  closed: 'Closed without an investigation finding.',
};

export type ComplaintCommand =
  | { type: 'triage'; category: string; priority: Priority }
  | { type: 'assign'; investigator: string }
  | { type: 'note'; text: string }
  | { type: 'resolve'; finding: ComplaintFinding; resolution: string; referredTo?: string | null }
  | { type: 'close'; reason: string };

const ALLOWED: Record<ComplaintCommand['type'], readonly ComplaintStatus[]> = {
  triage: ['received', 'triaged'],
  assign: ['triaged', 'assigned', 'under-investigation'],
  note: ['assigned', 'under-investigation'],
  resolve: ['under-investigation'],
  close: ['received', 'triaged', 'assigned', 'under-investigation'],
};

const PAST: Record<ComplaintCommand['type'], string> = { triage: 'triaged', assign: 'assigned', note: 'given a note', resolve: 'resolved', close: 'closed' };
const MAX_TEXT = 20_000;
const MAX_NAME = 200;

/** The commands a complaint in `status` accepts. */
export function commandsAllowed(status: ComplaintStatus): ComplaintCommand['type'][] {
  return (Object.keys(ALLOWED) as ComplaintCommand['type'][]).filter((c) => ALLOWED[c].includes(status));
}

function text(value: unknown, field: string, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') throw new ComplaintError('INVALID_COMMAND', `${field} is required`, [{ field, message: 'required' }]);
  if (value.length > max) throw new ComplaintError('INVALID_COMMAND', `${field}: at most ${max} characters`, [{ field, message: `at most ${max} characters` }]);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value)) throw new ComplaintError('INVALID_COMMAND', `${field}: no control characters`, [{ field, message: 'no control characters' }]);
}

/** Checks a command's own fields (the status does not matter). */
export function checkCommand(command: ComplaintCommand, categories: readonly string[]): void {
  switch (command.type) {
    case 'triage':
      if (!categories.includes(command.category)) throw new ComplaintError('INVALID_COMMAND', `category must be one of: ${categories.join(', ')}`, [{ field: 'category', message: 'unknown category' }]);
      if (!PRIORITIES.includes(command.priority)) throw new ComplaintError('INVALID_COMMAND', `priority must be one of: ${PRIORITIES.join(', ')}`, [{ field: 'priority', message: 'unknown priority' }]);
      return;
    case 'assign':
      return text(command.investigator, 'investigator', MAX_NAME);
    case 'note':
      return text(command.text, 'note', MAX_TEXT);
    case 'resolve':
      if (!FINDINGS.includes(command.finding)) throw new ComplaintError('INVALID_COMMAND', `finding must be one of: ${FINDINGS.join(', ')}`, [{ field: 'finding', message: 'unknown finding' }]);
      text(command.resolution, 'resolution', MAX_TEXT);
      if (command.finding === 'referred') text(command.referredTo, 'referredTo (the office the complaint is referred to)', MAX_NAME);
      return;
    case 'close':
      return text(command.reason, 'reason', MAX_TEXT);
    default:
      throw new ComplaintError('INVALID_COMMAND', `unknown command ${(command as { type: unknown }).type as string}`);
  }
}

/** The status after `command`, or ComplaintError('INVALID_TRANSITION'). */
export function nextStatus(status: ComplaintStatus, command: ComplaintCommand, categories: readonly string[]): ComplaintStatus {
  checkCommand(command, categories);
  if (!ALLOWED[command.type].includes(status)) {
    const allowed = commandsAllowed(status);
    throw new ComplaintError('INVALID_TRANSITION', `a complaint that is ${status} cannot be ${PAST[command.type]}${allowed.length ? ` (it can be: ${allowed.join(', ')})` : ' (it is final)'}`);
  }
  switch (command.type) {
    case 'triage':
      return 'triaged';
    case 'assign':
      return status === 'triaged' ? 'assigned' : status;
    case 'note':
      return 'under-investigation';
    case 'resolve':
      return 'resolved';
    case 'close':
      return 'closed';
  }
}
