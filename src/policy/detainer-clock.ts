/**
 * The detainer clock: when does a detainer hold lapse?
 *
 * 8 CFR 287.7(d): the jail holds the person "for a period not to exceed 48 hours,
 * excluding Saturdays, Sundays, and holidays", counted from when the person would
 * otherwise be released. Days are the jail's local days (its IANA time zone); a day that
 * is a Saturday, a Sunday or a holiday (see holidays.ts) stops the clock for the whole of
 * that local day. See docs/detainer-clock.md for the interpretation choices.
 *
 * Pure: times are passed in; the only platform facility used is Intl (time-zone data).
 */
import {
  DetainerClockError,
  HolidayCalendar,
  MAX_YEAR,
  MIN_YEAR,
  WEEKDAY_NAMES,
  civilDate,
  dayNumber,
  formatDay,
  parseDay,
  weekdayOf,
  type CalendarOptions,
  type DayStatus,
  type ExclusionReason,
  type WeekdayName,
} from './holidays.ts';

export { DetainerClockError, type DetainerClockErrorCode } from './holidays.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The regulation's limit. */
export const DETAINER_LIMIT_HOURS = 48;
/** How many local days the clock walks before deciding the calendar has no counting day. */
const MAX_DAYS_WALKED = 3_700;

/** An instant: epoch milliseconds, a Date, or an ISO 8601 string with `Z` or a `±hh:mm` offset. */
export type InstantInput = number | string | Date;

/**
 * How the 48 hours are measured.
 * - `elapsed` (default): 48 hours of real time that fall on counting days. A counting day
 *   with a daylight-saving change contributes its real 23 or 25 hours.
 * - `wall-clock`: every counting day is 24 hours of the jail's clock, so the hold ends at
 *   the same local clock time two counting days later, whatever the real hours.
 */
export type CountingRule = 'elapsed' | 'wall-clock';

export interface DetainerClockOptions extends CalendarOptions {
  counting?: CountingRule;
  /** Hours of hold allowed (default 48, the regulation's). For what-if analysis and state rules. */
  limitHours?: number;
}

// ── time-zone arithmetic on top of Intl ────────────────────────────────────────────────

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f !== undefined) return f;
  if (typeof timeZone !== 'string' || timeZone.trim() === '') {
    throw new DetainerClockError('INVALID_TIME_ZONE', `not an IANA time zone: ${String(timeZone)}`);
  }
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new DetainerClockError('INVALID_TIME_ZONE', `not an IANA time zone: ${timeZone}`);
  }
  formatters.set(timeZone, f);
  return f;
}

/** The zone's canonical name (e.g. "US/Eastern" → "America/New_York"); throws `INVALID_TIME_ZONE`. */
export function resolveTimeZone(timeZone: string): string {
  return formatterFor(timeZone).resolvedOptions().timeZone;
}

/**
 * Local wall-clock time at an instant, as milliseconds since 1970-01-01T00:00 *local*
 * (i.e. the local date and time written as if it were UTC).
 */
export function wallClockAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(whole)) {
    switch (part.type) {
      case 'year': year = Number(part.value); break;
      case 'month': month = Number(part.value); break;
      case 'day': day = Number(part.value); break;
      case 'hour': hour = Number(part.value) % 24; break;
      case 'minute': minute = Number(part.value); break;
      case 'second': second = Number(part.value); break;
      default: break;
    }
  }
  return dayNumber(year, month, day) * DAY_MS + hour * HOUR_MS + minute * 60_000 + second * 1000 + (ms - whole);
}

/** The zone's offset from UTC at an instant, in milliseconds (local − UTC). */
export function zoneOffsetAt(ms: number, timeZone: string): number {
  return wallClockAt(ms, timeZone) - ms;
}

/**
 * The instant at which the zone's clocks show `wall` (local milliseconds as from
 * `wallClockAt`). A wall time shown twice (clocks set back) resolves to the `earlier` or
 * `later` showing; a wall time never shown (clocks set forward over it) resolves to the
 * instant the clocks jumped, the first instant after the gap — so the mapping never
 * decreases as `wall` increases.
 */
