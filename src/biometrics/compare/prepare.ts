/**
 * Enrolment-time preparation of a template for fast 1:1 comparison: coordinates normalised to
 * 500 ppi, neighbour edges (the local structure of each minutia), an edge hash table for finding
 * candidate minutia pairs, a spatial grid and a coarse foreground mask.
 *
 * Conventions inside: angles in radians in [0, 2π), measured counter-clockwise on the image
 * (as the template), so a vector (dx, dy) in pixels has angle atan2(-dy, dx).
 */
import { BiometricError } from '../errors.ts';
import type { FingerprintTemplate } from '../template/template.ts';

export const TWO_PI = 2 * Math.PI;

/** Tunable geometry, in pixels at 500 ppi and radians. One set for all databases. */
export const PREP: Record<string, number> = {
  /** Neighbours per minutia in its local structure. */
  neighbours: 6,
  /** Neighbours per minutia filed in the edge table (≤ neighbours; the probe side uses all). */
  tableNeighbours: 6,
  /** Edges shorter than this are ignored (their angle is unreliable). */
  minEdge: 12,
  /** Edges longer than this are ignored (distortion grows with length). */
  maxEdge: 180,
  /** Hash bin widths: twice the tolerance the hash lookup guarantees. */
  lengthBin: 16,
  angleBins: 12,
  gridCell: 32,
  maskCell: 16,
  /** How far around the minutiae convex hull counts as foreground. */
  maskMargin: 16,
};

export interface PreparedTemplate {
  readonly n: number;
  /** Minutiae at 500 ppi (image coordinates) and their directions in 1/256 turns. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly dirQ: Uint8Array;
  /** Number of neighbour edges (each once as a probe edge). */
  readonly edgeCount: number;
  /**
   * Edge table keyed by quantised (length, a, b) — a, b: the edge's angle relative to its start
   * and end minutia's directions: each edge is filed under the 8 keys within half a bin of its
   * values (so a probe edge looks up only its own key), sorted by key (CSR start per key).
   * Entries pack from << 24 | round(length) << 16 | a << 8 | b with angles in 1/256 turns.
   */
  readonly keyStart: Uint16Array;
  readonly entryDesc: Int32Array;
  /**
   * As a probe: every edge once (same packing) with its own key, sorted by key, so that the
   * lookups walk the candidate's table in memory order.
   */
  readonly probeKey: Uint16Array;
  readonly probeDesc: Int32Array;
  /** For each minutia, all minutiae ordered by distance from it (n × n, itself first). */
  readonly order: Uint8Array;
  /** Spatial grid over the minutiae (CSR). */
  readonly gridX0: number;
  readonly gridY0: number;
  readonly gridW: number;
  readonly gridH: number;
  readonly gridStart: Uint16Array;
  readonly gridItems: Uint8Array;
  /** Foreground mask (dilated convex hull of the minutiae), maskCell pixels per cell. */
  readonly maskX0: number;
  readonly maskY0: number;
  readonly maskW: number;
  readonly maskH: number;
  readonly mask: Uint8Array;
}

export function normAngle(a: number): number {
  a %= TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}

const ANGLE_BIN = TWO_PI / PREP.angleBins;
const LENGTH_BINS = Math.floor(PREP.maxEdge / PREP.lengthBin) + 1;
const KEYS = LENGTH_BINS * PREP.angleBins * PREP.angleBins;

function edgeKey(lb: number, ab: number, bb: number): number {
  return (lb * PREP.angleBins + ab) * PREP.angleBins + bb;
}

