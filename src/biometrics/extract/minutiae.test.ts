import { describe, expect, it } from 'vitest';
import { detectCandidates } from './minutiae.ts';

function canvas(w: number, h: number): { img: Uint8Array; line: (x0: number, y0: number, x1: number, y1: number) => void } {
  const img = new Uint8Array(w * h);
  const line = (x0: number, y0: number, x1: number, y1: number): void => {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let k = 0; k <= n; k++) img[Math.round(y0 + ((y1 - y0) * k) / n) * w + Math.round(x0 + ((x1 - x0) * k) / n)] = 1;
  };
  return { img, line };
}

describe('minutiae detection', () => {
  it('finds the two ends of a line, each pointing out of the ridge', () => {
    const w = 60;
    const { img, line } = canvas(w, 30);
    line(10, 15, 50, 15);
    const c = detectCandidates(img, w, 30, new Uint8Array(w * 30).fill(1));
    expect(c.map((m) => [m.type, m.x, m.y])).toEqual([
      ['ending', 10, 15],
      ['ending', 50, 15],
    ]);
    expect(c[0].dx).toBeCloseTo(-1, 5); // the left end points left
    expect(c[1].dx).toBeCloseTo(1, 5);
    expect(c[1].traces[0].stop).toBe('length'); // the 40-px ridge is longer than the default trace
    expect(c[1].traces[0].length).toBe(24);
    const short = detectCandidates(img, w, 30, new Uint8Array(w * 30).fill(1), 60);
    expect(short[0].traces[0]).toMatchObject({ stop: 'ending', length: 40 });
  });

  it('finds a bifurcation pointing away from its stem, between the branches', () => {
    const w = 80;
    const h = 60;
    const { img, line } = canvas(w, h);
    line(5, 30, 40, 30); // stem, coming from the left
    line(41, 29, 70, 10); // upper branch
    line(41, 31, 70, 50); // lower branch
    const c = detectCandidates(img, w, h, new Uint8Array(w * h).fill(1));
    const bif = c.filter((m) => m.type === 'bifurcation');
    expect(bif).toHaveLength(1);
    expect(Math.abs(bif[0].x - 40)).toBeLessThanOrEqual(1);
    expect(bif[0].dx).toBeGreaterThan(0.95); // points right, away from the stem
    expect(c.filter((m) => m.type === 'ending')).toHaveLength(3);
  });

  it('ignores candidates outside the allowed mask', () => {
    const w = 60;
    const { img, line } = canvas(w, 30);
    line(10, 15, 50, 15);
    const allowed = new Uint8Array(w * 30);
    for (let y = 0; y < 30; y++) for (let x = 30; x < 60; x++) allowed[y * w + x] = 1;
    expect(detectCandidates(img, w, 30, allowed).map((m) => m.x)).toEqual([50]);
  });
});
