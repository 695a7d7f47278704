import type { Candidate } from './minutiae.ts';

/**
 * False-minutiae removal. Rules, in order, all on the traces made at detection:
 * - spur: an ending whose ridge reaches a junction within `spur` px (both go);
 * - short ridge / island: an ending whose ridge reaches another ending within `shortRidge` px;
 * - bridge, lake, close fork: a bifurcation branch reaching another junction within `bridge` px;
 * - broken ridge: two endings close together, facing each other and roughly in line;
 * - clusters: any two survivors closer than `cluster` px;
 * - border: anything closer than `border` px to the edge of the foreground.
 */
export interface FilterOptions {
  spur: number;
  shortRidge: number;
  bridge: number;
  gap: number;
  cluster: number;
  border: number;
}

/** Each rule's distance as a multiple of the print's median ridge period. */
export const DEFAULT_FILTER_FACTORS: FilterOptions = { spur: 0.7, shortRidge: 2.2, bridge: 0.5, gap: 1.8, cluster: 0.6, border: 1.3 };

export function defaultFilterOptions(period: number, factors: Partial<FilterOptions> = {}): FilterOptions {
  const f = { ...DEFAULT_FILTER_FACTORS, ...factors };
  return {
    spur: Math.round(f.spur * period),
    shortRidge: Math.round(f.shortRidge * period),
    bridge: Math.round(f.bridge * period),
    gap: Math.round(f.gap * period),
    cluster: Math.round(f.cluster * period),
    border: Math.round(f.border * period),
  };
}

/** `why`, when given, receives for each candidate the rule that removed it ('' when kept). */
export function filterCandidates(cands: Candidate[], width: number, o: FilterOptions, why?: string[]): Candidate[] {
  const n = cands.length;
  const removed = new Uint8Array(n);
  const reason: string[] = new Array(n).fill('');
  const mark = (k: number, r: string): void => {
    if (!removed[k]) reason[k] = r;
    removed[k] = 1;
  };
  // Index of candidates by pixel so that a trace's end pixel can be matched to a candidate.
  const byPixel = new Map<number, number>();
  cands.forEach((c, k) => byPixel.set(c.index, k));
  const near = (p: number): number => {
    const hit = byPixel.get(p);
    if (hit !== undefined) return hit;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const h = byPixel.get(p + dy * width + dx);
        if (h !== undefined) return h;
      }
    return -1;
  };
  const kill: [number, string][] = [];
  for (let k = 0; k < n; k++) {
    const c = cands[k];
    if (c.type === 'ending') {
      const t = c.traces[0];
      if (t.stop === 'junction' && t.length <= o.spur) {
        kill.push([k, 'spur']);
        const j = near(t.end);
        if (j >= 0) kill.push([j, 'spur']);
      } else if (t.stop === 'ending' && t.length <= o.shortRidge) {
        kill.push([k, 'short']);
        const j = near(t.end);
        if (j >= 0) kill.push([j, 'short']);
      }
    } else {
      for (const t of c.traces) {
        if (t.stop === 'junction' && t.length <= o.bridge) {
          kill.push([k, 'bridge']);
          const j = near(t.end);
          if (j >= 0) kill.push([j, 'bridge']);
        }
      }
    }
  }
  for (const [k, r] of kill) mark(k, r);
  // Broken ridges: two endings facing each other across a short gap, in line with the gap.
  const gap2 = o.gap * o.gap;
  const gapKill: number[] = [];
  forNearPairs(cands, o.gap, (a, b) => {
    if (removed[a] || removed[b] || cands[a].type !== 'ending' || cands[b].type !== 'ending') return;
    const p = cands[a];
    const q = cands[b];
    const ex = q.x - p.x;
    const ey = q.y - p.y;
    const d2 = ex * ex + ey * ey;
    if (d2 > gap2) return;
    const d = Math.sqrt(d2) || 1;
    const facing = p.dx * q.dx + p.dy * q.dy;
    const along = (p.dx * ex + p.dy * ey) / d; // p points towards q
    const back = -(q.dx * ex + q.dy * ey) / d; // q points towards p
    if (facing < -0.5 && along > 0.5 && back > 0.5) gapKill.push(a, b);
  });
  for (const k of gapKill) mark(k, 'gap');
  // Clusters: survivors too close to each other.
  const c2 = o.cluster * o.cluster;
  const clusterKill: number[] = [];
  forNearPairs(cands, o.cluster, (a, b) => {
    if (removed[a] || removed[b]) return;
    const ex = cands[b].x - cands[a].x;
    const ey = cands[b].y - cands[a].y;
    if (ex * ex + ey * ey <= c2) clusterKill.push(a, b);
  });
  for (const k of clusterKill) mark(k, 'cluster');
  const out: Candidate[] = [];
  for (let k = 0; k < n; k++) {
    if (removed[k]) continue;
    if (cands[k].border < o.border) {
      reason[k] = 'border';
      continue;
    }
    out.push(cands[k]);
  }
  if (why) why.splice(0, why.length, ...reason);
  return out;
}

/**
 * Calls `visit(a, b)` (a < b) for every pair of candidates within `radius` of each other in
 * both coordinates, using a grid of radius-sized cells so that dense inputs stay near-linear.
 */
function forNearPairs(cands: Candidate[], radius: number, visit: (a: number, b: number) => void): void {
  const cell = Math.max(1, radius);
  const grid = new Map<number, number[]>();
  const key = (cx: number, cy: number): number => cy * 65536 + cx;
  cands.forEach((c, k) => {
    const id = key(Math.floor(c.x / cell), Math.floor(c.y / cell));
    const list = grid.get(id);
    if (list) list.push(k);
    else grid.set(id, [k]);
  });
  cands.forEach((c, a) => {
    const cx = Math.floor(c.x / cell);
    const cy = Math.floor(c.y / cell);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const list = grid.get(key(cx + dx, cy + dy));
        if (!list) continue;
        for (const b of list) if (b > a && Math.abs(cands[b].x - c.x) <= radius && Math.abs(cands[b].y - c.y) <= radius) visit(a, b);
      }
  });
}
