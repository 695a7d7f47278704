import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FACT_FIELDS, factFromJson, factToJson } from './serialize.ts';
import { emptyFact, type CaseFact } from './types.ts';

const time = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null });
const str = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const level = fc.option(fc.constantFrom(1 as const, 2 as const, 3 as const), { nil: null });
const category = fc.option(fc.constantFrom('level-1' as const, 'level-2' as const, 'level-3' as const, 'non-criminal' as const), { nil: null });

const fact: fc.Arbitrary<CaseFact> = fc.record({
  caseId: fc.string({ minLength: 1, maxLength: 20 }),
  ori: str,
  state: str,
  aor: str,
  participationAtBooking: str,
  bookedAt: time,
  arrestDate: str,
  demographics: fc.option(fc.record({ sex: str, race: str, yearOfBirth: fc.option(fc.integer({ min: 1900, max: 2020 }), { nil: null }), placeOfBirth: str, claimedCitizenship: str }), { nil: null }),
  charges: fc.array(fc.record({ ncicCode: fc.string({ maxLength: 4 }), level, disposition: fc.constantFrom('pending' as const, 'convicted' as const, 'dismissed' as const), dispositionAt: time }), { maxLength: 3 }),
  fingerprintSubmittedAt: time,
  criminalSearch: fc.option(fc.constantFrom('ident' as const, 'non-ident' as const, 'rejected' as const), { nil: null }),
  criminalSearchAt: time,
  identSearch: fc.option(fc.constantFrom('searched' as const, 'deferred' as const, 'not-routed' as const, 'dropped' as const, 'submission-rejected' as const), { nil: null }),
  identSearchedAt: time,
  identResult: fc.option(fc.constantFrom('match' as const, 'no-match' as const), { nil: null }),
  identResultAt: time,
  identifiedAt: time,
  iarAt: time,
  immigrationStatus: str,
  iarPolicyVersion: str,
  levelAtIdentification: category,
  priorConvictionLevels: fc.option(fc.array(fc.constantFrom(1 as const, 2 as const, 3 as const), { maxLength: 3 }), { nil: null }),
  convictionLevelAtIar: category,
  detainers: fc.array(fc.record({ detainerId: fc.string({ maxLength: 8 }), issuedAt: fc.integer({ min: 0, max: 2 ** 40 }), releaseDueAt: time, holdExpiresAt: time, ended: fc.option(fc.constantFrom('custody' as const, 'lapsed' as const, 'lifted' as const, 'declined' as const, 'not-served' as const), { nil: null }), endedAt: time }), { maxLength: 2 }),
  firstDetainerAt: time,
  iceCustodyAt: time,
  levelAtIceCustody: category,
  proceedingsOutcome: str,
  proceedingsOutcomeAt: time,
  removedAt: time,
  levelAtRemoval: category,
  releasedAt: time,
  releaseReason: str,
  disposition: fc.constantFrom('pending' as const, 'convicted' as const, 'dismissed' as const),
  convictedAt: time,
  dismissedAt: time,
  citizenshipIndicatedAt: time,
  citizenshipIndications: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
  supervisorReviewAt: time,
  citizenshipResolution: fc.option(fc.constantFrom('verified' as const, 'not-verified' as const), { nil: null }),
  citizenshipResolvedAt: time,
  events: fc.nat(),
  lastSeq: fc.nat(),
});

describe('stored facts', () => {
  it('refuse a damaged row with OversightError MALFORMED_FACT, never a SyntaxError or TypeError (property)', () => {
    // Found by the mutation fuzz (src/platform/fuzz): a row that was not JSON, or whose charges were not rows, crashed the reader.
    const damaged = fc.oneof(
      fact.chain((f) => fc.nat().map((cut) => factToJson(f).slice(0, cut % factToJson(f).length))),
      fc.json(),
      fc.constantFrom('["f1",null,null,null,null,null,null,null,7]', '["f1",null,null,null,null,null,null,null,[1,2]]', '{"charges":[3]}', '{"detainers":"x"}', '["f1",null,null,null,null,null,null,"M"]', '', 'null', '7'),
    );
    fc.assert(
      fc.property(damaged, (text) => {
        try {
          const f = factFromJson('CASE-1', text);
          expect(f.caseId).toBe('CASE-1');
          expect(Array.isArray(f.charges) && Array.isArray(f.detainers)).toBe(true);
        } catch (error) {
          expect(error).toMatchObject({ name: 'OversightError', code: 'MALFORMED_FACT' });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('store every field of a fact', () => {
    expect([...FACT_FIELDS].sort()).toEqual(Object.keys(emptyFact('x')).filter((k) => k !== 'caseId').sort());
  });

  it('read back exactly what was written (property)', () => {
    fc.assert(fc.property(fact, (f) => {
        expect(factFromJson(f.caseId, factToJson(f))).toEqual(f);
      }), { numRuns: 300 });
  });

  it('write the same text as JSON.stringify of the positional array, whatever the strings hold (property)', () => {
    const text = fc.option(fc.string({ maxLength: 8, unit: 'binary' }), { nil: null });
    const odd = fc.record({ ori: text, arrestDate: text, releaseReason: text, citizenshipIndications: fc.array(fc.string({ maxLength: 6, unit: 'binary' }), { maxLength: 3 }), bookedAt: fc.option(fc.oneof(fc.double(), fc.integer()), { nil: null }) });
    fc.assert(
      fc.property(fact, odd, (f, o) => {
        const g = { ...f, ...o };
        const positional = FACT_FIELDS.map((k) => {
          if (k === 'demographics') return g.demographics && Object.values(g.demographics);
          if (k === 'charges') return g.charges.map((c) => [c.ncicCode, c.level, c.disposition, c.dispositionAt]);
          if (k === 'detainers') return g.detainers.map((d) => [d.detainerId, d.issuedAt, d.releaseDueAt, d.holdExpiresAt, d.ended, d.endedAt]);
          return g[k];
        });
        expect(factToJson(g)).toBe(JSON.stringify(['f1', ...positional]));
      }),
      { numRuns: 300 },
    );
  });

  it('read rows written before a field was added with that field at its default', () => {
    const f = { ...emptyFact('C1'), ori: 'TX1010000', lastSeq: 9 };
    const short = JSON.stringify((JSON.parse(factToJson(f)) as unknown[]).slice(0, 5));
    expect(factFromJson('C1', short)).toEqual({ ...emptyFact('C1'), ori: 'TX1010000' });
  });

  it('still read the earlier object form with nulls left out', () => {
    const legacy = JSON.stringify({ ori: 'TX1010000', bookedAt: 5, charges: [{ ncicCode: '2399', level: 2, disposition: 'pending' }], demographics: { sex: 'M' }, detainers: [{ detainerId: 'D', issuedAt: 7 }], events: 3, lastSeq: 4, disposition: 'pending' });
    expect(factFromJson('C2', legacy)).toEqual({
      ...emptyFact('C2'),
      ori: 'TX1010000',
      bookedAt: 5,
      charges: [{ ncicCode: '2399', level: 2, disposition: 'pending', dispositionAt: null }],
      demographics: { sex: 'M', race: null, yearOfBirth: null, placeOfBirth: null, claimedCitizenship: null },
      detainers: [{ detainerId: 'D', issuedAt: 7, releaseDueAt: null, holdExpiresAt: null, ended: null, endedAt: null }],
      events: 3,
      lastSeq: 4,
    });
  });
});
