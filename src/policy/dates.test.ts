import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCalendarDate, isCalendarDate, parseCalendarDate, parseCompactDate, parseInstant } from './dates.ts';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Independent oracle: the day exists when the JavaScript calendar does not roll it over. */
const exists = (y: number, m: number, d: number) => {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return d >= 1 && m >= 1 && m <= 12 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

describe('strict date parsing', () => {
  it('refuses days that do not exist instead of rolling them over', () => {
    for (const s of ['2011-06-31', '2011-02-30', '2011-02-29', '2100-02-29', '2011-13-01', '2011-00-10', '2011-04-00']) expect(parseCalendarDate(s)).toBeNull();
    for (const s of ['20110631', '20110230', '20110231']) expect(parseCompactDate(s)).toBeNull();
    expect(parseCalendarDate('2012-02-29')).toBe(Date.parse('2012-02-29T00:00:00Z'));
    expect(parseCalendarDate('2000-02-29')).toBe(Date.parse('2000-02-29T00:00:00Z'));
  });

  it('accepts a random (y, m, d) exactly when the day exists, and accepted values round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const iso = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        const t = parseCalendarDate(iso);
        const c = parseCompactDate(`${pad(y, 4)}${pad(m, 2)}${pad(d, 2)}`);
        expect(t !== null).toBe(exists(y, m, d));
        expect(isCalendarDate(y, m, d)).toBe(exists(y, m, d));
        expect(c).toBe(t);
        if (t !== null) expect(formatCalendarDate(t)).toBe(iso);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts an instant exactly when every field is in range, and agrees with Date.parse on those', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }),
        fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 61 })).map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`)),
        (y, mo, d, h, mi, s, zone) => {
          const text = `${y}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${zone}`;
          const offOk = zone === 'Z' || (Number(zone.slice(4)) <= 59 && Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)) <= 18 * 60);
          const valid = exists(y, mo, d) && h <= 23 && mi <= 59 && s <= 59 && offOk;
          const t = parseInstant(text);
          expect(t !== null).toBe(valid);
          if (t !== null) expect(t).toBe(Date.parse(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('refuses 24:00, 24:61, out-of-range offsets and instants without a zone', () => {
    for (const s of ['2011-01-01T24:00Z', '2011-01-01T24:61Z', '2011-01-01T10:60Z', '2011-01-01T10:00+25:00', '2011-01-01T10:00+05:60', '2011-01-01T10:00', '2011-02-30T10:00Z']) expect(parseInstant(s)).toBeNull();
    expect(parseInstant('2012-03-12T17:00:00.5-05:00')).toBe(Date.parse('2012-03-12T22:00:00.500Z'));
  });
});
