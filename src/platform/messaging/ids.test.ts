import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { ManualClock } from '../clock/index.ts';
import { createIdGenerator, systemRandom } from './ids.ts';

describe('createIdGenerator', () => {
  it('makes 26-character ids that sort in creation order, also within one millisecond', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const next = createIdGenerator(clock, createRng('ids'));
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) clock.advance(1);
      ids.push(next());
    }
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('repeats its ids for the same seed and clock, and differs for another seed', () => {
    const a = createIdGenerator(new ManualClock(5), createRng('s'));
    const b = createIdGenerator(new ManualClock(5), createRng('s'));
    const c = createIdGenerator(new ManualClock(5), createRng('t'));
    const first = a();
    expect(b()).toBe(first);
    expect(c()).not.toBe(first);
  });

  it('works with operating-system randomness', () => {
    const next = createIdGenerator(new ManualClock(0), systemRandom());
    expect(next()).not.toBe(next());
  });
});
