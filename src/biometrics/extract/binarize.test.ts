import { describe, expect, it } from 'vitest';
import { binarize } from './binarize.ts';

describe('binarize', () => {
  it('marks positive responses inside the mask as ridge', () => {
    const e = Float32Array.from([1, -1, 1, -1]);
    const mask = Uint8Array.from([1, 1, 1, 0]);
    expect(Array.from(binarize(e, mask, 4, 1, 0))).toEqual([1, 0, 1, 0]);
  });

  it('removes small ridge islands and fills small valley lakes', () => {
    const w = 40;
    const h = 40;
    const e = new Float32Array(w * h).fill(-1);
    const mask = new Uint8Array(w * h).fill(1);
    // A 2×2 island of ridge.
    for (const [x, y] of [[5, 5], [6, 5], [5, 6], [6, 6]]) e[y * w + x] = 1;
    // A 20×10 ridge slab with a 2×2 lake in it.
    for (let y = 20; y < 30; y++) for (let x = 10; x < 30; x++) e[y * w + x] = 1;
    for (const [x, y] of [[20, 24], [21, 24], [20, 25], [21, 25]]) e[y * w + x] = -1;
    const b = binarize(e, mask, w, h, 16);
    expect(b[5 * w + 5]).toBe(0);
    expect(b[24 * w + 20]).toBe(1);
    expect(b[22 * w + 15]).toBe(1);
    expect(b[0]).toBe(0);
  });
});
