/**
 * The 1:1 comparison core. Stages, all on prepared templates, with module-level scratch buffers
 * (no allocation in the hot path once the buffers have grown to the largest templates seen):
 *
 * 1. Candidate pairs: every probe neighbour edge is looked up in the candidate's edge table;
 *    edges agreeing in length and in both relative angles vote for the pair of their start
 *    minutiae (a hash-accelerated comparison of local structures) and for the rotation they imply
 *    (a rotation histogram).
 * 2. Roots: the most-voted pairs near the (prior-weighted) histogram peak, then the most-voted
 *    others; a quick pairing of each root's nearest minutiae keeps the best few — and, when even
 *    the best quick pairing finds too little, ends the comparison there (most impostors).
 * 3. Consolidation per root: align the probe on the root pair (rotation from the edges that
 *    voted for it), then pair minutiae outward from the root in order of distance, with a
 *    position tolerance that grows with the distance from the root (elastic distortion) and an
 *    angle tolerance. The root with the best weighted pair count wins; its alignment is refined
 *    by least squares on its pairs and pairing is repeated once.
 * 4. Overlap: how many minutiae of each template fall in the other's foreground after alignment.
 *
 * Direction convention: ISO 19794-2 — an ending points into its ridge, a bifurcation between its
 * branches, so an ending and a bifurcation of the same feature (the type often flips between
 * impressions) point the same way. Templates of the other convention (endings turned by a half
 * turn) must be converted before preparation.
 */
import type { PreparedTemplate } from './prepare.ts';
import { TWO_PI } from './prepare.ts';

export const MATCH: Record<string, number> = {
  /** Edge agreement: length in pixels, angles in 1/256 turns (10 ≈ 14°). */
  edgeLengthTol: 8,
  edgeAngleTol: 10,
  /** Below this many agreeing edges for the best pair the templates do not match (early exit). */
  minRootVotes: 2,
  /** Roots among the remaining pairs (by votes). */
  roots: 1,
  /** Position tolerance: base + slope × distance from the root, capped. */
  posTolBase: 10,
  posTolSlope: 0.1,
  posTolMax: 30,
  angleTol: Math.PI / 7,
  /** Pair tolerance after the least-squares refinement. */
  refinedTolBase: 12,
  refinedTolSlope: 0.06,
  /** Roots among pairs whose rotation agrees with the dominant rotation. */
  peakRoots: 3,
  /** Half-width of the dominant-rotation window, 1/64 turns. */
  peakWidth: 3,
  /** Weight of the pair closeness in the pair weight: w = 1 − closeness × cost. */
  closeness: 0.5,
  /** Roots paired in full; with more, the best by a quick pairing of quickPairs minutiae. */
  fullRoots: 2,
  quickPairs: 15,
  /** A quick pairing stops after this many minutiae when only the root itself has paired. */
  quickCheck: 6,
  /**
   * Early rejection: when the best quick pairing's weight is below this, the comparison ends
   * there with score 0 (0 = never). Impostors rarely pair more than 3 of the 15 minutiae nearest
   * a root; two impressions of one finger almost always do.
   */
  minQuick: 3,
  /** Below this best quick-pairing weight only the best root is paired in full, unrefined. */
  lightQuick: 4.5,
  /** The least-squares refinement runs only when the best pairing weighs at least this. */
  minRefine: 0,
  /** Rotation prior at 180° (1 at ≤ 45°, linear in between); also scales the score. */
  rotPrior: 0.5,
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
  /** Height of the highest (prior-weighted, smoothed) peak of the vote rotation histogram. */
  peakVotes: number;
  rotation: number;
  /** Probe → candidate: x' = tx + x cos + y sin, y' = ty − x sin + y cos (image coordinates). */
  tx: number;
  ty: number;
}

let cap = 0;
/**
 * Per (probe, candidate) minutia pair (cell = i × m + k): Σ vote weights, first rotation, rotation
 * sum and vote count.
 */
let votes = new Uint16Array(0);
let rotRef = new Uint8Array(0);
let rotAcc = new Int32Array(0);
let touched = new Int32Array(0);
let stamp = new Int32Array(0);
let gen = 1;
let pairP = new Int32Array(0);
let pairC = new Int32Array(0);
let bestP = new Int32Array(0);
let bestC = new Int32Array(0);
let bestCount = 0;
/** Agreeing edges of the current comparison: candidate table entry | probe edge << 16. */
let found = new Int32Array(4096);
const rootIdx = new Int32Array(64);
const rootVal = new Int32Array(64);
const rootPart = new Float64Array(64);
const otherIdx = new Int32Array(64);
const otherVal = new Int32Array(64);
const hist = new Int32Array(64);
let peakHeight = 0;

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
    votes = new Uint16Array(need);
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
    bestP = new Int32Array(k);
    bestC = new Int32Array(k);
  }
}

