import { BiometricError } from '../../errors.ts';
import { MAX_HUFFMAN_BITS, MAX_HUFFMAN_VALUES } from './constants.ts';

/** A Huffman table as carried in a DHT segment: code counts per length 1…16 and the values. */
export interface HuffmanSpec {
  /** bits[i] = number of codes of length i + 1 (16 entries). */
  readonly bits: Uint8Array;
  readonly values: Uint8Array;
}

/** Width of the direct lookup table used by the decoder. */
export const LOOKUP_BITS = 10;

/**
 * Decoding tables: a direct lookup on the next LOOKUP_BITS bits (entry = length << 8 | value,
 * 0 when the code is longer), plus canonical per-length limits for longer codes.
 */
export interface HuffmanDecoder {
  readonly lookup: Uint16Array;
  /** maxCode[len] = largest code of that length, or −1; index 1…16. */
  readonly maxCode: Int32Array;
  readonly minCode: Int32Array;
  readonly valPtr: Int32Array;
  readonly values: Uint8Array;
}

/** Builds the canonical code for a table, rejecting over-subscribed tables. */
export function buildDecoder(spec: HuffmanSpec, offset: number): HuffmanDecoder {
  const { bits, values } = spec;
  const lookup = new Uint16Array(1 << LOOKUP_BITS);
  const maxCode = new Int32Array(MAX_HUFFMAN_BITS + 2).fill(-1);
  const minCode = new Int32Array(MAX_HUFFMAN_BITS + 2);
  const valPtr = new Int32Array(MAX_HUFFMAN_BITS + 2);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= MAX_HUFFMAN_BITS; len++) {
    const count = bits[len - 1];
    if (count > 0) {
      valPtr[len] = k;
      minCode[len] = code;
      for (let i = 0; i < count; i++) {
        if (code >= 1 << len) throw new BiometricError('IMAGE_FORMAT', `WSQ Huffman table is over-subscribed at code length ${len}`, offset);
        if (len <= LOOKUP_BITS) {
          const shift = LOOKUP_BITS - len;
          const first = code << shift;
          const entry = (len << 8) | values[k];
          lookup.fill(entry, first, first + (1 << shift));
        }
        code++;
        k++;
      }
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  return { lookup, maxCode, minCode, valPtr, values };
}

/** Code lengths for each of 256 symbols from their frequencies (JPEG Annex K.2 procedure). */
function codeLengths(frequencies: ArrayLike<number>): Int32Array {
  const n = MAX_HUFFMAN_VALUES + 1;
  const freq = new Float64Array(n);
  for (let i = 0; i < MAX_HUFFMAN_VALUES; i++) freq[i] = frequencies[i] ?? 0;
  freq[MAX_HUFFMAN_VALUES] = 1; // reserved so that no code is all ones
  const size = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  while (true) {
    let v1 = -1;
    let v2 = -1;
    for (let i = 0; i < n; i++) {
      if (freq[i] <= 0) continue;
      if (v1 < 0 || freq[i] <= freq[v1]) {
        v2 = v1;
        v1 = i;
      } else if (v2 < 0 || freq[i] <= freq[v2]) {
        v2 = i;
      }
    }
    if (v2 < 0) break;
    freq[v1] += freq[v2];
    freq[v2] = 0;
    size[v1]++;
    while (next[v1] >= 0) {
      v1 = next[v1];
      size[v1]++;
    }
    next[v1] = v2;
    size[v2]++;
    while (next[v2] >= 0) {
      v2 = next[v2];
      size[v2]++;
    }
  }
  return size;
}

/** Builds an encoder table (bits/values plus per-symbol code and length) from symbol counts. */
export function buildEncoderTable(frequencies: ArrayLike<number>): { spec: HuffmanSpec; code: Uint32Array; length: Uint8Array } {
  const size = codeLengths(frequencies);
  const counts = new Int32Array(64);
  for (let i = 0; i <= MAX_HUFFMAN_VALUES; i++) if (size[i] > 0) counts[size[i]]++;
  // Limit code lengths to 16 bits.
  for (let i = 63; i > MAX_HUFFMAN_BITS; i--) {
    while (counts[i] > 0) {
      let j = i - 2;
      while (counts[j] === 0) j--;
      counts[i] -= 2;
      counts[i - 1]++;
      counts[j + 1] += 2;
      counts[j]--;
    }
  }
  // Drop the reserved code (it is one of the longest).
  let longest = MAX_HUFFMAN_BITS;
  while (longest > 0 && counts[longest] === 0) longest--;
  if (longest > 0) counts[longest]--;
  const values: number[] = [];
  for (let len = 1; len < 64; len++) for (let s = 0; s < MAX_HUFFMAN_VALUES; s++) if (size[s] === len) values.push(s);
  const bits = new Uint8Array(MAX_HUFFMAN_BITS);
  let total = 0;
  for (let len = 1; len <= MAX_HUFFMAN_BITS; len++) {
    bits[len - 1] = counts[len];
    total += counts[len];
  }
  if (total === 0) {
    // An empty block still gets a well-formed table: one code, for a run of one zero.
    bits[0] = 1;
    values.length = 0;
    values.push(1);
    total = 1;
  }
  const spec: HuffmanSpec = { bits, values: Uint8Array.from(values.slice(0, total)) };
  const code = new Uint32Array(MAX_HUFFMAN_VALUES);
  const length = new Uint8Array(MAX_HUFFMAN_VALUES);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= MAX_HUFFMAN_BITS; len++) {
    for (let i = 0; i < bits[len - 1]; i++) {
      const v = spec.values[k++];
      code[v] = c++;
      length[v] = len;
    }
    c <<= 1;
  }
  return { spec, code, length };
}
