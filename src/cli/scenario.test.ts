import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { synthesizeFinger } from '../biometrics/synth/index.ts';
import { buildCarBytes } from '../nist/ebts/messages.ts';
import { runCli } from './testing.ts';

const run = runCli;

afterEach(() => vi.restoreAllMocks());

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const dir = mkdtempSync(join(tmpdir(), 'seccom-cli-scenario-'));
const store = `sqlite:${join(dir, 'store.db')}`;

describe('seccom scenario, book, case and policy', () => {
  it('runs a scenario into a store, printing each event, each decision with its version and reasons, and the final state', async () => {
    const r = await run('scenario', 'run', join(SCENARIOS, 'lpr-level-3.json'), '--store', store);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^scenario lpr-level-3: PASSED/);
    expect(r.out).toMatch(/2011-08-01T10:00:00-05:00 {2}booking +booked/);
    expect(r.out).toContain('decision no-action under policy 2011-06-17-discretion');
    expect(r.out).toContain('decision no-action under policy 2012-12-21-detainer-criteria');
    expect(r.out).toMatch(/ {8}- level\.classified: /);
    expect(r.out).toContain('custody: in-custody');
  }, 60_000);

  it('prints the same run as JSON, with every case', async () => {
    const r = await run('scenario', 'run', join(SCENARIOS, 'lpr-level-3.json'), '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { passed: boolean; cases: { booking: string; timeline: { kind: string }[]; finalState: { decision: { policyVersion: string } } }[] };
    expect(result.passed).toBe(true);
    expect(result.cases.map((c) => c.booking)).toEqual(['b2011', 'b2013']);
    expect(result.cases[0].timeline.map((e) => e.kind)).toContain('review');
  }, 60_000);

  it('shows a case and explains it under another policy version', async () => {
    const first = await run('scenario', 'run', join(SCENARIOS, 'lpr-level-3.json'), '--store', store, '--json');
    const caseId = (JSON.parse(first.out) as { cases: { caseId: string }[] }).cases[0].caseId;
    const shown = await run('case', 'show', caseId, '--store', store, '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ caseId, ori: 'TX1010000', finalState: { decision: { decision: 'no-action' } } });
    const text = await run('case', 'show', caseId, '--store', store);
    expect(text.out).toContain(`case ${caseId} (TX1010000)`);

    const explained = await run('policy', 'explain', caseId, '--version', '2008-10-27-launch', '--store', store);
    expect(explained.code).toBe(0);
    expect(explained.out).toContain('decided no-action under 2011-06-17-discretion');
    expect(explained.out).toMatch(/under 2008-10-27-launch .*: detainer — differs from no-action/);
    const json = JSON.parse((await run('policy', 'explain', caseId, '--as-of', '2009-01-01', '--store', store, '--json')).out) as { other: { version: { id: string }; asOf: string }; sameDecision: boolean; onlyInOther: unknown[] };
    expect(json.other.version.id).toBe('2008-10-27-launch');
    expect(json.other.asOf).toBe('2009-01-01'); // decided as of that date, not only under its version
    // The participation history is public record, with its notices.
    const history = await run('jurisdiction', 'history', 'TX1010000', '--store', store);
    expect(history.code).toBe(0);
    expect(history.out).toMatch(/activated; recorded .*\n {4}notice to the state .*\n {4}notice to the jurisdiction /);
    const historyJson = JSON.parse((await run('jurisdiction', 'history', 'TX1010000', '--store', store, '--json')).out) as { history: { mode: string }[] };
    expect(historyJson.history.map((h) => h.mode)).toContain('activated');
    expect((await run('jurisdiction', 'history', 'XX0000000', '--store', store)).err.trim()).toMatch(/^seccom: UNKNOWN_ORI: /);
    expect(json.sameDecision).toBe(false);
    expect(json.onlyInOther.length).toBeGreaterThan(0);
  }, 60_000);

  it('books a CAR file after registering its jurisdiction from a file', async () => {
    const fingerprints = [2, 7].map((position) => {
      const image = synthesizeFinger('cli-book', position, 1);
      return { position, data: encodeWsq(image, { bitrate: 0.75 }), width: image.width, height: image.height, ppi: image.ppi, compression: 'WSQ20' as const };
    });
    const booking = { arrestingAgencyOri: 'TX2020000', dateOfArrest: '20120306', name: 'BETA,TEST', dateOfBirth: '19800101', sex: 'M', race: 'W', placeOfBirth: 'TX', citizenship: 'US', height: '510', weightLb: 180, eyeColor: 'BRO', hairColor: 'BRO', charges: [{ ncicCode: '2399', literal: 'LARCENY' }], fingerprints, caseNumber: undefined };
    const car = join(dir, 'beta.an2');
    writeFileSync(car, buildCarBytes(booking, { controlNumber: 'SCTEST0001', destinationOri: 'DCFBIWAK0', date: '20120306' }));
    const jurisdictions = join(dir, 'galveston.json');
    writeFileSync(jurisdictions, JSON.stringify({ jurisdictions: [{ ori: 'TX2020000', name: 'Galveston County Sheriff', state: 'TX', county: 'Galveston', timeZone: 'America/Chicago', aor: 'HOU', activated: '2011-06-01T00:00:00-05:00' }] }));

    const unknown = await run('book', car, '--store', store, '--at', '2012-03-06T12:00:00-06:00');
    expect(unknown.code).toBe(2);
    expect(unknown.err.trim()).toMatch(/^seccom: UNKNOWN_ORI: /);

    const r = await run('book', car, '--store', store, '--jurisdiction-file', jurisdictions, '--at', '2012-03-06T12:00:00-06:00', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const booked = JSON.parse(r.out) as { registeredJurisdictions: string[]; caseId: string; finalState: { immigrationSearch: string } };
    expect(booked.registeredJurisdictions).toEqual(['TX2020000']);
    expect(booked.finalState.immigrationSearch).toBe('no-match');
    // The same file sent again (its TCN, 1.009, from the same ORI) is the same case; nothing is booked or sent twice.
    const again = await run('book', car, '--store', store, '--jurisdiction-file', jurisdictions, '--at', '2012-03-07T12:00:00-06:00');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`^re-sent: TCN SCTEST0001 from TX2020000 is already case ${booked.caseId}; nothing booked or sent again\\n`));
    const shown = await run('case', 'show', booked.caseId, '--store', store, '--json');
    const timeline = (JSON.parse(shown.out) as { timeline: { kind: string }[] }).timeline.map((e) => e.kind);
    expect(timeline.filter((k) => k === 'booked')).toHaveLength(1);
    expect(timeline.filter((k) => k === 'resubmission-recognised')).toHaveLength(1);
    // A different submission under the same TCN is refused, and changes nothing.
    const changed = join(dir, 'beta-changed.an2');
    writeFileSync(changed, buildCarBytes({ ...booking, charges: [{ ncicCode: '5399', literal: 'PUBLIC PEACE' }] }, { controlNumber: 'SCTEST0001', destinationOri: 'DCFBIWAK0', date: '20120306' }));
    const conflict = await run('book', changed, '--store', store, '--at', '2012-03-07T13:00:00-06:00');
    expect(conflict.code).toBe(2);
    expect(conflict.err.trim()).toMatch(/^seccom: DUPLICATE_TCN_CONFLICT: TCN SCTEST0001 from TX2020000 was already received as case /);
    expect((await run('case', 'show', booked.caseId, '--store', store, '--json')).out).toBe((await run('case', 'show', booked.caseId, '--store', store, '--json')).out);
    const other = join(dir, 'beta-other.an2');
    writeFileSync(other, buildCarBytes(booking, { controlNumber: 'SCTEST0002', destinationOri: 'DCFBIWAK0', date: '20120306' }));
    const second = await run('book', other, '--store', store, '--at', '2012-03-07T14:00:00-06:00');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^booked BETA,TEST from .* as CASE\w+ \(TX2020000\)\n/);
    expect(second.out).not.toContain(booked.caseId);
  }, 60_000);

  it('refuses a bad scenario file in one line listing every problem, and bad options', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', jurisdictions: [], people: {}, events: [{ type: 'booking', id: 'b1', at: 'yesterday', person: 'x', ori: 'Y', charges: [] }] }));
    const r = await run('scenario', 'run', bad);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toMatch(/^seccom: .*bad\.json: \d+ problems: .*jurisdictions: .*events\[0\]\.at: /);
    expect((await run('case', 'show', 'CASE1', '--store', 'mysql:x')).err).toMatch(/unknown kind of store "mysql:"/);
    expect((await run('case', 'show', 'CASE1', '--store', `sqlite:${join(dir, 'none.db')}`)).err).toMatch(/no such database/);
    expect((await run('case', 'show', 'CASE1', '--store', store)).err.trim()).toMatch(/^seccom: UNKNOWN_CASE: /);
    expect((await run('policy', 'explain', 'CASE1', '--as-of', '2012-01-01', '--version', 'x', '--store', store)).err).toMatch(/not both/);
  }, 60_000);
});
