/**
 * Test helper: byte mutations for fuzzing decoders and loaders with fast-check, and the
 * property every one of them must hold — on any mutated copy of a real (or synthetic) input it
 * returns or throws one of its own typed errors; never a TypeError, RangeError or other internal
 * error, never more than a time cap per input, never an absurd allocation.
 *
 * Sized for CI: each target's `runs` is multiplied by SECCOM_FUZZ_RUNS (default 1); the
 * fast-check seed is fixed unless SECCOM_FUZZ_SEED is set, so a failure reproduces.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; from: number; count: number; donor: number }
  | { kind: 'repeat'; at: number; count: number; times: number };

/** Bytes that are special in the formats read here: 0, 0xFF, '9' (a digit making numbers huge), separators, quotes, braces, commas, newlines. */
const SPECIAL = [0x00, 0xff, 0x39, 0x1c, 0x1d, 0x1e, 0x1f, 0x3a, 0x2e, 0x2c, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x0a, 0x2d, 0x65, 0x80, 0x7f];

const byte = fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 }));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: byte }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.array(byte, { minLength: 1, maxLength: 8 }), fc.constantFrom<number[]>([0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39, 0x39], [0x31, 0x65, 0x33, 0x30, 0x38], [0x2d, 0x31], [0x4e, 0x61, 0x4e])) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), from: fc.nat(), count: fc.integer({ min: 1, max: 256 }), donor: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 32 }), times: fc.integer({ min: 2, max: 64 }) }),
);

/** Where a mutation lands: half the time in the first 256 bytes (headers, lengths), else anywhere. */
function position(at: number, length: number, head: boolean): number {
  const span = head ? Math.min(length, 256) : length;
  return span === 0 ? 0 : at % (span + 1);
}

/** Applies `mutations` to a copy of `seed`; `donors` are the other seeds (for splices). */
export function applyMutations(seed: Uint8Array, mutations: readonly Mutation[], head: boolean, donors: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = seed.slice();
  for (const m of mutations) {
    const at = position(m.at, b.length, head);
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[Math.min(at, b.length - 1)] ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length > 0) b[Math.min(at, b.length - 1)] = m.value;
        break;
      case 'insert':
        b = concat(b.subarray(0, at), Uint8Array.from(m.bytes), b.subarray(at));
        break;
      case 'delete':
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + m.count)));
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'splice': {
        const donor = donors.length > 0 ? donors[m.donor % donors.length] : b;
        const from = donor.length === 0 ? 0 : m.from % donor.length;
        b = concat(b.subarray(0, at), donor.subarray(from, from + m.count), b.subarray(Math.min(b.length, at + m.count)));
        break;
      }
      case 'repeat': {
        const chunk = b.subarray(at, at + m.count);
        b = concat(b.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), b.subarray(at + chunk.length));
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

export const FUZZ_SCALE = Math.max(0, Number(process.env.SECCOM_FUZZ_RUNS ?? 1) || 1);
const SEED = process.env.SECCOM_FUZZ_SEED === undefined ? 20261204 : Number(process.env.SECCOM_FUZZ_SEED);

export interface FuzzTarget<T> {
  /** Valid inputs (real files where available, synthetic ones always). */
  seeds: readonly Uint8Array[];
  /** The decoder or loader under test. */
  decode: (bytes: Uint8Array) => T;
  /** Whether an error is one of this decoder's typed errors. */
  typed: (error: unknown) => boolean;
  /** Checks on a successful result (sizes within bounds …). */
  check?: (result: T, input: Uint8Array) => void;
  /** Runs at SECCOM_FUZZ_RUNS=1. */
  runs: number;
  /** Longest one input may take. */
  maxMs?: number;
}

/** Heap and buffer memory one input may leave allocated (a decoder that trusts a length field allocates gigabytes). */
const MAX_GROWTH = 512 * 1024 * 1024;

/** Asserts the fuzz property over mutated copies of the seeds. */
export function fuzz<T>(target: FuzzTarget<T>): void {
  const { seeds, decode, typed, check, runs, maxMs = 2000 } = target;
  expect(seeds.length, 'at least one seed').toBeGreaterThan(0);
  const one = (bytes: Uint8Array): boolean => {
    const before = process.memoryUsage();
    const started = performance.now();
    let result: T;
    try {
      result = decode(bytes);
    } catch (error) {
      if (!typed(error)) throw error;
      return false;
    } finally {
      const ms = performance.now() - started;
      const after = process.memoryUsage();
      expect(ms, `one input of ${bytes.length} bytes took ${ms.toFixed(0)} ms`).toBeLessThan(maxMs);
      expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(MAX_GROWTH);
    }
    check?.(result, bytes);
    return true;
  };
  // The seeds are valid inputs, so the mutations start from something the decoder accepts.
  expect(seeds.map((s) => one(s)), 'every seed decodes').not.toContain(false);
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (which, mutations, head) => {
      one(applyMutations(seeds[which % seeds.length], mutations, head, seeds));
    }),
    { numRuns: Math.max(1, Math.round(runs * FUZZ_SCALE)), seed: SEED },
  );
}

