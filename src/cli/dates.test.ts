import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rapSheetConviction } from '../agencies/messages.ts';
import { buildCar, type Booking } from '../nist/ebts/messages.ts';
import { validateComplaint } from '../oversight/complaints/index.ts';
import { openStore } from '../platform/store/index.ts';
import { snapshotRows } from '../platform/store/testing.ts';
import { daysInMonth } from '../policy/dates.ts';
import { parseAsOf } from './audit.ts';
import { dayOrInstant } from './complaint.ts';
import { runCli } from './testing.ts';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');

/** Every row of every table of the SQLite file: "nothing written" means this does not change. */
async function rowsOf(path: string): Promise<string> {
  const store = await openStore({ kind: 'sqlite', path });
  try {
    return await snapshotRows(store.db, 'sqlite');
  } finally {
    await store.close();
  }
}

describe('dates given on the command line are real calendar dates', () => {
  it('nist car refuses a day that does not exist: no file, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-dates-'));
    for (const date of ['20110231', '20110631', '20110229', '21000229', '20110230', '20111301', '20110010', '2011-02-30']) {
      const out = join(dir, `${date}.an2`);
      const r = await runCli('nist', 'car', out, '--date', date);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^seccom: .*--date/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('book --at refuses an impossible instant before touching the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccom-dates-'));
    for (const at of ['2011-02-30T10:00:00Z', '2011-06-31T10:00:00-05:00', '2011-08-01T24:00:00Z']) {
      const store = join(dir, 'never.db');
      const r = await runCli('book', join(dir, 'missing.an2'), '--db', store, '--at', at);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^seccom: .*--at/);
      expect(existsSync(store)).toBe(false);
    }
  });
});

/** The impossible and malformed days every date input must refuse, in the forms each takes. */
const BAD_DAYS = ['2011-02-30', '2011-06-31', '2011-13-01', '2011-00-10', '20110231'];
const BAD_INSTANTS = ['2011-02-30T10:00:00Z', '2011-06-31T10:00:00-05:00', '2011-13-01T00:00:00Z', '2011-00-10T00:00:00Z'];
const BAD_COMPACT = ['20110230', '20110631', '20111301', '20110010', '20110231'];

