import { describe, expect, it } from 'vitest';
import { neighbourCode, thin } from './thinning.ts';

function count(img: Uint8Array): number {
  return img.reduce((a, v) => a + v, 0);
}

function components(img: Uint8Array, w: number, h: number): number {
  const seen = new Uint8Array(img.length);
  let n = 0;
  for (let s = 0; s < img.length; s++) {
    if (!img[s] || seen[s]) continue;
    n++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const q = yy * w + xx;
          if (img[q] && !seen[q]) { seen[q] = 1; stack.push(q); }
        }
    }
  }
  return n;
}

describe('thinning', () => {
  it('reduces a thick horizontal bar to a one-pixel line of about the same length', () => {
    const w = 60;
    const h = 20;
    const b = new Uint8Array(w * h);
    for (let y = 7; y < 12; y++) for (let x = 5; x < 55; x++) b[y * w + x] = 1;
    const s = thin(b, w, h);
    expect(count(s)).toBeGreaterThan(40);
    expect(count(s)).toBeLessThan(52);
    for (let x = 10; x < 50; x++) {
      let col = 0;
      for (let y = 0; y < h; y++) col += s[y * w + x];
      expect(col).toBe(1);
    }
  });

  it('keeps a thick ring connected, one pixel wide with two neighbours per pixel', () => {
    const w = 64;
    const b = new Uint8Array(w * w);
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) {
        const r = Math.hypot(x - 32, y - 32);
        if (r > 18 && r < 23) b[y * w + x] = 1;
      }
    const s = thin(b, w, w);
    expect(components(s, w, w)).toBe(1);
    for (let i = 0; i < s.length; i++) {
      if (!s[i]) continue;
      const c = neighbourCode(s, i, w);
      let n = 0;
      for (let k = 0; k < 8; k++) n += (c >> k) & 1;
      expect(n).toBe(2);
    }
  });

  it('returns an empty skeleton for images too small to have a frame', () => {
    expect(count(thin(Uint8Array.from([1, 1]), 2, 1))).toBe(0);
  });
});
