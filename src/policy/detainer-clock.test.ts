import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DetainerClockError,
  dayStatus,
  holdExpiresAt,
  hoursHeld,
  instantOfWallClock,
  isBusinessDay,
  localDayOf,
  parseInstant,
  startOfLocalDay,
  wallClockAt,
  type DetainerClockOptions,
} from './detainer-clock.ts';

const HOUR = 3_600_000;
const hours = (list: { hours: number }[]): number[] => list.map((x) => x.hours);
const expiry = (releaseDue: string, zone: string, options?: DetainerClockOptions): string => holdExpiresAt(releaseDue, zone, options).expiresAtLocal;

describe('holdExpiresAt — the DOMAIN test vectors', () => {
  it('ends a hold whose release was due Monday 17:00 on Wednesday 17:00', () => {
    const hold = holdExpiresAt('2011-03-07T17:00:00-06:00', 'America/Chicago');
    expect(hold.expiresAtLocal).toBe('2011-03-09T17:00:00-06:00');
    expect(hold.expiresAt).toBe('2011-03-09T23:00:00.000Z');
    expect(hours(hold.counted)).toEqual([7, 24, 17]);
    expect(hold.excluded).toEqual([]);
  });

  it('ends a hold due Thursday 17:00 on Monday 17:00, Saturday and Sunday excluded', () => {
    const hold = holdExpiresAt('2011-03-03T17:00:00-06:00', 'America/Chicago');
    expect(hold.expiresAtLocal).toBe('2011-03-07T17:00:00-06:00');
    expect(hold.excluded.map((d) => [d.date, d.reasons])).toEqual([
      ['2011-03-05', [{ kind: 'weekend', weekday: 'Saturday' }]],
      ['2011-03-06', [{ kind: 'weekend', weekday: 'Sunday' }]],
    ]);
    expect(hold.elapsedHours).toBe(96);
  });

  it('skips a Monday holiday: due Friday before MLK Day 2011 at 17:00, ends Wednesday 17:00', () => {
    const hold = holdExpiresAt('2011-01-14T17:00:00-06:00', 'America/Chicago');
    expect(hold.expiresAtLocal).toBe('2011-01-19T17:00:00-06:00');
    expect(hold.counted.map((c) => [c.date, c.hours])).toEqual([
      ['2011-01-14', 7],
      ['2011-01-18', 24],
      ['2011-01-19', 17],
    ]);
    expect(hold.excluded.map((d) => d.date)).toEqual(['2011-01-15', '2011-01-16', '2011-01-17']);
    expect(hold.excluded[2].reasons).toEqual([
      { kind: 'holiday', source: 'federal', id: 'mlk-birthday', name: 'Birthday of Martin Luther King, Jr.', date: '2011-01-17', observed: '2011-01-17' },
    ]);
    expect(hold.countedHours).toBe(48);
    expect(hold.excludedHours).toBe(72);
  });

  it('starts the clock at the next business day’s midnight when release is due on a Saturday', () => {
    const hold = holdExpiresAt('2011-03-05T10:00:00-06:00', 'America/Chicago');
    expect(hold.countingStartsLocal).toBe('2011-03-07T00:00:00-06:00');
    expect(hold.expiresAtLocal).toBe('2011-03-09T00:00:00-06:00');
    expect(hours(hold.excluded)).toEqual([14, 24]);
    expect(hours(hold.counted)).toEqual([24, 24]);
  });

  it('skips Thanksgiving but counts the Friday after it', () => {
    const hold = holdExpiresAt('2011-11-23T17:00:00-06:00', 'America/Chicago');
    expect(hold.expiresAtLocal).toBe('2011-11-28T17:00:00-06:00');
    expect(hold.counted.map((c) => c.date)).toEqual(['2011-11-23', '2011-11-25', '2011-11-28']);
  });

  describe('by default counts federal holidays on the day federal offices observe them', () => {
    const vectors: [string, string, string, string][] = [
      // [why, release due, zone, expiry]
      ['July 4, 2015 a Saturday: Friday July 3 is off', '2015-07-02T17:00:00-04:00', 'America/New_York', '2015-07-07T17:00:00-04:00'],
      ['July 4, 2010 a Sunday: Monday July 5 is off', '2010-07-02T17:00:00-05:00', 'America/Chicago', '2010-07-07T17:00:00-05:00'],
      ['New Year’s Day 2011 a Saturday: Friday 2010-12-31 is off', '2010-12-30T17:00:00-08:00', 'America/Los_Angeles', '2011-01-04T17:00:00-08:00'],
      ['Christmas 2010 a Saturday: Friday December 24 is off', '2010-12-23T17:00:00-05:00', 'America/New_York', '2010-12-28T17:00:00-05:00'],
      ['Christmas 2011 a Sunday: Monday December 26 is off', '2011-12-23T17:00:00-06:00', 'America/Chicago', '2011-12-28T17:00:00-06:00'],
      ['Veterans Day 2012 a Sunday: Monday November 12 is off', '2012-11-09T17:00:00-05:00', 'America/New_York', '2012-11-14T17:00:00-05:00'],
      ['Veterans Day 2017 a Saturday: Friday November 10 is off', '2017-11-09T17:00:00-05:00', 'America/New_York', '2017-11-14T17:00:00-05:00'],
    ];
    for (const [why, due, zone, expires] of vectors) {
      it(why, () => {
        expect(holdExpiresAt(due, zone).expiresAtLocal).toBe(expires);
        expect(holdExpiresAt(due, zone, { holidayDates: 'observed' }).expiresAtLocal).toBe(expires);
      });
      it(`${why} — but not under the "actual" reading, which ends a day sooner`, () => {
        const actual = holdExpiresAt(due, zone, { holidayDates: 'actual' }).expiresAtMs;
        expect(holdExpiresAt(due, zone).expiresAtMs - actual).toBe(24 * 3_600_000);
      });
    }
    it('keeps a Saturday Inauguration Day (2001) on its Saturday, as 5 U.S.C. 6103(c) says, even where it is modelled', () => {
      expect(holdExpiresAt('2001-01-18T17:00:00-05:00', 'America/New_York', { inaugurationDay: true }).expiresAtLocal).toBe('2001-01-22T17:00:00-05:00');
    });
  });

  it('skips the observed Friday of a Saturday Christmas (2021) under the "observed" holiday rule', () => {
    const hold = holdExpiresAt('2021-12-23T17:00:00-05:00', 'America/New_York', { holidayDates: 'observed' });
    expect(hold.expiresAtLocal).toBe('2021-12-28T17:00:00-05:00');
    expect(hold.excluded.map((d) => [d.date, d.reasons[0].kind])).toEqual([
      ['2021-12-24', 'holiday'],
      ['2021-12-25', 'weekend'],
      ['2021-12-26', 'weekend'],
    ]);
    expect(hold.excluded[1].notes).toEqual(['Christmas Day falls on this Saturday; observed 2021-12-24']);
  });

  it('counts that Friday under the "actual" holiday rule, a day sooner; the default is "observed"', () => {
    expect(expiry('2021-12-23T17:00:00-05:00', 'America/New_York', { holidayDates: 'actual' })).toBe('2021-12-27T17:00:00-05:00');
    expect(expiry('2021-12-23T17:00:00-05:00', 'America/New_York')).toBe('2021-12-28T17:00:00-05:00');
  });

  it('skips Friday December 31, 2021, the observed New Year’s Day of 2022, under the "observed" rule', () => {
    const hold = holdExpiresAt('2021-12-30T17:00:00-05:00', 'America/New_York', { holidayDates: 'observed' });
    expect(hold.expiresAtLocal).toBe('2022-01-04T17:00:00-05:00');
    expect(hold.excluded[0]).toMatchObject({ date: '2021-12-31', reasons: [{ kind: 'holiday', id: 'new-years-day', date: '2022-01-01' }] });
  });

  it('skips Independence Day (Thursday, 2024) in Honolulu', () => {
    const hold = holdExpiresAt('2024-07-03T17:00:00-10:00', 'Pacific/Honolulu');
    expect(hold.expiresAtLocal).toBe('2024-07-08T17:00:00-10:00');
    expect(hold.counted.map((c) => [c.date, c.hours])).toEqual([
      ['2024-07-03', 7],
      ['2024-07-05', 24],
      ['2024-07-08', 17],
    ]);
  });

  it('runs four whole days over a weekend in Phoenix, which keeps standard time all year', () => {
    const hold = holdExpiresAt('2024-03-08T17:00:00-07:00', 'America/Phoenix');
    expect(hold.expiresAtLocal).toBe('2024-03-12T17:00:00-07:00');
    expect(hold.elapsedHours).toBe(96);
  });

  it('skips extra closures passed in as data (the day of mourning for President Bush, 2018-12-05)', () => {
    const extraHolidays = [{ date: '2018-12-05', name: 'Day of mourning' }];
    expect(expiry('2018-12-04T17:00:00-05:00', 'America/New_York')).toBe('2018-12-06T17:00:00-05:00');
    expect(expiry('2018-12-04T17:00:00-05:00', 'America/New_York', { extraHolidays })).toBe('2018-12-07T17:00:00-05:00');
  });

  it('skips Inauguration Day 2017 for a jail in the Washington area when asked', () => {
    expect(expiry('2017-01-19T17:00:00-05:00', 'America/New_York')).toBe('2017-01-23T17:00:00-05:00');
    expect(expiry('2017-01-19T17:00:00-05:00', 'America/New_York', { inaugurationDay: true })).toBe('2017-01-24T17:00:00-05:00');
  });

  it('ends a hold due at midnight starting a Thursday at the start of Saturday, the end of the last counting day', () => {
    const hold = holdExpiresAt('2011-03-03T00:00:00-06:00', 'America/Chicago');
    expect(hold.expiresAtLocal).toBe('2011-03-05T00:00:00-06:00');
    expect(hold.excluded).toEqual([]);
  });

  it('counts days in the jail’s zone: one instant is Friday evening in Los Angeles but Saturday in London', () => {
    const instant = '2024-03-09T03:00:00Z';
    expect(expiry(instant, 'America/Los_Angeles')).toBe('2024-03-12T19:00:00-07:00');
    expect(expiry(instant, 'Europe/London')).toBe('2024-03-13T00:00:00+00:00');
  });

  it('accepts epoch milliseconds and Dates as well as ISO strings', () => {
    const ms = Date.parse('2011-03-07T23:00:00Z');
    expect(holdExpiresAt(ms, 'America/Chicago').expiresAt).toBe('2011-03-09T23:00:00.000Z');
    expect(holdExpiresAt(new Date(ms), 'America/Chicago').expiresAtMs).toBe(ms + 48 * HOUR);
  });

  it('allows another limit for what-if analysis', () => {
    expect(expiry('2011-03-03T17:00:00-06:00', 'America/Chicago', { limitHours: 24 })).toBe('2011-03-04T17:00:00-06:00');
  });
});

