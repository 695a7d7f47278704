/**
 * The 1:1 comparison core. Stages, all on prepared templates, with module-level scratch buffers
 * (no allocation in the hot path once the buffers have grown to the largest templates seen):
 *
 * 1. Candidate pairs: every probe neighbour edge is looked up in the candidate's edge hash, in
 *    each direction mode (see below); edges agreeing in length and in both relative angles vote
 *    for the pair of their start minutiae (a hash-accelerated comparison of local structures),
 *    and for the rotation they imply (a rotation histogram per mode).
 * 2. Roots per mode: the most-voted pairs near the (prior-weighted) histogram peak, then the
 *    most-voted others; a quick pairing of each root's nearest minutiae keeps the best few.
 * 3. Consolidation per root: align the probe on the root pair (rotation from the edges that
 *    voted for it), then pair minutiae outward from the root in order of distance, with a
 *    position tolerance that grows with the distance from the root (elastic distortion) and an
 *    angle tolerance. The root with the best weighted pair count wins; its alignment is refined
 *    by least squares on its pairs and pairing is repeated once.
 * 4. Overlap: how many minutiae of each template fall in the other's foreground after alignment.
 */
import type { PreparedTemplate } from './prepare.ts';
import { TWO_PI } from './prepare.ts';

export const MATCH: Record<string, number> = {
  /** Edge agreement: length in pixels, angles in 1/256 turns (10 ≈ 14°). */
  edgeLengthTol: 8,
  edgeAngleTol: 10,
  /** Below this many agreeing edges for the best pair the templates do not match (early exit). */
  minRootVotes: 2,
  /** Roots per mode among the remaining pairs (by votes). */
  roots: 2,
  /** Position tolerance: base + slope × distance from the root, capped. */
  posTolBase: 10,
  posTolSlope: 0.1,
  posTolMax: 30,
  angleTol: Math.PI / 7,
  /** Pair tolerance after the least-squares refinement. */
  refinedTolBase: 12,
  refinedTolSlope: 0.06,
  /** Roots per mode among pairs whose rotation agrees with the mode's dominant rotation. */
  peakRoots: 4,
  /** Half-width of the dominant-rotation window, 1/64 turns. */
  peakWidth: 3,
  /** Weight of the pair closeness in the pair weight: w = 1 − closeness × cost. */
  closeness: 0.5,
  /** Roots paired in full; with more, the best by a quick pairing of quickPairs minutiae. */
  fullRoots: 3,
  quickPairs: 15,
  /** Rotation prior at 180° (1 at ≤ 45°, linear in between); also scales the score. */
  rotPrior: 0.5,
  /**
   * 2: both direction modes; 1: mode 0 only (directions as given) — enough, and twice as fast
   * in the vote, when every template follows one convention in which an ending and a
   * bifurcation of the same feature agree (ISO's; our extractor's `endingDirection: 'into-ridge'`).
   */
  modes: 2,
};

/** Raw result of one comparison (all counts at the best alignment). */
export interface RawMatch {
  pairs: number;
  /** Σ over pairs of closeness weights in (0, 1]. */
  weight: number;
  probeCount: number;
  candidateCount: number;
  /** Probe minutiae inside the candidate's foreground after alignment, and vice versa. */
  probeInOverlap: number;
  candidateInOverlap: number;
  /** Votes of the winning root. */
  rootVotes: number;
  /** Height of the highest (prior-weighted, smoothed) peak of the vote rotation histograms. */
  peakVotes: number;
  rotation: number;
  /** Probe → candidate: x' = tx + x cos + y sin, y' = ty − x sin + y cos (image coordinates). */
  tx: number;
  ty: number;
}

/**
 * Direction conventions. Extractors disagree on whether an ending and a bifurcation of the same
 * ridge feature point the same way (ISO 19794-2, template.ts) or opposite ways, and the type of
 * a feature often flips between impressions. So every comparison runs in two modes: 0 with the
 * directions as given, 1 with every ending turned by a half turn (prepare.ts `dirB`), so that
 * in mode 1 an ending and a bifurcation agree when their directions are opposite. Each mode has
 * its own edge table, votes and roots; the best alignment of either wins.
 */
