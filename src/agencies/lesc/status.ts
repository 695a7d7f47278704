/**
 * LESC's status determination from IDENT encounters, as of the arrest date. Deliberately the
 * records-based determination of the period: a naturalization record is reported as a
 * *citizenship indication* (to be verified by a supervisor), not as a settled status, and the
 * status comes from the immigration encounters. Every step names the encounter it rests on.
 */
import type { CaseFactsInput, ImmigrationStatus } from '../../policy/index.ts';
import type { BookedPerson, ChargeFacts, Encounter, RapSheetConviction } from '../messages.ts';

export interface StatusDetermination {
  status: ImmigrationStatus;
  reasons: string[];
  citizenshipIndications: ('naturalization-record' | 'claimed')[];
}

export function determineStatus(encounters: readonly Encounter[], person: BookedPerson): StatusDetermination {
  const asOf = person.arrestDate;
  const seen = [...encounters].filter((e) => e.date <= asOf).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const indications: StatusDetermination['citizenshipIndications'] = [];
  const reasons: string[] = [];
  const naturalization = seen.find((e) => e.kind === 'naturalization');
  if (naturalization) {
    indications.push('naturalization-record');
    reasons.push(`naturalization record of ${naturalization.date}: citizenship indicated, to be verified`);
  }
  if (person.claimedCitizenship === 'US') {
    indications.push('claimed');
    reasons.push('the person claimed US citizenship at booking');
  }
  const removal = [...seen].reverse().find((e) => e.kind === 'removal');
  const lpr = [...seen].reverse().find((e) => e.kind === 'benefit' && e.benefit === 'permanent-residence-granted');
  if (removal && !(lpr && lpr.date > removal.date)) {
    reasons.push(`removed on ${removal.date} and found in the US again: prior removal`);
    return { status: 'prior-removal', reasons, citizenshipIndications: indications };
  }
  if (lpr) {
    reasons.push(`permanent residence granted on ${lpr.date}`);
    return { status: 'lpr', reasons, citizenshipIndications: indications };
  }
  const pending = [...seen].reverse().find((e) => e.kind === 'benefit');
  if (pending) {
    reasons.push(`pending application (${pending.benefit ?? 'benefit'}) of ${pending.date}`);
    return { status: 'pending-application', reasons, citizenshipIndications: indications };
  }
  const entry = [...seen].reverse().find((e) => e.kind === 'admission' || e.kind === 'apprehension');
  if (entry?.kind === 'admission') {
    if (entry.admittedUntil !== undefined && entry.admittedUntil < asOf) {
      reasons.push(`admitted on ${entry.date} until ${entry.admittedUntil}, still present on ${asOf}: overstay`);
      return { status: 'overstay', reasons, citizenshipIndications: indications };
    }
    reasons.push(`admitted on ${entry.date}${entry.admittedUntil ? ` until ${entry.admittedUntil}` : ''}: in status`);
    return { status: 'nonimmigrant', reasons, citizenshipIndications: indications };
  }
  if (entry?.kind === 'apprehension') {
    reasons.push(`apprehended on ${entry.date} after entering without inspection`);
    return { status: 'ewi', reasons, citizenshipIndications: indications };
  }
  const visa = [...seen].reverse().find((e) => e.kind === 'visa');
  if (visa) {
    reasons.push(`visa record of ${visa.date} but no admission on file: status unknown`);
    return { status: 'unknown', reasons, citizenshipIndications: indications };
  }
  reasons.push('no status-bearing encounter on file');
  return { status: 'unknown', reasons, citizenshipIndications: indications };
}

const years = (from: string, to: string) => Math.max(0, (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (365.25 * 86_400_000));

/** The policy's case facts for this person, as LESC establishes them. */
export function caseFactsOf(input: { person: BookedPerson; encounters: readonly Encounter[]; charges: readonly ChargeFacts[]; priorConvictions: readonly RapSheetConviction[]; determination: StatusDetermination }): CaseFactsInput {
  const { person, encounters, determination } = input;
  const dob = /^\d{8}$/.test(person.dateOfBirth) && person.dateOfBirth !== '00000000' ? `${person.dateOfBirth.slice(0, 4)}-${person.dateOfBirth.slice(4, 6)}-${person.dateOfBirth.slice(6, 8)}` : null;
  const age = dob ? Math.floor(years(dob, person.arrestDate)) : 30;
  const seen = encounters.filter((e) => e.date <= person.arrestDate);
  const firstPresence = seen.filter((e) => e.kind !== 'visa' && e.kind !== 'removal').map((e) => e.date).sort()[0];
  const entries = seen.filter((e) => e.kind === 'admission' || e.kind === 'apprehension').map((e) => e.date).sort();
  return {
    person: {
      status: determination.status,
      citizenshipIndications: { claimed: determination.citizenshipIndications.includes('claimed'), naturalizationRecord: determination.citizenshipIndications.includes('naturalization-record'), birthRecord: false },
      age,
      yearsInUs: Math.min(age, firstPresence ? Math.round(years(firstPresence, person.arrestDate) * 10) / 10 : 0),
      lastEntryDate: entries.at(-1) ?? null,
      victimOrWitness: person.circumstances.victimOrWitness,
      gangMember: person.circumstances.gangMember,
      outstandingCriminalWarrant: person.circumstances.outstandingCriminalWarrant,
    },
    charges: input.charges.map((c) => ({ code: c.ncicCode, date: c.offenseDate, severity: c.severity, maxSentenceMonths: c.maxSentenceMonths, tags: c.tags, disposition: c.disposition })),
    priorConvictions: input.priorConvictions.map((c) => ({ code: c.ncicCode, date: c.date, severity: c.severity, maxSentenceMonths: c.maxSentenceMonths, ...(c.sentenceImposedDays !== undefined ? { sentenceImposedDays: c.sentenceImposedDays } : {}), tags: c.tags })),
  };
}
