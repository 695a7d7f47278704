/**
 * Per-finger representations used by the gallery:
 *
 * - the *packed* minutiae: one 32-bit word per minutia, x (11 bits) | y (11 bits) | direction
 *   (8 bits, 256ths of a turn) | type (2 bits), coordinates in whole pixels at 500 ppi. This is
 *   what stage 2 turns back into a template for the 1:1 comparator (which uses neither minutia
 *   quality nor sub-pixel positions).
 * - the *filter code*: a fixed-length bit string (FILTER_BITS bits) for the fast first stage.
 *   Every minutia and each of its nearest neighbours form an edge described by its length and
 *   the two angles the edge makes with the minutiae's directions — invariant to rotation and
 *   translation. The quantised (length, angle, angle) triple is hashed to one bit. Two
 *   impressions of a finger share many edges, hence many bits; the number of common bits
 *   beyond what two random codes of the same densities share is the filter's evidence.
 */
import type { FingerprintTemplate, Minutia, MinutiaType } from '../template/template.ts';
import { SearchError } from './errors.ts';

export const MAX_MINUTIAE_PER_FINGER = 127;
export const FILTER_BITS = 1024;
export const FILTER_WORDS = FILTER_BITS / 32;

/** Filter geometry (px at 500 ppi, angle bins per turn). */
export const FILTER = {
  /** Edges from each minutia to its nearest neighbours (60: in practice every pair in range). */
  neighbours: 60,
  minEdge: 14,
  maxEdge: 160,
  lengthBin: 14,
  /** Bins per turn of the edge angle relative to the first minutia's direction. */
  angleBins: 16,
  /** Bins per turn of the second minutia's direction relative to the first's. */
  relativeBins: 12,
} as const;

const TWO_PI = 2 * Math.PI;
const TYPES: MinutiaType[] = ['other', 'ending', 'bifurcation'];
const CODES: Record<MinutiaType, number> = { other: 0, ending: 1, bifurcation: 2 };

/** A finger template normalised for the gallery: packed minutiae at 500 ppi. */
export interface PackedFinger {
  readonly width: number;
  readonly height: number;
  readonly quality: number;
  readonly minutiae: Uint32Array;
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Validates a template and packs it: coordinates scaled to 500 ppi; when there are more than
 * MAX_MINUTIAE_PER_FINGER minutiae the highest-quality ones are kept. Minutiae outside the
 * 0–2047 px range are refused (no real finger is 4 inches wide).
 */
export function packFinger(t: FingerprintTemplate, label = 'finger'): PackedFinger {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.minutiae)) throw new SearchError('TEMPLATE', `${label}: not a fingerprint template`);
  if (!finite(t.resolution) || t.resolution <= 0) throw new SearchError('TEMPLATE', `${label}: resolution must be a positive number`);
  if (!finite(t.width) || !finite(t.height) || t.width < 0 || t.height < 0) throw new SearchError('TEMPLATE', `${label}: width and height must be non-negative numbers`);
  const scale = 500 / t.resolution;
  let list: readonly Minutia[] = t.minutiae;
  if (list.length > MAX_MINUTIAE_PER_FINGER) {
    list = [...list].sort((a, b) => b.quality - a.quality).slice(0, MAX_MINUTIAE_PER_FINGER);
  }
  const out = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!m || !finite(m.x) || !finite(m.y) || !finite(m.direction)) throw new SearchError('TEMPLATE', `${label}: minutia ${i} has a non-numeric position or direction`);
    const x = Math.round(m.x * scale);
    const y = Math.round(m.y * scale);
    if (x < 0 || y < 0 || x > 2047 || y > 2047) throw new SearchError('TEMPLATE', `${label}: minutia ${i} at (${m.x}, ${m.y}) is outside 0–2047 px at 500 ppi`);
    let d = Math.round((m.direction / TWO_PI) * 256) % 256;
    if (d < 0) d += 256;
    out[i] = ((x << 21) | (y << 10) | (d << 2) | (CODES[m.type] ?? 0)) >>> 0;
  }
  return {
    width: Math.min(65535, Math.round(t.width * scale)),
    height: Math.min(65535, Math.round(t.height * scale)),
    quality: finite(t.quality) ? Math.max(0, Math.min(100, Math.round(t.quality))) : 0,
    minutiae: out,
  };
}

