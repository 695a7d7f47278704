import type { CaseFact, Demographics, JurisdictionRef, LevelCategory, Registry } from '../facts/types.ts';
import type { ShareComparison } from '../stats/demographics.ts';
import { pickComparable, type ComparableCandidate, type ComparableOptions, type ComparablePick } from './comparable.ts';
import { adjustPValues } from '../stats/fdr.ts';
import { controlLimits, funnel, SCALES, type OverdispersionModel, type Scale } from '../stats/funnel.ts';
import { MIN_COMPARABLE, review, type ComparableComparison, type FlagKind, type FlagNumbers, type ReviewReference, type ReviewResult, type ReviewUnit } from '../stats/review.ts';
import { segmentedRegression, type MonthlyCount, type SegmentedResult } from '../stats/segmented.ts';
import { monthLabel, monthOf, parseQuarter, quarterWords, type Quarter } from './calendar.ts';
import { ReviewError } from './errors.ts';
import { fittedShares } from './fit.ts';

/**
 * The quarterly statistical review built from per-case facts (../facts). For every jurisdiction
 * activated by the end of the quarter it asks three questions, each answered by the statistics
 * module's `review()` (funnel with over-dispersion, beta-binomial shrinkage, Benjamini–Hochberg):
 *
 * - **ICE arrests** in the quarter: the share of people with no criminal record or only Level 3
 *   offenses (Level by conviction at the ICE arrest), against the state's rate and against the
 *   national rate;
 * - **IDENT matches** in the quarter: the same share, by the Level at identification ("convicted
 *   of or charged with"), against the state and the nation;
 * - **bookings**: the jail's share of bookings whose charges are all Level 3 (minor offenses).
 *   A pretextual-arrest pattern shows here first: police booking people for minor offenses in
 *   order to run their prints. The monthly series over `seriesMonths` months is tested for a
 *   jump at activation against the rest of the state's series (segmented regression on the
 *   excess over the state *without* the jurisdiction itself — a large county would otherwise
 *   carry its own jump into its reference; the larger of OLS and Newey–West errors, one-sided,
 *   Benjamini–Hochberg over the jurisdictions with a series), and the share of a demographic group (default: born
 *   outside the United States) among people booked after activation is compared with before.
 *
 * ICE arrests and matches only exist after activation, which is why the before/after questions
 * use bookings. Months are read on each jurisdiction's wall clock. Every flag carries its reason
 * in words, its numbers and the case ids behind its count.
 */

export type Measure = 'ice-arrests' | 'ident-matches' | 'bookings';
export type Against = 'state' | 'nation';

export interface DemographicGroup {
  /** An adjective for the reason text ("Foreign-born people were …"). */
  label: string;
  /** Whether a booked person belongs to the group; null when the demographics do not say. */
  member(d: Demographics): boolean | null;
}

/** NCIC place-of-birth codes of the US states, DC and the territories. */
export const US_BIRTHPLACES: ReadonlySet<string> = new Set(
  'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AM MP US'.split(' '),
);

/** Default group: people whose booked place of birth is outside the United States (unknown "XX" → not counted). */
export const FOREIGN_BORN: DemographicGroup = {
  label: 'Foreign-born',
  member: (d) => {
    const pob = d.placeOfBirth?.trim().toUpperCase();
    if (!pob || pob === 'XX') return null;
    return !US_BIRTHPLACES.has(pob);
  },
};

export interface QuarterReviewOptions {
  /** False-discovery rate for every screen; default 0.05. */
  fdr?: number;
  /** Smallest total for a funnel flag; default 10. */
  minTotal?: number;
  minLevelChange?: number;
  minShareChange?: number;
  model?: OverdispersionModel;
  /**
   * What a jurisdiction's share is compared with: 'leave-one-out' (default) — the rest of its
   * state (or of the nation), so that a large jurisdiction cannot pull its own reference up;
   * 'group' — the whole state's (nation's) rate, itself included.
   */
  reference?: ReviewReference;
  /** Scale of the funnel screens' z, limits and τ̂² (stats/funnel.ts `Scale`); default 'arcsine'. */
  scale?: Scale;
  /** Months of bookings, ending with the quarter's last month, for the before/after tests; default 24. */
  seriesMonths?: number;
  group?: DemographicGroup;
  /** Which jurisdictions are comparable for the demographics screen (./comparable.ts): size ratio (default 2) and months after which an activated one is settled (default 12). */
  comparable?: ComparableOptions;
  /** Complaints per ORI over the quarter (../complaints), shown beside each jurisdiction; null when not available. */
  complaints?: ReadonlyMap<string, number> | null;
}

export interface CaseList {
  /** Case ids behind the count (the numerator). */
  cases: string[];
  count: number;
  total: number;
}