describe('holdExpiresAt — daylight-saving time', () => {
  it('lands at 17:00 local after a New York spring-forward weekend, 95 real hours later', () => {
    const hold = holdExpiresAt('2024-03-08T17:00:00-05:00', 'America/New_York');
    expect(hold.expiresAtLocal).toBe('2024-03-12T17:00:00-04:00');
    expect(hours(hold.excluded)).toEqual([24, 23]);
    expect(hold.elapsedHours).toBe(95);
  });

  it('lands at 17:00 local after a Los Angeles fall-back weekend, 97 real hours later', () => {
    const hold = holdExpiresAt('2024-11-01T17:00:00-07:00', 'America/Los_Angeles');
    expect(hold.expiresAtLocal).toBe('2024-11-05T17:00:00-08:00');
    expect(hold.expiresAt).toBe('2024-11-06T01:00:00.000Z');
    expect(hours(hold.excluded)).toEqual([24, 25]);
  });

  it('handles the other US changes the same way (LA spring 2023, New York fall 2023)', () => {
    expect(expiry('2023-03-10T17:00:00-08:00', 'America/Los_Angeles')).toBe('2023-03-14T17:00:00-07:00');
    expect(expiry('2023-11-02T17:00:00-04:00', 'America/New_York')).toBe('2023-11-06T17:00:00-05:00');
  });

  it('starts counting Monday 00:00 EDT when release is due in the night the clocks spring forward', () => {
    const hold = holdExpiresAt('2024-03-10T01:30:00-05:00', 'America/New_York');
    expect(hold.countingStartsLocal).toBe('2024-03-11T00:00:00-04:00');
    expect(hold.expiresAtLocal).toBe('2024-03-13T00:00:00-04:00');
  });

  // US changes fall on Sundays, which never count. These zones change on counting days.
  it('counts the real 23 hours of a counting day with a spring-forward (New York, war time, Monday 1942-02-09)', () => {
    const hold = holdExpiresAt('1942-02-06T17:00:00-05:00', 'America/New_York');
    expect(hours(hold.counted)).toEqual([7, 23, 18]);
    expect(hold.expiresAtLocal).toBe('1942-02-10T18:00:00-04:00');
    expect(expiry('1942-02-06T17:00:00-05:00', 'America/New_York', { counting: 'wall-clock' })).toBe('1942-02-10T17:00:00-04:00');
  });

  it('counts the real 23 hours of a Friday spring-forward in Jerusalem (2024-03-29)', () => {
    const hold = holdExpiresAt('2024-03-28T17:00:00+02:00', 'Asia/Jerusalem');
    expect(hours(hold.counted)).toEqual([7, 23, 18]);
    expect(hold.expiresAtLocal).toBe('2024-04-01T18:00:00+03:00');
    const wall = holdExpiresAt('2024-03-28T17:00:00+02:00', 'Asia/Jerusalem', { counting: 'wall-clock' });
    expect(wall.expiresAtLocal).toBe('2024-04-01T17:00:00+03:00');
    expect(wall.countedHours).toBe(47);
  });

  it('counts the real 25 hours of a Thursday whose midnight repeats (Cairo fall-back, 2023-10-26)', () => {
    const hold = holdExpiresAt('2023-10-25T17:00:00+03:00', 'Africa/Cairo');
    expect(hours(hold.counted)).toEqual([7, 25, 16]);
    expect(hold.expiresAtLocal).toBe('2023-10-27T16:00:00+02:00');
    expect(expiry('2023-10-25T17:00:00+03:00', 'Africa/Cairo', { counting: 'wall-clock' })).toBe('2023-10-27T17:00:00+02:00');
  });

  it('counts a Friday that starts at 01:00 because the clocks skip midnight (Cairo spring-forward, 2023-04-28)', () => {
    const hold = holdExpiresAt('2023-04-27T17:00:00+02:00', 'Africa/Cairo');
    expect(hold.counted.map((c) => [c.from, c.hours])).toEqual([
      ['2023-04-27T17:00:00+02:00', 7],
      ['2023-04-28T01:00:00+03:00', 23],
      ['2023-05-01T00:00:00+03:00', 18],
    ]);
    expect(hold.expiresAtLocal).toBe('2023-05-01T18:00:00+03:00');
  });
});