function growFound(need: number): void {
  const next = new Int32Array(Math.max(need, 2 * found.length));
  next.set(found);
  found = next;
}

/**
 * Vote pass 1, branch-free: every table entry under each probe edge's key is tested (length and
 * both angle differences, + tolerance, one combined sign test; integer descriptors, angles in
 * 1/256 turns) and (entry, probe edge) is appended to `found`, the write index advancing only
 * when it agrees. The accept test is unpredictable (~20 % pass), so a branch here would
 * mispredict often. Returns the number found.
 */
function collectVotes(p: PreparedTemplate, c: PreparedTemplate): number {
  const LT = MATCH.edgeLengthTol;
  const AT = MATCH.edgeAngleTol;
  const A2 = 2 * AT;
  const L2 = 2 * LT;
  const pDesc = p.probeDesc;
  const pKey = p.probeKey;
  const ks = c.keyStart;
  const cDesc = c.entryDesc;
  let nf = 0;
  for (let e = 0, ne = p.edgeCount; e < ne; e++) {
    const dp = pDesc[e];
    const pl = ((dp >>> 16) & 255) - LT;
    const pa = ((dp >>> 8) & 255) - AT;
    const pb = (dp & 255) - AT;
    const tag = e << 16;
    const key = pKey[e];
    const s0 = ks[key];
    const s1 = ks[key + 1];
    if (nf + s1 - s0 > found.length) growFound(nf + s1 - s0);
    const fb = found;
    for (let s = s0; s < s1; s++) {
      const d = cDesc[s];
      const dl = ((d >>> 16) & 255) - pl;
      const da = ((d >>> 8) - pa) & 255;
      const db = (d - pb) & 255;
      fb[nf] = tag | s;
      nf += ((dl | (L2 - dl) | (A2 - da) | (A2 - db)) >>> 31) ^ 1;
    }
  }
  return nf;
}

/**
 * Vote pass 2: each agreeing edge pair votes for the pair of its start minutiae (votes, touched),
 * weighted by how closely the edges agree, and for the rotation it implies — the candidate edge's
 * absolute angle minus the probe edge's, = direction difference of the start minutiae +
 * difference of the relative angles — into the rotation histogram and per minutia pair (rotRef,
 * rotAcc). Returns the number of minutia pairs touched.
 */
function tallyVotes(p: PreparedTemplate, c: PreparedTemplate, nf: number): number {
  const vt = votes;
  const rr = rotRef;
  const ra = rotAcc;
  const tc = touched;
  const hs = hist;
  const pq = p.dirQ;
  const cq = c.dirQ;
  const pDesc = p.probeDesc;
  const cDesc = c.entryDesc;
  const m = c.n;
  let nt = 0;
  for (let f = 0; f < nf; f++) {
    const v0 = found[f];
    const d = cDesc[v0 & 0xffff];
    const dp = pDesc[v0 >>> 16];
    const i = dp >>> 24;
    const k = d >>> 24;
    const dl = ((d >>> 16) & 255) - ((dp >>> 16) & 255);
    const da = ((((d >>> 8) - (dp >>> 8)) & 255) ^ 128) - 128;
    const db = (((d - dp) & 255) ^ 128) - 128;
    const rot = (cq[k] - pq[i] + da) & 255;
    // Vote weight 8..128: closer agreement of the two edges counts more (ranks pairs with equally
    // many agreeing edges).
    const w = 128 - 5 * ((dl ^ (dl >> 31)) - (dl >> 31)) - 4 * ((da ^ (da >> 31)) - (da >> 31)) - 4 * ((db ^ (db >> 31)) - (db >> 31));
    hs[rot >> 2]++;
    const cell = i * m + k;
    const v = vt[cell];
    if (v === 0) {
      tc[nt++] = cell;
      rr[cell] = rot;
      ra[cell] = 1;
    } else {
      // Sum of rotation differences × 256 + vote count (< 256) in one word.
      ra[cell] += ((((rot - rr[cell] + 128) & 255) - 128) << 8) + 1;
    }
    vt[cell] = v + w;
  }
  return nt;
}

/**
 * Roots: the peak of the smoothed, prior-weighted vote rotation histogram (the pairs of two
 * impressions of one finger agree on one rotation; chance votes spread over all), then the
 * most-voted pairs whose rotation agrees with that peak and the most-voted others. Fills
 * rootIdx/rootVal and peakHeight; clears the histogram; returns the number of roots.
 */