export interface QuarterFlag {
  /** `${quarter}:${measure}:${against}:${state}:${ori}:${kind}`. */
  id: string;
  ori: string;
  state: string;
  measure: Measure;
  against: Against;
  kind: FlagKind;
  reason: string;
  numbers: FlagNumbers;
  /** `review/<quarter>/<measure>/<state>/<ori>[/activation|/demographics]`. */
  drillDown: string;
  /** Case ids behind the flag's count. */
  cases: string[];
}

export interface ShareSummary {
  count: number;
  total: number;
  /** count / total, 0 when total is 0 (then `judged` is false). */
  share: number;
  judged: boolean;
}

export interface JurisdictionReview {
  ori: string;
  state: string;
  aor: string;
  activated: string;
  arrests: ShareSummary;
  matches: ShareSummary;
  bookings: ShareSummary;
  /** Matches not yet classified by LESC (no IAR): left out of `matches`. */
  matchesUnclassified: number;
  complaints: number | null;
  activation: SegmentedResult | null;
  /** The group's share among people booked after activation against before. */
  demographics: ShareComparison | null;
  /** The same share against comparable jurisdictions over the same months. */
  comparable: ComparableComparison | null;
  /** The comparable jurisdictions used, with their steady months and their members / bookings with demographics. */
  comparableJurisdictions: ComparablePick[];
  flags: string[];
  notes: string[];
}

export interface ActivationSeries {
  ori: string;
  state: string;
  periods: string[];
  share: (number | null)[];
  /** The rest of the state (its other jurisdictions). */
  stateShare: (number | null)[];
  /** Index in `periods` of the first month counted as after activation (may equal periods.length). */
  activationIndex: number;
  fitted: (number | null)[] | null;
}

export interface CategoryMonths {
  periods: string[];
  byCategory: Record<LevelCategory, number[]>;
}

export interface QuarterReview {
  /** "2011Q3" or "FY2011Q3". */
  quarter: string;
  /** In words: "July–September 2011", "April–June 2011 (fiscal year 2011, Q3)". */
  period: string;
  /** The days it covers (on each jurisdiction's wall clock) and whether it is a calendar or a fiscal (October–September) quarter. */
  range: { kind: 'calendar' | 'fiscal'; from: string; to: string };
  months: string[];
  thresholds: ReviewResult['thresholds'] & { seriesMonths: number; group: string; comparable: Required<ComparableOptions> };
  rates: {
    nation: { arrests: ShareSummary; matches: ShareSummary; bookings: ShareSummary };
    states: { state: string; jurisdictions: number; arrests: ShareSummary; matches: ShareSummary; bookings: ShareSummary }[];
  };
  jurisdictions: JurisdictionReview[];
  flags: QuarterFlag[];
  /** The statistics module's full result per measure and comparison (every unit's z, p, q, shrunk estimate; φ̂, τ̂², α, β per group). */
  reviews: Record<`${Measure}:${Against}`, ReviewResult | null>;
  /** Monthly series of every flagged jurisdiction, for the activation charts. */
  series: ActivationSeries[];
  /** National ICE arrests and removals by category per month over the series window (context charts). */
  national: { arrests: CategoryMonths; removals: CategoryMonths };
  /** Case ids behind every jurisdiction's counts, keyed by the drill-down path. */
  cases: Record<string, CaseList>;
  notes: string[];
}

const PRETEXT: ReadonlySet<LevelCategory> = new Set(['non-criminal', 'level-3']);
const CATEGORIES: readonly LevelCategory[] = ['level-1', 'level-2', 'level-3', 'non-criminal'];
const LABELS: Record<Measure, { count: string; total: string }> = {
  'ice-arrests': { count: 'arrests of people with no criminal record or only Level 3 offenses', total: 'ICE arrests' },
  'ident-matches': { count: 'matches of people with no record or only Level 3 charges or convictions', total: 'IDENT matches' },
  bookings: { count: 'bookings for Level 3 (minor) offenses only', total: 'bookings' },
};

interface Pair {
  flagged: string[];
  other: number;
}
const pair = (): Pair => ({ flagged: [], other: 0 });

interface Acc {
  ref: JurisdictionRef;
  activationMonth: number | null;
  reviewed: boolean;
  arrests: Pair;
  matches: Pair;
  matchesUnclassified: number;
  bookings: Pair;
  monthly: Map<number, { count: number; total: number }>;
  minorSinceActivation: string[];
  before: { count: number; total: number };
  after: { count: number; total: number };
  groupAfter: string[];
  noDemographics: number;
  /** All bookings per month in the window (size, for comparable jurisdictions). */
  volume: Map<number, number>;
  /** Group members / bookings with demographics per month in the window. */
  groupMonthly: Map<number, { count: number; total: number }>;
}

