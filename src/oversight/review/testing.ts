/**
 * A synthetic event log in the case-log format the facts projection reads (../facts/apply.ts),
 * with one planted pretextual-arrest jurisdiction: after activation its police add bookings of
 * foreign-born people for minor (Level 3) offenses with no record, whose IDENT matches become ICE
 * arrests of people with no criminal record. Used by the review's tests and by the CLI test
 * (written into a store's `case_log_events`).
 */
import { createRng } from '../../biometrics/synth/random.ts';
import { applyEvent } from '../facts/apply.ts';
import { emptyFact, type CaseFact, type JurisdictionRef, type LogEvent, type Registry } from '../facts/types.ts';

export interface SyntheticLog {
  registry: JurisdictionRef[];
  events: LogEvent[];
  planted: string;
  normal: string;
}

export interface SyntheticOptions {
  seed?: string;
  /** Jurisdictions per state (two states); default 10. */
  perState?: number;
  /** Bookings per jurisdiction per month: a range; default [40, 90]. */
  bookings?: [number, number];
  /** Extra pretextual bookings after activation in the planted jurisdiction, as a share of its normal volume; default 0.8. */
  pretext?: number;
}

const STATES = [
  { state: 'AZ', tz: 'America/Phoenix', aor: 'PHO' },
  { state: 'TX', tz: 'America/Chicago', aor: 'HOU' },
];
const DAY = 86_400_000;

/** 24 months October 2009 – September 2011; activations staggered from June 2010 to January 2011. */
export function syntheticLog(options: SyntheticOptions = {}): SyntheticLog {
  const rng = createRng(options.seed ?? 'review-synthetic');
  const perState = options.perState ?? 10;
  const [lo, hi] = options.bookings ?? [40, 90];
  const pretext = options.pretext ?? 0.8;
  const registry: JurisdictionRef[] = [];
  const events: LogEvent[] = [];
  let seq = 0;
  let caseNo = 0;
  const planted = 'AZ0070000';
  const normal = 'AZ0030000';
  for (const s of STATES) {
    for (let j = 0; j < perState; j++) {
      const ori = `${s.state}${String(j).padStart(3, '0')}0000`;
      const activationMonth = ori === planted ? 2010 * 12 + 9 : 2010 * 12 + 5 + rng.int(0, 7);
      const activatedAt = Date.UTC(Math.floor(activationMonth / 12), activationMonth % 12, 1, 12);
      registry.push({ ori, state: s.state, aor: s.aor, timeZone: s.tz, activatedAt });
      // Jurisdictions differ for ordinary reasons: their own mix of offenses and population.
      const minorShare = Math.min(0.8, Math.max(0.3, rng.normal(0.55, 0.05)));
      const foreignShare = Math.min(0.5, Math.max(0.1, rng.normal(0.25, 0.04)));
      const volume = ori === planted ? hi : rng.int(lo, hi);
      for (let m = 2009 * 12 + 9; m <= 2011 * 12 + 8; m++) {
        const after = m >= activationMonth;
        const n = volume + rng.int(-3, 3);
        const extra = ori === planted && after ? Math.round(volume * pretext) : 0;
        for (let b = 0; b < n + extra; b++) {
          const pretextual = b >= n;
          const caseId = `case-${String(++caseNo).padStart(7, '0')}`;
          const t = Date.UTC(Math.floor(m / 12), m % 12, rng.int(1, 28), rng.int(15, 23), rng.int(0, 59));
          const foreign = pretextual || rng.chance(foreignShare);
          const level = pretextual ? 3 : rng.chance(minorShare) ? 3 : rng.chance(0.55) ? 2 : 1;
          const code = level === 3 ? rng.pick(['5499', '5399', '4199']) : level === 2 ? rng.pick(['2299', '2399']) : rng.pick(['1399', '1299']);
          const prior = pretextual || !rng.chance(0.5) ? null : rng.chance(0.3) ? 3 : rng.chance(0.5) ? 2 : 1;
          const ev = (at: number, kind: string, details: Record<string, unknown> | null) => events.push({ seq: ++seq, caseId, at, kind, details: details === null ? null : JSON.stringify(details) });
          ev(t, 'booked', {
            ori,
            arrestDate: new Date(t).toISOString().slice(0, 10),
            demographics: { sex: rng.chance(0.8) ? 'M' : 'F', race: rng.pick(['W', 'B', 'A']), yearOfBirth: rng.int(1950, 1993), placeOfBirth: foreign ? rng.pick(['MM', 'GT', 'DR']) : rng.pick(['AZ', 'TX', 'CA']), claimedCitizenship: null },
            chargeLevels: [{ ncicCode: code, level }],
          });
          ev(t + 1000, 'car-routed', { ori, participation: after ? 'activated' : 'not-activated' });
          if (!after) {
            ev(t + 2000, 'ident-search-not-routed', null);
            continue;
          }
          ev(t + 2000, 'ident-search-sent', null);
          const match = rng.chance(foreign ? 0.55 : 0.03);
          if (!match) {
            ev(t + 60_000, 'ident-no-match', null);
            continue;
          }
          ev(t + 60_000, 'ident-match', null);
          const atId = prior === null ? level : Math.min(level, prior);
          ev(t + 120_000, 'iar-sent', { ori, status: 'overstay', level: { value: atId }, convictionLevel: { value: prior }, priorConvictions: prior === null ? [] : [{ level: prior }], policyVersion: '2011-06-17-pd', citizenshipIndications: [] });
          if (!pretextual && rng.chance(0.5)) ev(t + DAY, 'disposition', { outcome: 'conviction', ncicCodes: [code] });
          // ICE takes the more serious cases into custody more often (priorities).
          if (rng.chance(atId === 3 ? 0.45 : 0.6)) {
            ev(t + 3_600_000, 'detainer-issued', { detainerId: `${caseId}-d1` });
            ev(t + 2 * DAY, 'custody-assumed', { detainerId: `${caseId}-d1` });
            if (rng.chance(0.6)) ev(t + 60 * DAY, 'proceedings-outcome', { outcome: 'removed' });
          }
        }
      }
    }
  }
  return { registry, events, planted, normal };
}

/** Folds a log into facts with the projection's own reducer (events of a case in seq order). */
export function factsOf(events: readonly LogEvent[], registry: Registry): CaseFact[] {
  const facts = new Map<string, CaseFact>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    let f = facts.get(e.caseId);
    if (!f) facts.set(e.caseId, (f = emptyFact(e.caseId)));
    const r = applyEvent(f, e, registry);
    if (r.status === 'malformed' || r.status === 'unknown-kind') throw new Error(`synthetic event ${e.seq} ${e.kind}: ${r.status}${r.status === 'malformed' ? ` (${r.problem})` : ''}`);
  }
  return [...facts.values()];
}
