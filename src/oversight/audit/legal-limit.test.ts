/**
 * The audit's own reckoning of the legal limit (`legal-limit.ts`) against the detainer clock
 * the agencies use (`holdExpiresAt`): two implementations written apart must agree — on every
 * vector of docs/detainer-clock.md that uses the program's counting, and on random release-due
 * instants in US zones (with and without daylight saving) under both readings of "holidays".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdExpiresAt } from '../../policy/detainer-clock.ts';
import { holidayClosures, legalLimitOf, type HolidayReading } from './legal-limit.ts';

const ms = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const observed = { holidayDates: 'observed', limitHours: 48 } as const;
const actual = { holidayDates: 'actual', limitHours: 48 } as const;

// docs/detainer-clock.md, "Test vectors": every row under the program's counting (elapsed, no extra closures).
const VECTORS: [why: string, due: string, zone: string, reading: HolidayReading, expires: string][] = [
  ['Mon 17:00 → Wed 17:00', '2011-03-07T17:00:00-06:00', 'America/Chicago', 'observed', '2011-03-09T17:00:00-06:00'],
  ['Thu 17:00 → Mon 17:00 over a weekend', '2011-03-03T17:00:00-06:00', 'America/Chicago', 'observed', '2011-03-07T17:00:00-06:00'],
  ['Fri before MLK Day → Wed', '2011-01-14T17:00:00-06:00', 'America/Chicago', 'observed', '2011-01-19T17:00:00-06:00'],
  ['Sat 10:00 → starts Mon 00:00, ends Wed 00:00', '2011-03-05T10:00:00-06:00', 'America/Chicago', 'observed', '2011-03-09T00:00:00-06:00'],
  ['Wed before Thanksgiving → Mon', '2011-11-23T17:00:00-06:00', 'America/Chicago', 'observed', '2011-11-28T17:00:00-06:00'],
  ['Thu before a Saturday Christmas (observed Fri) → Tue', '2021-12-23T17:00:00-05:00', 'America/New_York', 'observed', '2021-12-28T17:00:00-05:00'],
  ['same, actual reading → Mon', '2021-12-23T17:00:00-05:00', 'America/New_York', 'actual', '2021-12-27T17:00:00-05:00'],
  ["Thu before a Saturday New Year's Day (observed Fri 12-31) → Tue", '2021-12-30T17:00:00-05:00', 'America/New_York', 'observed', '2022-01-04T17:00:00-05:00'],
  ['same, actual reading → Mon', '2021-12-30T17:00:00-05:00', 'America/New_York', 'actual', '2022-01-03T17:00:00-05:00'],
  ['Independence Day in Honolulu', '2024-07-03T17:00:00-10:00', 'Pacific/Honolulu', 'observed', '2024-07-08T17:00:00-10:00'],
  ['Phoenix keeps standard time', '2024-03-08T17:00:00-07:00', 'America/Phoenix', 'observed', '2024-03-12T17:00:00-07:00'],
  ['New York spring-forward weekend (95 h real)', '2024-03-08T17:00:00-05:00', 'America/New_York', 'observed', '2024-03-12T17:00:00-04:00'],
  ['Los Angeles fall-back weekend (97 h real)', '2024-11-01T17:00:00-07:00', 'America/Los_Angeles', 'observed', '2024-11-05T17:00:00-08:00'],
  ['Los Angeles spring 2023', '2023-03-10T17:00:00-08:00', 'America/Los_Angeles', 'observed', '2023-03-14T17:00:00-07:00'],
  ['New York fall 2023', '2023-11-02T17:00:00-04:00', 'America/New_York', 'observed', '2023-11-06T17:00:00-05:00'],
  ['due in the night the clocks spring forward', '2024-03-10T01:30:00-05:00', 'America/New_York', 'observed', '2024-03-13T00:00:00-04:00'],
  ['a Friday spring-forward in Jerusalem (23 h counted)', '2024-03-28T17:00:00+02:00', 'Asia/Jerusalem', 'observed', '2024-04-01T18:00:00+03:00'],
  ['a Thursday whose midnight repeats in Cairo (25 h counted)', '2023-10-25T17:00:00+03:00', 'Africa/Cairo', 'observed', '2023-10-27T16:00:00+02:00'],
  ['a Friday that starts at 01:00 in Cairo', '2023-04-27T17:00:00+02:00', 'Africa/Cairo', 'observed', '2023-05-01T18:00:00+03:00'],
  ['due at midnight starting a Thursday → the start of Saturday', '2011-03-03T00:00:00-06:00', 'America/Chicago', 'observed', '2011-03-05T00:00:00-06:00'],
  ['one instant: Friday evening in Los Angeles', '2024-03-09T03:00:00Z', 'America/Los_Angeles', 'observed', '2024-03-12T19:00:00-07:00'],
  ['the same instant: Saturday in London', '2024-03-09T03:00:00Z', 'Europe/London', 'observed', '2024-03-13T00:00:00Z'],
  ["the last supported year, into New Year's Day 2201", '2200-12-31T06:00:00-06:00', 'America/Chicago', 'observed', '2201-01-05T06:00:00-06:00'],
];

describe("the audit's recomputation of the legal limit", () => {
  for (const [why, due, zone, reading, expires] of VECTORS) {
    it(`gives the documented expiry, as the detainer clock does: ${why}`, () => {
      const rule = { holidayDates: reading, limitHours: 48 };
      expect(legalLimitOf(ms(due), zone, rule)).toBe(ms(expires));
      expect(holdExpiresAt(due, zone, { holidayDates: reading }).expiresAtMs).toBe(ms(expires));
    });
  }

  it("knows the observed days: a Saturday New Year's Day is closed on the Friday before, in the year before", () => {
    expect(holidayClosures(2021, 'observed').has('2021-12-31')).toBe(true);
    expect(holidayClosures(2022, 'observed').has('2022-01-01')).toBe(false);
    expect(holidayClosures(2022, 'actual').has('2022-01-01')).toBe(true);
    expect(holidayClosures(2021, 'actual').has('2021-12-31')).toBe(false);
    expect(holidayClosures(2020, 'observed').has('2020-06-19')).toBe(false); // Juneteenth from 2021
    expect(holidayClosures(2021, 'observed').has('2021-06-18')).toBe(true); // a Saturday in 2021
  });

  it('gives no limit outside 1986–2200, for an unknown zone or for a limit that is not a positive number of hours', () => {
    expect(legalLimitOf(ms('1942-02-06T17:00:00-05:00'), 'America/New_York', observed)).toBeNull();
    expect(legalLimitOf(ms('2011-03-07T17:00:00-06:00'), 'Mars/Olympus_Mons', observed)).toBeNull();
    expect(legalLimitOf(ms('2011-03-07T17:00:00-06:00'), 'America/Chicago', { holidayDates: 'observed', limitHours: 0 })).toBeNull();
    expect(legalLimitOf(ms('2011-03-07T17:00:00-06:00'), 'America/Chicago', { holidayDates: 'observed', limitHours: Number.NaN })).toBeNull();
  });

  it('reads a hold limit other than 48 hours from the version (72 h: Mon 17:00 → Thu 17:00)', () => {
    expect(legalLimitOf(ms('2011-03-07T17:00:00-06:00'), 'America/Chicago', { holidayDates: 'observed', limitHours: 72 })).toBe(ms('2011-03-10T17:00:00-06:00'));
  });

  describe('agrees with the detainer clock (holdExpiresAt) — two implementations written apart', () => {
    const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico'];
    const zone = fc.constantFrom(...ZONES);
    const reading = fc.constantFrom<HolidayReading>('observed', 'actual');
    const limitHours = fc.constantFrom(48, 48, 48, 24, 72);
    const anyInstant = fc.integer({ min: ms('2008-01-01T00:00:00Z'), max: ms('2035-12-31T00:00:00Z') });
    // Instants in the days before a fixed-date holiday, where the readings part when it falls on a weekend.
    const nearHoliday = fc
      .record({ year: fc.integer({ min: 2008, max: 2035 }), day: fc.constantFrom([1, 1], [6, 19], [7, 4], [11, 11], [12, 25]), before: fc.integer({ min: -1, max: 5 }), minute: fc.integer({ min: 0, max: 24 * 60 - 1 }) })
      .map(({ year, day, before, minute }) => Date.UTC(year, day[0] - 1, day[1] - before) + minute * 60_000);

    it('on random release-due instants 2008–2035, in eight US zones, under both readings', () => {
      fc.assert(
        fc.property(fc.oneof(anyInstant, nearHoliday), zone, reading, limitHours, (due, z, holidayDates, hours) => {
          expect(legalLimitOf(due, z, { holidayDates, limitHours: hours })).toBe(holdExpiresAt(due, z, { holidayDates, limitHours: hours }).expiresAtMs);
        }),
        { numRuns: 1500 },
      );
    });

    it('and the observed reading is never shorter than the actual one, nor longer than by the observed day and a weekend', () => {
      fc.assert(
        fc.property(nearHoliday, zone, (due, z) => {
          const o = legalLimitOf(due, z, observed)!;
          const a = legalLimitOf(due, z, actual)!;
          expect(o).toBeGreaterThanOrEqual(a);
          expect(o - a).toBeLessThanOrEqual(3 * 24 * H + H);
        }),
        { numRuns: 300 },
      );
    });
  });
});