describe('hoursHeld', () => {
  it('reports a release three hours after the hold lapsed', () => {
    const audit = hoursHeld('2011-03-03T17:00:00-06:00', '2011-03-07T20:00:00-06:00', 'America/Chicago');
    expect(audit.hold.expiresAtLocal).toBe('2011-03-07T17:00:00-06:00');
    expect(audit).toMatchObject({ overLimit: true, countingHoursHeld: 51, hoursOver: 3, countingHoursOver: 3, realHoursHeld: 99 });
  });

  it('counts every real hour after the lapse as over the limit, weekend hours included', () => {
    const audit = hoursHeld('2011-03-02T17:00:00-06:00', '2011-03-05T12:00:00-06:00', 'America/Chicago');
    expect(audit.hold.expiresAtLocal).toBe('2011-03-04T17:00:00-06:00');
    expect(audit).toMatchObject({ overLimit: true, hoursOver: 19, countingHoursOver: 7, countingHoursHeld: 55 });
    expect(audit.excluded.map((d) => [d.date, d.hours])).toEqual([['2011-03-05', 12]]);
  });

  it('audits a hold that ran on for eleven years (longer than the expiry search walks) without giving up', () => {
    const audit = hoursHeld('2011-03-03T17:00:00-06:00', '2022-03-03T17:00:00-06:00', 'America/Chicago');
    expect(audit.overLimit).toBe(true);
    expect(audit.hoursOver).toBe(audit.realHoursHeld - 96);
  });

  it('finds no violation for a release exactly when the hold lapses, nor for an early release', () => {
    const onTime = hoursHeld('2011-03-03T17:00:00-06:00', '2011-03-07T17:00:00-06:00', 'America/Chicago');
    expect(onTime).toMatchObject({ overLimit: false, hoursOver: 0, countingHoursHeld: 48 });
    const early = hoursHeld('2011-03-03T17:00:00-06:00', '2011-03-03T12:00:00-06:00', 'America/Chicago');
    expect(early).toMatchObject({ overLimit: false, hoursOver: 0, countingHoursHeld: 0, realHoursHeld: 0, counted: [] });
  });
});

