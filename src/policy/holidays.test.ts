import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DetainerClockError, HolidayCalendar, federalHolidays, parseDay } from './holidays.ts';

const table = (year: number): Record<string, [string, string]> =>
  Object.fromEntries(federalHolidays(year).map((h) => [h.id, [h.date, h.observed]]));

describe('federalHolidays', () => {
  it('lists the eleven holidays of 2021 with the dates federal offices observed them', () => {
    expect(table(2021)).toEqual({
      'new-years-day': ['2021-01-01', '2021-01-01'],
      'mlk-birthday': ['2021-01-18', '2021-01-18'],
      'washingtons-birthday': ['2021-02-15', '2021-02-15'],
      'memorial-day': ['2021-05-31', '2021-05-31'],
      juneteenth: ['2021-06-19', '2021-06-18'],
      'independence-day': ['2021-07-04', '2021-07-05'],
      'labor-day': ['2021-09-06', '2021-09-06'],
      'columbus-day': ['2021-10-11', '2021-10-11'],
      'veterans-day': ['2021-11-11', '2021-11-11'],
      'thanksgiving-day': ['2021-11-25', '2021-11-25'],
      'christmas-day': ['2021-12-25', '2021-12-24'],
    });
  });

  it('observes New Year’s Day on a Saturday on December 31 of the year before', () => {
    expect(table(2022)['new-years-day']).toEqual(['2022-01-01', '2021-12-31']);
    expect(table(2011)['new-years-day']).toEqual(['2011-01-01', '2010-12-31']);
  });

  it('matches the 2011 calendar, the year Secure Communities grew fastest', () => {
    expect(table(2011)).toMatchObject({
      'mlk-birthday': ['2011-01-17', '2011-01-17'],
      'washingtons-birthday': ['2011-02-21', '2011-02-21'],
      'memorial-day': ['2011-05-30', '2011-05-30'],
      'labor-day': ['2011-09-05', '2011-09-05'],
      'columbus-day': ['2011-10-10', '2011-10-10'],
      'veterans-day': ['2011-11-11', '2011-11-11'],
      'thanksgiving-day': ['2011-11-24', '2011-11-24'],
      'christmas-day': ['2011-12-25', '2011-12-26'],
    });
    expect(federalHolidays(2011)).toHaveLength(10);
  });

  it('moves a Saturday holiday to Friday and a Sunday holiday to Monday', () => {
    const y2020 = federalHolidays(2020).find((h) => h.id === 'independence-day');
    expect(y2020).toMatchObject({ date: '2020-07-04', observed: '2020-07-03', observedWeekday: 'Friday' });
    const y2022 = federalHolidays(2022).find((h) => h.id === 'juneteenth');
    expect(y2022).toMatchObject({ date: '2022-06-19', observed: '2022-06-20', observedWeekday: 'Monday' });
  });

  it('has Juneteenth from 2021 and the King holiday from 1986 only', () => {
    expect(table(2020).juneteenth).toBeUndefined();
    expect(table(1985)['mlk-birthday']).toBeUndefined();
    expect(table(1986)['mlk-birthday']).toEqual(['1986-01-20', '1986-01-20']);
  });

  it('uses the fixed dates before the Uniform Monday Holiday Act took effect in 1971', () => {
    expect(table(1970)['washingtons-birthday'][0]).toBe('1970-02-22');
    expect(table(1970)['memorial-day'][0]).toBe('1970-05-30');
    expect(table(1970)['columbus-day']).toBeUndefined();
    expect(table(1971)['washingtons-birthday'][0]).toBe('1971-02-15');
    expect(table(1971)['columbus-day'][0]).toBe('1971-10-11');
  });

  it('puts Veterans Day on the fourth Monday of October from 1971 to 1977', () => {
    expect(table(1975)['veterans-day'][0]).toBe('1975-10-27');
    expect(table(1978)['veterans-day'][0]).toBe('1978-11-11');
    expect(federalHolidays(1950).find((h) => h.id === 'veterans-day')?.name).toBe('Armistice Day');
    expect(table(1937)['veterans-day']).toBeUndefined();
  });

  it('follows the proclaimed Thanksgiving dates of 1939–1941 and the fourth Thursday from 1942', () => {
    expect(table(1938)['thanksgiving-day'][0]).toBe('1938-11-24');
    expect(table(1939)['thanksgiving-day'][0]).toBe('1939-11-23');
    expect(table(1941)['thanksgiving-day'][0]).toBe('1941-11-20');
    expect(table(1942)['thanksgiving-day'][0]).toBe('1942-11-26');
  });

  it('handles every year from 1900 to 2200 with each holiday once and observed on a weekday', () => {
    for (let year = 1900; year <= 2200; year++) {
      const list = federalHolidays(year);
      expect(new Set(list.map((h) => h.id)).size).toBe(list.length);
      for (const h of list) {
        expect(h.date.startsWith(String(year))).toBe(true);
        expect(['Saturday', 'Sunday']).not.toContain(h.observedWeekday);
      }
    }
    expect(federalHolidays(2200)).toHaveLength(11);
  });

  it('adds Inauguration Day, a Washington-area holiday, only when asked, moving a Sunday one to Monday', () => {
    expect(table(2013)['inauguration-day']).toBeUndefined();
    const y2013 = federalHolidays(2013, { inaugurationDay: true }).find((h) => h.id === 'inauguration-day');
    expect(y2013).toMatchObject({ date: '2013-01-20', observed: '2013-01-21' });
    const y2017 = federalHolidays(2017, { inaugurationDay: true }).find((h) => h.id === 'inauguration-day');
    expect(y2017).toMatchObject({ date: '2017-01-20', observed: '2017-01-20', observedWeekday: 'Friday' });
    expect(federalHolidays(2018, { inaugurationDay: true }).some((h) => h.id === 'inauguration-day')).toBe(false);
  });

  it('lists a year’s holidays in date order', () => {
    const dates = federalHolidays(2024).map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
  });

  it('refuses years outside 1900–2200 and non-integers with a typed error', () => {
    for (const bad of [1899, 2201, 2000.5, Number.NaN]) {
      expect(() => federalHolidays(bad)).toThrow(DetainerClockError);
    }
    try {
      federalHolidays(1800);
    } catch (e) {
      expect((e as DetainerClockError).code).toBe('YEAR_OUT_OF_RANGE');
    }
  });
});