let cap = 0;
/** Per (probe, candidate) minutia pair: votes in mode 0 (low 16 bits) and mode 1 (high 16 bits). */
let votes = new Uint32Array(0);
let rotRef = new Uint8Array(0);
let rotAcc = new Int32Array(0);
let touched = new Int32Array(0);
let stamp = new Int32Array(0);
let gen = 1;
let pairP = new Int32Array(0);
let pairC = new Int32Array(0);
let pairW = new Float32Array(0);
let bestP = new Int32Array(0);
let bestC = new Int32Array(0);
let bestCount = 0;
const rootIdx = new Int32Array(64);
const rootVal = new Int32Array(64);
const hist = new Int32Array(128);
const peakBin = new Int32Array(2);
const peakHeight = new Float64Array(2);
const rootMode = new Uint8Array(64);
const rootPart = new Float64Array(64);

/**
 * Prior on the rotation between two impressions, per 1/64 turn: fingers are placed roughly
 * upright, so rotations beyond 45° are less likely (down to MATCH.rotPrior at 180°).
 */
const ROT_PRIOR = new Float64Array(64);
export function rotationPrior(rot: number): number {
  let a = Math.abs(rot) % TWO_PI;
  if (a > Math.PI) a = TWO_PI - a;
  const free = Math.PI / 4;
  return a <= free ? 1 : 1 - (1 - MATCH.rotPrior) * ((a - free) / (Math.PI - free));
}
export function updateRotationPrior(): void {
  for (let b = 0; b < 64; b++) ROT_PRIOR[b] = rotationPrior((b * TWO_PI) / 64);
}

/** Mean rotation of the votes of a (probe, candidate) pair, radians. */
function rootRot(cell: number): number {
  const acc = rotAcc[cell];
  const count = acc & 255;
  return ((rotRef[cell] + (acc - count) / 256 / count) * TWO_PI) / 256;
}

function ensure(n: number, m: number): void {
  const need = n * m;
  if (need > votes.length) {
    votes = new Uint32Array(need);
    rotRef = new Uint8Array(need);
    rotAcc = new Int32Array(need);
    touched = new Int32Array(need);
  }
  const k = Math.max(n, m);
  if (k > cap) {
    cap = k;
    stamp = new Int32Array(k);
    pairP = new Int32Array(k);
    pairC = new Int32Array(k);
    pairW = new Float32Array(k);
    bestP = new Int32Array(k);
    bestC = new Int32Array(k);
  }
}

function angDiff(a: number, b: number): number {
  let d = a - b;
  if (d < 0) d = -d;
  if (d >= TWO_PI) d %= TWO_PI;
  return d > Math.PI ? TWO_PI - d : d;
}

let pairCount = 0;
/** 1 when this comparison pairs endings with bifurcations of opposite direction (see FLIP). */
let flipMode = 0;

/**
 * Pairs minutiae under the transform (rotation `rot`, probe point (ox, oy) → candidate (cx, cy)),
 * visiting probe minutiae by distance from probe minutia `center`. Fills pairP/pairC; returns the
 * weighted count.
 */
function pairUnder(p: PreparedTemplate, c: PreparedTemplate, center: number, ox: number, oy: number, cx: number, cy: number, rot: number, tolBase: number, tolSlope: number, limit: number): number {
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  const n = p.n;
  const px = p.x;
  const py = p.y;
  const pd = flipMode === 1 ? p.dirB : p.dir;
  const qx = c.x;
  const qy = c.y;
  const qd = flipMode === 1 ? c.dirB : c.dir;
  const gc = 32;
  const gx0 = c.gridX0;
  const gy0 = c.gridY0;
  const gw = c.gridW;
  const gh = c.gridH;
  const gs = c.gridStart;
  const gi = c.gridItems;
  const atol = MATCH.angleTol;
  const tolMax = MATCH.posTolMax;
  const closeness = MATCH.closeness;
  const g = ++gen;
  let count = 0;
  let weight = 0;
  const base = center * n;
  const visit = limit < n ? limit : n;
  for (let r = 0; r < visit; r++) {
    const i = p.order[base + r];
    const dx = px[i] - ox;
    const dy = py[i] - oy;
    const tx = cx + dx * cos + dy * sin;
    const ty = cy - dx * sin + dy * cos;
    const dist = Math.sqrt(dx * dx + dy * dy);
    let tol = tolBase + tolSlope * dist;
    if (tol > tolMax) tol = tolMax;
    const x0 = Math.floor((tx - tol - gx0) / gc);
    const x1 = Math.floor((tx + tol - gx0) / gc);
    const y0 = Math.floor((ty - tol - gy0) / gc);
    const y1 = Math.floor((ty + tol - gy0) / gc);
    if (x1 < 0 || y1 < 0 || x0 >= gw || y0 >= gh) continue;
    const td = pd[i] + rot;
    const tol2 = tol * tol;
    let best = -1;
    let bestCost = 2;
    for (let gyy = y0 < 0 ? 0 : y0; gyy <= y1 && gyy < gh; gyy++) {
      for (let gxx = x0 < 0 ? 0 : x0; gxx <= x1 && gxx < gw; gxx++) {
        const cell = gyy * gw + gxx;
        for (let s = gs[cell], e = gs[cell + 1]; s < e; s++) {
          const k = gi[s];
          if (stamp[k] === g) continue;
          const ex = qx[k] - tx;
          const ey = qy[k] - ty;
          const d2 = ex * ex + ey * ey;
          if (d2 > tol2) continue;
          const ad = angDiff(td, qd[k]);
          if (ad > atol) continue;
          const cost = Math.sqrt(d2) / tol + ad / atol;
          if (cost < bestCost) {
            bestCost = cost;
            best = k;
          }
        }
      }
    }
    if (best >= 0) {
      stamp[best] = g;
      pairP[count] = i;
      pairC[count] = best;
      const w = 1 - closeness * bestCost;
      pairW[count] = w;
      weight += w;
      count++;
    }
  }
  pairCount = count;
  return weight;
}

