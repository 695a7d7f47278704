import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../platform/policy/load.ts';
import { versionInForce } from './bundle.ts';
import { PolicyError } from './errors.ts';
import { compareVersions, evaluate, policyEngine, type PolicyDecision } from './evaluate.ts';
import { caseFacts, type CaseFactsInput } from './schema.ts';

const policy = loadPolicy();
const ids = policy.versions.map((v) => v.id);
const from = (id: string) => ids.slice(ids.indexOf(id));
const before = (id: string) => ids.slice(0, ids.indexOf(id));
const facts = (input: CaseFactsInput) => caseFacts.parse(input);
const rules = (d: PolicyDecision) => d.reasons.map((r) => r.rule);
const underEach = (versions: string[], input: CaseFactsInput) => versions.map((versionId) => evaluate(policy, facts(input), { versionId }));

const lprWithLevel3Charge: CaseFactsInput = {
  person: { status: 'lpr', age: 41, yearsInUs: 15 },
  charges: [{ code: '5399', date: '2013-05-02', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }],
};
const reentrantWithLevel1Conviction: CaseFactsInput = {
  person: { status: 'prior-removal', age: 35, yearsInUs: 3, lastEntryDate: '2010-02-01' },
  charges: [{ code: '5399', date: '2013-05-02', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }],
  priorConvictions: [{ code: '1201', date: '2005-03-10', severity: 'felony', maxSentenceMonths: 120, sentenceImposedDays: 1095 }],
};
const naturalizedCitizenWithOldVisa: CaseFactsInput = {
  person: { status: 'overstay', age: 52, yearsInUs: 30, citizenshipIndications: { naturalizationRecord: true } },
  charges: [{ code: '2399', date: '2013-05-02', severity: 'misdemeanor', maxSentenceMonths: 12, disposition: 'pending' }],
};
const domesticViolenceVictim: CaseFactsInput = {
  person: { status: 'ewi', age: 29, yearsInUs: 6, victimOrWitness: true },
  charges: [{ code: '1313', date: '2013-05-02', severity: 'misdemeanor', maxSentenceMonths: 12, disposition: 'pending', tags: ['domestic-violence'] }],
};
const minorTrafficOnly: CaseFactsInput = {
  person: { status: 'ewi', age: 28, yearsInUs: 4, lastEntryDate: '2004-06-01' },
  charges: [{ code: '5499', date: '2012-06-01', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }],
};

describe('Choosing the version in force', () => {
  it('picks the latest version effective on or before the date', () => {
    expect(versionInForce(policy, '2008-10-27').id).toBe('2008-10-27-launch');
    expect(versionInForce(policy, '2011-06-16').id).toBe('2011-03-02-priorities-reissued');
    expect(versionInForce(policy, '2011-06-17').id).toBe('2011-06-17-discretion');
    expect(versionInForce(policy, '2012-04-26').id).toBe('2011-12-29-detainer-form');
    expect(versionInForce(policy, '2016-01-01').id).toBe('2014-11-20-pep');
    expect(versionInForce(policy, '2030-01-01').id).toBe('2017-01-25-reinstatement');
  });

  it('refuses a date before the program began, and a malformed date', () => {
    expect(() => versionInForce(policy, '2012-02-30')).toThrow(/not a date/);
    expect(() => versionInForce(policy, '2008-01-01')).toThrow(PolicyError);
  });

  it('refuses an unknown version id', () => {
    expect(() => evaluate(policy, facts(minorTrafficOnly), { versionId: '1999-01-01-nothing' })).toThrow(/no policy version/);
  });

  it('records the chosen version and date in the first reason', () => {
    const d = evaluate(policy, facts(minorTrafficOnly), { asOf: '2012-05-01' });
    expect(d.version.id).toBe('2012-04-27-minor-traffic');
    expect(d.asOf).toBe('2012-05-01');
    expect(d.reasons[0]).toMatchObject({ rule: 'version.in-force', facts: ['decision date: 2012-05-01'] });
  });
});

