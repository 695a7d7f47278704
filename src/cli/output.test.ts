import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocal } from '../policy/detainer-clock.ts';
import { listEnvelope, localIso, toOutputJson } from './output.ts';

/** Every number left in a document that looks like epoch milliseconds of 1990–2099. */
function bareInstants(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return value >= 631_152_000_000 && value < 4_102_444_800_000 ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => bareInstants(v, `${path}.${k}`));
}

describe('the --json output contract', () => {
  it('writes an instant in the zone of the place it happened, with UTC beside it', () => {
    const out = toOutputJson({ ori: 'TX1010000', bookedAt: 1_358_262_000_000 }, { zones: new Map([['TX1010000', 'America/Chicago']]) });
    expect(out.bookedAt).toEqual({ local: '2013-01-15T09:00:00-06:00', utc: '2013-01-15T15:00:00.000Z', zone: 'America/Chicago' });
  });

  it("takes a record's own timeZone over its ORI's and the caller's default", () => {
    const out = toOutputJson({ timeZone: 'America/New_York', ori: 'X', events: [{ at: 1_358_262_000_000 }] }, { zone: 'UTC', zones: new Map([['X', 'America/Chicago']]) });
    expect((out.events as { at: { zone: string } }[])[0].at.zone).toBe('America/New_York');
  });

  it('drops the Ms suffix of a field that holds an instant, and leaves durations alone', () => {
    const out = toOutputJson({ fromMs: 1_358_262_000_000, extractMs: 24.2, wallMs: 371 });
    expect(out).toMatchObject({ from: { utc: '2013-01-15T15:00:00.000Z' }, extractMs: 24.2, wallMs: 371 });
  });

  it('wraps a bare list in the list envelope', () => {
    expect(toOutputJson([1, 2])).toEqual({ items: [1, 2], count: 2, next: null });
    expect(listEnvelope(['a'], { next: 'c' })).toEqual({ items: ['a'], count: 1, next: 'c' });
  });

  it('leaves no bare epoch milliseconds anywhere in any document', () => {
    const instant = fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 });
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, instant, fc.integer({ min: -1000, max: 1000 }), fc.string(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(fc.property(doc, (d) => bareInstants(toOutputJson(d)).length === 0));
  });
});

describe('local times in --json', () => {
  const zones = ['UTC', 'America/Chicago', 'America/New_York', 'America/Phoenix', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico', 'Pacific/Guam', 'America/St_Johns', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Africa/Monrovia', 'Europe/Dublin'];

  it('are written exactly as the detainer clock writes them, for any instant of 1900–2200 in any zone (offsets in seconds, DST gaps and folds included)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        expect(localIso(ms, zone)).toBe(formatLocal(ms, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('keep milliseconds and the offset of the place', () => {
    expect(localIso(Date.UTC(2013, 0, 15, 15, 0, 0, 250), 'America/Chicago')).toBe('2013-01-15T09:00:00.250-06:00');
    expect(localIso(Date.UTC(1971, 0, 1, 12), 'Africa/Monrovia')).toBe('1971-01-01T11:15:30-00:44:30');
  });
});
