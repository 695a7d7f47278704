import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/index.ts';
import type { FingerprintTemplate } from '../../biometrics/template/template.ts';
import { confirmedMatch, ExhaustiveTenprintSearch } from './index.ts';

/** A template of 45 minutiae scattered at random: identical copies match, independent ones do not. */
function randomTemplate(seed: string): FingerprintTemplate {
  const rng = createRng(seed);
  const minutiae = Array.from({ length: 45 }, () => ({
    x: 30 + rng.uniform() * 260,
    y: 30 + rng.uniform() * 350,
    direction: rng.uniform() * 2 * Math.PI,
    type: rng.uniform() < 0.5 ? ('ending' as const) : ('bifurcation' as const),
    quality: 80,
  }));
  return { width: 320, height: 416, resolution: 500, quality: 80, minutiae };
}
const tenprint = (person: string, positions: number[]) => new Map(positions.map((p) => [p, randomTemplate(`${person}/${p}`)]));

describe('Exhaustive tenprint search', () => {
  it('identifies an enrolled person and fuses the scores of the fingers both sides have', async () => {
    const search = new ExhaustiveTenprintSearch();
    search.enroll('A', tenprint('a', [1, 2, 3]));
    search.enroll('B', tenprint('b', [1, 2, 3]));
    const result = await search.search(tenprint('a', [2, 3, 4]));
    expect(result.decision).toBe('match');
    expect(result.candidates[0]).toMatchObject({ subjectId: 'A', match: true });
    expect(result.candidates[0].fingers.map((f) => f.position)).toEqual([2, 3]);
    expect(result.candidates[0].fused).toBeCloseTo(result.candidates[0].fingers[0].score + result.candidates[0].fingers[1].score);
  });

  it('says no match for a person nobody enrolled', async () => {
    const search = new ExhaustiveTenprintSearch();
    search.enroll('A', tenprint('a', [1, 2]));
    const result = await search.search(tenprint('c', [1, 2]));
    expect(result.decision).toBe('no-match');
    expect(result.candidates.every((c) => !c.match)).toBe(true);
  });

  it('skips a candidate the caller cannot confirm, such as an enrolment whose transaction rolled back', async () => {
    const search = new ExhaustiveTenprintSearch();
    search.enroll('PHANTOM', tenprint('a', [1, 2]));
    search.enroll('REAL', tenprint('a', [1, 2]));
    const result = await search.search(tenprint('a', [1, 2]));
    expect(result.candidates.slice(0, 2).map((c) => c.subjectId).sort()).toEqual(['PHANTOM', 'REAL']);
    expect((await confirmedMatch(result, async (id) => id === 'REAL'))?.subjectId).toBe('REAL');
    expect(await confirmedMatch(result, async () => false)).toBeNull();
  });
});
