/**
 * Schemas of the policy documents (one JSON file per dated version, plus the NCIC offense
 * table) and of the case facts the evaluator reads. Documents are parsed here, never cast.
 */
import { z } from 'zod';
import { PolicyError } from './errors.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'not a calendar date');

export const ncicCode = z.string().regex(/^\d{4}$/, 'expected a 4-digit NCIC offense code');

/** Stable identifier of a rule: lower-case words, dots and dashes (`p1.convicted-level-1`). */
const ruleId = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a rule id like "p1.gang-member"');

export const IMMIGRATION_STATUSES = [
  'us-citizen',
  'lpr',
  'nonimmigrant',
  'overstay',
  'ewi',
  'prior-removal',
  'pending-application',
  'unknown',
] as const;
export const immigrationStatus = z.enum(IMMIGRATION_STATUSES);
export type ImmigrationStatus = z.infer<typeof immigrationStatus>;

export const PERSON_FLAGS = [
  'nationalSecurityConcern',
  'gangMember',
  'outstandingCriminalWarrant',
  'immigrationFraud',
  'significantRisk',
  'apprehendedAtBorder',
  'victimOrWitness',
] as const;
export const DISCRETION_FLAGS = [
  'usEducation',
  'militaryService',
  'familyTies',
  'primaryCaretaker',
  'seriousHealthCondition',
  'pregnantOrNursing',
  'cooperatingWithLawEnforcement',
  'likelyRelief',
] as const;
export type PersonFlag = (typeof PERSON_FLAGS)[number];
export type DiscretionFlag = (typeof DISCRETION_FLAGS)[number];

const level = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type Level = z.infer<typeof level>;

// ---------------------------------------------------------------------------------------------
// Criteria: the small vocabulary a version uses to say who is a priority, who gets a detainer,
// which factors count for discretion. The evaluator implements each kind; documents combine them.

export type Criterion =
  | {
      kind: 'offense';
      /** Which offenses count: current charges not dismissed, convictions (prior + current), or both. */
      basis: 'charge' | 'conviction' | 'charge-or-conviction';
      severity?: 'felony' | 'misdemeanor';
      /** Level of the offense or more serious (1 = only Level 1). */
      maxLevel?: Level;
      anyTag?: string[];
      noneTag?: string[];
      /** Sentence actually imposed, in days (PEP "significant misdemeanor": 90 days or more). */
      minSentenceImposedDays?: number;
      /** How many such offenses (default 1). */
      atLeast?: number;
    }
  | { kind: 'flag'; flag: PersonFlag | DiscretionFlag }
  | { kind: 'status'; in: ImmigrationStatus[] }
  | { kind: 'age'; atLeast?: number; below?: number }
  | { kind: 'years-in-us'; atLeast: number }
  | { kind: 'arrival-age'; below: number }
  | { kind: 'entry'; withinYears?: number; onOrAfter?: string }
  | { kind: 'removal-order'; issuedOnOrAfter?: string }
  | { kind: 'all'; of: Criterion[] }
  | { kind: 'any'; of: Criterion[] }
  | { kind: 'not'; of: Criterion };

export const criterion: z.ZodType<Criterion> = z.lazy(() =>
  z
    .discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('offense'),
          basis: z.enum(['charge', 'conviction', 'charge-or-conviction']),
          severity: z.enum(['felony', 'misdemeanor']).optional(),
          maxLevel: level.optional(),
          anyTag: z.array(z.string().min(1)).min(1).optional(),
          noneTag: z.array(z.string().min(1)).min(1).optional(),
          minSentenceImposedDays: z.number().int().min(0).optional(),
          atLeast: z.number().int().min(1).optional(),
        })
        .strict(),
      z.object({ kind: z.literal('flag'), flag: z.enum([...PERSON_FLAGS, ...DISCRETION_FLAGS]) }).strict(),
      z.object({ kind: z.literal('status'), in: z.array(immigrationStatus).min(1) }).strict(),
      z.object({ kind: z.literal('age'), atLeast: z.number().min(0).optional(), below: z.number().min(0).optional() }).strict(),
      z.object({ kind: z.literal('years-in-us'), atLeast: z.number().min(0) }).strict(),
      z.object({ kind: z.literal('arrival-age'), below: z.number().min(0) }).strict(),
      z.object({ kind: z.literal('entry'), withinYears: z.number().int().min(1).optional(), onOrAfter: isoDate.optional() }).strict(),
      z.object({ kind: z.literal('removal-order'), issuedOnOrAfter: isoDate.optional() }).strict(),
      z.object({ kind: z.literal('all'), of: z.array(criterion).min(1) }).strict(),
      z.object({ kind: z.literal('any'), of: z.array(criterion).min(1) }).strict(),
      z.object({ kind: z.literal('not'), of: criterion }).strict(),
    ])
    .superRefine((c, ctx) => {
      if (c.kind === 'age' && c.atLeast === undefined && c.below === undefined) ctx.addIssue({ code: 'custom', message: 'give atLeast or below' });
      if (c.kind === 'entry' && (c.withinYears === undefined) === (c.onOrAfter === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of withinYears or onOrAfter' });
      }
    }),
);

