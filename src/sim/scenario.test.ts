import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BookingTables } from '../agencies/booking/index.ts';
import { openStore, tablesOf } from '../platform/store/index.ts';
import { freshStorePerTest, snapshotRows, storeVariants } from '../platform/store/testing.ts';
import { loadScenario, parseScenario, runScenario, ScenarioError } from './scenario.ts';
import { ScenarioRunError } from './scenario-runs.ts';

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
    for (const name of ['non-activated', 'no-match', 'lpr-level-3', 'prior-removal-level-1', 'friday-before-holiday', 'opted-out', 'conviction-only-with-dismissal', 'naturalized-citizen', 'dv-victim', 'minor-traffic-2012', 'late-release', 'a-county-in-2011']) expect(files).toContain(`${name}.json`);
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

describe('a jail that releases late', () => {
  it('late-release.json: the jail keeps the person 20 h past the limit, the alert is raised at the limit, and the reported release is the release time', async () => {
    const store = await tempStore();
    try {
      const result = await runScenario(join(SCENARIOS, 'late-release.json'), { store });
      expect(result.passed).toBe(true);
      const [c] = result.cases;
      const limit = Date.parse('2012-03-14T17:00:00-05:00');
      expect(c.timeline.filter((e) => e.kind === 'over-limit-alert').map((e) => e.at)).toEqual([limit]);
      expect(c.finalState.releasedAt! - limit).toBe(20 * 3_600_000);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a release event is checked with the file: its kind, its booking, and not before the booking', () => {
    const doc = (release: Record<string, unknown>) => ({ ...minimal, events: [...minimal.events, { type: 'release', booking: 'b1', at: '2011-08-03T10:00:00-05:00', ...release }] });
    const problems = (d: unknown) => {
      try {
        parseScenario(d);
        return [];
      } catch (e) {
        return (e as ScenarioError).problems.map((p) => p.path);
      }
    };
    expect(problems(doc({}))).toEqual([]);
    expect(problems(doc({ kind: 'transferred', note: 'to ICE at the sally port' }))).toEqual([]);
    expect(problems(doc({ kind: 'escaped' }))).toEqual(['events[1].kind']);
    expect(problems(doc({ booking: 'b9' }))).toEqual(['events[1].booking']);
    expect(problems(doc({ at: '2011-07-30T10:00:00-05:00' }))).toEqual(['events[1].at']);
    expect(problems({ ...minimal, jurisdictions: [{ ...minimal.jurisdictions[0], releasesAtLapse: 'no' }] })).toEqual(['jurisdictions[0].releasesAtLapse']);
  });

  it('a release reported for a person who is not held on a detainer is refused at run time with its code', async () => {
    const store = await tempStore();
    try {
      const result = await runScenario(parseScenario({ ...minimal, events: [...minimal.events, { type: 'release', booking: 'b1', at: '2011-08-03T10:00:00-05:00' }], expect: { b1: { custody: 'in-custody' } } }), { store });
      expect(result.failures).toEqual([expect.objectContaining({ event: 1, type: 'release', code: 'NOT_HELD_ON_DETAINER' })]);
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

describe.each(storeVariants)('a scenario is played into a store all or nothing, once, and consistent with it ($kind)', (variant) => {
  const fresh = freshStorePerTest(variant, afterEach);
  const run = !variant.skipped;
  const three = (ncicCodes: string[]) => parseScenario({
    ...minimal,
    name: 'three-events',
    people: { ...minimal.people, beta: { name: 'BETA,TEST', dateOfBirth: '1980-02-29' } },
    events: [
      { ...minimal.events[0], id: 'b1' },
      { ...minimal.events[0], id: 'b2', person: 'beta', at: '2011-08-01T11:00:00-05:00' },
      { type: 'conviction', booking: 'b1', at: '2011-08-02T10:00:00-05:00', ncicCodes },
    ],
  });
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ScenarioRunError ? e.code : `not a ScenarioRunError: ${String(e)}`));

  it.skipIf(!run)('a run whose third event is refused leaves the store row for row as it was; the fixed file then plays', async () => {
    const store = await fresh();
    expect((await runScenario(parseScenario(minimal), { store })).kept).toBe(true);
    const before = await snapshotRows(store.db, store.kind);
    const failed = await runScenario(three(['1201']), { store });
    expect(failed.failures).toEqual([expect.objectContaining({ event: 2, type: 'conviction', code: 'UNKNOWN_CHARGE' })]);
    expect(failed.kept).toBe(false);
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
    const fixed = await runScenario(three(['2399']), { store });
    expect(fixed.failures).toEqual([]);
    expect(fixed.kept).toBe(true);
    expect(await snapshotRows(store.db, store.kind)).not.toBe(before);
  }, 120_000);

  it.skipIf(!run)('a run that crashes after its third event (not a refusal: an exception) leaves the store as it was', async () => {
    const store = await fresh();
    await runScenario(parseScenario(minimal), { store });
    const before = await snapshotRows(store.db, store.kind);
    const crash = runScenario(three(['2399']), { store, onEvent: (done) => {
      if (done === 3) throw new Error('power cut after the third event');
    } });
    await expect(crash).rejects.toThrow(/power cut/);
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
    expect((await runScenario(three(['2399']), { store })).kept).toBe(true);
  }, 120_000);

  it.skipIf(!run)('a failed run into a store that never saw the schema leaves it empty, migrations and all', async () => {
    const store = await fresh();
    const before = await snapshotRows(store.db, store.kind);
    expect((await runScenario(three(['1201']), { store })).kept).toBe(false);
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
  }, 120_000);

  it.skipIf(!run)('the same scenario again is refused (SCENARIO_ALREADY_PLAYED, nothing written) unless appended', async () => {
    const store = await fresh();
    await runScenario(parseScenario(minimal), { store });
    const before = await snapshotRows(store.db, store.kind);
    expect(await codeOf(runScenario(parseScenario(minimal), { store }))).toBe('SCENARIO_ALREADY_PLAYED');
    // Another version of it (same name) and the same content under another name count as the same scenario.
    expect(await codeOf(runScenario(parseScenario({ ...minimal, description: 'edited' }), { store }))).toBe('SCENARIO_ALREADY_PLAYED');
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
    const again = await runScenario(parseScenario(minimal), { store, append: true });
    expect(again.kept).toBe(true);
    expect(again.cases[0].caseId).not.toBe((await runScenario(parseScenario({ ...minimal, name: 'minimal-3' }), { store })).cases[0].caseId);
    const bookings = await tablesOf<BookingTables>(store.db).selectFrom('booking_bookings').select('case_id').execute();
    expect(bookings).toHaveLength(3);
  }, 120_000);

  it.skipIf(!run)('appending a scenario that books no one (only enrols people) never collides with its first run', async () => {
    const store = await fresh();
    const enrolOnly = parseScenario({ ...minimal, name: 'enrol-only', people: { alpha: { ...minimal.people.alpha, criminalRecord: { convictions: [{ ncicCode: '1201', date: '2005-03-10', severity: 'felony', maxSentenceMonths: 120 }] } } }, events: [{ type: 'advance', at: '2011-08-01T10:00:00-05:00' }] });
    expect((await runScenario(enrolOnly, { store })).kept).toBe(true);
    const again = await runScenario(enrolOnly, { store, append: true });
    expect(again.kept).toBe(true);
  }, 120_000);

  it.skipIf(!run)('an ORI already in the store with another participation history is refused, naming it and both histories; the same history is fine', async () => {
    const store = await fresh();
    await runScenario(parseScenario(minimal), { store });
    const before = await snapshotRows(store.db, store.kind);
    const later = { ...minimal, name: 'later-activation', jurisdictions: [{ ...minimal.jurisdictions[0], activated: '2011-09-01T00:00:00-05:00' }], events: [{ ...minimal.events[0], at: '2011-09-02T10:00:00-05:00' }] };
    const error = await runScenario(parseScenario(later), { store }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioRunError);
    expect((error as ScenarioRunError).code).toBe('PARTICIPATION_CONFLICT');
    expect((error as ScenarioRunError).message).toMatch(/TX1010000 .*the store has activated from 2011-07-01T05:00:00Z; the scenario has activated from 2011-09-01T05:00:00Z/);
    const optedOut = { ...later, jurisdictions: [{ ...minimal.jurisdictions[0], participation: [{ mode: 'opted-out-of-iar', effective: '2011-08-15T00:00:00-05:00' }] }] };
    expect(await codeOf(runScenario(parseScenario(optedOut), { store }))).toBe('PARTICIPATION_CONFLICT');
    expect(await codeOf(runScenario(parseScenario({ ...later, jurisdictions: [{ ...minimal.jurisdictions[0], timeZone: 'America/New_York' }] }), { store }))).toBe('JURISDICTION_CONFLICT');
    expect(await codeOf(runScenario(parseScenario({ ...later, jurisdictions: [{ ...minimal.jurisdictions[0], releasesAtLapse: false }] }), { store }))).toBe('JURISDICTION_CONFLICT');
    expect(await snapshotRows(store.db, store.kind)).toBe(before);
    const sameHistory = await runScenario(parseScenario({ ...minimal, name: 'same-history', events: [{ ...minimal.events[0], at: '2011-08-03T10:00:00-05:00' }] }), { store });
    expect(sameHistory.kept).toBe(true);
    expect(sameHistory.failures).toEqual([]);
  }, 120_000);
});
