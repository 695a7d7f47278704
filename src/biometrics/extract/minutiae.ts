import { neighbourCode } from './thinning.ts';

/**
 * Minutiae detection on a skeleton by crossing number (CN = number of 0→1 transitions around
 * the 8-neighbourhood): CN 1 is a ridge ending, CN 3 a bifurcation. From each candidate every
 * branch is followed along the skeleton for a few pixels; the traces give the direction and
 * tell the false-minutiae filter what the branch runs into (another ending, a junction) and how far.
 *
 * Directions here are image-coordinate unit vectors (y down); conversion to the template's
 * convention happens in index.ts.
 */
export type StopKind = 'length' | 'ending' | 'junction';

export interface Trace {
  /** Pixel index where the trace stopped. */
  end: number;
  /** Number of steps taken. */
  length: number;
  stop: StopKind;
  /** Unit vector from the trace's point at `dirLength` (or its end) towards the start pixel. */
  vx: number;
  vy: number;
}

export interface Candidate {
  index: number;
  x: number;
  y: number;
  type: 'ending' | 'bifurcation';
  traces: Trace[];
  /** Unit direction (image coordinates): out of the ridge for endings, away from the stem for bifurcations. */
  dx: number;
  dy: number;
  /** Distance to the edge of the foreground, pixels (filled in by the caller). */
  border: number;
}

const DX = [0, 1, 1, 1, 0, -1, -1, -1];
const DY = [-1, -1, 0, 1, 1, 1, 0, -1];
/** 4-neighbours first, so traces prefer the straight step. */
const ORDER = [0, 2, 4, 6, 1, 3, 5, 7];

export const CN = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let a = 0;
  for (let k = 0; k < 8; k++) if (!((c >> k) & 1) && (c >> ((k + 1) % 8)) & 1) a++;
  CN[c] = a;
}

/** One starting pixel per run of set neighbours (the 4-neighbour of the run when it has one). */
export function branchStarts(sk: Uint8Array, i: number, w: number): number[] {
  const code = neighbourCode(sk, i, w);
  if (code === 0 || code === 255) return [];
  let k0 = 0;
  while ((code >> k0) & 1) k0++; // start scanning just after a zero
  const starts: number[] = [];
  let inRun = false;
  let best = -1;
  for (let s = 1; s <= 8; s++) {
    const k = (k0 + s) % 8;
    const on = (code >> k) & 1;
    if (on) {
      if (!inRun || (best % 2 === 1 && k % 2 === 0)) best = k;
      inRun = true;
    } else if (inRun) {
      starts.push(i + DY[best] * w + DX[best]);
      inRun = false;
    }
  }
  if (inRun) starts.push(i + DY[best] * w + DX[best]);
  return starts;
}

function adjacent(a: number, b: number, w: number): boolean {
  const ax = a % w;
  const bx = b % w;
  return Math.abs(ax - bx) <= 1 && Math.abs((a - ax) / w - (b - bx) / w) <= 1;
}

/** Follows the skeleton from `start` through `first` for at most `maxLen` steps. */
export function trace(sk: Uint8Array, w: number, start: number, first: number, maxLen: number, dirLength: number): Trace {
  let prev = start;
  let cur = first;
  let length = 1;
  let dirPoint = cur;
  let stop: StopKind = 'length';
  while (true) {
    if (length <= dirLength) dirPoint = cur;
    const cn = CN[neighbourCode(sk, cur, w)];
    if (cn === 1) {
      stop = 'ending';
      break;
    }
    if (cn >= 3) {
      stop = 'junction';
      break;
    }
    if (length >= maxLen || cn === 0) break;
    let next = -1;
    for (const k of ORDER) {
      const q = cur + DY[k] * w + DX[k];
      if (!sk[q] || q === prev || adjacent(q, prev, w)) continue;
      next = q;
      break;
    }
    if (next < 0) {
      stop = 'junction';
      break;
    }
    prev = cur;
    cur = next;
    length++;
  }
  const sx = start % w;
  const sy = (start - sx) / w;
  const px = dirPoint % w;
  const py = (dirPoint - px) / w;
  const d = Math.hypot(sx - px, sy - py) || 1;
  return { end: cur, length, stop, vx: (sx - px) / d, vy: (sy - py) / d };
}


/**
 * Finds all CN-1 and CN-3 pixels of the skeleton where `allowed` is set and traces their
 * branches. The skeleton must have a zero one-pixel frame (as `thin` produces).
 */
export function detectCandidates(sk: Uint8Array, width: number, height: number, allowed: Uint8Array, maxLen = 24, dirLength = 10): Candidate[] {
  const out: Candidate[] = [];
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (!sk[i] || !allowed[i]) continue;
      const cn = CN[neighbourCode(sk, i, width)];
      if (cn !== 1 && cn !== 3) continue;
      const starts = branchStarts(sk, i, width);
      if ((cn === 1 && starts.length !== 1) || (cn === 3 && starts.length !== 3)) continue;
      const traces = starts.map((s) => trace(sk, width, i, s, maxLen, dirLength));
      let dx: number;
      let dy: number;
      if (cn === 1) {
        dx = traces[0].vx;
        dy = traces[0].vy;
      } else {
        // The stem is the branch most opposite to the other two (the two branches are closest).
        let stem = 0;
        let bestDot = -Infinity;
        for (let a = 0; a < 3; a++) {
          const b = (a + 1) % 3;
          const c = (a + 2) % 3;
          const dot = traces[b].vx * traces[c].vx + traces[b].vy * traces[c].vy;
          if (dot > bestDot) { bestDot = dot; stem = a; }
        }
        // Trace vectors point from the branch towards the minutia, so the stem's vector points away from the stem.
        dx = traces[stem].vx;
        dy = traces[stem].vy;
      }
      out.push({ index: i, x, y, type: cn === 1 ? 'ending' : 'bifurcation', traces, dx, dy, border: Infinity });
    }
  return out;
}
