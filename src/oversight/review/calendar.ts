import { wallClockAt } from '../../policy/detainer-clock.ts';
import { ReviewError } from './errors.ts';

/**
 * Months and quarters. A month is an integer index, year × 12 + (month − 1), so consecutive
 * months differ by 1 (what the segmented regression needs). An event's month is read on the
 * jurisdiction's own wall clock: a booking at 23:30 on 30 September in Los Angeles is a
 * September booking even though it is already October in UTC.
 */

export interface Quarter {
  /** As normalised: "2011Q3" (calendar) or "FY2011Q3" (federal fiscal year). */
  label: string;
  /** 'calendar': Q1 = January–March. 'fiscal': the federal fiscal year ICE reports by, October–September, named by the year it ends in (FY2011Q1 = October–December 2010). */
  kind: 'calendar' | 'fiscal';
  /** The calendar year, or the fiscal year for a fiscal quarter. */
  year: number;
  /** 1–4 within that year. */
  q: number;
  /** Month indexes of its three months. */
  months: [number, number, number];
  /** First and last day it covers, "2011-07-01" and "2011-09-30". */
  from: string;
  to: string;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "2011Q3" (also "2011-Q3", "2011q3") → the calendar quarter July–September 2011;
 * "FY2011Q3" (also "FY2011-Q3", "fy2011q3") → the third quarter of federal fiscal year 2011,
 * April–June 2011 (FY2011 = October 2010 – September 2011).
 */
export function parseQuarter(text: string): Quarter {
  const m = /^\s*(FY)?(\d{4})-?[Qq]([1-4])\s*$/i.exec(text);
  if (!m) throw new ReviewError('INVALID_QUARTER', `"${text}" is not a quarter: write it like 2011Q3 (calendar quarter, Q1 = January–March) or FY2011Q3 (fiscal year October–September, FY2011Q3 = April–June 2011)`);
  const fiscal = m[1] !== undefined;
  const year = Number(m[2]);
  if (year < 1990 || year > 2100) throw new ReviewError('INVALID_QUARTER', `year ${year} is outside 1990–2100`);
  const q = Number(m[3]);
  const first = fiscal ? (year - 1) * 12 + 9 + (q - 1) * 3 : year * 12 + (q - 1) * 3;
  const last = first + 2;
  const lastDay = new Date(Date.UTC(Math.floor((last + 1) / 12), (last + 1) % 12, 0)).getUTCDate();
  return {
    label: `${fiscal ? 'FY' : ''}${year}Q${q}`,
    kind: fiscal ? 'fiscal' : 'calendar',
    year,
    q,
    months: [first, first + 1, last],
    from: `${monthLabel(first)}-01`,
    to: `${monthLabel(last)}-${String(lastDay).padStart(2, '0')}`,
  };
}

export function monthOf(ms: number, timeZone: string): number {
  const wall = new Date(wallClockAt(ms, timeZone));
  return wall.getUTCFullYear() * 12 + wall.getUTCMonth();
}

/** "2011-07". */
export function monthLabel(month: number): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** "July–September 2011"; a fiscal quarter adds its fiscal year: "October–December 2010 (fiscal year 2011, Q1)". */
export function quarterWords(q: Quarter): string {
  const [a, , b] = q.months;
  const from = MONTH_NAMES[a % 12];
  const to = MONTH_NAMES[b % 12];
  const years = Math.floor(a / 12) === Math.floor(b / 12) ? `${Math.floor(b / 12)}` : `${Math.floor(a / 12)}–${Math.floor(b / 12)}`;
  return `${from}–${to} ${years}${q.kind === 'fiscal' ? ` (fiscal year ${q.year}, Q${q.q})` : ''}`;
}

/** "2011-07-01 to 2011-09-30". */
export function quarterRange(q: Quarter): string {
  return `${q.from} to ${q.to}`;
}
