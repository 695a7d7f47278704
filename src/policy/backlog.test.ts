import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../platform/policy/load.ts';
import { reviewBacklog, type PendingCase } from './backlog.ts';
import { evaluate } from './evaluate.ts';
import { caseFacts, type CaseFactsInput } from './schema.ts';

const policy = loadPolicy();
const facts = (input: CaseFactsInput) => caseFacts.parse(input);

function pending(id: string, input: CaseFactsInput, asOf = '2011-05-01'): PendingCase {
  const f = facts(input);
  const d = evaluate(policy, f, { asOf });
  return { id, facts: f, current: { decision: d.decision, versionId: d.version.id, reasons: d.reasons } };
}

const backlog: PendingCase[] = [
  pending('victim', { person: { status: 'ewi', age: 30, yearsInUs: 5, victimOrWitness: true }, charges: [{ code: '1313', date: '2011-04-30', severity: 'misdemeanor', maxSentenceMonths: 12, disposition: 'pending' }] }),
  pending('long-time-lpr', { person: { status: 'lpr', age: 50, yearsInUs: 20 }, charges: [{ code: '4199', date: '2011-04-30', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }] }),
  pending('robber', { person: { status: 'overstay', age: 30, yearsInUs: 5 }, priorConvictions: [{ code: '1201', date: '2009-01-01', severity: 'felony', maxSentenceMonths: 120 }] }),
  pending('citizen-claim', { person: { status: 'overstay', age: 30, yearsInUs: 5, citizenshipIndications: { claimed: true } } }),
];

describe('Reviewing the pending backlog under a new version', () => {
  const review = reviewBacklog(policy, backlog, '2011-06-17-discretion');

  it('lists the cases whose outcome changes, with old and new decisions', () => {
    expect(review.version.id).toBe('2011-06-17-discretion');
    expect(review.reviewed).toBe(4);
    expect(review.changed.map((c) => [c.id, c.old.decision, c.new.decision])).toEqual([
      ['victim', 'detainer', 'no-action'],
      ['long-time-lpr', 'detainer', 'no-action'],
    ]);
    expect(review.unchanged).toEqual(['robber', 'citizen-claim']);
    expect(review.failed).toEqual([]);
  });

  it('explains each change by the reasons added and dropped', () => {
    const victim = review.changed.find((c) => c.id === 'victim')!;
    expect(victim.reasonsAdded.map((r) => r.rule)).toContain('victim-witness.protected');
    expect(victim.reasonsDropped.map((r) => r.rule)).toEqual(expect.arrayContaining(['detainer.removable-hit', 'detainer.form']));
    expect(victim.reasonsAdded.some((r) => r.rule.startsWith('version.'))).toBe(false);
    const lpr = review.changed.find((c) => c.id === 'long-time-lpr')!;
    expect(lpr.reasonsAdded.map((r) => r.rule)).toEqual(expect.arrayContaining(['discretion.long-time-lpr', 'discretion.favourable']));
  });

  it('decides each case on the new version\'s effective date unless the case names its own', () => {
    expect(review.changed[0].new.asOf).toBe('2011-06-17');
    const own = reviewBacklog(policy, [{ ...backlog[0], asOf: '2011-09-01' }], '2011-06-17-discretion');
    expect(own.changed[0].new.asOf).toBe('2011-09-01');
  });

  it('reports a case that cannot be evaluated instead of stopping the review', () => {
    const result = reviewBacklog(policy, [{ ...backlog[0], asOf: 'not-a-date' }, backlog[2]], '2011-06-17-discretion');
    expect(result.failed.map((f) => f.id)).toEqual(['victim']);
    expect(result.unchanged).toEqual(['robber']);
  });

  it('counts every stored reason as new when none were stored', () => {
    const bare = { ...backlog[1], current: { decision: 'detainer' as const } };
    const [change] = reviewBacklog(policy, [bare], '2012-12-21-detainer-criteria').changed;
    expect(change.reasonsDropped).toEqual([]);
    expect(change.reasonsAdded.length).toBe(change.new.reasons.length - 1);
  });
});
