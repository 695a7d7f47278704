/**
 * Strict, pure parsing of calendar dates and instants. `Date.parse` rolls impossible dates over
 * (`2011-02-30` becomes 2 March); these parsers refuse them: a value is accepted only when its
 * year, month, day, hour, minute, second and zone offset are each in range and the day exists
 * in that month. They return `null` for anything else, so every caller throws its own typed
 * error (PolicyError, ScenarioError, UsageError…) with its own wording.
 */
import { startOfLocalDay } from './detainer-clock.ts';

const DAY_MS = 86_400_000;

/** Whether (y, m, d) — month 1–12 — is a day of the proleptic Gregorian calendar, years 1–9999. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Milliseconds since the epoch of UTC midnight of (y, m, d); no range check. */
function utcDay(y: number, m: number, d: number): number {
  // Days from civil (Howard Hinnant's algorithm): exact for every year, unlike Date.UTC's 0–99 quirk.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146_097 + doe - 719_468) * DAY_MS;
}

/** `YYYY-MM-DD` → epoch ms of that day's UTC midnight, or null when it is not a real date. */
export function parseCalendarDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isCalendarDate(y, mo, d) ? utcDay(y, mo, d) : null;
}

/** ANSI/NIST-ITL `CCYYMMDD` → epoch ms of that day's UTC midnight, or null when it is not a real date. */
export function parseCompactDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isCalendarDate(y, mo, d) ? utcDay(y, mo, d) : null;
}

/**
 * ISO 8601 instant with its zone — `YYYY-MM-DDThh:mm[:ss[.sss]](Z|±hh:mm)` — → epoch ms, or
 * null. Hours 00–23, minutes and seconds 00–59 (no leap second, no 24:00), offsets within ±18:00
 * with minutes 00–59.
 */
export function parseInstant(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  let offset = 0;
  if (m[8] !== 'Z') {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (om > 59 || oh * 60 + om > 18 * 60) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return utcDay(y, mo, d) + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset;
}

/** Epoch ms → `YYYY-MM-DD` (UTC). */
export function formatCalendarDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * A date-range bound as the CLI's --from/--to and the API's from/to take it: a real day
 * `YYYY-MM-DD` (the start of that day in `zone`, or of the next day when `dayOffset` is 1, so a
 * `to` day is included) or an ISO 8601 instant with a zone; null for anything else.
 */
export function dayOrInstant(text: string, zone: string, dayOffset: 0 | 1): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const ms = parseCalendarDate(text);
    return ms === null ? null : startOfLocalDay(Math.floor(ms / 86_400_000) + dayOffset, zone);
  }
  return parseInstant(text);
}
