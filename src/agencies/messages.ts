/**
 * The typed messages the agencies exchange (DOMAIN.md §2) and the addresses they go to. Every
 * payload is parsed at the receiving end; none carries biometric data except the two that
 * carry a tenprint submission into the records modules (CAR and the IDENT search request) —
 * and those carry it as an attachment (the EBTS transaction's bytes, stored once and passed by
 * SHA-256; platform/messaging/attachments.ts), not in the payload.
 */
import { z } from 'zod';
import { defineMessage, MessageParseError, type Message } from '../platform/messaging/index.ts';
import { IMMIGRATION_STATUSES } from '../policy/index.ts';
import { parseCalendarDate } from '../policy/dates.ts';

export const ADDRESS = {
  booking: 'booking',
  stateBureau: 'state-bureau',
  criminalRecords: 'criminal-records',
  immigrationRecords: 'immigration-records',
  lesc: 'lesc',
  fieldOffice: 'field-office',
  court: 'court',
  immigrationCourt: 'immigration-court',
  timers: 'timers',
} as const;

/** A real calendar day: 2011-02-30 is refused (the strict parser never rolls it over into March). */
const isoDate = z.string().refine((s) => parseCalendarDate(s) !== null, 'a real calendar date YYYY-MM-DD');
const epochMs = z.number().int();

/** A charge as the jail records it: the NCIC code plus what the charging document says. */
export const chargeFacts = z
  .object({
    ncicCode: z.string().regex(/^\d{4}$/),
    literal: z.string(),
    offenseDate: isoDate,
    severity: z.enum(['felony', 'misdemeanor']),
    maxSentenceMonths: z.number().min(0).nullable(),
    tags: z.array(z.string().min(1)),
    disposition: z.enum(['pending', 'convicted', 'dismissed']),
    dispositionAt: epochMs.nullable(),
  })
  .strict();
export type ChargeFacts = z.infer<typeof chargeFacts>;

/** A prior conviction on the FBI rap sheet. */
export const rapSheetConviction = z
  .object({
    ncicCode: z.string().regex(/^\d{4}$/),
    date: isoDate,
    severity: z.enum(['felony', 'misdemeanor']),
    maxSentenceMonths: z.number().min(0).nullable(),
    sentenceImposedDays: z.number().int().min(0).optional(),
    tags: z.array(z.string()).default([]),
  })
  .strict();
export type RapSheetConviction = z.infer<typeof rapSheetConviction>;

/** What the arresting officer noted about the circumstances (the policy's person flags). */
export const circumstances = z
  .object({
    victimOrWitness: z.boolean().default(false),
    gangMember: z.boolean().default(false),
    outstandingCriminalWarrant: z.boolean().default(false),
  })
  .strict();
export type Circumstances = z.infer<typeof circumstances>;

export const ENCOUNTER_KINDS = ['visa', 'admission', 'apprehension', 'removal', 'benefit', 'naturalization'] as const;
export const encounter = z
  .object({
    kind: z.enum(ENCOUNTER_KINDS),
    date: isoDate,
    /** Admission: admitted until (non-immigrants). */
    admittedUntil: isoDate.optional(),
    /** Benefit: what was applied for or granted. */
    benefit: z.enum(['permanent-residence-granted', 'asylum-pending', 'adjustment-pending', 'tps-pending']).optional(),
    note: z.string().optional(),
  })
  .strict();
export type Encounter = z.infer<typeof encounter>;

/** The person as the jail booked them, without biometrics. */
export const bookedPerson = z
  .object({
    name: z.string(),
    dateOfBirth: z.string(),
    claimedCitizenship: z.string().nullable(),
    placeOfBirth: z.string(),
    arrestDate: isoDate,
    circumstances,
  })
  .strict();
export type BookedPerson = z.infer<typeof bookedPerson>;

/**
 * CAR: the booking's criminal tenprint submission, jail → SIB → FBI. The EBTS transaction (with
 * the prints) is the message's attachment; the payload has what the agencies route on.
 */
export const Car = defineMessage(
  'car',
  z.object({ caseId: z.string(), ori: z.string(), tcn: z.string(), bookedAt: epochMs, person: bookedPerson, charges: z.array(chargeFacts).min(1) }).strict(),
);

/** SRE: the FBI's submission results (EBTS, base64) with the structured rap sheet, FBI → SIB → jail. */
export const Sre = defineMessage(
  'sre',
  z
    .object({
      caseId: z.string(),
      ebts: z.string(),
      result: z.enum(['ident', 'non-ident']),
      fbiNumber: z.string(),
      priorConvictions: z.array(rapSheetConviction),
    })
    .strict(),
);

/** ERRT: the FBI rejects a submission it cannot search (e.g. undecodable prints), FBI → SIB → jail. */
export const Errt = defineMessage('errt', z.object({ caseId: z.string(), ebts: z.string(), problems: z.array(z.string()).min(1) }).strict());

/** The immigration search request: SIB → IDENT, with the CAR's EBTS transaction as its attachment. */
export const IdentSearch = defineMessage('ident-search', z.object({ caseId: z.string(), tcn: z.string() }).strict());

