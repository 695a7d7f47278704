import { describe, expect, it } from 'vitest';
import { parseCaseFacts } from '../../policy/index.ts';
import type { BookedPerson, Encounter } from '../messages.ts';
import { caseFactsOf, determineStatus } from './status.ts';

const person = (over: Partial<BookedPerson> = {}): BookedPerson => ({
  name: 'DOE,JOHN',
  dateOfBirth: '19800101',
  claimedCitizenship: 'MM',
  placeOfBirth: 'MM',
  arrestDate: '2013-05-02',
  circumstances: { victimOrWitness: false, gangMember: false, outstandingCriminalWarrant: false },
  ...over,
});

describe('LESC status determination from IDENT encounters', () => {
  it('reads an admission past its end date as an overstay and one still running as in status', () => {
    const admitted: Encounter[] = [{ kind: 'admission', date: '2012-01-01', admittedUntil: '2012-07-01' }];
    expect(determineStatus(admitted, person()).status).toBe('overstay');
    expect(determineStatus(admitted, person({ arrestDate: '2012-03-01' })).status).toBe('nonimmigrant');
  });

  it('reads a removal followed by presence as a prior removal, unless permanent residence came later', () => {
    expect(determineStatus([{ kind: 'removal', date: '2009-01-01' }], person()).status).toBe('prior-removal');
    expect(determineStatus([{ kind: 'removal', date: '2001-01-01' }, { kind: 'benefit', date: '2005-01-01', benefit: 'permanent-residence-granted' }], person()).status).toBe('lpr');
  });

  it('reports a naturalization record and a claim of citizenship as indications, not as a settled status', () => {
    const d = determineStatus([{ kind: 'visa', date: '1990-01-01' }, { kind: 'admission', date: '1990-02-01', admittedUntil: '1990-08-01' }, { kind: 'naturalization', date: '2001-01-01' }], person({ claimedCitizenship: 'US' }));
    expect(d.status).toBe('overstay');
    expect(d.citizenshipIndications).toEqual(['naturalization-record', 'claimed']);
  });

  it('ignores encounters after the arrest and says unknown when nothing bears on status', () => {
    expect(determineStatus([{ kind: 'apprehension', date: '2014-01-01' }], person()).status).toBe('unknown');
  });

  it('builds case facts the policy accepts, with years in the US never above the age', () => {
    const facts = caseFactsOf({
      person: person({ dateOfBirth: '20000101' }),
      encounters: [{ kind: 'apprehension', date: '1990-01-01' }],
      charges: [{ ncicCode: '5499', literal: 'TRAFFIC', offenseDate: '2013-05-01', severity: 'misdemeanor', maxSentenceMonths: 6, tags: ['traffic'], disposition: 'pending', dispositionAt: null }],
      priorConvictions: [],
      determination: determineStatus([{ kind: 'apprehension', date: '1990-01-01' }], person()),
    });
    const parsed = parseCaseFacts(facts);
    expect(parsed.person.age).toBe(13);
    expect(parsed.person.yearsInUs).toBe(13);
    expect(parsed.person.lastEntryDate).toBe('1990-01-01');
  });
});
