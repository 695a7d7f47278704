/**
 * The audit's own reckoning of a detainer hold's legal limit: an implementation of 8 CFR
 * 287.7(d) ("not to exceed 48 hours, excluding Saturdays, Sundays, and holidays") written apart
 * from the detainer clock the agencies use (`src/policy/detainer-clock.ts`), so that the audit's
 * "limit-miscomputed" check never vouches for a result with the code that produced it.
 *
 * Differences on purpose:
 * - Local days by Temporal's own start of day: a local day runs from
 *   `PlainDate.toZonedDateTime(zone)` (the instant of the jump where the clocks skip midnight)
 *   to that of the next date. The clock derives its day starts from its own wall-clock →
 *   instant mapping (disambiguation, then the zone's next transition in a gap). Both read the
 *   zone's offsets through `temporal-polyfill` (the same time-zone data, as they must).
 * - The federal holidays are this file's own small table of rules (a fixed date, or "the
 *   Monday whose day of month is 15–21"), with the 5 U.S.C. 6103(b) shift for fixed dates,
 *   expanded into a set of closed dates per year and reading.
 * - The expiry is found as a fixed point rather than by walking days: the end `t` satisfies
 *   `t = due + limit + (excluded time in [due, t))`; starting from `due + limit` and adding the
 *   excluded time found so far until it stops growing (a candidate strictly inside an excluded
 *   day moves to that day's end, where counted time resumes).
 *
 * The reading in force comes from the policy version that decided the detainer (its
 * `detainers.form.holidays.dates` and `holdLimitHours`). Counting is the program's: real elapsed
 * hours on counting days (the clock's choice 3, `elapsed`). Years 1986–2200 (MLK Day onward);
 * outside them, or for an unknown zone, the recomputation gives null and the audit goes by the
 * recorded limit. Pure: no clock, no I/O.
 */
import { Temporal } from 'temporal-polyfill';

export type HolidayReading = 'observed' | 'actual';

/** The clock a policy version prescribes: its reading of "holidays" and its hold limit. */
export interface ClockReading {
  holidayDates: HolidayReading;
  limitHours: number;
}

/** The program's default: federal holidays on the days federal offices observe them, 48 hours. */
export const DEFAULT_READING: ClockReading = { holidayDates: 'observed', limitHours: 48 };

export const FIRST_YEAR = 1986;
export const LAST_YEAR = 2200;
const HOUR = 3_600_000;
/** The fixed point is reached in a few rounds; this bounds a calendar that never lets a hold end. */
const MAX_ROUNDS = 2_000;

interface Rule {
  name: string;
  from?: number;
  /** A fixed month and day (shifted off weekends for the observed reading). */
  fixed?: [month: number, day: number];
  /** The given ISO weekday (1 = Monday … 7 = Sunday) whose day of month lies in [first, first + 6]. */
  floating?: [month: number, weekday: number, first: number];
}

/** 5 U.S.C. 6103(a), as in force from 1986 (MLK Day) on; Juneteenth from 2021. */
const RULES: readonly Rule[] = [
  { name: "New Year's Day", fixed: [1, 1] },
  { name: 'Birthday of Martin Luther King, Jr.', floating: [1, 1, 15] },
  { name: "Washington's Birthday", floating: [2, 1, 15] },
  { name: 'Memorial Day', floating: [5, 1, 25] },
  { name: 'Juneteenth National Independence Day', fixed: [6, 19], from: 2021 },
  { name: 'Independence Day', fixed: [7, 4] },
  { name: 'Labor Day', floating: [9, 1, 1] },
  { name: 'Columbus Day', floating: [10, 1, 8] },
  { name: 'Veterans Day', fixed: [11, 11] },
  { name: 'Thanksgiving Day', floating: [11, 4, 22] },
  { name: 'Christmas Day', fixed: [12, 25] },
];

function holidayDate(rule: Rule, year: number): Temporal.PlainDate | null {
  if (rule.from !== undefined && year < rule.from) return null;
  if (rule.fixed) return Temporal.PlainDate.from({ year, month: rule.fixed[0], day: rule.fixed[1] });
  const [month, weekday, first] = rule.floating!;
  const start = Temporal.PlainDate.from({ year, month, day: first });
  return start.add({ days: (weekday - start.dayOfWeek + 7) % 7 });
}