/** The attachment (SHA-256) a CAR or IDENT search request must carry; a parse error without one. */
export function submissionAttachment(message: Message): string {
  if (message.attachment === undefined || !/^[0-9a-f]{64}$/.test(message.attachment)) throw new MessageParseError(message.id, message.type, 'the EBTS transaction attachment is missing');
  return message.attachment;
}

/** IDR: IDENT's response, match (with the identity's encounters, never its biometrics) or no match. */
export const Idr = defineMessage(
  'idr',
  z.discriminatedUnion('result', [
    z.object({ result: z.literal('no-match'), caseId: z.string() }).strict(),
    z.object({ result: z.literal('match'), caseId: z.string(), identityId: z.string(), score: z.number(), encounters: z.array(encounter) }).strict(),
  ]),
);

/** IAQ: Immigration Alien Query, router → LESC. */
export const Iaq = defineMessage(
  'iaq',
  z
    .object({
      caseId: z.string(),
      ori: z.string(),
      identityId: z.string(),
      encounters: z.array(encounter),
      person: bookedPerson,
      charges: z.array(chargeFacts),
      priorConvictions: z.array(rapSheetConviction),
      fbiNumber: z.string(),
      /** The most serious charge's NCIC code, 0399 when there is none (DOMAIN §3). */
      mostSeriousCode: z.string(),
    })
    .strict(),
);

const reason = z.object({ rule: z.string(), text: z.string(), facts: z.array(z.string()) }).strict();

/** IAR: Immigration Alien Response, LESC → field office and (unless opted out) → jail. */
export const Iar = defineMessage(
  'iar',
  z
    .object({
      caseId: z.string(),
      ori: z.string(),
      status: z.enum(IMMIGRATION_STATUSES),
      statusReasons: z.array(z.string()),
      citizenshipIndications: z.array(z.string()),
      level: z.union([z.literal(1), z.literal(2), z.literal(3), z.null()]),
      policyVersion: z.string(),
      levelReasons: z.array(reason),
      /** Case facts as LESC established them (CaseFactsInput of the policy). */
      facts: z.unknown(),
    })
    .strict(),
);

/** I-247 detainer, field office → jail. */
export const Detainer = defineMessage(
  'detainer',
  z
    .object({
      caseId: z.string(),
      detainerId: z.string(),
      form: z.string(),
      issuedAt: epochMs,
      copyToDetainee: z.boolean(),
      hotline: z.string().nullable(),
      holdLimitHours: z.number(),
      policyVersion: z.string(),
    })
    .strict(),
);

export const DetainerLift = defineMessage('detainer-lift', z.object({ caseId: z.string(), detainerId: z.string(), at: epochMs, reason: z.string() }).strict());

/** The jail does not honour a detainer (TRUST-Act style jurisdictions), jail → field office. */
export const DetainerDeclined = defineMessage('detainer-declined', z.object({ caseId: z.string(), detainerId: z.string(), at: epochMs, reason: z.string() }).strict());

/**
 * Why the person left the jail: `reported-release` — the jail reported releasing the person
 * during the hold, before its limit; `transferred-to-ice` — the jail reported handing the person
 * to ICE (a release the jail reports after the limit is `hold-lapsed`, at the reported time).
 */
export const RELEASE_REASONS = ['release-due', 'hold-lapsed', 'detainer-lifted', 'released-before-detainer', 'reported-release', 'transferred-to-ice'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/** Release notice, jail → field office: the person is due for release (the hold starts), or was released. */
export const ReleaseNotice = defineMessage(
  'release-notice',
  z
    .object({
      caseId: z.string(),
      detainerId: z.string().nullable(),
      kind: z.enum(['release-due', 'released']),
      at: epochMs,
      reason: z.enum(RELEASE_REASONS),
      holdExpiresAt: epochMs.nullable(),
    })
    .strict(),
);

/** The detainer clock ran out: timer → jail. */
export const HoldExpired = defineMessage('hold-expired', z.object({ caseId: z.string(), detainerId: z.string(), expiresAt: epochMs }).strict());

/** ICE assumes custody, field office → jail. */
export const CustodyTransfer = defineMessage('custody-transfer', z.object({ caseId: z.string(), detainerId: z.string(), at: epochMs }).strict());

/** A court disposition of the booking's charges, jail → SIB → FBI (rap sheet) and field office. */
export const Disposition = defineMessage(
  'disposition',
  z.object({ caseId: z.string(), outcome: z.enum(['conviction', 'dismissal']), ncicCodes: z.array(z.string()), at: epochMs, charges: z.array(chargeFacts) }).strict(),
);

export const PROCEEDINGS_OUTCOMES = ['removed', 'voluntary-departure', 'relief-granted', 'terminated', 'pending'] as const;
export type ProceedingsOutcomeKind = (typeof PROCEEDINGS_OUTCOMES)[number];
/** Outcome of removal proceedings, immigration court → field office. */
export const ProceedingsOutcome = defineMessage('proceedings-outcome', z.object({ caseId: z.string(), outcome: z.enum(PROCEEDINGS_OUTCOMES), at: epochMs }).strict());

/** base64 of bytes, for EBTS transactions inside JSON payloads. */
export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
