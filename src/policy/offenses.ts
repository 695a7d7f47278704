/**
 * NCIC offense codes: what category a code belongs to (the offense table) and what Level a
 * version gives it (the version's Appendix A ranges).
 */
import { PolicyError } from './errors.ts';
import type { Level, LevelRules, OffenseTable } from './schema.ts';

export interface Offense {
  code: string;
  /** Category of the code's 2-digit block ("assault", "traffic"). */
  category: string;
  /** Name of the individual code when the table lists it ("hit and run"). */
  name: string | null;
  tags: readonly string[];
}

/** The table entry for `code`, or null when its 2-digit block is not in the table. */
export function findOffense(table: OffenseTable, code: string): Offense | null {
  const block = table.blocks.find((b) => b.block === code.slice(0, 2));
  if (block === undefined || !/^\d{4}$/.test(code)) return null;
  const listed = table.codes.find((c) => c.code === code);
  // A listed code names its own tags: 5401 (hit and run) is a traffic code but not a minor one.
  return { code, category: block.category, name: listed?.name ?? null, tags: listed?.tags ?? block.tags };
}

/** The table entry for `code`; an unknown code is a `PolicyError('UNKNOWN_OFFENSE_CODE')`. */
export function offenseOf(table: OffenseTable, code: string): Offense {
  const offense = findOffense(table, code);
  if (offense === null) {
    throw new PolicyError('UNKNOWN_OFFENSE_CODE', `NCIC offense code "${code}" is not in the offense table`, [
      { path: 'code', message: `no block "${code.slice(0, 2)}" in ncic-offenses.json` },
    ]);
  }
  return offense;
}

export interface SentenceInfo {
  severity: 'felony' | 'misdemeanor';
  maxSentenceMonths: number | null;
}

export interface LevelOfCode {
  level: Level;
  /** The range that decided it, written "3500–3599 (sentence > 1 yr)", or "otherwise". */
  range: string;
}

/**
 * Level of one offense under a version's ranges. The narrowest matching range wins, so a
 * single code (5401) inside a block range (5400–5499) overrides it; a range with a sentence
 * condition applies only when the offense's maximum sentence meets it.
 */
export function levelOfCode(rules: LevelRules, code: string, sentence: SentenceInfo): LevelOfCode {
  const moreThanOneYear = sentenceMoreThanOneYear(rules, sentence);
  let best: LevelRules['ranges'][number] | undefined;
  for (const range of rules.ranges) {
    if (code < range.from || code > range.to) continue;
    if (range.sentence === 'more-than-one-year' && !moreThanOneYear) continue;
    if (range.sentence === 'one-year-or-less' && moreThanOneYear) continue;
    if (best === undefined || width(range) < width(best)) best = range;
  }
  if (best === undefined) return { level: rules.otherwise, range: 'otherwise' };
  const span = best.from === best.to ? best.from : `${best.from}–${best.to}`;
  const condition = best.sentence === undefined ? '' : best.sentence === 'more-than-one-year' ? ' (sentence > 1 yr)' : ' (sentence ≤ 1 yr)';
  return { level: best.level, range: span + condition };
}

function width(range: { from: string; to: string }): number {
  return Number(range.to) - Number(range.from);
}

function sentenceMoreThanOneYear(rules: LevelRules, sentence: SentenceInfo): boolean {
  if (sentence.maxSentenceMonths !== null) return sentence.maxSentenceMonths > 12;
  switch (rules.unknownSentence) {
    case 'more-than-one-year':
      return true;
    case 'one-year-or-less':
      return false;
    case 'by-severity':
      return sentence.severity === 'felony';
  }
}
