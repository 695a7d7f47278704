/**
 * Tests a version's criteria against case facts. Every answer carries the facts it rests on,
 * in plain words, so a decision can show its work.
 */
import { findOffense } from './offenses.ts';
import { levelOfCode } from './offenses.ts';
import type { CaseFacts, Criterion, Level, LevelRules, OffenseTable, PolicyVersion, Rule } from './schema.ts';

/** One charge or prior conviction, classified under a version. */
export interface OffenseRecord {
  from: 'charge' | 'prior-conviction';
  /** 0-based position in `charges` or `priorConvictions`. */
  index: number;
  code: string;
  /** Block category, or null for a code outside the offense table. */
  category: string | null;
  tags: readonly string[];
  level: Level;
  range: string;
  severity: 'felony' | 'misdemeanor';
  disposition: 'pending' | 'convicted' | 'dismissed';
  sentenceImposedDays: number | undefined;
  /** Plain description: `charge 1: 5499 traffic, misdemeanor, pending (Level 2 by 5400–5499)`. */
  describe: string;
}

export interface CaseView {
  facts: CaseFacts;
  /** Decision date, YYYY-MM-DD. */
  asOf: string;
  offenses: readonly OffenseRecord[];
}

export function viewCase(facts: CaseFacts, version: PolicyVersion, table: OffenseTable, asOf: string): CaseView {
  const offenses: OffenseRecord[] = [];
  facts.charges.forEach((c, index) => offenses.push(classify(version.levels, table, 'charge', index, c, c.disposition)));
  facts.priorConvictions.forEach((c, index) => offenses.push(classify(version.levels, table, 'prior-conviction', index, c, 'convicted')));
  return { facts, asOf, offenses };
}

function classify(
  levels: LevelRules,
  table: OffenseTable,
  from: OffenseRecord['from'],
  index: number,
  o: CaseFacts['priorConvictions'][number],
  disposition: OffenseRecord['disposition'],
): OffenseRecord {
  const offense = findOffense(table, o.code);
  const { level, range } = levelOfCode(levels, o.code, o);
  const tags = [...new Set([...(offense?.tags ?? []), ...o.tags])];
  const what = offense === null ? 'unknown code' : offense.name ?? offense.category;
  const label = from === 'charge' ? `charge ${index + 1}` : `prior conviction ${index + 1}`;
  const state = from === 'charge' ? `, ${disposition}` : ` (${o.date})`;
  return {
    from,
    index,
    code: o.code,
    category: offense?.category ?? null,
    tags,
    level,
    range,
    severity: o.severity,
    disposition,
    sentenceImposedDays: o.sentenceImposedDays,
    describe: `${label}: ${o.code} ${what}, ${o.severity}${state} (Level ${level} by ${range})`,
  };
}

export function isConviction(o: OffenseRecord): boolean {
  return o.disposition === 'convicted';
}

export function offensesOnBasis(view: CaseView, basis: 'charge' | 'conviction' | 'charge-or-conviction'): OffenseRecord[] {
  return view.offenses.filter((o) => {
    if (o.disposition === 'dismissed') return false;
    if (basis === 'conviction') return isConviction(o);
    if (basis === 'charge') return o.from === 'charge';
    return true;
  });
}

export interface Match {
  matched: boolean;
  /** The facts the answer rests on (for a match: why it matched). */
  facts: string[];
}

const yes = (...facts: string[]): Match => ({ matched: true, facts });
const no = (...facts: string[]): Match => ({ matched: false, facts });

export function test(criterion: Criterion, view: CaseView): Match {
  const p = view.facts.person;
  switch (criterion.kind) {
    case 'offense': {
      const hits = offensesOnBasis(view, criterion.basis).filter(
        (o) =>
          (criterion.severity === undefined || o.severity === criterion.severity) &&
          (criterion.maxLevel === undefined || o.level <= criterion.maxLevel) &&
          (criterion.anyTag === undefined || criterion.anyTag.some((t) => o.tags.includes(t))) &&
          (criterion.noneTag === undefined || !criterion.noneTag.some((t) => o.tags.includes(t))) &&
          (criterion.minSentenceImposedDays === undefined || (o.sentenceImposedDays ?? 0) >= criterion.minSentenceImposedDays),
      );
      const needed = criterion.atLeast ?? 1;
      return hits.length >= needed ? yes(...hits.map((o) => o.describe)) : no(...hits.map((o) => o.describe));
    }
    case 'flag': {
      const value = criterion.flag in p.discretion ? p.discretion[criterion.flag as keyof typeof p.discretion] : p[criterion.flag as keyof typeof p];
      return value === true ? yes(`${criterion.flag}: yes`) : no(`${criterion.flag}: no`);
    }
    case 'status':
      return criterion.in.includes(p.status) ? yes(`status: ${p.status}`) : no(`status: ${p.status}`);
    case 'age': {
      const ok = (criterion.atLeast === undefined || p.age >= criterion.atLeast) && (criterion.below === undefined || p.age < criterion.below);
      return { matched: ok, facts: [`age: ${p.age}`] };
    }
    case 'years-in-us':
      return { matched: p.yearsInUs >= criterion.atLeast, facts: [`years in the US: ${p.yearsInUs}`] };
    case 'arrival-age': {
      const arrival = p.age - p.yearsInUs;
      return { matched: arrival < criterion.below, facts: [`age at arrival: ${arrival}`] };
    }
    case 'entry': {
      if (p.lastEntryDate === null) return no('last entry date: unknown');
      const since = criterion.onOrAfter ?? yearsBefore(view.asOf, criterion.withinYears ?? 0);
      return { matched: p.lastEntryDate >= since && p.lastEntryDate <= view.asOf, facts: [`last entry: ${p.lastEntryDate}`] };
    }
    case 'removal-order': {
      if (p.removalOrder === null) return no('outstanding removal order: none');
      const ok = criterion.issuedOnOrAfter === undefined || p.removalOrder.date >= criterion.issuedOnOrAfter;
      return { matched: ok, facts: [`outstanding removal order of ${p.removalOrder.date}`] };
    }
    case 'all': {
      const parts = criterion.of.map((c) => test(c, view));
      return { matched: parts.every((m) => m.matched), facts: parts.flatMap((m) => m.facts) };
    }
    case 'any': {
      const parts = criterion.of.map((c) => test(c, view));
      const hits = parts.filter((m) => m.matched);
      return hits.length > 0 ? yes(...hits.flatMap((m) => m.facts)) : no(...parts.flatMap((m) => m.facts));
    }
    case 'not': {
      const inner = test(criterion.of, view);
      return { matched: !inner.matched, facts: inner.facts };
    }
  }
}

/** The rules of a list that match, each with its facts. */
export function matchingRules(rules: readonly Rule[], view: CaseView): { rule: Rule; facts: string[] }[] {
  const out: { rule: Rule; facts: string[] }[] = [];
  for (const rule of rules) {
    const m = test(rule.test, view);
    if (m.matched) out.push({ rule, facts: m.facts });
  }
  return out;
}

/** `date` minus `years` calendar years (29 February falls back to 28 February). */
export function yearsBefore(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) - years;
  let md = date.slice(5);
  if (md === '02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) md = '02-28';
  return `${String(y).padStart(4, '0')}-${md}`;
}
