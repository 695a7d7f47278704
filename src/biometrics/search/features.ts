/**
 * Per-finger representations used by the gallery:
 *
 * - the *packed* minutiae: one 32-bit word per minutia, x (11 bits) | y (11 bits) | direction
 *   (8 bits, 256ths of a turn) | type (2 bits), coordinates in whole pixels at 500 ppi. This is
 *   what stage 2 turns back into a template for the 1:1 comparator (which uses neither minutia
 *   quality nor sub-pixel positions).
 * - the *filter code*: a fixed-length bit string (FILTER_BITS bits) for the fast first stage.
 *   Every ordered pair of minutiae 14–160 px apart forms an edge described by its length and
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

/** atan2 to within ~1e-5 rad (a minimax polynomial): the filter's bins are 22.5° wide. */
function fastAtan2(y: number, x: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const mx = Math.max(ax, ay);
  if (mx === 0) return 0;
  const q = Math.min(ax, ay) / mx;
  const q2 = q * q;
  let r = ((((0.0208351 * q2 - 0.085133) * q2 + 0.180141) * q2 - 0.3302995) * q2 + 0.999866) * q;
  if (ay > ax) r = Math.PI / 2 - r;
  if (x < 0) r = Math.PI - r;
  return y < 0 ? -r : r;
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
  const min2 = FILTER.minEdge * FILTER.minEdge;
  const max2 = FILTER.maxEdge * FILTER.maxEdge;
  const aBins = FILTER.angleBins;
  const bBins = FILTER.relativeBins;
  const invLen = 1 / FILTER.lengthBin;
  for (let i = 0; i < n; i++) {
    const xi = sx[i];
    const yi = sy[i];
    const di = sd[i];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = sx[j] - xi;
      const dy = sy[j] - yi;
      const d2 = dx * dx + dy * dy;
      if (d2 < min2 || d2 > max2) continue;
      let a = (fastAtan2(-dy, dx) - di) / TWO_PI;
      a -= Math.floor(a);
      let b = (sd[j] - di) / TWO_PI;
      b -= Math.floor(b);
      const lb = Math.floor((Math.sqrt(d2) - FILTER.minEdge) * invLen);
      const key = (lb * aBins + (Math.floor(a * aBins) % aBins)) * bBins + (Math.floor(b * bBins) % bBins);
      const bit = hash32(key) & (FILTER_BITS - 1);
      out[offset + (bit >>> 5)] |= 1 << (bit & 31);
    }
  }
  let c = 0;
  for (let k = 0; k < FILTER_WORDS; k++) c += popcount32(out[offset + k]);
  return c;
}
