import { describe, expect, it } from 'vitest';
import { blockTensor, rawOrientation } from './orientation.ts';
import { distanceToBackground, fillHoles, largestComponent, pixelMask, segmentBlocks } from './segmentation.ts';
import { seeded, stripes } from './synthetic.ts';

describe('segmentation', () => {
  it('marks a striped centre as foreground and the flat surround as background', () => {
    const img = stripes(160, 160, 1.1, 9, { margin: 40 });
    const f = rawOrientation(blockTensor(img.pixels, 160, 160, 8), 1);
    const m = segmentBlocks(f);
    expect(m[10 * f.bw + 10]).toBe(1);
    expect(m[0]).toBe(0);
    expect(m[2 * f.bw + 17]).toBe(0);
  });

  it('finds no foreground in a blank image', () => {
    const pixels = new Uint8Array(100 * 100).fill(255);
    const f = rawOrientation(blockTensor(pixels, 100, 100, 8), 1);
    expect(segmentBlocks(f).every((v) => v === 0)).toBe(true);
  });

  it('finds no foreground in uniform noise', () => {
    const rnd = seeded(7);
    const pixels = new Uint8Array(128 * 128).map(() => Math.floor(rnd() * 256));
    const f = rawOrientation(blockTensor(pixels, 128, 128, 8), 1);
    const fg = segmentBlocks(f).reduce((a, v) => a + v, 0);
    expect(fg).toBeLessThan(4);
  });

  it('keeps the largest region and fills its holes', () => {
    // 6×6 grid: a 4×4 ring with a hole, plus a lone cell.
    const m = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    const big = largestComponent(m, 6, 6);
    expect(big[0]).toBe(0);
    fillHoles(big, 6, 6);
    expect(big[2 * 6 + 2]).toBe(1);
    expect(big.reduce((a, v) => a + v, 0)).toBe(16);
  });

  it('expands blocks to pixels and measures the distance to the background', () => {
    const blocks = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const px = pixelMask(blocks, 3, 8, 24, 24);
    expect(px[12 * 24 + 12]).toBe(1);
    expect(px[3 * 24 + 3]).toBe(0);
    expect(distanceToBackground(blocks, 3, 3, 8, 24, 24, 12, 12)).toBeCloseTo(4, 5);
    expect(distanceToBackground(blocks, 3, 3, 8, 24, 24, 8, 12)).toBeCloseTo(1, 5); // next to the background pixel at x = 7
  });
});