function inMask(t: PreparedTemplate, x: number, y: number): boolean {
  const cx = Math.floor((x - t.maskX0) / 16);
  const cy = Math.floor((y - t.maskY0) / 16);
  return cx >= 0 && cy >= 0 && cx < t.maskW && cy < t.maskH && t.mask[cy * t.maskW + cx] === 1;
}

/** Compares two prepared templates; writes into `out` (reused by the caller) and returns it. */
export function matchRaw(p: PreparedTemplate, c: PreparedTemplate, out: RawMatch): RawMatch {
  const n = p.n;
  const m = c.n;
  out.pairs = 0;
  out.weight = 0;
  out.probeCount = n;
  out.candidateCount = m;
  out.probeInOverlap = 0;
  out.candidateInOverlap = 0;
  out.rootVotes = 0;
  out.peakVotes = 0;
  out.rotation = 0;
  out.tx = 0;
  out.ty = 0;
  bestCount = 0;
  if (n === 0 || m === 0) return out;
  ensure(n, m);

  // 1. Votes from matching neighbour edges (integer descriptors, angles in 1/256 turns).
  const LT = MATCH.edgeLengthTol;
  const AT = MATCH.edgeAngleTol;
  const pDesc = p.probeDesc;
  const pTheta = p.probeTheta;
  const pKey = p.probeKey;
  const ks = c.keyStart;
  const cDesc = c.entryDesc;
  const cTheta = c.entryTheta;
  let nt = 0;
  const A2 = 2 * AT;
  const L2 = 2 * LT;
  const vt = votes;
  const rr = rotRef;
  const ra = rotAcc;
  const tc = touched;
  const hs = hist;
  const ne = p.edgeCount;
  const modes = MATCH.modes === 1 ? 1 : 2;
  for (let e = 0, ee = modes * ne; e < ee; e++) {
    // Mode 0 edges, then mode 1 edges (directions of the other convention; own table half).
    const inc = e < ne ? 1 : 0x10000;
    const hb = e < ne ? 0 : 64;
    const dp = pDesc[e];
    const pl = ((dp >>> 16) & 255) - LT;
    const pa = ((dp >>> 8) & 255) - AT;
    const pb = (dp & 255) - AT;
    const pth = pTheta[e];
    const row = (dp >>> 24) * m;
    const key = pKey[e];
    for (let s = ks[key], end = ks[key + 1]; s < end; s++) {
      const d = cDesc[s];
      // Length and angle differences (+ tolerance; angles in 1/256 turns) tested at once: one
      // unpredictable branch per entry.
      const dl = ((d >>> 16) & 255) - pl;
      const da = ((d >>> 8) - pa) & 255;
      const db = (d - pb) & 255;
      if ((dl | (L2 - dl) | (A2 - da) | (A2 - db)) < 0) continue;
      const cell = row + (d >>> 24);
      const rot = (cTheta[s] - pth) & 255;
      hs[hb + (rot >> 2)]++;
      const v = vt[cell];
      if (v === 0) {
        tc[nt++] = cell;
        rr[cell] = rot;
        ra[cell] = 1;
      } else {
        // Sum of rotation differences × 256 + vote count (< 256) in one word.
        ra[cell] += ((((rot - rr[cell] + 128) & 255) - 128) << 8) + 1;
      }
      vt[cell] = v + inc;
    }
  }
  // 2. Direction mode: the one whose vote rotation histogram has the higher peak (the pairs of
  // two impressions of one finger agree on one rotation; chance votes spread over all). Roots:
  // the most-voted pairs whose rotation agrees with that peak, then the most-voted others.
  let nr = 0;
  const peaks = peakBin;
  const peakVs = peakHeight;
  for (let mode = 0; mode < 2; mode++) {
    const h0 = mode * 64;
    let peak = 0;
    let peakV = -1;
    for (let b = 0; b < 64; b++) {
      const v = (hist[h0 + ((b + 63) & 63)] + 2 * hist[h0 + b] + hist[h0 + ((b + 1) & 63)]) * ROT_PRIOR[b];
      if (v > peakV) {
        peakV = v;
        peak = b;
      }
    }
    for (let b = 0; b < 64; b++) hist[h0 + b] = 0;
    peaks[mode] = peak;
    peakVs[mode] = peakV;
  }
  out.peakVotes = peakVs[0] > peakVs[1] ? peakVs[0] : peakVs[1];
  for (let mode = 0; mode < modes; mode++) {
    const shift = mode === 1 ? 16 : 0;
    const peak = peaks[mode];
    for (let pass = 0; pass < 2; pass++) {
      const R = pass === 0 ? MATCH.peakRoots : MATCH.roots;
      const r0 = nr;
      let cnt = 0;
      for (let t = 0; t < nt; t++) {
        const cell = touched[t];
        const v = (votes[cell] >>> shift) & 0xffff;
        if (v < MATCH.minRootVotes) continue;
        const acc = rotAcc[cell];
        const rb = ((rotRef[cell] + (acc - (acc & 255)) / 256 / (acc & 255)) / 4 + 64.5) | 0;
        let dr = (rb - peak) & 63;
        if (dr > 32) dr = 64 - dr;
        if ((dr <= MATCH.peakWidth) !== (pass === 0)) continue;
        if (cnt === R && v <= rootVal[r0 + cnt - 1]) continue;
        let j = r0 + (cnt < R ? cnt++ : R - 1);
        while (j > r0 && rootVal[j - 1] < v) {
          rootVal[j] = rootVal[j - 1];
          rootIdx[j] = rootIdx[j - 1];
          j--;
        }
        rootVal[j] = v;
        rootIdx[j] = cell;
      }
      for (let j = r0; j < r0 + cnt; j++) rootMode[j] = mode;
      nr = r0 + cnt;
    }
  }
  if (nr === 0) {
    for (let t = 0; t < nt; t++) votes[touched[t]] = 0;
    return out;
  }

  // 3. Consolidation per root.
  let bestW = -1;
  let bestRoot = -1;
  let bestRot = 0;
  let bestVotes = 0;
  let bestMode = 0;
  // With many roots, a quick pairing of each root's nearest probe minutiae picks the few that
  // are paired in full.
  const full = MATCH.fullRoots;
  if (nr > full) {
    for (let r = 0; r < nr; r++) {
      const cell = rootIdx[r];
      const i = (cell / m) | 0;
      const k = cell - i * m;
      flipMode = rootMode[r];
      rootPart[r] = pairUnder(p, c, i, p.x[i], p.y[i], c.x[k], c.y[k], rootRot(cell), MATCH.posTolBase, MATCH.posTolSlope, MATCH.quickPairs);
    }
    for (let a = 0; a < full; a++) {
      let b = a;
      for (let r = a + 1; r < nr; r++) if (rootPart[r] > rootPart[b]) b = r;
      const ti = rootIdx[a];
      const tv = rootVal[a];
      const tm = rootMode[a];
      const tp = rootPart[a];
      rootIdx[a] = rootIdx[b];
      rootVal[a] = rootVal[b];
      rootMode[a] = rootMode[b];
      rootPart[a] = rootPart[b];
      rootIdx[b] = ti;
      rootVal[b] = tv;
      rootMode[b] = tm;
      rootPart[b] = tp;
    }
    nr = full;
  }
  for (let r = 0; r < nr; r++) {
    const cell = rootIdx[r];
    const i = (cell / m) | 0;
    const k = cell - i * m;
    const rot = rootRot(cell);
    flipMode = rootMode[r];
    const w = pairUnder(p, c, i, p.x[i], p.y[i], c.x[k], c.y[k], rot, MATCH.posTolBase, MATCH.posTolSlope, n);
    if (w > bestW) {
      bestW = w;
      bestVotes = rootVal[r];
      bestRoot = r;
      bestRot = rot;
      bestMode = flipMode;
      bestCount = pairCount;
      for (let q = 0; q < pairCount; q++) {
        bestP[q] = pairP[q];
        bestC[q] = pairC[q];
      }
    }
  }
  flipMode = bestMode;
  for (let t = 0; t < nt; t++) votes[touched[t]] = 0;

  const rootCell = rootIdx[bestRoot];
  const ri = (rootCell / m) | 0;
  const rk = rootCell - ri * m;
  let rot = bestRot;
  let cos = Math.cos(rot);
  let sin = Math.sin(rot);
  let tx = c.x[rk] - p.x[ri] * cos - p.y[ri] * sin;
  let ty = c.y[rk] + p.x[ri] * sin - p.y[ri] * cos;
  let weight = bestW;

  // Least-squares refinement of the alignment on the pairs, then pair once more from the centroid.
  if (bestCount >= 3) {
    let mpx = 0;
    let mpy = 0;
    let mcx = 0;
    let mcy = 0;
    for (let q = 0; q < bestCount; q++) {
      mpx += p.x[bestP[q]];
      mpy += p.y[bestP[q]];
      mcx += c.x[bestC[q]];
      mcy += c.y[bestC[q]];
    }
    mpx /= bestCount;
    mpy /= bestCount;
    mcx /= bestCount;
    mcy /= bestCount;
    let sxx = 0;
    let sxy = 0;
    for (let q = 0; q < bestCount; q++) {
      const ax = p.x[bestP[q]] - mpx;
      const ay = -(p.y[bestP[q]] - mpy);
      const bx = c.x[bestC[q]] - mcx;
      const by = -(c.y[bestC[q]] - mcy);
      sxx += ax * bx + ay * by;
      sxy += ax * by - ay * bx;
    }
    const lsRot = Math.atan2(sxy, sxx);
    // Probe minutia nearest the centroid as the centre of the distance order.
    let center = bestP[0];
    let cd = Infinity;
    for (let q = 0; q < bestCount; q++) {
      const ddx = p.x[bestP[q]] - mpx;
      const ddy = p.y[bestP[q]] - mpy;
      const d = ddx * ddx + ddy * ddy;
      if (d < cd) {
        cd = d;
        center = bestP[q];
      }
    }
    const w2 = pairUnder(p, c, center, mpx, mpy, mcx, mcy, lsRot, MATCH.refinedTolBase, MATCH.refinedTolSlope, n);
    if (w2 > weight) {
      weight = w2;
      rot = lsRot;
      cos = Math.cos(rot);
      sin = Math.sin(rot);
      tx = mcx - mpx * cos - mpy * sin;
      ty = mcy + mpx * sin - mpy * cos;
      bestCount = pairCount;
      for (let q = 0; q < pairCount; q++) {
        bestP[q] = pairP[q];
        bestC[q] = pairC[q];
      }
    }
  }

  // 4. Overlap counts.
  let pin = 0;
  for (let i = 0; i < n; i++) {
    const x = tx + p.x[i] * cos + p.y[i] * sin;
    const y = ty - p.x[i] * sin + p.y[i] * cos;
    if (inMask(c, x, y)) pin++;
  }
  let cin = 0;
  for (let k = 0; k < m; k++) {
    // Inverse transform: candidate → probe.
    const dx = c.x[k] - tx;
    const dy = c.y[k] - ty;
    const x = dx * cos - dy * sin;
    const y = dx * sin + dy * cos;
    if (inMask(p, x, y)) cin++;
  }
  out.pairs = bestCount;
  out.weight = weight;
  out.probeInOverlap = pin;
  out.candidateInOverlap = cin;
  out.rootVotes = bestVotes;
  out.rotation = rot;
  out.tx = tx;
  out.ty = ty;
  return out;
}

/** The pairs of the last matchRaw call (probe index, candidate index). */
export function lastPairs(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let q = 0; q < bestCount; q++) out.push([bestP[q], bestC[q]]);
  return out;
}

updateRotationPrior();
