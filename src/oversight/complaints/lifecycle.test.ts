import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ComplaintError } from './errors.ts';
import { COMPLAINT_CATEGORIES, validateComplaint } from './intake.ts';
import { commandsAllowed, nextStatus, STATUSES, type ComplaintCommand, type ComplaintStatus } from './lifecycle.ts';

const FILING_DAY = '2013-06-01';
const valid = { category: 'detention-past-limit', narrative: 'Held three days after my release date.', incidentDate: '2013-05-20' };

describe('intake', () => {
  it('accepts a complaint with nothing but a category, a narrative and a date, and normalises the optional parts', () => {
    expect(validateComplaint(valid, FILING_DAY)).toEqual({ ...valid, contact: null, ori: null, caseId: null, detainerId: null });
    expect(validateComplaint({ ...valid, narrative: '  text  ', contact: { name: ' Ana ', email: '' }, ori: ' tx1010000 ', caseId: '', detainerId: 'DET-01ABC' }, FILING_DAY)).toEqual({
      ...valid,
      narrative: 'text',
      contact: { name: 'Ana' },
      ori: 'TX1010000',
      caseId: null,
      detainerId: 'DET-01ABC',
    });
  });

  it('refuses an empty or huge narrative, an unknown category, a future or impossible date and malformed links, listing every problem', () => {
    const refused = (input: unknown) => {
      try {
        validateComplaint(input, FILING_DAY);
      } catch (error) {
        expect(error).toBeInstanceOf(ComplaintError);
        return (error as ComplaintError).issues.map((i) => i.field);
      }
      throw new Error('accepted');
    };
    expect(refused({ ...valid, narrative: ' \n\t ' })).toEqual(['narrative']);
    expect(refused({ ...valid, narrative: 'x'.repeat(20_001) })).toEqual(['narrative']);
    expect(refused({ ...valid, narrative: 'a\u0000b' })).toEqual(['narrative']);
    expect(refused({ ...valid, category: 'parking' })).toEqual(['category']);
    expect(refused({ ...valid, incidentDate: '2013-06-02' })).toEqual(['incidentDate']);
    expect(refused({ ...valid, incidentDate: '2013-02-30' })).toEqual(['incidentDate']);
    expect(refused({ ...valid, incidentDate: '2001-01-01' })).toEqual(['incidentDate']);
    expect(refused({ ...valid, ori: 'TX10', caseId: 'a b', detainerId: 'D-1', contact: { email: 'nobody', phone: 'call me' } })).toEqual(['contact.email', 'contact.phone', 'ori', 'caseId', 'detainerId']);
    expect(refused({ ...valid, extra: 1 })).toEqual(['(complaint)']);
    expect(refused(null)).toEqual(['(complaint)']);
  });

  it('for any input, returns a complaint that keeps the rules or refuses it with a ComplaintError', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(''), fc.constant('   '), fc.string({ minLength: 19_990, maxLength: 20_010 }), fc.constant('ok\u0007'));
    const arb = fc.record(
      {
        category: fc.oneof(fc.constantFrom(...COMPLAINT_CATEGORIES), fc.string({ maxLength: 10 })),
        narrative: text,
        incidentDate: fc.oneof(fc.constantFrom('2013-05-31', '2013-06-01', '2013-06-02', '2008-09-30', '2008-10-01', '2012-02-29', '2013-02-29', '13-1-1'), fc.string({ maxLength: 10 })),
        contact: fc.option(fc.record({ name: fc.string({ maxLength: 5 }), email: fc.constantFrom('a@b.org', 'bad', ''), phone: fc.constantFrom('+1 (555) 010-9999', '12', '') }, { requiredKeys: [] })),
        ori: fc.option(fc.oneof(fc.constantFrom('TX1010000', 'tx1010000', 'TX10'), fc.string({ maxLength: 10 }))),
        caseId: fc.option(fc.string({ maxLength: 70 })),
        detainerId: fc.option(fc.oneof(fc.constant('DET-01H'), fc.string({ maxLength: 10 }))),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(arb, fc.anything()), (input) => {
        let result;
        try {
          result = validateComplaint(input, FILING_DAY);
        } catch (error) {
          expect(error).toBeInstanceOf(ComplaintError);
          expect((error as ComplaintError).code).toBe('INVALID_COMPLAINT');
          expect((error as ComplaintError).issues.length).toBeGreaterThan(0);
          return;
        }
        expect(COMPLAINT_CATEGORIES).toContain(result.category);
        expect(result.narrative.length).toBeGreaterThan(0);
        expect(result.narrative.length).toBeLessThanOrEqual(20_000);
        expect(result.narrative).toBe(result.narrative.trim());
        expect(result.incidentDate >= '2008-10-01' && result.incidentDate <= FILING_DAY).toBe(true);
        if (result.ori !== null) expect(result.ori).toMatch(/^[A-Z0-9]{9}$/);
        if (result.detainerId !== null) expect(result.detainerId).toMatch(/^DET-/);
      }),
      { numRuns: 2000 },
    );
  });
});

