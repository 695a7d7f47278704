import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../platform/store/index.ts';
import { loadScenario, parseScenario, runScenario, ScenarioError } from './scenario.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
/** The large example is only validated here (it takes ~20 s); the small ones all run. */
const LARGE = new Set(['a-county-in-2011.json']);
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).sort();

async function tempStore() {
  return openStore({ kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'seccom-scenario-')), 'scenario.db') });
}

const minimal = {
  name: 'minimal',
  jurisdictions: [{ ori: 'TX1010000', name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU', activated: '2011-07-01T00:00:00-05:00' }],
  people: { alpha: { name: 'ALPHA,TEST', dateOfBirth: '1972-03-15', immigrationRecord: { encounters: [{ kind: 'apprehension', date: '2004-06-01' }] } } },
  events: [{ type: 'booking', id: 'b1', at: '2011-08-01T10:00:00-05:00', person: 'alpha', ori: 'TX1010000', charges: [{ ncicCode: '2399' }] }],
};

describe('scenario files', () => {
  it('the examples include the acceptance cases and every one is valid', () => {
    for (const name of ['non-activated', 'no-match', 'lpr-level-3', 'prior-removal-level-1', 'friday-before-holiday', 'opted-out', 'conviction-only-with-dismissal', 'naturalized-citizen', 'dv-victim', 'minor-traffic-2012', 'a-county-in-2011']) expect(files).toContain(`${name}.json`);
    for (const f of files) expect(() => loadScenario(join(SCENARIOS, f))).not.toThrow();
    const county = loadScenario(join(SCENARIOS, 'a-county-in-2011.json')).scenario;
    expect(county.events.filter((e) => e.type === 'booking').length).toBeGreaterThanOrEqual(20);
  });

  it('a bad file is refused with every problem and its JSON path, and nothing runs', () => {
    const bad = {
      ...minimal,
      jurisdictions: [{ ...minimal.jurisdictions[0], ori: 'tx1' }],
      events: [
        { type: 'booking', id: 'b1', at: '2011-08-01 10:00', person: 'nobody', ori: 'TX1010000', charges: [] },
        { type: 'release-due', booking: 'b9', at: '2011-08-02T10:00:00Z' },
        { type: 'explode', at: '2011-08-02T10:00:00Z' },
      ],
    };
    let error: unknown;
    try {
      parseScenario(bad, 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const paths = (error as ScenarioError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['jurisdictions[0].ori', 'events[0].at', 'events[0].charges', 'events[2].type']));
    expect((error as ScenarioError).message).toMatch(/^bad\.json: \d+ problems: /);
  });

  it('cross-references are checked: unknown people, ORIs, bookings and expectations', () => {
    const bad = {
      ...minimal,
      events: [...minimal.events, { type: 'booking', id: 'b1', at: '2011-08-01T09:00:00-05:00', person: 'ghost', ori: 'ZZ0000000', charges: [{ ncicCode: '2399' }] }, { type: 'dismissal', booking: 'b7', at: '2011-08-03T00:00:00Z' }],
      expect: { nope: { custody: 'released' } },
    };
    const problems = (() => {
      try {
        parseScenario(bad);
        return [];
      } catch (e) {
        return (e as ScenarioError).problems;
      }
    })();
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['events[1].id', 'events[1].person', 'events[1].ori', 'events[2].booking', 'expect.nope']));
  });

  it('a missing fingerprint image is reported with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-scenario-'));
    const file = join(dir, 'images.json');
    writeFileSync(file, JSON.stringify({ ...minimal, people: { alpha: { ...minimal.people.alpha, fingerprints: { kind: 'images', booking: [{ position: 2, path: 'prints/missing.png' }] } } } }));
    expect(() => loadScenario(file)).toThrow(/people\.alpha\.fingerprints\.booking\[0\]\.path: no such file/);
  });

  it('a file that is not JSON is a ScenarioError', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'seccom-scenario-')), 'junk.json');
    writeFileSync(file, '{ not json');
    expect(() => loadScenario(file)).toThrow(ScenarioError);
  });
});

