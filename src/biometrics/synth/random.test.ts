import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { createRng, hashSeed, hashSeedHigh, toRng } from './random.ts';

const draw = (seed: string | number, n = 8): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.nextUint32());
};

describe('seeded random streams', () => {
  it('give the same sequence for the same seed', () => {
    expect(draw('alice')).toEqual(draw('alice'));
    expect(draw(42)).toEqual(draw(42));
  });

  it('give different sequences for different seeds, and treat 1 and "1" as different seeds', () => {
    expect(draw('alice')).not.toEqual(draw('alicf'));
    expect(draw(1)).not.toEqual(draw('1'));
  });

  it('fork by label independently of how much the parent has consumed', () => {
    const a = createRng('id');
    const b = createRng('id');
    for (let i = 0; i < 100; i++) b.next();
    expect(a.fork('finger-3').next()).toBe(b.fork('finger-3').next());
    expect(a.fork('finger-3').next()).not.toBe(a.fork('finger-4').next());
  });

  it('produce uniform and normal values with the right range and moments', () => {
    const rng = createRng('moments');
    let sum = 0;
    let sumSq = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform(2, 5);
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = rng.normal(1, 2);
      sum += z;
      sumSq += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(2);
    expect(hi).toBeLessThan(5);
    const mean = sum / n;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('draw integers inclusively and pick every element eventually', () => {
    const rng = createRng('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    const picked = new Set<string>();
    for (let i = 0; i < 200; i++) picked.add(rng.pick(['a', 'b', 'c']));
    expect(picked.size).toBe(3);
  });

  it('reject bad arguments with INVALID_ARGUMENT', () => {
    const rng = createRng('bad');
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof BiometricError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => rng.int(5, 2))).toBe('INVALID_ARGUMENT');
    expect(code(() => rng.pick([]))).toBe('INVALID_ARGUMENT');
    expect(code(() => rng.weighted(['a'], [-1]))).toBe('INVALID_ARGUMENT');
    expect(code(() => createRng(Number.NaN))).toBe('INVALID_ARGUMENT');
  });

  it('accept an existing stream where a seed is expected', () => {
    const rng = createRng('x');
    expect(toRng(rng)).toBe(rng);
  });

  it('seed from 64 bits, so keys whose 32-bit hashes collide still give different streams', () => {
    // 400,000 finger keys: a 32-bit hash alone is expected to collide about 19 times here.
    const low = new Map<number, string>();
    const both = new Set<string>();
    let lowCollision: [string, string] | undefined;
    for (let n = 0; n < 40_000; n++) {
      for (let f = 1; f <= 10; f++) {
        const key = `population/identity-${n}/finger-${f}`;
        const h = hashSeed(key);
        const seen = low.get(h);
        if (seen !== undefined) lowCollision ??= [seen, key];
        else low.set(h, key);
        both.add(`${h}:${hashSeedHigh(key)}`);
      }
    }
    expect(lowCollision).toBeDefined();
    expect(both.size).toBe(400_000);
    const [a, b] = lowCollision!;
    expect(draw(a)).not.toEqual(draw(b));
  });
});