/** Prepares a template once (like enrolment); the result is immutable and reusable. */
export function prepareTemplate(t: FingerprintTemplate): PreparedTemplate {
  if (!t || !Array.isArray(t.minutiae)) throw new BiometricError('INVALID_ARGUMENT', 'prepareTemplate: not a template');
  if (!(t.resolution > 0) || !Number.isFinite(t.resolution)) throw new BiometricError('INVALID_ARGUMENT', 'prepareTemplate: resolution must be positive');
  const scale = 500 / t.resolution;
  // Drop non-finite and exact duplicate minutiae; cap the count.
  // At most 255 (the record formats' limit; edge entries keep the index in 8 bits).
  const src = t.minutiae.filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y) && Number.isFinite(m.direction)).slice(0, 255);
  const n = src.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const dir = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = src[i];
    x[i] = m.x * scale;
    y[i] = m.y * scale;
    dir[i] = normAngle(m.direction);
  }

  // Distance order per minutia.
  const order = new Uint8Array(n * n);
  const d2 = new Float64Array(n);
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = x[j] - x[i];
      const dy = y[j] - y[i];
      d2[j] = dx * dx + dy * dy;
      idx[j] = j;
    }
    d2[i] = -1;
    idx.sort((a, b) => d2[a] - d2[b] || a - b);
    for (let j = 0; j < n; j++) order[i * n + j] = idx[j];
  }

  // Neighbour edges: the K nearest within [minEdge, maxEdge].
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const ea: number[] = [];
  const eb: number[] = [];
  const rank: number[] = [];
  for (let i = 0; i < n; i++) {
    let taken = 0;
    for (let r = 1; r < n && taken < PREP.neighbours; r++) {
      const j = order[i * n + r];
      const dx = x[j] - x[i];
      const dy = y[j] - y[i];
      const l = Math.sqrt(dx * dx + dy * dy);
      if (l < PREP.minEdge) continue;
      if (l > PREP.maxEdge) break;
      const theta = Math.atan2(-dy, dx);
      from.push(i);
      to.push(j);
      len.push(l);
      ea.push(normAngle(theta - dir[i]));
      eb.push(normAngle(theta - dir[j]));
      rank.push(taken);
      taken++;
    }
  }
  const edgeCount = from.length;
  const q = (v: number): number => Math.round((v / TWO_PI) * 256) & 255;
  const dirQ = new Uint8Array(n);
  for (let i = 0; i < n; i++) dirQ[i] = q(dir[i]);
  const desc = new Int32Array(edgeCount);
  const ownKey = new Int32Array(edgeCount);
  const fileKeys = new Int32Array(edgeCount * 8).fill(-1);
  const keyCount = new Int32Array(KEYS + 1);
  for (let e = 0; e < edgeCount; e++) {
    const a = ea[e];
    const b = eb[e];
    desc[e] = (from[e] << 24) | (Math.min(255, Math.round(len[e])) << 16) | (q(a) << 8) | q(b);
    const lf = len[e] / PREP.lengthBin;
    const af = a / ANGLE_BIN;
    const bf = b / ANGLE_BIN;
    const l0 = Math.floor(lf);
    const a0 = Math.floor(af) % PREP.angleBins;
    const b0 = Math.floor(bf) % PREP.angleBins;
    ownKey[e] = edgeKey(l0, a0, b0);
    const l1 = lf - l0 < 0.5 ? l0 - 1 : l0 + 1;
    const a1 = (af - Math.floor(af) < 0.5 ? a0 - 1 + PREP.angleBins : a0 + 1) % PREP.angleBins;
    const b1 = (bf - Math.floor(bf) < 0.5 ? b0 - 1 + PREP.angleBins : b0 + 1) % PREP.angleBins;
    let k = 0;
    for (const l of [l0, l1]) {
      for (const aa of [a0, a1]) {
        for (const bb of [b0, b1]) {
          if (l >= 0 && l < LENGTH_BINS && rank[e] < PREP.tableNeighbours) {
            const key = edgeKey(l, aa, bb);
            fileKeys[e * 8 + k] = key;
            keyCount[key + 1]++;
          }
          k++;
        }
      }
    }
  }
  // Probe edges in key order.
  const byKey = Array.from({ length: edgeCount }, (_, e) => e).sort((u, v) => ownKey[u] - ownKey[v] || u - v);
  const probeKey = Uint16Array.from(byKey, (e) => ownKey[e]);
  const probeDesc = Int32Array.from(byKey, (e) => desc[e]);
  // At most 255 minutiae × 6 neighbours × 8 keys < 65,536 entries.
  const keyStart = new Uint16Array(KEYS + 1);
  for (let k = 0; k < KEYS; k++) keyStart[k + 1] = keyStart[k] + keyCount[k + 1];
  const fill = keyStart.slice(0, KEYS);
  const entryDesc = new Int32Array(keyStart[KEYS]);
  for (let e = 0; e < edgeCount; e++) {
    for (let k = 0; k < 8; k++) {
      const key = fileKeys[e * 8 + k];
      if (key >= 0) entryDesc[fill[key]++] = desc[e];
    }
  }

  // Spatial grid.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i]);
    minY = Math.min(minY, y[i]);
    maxX = Math.max(maxX, x[i]);
    maxY = Math.max(maxY, y[i]);
  }
  if (n === 0) minX = minY = maxX = maxY = 0;
  const gc = PREP.gridCell;
  const gridX0 = minX;
  const gridY0 = minY;
  const gridW = Math.floor((maxX - minX) / gc) + 1;
  const gridH = Math.floor((maxY - minY) / gc) + 1;
  const gridStart = new Uint16Array(gridW * gridH + 1);
  const cellOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    cellOf[i] = Math.floor((y[i] - gridY0) / gc) * gridW + Math.floor((x[i] - gridX0) / gc);
    gridStart[cellOf[i] + 1]++;
  }
  for (let c = 0; c < gridW * gridH; c++) gridStart[c + 1] += gridStart[c];
  const gridItems = new Uint8Array(n);
  const gfill = gridStart.slice(0, gridW * gridH);
  for (let i = 0; i < n; i++) gridItems[gfill[cellOf[i]]++] = i;

  // Foreground mask: cells whose centre is inside the convex hull grown by maskMargin.
  const hull = convexHull(x, y);
  const mc = PREP.maskCell;
  const margin = PREP.maskMargin;
  const maskX0 = minX - margin;
  const maskY0 = minY - margin;
  const maskW = Math.max(1, Math.ceil((maxX - minX + 2 * margin) / mc));
  const maskH = Math.max(1, Math.ceil((maxY - minY + 2 * margin) / mc));
  const mask = new Uint8Array(maskW * maskH);
  for (let cy = 0; cy < maskH; cy++) {
    for (let cx = 0; cx < maskW; cx++) {
      const px = maskX0 + (cx + 0.5) * mc;
      const py = maskY0 + (cy + 0.5) * mc;
      if (hullDistance(hull, px, py) <= margin) mask[cy * maskW + cx] = 1;
    }
  }

  return {
    n,
    x,
    y,
    dirQ,
    edgeCount,
    keyStart,
    entryDesc,
    probeKey,
    probeDesc,
    order,
    gridX0,
    gridY0,
    gridW,
    gridH,
    gridStart,
    gridItems,
    maskX0,
    maskY0,
    maskW,
    maskH,
    mask,
  };
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in (x, y) coordinates. */
function convexHull(x: Float32Array, y: Float32Array): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < x.length; i++) pts.push([x[i], y[i]]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** 0 inside the hull, else the distance to it. */
function hullDistance(hull: Array<[number, number]>, px: number, py: number): number {
  const h = hull.length;
  if (h === 0) return Infinity;
  if (h === 1) return Math.hypot(px - hull[0][0], py - hull[0][1]);
  let inside = h >= 3;
  let best = Infinity;
  for (let i = 0; i < h; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % h];
    const ex = bx - ax;
    const ey = by - ay;
    if (ex * (py - ay) - ey * (px - ax) < 0) inside = false;
    const l2 = ex * ex + ey * ey;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * ex + (py - ay) * ey) / l2)) : 0;
    best = Math.min(best, Math.hypot(px - ax - t * ex, py - ay - t * ey));
  }
  return inside ? 0 : best;
}
