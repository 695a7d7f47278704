import { randomFillSync } from 'node:crypto';
import type { Clock } from '../clock/index.ts';

/** A source of uniform 32-bit integers; `createRng` (src/biometrics/synth/random.ts) is one. */
export interface RandomSource {
  nextUint32(): number;
}

export type IdGenerator = () => string;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Operating-system randomness, for production ids; tests pass a seeded generator instead. */
export function systemRandom(): RandomSource {
  const buffer = new Uint32Array(64);
  let next = buffer.length;
  return {
    nextUint32() {
      if (next === buffer.length) {
        randomFillSync(buffer);
        next = 0;
      }
      return buffer[next++];
    },
  };
}

/**
 * ULID-like ids: 10 characters of millisecond time then 16 of randomness (Crockford base 32,
 * 26 characters), so ids sort by creation time. Within one millisecond the random part is
 * incremented, so ids from one generator are strictly increasing.
 */
export function createIdGenerator(clock: Clock, random: RandomSource): IdGenerator {
  let lastTime = -1;
  // 80 random bits as 16 five-bit digits, most significant first.
  const digits = new Array<number>(16).fill(0);
  return () => {
    const t = clock.now();
    if (!Number.isSafeInteger(t) || t < 0 || t >= 2 ** 48) throw new RangeError(`id time ${t} is out of range`);
    if (t === lastTime) {
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === 31) digits[i--] = 0;
      if (i < 0) throw new RangeError('id generator exhausted 2^80 ids in one millisecond');
      digits[i]++;
    } else {
      lastTime = t;
      for (let i = 0; i < digits.length; i += 4) {
        const r = random.nextUint32();
        // Four 5-bit digits per draw (20 of its 32 bits), the top one kept below 16 so that
        // increments have room before overflowing.
        digits[i] = (r >>> 15) & 15;
        digits[i + 1] = (r >>> 10) & 31;
        digits[i + 2] = (r >>> 5) & 31;
        digits[i + 3] = r & 31;
      }
    }
    let time = '';
    let rest = t;
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[rest % 32] + time;
      rest = Math.floor(rest / 32);
    }
    let tail = '';
    for (const d of digits) tail += CROCKFORD[d];
    return time + tail;
  };
}