interface StateAcc {
  arrests: { count: number; total: number };
  matches: { count: number; total: number };
  bookings: { count: number; total: number };
  monthly: Map<number, { count: number; total: number }>;
}

function pct(x: number): string {
  const v = x * 100;
  return `${Math.abs(v) >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)} %`;
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

const share = (count: number, total: number): ShareSummary => ({ count, total, share: total > 0 ? count / total : 0, judged: total > 0 });

function checkFraction(name: string, v: number | undefined, lo = 0, hi = 1): void {
  if (v !== undefined && !(Number.isFinite(v) && v > lo && v < hi)) throw new ReviewError('INVALID_OPTION', `${name} ${v} must be between ${lo} and ${hi}`);
}

/** Folds facts one at a time (so a store can stream them), then runs the review. */
export class QuarterReviewBuilder {
  readonly quarter: Quarter;
  private readonly accs = new Map<string, Acc>();
  private readonly states = new Map<string, StateAcc>();
  private readonly nation = { arrests: { count: 0, total: 0 }, matches: { count: 0, total: 0 }, bookings: { count: 0, total: 0 } };
  private readonly nationalArrests = new Map<number, Record<LevelCategory, number>>();
  private readonly nationalRemovals = new Map<number, Record<LevelCategory, number>>();
  private readonly windowStart: number;
  private readonly windowEnd: number;
  private readonly group: DemographicGroup;
  private unattributed = 0;
  private unclassifiedBookings = 0;
  private facts = 0;

  constructor(
    quarter: string | Quarter,
    private readonly registry: Registry,
    private readonly options: QuarterReviewOptions = {},
  ) {
    this.quarter = typeof quarter === 'string' ? parseQuarter(quarter) : quarter;
    const months = options.seriesMonths ?? 24;
    if (!Number.isInteger(months) || months < 6 || months > 120) throw new ReviewError('INVALID_OPTION', `seriesMonths ${months} must be a whole number of months from 6 to 120`);
    checkFraction('fdr', options.fdr);
    for (const k of ['minLevelChange', 'minShareChange'] as const) checkFraction(k, options[k], -1e-12, 1);
    if (options.minTotal !== undefined && !(Number.isInteger(options.minTotal) && options.minTotal >= 1)) throw new ReviewError('INVALID_OPTION', `minTotal ${options.minTotal} must be a positive whole number`);
    if (options.reference !== undefined && options.reference !== 'group' && options.reference !== 'leave-one-out') throw new ReviewError('INVALID_OPTION', `reference "${String(options.reference)}" must be group or leave-one-out`);
    if (options.scale !== undefined && !SCALES.includes(options.scale)) throw new ReviewError('INVALID_OPTION', `scale "${String(options.scale)}" must be ${SCALES.join(' or ')}`);
    const c = options.comparable;
    if (c?.sizeRatio !== undefined && !(Number.isFinite(c.sizeRatio) && c.sizeRatio >= 1)) throw new ReviewError('INVALID_OPTION', `comparable.sizeRatio ${c.sizeRatio} must be a number of at least 1`);
    if (c?.settledMonths !== undefined && !(Number.isInteger(c.settledMonths) && c.settledMonths >= 1 && c.settledMonths <= 120)) throw new ReviewError('INVALID_OPTION', `comparable.settledMonths ${c.settledMonths} must be a whole number of months from 1 to 120`);
    this.windowEnd = this.quarter.months[2];
    this.windowStart = this.windowEnd - months + 1;
    this.group = options.group ?? FOREIGN_BORN;
  }

  private acc(ref: JurisdictionRef): Acc {
    let a = this.accs.get(ref.ori);
    if (!a) {
      const activationMonth = ref.activatedAt === null ? null : monthOf(ref.activatedAt, ref.timeZone);
      a = {
        ref,
        activationMonth,
        reviewed: activationMonth !== null && activationMonth <= this.windowEnd,
        arrests: pair(),
        matches: pair(),
        matchesUnclassified: 0,
        bookings: pair(),
        monthly: new Map(),
        minorSinceActivation: [],
        before: { count: 0, total: 0 },
        after: { count: 0, total: 0 },
        groupAfter: [],
        noDemographics: 0,
        volume: new Map(),
        groupMonthly: new Map(),
      };
      this.accs.set(ref.ori, a);
    }
    return a;
  }

  private stateAcc(state: string): StateAcc {
    let s = this.states.get(state);
    if (!s) {
      s = { arrests: { count: 0, total: 0 }, matches: { count: 0, total: 0 }, bookings: { count: 0, total: 0 }, monthly: new Map() };
      this.states.set(state, s);
    }
    return s;
  }

  private inQuarter(month: number): boolean {
    return month >= this.quarter.months[0] && month <= this.quarter.months[2];
  }

  add(f: CaseFact): void {
    this.facts++;
    const ref = f.ori === null ? undefined : this.registry.get(f.ori);
    const tz = ref?.timeZone ?? 'UTC';
    // National context charts count every case, attributed or not.
    if (f.iceCustodyAt !== null && f.levelAtIceCustody !== null) bump(this.nationalArrests, monthOf(f.iceCustodyAt, tz), f.levelAtIceCustody, this.windowStart, this.windowEnd);
    if (f.removedAt !== null && f.levelAtRemoval !== null) bump(this.nationalRemovals, monthOf(f.removedAt, tz), f.levelAtRemoval, this.windowStart, this.windowEnd);
    if (!ref) {
      if (f.iceCustodyAt !== null || f.identifiedAt !== null || f.bookedAt !== null) this.unattributed++;
      return;
    }
    const a = this.acc(ref);
    const s = this.stateAcc(ref.state);
    if (f.iceCustodyAt !== null && f.levelAtIceCustody !== null && this.inQuarter(monthOf(f.iceCustodyAt, tz))) {
      const hit = PRETEXT.has(f.levelAtIceCustody);
      if (hit) a.arrests.flagged.push(f.caseId);
      else a.arrests.other++;
      tally(s.arrests, hit);
      tally(this.nation.arrests, hit);
    }
    if (f.identifiedAt !== null && this.inQuarter(monthOf(f.identifiedAt, tz))) {
      if (f.levelAtIdentification === null) a.matchesUnclassified++;
      else {
        const hit = PRETEXT.has(f.levelAtIdentification);
        if (hit) a.matches.flagged.push(f.caseId);
        else a.matches.other++;
        tally(s.matches, hit);
        tally(this.nation.matches, hit);
      }
    }
    if (f.bookedAt !== null) {
      const month = monthOf(f.bookedAt, tz);
      if (month >= this.windowStart && month <= this.windowEnd) {
        let level: number | null = null;
        for (const c of f.charges) if (c.level !== null && (level === null || c.level < level)) level = c.level;
        if (level === null) this.unclassifiedBookings++;
        else {
          const minor = level === 3;
          addMonth(a.monthly, month, minor);
          addMonth(s.monthly, month, minor);
          if (this.inQuarter(month)) {
            if (minor) a.bookings.flagged.push(f.caseId);
            else a.bookings.other++;
            tally(s.bookings, minor);
            tally(this.nation.bookings, minor);
          }
          if (minor && a.activationMonth !== null && month >= a.activationMonth) a.minorSinceActivation.push(f.caseId);
        }
        a.volume.set(month, (a.volume.get(month) ?? 0) + 1);
        const member = f.demographics === null ? null : this.group.member(f.demographics);
        if (member !== null) addMonth(a.groupMonthly, month, member);
        if (a.activationMonth !== null) {
          if (member === null) a.noDemographics++;
          else {
            const side = month >= a.activationMonth ? a.after : a.before;
            tally(side, member);
            if (member && month >= a.activationMonth) a.groupAfter.push(f.caseId);
          }
        }
      }
    }
  }

  finish(): QuarterReview {
    const q = this.quarter;
    const months = q.months.map(monthLabel);
    const window = Array.from({ length: this.windowEnd - this.windowStart + 1 }, (_, i) => this.windowStart + i);
    const thresholds = {
      fdr: this.options.fdr ?? 0.05,
      fdrMethod: 'bh' as const,
      model: this.options.model ?? 'additive',
      minTotal: this.options.minTotal ?? 10,
      minLevelChange: this.options.minLevelChange ?? 0.05,
      minShareChange: this.options.minShareChange ?? 0.05,
      reference: this.options.reference ?? 'leave-one-out',
      tau2Method: 'paule-mandel' as const,
      scale: this.options.scale ?? 'arcsine',
    };
    const comparableOptions = { sizeRatio: this.options.comparable?.sizeRatio ?? 2, settledMonths: this.options.comparable?.settledMonths ?? 12 };
    const reviewOptions = { fdr: thresholds.fdr, model: thresholds.model, minTotal: thresholds.minTotal, minLevelChange: thresholds.minLevelChange, minShareChange: thresholds.minShareChange, reference: thresholds.reference, tau2Method: thresholds.tau2Method, scale: thresholds.scale };
    // Every registered jurisdiction activated by the quarter's end is reviewed, with or without cases.
    for (const ref of this.registry.values()) this.acc(ref);
    const reviewed = [...this.accs.values()].filter((a) => a.reviewed).sort((x, y) => (x.ref.state === y.ref.state ? x.ref.ori.localeCompare(y.ref.ori) : x.ref.state.localeCompare(y.ref.state)));
    const notes: string[] = [];
    const cases: Record<string, CaseList> = {};
    const path = (measure: Measure, a: Acc, tail = '') => `review/${q.label}/${measure}/${encodeURIComponent(a.ref.state)}/${encodeURIComponent(a.ref.ori)}${tail}`;

    // The state's (nation's) count and total: its rate is the 'group' target, and what is left
    // after taking a jurisdiction out is its 'leave-one-out' reference. Jurisdictions of the
    // state not yet activated count in its bookings (the rest of the state).
    const stateTotals = (measure: 'arrests' | 'matches' | 'bookings'): Record<string, { count: number; total: number }> =>
      Object.fromEntries([...this.states.entries()].map(([st, s]) => [st, { ...s[measure] }]));
    const nationTotals = (measure: 'arrests' | 'matches'): Record<string, { count: number; total: number }> => ({ all: { ...this.nation[measure] } });
    const units = (pick: (a: Acc) => Pair, grouped: boolean): ReviewUnit[] =>
      reviewed.map((a) => ({ id: a.ref.ori, ...(grouped ? { group: a.ref.state } : {}), count: pick(a).flagged.length, total: pick(a).flagged.length + pick(a).other }));

    const run = (measure: Measure, input: Parameters<typeof review>[0]): ReviewResult | null =>
      reviewed.length === 0 ? null : review(input, { ...reviewOptions, labels: { ...LABELS[measure], group: (g) => (g === 'all' ? 'the nation' : g) } });

    // Bookings: funnel against the state and the demographics screen in review(); the activation
    // screen below, against the rest of the state.
    const seriesOf = (m: Map<number, { count: number; total: number }>): MonthlyCount[] => window.map((t) => ({ period: t, count: m.get(t)?.count ?? 0, total: m.get(t)?.total ?? 0 }));
    const restOfState = (a: Acc): MonthlyCount[] => {
      const st = this.states.get(a.ref.state)?.monthly ?? new Map<number, { count: number; total: number }>();
      return window.map((t) => ({ period: t, count: (st.get(t)?.count ?? 0) - (a.monthly.get(t)?.count ?? 0), total: (st.get(t)?.total ?? 0) - (a.monthly.get(t)?.total ?? 0) }));
    };
    // Demographics: after activation against before, and against comparable jurisdictions (./comparable.ts).
    const candidates: ComparableCandidate[] = [...this.accs.values()].map((a) => ({ ori: a.ref.ori, state: a.ref.state, activationMonth: a.activationMonth, volume: a.volume, group: a.groupMonthly }));
    const byState = new Map<string, ComparableCandidate[]>();
    for (const c of candidates) byState.set(c.state, [...(byState.get(c.state) ?? []), c]);
    const comparableOf = new Map<string, ComparablePick[]>();
    // The usual spread of the group's share between a state's jurisdictions, from their bookings
    // before their own activation (all window months when never activated): far more bookings and
    // jurisdictions than the few comparable ones, and untouched by the program.
    const spreadOf = new Map<string, { tau2: number; source: string }>();
    for (const [state, list] of byState) {
      const units = list.flatMap((c) => {
        let count = 0;
        let total = 0;
        for (const m of window) {
          if (c.activationMonth !== null && m >= c.activationMonth) continue;
          const g = c.group.get(m);
          if (g) {
            count += g.count;
            total += g.total;
          }
        }
        return total > 0 ? [{ id: c.ori, count, total }] : [];
      });
      if (units.length >= MIN_COMPARABLE) spreadOf.set(state, { tau2: funnel(units, { model: 'additive' }).tau2, source: `the ${units.length} jurisdictions of ${state} before activation` });
    }
    const quietInQuarter: string[] = [];
    let withoutBefore = 0;
    let withoutComparable = 0;
    const bookingUnits: ReviewUnit[] = reviewed.map((a) => {
      const u: ReviewUnit = { id: a.ref.ori, group: a.ref.state, count: a.bookings.flagged.length, total: a.bookings.flagged.length + a.bookings.other };
      if (a.activationMonth === null || a.after.total === 0) {
        withoutBefore++;
        withoutComparable++;
        return u;
      }
      // A quarter in which the jail booked nobody with demographics has nothing new to judge.
      if (!q.months.some((m) => (a.groupMonthly.get(m)?.total ?? 0) > 0)) {
        quietInQuarter.push(a.ref.ori);
        return u;
      }
      const after = window.filter((m) => m >= a.activationMonth!);
      const inState = byState.get(a.ref.state)!;
      const picked = pickComparable(inState.find((c) => c.ori === a.ref.ori)!, inState, after, window, comparableOptions);
      comparableOf.set(a.ref.ori, picked);
      if (a.before.total === 0) withoutBefore++;
      if (picked.length < MIN_COMPARABLE) withoutComparable++;
      const spread = spreadOf.get(a.ref.state);
      u.demographics = { group: this.group.label, after: { ...a.after }, ...(a.before.total > 0 ? { before: { ...a.before } } : {}), comparable: picked.map((p) => ({ id: p.ori, count: p.count, total: p.total })), ...(spread ? { spread } : {}) };
      return u;
    });
    const activation = new Map<string, SegmentedResult>();
    for (const a of reviewed) {
      if (a.activationMonth === null) continue;
      const rest = restOfState(a);
      if (rest.every((m) => m.total === 0)) continue;
      activation.set(a.ref.ori, segmentedRegression(seriesOf(a.monthly), a.activationMonth, rest));
    }

    const reviews: QuarterReview['reviews'] = {
      'ice-arrests:state': run('ice-arrests', { quarter: q.label, units: units((a) => a.arrests, true), groupTotals: stateTotals('arrests') }),
      'ice-arrests:nation': run('ice-arrests', { quarter: q.label, units: units((a) => a.arrests, false), groupTotals: nationTotals('arrests') }),
      'ident-matches:state': run('ident-matches', { quarter: q.label, units: units((a) => a.matches, true), groupTotals: stateTotals('matches') }),
      'ident-matches:nation': run('ident-matches', { quarter: q.label, units: units((a) => a.matches, false), groupTotals: nationTotals('matches') }),
      'bookings:state': run('bookings', { quarter: q.label, units: bookingUnits, groupTotals: stateTotals('bookings') }),
      'bookings:nation': null,
    };

    const byOri = new Map(reviewed.map((a) => [a.ref.ori, a]));
    const flags: QuarterFlag[] = [];
    for (const [key, result] of Object.entries(reviews) as [`${Measure}:${Against}`, ReviewResult | null][]) {
      if (!result) continue;
      const [measure, against] = key.split(':') as [Measure, Against];
      for (const f of result.flags) {
        const a = byOri.get(f.unitId)!;
        const tail = f.kind === 'share-rose-at-activation' ? '/activation' : f.kind === 'group-share-rose' ? '/demographics' : f.kind === 'group-share-above-comparable' ? '/demographics-comparable' : '';
        const demographic = f.kind === 'group-share-rose' || f.kind === 'group-share-above-comparable';
        const list = measure === 'ice-arrests' ? a.arrests.flagged : measure === 'ident-matches' ? a.matches.flagged : f.kind === 'share-rose-at-activation' ? a.minorSinceActivation : demographic ? a.groupAfter : a.bookings.flagged;
        flags.push({
          id: `${q.label}:${measure}:${against}:${a.ref.state}:${a.ref.ori}:${f.kind}`,
          ori: a.ref.ori,
          state: a.ref.state,
          measure,
          against,
          kind: f.kind,
          reason: f.reason,
          numbers: f.numbers,
          drillDown: path(measure, a, tail),
          cases: [...list],
        });
      }
    }

    // Activation screen: a one-sided test for a rise, Benjamini–Hochberg over the fitted series.
    const fitted = [...activation.entries()].filter(([, r]) => r.status === 'ok');
    const pRise = fitted.map(([, r]) => (r.levelChange!.estimate > 0 ? r.levelChange!.p / 2 : 1 - r.levelChange!.p / 2));
    const qRise = adjustPValues(pRise, 'bh');
    const bookingsReview = reviews['bookings:state'];
    fitted.forEach(([ori, r], i) => {
      const c = r.levelChange!;
      if (qRise[i] >= thresholds.fdr || c.estimate < thresholds.minLevelChange) return;
      const a = byOri.get(ori)!;
      const u = bookingsReview?.units.find((x) => x.id === ori);
      const g = bookingsReview?.groups.find((x) => x.group === a.ref.state);
      const observed = u?.observed ?? 0;
      flags.push({
        id: `${q.label}:bookings:state:${a.ref.state}:${ori}:share-rose-at-activation`,
        ori,
        state: a.ref.state,
        measure: 'bookings',
        against: 'state',
        kind: 'share-rose-at-activation',
        reason:
          `the monthly share of ${LABELS.bookings.count} jumped by ${pct(c.estimate)} (95 % interval ${pct(c.lower)} to ${pct(c.upper)}) when the jurisdiction was activated (${monthLabel(a.activationMonth!)}), ` +
          `over and above the rest of ${a.ref.state} (${r.before} months before, ${r.after} after); p = ${fmtP(pRise[i])}, q = ${fmtP(qRise[i])} after allowing for the ${fitted.length} jurisdictions with a series; ${r.note}`,
        numbers: {
          count: u?.count ?? 0,
          total: u?.total ?? 0,
          observed,
          expected: u?.expected ?? 0,
          z: c.se > 0 ? c.estimate / c.se : 0,
          p: pRise[i],
          q: qRise[i],
          upperLimit: g && u && u.total > 0 ? controlLimits(g.funnel, u.total)[1].upper : 1,
          shrunk: u?.shrunk ? { mean: u.shrunk.mean, lower: u.shrunk.lower, upper: u.shrunk.upper } : { mean: observed, lower: 0, upper: 1 },
          effect: { estimate: c.estimate, lower: c.lower, upper: c.upper },
        },
        drillDown: path('bookings', a, '/activation'),
        cases: [...a.minorSinceActivation],
      });
    });
    flags.sort((x, y) => (x.state === y.state ? (x.ori === y.ori ? x.id.localeCompare(y.id) : x.ori.localeCompare(y.ori)) : x.state.localeCompare(y.state)));

    const unitOf = (key: `${Measure}:${Against}`, ori: string) => reviews[key]?.units.find((u) => u.id === ori);
    const jurisdictions: JurisdictionReview[] = reviewed.map((a) => {
      const b = unitOf('bookings:state', a.ref.ori);
      const own = flags.filter((f) => f.ori === a.ref.ori);
      const jnotes: string[] = [];
      for (const key of ['ice-arrests:state', 'ident-matches:state', 'bookings:state'] as const) {
        const note = unitOf(key, a.ref.ori)?.note;
        if (note) jnotes.push(`${LABELS[key.split(':')[0] as Measure].total}: ${note}`);
      }
      const act = activation.get(a.ref.ori) ?? null;
      if (act && act.status !== 'ok') jnotes.push(`activation test: ${act.note}`);
      if (!act && a.activationMonth !== null) jnotes.push(`activation test: no other jurisdiction of ${a.ref.state} has bookings in the window to compare with`);
      if (a.noDemographics > 0) jnotes.push(`${a.noDemographics} booking(s) without the demographics to place them in or out of the group`);
      const comp = b?.comparable;
      if (comp && comp.status !== 'ok') jnotes.push(`comparable jurisdictions: ${comp.note}`);
      cases[path('ice-arrests', a)] = { cases: [...a.arrests.flagged], count: a.arrests.flagged.length, total: a.arrests.flagged.length + a.arrests.other };
      cases[path('ident-matches', a)] = { cases: [...a.matches.flagged], count: a.matches.flagged.length, total: a.matches.flagged.length + a.matches.other };
      cases[path('bookings', a)] = { cases: [...a.bookings.flagged], count: a.bookings.flagged.length, total: a.bookings.flagged.length + a.bookings.other };
      return {
        ori: a.ref.ori,
        state: a.ref.state,
        aor: a.ref.aor,
        activated: a.activationMonth === null ? '—' : monthLabel(a.activationMonth),
        arrests: share(a.arrests.flagged.length, a.arrests.flagged.length + a.arrests.other),
        matches: share(a.matches.flagged.length, a.matches.flagged.length + a.matches.other),
        bookings: share(a.bookings.flagged.length, a.bookings.flagged.length + a.bookings.other),
        matchesUnclassified: a.matchesUnclassified,
        complaints: this.options.complaints ? (this.options.complaints.get(a.ref.ori) ?? 0) : null,
        activation: act,
        demographics: b?.demographics ?? null,
        comparable: b?.comparable ?? null,
        comparableJurisdictions: comparableOf.get(a.ref.ori) ?? [],
        flags: own.map((f) => f.id),
        notes: jnotes,
      };
    });

    const series: ActivationSeries[] = [];
    for (const ori of new Set(flags.map((f) => f.ori))) {
      const a = byOri.get(ori)!;
      if (a.activationMonth === null) continue;
      const unit = seriesOf(a.monthly);
      const state = restOfState(a);
      const res = activation.get(ori) ?? null;
      series.push({
        ori,
        state: a.ref.state,
        periods: window.map(monthLabel),
        share: unit.map((m) => (m.total > 0 ? m.count / m.total : null)),
        stateShare: state.map((m) => (m.total > 0 ? m.count / m.total : null)),
        activationIndex: Math.max(0, Math.min(window.length, a.activationMonth - this.windowStart)),
        fitted: res && res.status === 'ok' ? fittedShares(unit, a.activationMonth, state, res) : null,
      });
    }

    const categoryMonths = (m: Map<number, Record<LevelCategory, number>>): CategoryMonths => ({
      periods: window.map(monthLabel),
      byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, window.map((t) => m.get(t)?.[c] ?? 0)])) as Record<LevelCategory, number[]>,
    });

    if (this.facts === 0) notes.push('the event log has no cases: nothing to review');
    if (reviewed.length === 0) notes.push(`no jurisdiction was activated by the end of ${q.label}: nothing to review`);
    else {
      if (this.nation.arrests.total === 0) notes.push(`no ICE arrests in ${q.label} in any activated jurisdiction: the arrest screens have nothing to judge`);
      if (this.nation.matches.total === 0) notes.push(`no classified IDENT matches in ${q.label}: the match screens have nothing to judge`);
      if (this.nation.bookings.total === 0) notes.push(`no bookings with a charge Level in ${q.label}: the booking screens have nothing to judge`);
    }
    if (this.unattributed > 0) notes.push(`${this.unattributed} case(s) with no ORI or an ORI missing from the registry are left out of the jurisdictions (but counted in the national charts)`);
    const unclassifiedMatches = reviewed.reduce((n, a) => n + a.matchesUnclassified, 0);
    if (unclassifiedMatches > 0) notes.push(`${unclassifiedMatches} IDENT match(es) in ${q.label} not yet classified by LESC (no IAR) are left out of the match shares`);
    if (this.unclassifiedBookings > 0) notes.push(`${this.unclassifiedBookings} booking(s) in the ${window.length}-month window had no charge Level and are left out of the booking shares`);
    if (quietInQuarter.length > 0) notes.push(`${quietInQuarter.length} of ${reviewed.length} jurisdiction(s) booked nobody with demographics in ${q.label}: no demographics tests for them this quarter`);
    if (reviewed.length > 0 && withoutBefore > 0) notes.push(`${withoutBefore} of ${reviewed.length} jurisdiction(s) lack bookings with demographics on one side of activation within the window: no before/after demographics test for them`);
    if (reviewed.length > 0 && withoutComparable > 0) {
      notes.push(
        `${withoutComparable} of ${reviewed.length} jurisdiction(s) have fewer than ${MIN_COMPARABLE} comparable jurisdictions (same state, mean monthly bookings before activation within ×${comparableOptions.sizeRatio}, months in which they were not yet activated or activated at least ${comparableOptions.settledMonths} months before): no comparison of the group share with comparable jurisdictions for them`,
      );
    }
    if (!this.options.complaints) notes.push('complaint counts per jurisdiction were not available to this review (the complaints module supplies them when present)');
    notes.push(
      `Levels: ICE arrests by conviction at the ICE arrest, IDENT matches by the Level at identification (charged or convicted); bookings by the most serious charge. ` +
        `Months on each jurisdiction's wall clock; the activation month counts as after activation.`,
    );
    for (const [key, result] of Object.entries(reviews)) if (result) for (const n of result.notes) notes.push(`${key}: ${n}`);

    return {
      quarter: q.label,
      period: quarterWords(q),
      range: { kind: q.kind, from: q.from, to: q.to },
      months,
      thresholds: { ...thresholds, seriesMonths: window.length, group: this.group.label, comparable: comparableOptions },
      rates: {
        nation: { arrests: share(this.nation.arrests.count, this.nation.arrests.total), matches: share(this.nation.matches.count, this.nation.matches.total), bookings: share(this.nation.bookings.count, this.nation.bookings.total) },
        states: [...this.states.entries()]
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([state, s]) => ({ state, jurisdictions: reviewed.filter((a) => a.ref.state === state).length, arrests: share(s.arrests.count, s.arrests.total), matches: share(s.matches.count, s.matches.total), bookings: share(s.bookings.count, s.bookings.total) })),
      },
      jurisdictions,
      flags,
      reviews,
      series,
      national: { arrests: categoryMonths(this.nationalArrests), removals: categoryMonths(this.nationalRemovals) },
      cases,
      notes,
    };
  }
}

function tally(t: { count: number; total: number }, hit: boolean): void {
  t.total++;
  if (hit) t.count++;
}

function addMonth(m: Map<number, { count: number; total: number }>, month: number, hit: boolean): void {
  let v = m.get(month);
  if (!v) m.set(month, (v = { count: 0, total: 0 }));
  tally(v, hit);
}

function bump(m: Map<number, Record<LevelCategory, number>>, month: number, c: LevelCategory, lo: number, hi: number): void {
  if (month < lo || month > hi) return;
  let v = m.get(month);
  if (!v) m.set(month, (v = { 'level-1': 0, 'level-2': 0, 'level-3': 0, 'non-criminal': 0 }));
  v[c]++;
}

/** The review of one quarter from a list of facts. */
export function reviewQuarter(facts: Iterable<CaseFact>, registry: Registry, quarter: string, options: QuarterReviewOptions = {}): QuarterReview {
  const b = new QuarterReviewBuilder(quarter, registry, options);
  for (const f of facts) b.add(f);
  return b.finish();
}
