/**
 * Tracking codes: what a member of the public keeps to follow a complaint without an account.
 * 80 random bits (16 Crockford base-32 digits) drawn from an injected random source, plus one
 * Luhn mod 32 check digit, written `CRCL-XXXX-XXXX-XXXX-XXXX-C`. The check digit catches every
 * single mistyped character and nearly every swap of two neighbours before any lookup, so a
 * mistyped code is "malformed", not "unknown". Reading is forgiving: lower case, spaces, missing
 * hyphens, I/L for 1 and O for 0 are accepted.
 *
 * Guessing: with 2^80 codes, even a million filed complaints leave a one-in-10^18 chance per
 * guess. Production must pass operating-system randomness (`systemRandom()`); tests pass a
 * seeded generator.
 */
import type { RandomSource } from '../../platform/messaging/index.ts';
import { ComplaintError } from './errors.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
export const TRACKING_PREFIX = 'CRCL';
const RANDOM_DIGITS = 16;

/** Luhn mod N check digit over digit values (rightmost first gets factor 2). */
function checkDigit(values: readonly number[]): number {
  let factor = 2;
  let sum = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    let addend = factor * values[i];
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return (N - (sum % N)) % N;
}

function format(values: readonly number[]): string {
  const chars = values.map((v) => ALPHABET[v]).join('');
  return `${TRACKING_PREFIX}-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}-${chars.slice(16)}`;
}

/** A new tracking code from `random` (5 bits from each draw's top). */
export function newTrackingCode(random: RandomSource): string {
  const values: number[] = [];
  for (let i = 0; i < RANDOM_DIGITS; i++) values.push(random.nextUint32() >>> 27);
  values.push(checkDigit(values));
  return format(values);
}

/**
 * The canonical form of a code typed by a person, or ComplaintError('MALFORMED_TRACKING_CODE')
 * saying what is wrong. Never touches the database.
 */
export function parseTrackingCode(input: string): string {
  if (typeof input !== 'string' || input.length > 64) throw new ComplaintError('MALFORMED_TRACKING_CODE', 'a tracking code looks like CRCL-XXXX-XXXX-XXXX-XXXX-X');
  let s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith(TRACKING_PREFIX)) s = s.slice(TRACKING_PREFIX.length);
  s = s.replace(/[IL]/g, '1').replace(/O/g, '0');
  if (s.length !== RANDOM_DIGITS + 1) throw new ComplaintError('MALFORMED_TRACKING_CODE', `a tracking code has ${RANDOM_DIGITS + 1} characters after CRCL (got ${s.length}); it looks like CRCL-XXXX-XXXX-XXXX-XXXX-X`);
  const values = [...s].map((c) => ALPHABET.indexOf(c));
  const bad = values.indexOf(-1);
  if (bad >= 0) throw new ComplaintError('MALFORMED_TRACKING_CODE', `"${s[bad]}" cannot appear in a tracking code`);
  if (checkDigit(values.slice(0, RANDOM_DIGITS)) !== values[RANDOM_DIGITS]) throw new ComplaintError('MALFORMED_TRACKING_CODE', 'this tracking code has a typing mistake (its check character does not match); please check it');
  return format(values);
}