describe('An LPR with only a Level 3 charge', () => {
  it('gets no detainer under the 2011-06-17 discretion memo and every later version', () => {
    for (const d of underEach(from('2011-06-17-discretion'), lprWithLevel3Charge)) {
      expect(d.decision, d.version.id).toBe('no-action');
      expect(d.level.value).toBe(3);
      expect(d.priority).toBeNull();
    }
  });

  it('is set aside by discretion as a long-time permanent resident until the 2012 detainer criteria, then for unestablished removability', () => {
    const [discretion] = underEach(['2011-06-17-discretion'], lprWithLevel3Charge);
    expect(rules(discretion)).toEqual(expect.arrayContaining(['removability.not-established', 'discretion.long-time-lpr', 'discretion.favourable']));
    const [criteria] = underEach(['2012-12-21-detainer-criteria'], lprWithLevel3Charge);
    expect(rules(criteria).at(-1)).toBe('removability.not-established');
  });

  it('could be held under the 2008 rules while removability was investigated', () => {
    const [d] = underEach(['2008-10-27-launch'], lprWithLevel3Charge);
    expect(d.decision).toBe('detainer');
    expect(d.reasons.find((r) => r.rule === 'detainer.removable-hit')?.facts).toContain('removability to be investigated');
  });
});

describe('A person removed before and convicted of a Level 1 offense', () => {
  it('gets a detainer under every version', () => {
    for (const d of underEach(ids, reentrantWithLevel1Conviction)) {
      expect(d.decision, d.version.id).toBe('detainer');
      expect(d.convictionLevel.value).toBe(1);
      expect(d.convictionLevel.offense?.code).toBe('1201');
    }
  });

  it('is priority 1 under the 2010 priorities and PEP, with the rule that placed them', () => {
    const [p2010, pep] = underEach(['2010-06-30-priorities', '2014-11-20-pep'], reentrantWithLevel1Conviction);
    expect(p2010.priority).toMatchObject({ id: 'P1', rule: 'p1.convicted-level-1' });
    expect(pep.priority).toMatchObject({ id: 'P1', rule: 'p1.pep.felony' });
    expect(rules(pep)).toContain('detainer.pep.felony');
  });

  it('shows the negative discretion factors from 2011-06-17', () => {
    const [d] = underEach(['2011-06-17-discretion'], reentrantWithLevel1Conviction);
    expect(rules(d)).toEqual(expect.arrayContaining(['discretion.negative.serious-felon', 'discretion.negative.egregious-immigration-violator']));
  });

  it('names the detainer form: from December 2011 with a copy to the detainee and the hotline', () => {
    const [old, revised] = underEach(['2011-06-17-discretion', '2011-12-29-detainer-form'], reentrantWithLevel1Conviction);
    const form = (d: PolicyDecision) => d.reasons.find((r) => r.rule === 'detainer.form')?.text ?? '';
    expect(form(old)).not.toMatch(/hotline/);
    expect(form(revised)).toMatch(/\(855\) 448-6903/);
    expect(form(revised)).toMatch(/copy/);
    expect(form(revised)).toMatch(/48 hours excluding Saturdays, Sundays and holidays/);
  });
});

describe('A naturalized citizen who matches an old visa record', () => {
  it('gets no detainer and goes to supervisor review under every version', () => {
    for (const d of underEach(ids, naturalizedCitizenWithOldVisa)) {
      expect(d.decision, d.version.id).toBe('supervisor-review');
      expect(d.reasons.find((r) => r.rule === 'guard.citizenship-indication')?.facts).toContain('a naturalization record exists');
    }
  });

  it('is also held back by a claim of citizenship or a birth record', () => {
    for (const indication of [{ claimed: true }, { birthRecord: true }]) {
      const d = evaluate(policy, facts({ ...reentrantWithLevel1Conviction, person: { ...reentrantWithLevel1Conviction.person, citizenshipIndications: indication } }), { asOf: '2009-01-01' });
      expect(d.decision).toBe('supervisor-review');
    }
  });

  it('gets no action once LESC has determined US citizenship', () => {
    const d = evaluate(policy, facts({ ...naturalizedCitizenWithOldVisa, person: { status: 'us-citizen', citizenshipBasis: 'naturalization', age: 52, yearsInUs: 30 } }), { asOf: '2009-01-01' });
    expect(d.decision).toBe('no-action');
    expect(rules(d)).toContain('status.us-citizen');
  });
});

