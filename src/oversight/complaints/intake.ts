/**
 * Public intake: what anyone may file, with no account — a category, a narrative, an optional
 * way to be contacted, optional links to a jurisdiction (ORI), a case and a detainer, and the
 * date of the incident. Parsed here, before anything is written; every problem is reported with
 * its field. Pure (the filing day comes in).
 */
import { z } from 'zod';
import { ComplaintError } from './errors.ts';

/** What a complaint is about; triage may re-categorise. Defaults, editable through `IntakeRules`. */
export const COMPLAINT_CATEGORIES = [
  'detention-past-limit',
  'us-citizen-detained',
  'no-detainer-notice',
  'racial-profiling',
  'pretextual-arrest',
  'victim-or-witness',
  'language-access',
  'mistreatment',
  'retaliation',
  'other',
] as const;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface IntakeRules {
  categories: readonly string[];
  /** Longest narrative accepted, in characters (default 20,000). */
  maxNarrative: number;
  /** Earliest incident date accepted (default 2008-10-01, the month the program began). */
  earliestIncident: string;
}

export const DEFAULT_INTAKE_RULES: IntakeRules = { categories: COMPLAINT_CATEGORIES, maxNarrative: 20_000, earliestIncident: '2008-10-01' };

/** A complaint as the public files it (CLI flags, a web form, JSON). */
export interface ComplaintInput {
  category: string;
  narrative: string;
  incidentDate: string;
  contact?: { name?: string; email?: string; phone?: string; address?: string } | null;
  ori?: string | null;
  caseId?: string | null;
  detainerId?: string | null;
}

/** The same, checked and normalised (trimmed; empty optional text dropped). */
export interface ValidComplaint {
  category: string;
  narrative: string;
  incidentDate: string;
  contact: { name?: string; email?: string; phone?: string; address?: string } | null;
  ori: string | null;
  caseId: string | null;
  detainerId: string | null;
}

// Control characters other than tab, line feed and carriage return make a narrative unreadable and unsafe to print.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const optionalText = (max: number, what: string) =>
  z
    .string()
    .max(max, `${what}: at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), `${what}: no control characters`)
    .transform((s) => s.trim())
    .optional()
    .nullable();

function isoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

function schema(rules: IntakeRules, filingDay: string) {
  return z
    .object({
      category: z.string().refine((c) => rules.categories.includes(c), { message: `one of: ${rules.categories.join(', ')}` }),
      narrative: z
        .string()
        .refine((s) => !CONTROL.test(s), 'no control characters')
        .transform((s) => s.trim())
        .refine((s) => s.length > 0, 'tell us what happened: the narrative is empty')
        .refine((s) => s.length <= rules.maxNarrative, `at most ${rules.maxNarrative.toLocaleString('en-US')} characters`),
      incidentDate: z
        .string()
        .refine(isoDate, 'a date YYYY-MM-DD')
        .refine((d) => !isoDate(d) || d <= filingDay, `cannot be after the day of filing (${filingDay})`)
        .refine((d) => !isoDate(d) || d >= rules.earliestIncident, `cannot be before ${rules.earliestIncident}`),
      contact: z
        .object({
          name: optionalText(200, 'name'),
          email: optionalText(254, 'email').refine((e) => !e || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e), 'an e-mail address like name@example.org'),
          phone: optionalText(40, 'phone').refine((p) => !p || /^\+?[0-9 ().-]{7,}$/.test(p), 'a phone number: digits, spaces, ( ) . - and a leading +'),
          address: optionalText(500, 'address'),
        })
        .strict()
        .optional()
        .nullable(),
      ori: z
        .string()
        .transform((s) => s.trim().toUpperCase())
        .refine((s) => s === '' || /^[A-Z0-9]{9}$/.test(s), 'an ORI is 9 letters or digits, e.g. TX1010000')
        .optional()
        .nullable(),
      caseId: z
        .string()
        .transform((s) => s.trim())
        .refine((s) => s === '' || /^[A-Za-z0-9_-]{1,64}$/.test(s), 'a case id: letters, digits, - or _')
        .optional()
        .nullable(),
      detainerId: z
        .string()
        .transform((s) => s.trim())
        .refine((s) => s === '' || /^DET-[A-Za-z0-9_-]{1,60}$/.test(s), 'a detainer id like DET-01H…')
        .optional()
        .nullable(),
    })
    .strict();
}

/**
 * Checks a filed complaint; returns it normalised or throws ComplaintError('INVALID_COMPLAINT')
 * listing every problem. `filingDay` is the day of filing (YYYY-MM-DD).
 */
export function validateComplaint(input: unknown, filingDay: string, rules: IntakeRules = DEFAULT_INTAKE_RULES): ValidComplaint {
  const parsed = schema(rules, filingDay).safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(complaint)', message: i.message }));
    throw new ComplaintError('INVALID_COMPLAINT', `the complaint cannot be filed: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
  const c = parsed.data;
  const contactEntries = Object.entries(c.contact ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return {
    category: c.category,
    narrative: c.narrative,
    incidentDate: c.incidentDate,
    contact: contactEntries.length > 0 ? Object.fromEntries(contactEntries) : null,
    ori: c.ori ? c.ori : null,
    caseId: c.caseId ? c.caseId : null,
    detainerId: c.detainerId ? c.detainerId : null,
  };
}