/** A named criterion: the stable id and the plain-English text that appear in a decision's reasons. */
export const rule = z.object({ id: ruleId, text: z.string().min(1), test: criterion }).strict();
export type Rule = z.infer<typeof rule>;

const source = z
  .object({
    citation: z.string().min(1),
    date: isoDate,
    /** Free text: what the model takes from it, or why a value is only a default. */
    note: z.string().optional(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Policy version documents

const levelRange = z
  .object({
    from: ncicCode,
    to: ncicCode,
    level,
    /** For ranges split by the maximum sentence (3500–3599 dangerous drugs). */
    sentence: z.enum(['more-than-one-year', 'one-year-or-less']).optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((r) => r.from <= r.to, { message: '"from" must not be after "to"', path: ['to'] });

const stageBasis = z.enum(['charge-or-conviction', 'conviction']);

export const levelRules = z
  .object({
    /** DOMAIN §3 marks the Appendix A ranges "(default — configurable)"; documents say so here. */
    status: z.string().min(1),
    source,
    ranges: z.array(levelRange).min(1),
    /** Level of any code no range covers. */
    otherwise: level,
    /** When a charge in a sentence-split range has no known maximum sentence. */
    unknownSentence: z.enum(['by-severity', 'more-than-one-year', 'one-year-or-less']),
    basis: z.object({ identification: stageBasis, arrest: stageBasis, removal: stageBasis }).strict(),
  })
  .strict();
export type LevelRules = z.infer<typeof levelRules>;

const priorityClass = z
  .object({ id: z.string().regex(/^P\d$/, 'expected P1, P2, …'), title: z.string().min(1), rules: z.array(rule).min(1) })
  .strict();

const inForceBlock = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ inForce: z.boolean(), source: source.nullable(), text: z.string().min(1), ...shape }).strict();

export const policyVersion = z
  .object({
    id: z.string().regex(/^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$/, 'expected an id like "2011-06-17-discretion"'),
    effective: isoDate,
    supersededBy: z.string().nullable(),
    title: z.string().min(1),
    summary: z.string().min(1),
    sources: z.array(source).min(1),
    levels: levelRules,
    priorities: z
      .object({ scheme: z.string().nullable(), text: z.string().min(1), classes: z.array(priorityClass) })
      .strict(),
    removability: z
      .object({
        text: z.string().min(1),
        /** For an LPR or non-immigrant in status: convictions that make the person removable. */
        deportableConvictions: z.array(rule).min(1),
        whenNotEstablished: z.enum(['detainer-to-investigate', 'no-action']),
      })
      .strict(),
    detainers: z
      .object({
        issueFor: z.enum(['removable-hits', 'matching-criteria']),
        text: z.string().min(1),
        criteria: z.array(rule),
        /** What happens to a removable person no detainer criterion covers. */
        otherwise: z.enum(['no-action', 'notification-request-for-priorities']),
        form: z
          .object({
            name: z.string().min(1),
            copyToDetainee: z.boolean(),
            hotline: z.string().nullable(),
            holdLimitHours: z.number().int().positive(),
            excludesWeekendsAndHolidays: z.boolean(),
            /**
             * How the 48 hours read "holidays" (docs/detainer-clock.md, choice 4): `observed` —
             * the day federal offices close for a federal holiday (5 U.S.C. 6103(b)), the default;
             * `actual` — the holiday's own date only. With the wording read and where it is from.
             */
            holidays: z
              .object({
                dates: z.enum(['observed', 'actual']).default('observed'),
                wording: z.string().min(1),
                source,
              })
              .strict(),
            convictionOnlyOption: z.boolean(),
          })
          .strict(),
      })
      .strict()
      .refine((d) => d.issueFor === 'removable-hits' || d.criteria.length > 0, {
        message: 'matching-criteria needs at least one criterion',
        path: ['criteria'],
      }),
    discretion: inForceBlock({ positive: z.array(rule), negative: z.array(rule) }),
    victimWitness: inForceBlock({ aggravating: z.array(rule) }),
    minorTraffic: inForceBlock({
      chargeTag: z.string().min(1),
      requireNoPriorConvictions: z.boolean(),
      requireOutsidePriorities: z.boolean(),
    }),
    guards: z
      .object({
        /** Not switchable: a system that detains US citizens is failing (DOMAIN §4). */
        citizenshipIndication: z.literal('supervisor-review'),
        unknownStatus: z.literal('supervisor-review'),
        unknownOffenseCode: z.literal('supervisor-review'),
        text: z.string().min(1),
      })
      .strict(),
  })
  .strict();
export type PolicyVersion = z.infer<typeof policyVersion>;

// ---------------------------------------------------------------------------------------------
// NCIC offense table

export const offenseTable = z
  .object({
    status: z.string().min(1),
    source: z.string().min(1),
    blocks: z
      .array(
        z
          .object({
            block: z.string().regex(/^\d{2}$/, 'expected the 2-digit category'),
            category: z.string().min(1),
            tags: z.array(z.string().min(1)),
          })
          .strict(),
      )
      .min(1),
    codes: z.array(
      z
        .object({ code: ncicCode, name: z.string().min(1), tags: z.array(z.string().min(1)), note: z.string().optional() })
        .strict(),
    ),
    noCharge: z.object({ code: ncicCode, text: z.string().min(1) }).strict(),
  })
  .strict();
export type OffenseTable = z.infer<typeof offenseTable>;

// ---------------------------------------------------------------------------------------------
// Case facts

const offenseFacts = {
  code: ncicCode,
  date: isoDate,
  severity: z.enum(['felony', 'misdemeanor']),
  /** Maximum sentence the offense carries, in months; null when not known. */
  maxSentenceMonths: z.number().min(0).nullable(),
  /** Sentence actually imposed, in days, when convicted. */
  sentenceImposedDays: z.number().int().min(0).optional(),
  /** Extra tags the charging document establishes (e.g. "drug-distribution", "domestic-violence"). */
  tags: z.array(z.string().min(1)).default([]),
};

export const charge = z.object({ ...offenseFacts, disposition: z.enum(['pending', 'convicted', 'dismissed']) }).strict();
export const priorConviction = z.object(offenseFacts).strict();

const flags = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.boolean().default(false)])) as Record<K, z.ZodDefault<z.ZodBoolean>>).strict();