describe('isBusinessDay and dayStatus', () => {
  it('knows MLK Day 2011 is not a business day and the Tuesday after is', () => {
    expect(isBusinessDay('2011-01-17', 'America/Chicago')).toBe(false);
    expect(isBusinessDay('2011-01-18', 'America/Chicago')).toBe(true);
  });

  it('reads an instant as a day in the jail’s zone', () => {
    // Tuesday 05:30 UTC: still the Monday holiday in Chicago, already Tuesday in New York.
    expect(isBusinessDay('2011-01-18T05:30:00Z', 'America/Chicago')).toBe(false);
    expect(isBusinessDay('2011-01-18T05:30:00Z', 'America/New_York')).toBe(true);
    expect(dayStatus('2011-01-18T05:30:00Z', 'America/Chicago').date).toBe('2011-01-17');
  });
});

describe('zone arithmetic', () => {
  it('resolves a wall time skipped by spring-forward to the instant of the jump', () => {
    expect(new Date(instantOfWallClock(Date.UTC(2024, 2, 10, 2, 30), 'America/New_York')).toISOString()).toBe('2024-03-10T07:00:00.000Z');
  });

  it('resolves a wall time shown twice at fall-back to the earlier or the later showing', () => {
    const wall = Date.UTC(2024, 10, 3, 1, 30);
    expect(new Date(instantOfWallClock(wall, 'America/New_York', 'earlier')).toISOString()).toBe('2024-11-03T05:30:00.000Z');
    expect(new Date(instantOfWallClock(wall, 'America/New_York', 'later')).toISOString()).toBe('2024-11-03T06:30:00.000Z');
  });

  it('starts a day whose midnight is skipped at the jump (Cairo, 2023-04-28 01:00 EEST)', () => {
    const day = Date.UTC(2023, 3, 28) / 86_400_000;
    expect(new Date(startOfLocalDay(day, 'Africa/Cairo')).toISOString()).toBe('2023-04-27T22:00:00.000Z');
  });

  const zones = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Phoenix', 'Pacific/Honolulu', 'Europe/London', 'Africa/Cairo', 'Asia/Jerusalem', 'Australia/Lord_Howe', 'America/St_Johns', 'Europe/Amsterdam', 'Africa/Monrovia', 'Asia/Kolkata'];
  const anyInstant = fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2200, 11, 30) });

  it('maps every instant’s wall time back to that instant (one of the two showings in an overlap)', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...zones), (t, zone) => {
        const wall = wallClockAt(t, zone);
        const back = [instantOfWallClock(wall, zone, 'earlier'), instantOfWallClock(wall, zone, 'later')];
        expect(back).toContain(t);
      }),
      { numRuns: 400 },
    );
  });

  it('puts every instant in exactly one local day, and the days in order', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...zones), (t, zone) => {
        const day = localDayOf(t, zone);
        expect(startOfLocalDay(day, zone)).toBeLessThanOrEqual(t);
        expect(startOfLocalDay(day + 1, zone)).toBeGreaterThan(t);
      }),
      { numRuns: 400 },
    );
  });
});