/** The rules again, written as the table of the issue's state diagram (a second reading of lifecycle.ts). */
const EXPECTED: Record<ComplaintStatus, Partial<Record<ComplaintCommand['type'], ComplaintStatus>>> = {
  received: { triage: 'triaged', close: 'closed' },
  triaged: { triage: 'triaged', assign: 'assigned', close: 'closed' },
  assigned: { assign: 'assigned', note: 'under-investigation', close: 'closed' },
  'under-investigation': { assign: 'under-investigation', note: 'under-investigation', resolve: 'resolved', close: 'closed' },
  resolved: {},
  closed: {},
};

const arbCommand: fc.Arbitrary<ComplaintCommand> = fc.oneof(
  fc.record({ type: fc.constant('triage' as const), category: fc.constantFrom('other', 'racial-profiling', 'nonsense'), priority: fc.constantFrom('low', 'high', 'urgent', 'whenever' as never) }),
  fc.record({ type: fc.constant('assign' as const), investigator: fc.constantFrom('J. Rivera', '', '  ') }),
  fc.record({ type: fc.constant('note' as const), text: fc.constantFrom('Called the jail.', '', 'x'.repeat(20_001)) }),
  fc.record({ type: fc.constant('resolve' as const), finding: fc.constantFrom('substantiated', 'unsubstantiated', 'referred', 'maybe' as never), resolution: fc.constantFrom('Policy changed.', ''), referredTo: fc.option(fc.constantFrom('DHS OIG', '')) }),
  fc.record({ type: fc.constant('close' as const), reason: fc.constantFrom('Duplicate of another complaint.', '') }),
);

function wellFormed(c: ComplaintCommand): boolean {
  switch (c.type) {
    case 'triage':
      return c.category !== 'nonsense' && (c.priority as string) !== 'whenever';
    case 'assign':
      return c.investigator.trim() !== '';
    case 'note':
      return c.text !== '' && c.text.length <= 20_000;
    case 'resolve':
      return (c.finding as string) !== 'maybe' && c.resolution !== '' && (c.finding !== 'referred' || (c.referredTo ?? '') !== '');
    case 'close':
      return c.reason !== '';
  }
}

describe('the complaint state machine', () => {
  it('follows the diagram for any sequence of commands; a command that does not fit is a typed error and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(arbCommand, { maxLength: 25 }), (commands) => {
        let status: ComplaintStatus = 'received';
        for (const c of commands) {
          const expected = wellFormed(c) ? EXPECTED[status][c.type] : undefined;
          try {
            const next = nextStatus(status, c, COMPLAINT_CATEGORIES);
            expect(next).toBe(expected);
            status = next;
          } catch (error) {
            expect(error).toBeInstanceOf(ComplaintError);
            expect(expected).toBeUndefined();
            expect((error as ComplaintError).code).toBe(wellFormed(c) ? 'INVALID_TRANSITION' : 'INVALID_COMMAND');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('says which commands a status allows, and that resolved and closed are final', () => {
    for (const s of STATUSES) expect(commandsAllowed(s).sort()).toEqual(Object.keys(EXPECTED[s]).sort());
    expect(() => nextStatus('resolved', { type: 'note', text: 'late' }, COMPLAINT_CATEGORIES)).toThrow('a complaint that is resolved cannot be given a note (it is final)');
    expect(() => nextStatus('received', { type: 'resolve', finding: 'substantiated', resolution: 'x' }, COMPLAINT_CATEGORIES)).toThrow('cannot be resolved (it can be: triage, close)');
  });
});
