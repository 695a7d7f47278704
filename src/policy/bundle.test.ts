import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DIR } from '../platform/policy/load.ts';
import { buildPolicyBundle, versionById, type PolicyDocument } from './bundle.ts';
import { detainerClockOptions } from './clock-options.ts';
import { PolicyError } from './errors.ts';
import { caseFacts, parseCaseFacts } from './schema.ts';

// Tests edit raw JSON documents in place, so they are untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const readJson = (relative: string) => JSON.parse(readFileSync(join(DEFAULT_POLICY_DIR, relative), 'utf8')) as Record<string, unknown>;
const shipped = (): PolicyDocument[] =>
  readdirSync(join(DEFAULT_POLICY_DIR, 'versions'))
    .sort()
    .map((n) => ({ name: `versions/${n}`, json: readJson(`versions/${n}`) }));
const table = (): PolicyDocument => ({ name: 'ncic-offenses.json', json: readJson('ncic-offenses.json') });

function problemsOf(build: () => unknown): { path: string; message: string }[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('INVALID_POLICY');
    return [...(error as PolicyError).problems];
  }
  throw new Error('expected a PolicyError');
}

describe('Building a policy bundle', () => {
  it('accepts the shipped documents and orders the versions by effective date', () => {
    const bundle = buildPolicyBundle(shipped().reverse(), table());
    const dates = bundle.versions.map((v) => v.effective);
    expect(dates).toEqual([...dates].sort());
    expect(bundle.versions.map((v) => v.id)).toEqual([
      '2008-10-27-launch',
      '2010-06-30-priorities',
      '2011-03-02-priorities-reissued',
      '2011-06-17-discretion',
      '2011-12-29-detainer-form',
      '2012-04-27-minor-traffic',
      '2012-12-21-detainer-criteria',
      '2014-11-20-pep',
      '2017-01-25-reinstatement',
    ]);
  });

  it('lists every schema problem with its file and JSON path, and loads nothing', () => {
    const docs = shipped();
    const pep = docs.find((d) => d.name.includes('pep'))!.json as Doc;
    pep.effective = '2014-13-40';
    pep.levels.ranges[2].level = 4;
    pep.detainers.criteria[0].test = { kind: 'flag', flag: 'likesCats' };
    delete pep.title;
    const launch = docs[0].json as Doc;
    launch.guards.citizenshipIndication = 'detainer';
    launch.priorities.classes = [{ id: 'Priority one', title: 'x', rules: [] }];

    const paths = problemsOf(() => buildPolicyBundle(docs, table())).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'versions/2014-11-20-pep.json: effective',
        'versions/2014-11-20-pep.json: levels.ranges[2].level',
        'versions/2014-11-20-pep.json: detainers.criteria[0].test.flag',
        'versions/2014-11-20-pep.json: title',
        'versions/2008-10-27-launch.json: guards.citizenshipIndication',
        'versions/2008-10-27-launch.json: priorities.classes[0].id',
        'versions/2008-10-27-launch.json: priorities.classes[0].rules',
      ]),
    );
  });

  it('puts every problem in the error message too', () => {
    const docs = shipped();
    (docs[1].json as Doc).levels.otherwise = 0;
    expect(() => buildPolicyBundle(docs, table())).toThrow(/versions\/2010-06-30-priorities\.json: levels\.otherwise/);
  });

  it('refuses a broken supersededBy chain, a file named differently from its id and a duplicate rule id', () => {
    const docs = shipped();
    (docs[3].json as Doc).supersededBy = '2099-01-01-future';
    docs[4] = { name: 'versions/renamed.json', json: docs[4].json };
    const criteria = (docs[6].json as Doc).detainers.criteria;
    criteria[1].id = criteria[0].id;
    const problems = problemsOf(() => buildPolicyBundle(docs, table()));
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['versions/2011-06-17-discretion.json: supersededBy', 'versions/renamed.json: id', 'versions/2012-12-21-detainer-criteria.json: detainers.criteria[1].id']),
    );
  });

  it('refuses two versions taking effect on the same date', () => {
    const docs = shipped();
    const copy = structuredClone(docs[8].json) as Doc;
    copy.id = '2017-01-25-other';
    const problems = problemsOf(() => buildPolicyBundle([...docs, { name: 'versions/2017-01-25-other.json', json: copy }], table()));
    expect(problems.some((p) => p.path === 'versions/2017-01-25-other.json: effective')).toBe(true);
  });

  it('refuses a bad offense table, a range running backwards and a criterion missing its fields', () => {
    const docs = shipped();
    const t = table();
    (t.json as Doc).blocks.push({ block: '13', category: 'assault again', tags: [] });
    (t.json as Doc).codes.push({ code: '9901', name: 'nowhere', tags: [] });
    const v = docs[2].json as Doc;
    v.levels.ranges[0] = { from: '0199', to: '0100', level: 1 };
    v.priorities.classes[1].rules[0].test = { kind: 'entry' };
    const paths = problemsOf(() => buildPolicyBundle(docs, t)).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'ncic-offenses.json: blocks[45].block',
        'ncic-offenses.json: codes[3].code',
        'versions/2011-03-02-priorities-reissued.json: levels.ranges[0].to',
        'versions/2011-03-02-priorities-reissued.json: priorities.classes[1].rules[0].test',
      ]),
    );
  });

  it('refuses an empty set of versions', () => {
    expect(problemsOf(() => buildPolicyBundle([], table())).map((p) => p.path)).toContain('(versions)');
  });
});