describe('holdExpiresAt — properties over 1990–2040', () => {
  const zones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico', 'Europe/London', 'Asia/Jerusalem', 'Africa/Cairo'];
  const release = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 11, 31) });
  const options = fc.record({
    counting: fc.constantFrom('elapsed' as const, 'wall-clock' as const),
    holidayDates: fc.constantFrom('observed' as const, 'actual' as const),
  });

  it('holds at least 48 real hours (47 by the clock rule across a spring-forward), exactly 48 counted plus the excluded days, and lapses at the end of a counting hour', () => {
    fc.assert(
      fc.property(release, fc.constantFrom(...zones), options, (t, zone, opts) => {
        const hold = holdExpiresAt(t, zone, opts);
        const elapsed = hold.expiresAtMs - t;
        expect(hold.countingStartsMs).toBeGreaterThanOrEqual(t);
        expect(hold.expiresAtMs).toBeGreaterThan(hold.countingStartsMs);
        // The breakdown tiles [release, expiry) exactly.
        expect(hold.countedHours + hold.excludedHours).toBeCloseTo(elapsed / HOUR, 9);
        if (opts.counting === 'elapsed') {
          expect(elapsed).toBeGreaterThanOrEqual(48 * HOUR);
          expect(hold.countedHours).toBeCloseTo(48, 9);
        } else {
          expect(hold.countedHours).toBeGreaterThanOrEqual(47);
          expect(hold.countedHours).toBeLessThanOrEqual(49);
        }
        // The last moment held is on a counting day; expiry itself is inside a counting day or at the start of a day.
        expect(isBusinessDay(hold.expiresAtMs - 1, zone, opts)).toBe(true);
        const expiryDay = localDayOf(hold.expiresAtMs, zone);
        if (!isBusinessDay(hold.expiresAtMs, zone, opts)) expect(startOfLocalDay(expiryDay, zone)).toBe(hold.expiresAtMs);
        for (const day of hold.excluded) expect(day.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
  });

  it('never lets a later release expire earlier', () => {
    fc.assert(
      fc.property(release, fc.integer({ min: 0, max: 5 * 24 * HOUR }), fc.constantFrom(...zones), options, (t, later, zone, opts) => {
        expect(holdExpiresAt(t + later, zone, opts).expiresAtMs).toBeGreaterThanOrEqual(holdExpiresAt(t, zone, opts).expiresAtMs);
      }),
      { numRuns: 400 },
    );
  });

  it('is never shorter under the "observed" rule than under the "actual" rule', () => {
    fc.assert(
      fc.property(release, fc.constantFrom(...zones), (t, zone) => {
        expect(holdExpiresAt(t, zone, { holidayDates: 'observed' }).expiresAtMs).toBeGreaterThanOrEqual(holdExpiresAt(t, zone, { holidayDates: 'actual' }).expiresAtMs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad input', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DetainerClockError);
      return (e as DetainerClockError).code;
    }
    throw new Error('expected a DetainerClockError');
  };

  it('refuses unknown time zones', () => {
    expect(code(() => holdExpiresAt(0, 'Mars/Olympus_Mons'))).toBe('INVALID_TIME_ZONE');
    expect(code(() => holdExpiresAt(0, ''))).toBe('INVALID_TIME_ZONE');
    expect(code(() => isBusinessDay('2011-01-18', 'Nowhere'))).toBe('INVALID_TIME_ZONE');
  });

  it('refuses instants that are not instants', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 'yesterday', '2021-02-30T10:00:00Z', '2021-02-10T10:00:00', '2021-02-10T24:00:00Z', '2021-02-10T10:00:00+25:00', new Date('x')]) {
      expect(code(() => holdExpiresAt(bad, 'America/Chicago'))).toBe('INVALID_INSTANT');
    }
    expect(code(() => hoursHeld('2011-03-03T17:00:00-06:00', 'later', 'America/Chicago'))).toBe('INVALID_INSTANT');
  });

  it('refuses years outside 1900–2200 in the jail’s local time', () => {
    expect(code(() => holdExpiresAt('1899-12-31T12:00:00Z', 'America/Chicago'))).toBe('YEAR_OUT_OF_RANGE');
    expect(code(() => holdExpiresAt('1900-01-01T03:00:00Z', 'America/Los_Angeles'))).toBe('YEAR_OUT_OF_RANGE');
    expect(code(() => holdExpiresAt('2201-01-01T12:00:00Z', 'America/Chicago'))).toBe('YEAR_OUT_OF_RANGE');
    expect(code(() => isBusinessDay('2250-01-03', 'America/Chicago'))).toBe('YEAR_OUT_OF_RANGE');
    // The last supported day still works: Wednesday 2200-12-31, then New Year's Day 2201 and a weekend.
    expect(holdExpiresAt('2200-12-31T12:00:00Z', 'America/Chicago').expiresAtLocal).toBe('2201-01-05T06:00:00-06:00');
  });

  it('refuses unknown options', () => {
    expect(code(() => holdExpiresAt(0, 'UTC', { counting: 'business' as never }))).toBe('INVALID_OPTION');
    expect(code(() => holdExpiresAt(0, 'UTC', { limitHours: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => holdExpiresAt(0, 'UTC', { extraHolidays: [{ date: 'soon', name: 'x' }] }))).toBe('INVALID_HOLIDAY');
  });

  it('reports a calendar with no counting day instead of looping', () => {
    const weekdays: { date: string; name: string }[] = [];
    for (let d = Date.UTC(2020, 0, 1); d < Date.UTC(2031, 0, 1); d += 86_400_000) weekdays.push({ date: new Date(d).toISOString().slice(0, 10), name: 'closed' });
    expect(code(() => holdExpiresAt('2020-01-01T12:00:00Z', 'UTC', { extraHolidays: weekdays }))).toBe('NO_COUNTING_DAY');
  });

  it('parses ISO instants with offsets and fractions', () => {
    expect(parseInstant('2011-01-14T17:00:00.123456-06:00')).toBe(Date.UTC(2011, 0, 14, 23, 0, 0, 123));
    expect(parseInstant('2011-01-14T17:00+05:30')).toBe(Date.UTC(2011, 0, 14, 11, 30));
  });
});