describe('A domestic-violence victim booked at the scene', () => {
  it('gets no detainer from 2011-06-17 on', () => {
    for (const d of underEach(from('2011-06-17-discretion'), domesticViolenceVictim)) {
      expect(d.decision, d.version.id).toBe('no-action');
      expect(rules(d)).toContain('victim-witness.protected');
    }
  });

  it('could get a detainer before the victims memo', () => {
    for (const d of underEach(before('2011-06-17-discretion'), domesticViolenceVictim)) expect(d.decision, d.version.id).toBe('detainer');
  });

  it('loses the protection when an aggravating factor is present', () => {
    const gang = { ...domesticViolenceVictim, person: { ...domesticViolenceVictim.person, gangMember: true } };
    const [d] = underEach(['2011-06-17-discretion'], gang);
    expect(d.decision).toBe('detainer');
    expect(rules(d)).toContain('victim-witness.aggravating');
  });
});

describe('A person arrested only for a minor traffic offense', () => {
  it('is acted on only upon conviction from 2012-04-27', () => {
    const d = evaluate(policy, facts(minorTrafficOnly), { asOf: '2012-06-01' });
    expect(d.decision).toBe('await-conviction');
    expect(rules(d)).toContain('minor-traffic.await-conviction');
  });

  it('was detainer-eligible under the 2008 rules and up to 2012-04-26', () => {
    expect(evaluate(policy, facts(minorTrafficOnly), { asOf: '2009-03-01' }).decision).toBe('detainer');
    expect(evaluate(policy, facts(minorTrafficOnly), { asOf: '2012-04-26' }).decision).toBe('detainer');
  });

  it('is no longer awaited once convicted, nor when there is a prior conviction', () => {
    const convicted = { ...minorTrafficOnly, charges: [{ ...minorTrafficOnly.charges![0], disposition: 'convicted' as const }] };
    expect(evaluate(policy, facts(convicted), { asOf: '2012-06-01' }).decision).toBe('detainer');
    const prior = { ...minorTrafficOnly, priorConvictions: [{ code: '5399', date: '2009-01-01', severity: 'misdemeanor' as const, maxSentenceMonths: 6 }] };
    expect(evaluate(policy, facts(prior), { asOf: '2012-06-01' }).decision).toBe('detainer');
  });

  it('does not treat hit and run as a minor traffic offense', () => {
    const hitAndRun = { ...minorTrafficOnly, charges: [{ ...minorTrafficOnly.charges![0], code: '5401' }] };
    const d = evaluate(policy, facts(hitAndRun), { asOf: '2012-06-01' });
    expect(d.decision).toBe('detainer');
    expect(d.level.value).toBe(1);
  });

  it('gets no action under PEP, which leaves minor traffic out of its priorities', () => {
    const d = evaluate(policy, facts(minorTrafficOnly), { versionId: '2014-11-20-pep' });
    expect(d.decision).toBe('no-action');
    expect(rules(d)).toContain('detainer.no-criterion');
  });
});

describe('The same case under the 2008 rules and under PEP', () => {
  const recentEntrant: CaseFactsInput = {
    person: { status: 'ewi', age: 23, yearsInUs: 1, lastEntryDate: '2014-08-01' },
    charges: [{ code: '5399', date: '2015-08-10', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }],
  };

  it('is a detainer in 2008 and a request for notification under PEP, with the reasons that differ', () => {
    const c = compareVersions(policy, facts(recentEntrant), '2008-10-27-launch', '2014-11-20-pep');
    expect(c.a.decision).toBe('detainer');
    expect(c.b.decision).toBe('notification-request');
    expect(c.sameDecision).toBe(false);
    expect(c.b.priority).toMatchObject({ id: 'P2', rule: 'p2.pep.recent-entrant' });
    expect(c.onlyInA.map((r) => r.rule)).toEqual(expect.arrayContaining(['priority.none-in-force', 'detainer.removable-hit', 'detainer.form']));
    expect(c.onlyInB.map((r) => r.rule)).toEqual(expect.arrayContaining(['p2.pep.recent-entrant', 'detainer.notification-instead']));
    expect(c.onlyInA.some((r) => r.rule === 'level.classified')).toBe(false);
  });

  it('decides both on the same date', () => {
    const c = compareVersions(policy, facts(recentEntrant), '2008-10-27-launch', '2014-11-20-pep');
    expect(c.a.asOf).toBe('2015-08-10');
    expect(c.b.asOf).toBe('2015-08-10');
  });

  it('counts a single minor misdemeanor conviction as detainer-worthy in 2008 and as nothing under PEP', () => {
    const oneMisdemeanor: CaseFactsInput = { person: { status: 'overstay', age: 40, yearsInUs: 12 }, priorConvictions: [{ code: '5399', date: '2010-01-01', severity: 'misdemeanor', maxSentenceMonths: 6 }] };
    const c = compareVersions(policy, facts(oneMisdemeanor), '2008-10-27-launch', '2014-11-20-pep', '2016-01-01');
    expect([c.a.decision, c.b.decision]).toEqual(['detainer', 'no-action']);
    expect(c.b.reasons.map((r) => r.rule)).toContain('discretion.long-presence');
  });
});