describe('every date input of a store command refuses an impossible date: exit 2, the store unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccom-dates-store-'));
  const db = join(dir, 'county.db');
  let goodCar = new Uint8Array();

  beforeAll(async () => {
    expect((await runCli('scenario', 'run', join(SCENARIOS, 'lpr-level-3.json'), '--db', db, '--json')).code).toBe(0);
    const filed = await runCli('complaint', 'file', '--db', db, '--category', 'detention-past-limit', '--narrative', 'Held two days after the judge released me.', '--incident-date', '2011-05-12');
    expect(filed.code).toBe(0);
    const car = join(dir, 'good.an2');
    expect((await runCli('nist', 'car', car, '--date', '20110615', '--ori', 'TX1010000')).code).toBe(0);
    goodCar = readFileSync(car);
  }, 120_000);

  /** A CAR whose date of arrest (2.045) is `date`: the good file with those eight bytes replaced. */
  function carWithArrestDate(date: string): string {
    const text = Buffer.from(goodCar).toString('latin1');
    const at = text.indexOf('2.045:20110615');
    expect(at).toBeGreaterThan(0);
    const path = join(dir, `car-${date}.an2`);
    writeFileSync(path, Buffer.from(text.slice(0, at + 6) + date + text.slice(at + 14), 'latin1'));
    return path;
  }

  // Each input, the values it must refuse, and the command (the error names the input).
  const cases: [input: string, values: string[], args: (v: string) => string[], names: RegExp][] = [
    ['complaint file --incident-date', BAD_DAYS, (v) => ['complaint', 'file', '--db', db, '--category', 'detention-past-limit', '--narrative', 'Held.', '--incident-date', v], /--incident-date/],
    ['complaint list --from', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['complaint', 'list', '--db', db, '--from', v], /--from/],
    ['complaint list --to', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['complaint', 'list', '--db', db, '--to', v], /--to/],
    ['complaint counts --from', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['complaint', 'counts', '--db', db, '--from', v, '--to', '2012-01-01'], /--from/],
    ['complaint counts --to', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['complaint', 'counts', '--db', db, '--from', '2011-01-01', '--to', v], /--to/],
    ['audit detainers --as-of', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['audit', 'detainers', '--db', db, '--as-of', v], /--as-of/],
    ['case list --from', [...BAD_DAYS, ...BAD_INSTANTS], (v) => ['case', 'list', '--db', db, '--from', v], /--from/],
    ['stats --month', ['2011-13', '2011-00', ...BAD_DAYS], (v) => ['stats', '--db', db, '--month', v], /month/],
    ['review --quarter', ['2011Q5', '2011Q0', ...BAD_DAYS], (v) => ['review', '--db', db, '--quarter', v], /quarter/],
    ['book <car> (2.045 date of arrest)', BAD_COMPACT, (v) => ['book', carWithArrestDate(v), '--db', db, '--at', '2011-06-15T10:00:00-05:00'], /2\.045/],
  ];

  it.each(cases)('%s', async (_input, values, args, names) => {
    for (const v of values) {
      const before = await rowsOf(db);
      const r = await runCli(...args(v));
      expect({ v, code: r.code }).toEqual({ v, code: 2 });
      expect(r.err).toMatch(/^seccom: /);
      expect(r.err).toMatch(names);
      expect(r.err).not.toMatch(/internal/i);
      expect(await rowsOf(db)).toBe(before);
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The class: every real day is accepted, every day past the end of its month is refused.

const realDay = fc.record({ y: fc.integer({ min: 1000, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) }).filter(({ y, m, d }) => d <= daysInMonth(y, m));
const pastMonthEnd = fc.record({ y: fc.integer({ min: 1000, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 29, max: 31 }) }).filter(({ y, m, d }) => d > daysInMonth(y, m));
const iso = ({ y, m, d }: { y: number; m: number; d: number }) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const utcMidnight = ({ y, m, d }: { y: number; m: number; d: number }) => {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
};

const fingerprint = { position: 2, data: new Uint8Array(16), width: 4, height: 4, ppi: 500, compression: 'NONE' as const };
const booking = (date: string): Booking => ({ arrestingAgencyOri: 'TX1010000', dateOfArrest: date, name: 'ALPHA,TEST', dateOfBirth: '19720315', sex: 'M', race: 'W', placeOfBirth: 'MM', citizenship: 'MM', height: '509', weightLb: 170, eyeColor: 'BRO', hairColor: 'BLK', charges: [{ ncicCode: '5399', literal: 'PUBLIC PEACE', offenseDate: date }], fingerprints: [fingerprint], caseNumber: undefined });
const envelope = (date: string) => ({ controlNumber: 'TX20110801HARRIS0001', destinationOri: 'TXSIB0000', date });
const conviction = (date: string) => rapSheetConviction.safeParse({ ncicCode: '1201', date, severity: 'felony', maxSentenceMonths: 120 }).success;
const complaintOn = (date: string) => () => validateComplaint({ category: 'detention-past-limit', narrative: 'Held.', incidentDate: date }, '9999-12-31', { categories: ['detention-past-limit'], maxNarrative: 100, earliestIncident: '1000-01-01' });

describe('the date inputs accept every real day and refuse every day past its month', () => {
  it('accepts every real calendar day, as the same UTC day', () => {
    fc.assert(
      fc.property(realDay, (day) => {
        const text = iso(day);
        expect(parseAsOf(text)).toBe(utcMidnight(day) + 86_400_000 - 1);
        expect(dayOrInstant(text, '--from')).toBe(utcMidnight(day));
        expect(dayOrInstant(`${text}T12:30:00-05:00`, '--from')).toBe(utcMidnight(day) + 17.5 * 3_600_000);
        expect(conviction(text)).toBe(true);
        expect(complaintOn(text)).not.toThrow();
        const compact = text.replaceAll('-', '');
        expect(() => buildCar(booking(compact), envelope(compact))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every day past the end of its month, never rolling it over', () => {
    fc.assert(
      fc.property(pastMonthEnd, (day) => {
        const text = iso(day);
        expect(() => parseAsOf(text)).toThrow(/no such date/);
        expect(() => parseAsOf(`${text}T10:00:00Z`)).toThrow(/--as-of/);
        expect(() => dayOrInstant(text, '--from')).toThrow(/--from/);
        expect(() => dayOrInstant(`${text}T10:00:00-05:00`, '--from')).toThrow(/--from/);
        expect(conviction(text)).toBe(false);
        expect(complaintOn(text)).toThrow();
        const compact = text.replaceAll('-', '');
        expect(() => buildCar(booking(compact), envelope('20110801'))).toThrow(/date of arrest/);
        expect(() => buildCar({ ...booking('20110801'), charges: [{ ncicCode: '5399', literal: 'X', offenseDate: compact }] }, envelope('20110801'))).toThrow(/date of offense/);
        expect(() => buildCar(booking('20110801'), envelope(compact))).toThrow(/1\.005/);
      }),
      { numRuns: 300 },
    );
  });
});
