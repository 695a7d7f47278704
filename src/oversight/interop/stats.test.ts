import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { storeVariants, type TestDatabase } from '../../platform/store/testing.ts';
import { OversightError } from '../facts/errors.ts';
import { rebuildFacts, updateFacts } from '../facts/projection.ts';
import { appendSyntheticEvents, registerSyntheticJurisdictions } from '../facts/synthetic-store.ts';
import { scriptEvents, type CaseScript, type SynthJurisdiction } from '../facts/synthetic.ts';
import { interopCounts } from './counts.ts';
import { fiscalYearOf, monthKey, monthRange, monthsOfFiscalYear } from './periods.ts';
import { publish, toCsv } from './publish.ts';
import { COLUMNS, interopStats, zeroCounts, type Counts, type InteropStats, type InteropUnit } from './stats.ts';

const clock = new ManualClock(Date.UTC(2014, 0, 1));
const sqlite = storeVariants.find((v) => v.kind === 'sqlite')!;
const opened: { db: TestDatabase; store: Store }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    await o.db.drop();
  }
});
async function open(jurisdictions: SynthJurisdiction[]) {
  const db = await sqlite.create();
  const store = await db.open(clock);
  opened.push({ db, store });
  await registerSyntheticJurisdictions(store, jurisdictions);
  return store;
}

