import { BiometricError } from '../errors.ts';

/**
 * Seeded, reproducible randomness for the synthetic-fingerprint generator.
 *
 * The generator is sfc32 (Small Fast Counting, 128-bit state), seeded through splitmix32 from a
 * 64-bit hash of a textual seed key (two independent 32-bit hashes). A 32-bit hash is not enough:
 * a million ten-finger identities are ten million keys, and among 2^32 values about eleven
 * thousand of them would collide and give two "different" fingers the same master.
 *
 * Every stream remembers its key; `fork(label)` derives a new, independent stream from
 * `key + '/' + label` — never from the current state — so that e.g. finger k of identity n
 * comes out the same whatever was generated before it.
 */

export type Seed = string | number;

/** murmur3's finaliser: every input bit affects every output bit. */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units, finished with a murmur3-style avalanche. */
export function hashSeed(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/**
 * A second, independent 32-bit hash of the key: a murmur3-style mix per code unit with its own
 * seed and constants, so that two keys colliding under `hashSeed` almost never collide here.
 */
export function hashSeedHigh(key: string): number {
  let h = 0x3c6ef372 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    let k = Math.imul(key.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return avalanche(h);
}

/** One step of splitmix32: returns [output, next state]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [z >>> 0, next];
}

function seedKey(seed: Seed): string {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new BiometricError('INVALID_ARGUMENT', `seed ${seed} is not a finite number`);
    return `#${seed}`;
  }
  if (typeof seed !== 'string') throw new BiometricError('INVALID_ARGUMENT', 'seed must be a string or a number');
  return seed;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Use `createRng`; the key is the stream's identity for `fork`. */
  constructor(readonly key: string) {
    // 64 bits of seed: the low hash fills a and c, the high hash b and d.
    let lo = hashSeed(key);
    let hi = hashSeedHigh(key);
    let out: number;
    [out, lo] = splitmix32(lo);
    this.a = out;
    [out, hi] = splitmix32(hi);
    this.b = out;
    [out, lo] = splitmix32(lo);
    this.c = out;
    [out, hi] = splitmix32(hi);
    this.d = out;
    // Warm up so weak seeds do not show in the first outputs.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Integer uniform in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new BiometricError('INVALID_ARGUMENT', `int(${lo}, ${hi}) needs integer bounds with lo ≤ hi`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new BiometricError('INVALID_ARGUMENT', 'pick() from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** An element chosen with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    if (items.length === 0 || items.length !== weights.length) {
      throw new BiometricError('INVALID_ARGUMENT', 'weighted() needs one non-negative weight per item');
    }
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new BiometricError('INVALID_ARGUMENT', `weight ${w} is not a finite non-negative number`);
      total += w;
    }
    if (total <= 0) throw new BiometricError('INVALID_ARGUMENT', 'weights sum to zero');
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** An independent stream derived from this stream's key and `label` (not from its state). */
  fork(label: string | number): Rng {
    return new Rng(`${this.key}/${label}`);
  }
}

/** A stream for a seed; numbers and strings are distinct seeds (`1` ≠ `'1'`). */
export function createRng(seed: Seed): Rng {
  return new Rng(seedKey(seed));
}

/** Accepts a seed or an existing stream. */
export function toRng(seedOrRng: Seed | Rng): Rng {
  return seedOrRng instanceof Rng ? seedOrRng : createRng(seedOrRng);
}
