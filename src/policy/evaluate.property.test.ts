import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../platform/policy/load.ts';
import { evaluate } from './evaluate.ts';
import { DISCRETION_FLAGS, IMMIGRATION_STATUSES, PERSON_FLAGS, caseFacts } from './schema.ts';

const policy = loadPolicy();

const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
// Mostly codes from the table, sometimes any 4 digits (unknown blocks must not throw either).
const code = fc.oneof(
  fc.constantFrom(...policy.offenses.blocks.map((b) => b.block)).chain((block) => fc.integer({ min: 0, max: 99 }).map((n) => block + String(n).padStart(2, '0'))),
  fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
  fc.constantFrom('5401', '5403', '5404', '3599', '0399'),
);
const tags = fc.subarray(['domestic-violence', 'drug-distribution', 'immigration', 'firearms']);
const offense = {
  code,
  date,
  severity: fc.constantFrom('felony' as const, 'misdemeanor' as const),
  maxSentenceMonths: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
  sentenceImposedDays: fc.option(fc.integer({ min: 0, max: 7000 }), { nil: undefined }),
  tags,
};
const flags = (keys: readonly string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, fc.boolean()])));

const rawFacts = fc
  .record({
    status: fc.constantFrom(...IMMIGRATION_STATUSES),
    age: fc.integer({ min: 0, max: 100 }),
    arrivedAt: fc.integer({ min: 0, max: 100 }),
    citizenshipIndications: fc.record({ claimed: fc.boolean(), naturalizationRecord: fc.boolean(), birthRecord: fc.boolean() }),
    lastEntryDate: fc.option(date, { nil: null }),
    removalOrder: fc.option(date.map((d) => ({ date: d })), { nil: null }),
    personFlags: flags(PERSON_FLAGS),
    discretion: flags(DISCRETION_FLAGS),
    charges: fc.array(fc.record({ ...offense, disposition: fc.constantFrom('pending' as const, 'convicted' as const, 'dismissed' as const) }), { maxLength: 4 }),
    priorConvictions: fc.array(fc.record(offense), { maxLength: 4 }),
  })
  .map((r) => ({
    person: {
      status: r.status,
      age: r.age,
      yearsInUs: Math.max(0, r.age - r.arrivedAt),
      citizenshipIndications: r.citizenshipIndications,
      lastEntryDate: r.lastEntryDate,
      removalOrder: r.removalOrder,
      ...r.personFlags,
      discretion: r.discretion,
    },
    charges: r.charges,
    priorConvictions: r.priorConvictions,
  }));
const asOf = fc.date({ min: new Date('2008-10-27T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const versionId = fc.constantFrom(...policy.versions.map((v) => v.id));

describe('evaluate on arbitrary schema-valid facts', () => {
  it('never throws and always gives at least one reason, on any decision date', () => {
    fc.assert(
      fc.property(rawFacts, asOf, (raw, day) => {
        const facts = caseFacts.parse(raw);
        const d = evaluate(policy, facts, { asOf: day });
        expect(d.reasons.length).toBeGreaterThanOrEqual(1);
        expect(['detainer', 'notification-request', 'await-conviction', 'no-action', 'supervisor-review']).toContain(d.decision);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws under any named version', () => {
    fc.assert(
      fc.property(rawFacts, versionId, (raw, id) => {
        const d = evaluate(policy, caseFacts.parse(raw), { versionId: id });
        expect(d.version.id).toBe(id);
        expect(d.reasons.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same facts and date give the same decision and reasons', () => {
    fc.assert(
      fc.property(rawFacts, asOf, (raw, day) => {
        expect(evaluate(policy, caseFacts.parse(raw), { asOf: day })).toEqual(evaluate(policy, caseFacts.parse(structuredClone(raw)), { asOf: day }));
      }),
      { numRuns: 200 },
    );
  });

  it('never issues a detainer when there is any indication of US citizenship', () => {
    fc.assert(
      fc.property(rawFacts, asOf, (raw, day) => {
        const facts = caseFacts.parse(raw);
        const c = facts.person.citizenshipIndications;
        fc.pre(c.claimed || c.naturalizationRecord || c.birthRecord || facts.person.status === 'us-citizen');
        expect(evaluate(policy, facts, { asOf: day }).decision).not.toBe('detainer');
      }),
      { numRuns: 200 },
    );
  });

  it('reports a Level that is that of one of the non-dismissed offenses', () => {
    fc.assert(
      fc.property(rawFacts, asOf, (raw, day) => {
        const facts = caseFacts.parse(raw);
        const d = evaluate(policy, facts, { asOf: day });
        const live = facts.charges.filter((c) => c.disposition !== 'dismissed').length + facts.priorConvictions.length;
        expect(d.level.value === null).toBe(live === 0);
      }),
      { numRuns: 200 },
    );
  });
});