function pickRoots(nt: number): number {
  let peak = 0;
  let peakV = -1;
  for (let b = 0; b < 64; b++) {
    const v = (hist[(b + 63) & 63] + 2 * hist[b] + hist[(b + 1) & 63]) * ROT_PRIOR[b];
    if (v > peakV) {
      peakV = v;
      peak = b;
    }
  }
  hist.fill(0);
  peakHeight = peakV;
  const minVotes = MATCH.minRootVotes;
  const width = MATCH.peakWidth;
  // One pass, two sorted lists: near the peak (rootIdx/rootVal), others (otherIdx/otherVal).
  const P = MATCH.peakRoots;
  const O = MATCH.roots;
  let np = 0;
  let no = 0;
  for (let t = 0; t < nt; t++) {
    const cell = touched[t];
    const v = votes[cell];
    if (no === O && np === P && v <= rootVal[P - 1] && v <= otherVal[O - 1]) continue;
    const acc = rotAcc[cell];
    const count = acc & 255;
    if (count < minVotes) continue;
    const rb = ((rotRef[cell] + (acc - count) / 256 / count) / 4 + 64.5) | 0;
    let dr = (rb - peak) & 63;
    if (dr > 32) dr = 64 - dr;
    const near = dr <= width;
    const idx = near ? rootIdx : otherIdx;
    const val = near ? rootVal : otherVal;
    const R = near ? P : O;
    const cnt = near ? np : no;
    if (cnt === R && v <= val[R - 1]) continue;
    let j = cnt < R ? cnt : R - 1;
    if (near) np = cnt < R ? cnt + 1 : R;
    else no = cnt < R ? cnt + 1 : R;
    while (j > 0 && val[j - 1] < v) {
      val[j] = val[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    val[j] = v;
    idx[j] = cell;
  }
  for (let j = 0; j < no; j++) {
    rootIdx[np + j] = otherIdx[j];
    rootVal[np + j] = otherVal[j];
  }
  const nr = np + no;
  return nr;
}

let pairCount = 0;
const Q_PER_RAD = 256 / TWO_PI;

/**
 * Pairs minutiae under the transform (rotation `rot`, probe point (ox, oy) → candidate (cx, cy)),
 * visiting probe minutiae by distance from probe minutia `center` (at most `limit`). Fills
 * pairP/pairC; returns the weighted count. Directions in 1/256 turns.
 */
function pairUnder(p: PreparedTemplate, c: PreparedTemplate, center: number, ox: number, oy: number, cx: number, cy: number, rot: number, tolBase: number, tolSlope: number, limit: number): number {
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  const rq = Math.round(rot * Q_PER_RAD);
  const n = p.n;
  const px = p.x;
  const py = p.y;
  const pd = p.dirQ;
  const qx = c.x;
  const qy = c.y;
  const qd = c.dirQ;
  const gx0 = c.gridX0;
  const gy0 = c.gridY0;
  const gw = c.gridW;
  const gh = c.gridH;
  const gs = c.gridStart;
  const gi = c.gridItems;
  const atol = MATCH.angleTol * Q_PER_RAD;
  const tolMax = MATCH.posTolMax;
  const closeness = MATCH.closeness;
  const order = p.order;
  const st = stamp;
  const g = ++gen;
  let count = 0;
  let weight = 0;
  const base = center * n;
  const visit = limit < n ? limit : n;
  // Quick pairings give up half-way when nothing but the root has paired.
  const checkAt = limit < n ? MATCH.quickCheck : -1;
  for (let r = 0; r < visit; r++) {
    if (r === checkAt && count < 2) break;
    const i = order[base + r];
    const dx = px[i] - ox;
    const dy = py[i] - oy;
    // Grid coordinates (cells of 32 px) of the transformed point.
    const tx = cx + dx * cos + dy * sin;
    const ty = cy - dx * sin + dy * cos;
    let tol = tolBase + tolSlope * Math.sqrt(dx * dx + dy * dy);
    if (tol > tolMax) tol = tolMax;
    const x0 = Math.floor((tx - tol - gx0) * 0.03125);
    const x1 = Math.floor((tx + tol - gx0) * 0.03125);
    const y0 = Math.floor((ty - tol - gy0) * 0.03125);
    const y1 = Math.floor((ty + tol - gy0) * 0.03125);
    if (x1 < 0 || y1 < 0 || x0 >= gw || y0 >= gh) continue;
    const td = pd[i] + rq;
    const tol2 = tol * tol;
    let best = -1;
    let bestCost = 2;
    const ya = y0 < 0 ? 0 : y0;
    const yb = y1 < gh ? y1 : gh - 1;
    const xa = x0 < 0 ? 0 : x0;
    const xb = x1 < gw ? x1 : gw - 1;
    for (let gyy = ya; gyy <= yb; gyy++) {
      const row = gyy * gw;
      for (let s = gs[row + xa], e = gs[row + xb + 1]; s < e; s++) {
        const k = gi[s];
        const ex = qx[k] - tx;
        const ey = qy[k] - ty;
        const d2 = ex * ex + ey * ey;
        if (d2 > tol2 || st[k] === g) continue;
        let ad = (qd[k] - td) & 255;
        if (ad > 128) ad = 256 - ad;
        if (ad > atol) continue;
        const cost = Math.sqrt(d2) / tol + ad / atol;
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
    }
    if (best >= 0) {
      st[best] = g;
      pairP[count] = i;
      pairC[count] = best;
      weight += 1 - closeness * bestCost;
      count++;
    }
  }
  pairCount = count;
  return weight;
}

/** Whether (probe i, candidate k) is among the best pairs so far. */
function pairedIn(i: number, k: number): boolean {
  for (let q = 0; q < bestCount; q++) if (bestP[q] === i && bestC[q] === k) return true;
  return false;
}

/** Minutiae of `a` inside `b`'s foreground mask under x' = tx + x cos + y sin, y' = ty − x sin + y cos. */
function inOverlap(a: PreparedTemplate, b: PreparedTemplate, tx: number, ty: number, cos: number, sin: number): number {
  const mw = b.maskW;
  const mh = b.maskH;
  const mask = b.mask;
  const ox = tx - b.maskX0;
  const oy = ty - b.maskY0;
  let count = 0;
  for (let i = 0; i < a.n; i++) {
    const x = a.x[i];
    const y = a.y[i];
    const cx = Math.floor((ox + x * cos + y * sin) * 0.0625);
    const cy = Math.floor((oy - x * sin + y * cos) * 0.0625);
    if (cx >= 0 && cy >= 0 && cx < mw && cy < mh) count += mask[cy * mw + cx];
  }
  return count;
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

  // 1. Votes from matching neighbour edges; 2. roots.
  const nt = tallyVotes(p, c, collectVotes(p, c));
  let nr = pickRoots(nt);
  out.peakVotes = peakHeight;
  if (nr === 0) {
    for (let t = 0; t < nt; t++) votes[touched[t]] = 0;
    return out;
  }

  // 3. Consolidation per root. With many roots, a quick pairing of each root's nearest probe
  // minutiae picks the few that are paired in full.
  let bestW = -1;
  let bestRoot = -1;
  let bestRot = 0;
  let bestVotes = 0;
  const full = MATCH.fullRoots;
  let light = false;
  if (nr > full) {
    let top = 0;
    for (let r = 0; r < nr; r++) {
      const cell = rootIdx[r];
      const i = (cell / m) | 0;
      const k = cell - i * m;
      const w = pairUnder(p, c, i, p.x[i], p.y[i], c.x[k], c.y[k], rootRot(cell), MATCH.posTolBase, MATCH.posTolSlope, MATCH.quickPairs);
      rootPart[r] = w;
      if (w > top) top = w;
    }
    if (top < MATCH.minQuick) {
      // Early rejection: not even the best root pairs enough of its neighbourhood.
      for (let t = 0; t < nt; t++) votes[touched[t]] = 0;
      return out;
    }
    for (let a = 0; a < full; a++) {
      let b = a;
      for (let r = a + 1; r < nr; r++) if (rootPart[r] > rootPart[b]) b = r;
      const ti = rootIdx[a];
      const tv = rootVal[a];
      const tp = rootPart[a];
      rootIdx[a] = rootIdx[b];
      rootVal[a] = rootVal[b];
      rootPart[a] = rootPart[b];
      rootIdx[b] = ti;
      rootVal[b] = tv;
      rootPart[b] = tp;
    }
    nr = full;
    // A weak best quick pairing (mostly impostors): only the best root, no refinement.
    if (top < MATCH.lightQuick) {
      nr = 1;
      light = true;
    }
  }
  for (let r = 0; r < nr; r++) {
    const cell = rootIdx[r];
    const i = (cell / m) | 0;
    const k = cell - i * m;
    if (r > 0 && pairedIn(i, k)) continue; // the same alignment as a root paired already
    const rot = rootRot(cell);
    const w = pairUnder(p, c, i, p.x[i], p.y[i], c.x[k], c.y[k], rot, MATCH.posTolBase, MATCH.posTolSlope, n);
    if (w > bestW) {
      bestW = w;
      bestVotes = rotAcc[cell] & 255;
      bestRoot = r;
      bestRot = rot;
      bestCount = pairCount;
      for (let q = 0; q < pairCount; q++) {
        bestP[q] = pairP[q];
        bestC[q] = pairC[q];
      }
    }
  }
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
  if (bestCount >= 3 && weight >= MATCH.minRefine && !light) {
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

  // 4. Overlap counts (candidate → probe is the inverse transform).
  out.pairs = bestCount;
  out.weight = weight;
  out.probeInOverlap = inOverlap(p, c, tx, ty, cos, sin);
  out.candidateInOverlap = inOverlap(c, p, -tx * cos + ty * sin, -tx * sin - ty * cos, cos, -sin);
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
