/**
 * US federal holidays (5 U.S.C. 6103) for any year from 1900 to 2200, with the dates on
 * which federal offices observe them, plus extra closures passed in as data.
 *
 * Pure: no clock, no I/O. Dates are civil dates ("YYYY-MM-DD") with no time zone; the
 * detainer clock decides which local day an instant falls on.
 */

/** Machine-readable reason a detainer-clock or holiday computation refused its input. */
export type DetainerClockErrorCode =
  | 'INVALID_INSTANT'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_DATE'
  | 'YEAR_OUT_OF_RANGE'
  | 'INVALID_HOLIDAY'
  | 'INVALID_OPTION'
  | 'NO_COUNTING_DAY';

/** The one error type the detainer clock and the holiday calendar throw for bad input. */
export class DetainerClockError extends Error {
  override readonly name = 'DetainerClockError';
  readonly code: DetainerClockErrorCode;

  constructor(code: DetainerClockErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Years the calendar is defined for. Outside this range inputs are refused, not guessed. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;

const DAY_MS = 86_400_000;

// ── civil dates as day numbers (days since 1970-01-01) ─────────────────────────────────

/** Day number of a civil date (proleptic Gregorian). */
export function dayNumber(year: number, month: number, day: number): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilDate(dayNum: number): CivilDate {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "YYYY-MM-DD" for a day number. */
export function formatDay(dayNum: number): string {
  const { year, month, day } = civilDate(dayNum);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Parses a strict "YYYY-MM-DD" civil date into a day number; throws `INVALID_DATE`. */
export function parseDay(text: string): number {
  const m = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  if (m === null) throw new DetainerClockError('INVALID_DATE', `not a YYYY-MM-DD date: ${String(text)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const n = dayNumber(year, month, day);
  const back = civilDate(n);
  if (back.month !== month || back.day !== day) throw new DetainerClockError('INVALID_DATE', `no such date: ${text}`);
  return n;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month + 1, 0);
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

const MONDAY = 1;
const THURSDAY = 4;

// ── the federal holidays ───────────────────────────────────────────────────────────────

export type FederalHolidayId =
  | 'new-years-day'
  | 'mlk-birthday'
  | 'washingtons-birthday'
  | 'memorial-day'
  | 'juneteenth'
  | 'independence-day'
  | 'labor-day'
  | 'columbus-day'
  | 'veterans-day'
  | 'thanksgiving-day'
  | 'christmas-day'
  | 'inauguration-day';

/** One federal holiday of one year. */
export interface FederalHoliday {
  id: FederalHolidayId;
  /** The name used in 5 U.S.C. 6103(a) (for years in force under another name, that name). */
  name: string;
  /** The holiday's own date, "YYYY-MM-DD". */
  date: string;
  /** The day federal offices are closed for it, "YYYY-MM-DD" (Saturday → Friday before, Sunday → Monday after). */
  observed: string;
  /** Weekday of the observed date. */
  observedWeekday: WeekdayName;
}

interface HolidayRule {
  id: FederalHolidayId;
  /** Day number of the holiday in `year`, or null when not a federal holiday that year. */
  dateIn(year: number): { day: number; name: string } | null;
}

/*
 * The set in force by year. 1971 is the Uniform Monday Holiday Act (Pub. L. 90-363);
 * 1986 MLK Day (Pub. L. 98-144); 2021 Juneteenth (Pub. L. 117-17); 1938 Armistice Day
 * (renamed Veterans Day in 1954, moved to the 4th Monday of October 1971–1977);
 * Thanksgiving fixed on the 4th Thursday from 1942, proclaimed dates before that.
 * Years before 1971 are a best effort: the software models 2008 onward.
 */
const RULES: readonly HolidayRule[] = [
  { id: 'new-years-day', dateIn: (y) => ({ day: dayNumber(y, 1, 1), name: "New Year's Day" }) },
  {
    id: 'mlk-birthday',
    dateIn: (y) => (y >= 1986 ? { day: nthWeekday(y, 1, MONDAY, 3), name: 'Birthday of Martin Luther King, Jr.' } : null),
  },
  {
    id: 'washingtons-birthday',
    dateIn: (y) => ({ day: y >= 1971 ? nthWeekday(y, 2, MONDAY, 3) : dayNumber(y, 2, 22), name: "Washington's Birthday" }),
  },
  {
    id: 'memorial-day',
    dateIn: (y) => ({ day: y >= 1971 ? lastWeekday(y, 5, MONDAY) : dayNumber(y, 5, 30), name: 'Memorial Day' }),
  },
  {
    id: 'juneteenth',
    dateIn: (y) => (y >= 2021 ? { day: dayNumber(y, 6, 19), name: 'Juneteenth National Independence Day' } : null),
  },
  { id: 'independence-day', dateIn: (y) => ({ day: dayNumber(y, 7, 4), name: 'Independence Day' }) },
  { id: 'labor-day', dateIn: (y) => ({ day: nthWeekday(y, 9, MONDAY, 1), name: 'Labor Day' }) },
  { id: 'columbus-day', dateIn: (y) => (y >= 1971 ? { day: nthWeekday(y, 10, MONDAY, 2), name: 'Columbus Day' } : null) },
  {
    id: 'veterans-day',
    dateIn: (y) => {
      if (y < 1938) return null;
      if (y < 1954) return { day: dayNumber(y, 11, 11), name: 'Armistice Day' };
      if (y >= 1971 && y <= 1977) return { day: nthWeekday(y, 10, MONDAY, 4), name: 'Veterans Day' };
      return { day: dayNumber(y, 11, 11), name: 'Veterans Day' };
    },
  },
  {
    id: 'thanksgiving-day',
    dateIn: (y) => {
      const name = 'Thanksgiving Day';
      if (y >= 1942) return { day: nthWeekday(y, 11, THURSDAY, 4), name };
      if (y === 1939) return { day: dayNumber(1939, 11, 23), name };
      if (y === 1940) return { day: dayNumber(1940, 11, 21), name };
      if (y === 1941) return { day: dayNumber(1941, 11, 20), name };
      return { day: lastWeekday(y, 11, THURSDAY), name };
    },
  },
  { id: 'christmas-day', dateIn: (y) => ({ day: dayNumber(y, 12, 25), name: 'Christmas Day' }) },
];

/*
 * Inauguration Day (5 U.S.C. 6103(c)) is a holiday only for federal employees in the
 * District of Columbia and the neighbouring Maryland and Virginia counties and cities,
 * so it is off by default (`inaugurationDay: true` for jails there). January 20 of every
 * fourth year from 1965; on a Sunday it moves to Monday the 21st, on a Saturday it stays.
 */
const INAUGURATION: HolidayRule = {
  id: 'inauguration-day',
  dateIn: (y) => (y >= 1965 && (y - 1965) % 4 === 0 ? { day: dayNumber(y, 1, 20), name: 'Inauguration Day' } : null),
};

/** Saturday → the Friday before, Sunday → the Monday after (5 U.S.C. 6103(b), E.O. 11582). */
function observedDay(day: number, id?: FederalHolidayId): number {
  const wd = weekdayOf(day);
  if (id === 'inauguration-day') return wd === 0 ? day + 1 : day;
  if (wd === 6) return day - 1;
  if (wd === 0) return day + 1;
  return day;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new DetainerClockError('YEAR_OUT_OF_RANGE', `year must be an integer from ${MIN_YEAR} to ${MAX_YEAR}: ${String(year)}`);
  }
}

interface HolidayEntry {
  id: FederalHolidayId;
  name: string;
  day: number;
  observedDay: number;
}

function holidayEntries(year: number, inaugurationDay = false): HolidayEntry[] {
  const out: HolidayEntry[] = [];
  for (const rule of inaugurationDay ? [...RULES, INAUGURATION] : RULES) {
    const h = rule.dateIn(year);
    if (h !== null) out.push({ id: rule.id, name: h.name, day: h.day, observedDay: observedDay(h.day, rule.id) });
  }
  return out.sort((a, b) => a.day - b.day);
}

/**
 * The federal holidays of `year` (by the holiday's own date), each with the date federal
 * offices observe it. New Year's Day on a Saturday is observed on December 31 of the year
 * before: it is listed under its own year with `observed` in the previous year.
 */
export function federalHolidays(year: number, options: { inaugurationDay?: boolean } = {}): FederalHoliday[] {
  checkYear(year);
  return holidayEntries(year, options.inaugurationDay === true).map((h) => ({
    id: h.id,
    name: h.name,
    date: formatDay(h.day),
    observed: formatDay(h.observedDay),
    observedWeekday: WEEKDAY_NAMES[weekdayOf(h.observedDay)],
  }));
}

// ── the calendar the clock consults ────────────────────────────────────────────────────

/** A closure that is not a federal holiday: a state holiday, a day of mourning… */
export interface ExtraHoliday {
  /** The day the offices are closed, "YYYY-MM-DD" (taken as is; no weekend shifting). */
  date: string;
  name: string;
}

/**
 * Which date of a federal holiday stops the clock.
 * - `observed` (default): the day federal offices are closed for it (5 U.S.C. 6103(b):
 *   Saturday → the Friday before, Sunday → the Monday after; a Saturday New Year's Day is
 *   observed on December 31 of the year before). Every dated policy version of the program
 *   says so in `detainers.form.holidayDates` (docs/detainer-clock.md, choice 4).
 * - `actual`: the holiday's own date only. When the two differ the own date is a Saturday
 *   or Sunday, excluded anyway, so this reading counts one more weekday and ends the hold a
 *   day sooner. Kept selectable for a version or jurisdiction that reads "holidays" so.
 */
export type HolidayDateRule = 'observed' | 'actual';

export interface CalendarOptions {
  holidayDates?: HolidayDateRule;
  /** Count federal holidays at all (default true). False leaves weekends and `extraHolidays`. */
  federalHolidays?: boolean;
  extraHolidays?: readonly ExtraHoliday[];
  /** Count Inauguration Day, a holiday only in the Washington, DC area (default false). */
  inaugurationDay?: boolean;
}

export type ExclusionReason =
  | { kind: 'weekend'; weekday: 'Saturday' | 'Sunday' }
  | { kind: 'holiday'; source: 'federal'; id: FederalHolidayId; name: string; date: string; observed: string }
  | { kind: 'holiday'; source: 'extra'; name: string; date: string };

export interface DayStatus {
  date: string;
  weekday: WeekdayName;
  /** True when the day counts toward the 48 hours (not a weekend, not a holiday). */
  counts: boolean;
  /** Why the day does not count; empty when it counts. */
  reasons: ExclusionReason[];
  /** Facts that do not change the answer, e.g. "Christmas Day falls on this Saturday; observed 2021-12-24". */
  notes: string[];
}

/** A reusable, validated calendar: weekends + federal holidays (by the chosen rule) + extras. */
export class HolidayCalendar {
  readonly holidayDates: HolidayDateRule;
  readonly includeFederal: boolean;
  readonly inaugurationDay: boolean;
  private readonly extras = new Map<number, string[]>();
  private readonly byYear = new Map<number, Map<number, { entry: HolidayEntry; match: 'date' | 'observed' }[]>>();

  constructor(options: CalendarOptions | null = {}) {
    options ??= {};
    const rule = options.holidayDates ?? 'observed';
    if (rule !== 'observed' && rule !== 'actual') {
      throw new DetainerClockError('INVALID_OPTION', `holidayDates must be "observed" or "actual": ${String(rule)}`);
    }
    this.holidayDates = rule;
    this.includeFederal = options.federalHolidays ?? true;
    this.inaugurationDay = options.inaugurationDay ?? false;
    for (const extra of options.extraHolidays ?? []) {
      if (extra === null || typeof extra !== 'object' || typeof extra.name !== 'string' || extra.name.trim() === '') {
        throw new DetainerClockError('INVALID_HOLIDAY', 'an extra holiday needs a date "YYYY-MM-DD" and a name');
      }
      let day: number;
      try {
        day = parseDay(extra.date);
      } catch {
        throw new DetainerClockError('INVALID_HOLIDAY', `extra holiday "${extra.name}" has a bad date: ${String(extra.date)}`);
      }
      const names = this.extras.get(day) ?? [];
      names.push(extra.name);
      this.extras.set(day, names);
    }
  }

  /** Federal holidays by day number within `year`: own dates and observed dates (next New Year's may be observed on Dec 31). */
  private federalIndex(year: number): Map<number, { entry: HolidayEntry; match: 'date' | 'observed' }[]> {
    let index = this.byYear.get(year);
    if (index !== undefined) return index;
    index = new Map();
    for (const entry of [...holidayEntries(year, this.inaugurationDay), ...holidayEntries(year + 1, this.inaugurationDay)]) {
      for (const [day, match] of [
        [entry.day, 'date'],
        [entry.observedDay, 'observed'],
      ] as const) {
        if (civilDate(day).year !== year) continue;
        const list = index.get(day) ?? [];
        list.push({ entry, match });
        index.set(day, list);
      }
    }
    this.byYear.set(year, index);
    return index;
  }

  /** The status of one civil day (by day number). */
  statusOfDay(dayNum: number): DayStatus {
    const wd = weekdayOf(dayNum);
    const reasons: ExclusionReason[] = [];
    const notes: string[] = [];
    if (wd === 0 || wd === 6) reasons.push({ kind: 'weekend', weekday: wd === 0 ? 'Sunday' : 'Saturday' });
    if (this.includeFederal) {
      const hits = this.federalIndex(civilDate(dayNum).year).get(dayNum) ?? [];
      for (const { entry, match } of hits) {
        const stops = (this.holidayDates === 'observed' ? 'observed' : 'date') === match;
        const date = formatDay(entry.day);
        const observed = formatDay(entry.observedDay);
        if (stops) reasons.push({ kind: 'holiday', source: 'federal', id: entry.id, name: entry.name, date, observed });
        else if (match === 'date' && entry.day !== entry.observedDay) notes.push(`${entry.name} falls on this ${WEEKDAY_NAMES[wd]}; observed ${observed}`);
        else if (match === 'observed' && entry.day !== entry.observedDay) notes.push(`federal offices observe ${entry.name} (${date}) on this day; not excluded under the "actual" rule`);
      }
    }
    for (const name of this.extras.get(dayNum) ?? []) reasons.push({ kind: 'holiday', source: 'extra', name, date: formatDay(dayNum) });
    return { date: formatDay(dayNum), weekday: WEEKDAY_NAMES[wd], counts: reasons.length === 0, reasons, notes };
  }

  counts(dayNum: number): boolean {
    return this.statusOfDay(dayNum).counts;
  }
}
