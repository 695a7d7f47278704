import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../platform/policy/load.ts';
import { PolicyError } from './errors.ts';
import { findOffense, levelOfCode, offenseOf } from './offenses.ts';

const policy = loadPolicy();
const levels = policy.versions[0].levels;
const felony = (months: number | null) => ({ severity: 'felony' as const, maxSentenceMonths: months });
const misdemeanor = (months: number | null) => ({ severity: 'misdemeanor' as const, maxSentenceMonths: months });

describe('Level classification by NCIC code (Appendix A ranges, default — configurable)', () => {
  it.each([
    ['0101', 1, 'sovereignty'],
    ['0902', 1, 'homicide'],
    ['1099', 1, 'kidnapping'],
    ['1101', 1, 'sexual assault'],
    ['1299', 1, 'robbery'],
    ['1313', 1, 'assault'],
    ['1399', 1, 'assault'],
    ['1699', 1, 'threats'],
    ['2199', 1, 'extortion'],
    ['3699', 1, 'sex offenses'],
    ['3801', 1, 'family offenses'],
    ['4899', 1, 'obstructing police'],
    ['5299', 1, 'weapons'],
    ['2099', 2, 'arson'],
    ['2299', 2, 'burglary'],
    ['2399', 2, 'larceny'],
    ['2699', 2, 'fraud'],
    ['2999', 2, 'damage property'],
    ['5499', 2, 'traffic'],
    ['5899', 2, 'smuggling'],
    ['7299', 2, 'miscellaneous crimes against morals/decency'],
    ['0399', 3, 'immigration'],
    ['3999', 3, 'gambling'],
    ['4199', 3, 'liquor'],
    ['5399', 3, 'public peace'],
    ['7399', 3, 'miscellaneous crimes against public order'],
  ] as const)('code %s is Level %i (%s)', (code, level, category) => {
    expect(levelOfCode(levels, code, misdemeanor(6)).level).toBe(level);
    expect(offenseOf(policy.offenses, code).category).toBe(category);
  });

  it('classifies a dangerous-drug offense punishable by more than one year as Level 1', () => {
    expect(levelOfCode(levels, '3599', felony(60))).toEqual({ level: 1, range: '3500–3599 (sentence > 1 yr)' });
    expect(levelOfCode(levels, '3530', misdemeanor(13)).level).toBe(1);
  });

  it('classifies a dangerous-drug offense punishable by less than one year as Level 2', () => {
    expect(levelOfCode(levels, '3599', misdemeanor(6))).toEqual({ level: 2, range: '3500–3599 (sentence ≤ 1 yr)' });
    expect(levelOfCode(levels, '3562', felony(11)).level).toBe(2);
  });

  it('treats a maximum of exactly one year as not more than one year', () => {
    expect(levelOfCode(levels, '3599', felony(12)).level).toBe(2);
  });

  it('falls back on felony or misdemeanor when the maximum sentence of a drug offense is unknown', () => {
    expect(levelOfCode(levels, '3599', felony(null)).level).toBe(1);
    expect(levelOfCode(levels, '3599', misdemeanor(null)).level).toBe(2);
  });

  it('makes 5401 (hit and run) Level 1 although the rest of the traffic block is Level 2', () => {
    expect(levelOfCode(levels, '5401', misdemeanor(6))).toEqual({ level: 1, range: '5401' });
    expect(levelOfCode(levels, '5400', misdemeanor(6)).level).toBe(2);
    expect(levelOfCode(levels, '5402', misdemeanor(6)).level).toBe(2);
  });

  it('gives every code no range covers the "otherwise" Level', () => {
    expect(levelOfCode(levels, '9999', misdemeanor(1))).toEqual({ level: 3, range: 'otherwise' });
  });

  it('uses the same Level ranges in every shipped version', () => {
    for (const version of policy.versions) expect(version.levels).toEqual(levels);
  });
});

describe('The NCIC offense table', () => {
  it('lists every block DOMAIN.md names, each once', () => {
    const blocks = policy.offenses.blocks.map((b) => b.block);
    expect(new Set(blocks).size).toBe(blocks.length);
    for (const b of ['01', '02', '03', '09', '10', '11', '12', '13', '16', '20', '35', '36', '48', '52', '54', '58', '63', '70', '71', '72', '73']) expect(blocks).toContain(b);
  });

  it('marks ordinary traffic codes as minor traffic but not hit and run or DUI', () => {
    expect(findOffense(policy.offenses, '5499')?.tags).toContain('minor-traffic');
    expect(findOffense(policy.offenses, '5401')?.tags).not.toContain('minor-traffic');
    expect(findOffense(policy.offenses, '5404')?.tags).toContain('dui');
  });

  it('refuses an unknown code with a typed error', () => {
    expect(findOffense(policy.offenses, '4250')).toBeNull();
    expect(() => offenseOf(policy.offenses, '4250')).toThrow(PolicyError);
    try {
      offenseOf(policy.offenses, '4250');
    } catch (error) {
      expect((error as PolicyError).code).toBe('UNKNOWN_OFFENSE_CODE');
    }
  });

  it('documents 0399 as the code an IAQ carries when there is no charge', () => {
    expect(policy.offenses.noCharge.code).toBe('0399');
  });
});
