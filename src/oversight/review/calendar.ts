import { wallClockAt } from '../../policy/detainer-clock.ts';
import { ReviewError } from './errors.ts';

/**
 * Months and quarters. A month is an integer index, year × 12 + (month − 1), so consecutive
 * months differ by 1 (what the segmented regression needs). An event's month is read on the
 * jurisdiction's own wall clock: a booking at 23:30 on 30 September in Los Angeles is a
 * September booking even though it is already October in UTC.
 */

export interface Quarter {
  /** As written: "2011Q3". */
  label: string;
  year: number;
  /** 1–4: calendar quarters (Q1 = January–March). */
  q: number;
  /** Month indexes of its three months. */
  months: [number, number, number];
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2011Q3" (also "2011-Q3", "2011q3") → the calendar quarter July–September 2011. */
export function parseQuarter(text: string): Quarter {
  const m = /^\s*(\d{4})-?[Qq]([1-4])\s*$/.exec(text);
  if (!m) throw new ReviewError('INVALID_QUARTER', `"${text}" is not a quarter: write it like 2011Q3 (calendar quarter, Q1 = January–March)`);
  const year = Number(m[1]);
  if (year < 1990 || year > 2100) throw new ReviewError('INVALID_QUARTER', `year ${year} is outside 1990–2100`);
  const q = Number(m[2]);
  const first = year * 12 + (q - 1) * 3;
  return { label: `${year}Q${q}`, year, q, months: [first, first + 1, first + 2] };
}

export function monthOf(ms: number, timeZone: string): number {
  const wall = new Date(wallClockAt(ms, timeZone));
  return wall.getUTCFullYear() * 12 + wall.getUTCMonth();
}

/** "2011-07". */
export function monthLabel(month: number): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** "July–September 2011". */
export function quarterWords(q: Quarter): string {
  return `${MONTH_NAMES[(q.q - 1) * 3]}–${MONTH_NAMES[(q.q - 1) * 3 + 2]} ${q.year}`;
}