const at = (iso: string) => Date.parse(iso);
const HARRIS: SynthJurisdiction = { ori: 'TX1010000', name: 'Harris', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU', participation: [{ mode: 'activated', effectiveAt: at('2011-03-15T00:00:00-05:00') }] };
const KING: SynthJurisdiction = { ori: 'WA0170000', name: 'King', state: 'WA', county: 'King', timeZone: 'America/Los_Angeles', aor: 'SEA', participation: [] };

/** A Level 1 re-entrant booked at `booked`, taken into ICE custody at `custody`, removed at `removed`. */
function caseOf(n: number, booked: string, custody: string, removed?: string): CaseScript {
  const id = `CASE${n}`;
  return {
    caseId: id,
    ori: HARRIS.ori,
    aor: 'HOU',
    jurisdictionName: 'Harris',
    bookedAt: at(booked),
    arrestDate: booked.slice(0, 10),
    policyVersion: '2011-03-02-priorities-reissued',
    demographics: { sex: 'M', race: 'W', yearOfBirth: 1970, placeOfBirth: 'MM', claimedCitizenship: null },
    charges: [{ ncicCode: '5399', severity: 'misdemeanor', maxSentenceMonths: null, level: 3 }],
    participation: 'activated',
    immigrationSearch: 'at-booking',
    iarToJail: true,
    criminal: { result: 'ident', fbiNumber: `F${n}`, priorConvictions: 1 },
    dispositions: [],
    ident: {
      result: 'match',
      identityId: `I${n}`,
      score: 400,
      iar: {
        status: 'prior-removal',
        statusReasons: [],
        citizenshipIndications: [],
        level: 1,
        convictionLevel: 1,
        priorConvictions: [{ ncicCode: '1201', date: '2005-01-01', level: 1 }],
        policyVersion: '2011-03-02-priorities-reissued',
        decision: 'detainer',
        priority: 'P1',
        detainer: {
          detainerId: `D${n}`,
          form: 'I-247',
          copyToDetainee: false,
          hotline: null,
          releaseDueAt: at(custody) - 3_600_000,
          holdExpiresAt: at(custody) + 86_400_000,
          custodyAt: at(custody),
          ...(removed ? { outcome: { at: at(removed), outcome: 'removed' as const } } : {}),
        },
      },
    },
  };
}

const noNaN = (s: InteropStats) => [...s.units, s.total].every((u) => u.values.every((v) => COLUMNS.every((c) => Number.isInteger(v[c.key]) && v[c.key] >= 0)));

describe('interoperability statistics', () => {
  it('an empty log gives zeros for every registered jurisdiction, with a note, never NaN', async () => {
    const store = await open([HARRIS, KING]);
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    const s = await interopStats(store.db, { by: 'jurisdiction' });
    expect(s.periods).toEqual([{ key: 'cumulative', kind: 'cumulative', label: 'Since activation', through: null }]);
    expect(s.units.map((u) => u.id)).toEqual(['TX1010000', 'WA0170000']);
    expect(s.units.every((u) => u.values[0].submissions === 0)).toBe(true);
    expect(s.notes.join(' ')).toMatch(/every count is zero/);
    expect(noNaN(s)).toBe(true);
    const fy = await interopStats(store.db, { by: 'state', fy: 2011 });
    expect(fy.periods).toHaveLength(14);
    expect(noNaN(fy)).toBe(true);
    expect(toCsv(publish(fy, 10)).split('\n').filter(Boolean)).toHaveLength(1 + 3 * 14);
  });

  it("counts months in the jurisdiction's own zone, fiscal years October–September, and cumulative since activation", async () => {
    const store = await open([HARRIS, KING]);
    // Booked before activation (searched anyway, for the test), in custody at 03:00 UTC on 1 April = 22:00 on 31 March in Houston.
    const cases = [caseOf(1, '2011-03-01T10:00:00-06:00', '2011-04-01T03:00:00Z', '2011-10-05T12:00:00-05:00'), caseOf(2, '2011-09-20T10:00:00-05:00', '2011-09-25T12:00:00-05:00')];
    await appendSyntheticEvents(store, cases.flatMap(scriptEvents).sort((a, b) => a.at - b.at));
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    const s = await interopStats(store.db, { by: 'jurisdiction' });
    const harris = s.units.find((u) => u.id === 'TX1010000')!;
    const v = (key: string) => harris.values[s.periods.findIndex((p) => p.key === key)];
    expect(v('2011-03')).toMatchObject({ submissions: 1, matches: 1, 'matches:level-1': 1, arrests: 1, 'arrests:level-1': 1 });
    expect(v('2011-04').arrests).toBe(0);
    expect(v('FY2011')).toMatchObject({ submissions: 2, arrests: 2, removals: 0 });
    expect(v('FY2012')).toMatchObject({ removals: 1, 'removals:level-1': 1 });
    // Activated 15 March 2011: the March booking counts (same month), nothing is before it.
    expect(harris.activationMonth).toBe('2011-03');
    expect(v('cumulative')).toMatchObject({ submissions: 2, arrests: 2, removals: 1 });
    const king = s.units.find((u) => u.id === 'WA0170000')!;
    expect(king.activatedAt).toBeNull();
    expect(king.values.every((x) => x.submissions === 0)).toBe(true);
    // The month view: the month, its fiscal year to date, cumulative through it.
    const m = await interopStats(store.db, { by: 'state', month: '2011-09' });
    expect(m.periods.map((p) => p.key)).toEqual(['2011-09', 'FY2011-to-2011-09', 'cumulative']);
    expect(m.units.find((u) => u.id === 'TX')!.values.map((x) => x.arrests)).toEqual([1, 2, 2]);
    expect(m.units.find((u) => u.id === 'WA')!.values.map((x) => x.arrests)).toEqual([0, 0, 0]);
    // Cumulative since activation leaves out months before it.
    await store.db.updateTable('jurisdictions' as never).set({ activated_at: at('2011-06-01T00:00:00-05:00') } as never).execute();
    const later = await interopStats(store.db, { by: 'jurisdiction' });
    const h2 = later.units.find((u) => u.id === 'TX1010000')!;
    expect(h2.values[later.periods.findIndex((p) => p.kind === 'cumulative')]).toMatchObject({ submissions: 1, arrests: 1, removals: 1 });
    expect((await rebuildFacts(store, { clock, subscribers: [interopCounts()] })).mode).toBe('rebuild');
    expect(await interopStats(store.db, { by: 'jurisdiction' })).toEqual(later);
  });

  it('refuses a bad period or unit with a typed error', async () => {
    const store = await open([HARRIS]);
    await updateFacts(store, { clock, subscribers: [interopCounts()] });
    await expect(interopStats(store.db, { month: '2011-13' })).rejects.toThrow(OversightError);
    await expect(interopStats(store.db, { fy: 1066 })).rejects.toThrow(/fiscal year/);
    await expect(interopStats(store.db, { fy: 2011, month: '2011-01' })).rejects.toThrow(/not both/);
    await expect(interopStats(store.db, { by: 'county' as never })).rejects.toThrow(/by must be one of/);
  });

  it('publishes no NaN, withholds every small count, and leaves no withheld small count derivable from a published total (property)', () => {
    const unit = (id: string, values: Counts[]): InteropUnit => ({ kind: 'jurisdiction', id, label: id, state: 'TX', aor: 'HOU', activatedAt: null, activationMonth: null, jurisdictions: 1, values });
    const counts = fc.array(fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 300 })), { minLength: 11, maxLength: 11 }).map((xs) => {
      const c = zeroCounts();
      const keys = ['submissions', 'matches:level-1', 'matches:other', 'arrests:level-1', 'arrests:level-2', 'arrests:level-3', 'arrests:non-criminal', 'removals:level-1', 'removals:level-2', 'removals:level-3', 'removals:non-criminal'] as const;
      keys.forEach((k, i) => (c[k] = xs[i]));
      c.matches = c['matches:level-1'] + c['matches:other'];
      c.arrests = c['arrests:level-1'] + c['arrests:level-2'] + c['arrests:level-3'] + c['arrests:non-criminal'];
      c.removals = c['removals:level-1'] + c['removals:level-2'] + c['removals:level-3'] + c['removals:non-criminal'];
      return c;
    });
    fc.assert(
      // k ≥ 3: with k = 2 a withheld count is known to be 1 whatever else is withheld (suppress.test.ts).
      fc.property(fc.array(fc.array(counts, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 3, max: 12 }), (rows, k) => {
        const units = rows.map((values, i) => unit(`U${i}`, values));
        const total = unit('US', [0, 1].map((p) => {
          const t = zeroCounts();
          for (const u of units) for (const c of COLUMNS) t[c.key] += u.values[p][c.key];
          return t;
        }));
        const stats: InteropStats = { by: 'jurisdiction', periods: [{ key: '2011-01', kind: 'month', label: '2011-01', through: '2011-01' }, { key: 'cumulative', kind: 'cumulative', label: 'c', through: '2011-01' }], units, total: { ...total, kind: 'nation' }, notes: [] };
        const p = publish(stats, k);
        // A small count pinned whatever else is withheld (e.g. k = 3: 1 + 1 under a total of at most 2) is said so in the notes.
        const pinnedNoted = p.notes.some((n) => /pinned by the totals whatever else is withheld/.test(n));
        for (const [pi] of stats.periods.entries()) {
          for (const stage of [['matches:level-1', 'matches:other'], ['arrests:level-1', 'arrests:level-2', 'arrests:level-3', 'arrests:non-criminal'], ['removals:level-1', 'removals:level-2', 'removals:level-3', 'removals:non-criminal'], ['submissions']] as const) {
            const stageTotal = stage.length === 1 ? null : (stage[0].split(':')[0] as 'matches' | 'arrests' | 'removals');
            const rowsOut = [...p.units, p.total];
            for (const [ui, u] of rowsOut.entries()) {
              const original = ui < units.length ? units[ui] : total;
              for (const key of [...stage, ...(stageTotal ? [stageTotal] : [])]) {
                const v = u.values[pi][key];
                const o = original.values[pi][key];
                if (v === null) expect(u.suppressed[pi][key]).toBeDefined();
                else expect(v).toBe(o);
                if (o > 0 && o < k) expect(v).toBeNull();
              }
              // A published stage total never gives away a withheld small count by subtraction
              // (a complementary count, 0 or ≥ k, may follow: suppress.ts).
              if (stageTotal && u.values[pi][stageTotal] !== null) {
                const withheld = stage.filter((key) => u.values[pi][key] === null);
                if (withheld.length === 1 && !pinnedNoted) expect(u.suppressed[pi][withheld[0]]).toBe('complementary');
              }
            }
            // Nor does a published nationwide category give away one withheld unit's small count.
            for (const key of stage) {
              if (p.total.values[pi][key] === null) continue;
              const withheld = p.units.filter((u) => u.values[pi][key] === null);
              if (withheld.length === 1 && !pinnedNoted) expect(withheld[0].suppressed[pi][key]).toBe('complementary');
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('periods', () => {
  it('name fiscal years by the year they end and list their months October first', () => {
    expect(fiscalYearOf('2010-10')).toBe(2011);
    expect(fiscalYearOf('2011-09')).toBe(2011);
    expect(monthsOfFiscalYear(2011)[0]).toBe('2010-10');
    expect(monthsOfFiscalYear(2011)[11]).toBe('2011-09');
    expect(monthRange('2011-11', '2012-02')).toEqual(['2011-11', '2011-12', '2012-01', '2012-02']);
    expect(monthRange('2012-02', '2011-11')).toEqual([]);
  });

  it('put an instant in the month of the local calendar, across daylight-saving changes', () => {
    expect(monthKey(at('2011-04-01T03:00:00Z'), 'America/Chicago')).toBe('2011-03');
    expect(monthKey(at('2011-04-01T05:00:00Z'), 'America/Chicago')).toBe('2011-04');
    expect(monthKey(at('2011-12-01T05:59:59Z'), 'America/Chicago')).toBe('2011-11');
    expect(monthKey(at('2011-12-01T06:00:00Z'), 'America/Chicago')).toBe('2011-12');
    expect(monthKey(at('2011-04-01T03:00:00Z'), null)).toBe('2011-04');
    fc.assert(
      fc.property(fc.integer({ min: at('1995-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }), fc.constantFrom('America/Chicago', 'America/Los_Angeles', 'America/Phoenix', 'America/New_York', 'Pacific/Honolulu'), (t, zone) => {
        const local = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' }).format(new Date(t)).slice(0, 7);
        expect(monthKey(t, zone)).toBe(local);
      }),
      { numRuns: 500 },
    );
  });
});