describe('Case facts schema', () => {
  it('fills defaults for flags and lists', () => {
    const facts = caseFacts.parse({ person: { status: 'ewi', age: 20, yearsInUs: 2 } });
    expect(facts.charges).toEqual([]);
    expect(facts.person.gangMember).toBe(false);
    expect(facts.person.discretion.familyTies).toBe(false);
    expect(facts.person.citizenshipIndications).toEqual({ claimed: false, naturalizationRecord: false, birthRecord: false });
  });

  it('reports bad facts with their paths', () => {
    const result = caseFacts.safeParse({
      person: { status: 'tourist', age: 20, yearsInUs: 30 },
      charges: [{ code: '12', date: '2012-02-30', severity: 'felony', maxSentenceMonths: null, disposition: 'pending' }],
    });
    expect(result.success).toBe(false);
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['person.status', 'charges.0.code', 'charges.0.date']));
  });

  it('refuses bad facts with a typed error listing every path', () => {
    try {
      parseCaseFacts({ person: { status: 'ewi', age: 20, yearsInUs: 2, gangMember: 'maybe' }, charges: [{ code: 'ABCD', date: '2012-01-01', severity: 'petty', maxSentenceMonths: 1, disposition: 'pending' }] });
      throw new Error('expected a PolicyError');
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      expect((error as PolicyError).code).toBe('INVALID_FACTS');
      expect((error as PolicyError).problems.map((p) => p.path)).toEqual(['person.gangMember', 'charges[0].code', 'charges[0].severity']);
    }
  });
});

describe('The holiday reading of a version’s detainer form', () => {
  const withHolidays = (edit: (holidays: Doc | undefined, form: Doc) => void): PolicyDocument[] =>
    shipped().map((d, i) => {
      const json = structuredClone(d.json) as Doc;
      if (i === 4) edit(json.detainers.form.holidays as Doc | undefined, json.detainers.form as Doc);
      return { ...d, json };
    });

  it('is "observed" in every shipped version, each with the wording it reads and a dated source', () => {
    const bundle = buildPolicyBundle(shipped(), table());
    for (const v of bundle.versions) {
      expect(v.detainers.form.holidays.dates).toBe('observed');
      expect(v.detainers.form.holidays.wording).toMatch(/holidays/i);
      expect(v.detainers.form.holidays.source.citation).toMatch(/\S/);
    }
    expect(detainerClockOptions(versionById(bundle, '2011-12-29-detainer-form'))).toEqual({ holidayDates: 'observed', limitHours: 48 });
  });

  it('defaults to "observed" when a version leaves the reading out, and keeps "actual" when a version chooses it', () => {
    const omitted = buildPolicyBundle(withHolidays((h) => { delete h!.dates; }), table());
    expect(omitted.versions[4].detainers.form.holidays.dates).toBe('observed');
    const actual = buildPolicyBundle(withHolidays((h) => { h!.dates = 'actual'; }), table());
    expect(actual.versions[4].detainers.form.holidays.dates).toBe('actual');
    expect(detainerClockOptions(actual.versions[4]).holidayDates).toBe('actual');
  });

  it('refuses an unknown reading, and a form without its holiday wording and source, naming the field', () => {
    const paths = (docs: PolicyDocument[]) => problemsOf(() => buildPolicyBundle(docs, table())).map((p) => p.path);
    expect(paths(withHolidays((h) => { h!.dates = 'weekdays-only'; })).join(' ')).toMatch(/detainers\.form\.holidays\.dates/);
    expect(paths(withHolidays((_h, form) => { delete form.holidays; })).join(' ')).toMatch(/detainers\.form\.holidays/);
    expect(paths(withHolidays((h) => { delete h!.source; })).join(' ')).toMatch(/detainers\.form\.holidays\.source/);
  });
});
