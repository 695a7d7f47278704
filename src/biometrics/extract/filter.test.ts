import { describe, expect, it } from 'vitest';
import { filterCandidates, type FilterOptions } from './filter.ts';
import { detectCandidates, type Candidate } from './minutiae.ts';

const OPTIONS: FilterOptions = { spur: 12, shortRidge: 20, bridge: 12, gap: 16, cluster: 5, border: 10 };

function detect(w: number, h: number, lines: [number, number, number, number][]): Candidate[] {
  const img = new Uint8Array(w * h);
  for (const [x0, y0, x1, y1] of lines) {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let k = 0; k <= n; k++) img[Math.round(y0 + ((y1 - y0) * k) / n) * w + Math.round(x0 + ((x1 - x0) * k) / n)] = 1;
  }
  const c = detectCandidates(img, w, h, new Uint8Array(w * h).fill(1));
  for (const m of c) m.border = Math.min(m.x, m.y, w - 1 - m.x, h - 1 - m.y);
  return c;
}

describe('false-minutiae filter', () => {
  it('removes a short spur together with the junction it makes', () => {
    const c = detect(100, 60, [[5, 30, 95, 30], [50, 29, 50, 22]]);
    expect(c.some((m) => m.type === 'bifurcation')).toBe(true);
    const kept = filterCandidates(c, 100, OPTIONS);
    expect(kept.filter((m) => m.x > 30 && m.x < 70)).toHaveLength(0);
  });

  it('removes a short isolated ridge', () => {
    const c = detect(100, 60, [[40, 30, 52, 30]]);
    expect(filterCandidates(c, 100, OPTIONS)).toHaveLength(0);
  });

  it('removes the two endings of a broken ridge but keeps real endings', () => {
    const c = detect(120, 60, [[15, 30, 55, 30], [62, 30, 105, 30], [15, 45, 60, 45]]);
    const kept = filterCandidates(c, 120, OPTIONS);
    expect(kept.map((m) => [m.x, m.y]).sort()).toEqual([[105, 30], [15, 30], [15, 45], [60, 45]]);
  });

  it('removes minutiae near the border of the foreground', () => {
    const c = detect(100, 60, [[3, 30, 60, 30]]);
    const kept = filterCandidates(c, 100, OPTIONS);
    expect(kept.map((m) => m.x)).toEqual([60]);
  });
});