describe('running the example scenarios on SQLite', () => {
  it.each(files.filter((f) => !LARGE.has(f)))('%s ends as the file expects', async (file) => {
    const store = await tempStore();
    try {
      const result = await runScenario(join(SCENARIOS, file), { store });
      expect(result.failures).toEqual([]);
      expect(result.expectations.filter((x) => !x.ok)).toEqual([]);
      expect(result.expectations.length).toBeGreaterThan(0);
      expect(result.passed).toBe(true);
      expect(result.deadLetters).toBe(0);
      for (const c of result.cases) expect(c.timeline[0]).toMatchObject({ kind: 'booked', caseId: c.caseId });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a booking re-sent with the same TCN is the same case; re-sent with different content it is refused with DUPLICATE_TCN_CONFLICT', async () => {
    const store = await tempStore();
    try {
      const b1 = { ...minimal.events[0], tcn: 'TX20110801HARRIS0001' };
      const events = [b1, { ...b1, id: 'b1-again', at: '2011-08-01T10:05:00-05:00' }, { ...b1, id: 'b1-changed', at: '2011-08-01T10:10:00-05:00', charges: [{ ncicCode: '5399' }] }];
      const result = await runScenario(parseScenario({ ...minimal, events, expect: { b1: { custody: 'in-custody', iar: { status: 'ewi' } } } }), { store });
      expect(result.failures).toEqual([expect.objectContaining({ event: 2, type: 'booking', code: 'DUPLICATE_TCN_CONFLICT' })]);
      const [first, again] = result.cases;
      expect(result.cases.map((c) => c.booking)).toEqual(['b1', 'b1-again']);
      expect(again.caseId).toBe(first.caseId);
      const kinds = first.timeline.map((e) => e.kind);
      for (const kind of ['booked', 'ident-search-sent']) expect(kinds.filter((k) => k === kind)).toHaveLength(1);
      expect(kinds.filter((k) => k === 'resubmission-recognised')).toHaveLength(1);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('an event of a booking that failed is reported as SKIPPED, and every failure code is UPPER_SNAKE_CASE', async () => {
    const store = await tempStore();
    try {
      const refused = { ...minimal.events[0], id: 'b2', at: '2011-08-01T11:00:00-05:00', charges: [{ ncicCode: '8899' }] };
      const events = [...minimal.events, refused, { type: 'conviction', booking: 'b2', at: '2011-08-02T10:00:00-05:00', ncicCodes: ['8899'] }];
      const result = await runScenario(parseScenario({ ...minimal, events, expect: { b1: { custody: 'in-custody', iar: { status: 'ewi' } } } }), { store });
      expect(result.failures.map((f) => [f.event, f.code])).toEqual([
        [1, 'UNKNOWN_NCIC_CODE'],
        [2, 'SKIPPED'],
      ]);
      for (const f of result.failures) expect(f.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('an event the agencies refuse is reported and the run goes on', async () => {
    const store = await tempStore();
    try {
      const result = await runScenario(parseScenario({ ...minimal, events: [...minimal.events, { type: 'conviction', booking: 'b1', at: '2011-08-02T10:00:00-05:00', ncicCodes: ['1201'] }], expect: { b1: { custody: 'in-custody', iar: { status: 'ewi' } } } }), { store });
      expect(result.failures).toEqual([expect.objectContaining({ event: 1, type: 'conviction', code: 'UNKNOWN_CHARGE' })]);
      expect(result.expectations.every((x) => x.ok)).toBe(true);
      expect(result.passed).toBe(false);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('scenario files hold real calendar dates and known expectation keys', () => {
  const problemsOf = (doc: unknown) => {
    try {
      parseScenario(doc, 'bad.json');
      return [];
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      return e.problems.map((p) => p.path);
    }
  };

  it('refuses impossible dates and instants wherever they appear, never rolling them over', () => {
    for (const [bad, at] of [['2011-06-31', '2011-06-31T10:00:00-05:00'], ['2011-02-30', '2011-02-30T10:00:00Z'], ['2011-02-29', '2011-08-01T24:00:00Z'], ['2011-13-01', '2011-08-01T10:61:00Z'], ['2011-04-31', '2011-08-01T10:00:00+19:00']] as const) {
      const doc = {
        ...minimal,
        jurisdictions: [{ ...minimal.jurisdictions[0], activated: at }],
        people: { alpha: { ...minimal.people.alpha, dateOfBirth: bad } },
        events: [{ ...minimal.events[0], at, dateOfArrest: bad }],
      };
      expect(problemsOf(doc)).toEqual(expect.arrayContaining(['jurisdictions[0].activated', 'people.alpha.dateOfBirth', 'events[0].at', 'events[0].dateOfArrest']));
    }
  });

  it('refuses an expectation key that is not part of a final state, naming its path', () => {
    expect(problemsOf({ ...minimal, expect: { b1: { custdy: 'released' } } })).toEqual(['expect.b1.custdy']);
    expect(problemsOf({ ...minimal, expect: { b1: { custody: 'released', timelineInclude: ['x'] } } })).toEqual(['expect.b1.timelineInclude']);
    expect(problemsOf({ ...minimal, expect: { b1: { custody: 'released', iar: { status: 'ewi' } } } })).toEqual([]);
  });
});