/** Saturday → the Friday before, Sunday → the Monday after. */
function observedOn(date: Temporal.PlainDate): Temporal.PlainDate {
  if (date.dayOfWeek === 6) return date.subtract({ days: 1 });
  if (date.dayOfWeek === 7) return date.add({ days: 1 });
  return date;
}

const closedDates = new Map<string, Set<string>>();

/** The dates ("YYYY-MM-DD") in `year` on which a federal holiday stops the clock under `reading`. */
export function holidayClosures(year: number, reading: HolidayReading): Set<string> {
  const key = `${reading}|${year}`;
  let set = closedDates.get(key);
  if (set) return set;
  set = new Set();
  // The next year's New Year's Day may be observed on December 31 of this one.
  for (const y of [year, year + 1]) {
    for (const rule of RULES) {
      const own = holidayDate(rule, y);
      if (own === null) continue;
      const closed = reading === 'observed' ? observedOn(own) : own;
      if (closed.year === year) set.add(closed.toString());
    }
  }
  closedDates.set(key, set);
  return set;
}

function excludedDate(date: Temporal.PlainDate, reading: HolidayReading): boolean {
  return date.dayOfWeek >= 6 || holidayClosures(date.year, reading).has(date.toString());
}

// Starts of local dates are asked for again and again (every hold walks the same few days).
const dayStarts = new Map<string, number>();
const DAY_START_CACHE = 50_000;

function startOf(date: Temporal.PlainDate, zone: string): number {
  const key = `${zone}|${date.toString()}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    if (dayStarts.size >= DAY_START_CACHE) dayStarts.clear();
    start = date.toZonedDateTime(zone).epochMilliseconds;
    dayStarts.set(key, start);
  }
  return start;
}

/** Milliseconds of [from, to) that fall on excluded local dates of `zone`. */
function excludedTime(from: number, to: number, zone: string, reading: HolidayReading): number {
  let total = 0;
  let date = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone).toPlainDate();
  let start = startOf(date, zone);
  while (start < to) {
    const next = date.add({ days: 1 });
    const end = startOf(next, zone);
    if (excludedDate(date, reading)) total += Math.max(0, Math.min(end, to) - Math.max(start, from));
    date = next;
    start = end;
  }
  return total;
}

/**
 * The instant a hold with release due at `releaseDue` (epoch ms) lapses in `zone` under
 * `reading`: the exclusive end of the hold. Null when the zone is unknown, the limit is not a
 * positive number of hours, or the dates fall outside 1986–2200.
 */
export function legalLimitOf(releaseDue: number, zone: string, reading: ClockReading): number | null {
  if (!Number.isSafeInteger(releaseDue) || !(reading.limitHours > 0) || !Number.isFinite(reading.limitHours)) return null;
  if (reading.holidayDates !== 'observed' && reading.holidayDates !== 'actual') return null;
  try {
    const limit = Math.round(reading.limitHours * HOUR);
    // The release must be due in 1986–2200; the hold may run into the first days of 2201.
    const inRange = (ms: number, last: number) => {
      const y = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).year;
      return y >= FIRST_YEAR && y <= last;
    };
    if (!inRange(releaseDue, LAST_YEAR)) return null;
    // excluded = the excluded time in [releaseDue, end); each round adds that of the new stretch.
    let excluded = 0;
    let end = releaseDue;
    let next = releaseDue + limit;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (!inRange(next, LAST_YEAR + 1)) return null;
      excluded += excludedTime(end, next, zone, reading.holidayDates);
      end = next;
      next = releaseDue + limit + excluded;
      if (next === end) return end;
      // Counted time stands still inside an excluded day, so the end is never strictly inside
      // one: a candidate there moves to the day's end (else the rounds would creep up on it).
      const date = Temporal.Instant.fromEpochMilliseconds(next).toZonedDateTimeISO(zone).toPlainDate();
      if (excludedDate(date, reading.holidayDates) && next > startOf(date, zone)) next = startOf(date.add({ days: 1 }), zone);
    }
    return null;
  } catch {
    return null; // an unknown zone
  }
}