describe('The 2012-12-21 detainer criteria', () => {
  const base: CaseFactsInput = { person: { status: 'overstay', age: 30, yearsInUs: 3 } };
  const decide = (input: CaseFactsInput) => evaluate(policy, facts(input), { versionId: '2012-12-21-detainer-criteria', asOf: '2013-03-01' });

  it('issues a detainer on a pending felony charge', () => {
    const d = decide({ ...base, charges: [{ code: '2299', date: '2013-02-01', severity: 'felony', maxSentenceMonths: 36, disposition: 'pending' }] });
    expect(d.decision).toBe('detainer');
    expect(rules(d)).toContain('detainer.2012.felony');
  });

  it('issues a detainer on a DUI misdemeanor charge', () => {
    const d = decide({ ...base, charges: [{ code: '5404', date: '2013-02-01', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }] });
    expect(d.decision).toBe('detainer');
    expect(rules(d)).toContain('detainer.2012.significant-misdemeanor');
  });

  it('issues a detainer on an outstanding removal order', () => {
    expect(decide({ ...base, person: { ...base.person, removalOrder: { date: '2011-01-01' } } }).decision).toBe('detainer');
  });

  it('takes no action on a removable person with only a petty charge and no criterion', () => {
    const d = decide({ ...base, charges: [{ code: '4199', date: '2013-02-01', severity: 'misdemeanor', maxSentenceMonths: 3, disposition: 'pending' }] });
    expect(d.decision).toBe('no-action');
    expect(rules(d).at(-1)).toBe('detainer.no-criterion');
  });
});

describe('Other guards', () => {
  it('sends an unknown immigration status to supervisor review', () => {
    const d = evaluate(policy, facts({ person: { status: 'unknown', age: 30, yearsInUs: 0 } }), { asOf: '2009-01-01' });
    expect(d.decision).toBe('supervisor-review');
    expect(rules(d)).toContain('guard.status-unknown');
  });

  it('sends an offense code outside the table to supervisor review instead of throwing', () => {
    const d = evaluate(policy, facts({ ...minorTrafficOnly, charges: [{ code: '4250', date: '2012-06-01', severity: 'misdemeanor', maxSentenceMonths: 6, disposition: 'pending' }] }), { asOf: '2013-01-01' });
    expect(d.decision).toBe('supervisor-review');
    expect(d.level.value).toBe(3);
    expect(rules(d)).toContain('guard.unknown-offense-code');
  });

  it('classifies a person with no charges and no convictions as non-criminal', () => {
    const d = evaluate(policy, facts({ person: { status: 'ewi', age: 30, yearsInUs: 2 } }), { asOf: '2009-01-01' });
    expect(d.level).toEqual({ value: null, basis: 'charge-or-conviction', offense: null });
    expect(rules(d)).toContain('level.none');
  });

  it('leaves dismissed charges out of the Level', () => {
    const d = evaluate(policy, facts({ person: { status: 'ewi', age: 30, yearsInUs: 2 }, charges: [{ code: '0902', date: '2012-01-01', severity: 'felony', maxSentenceMonths: null, disposition: 'dismissed' }] }), { asOf: '2012-02-01' });
    expect(d.level.value).toBeNull();
  });
});

describe('The bound engine', () => {
  it('offers evaluate(facts, { asOf }) over one bundle', () => {
    const engine = policyEngine(policy);
    expect(engine.versionInForce('2015-01-01').id).toBe('2014-11-20-pep');
    expect(engine.evaluate(facts(minorTrafficOnly), { asOf: '2012-06-01' }).decision).toBe('await-conviction');
  });
});