describe('HolidayCalendar', () => {
  const day = parseDay;

  it('stops the clock on the days federal offices observe holidays by default (5 U.S.C. 6103(b))', () => {
    expect(new HolidayCalendar().holidayDates).toBe('observed');
    expect(new HolidayCalendar().counts(day('2021-12-24'))).toBe(false);
  });

  it('excludes, under each reading, exactly the weekdays that reading names for a federal holiday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2040 }), fc.constantFrom('observed' as const, 'actual' as const), (year, rule) => {
        const cal = new HolidayCalendar({ holidayDates: rule });
        const claimed = new Set(federalHolidays(year).map((h) => (rule === 'observed' ? h.observed : h.date)));
        for (let d = day(`${year}-01-01`); d <= day(`${year}-12-31`); d++) {
          const status = cal.statusOfDay(d);
          const weekend = status.weekday === 'Saturday' || status.weekday === 'Sunday';
          const federal = status.reasons.some((r) => r.kind === 'holiday');
          expect(federal).toBe(claimed.has(status.date) || (rule === 'observed' && status.date.endsWith('-12-31') && federalHolidays(year + 1)[0].observed === status.date));
          expect(status.counts).toBe(!weekend && !federal);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('does not count the observed Friday of a Saturday Christmas under the "observed" rule', () => {
    const status = new HolidayCalendar({ holidayDates: 'observed' }).statusOfDay(day('2021-12-24'));
    expect(status.counts).toBe(false);
    expect(status.reasons).toEqual([
      { kind: 'holiday', source: 'federal', id: 'christmas-day', name: 'Christmas Day', date: '2021-12-25', observed: '2021-12-24' },
    ]);
  });

  it('counts that Friday under the "actual" rule, and says why in a note', () => {
    const status = new HolidayCalendar({ holidayDates: 'actual' }).statusOfDay(day('2021-12-24'));
    expect(status.counts).toBe(true);
    expect(status.notes[0]).toMatch(/Christmas Day/);
  });

  it('notes the holiday on the Saturday it falls on, which is excluded as a weekend', () => {
    const status = new HolidayCalendar({ holidayDates: 'observed' }).statusOfDay(day('2021-12-25'));
    expect(status.reasons).toEqual([{ kind: 'weekend', weekday: 'Saturday' }]);
    expect(status.notes).toEqual(['Christmas Day falls on this Saturday; observed 2021-12-24']);
  });

  it('finds the New Year’s Day observed on December 31 when asked about the old year', () => {
    expect(new HolidayCalendar({ holidayDates: 'observed' }).counts(day('2021-12-31'))).toBe(false);
    expect(new HolidayCalendar({ holidayDates: 'observed' }).counts(day('2010-12-31'))).toBe(false);
    expect(new HolidayCalendar({ holidayDates: 'actual' }).counts(day('2021-12-31'))).toBe(true);
  });

  it('adds extra closures passed in as data', () => {
    const calendar = new HolidayCalendar({ extraHolidays: [{ date: '2018-12-05', name: 'National Day of Mourning for President George H. W. Bush' }] });
    const status = calendar.statusOfDay(day('2018-12-05'));
    expect(status.counts).toBe(false);
    expect(status.reasons[0]).toMatchObject({ kind: 'holiday', source: 'extra' });
    expect(new HolidayCalendar().counts(day('2018-12-05'))).toBe(true);
  });

  it('can leave federal holidays out, keeping weekends', () => {
    const calendar = new HolidayCalendar({ federalHolidays: false });
    expect(calendar.counts(day('2011-01-17'))).toBe(true);
    expect(calendar.counts(day('2011-01-15'))).toBe(false);
  });

  it('refuses malformed extra holidays and unknown rules with typed errors', () => {
    const bad = (options: object, code: string): void => {
      try {
        new HolidayCalendar(options);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DetainerClockError);
        expect((e as DetainerClockError).code).toBe(code);
      }
    };
    bad({ extraHolidays: [{ date: '2018-02-30', name: 'x' }] }, 'INVALID_HOLIDAY');
    bad({ extraHolidays: [{ date: '2018-12-05', name: '' }] }, 'INVALID_HOLIDAY');
    bad({ extraHolidays: [{ date: 20181205, name: 'x' }] }, 'INVALID_HOLIDAY');
    bad({ holidayDates: 'both' }, 'INVALID_OPTION');
  });
});