export function instantOfWallClock(wall: number, timeZone: string, repeated: 'earlier' | 'later' = 'earlier'): number {
  const before = zoneOffsetAt(wall - DAY_MS, timeZone);
  const after = zoneOffsetAt(wall + DAY_MS, timeZone);
  const candidates: number[] = [];
  for (const offset of new Set([before, after, zoneOffsetAt(wall - before, timeZone)])) {
    const t = wall - offset;
    if (wallClockAt(t, timeZone) === wall && !candidates.includes(t)) candidates.push(t);
  }
  if (candidates.length > 0) return repeated === 'earlier' ? Math.min(...candidates) : Math.max(...candidates);
  // A gap: the first instant whose wall clock is past `wall`.
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  if (wallClockAt(hi, timeZone) < wall) return hi;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (wallClockAt(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The first instant of a local day (day number as in holidays.ts). Local midnight when it
 * exists; where the clocks jump over midnight, the instant of the jump; where midnight is
 * shown twice, the first showing. Consecutive day starts partition the time line.
 */
export function startOfLocalDay(dayNum: number, timeZone: string): number {
  const key = `${timeZone}|${dayNum}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    if (dayStarts.size >= DAY_START_CACHE_SIZE) dayStarts.clear();
    start = instantOfWallClock(dayNum * DAY_MS, timeZone, 'earlier');
    dayStarts.set(key, start);
  }
  return start;
}

// Day starts are asked for again and again (each hold walks the same few days); memoize.
const DAY_START_CACHE_SIZE = 20_000;
const dayStarts = new Map<string, number>();

/** The local day (day number) an instant falls in, consistent with `startOfLocalDay`. */
export function localDayOf(ms: number, timeZone: string): number {
  let day = Math.floor(wallClockAt(ms, timeZone) / DAY_MS);
  if (ms < startOfLocalDay(day, timeZone)) day -= 1;
  else if (ms >= startOfLocalDay(day + 1, timeZone)) day += 1;
  return day;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "2011-01-19T17:00:00-06:00": the local time with the zone's offset at that instant. */
export function formatLocal(ms: number, timeZone: string): string {
  const wall = wallClockAt(ms, timeZone);
  const offset = wall - ms;
  const d = new Date(wall);
  const msPart = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}`;
  const abs = Math.abs(Math.round(offset / 1000));
  const offSeconds = abs % 60;
  const off = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${offSeconds === 0 ? '' : `:${pad(offSeconds)}`}`;
  return `${formatDay(Math.floor(wall / DAY_MS))}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${msPart}${off}`;
}

// ── input parsing ──────────────────────────────────────────────────────────────────────

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an instant input; throws `INVALID_INSTANT`. */
export function parseInstant(input: InstantInput, what = 'instant'): number {
  if (input instanceof Date) {
    const t = input.getTime();
    if (Number.isNaN(t)) throw new DetainerClockError('INVALID_INSTANT', `${what} is an invalid Date`);
    return t;
  }
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || Math.abs(input) > 8.64e15) {
      throw new DetainerClockError('INVALID_INSTANT', `${what} must be whole epoch milliseconds: ${input}`);
    }
    return input;
  }
  const m = typeof input === 'string' ? ISO_INSTANT.exec(input) : null;
  if (m === null) {
    throw new DetainerClockError('INVALID_INSTANT', `${what} must be epoch ms or ISO 8601 with an offset ("…Z" or "…-05:00"): ${String(input)}`);
  }
  let day: number;
  try {
    day = parseDay(`${m[1]}-${m[2]}-${m[3]}`);
  } catch {
    throw new DetainerClockError('INVALID_INSTANT', `${what} has no such date: ${input}`);
  }
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) throw new DetainerClockError('INVALID_INSTANT', `${what} has a bad offset: ${input}`);
    offset = (m[8][0] === '-' ? -1 : 1) * (oh * HOUR_MS + om * 60_000);
  }
  if (hour > 23 || minute > 59 || second > 59) throw new DetainerClockError('INVALID_INSTANT', `${what} has a bad time: ${input}`);
  return day * DAY_MS + hour * HOUR_MS + minute * 60_000 + second * 1000 + millis - offset;
}

function checkLocalYear(ms: number, timeZone: string, what: string): void {
  const year = civilDate(Math.floor(wallClockAt(ms, timeZone) / DAY_MS)).year;
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new DetainerClockError('YEAR_OUT_OF_RANGE', `${what} is in ${year}; supported years are ${MIN_YEAR}–${MAX_YEAR}`);
  }
}

interface Resolved {
  timeZone: string;
  calendar: HolidayCalendar;
  counting: CountingRule;
  limitMs: number;
}

function resolve(timeZone: string, options: DetainerClockOptions | undefined): Resolved {
  const zone = resolveTimeZone(timeZone);
  const calendar = new HolidayCalendar(options ?? {});
  const counting = options?.counting ?? 'elapsed';
  if (counting !== 'elapsed' && counting !== 'wall-clock') {
    throw new DetainerClockError('INVALID_OPTION', `counting must be "elapsed" or "wall-clock": ${String(counting)}`);
  }
  const limitHours = options?.limitHours ?? DETAINER_LIMIT_HOURS;
  if (typeof limitHours !== 'number' || !Number.isFinite(limitHours) || limitHours <= 0 || limitHours > 24 * 366) {
    throw new DetainerClockError('INVALID_OPTION', `limitHours must be a positive number of hours up to a year: ${String(limitHours)}`);
  }
  return { timeZone: zone, calendar, counting, limitMs: Math.round(limitHours * HOUR_MS) };
}

// ── walking local days ─────────────────────────────────────────────────────────────────

interface DaySpan {
  day: number;
  start: number;
  end: number;
}

/** Local days from the one containing `fromMs` onward (at most `maxDays`, then `NO_COUNTING_DAY`). */
function* localDays(fromMs: number, timeZone: string, maxDays = MAX_DAYS_WALKED): Generator<DaySpan> {
  let day = localDayOf(fromMs, timeZone);
  let start = startOfLocalDay(day, timeZone);
  for (let i = 0; i < maxDays; i++) {
    const end = startOfLocalDay(day + 1, timeZone);
    yield { day, start, end };
    day += 1;
    start = end;
  }
  throw new DetainerClockError('NO_COUNTING_DAY', `the calendar has no counting day within ${MAX_DAYS_WALKED} days`);
}

/** Where the hold would lapse, by the chosen counting rule. */
function expiryOf(releaseMs: number, r: Resolved): { countingStartsMs: number; expiresMs: number } {
  let countingStartsMs: number | undefined;
  let remaining = r.limitMs;
  for (const span of localDays(releaseMs, r.timeZone)) {
    if (!r.calendar.counts(span.day)) continue;
    const from = Math.max(releaseMs, span.start);
    countingStartsMs ??= from;
    if (r.counting === 'elapsed') {
      const available = span.end - from;
      if (available >= remaining) return { countingStartsMs, expiresMs: from + remaining };
      remaining -= available;
    } else {
      // 24 clock hours per counting day; a counting day starts at clock 00:00.
      const dayWall = span.day * DAY_MS;
      const position = from === span.start ? 0 : Math.min(Math.max(wallClockAt(from, r.timeZone) - dayWall, 0), DAY_MS - 1);
      const available = DAY_MS - position;
      if (available >= remaining) {
        const target = position + remaining;
        if (target >= DAY_MS) return { countingStartsMs, expiresMs: span.end };
        const t = instantOfWallClock(dayWall + target, r.timeZone, 'earlier');
        return { countingStartsMs, expiresMs: Math.min(Math.max(t, from), span.end) };
      }
      remaining -= available;
    }
  }
  throw new DetainerClockError('NO_COUNTING_DAY', 'the calendar has no counting day');
}

export interface CountedInterval {
  date: string;
  weekday: WeekdayName;
  /** Local ISO times with offset; `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  /** Real hours in the interval. */
  hours: number;
  notes: string[];
}

export interface ExcludedDay {
  date: string;
  weekday: WeekdayName;
  /** The part of the day inside the period (a whole day unless the period starts or ends in it). */
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  hours: number;
  reasons: ExclusionReason[];
  notes: string[];
}

export interface Breakdown {
  counted: CountedInterval[];
  excluded: ExcludedDay[];
  /** Real hours on counting days (the sum of `counted`). */
  countedHours: number;
  /** Real hours on excluded days (the sum of `excluded`). */
  excludedHours: number;
}

function breakdown(fromMs: number, toMs: number, r: Resolved): Breakdown {
  const counted: CountedInterval[] = [];
  const excluded: ExcludedDay[] = [];
  let countedMs = 0;
  let excludedMs = 0;
  if (toMs > fromMs) {
    // Bounded by the caller's period (an audit may cover years), not by MAX_DAYS_WALKED.
    for (const span of localDays(fromMs, r.timeZone, Number.POSITIVE_INFINITY)) {
      if (span.start >= toMs) break;
      const a = Math.max(fromMs, span.start);
      const b = Math.min(toMs, span.end);
      const status = r.calendar.statusOfDay(span.day);
      const common = {
        date: status.date,
        weekday: status.weekday,
        from: formatLocal(a, r.timeZone),
        to: formatLocal(b, r.timeZone),
        fromMs: a,
        toMs: b,
        hours: (b - a) / HOUR_MS,
      };
      if (status.counts) {
        counted.push({ ...common, notes: status.notes });
        countedMs += b - a;
      } else {
        excluded.push({ ...common, reasons: status.reasons, notes: status.notes });
        excludedMs += b - a;
      }
    }
  }
  return { counted, excluded, countedHours: countedMs / HOUR_MS, excludedHours: excludedMs / HOUR_MS };
}

// ── the public surface ─────────────────────────────────────────────────────────────────

/** When a detainer hold lapses, and why. */
export interface DetainerHold extends Breakdown {
  timeZone: string;
  counting: CountingRule;
  holidayDates: 'observed' | 'actual';
  limitHours: number;
  releaseDue: string;
  releaseDueMs: number;
  releaseDueLocal: string;
  /** When the clock starts running: the release-due instant, or the start of the next counting day. */
  countingStarts: string;
  countingStartsMs: number;
  countingStartsLocal: string;
  /** The instant the hold lapses: the person must be released by then (exclusive end of the hold). */
  expiresAt: string;
  expiresAtMs: number;
  expiresAtLocal: string;
  /** Real hours from release due to expiry, excluded days included. */
  elapsedHours: number;
}

/**
 * The instant a detainer hold lapses: `limitHours` (48) hours counted from `releaseDue`
 * in the jail's time zone, skipping Saturdays, Sundays and holidays. The breakdown lists
 * the counted intervals and the excluded days of the period [releaseDue, expiresAt).
 */
export function holdExpiresAt(releaseDue: InstantInput, timeZone: string, options?: DetainerClockOptions): DetainerHold {
  const r = resolve(timeZone, options);
  const releaseMs = parseInstant(releaseDue, 'releaseDue');
  checkLocalYear(releaseMs, r.timeZone, 'releaseDue');
  const { countingStartsMs, expiresMs } = expiryOf(releaseMs, r);
  return {
    timeZone: r.timeZone,
    counting: r.counting,
    holidayDates: r.calendar.holidayDates,
    limitHours: r.limitMs / HOUR_MS,
    releaseDue: new Date(releaseMs).toISOString(),
    releaseDueMs: releaseMs,
    releaseDueLocal: formatLocal(releaseMs, r.timeZone),
    countingStarts: new Date(countingStartsMs).toISOString(),
    countingStartsMs,
    countingStartsLocal: formatLocal(countingStartsMs, r.timeZone),
    expiresAt: new Date(expiresMs).toISOString(),
    expiresAtMs: expiresMs,
    expiresAtLocal: formatLocal(expiresMs, r.timeZone),
    elapsedHours: (expiresMs - releaseMs) / HOUR_MS,
    ...breakdown(releaseMs, expiresMs, r),
  };
}

/** An audit of one hold: how long the person was actually held, and how far past the limit. */
export interface HoldAudit extends Breakdown {
  /** The lawful hold (its expiry and breakdown). */
  hold: DetainerHold;
  releasedAt: string;
  releasedAtMs: number;
  releasedAtLocal: string;
  /** Real hours from release due to release (0 when released on time or early). */
  realHoursHeld: number;
  /** Hours held that count toward the limit (real hours on counting days). */
  countingHoursHeld: number;
  /** True when the person was still held after the hold lapsed. */
  overLimit: boolean;
  /**
   * Real hours held after the hold lapsed. Every one of them is unlawful, weekend or not:
   * the exclusions only stretch the hold while it runs.
   */
  hoursOver: number;
  /** The part of `hoursOver` that fell on counting days. */
  countingHoursOver: number;
}

/**
 * Hours a person was held on a detainer between `releaseDue` and `releasedAt`, for audits.
 * The top-level breakdown covers [releaseDue, releasedAt).
 */
export function hoursHeld(releaseDue: InstantInput, releasedAt: InstantInput, timeZone: string, options?: DetainerClockOptions): HoldAudit {
  const hold = holdExpiresAt(releaseDue, timeZone, options);
  const r = resolve(timeZone, options);
  const releasedMs = parseInstant(releasedAt, 'releasedAt');
  checkLocalYear(releasedMs, r.timeZone, 'releasedAt');
  const held = breakdown(hold.releaseDueMs, releasedMs, r);
  const overLimit = releasedMs > hold.expiresAtMs;
  return {
    hold,
    releasedAt: new Date(releasedMs).toISOString(),
    releasedAtMs: releasedMs,
    releasedAtLocal: formatLocal(releasedMs, r.timeZone),
    realHoursHeld: Math.max(0, releasedMs - hold.releaseDueMs) / HOUR_MS,
    countingHoursHeld: held.countedHours,
    overLimit,
    hoursOver: overLimit ? (releasedMs - hold.expiresAtMs) / HOUR_MS : 0,
    countingHoursOver: overLimit ? breakdown(hold.expiresAtMs, releasedMs, r).countedHours : 0,
    ...held,
  };
}

/** The local day a date input names: a civil "YYYY-MM-DD", or the jail-local day of an instant. */
function dayOfInput(date: InstantInput, timeZone: string): number {
  if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const day = parseDay(date);
    const year = civilDate(day).year;
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new DetainerClockError('YEAR_OUT_OF_RANGE', `${date}: supported years are ${MIN_YEAR}–${MAX_YEAR}`);
    }
    return day;
  }
  const ms = parseInstant(date, 'date');
  checkLocalYear(ms, timeZone, 'date');
  return localDayOf(ms, timeZone);
}

/** Whether a day counts toward the hold, and if not, why. */
export function dayStatus(date: InstantInput, timeZone: string, options?: CalendarOptions): DayStatus {
  const zone = resolveTimeZone(timeZone);
  return new HolidayCalendar(options ?? {}).statusOfDay(dayOfInput(date, zone));
}

/**
 * True when `date` is a business day — not a Saturday, Sunday or holiday — in the jail's
 * zone. `date` is a civil "YYYY-MM-DD" (the zone then only gets validated) or an instant.
 */
export function isBusinessDay(date: InstantInput, timeZone: string, options?: CalendarOptions): boolean {
  return dayStatus(date, timeZone, options).counts;
}

export { WEEKDAY_NAMES, weekdayOf };