export function unpackMinutia(w: number): Minutia {
  return { x: w >>> 21, y: (w >>> 10) & 0x7ff, direction: (((w >>> 2) & 0xff) / 256) * TWO_PI, type: TYPES[w & 3] ?? 'other', quality: 50 };
}

/** Packed minutiae back to a template (500 ppi) for the comparator. */
export function unpackFinger(words: Uint32Array, offset: number, count: number, width: number, height: number, quality: number): FingerprintTemplate {
  const minutiae: Minutia[] = new Array(count);
  let w = width;
  let h = height;
  for (let i = 0; i < count; i++) {
    const m = unpackMinutia(words[offset + i]);
    minutiae[i] = m;
    if (m.x >= w) w = m.x + 1;
    if (m.y >= h) h = m.y + 1;
  }
  return { width: w, height: h, resolution: 500, quality, minutiae };
}

function edgeKey(i: number, j: number, len: number): number {
  const phi = Math.atan2(-(sy[j] - sy[i]), sx[j] - sx[i]);
  let a = (phi - sd[i]) / TWO_PI;
  a -= Math.floor(a);
  let b = (sd[j] - sd[i]) / TWO_PI;
  b -= Math.floor(b);
  const lb = Math.floor((len - FILTER.minEdge) / FILTER.lengthBin);
  const ab = Math.floor(a * FILTER.angleBins) % FILTER.angleBins;
  const bb = Math.floor(b * FILTER.relativeBins) % FILTER.relativeBins;
  return (lb * FILTER.angleBins + ab) * FILTER.relativeBins + bb;
}

function hash32(k: number): number {
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

// Scratch for the filter code (max minutiae fixed, so no allocation per finger).
const sx = new Float64Array(MAX_MINUTIAE_PER_FINGER);
const sy = new Float64Array(MAX_MINUTIAE_PER_FINGER);
const sd = new Float64Array(MAX_MINUTIAE_PER_FINGER);
const nearD = new Float64Array(FILTER.neighbours);
const nearJ = new Int32Array(FILTER.neighbours);

/**
 * Writes the filter code of packed minutiae into out[offset … offset + FILTER_WORDS) and returns
 * its number of set bits. Deterministic; ~10–20 µs for 40 minutiae.
 */
export function filterCode(words: Uint32Array, start: number, count: number, out: Uint32Array, offset: number): number {
  for (let k = 0; k < FILTER_WORDS; k++) out[offset + k] = 0;
  const n = Math.min(count, MAX_MINUTIAE_PER_FINGER);
  for (let i = 0; i < n; i++) {
    const w = words[start + i];
    sx[i] = w >>> 21;
    sy[i] = (w >>> 10) & 0x7ff;
    sd[i] = (((w >>> 2) & 0xff) / 256) * TWO_PI;
  }
  const K = FILTER.neighbours;
  const min2 = FILTER.minEdge * FILTER.minEdge;
  const max2 = FILTER.maxEdge * FILTER.maxEdge;
  for (let i = 0; i < n; i++) {
    let found = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = sx[j] - sx[i];
      const dy = sy[j] - sy[i];
      const d2 = dx * dx + dy * dy;
      if (d2 < min2 || d2 > max2) continue;
      if (found < K) {
        let p = found++;
        while (p > 0 && nearD[p - 1] > d2) {
          nearD[p] = nearD[p - 1];
          nearJ[p] = nearJ[p - 1];
          p--;
        }
        nearD[p] = d2;
        nearJ[p] = j;
      } else if (d2 < nearD[K - 1]) {
        let p = K - 1;
        while (p > 0 && nearD[p - 1] > d2) {
          nearD[p] = nearD[p - 1];
          nearJ[p] = nearJ[p - 1];
          p--;
        }
        nearD[p] = d2;
        nearJ[p] = j;
      }
    }
    for (let q = 0; q < found; q++) {
      const bit = hash32(edgeKey(i, nearJ[q], Math.sqrt(nearD[q]))) % FILTER_BITS;
      out[offset + (bit >>> 5)] |= 1 << (bit & 31);
    }
  }
  let c = 0;
  for (let k = 0; k < FILTER_WORDS; k++) c += popcount32(out[offset + k]);
  return c;
}