export const caseFacts = z
  .object({
    person: z
      .object({
        status: immigrationStatus,
        citizenshipBasis: z.enum(['birth', 'naturalization', 'derivation']).optional(),
        citizenshipIndications: z
          .object({ claimed: z.boolean().default(false), naturalizationRecord: z.boolean().default(false), birthRecord: z.boolean().default(false) })
          .strict()
          .default({}),
        age: z.number().int().min(0).max(130),
        yearsInUs: z.number().min(0).max(130),
        lastEntryDate: isoDate.nullable().default(null),
        removalOrder: z.object({ date: isoDate }).strict().nullable().default(null),
        ...flags(PERSON_FLAGS).shape,
        discretion: flags(DISCRETION_FLAGS).default({}),
      })
      .strict()
      .refine((p) => p.yearsInUs <= p.age, { message: 'yearsInUs cannot exceed age', path: ['yearsInUs'] }),
    charges: z.array(charge).default([]),
    priorConvictions: z.array(priorConviction).default([]),
  })
  .strict();
export type CaseFacts = z.infer<typeof caseFacts>;
/** Case facts as written by hand or received: defaults may be left out. */
export type CaseFactsInput = z.input<typeof caseFacts>;
export type Charge = z.infer<typeof charge>;
export type PriorConviction = z.infer<typeof priorConviction>;

export { isoDate };

/** Every problem of a zod failure as `{ path, message }`, paths written `a.b[2].c`. */
export function zodProblems(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((issue) => {
    let path = prefix;
    for (const part of issue.path) {
      if (typeof part === 'number') path += `[${part}]`;
      else path += path === '' || path.endsWith(': ') ? part : `.${part}`;
    }
    return { path, message: issue.message };
  });
}

/** Case facts from outside (JSON, a form): parsed, defaults filled; PolicyError('INVALID_FACTS') lists every problem. */
export function parseCaseFacts(input: unknown): CaseFacts {
  const parsed = caseFacts.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new PolicyError('INVALID_FACTS', 'case facts are invalid', zodProblems(parsed.error));
}
