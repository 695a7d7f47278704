/**
 * Months in a jurisdiction's own time zone, and fiscal years (October–September). Month
 * boundaries are computed once per zone with Intl and then found by binary search, so a
 * month lookup costs ~10 comparisons (the rebuild does millions).
 */
const FIRST_YEAR = 1990;
const LAST_YEAR = 2060;
const starts = new Map<string, Float64Array>();

function offsetMs(t: number, fmt: Intl.DateTimeFormat): number {
  const p: Record<string, number> = {};
  for (const x of fmt.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second);
  return local - Math.floor(t / 1000) * 1000;
}

function monthStarts(timeZone: string): Float64Array {
  const hit = starts.get(timeZone);
  if (hit) return hit;
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const n = (LAST_YEAR - FIRST_YEAR + 1) * 12;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const guess = Date.UTC(FIRST_YEAR + Math.floor(i / 12), i % 12, 1);
    let t = guess - offsetMs(guess, fmt);
    t = guess - offsetMs(t, fmt);
    out[i] = t;
  }
  starts.set(timeZone, out);
  return out;
}

/** Month index (0 = January 1990) of instant `t` in `timeZone`; UTC when the zone is null. */
export function monthIndex(t: number, timeZone: string | null): number {
  if (timeZone === null || timeZone === 'UTC') {
    const d = new Date(t);
    return (d.getUTCFullYear() - FIRST_YEAR) * 12 + d.getUTCMonth();
  }
  let a: Float64Array;
  try {
    a = monthStarts(timeZone);
  } catch {
    return monthIndex(t, null);
  }
  if (t < a[0]) return monthIndex(t, null);
  let lo = 0;
  let hi = a.length - 1;
  if (t >= a[hi]) return monthIndex(t, null);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const monthKeys: string[] = [];

export function monthKeyOfIndex(i: number): string {
  const hit = monthKeys[i];
  if (hit !== undefined) return hit;
  const y = FIRST_YEAR + Math.floor(i / 12);
  const key = `${y}-${String((i % 12) + 1).padStart(2, '0')}`;
  // Kept for the months a rebuild meets again and again (not for odd indices far outside the table).
  if (Number.isInteger(i) && i >= 0 && i < (LAST_YEAR - FIRST_YEAR + 1) * 12) monthKeys[i] = key;
  return key;
}

export function monthKey(t: number, timeZone: string | null): string {
  return monthKeyOfIndex(monthIndex(t, timeZone));
}

/** "2011-03" → [2011, 3], or null when it is not a month. */
export function parseMonth(key: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  return [y, mo];
}

/** Fiscal year of a month: October–September, named by the year it ends (Oct 2010 → FY2011). */
export function fiscalYearOf(month: string): number {
  const p = parseMonth(month);
  if (p === null) throw new Error(`not a month: ${month}`);
  return p[1] >= 10 ? p[0] + 1 : p[0];
}

/** The twelve months of a fiscal year, October first. */
export function monthsOfFiscalYear(fy: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 12; i++) {
    const m = 10 + i;
    out.push(m <= 12 ? `${fy - 1}-${String(m).padStart(2, '0')}` : `${fy}-${String(m - 12).padStart(2, '0')}`);
  }
  return out;
}

/** Every month from `first` to `last` inclusive. */
export function monthRange(first: string, last: string): string[] {
  const a = parseMonth(first);
  const b = parseMonth(last);
  if (a === null || b === null) return [];
  const out: string[] = [];
  for (let y = a[0], m = a[1]; y < b[0] || (y === b[0] && m <= b[1]); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) out.push(`${y}-${String(m).padStart(2, '0')}`);
  return out;
}
