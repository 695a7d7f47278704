import { describe, expect, it } from 'vitest';
import { ANALYSIS_HIGHPASS_HALF, ANALYSIS_LOWPASS_HALF } from './constants.ts';
import { buildWaveletTree } from './tree.ts';
import { reconstruct, type FilterBank } from './wavelet.ts';

const STANDARD: FilterBank = { lowHalf: ANALYSIS_LOWPASS_HALF, highHalf: ANALYSIS_HIGHPASS_HALF };

function noise(n: number, seed: number): Float32Array {
  let state = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 0x1000000 - 128;
  }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('WSQ inverse transform by lifting', () => {
  it('matches the convolution synthesis on every node size of small and odd-sized images', () => {
    for (const [width, height] of [
      [32, 32],
      [33, 35],
      [47, 64],
      [64, 41],
      [100, 77],
      [129, 130],
      [545, 622],
    ]) {
      const tree = buildWaveletTree(width, height);
      const coefficients = noise(width * height, width * 1000 + height);
      const byLifting = coefficients.slice();
      const byConvolution = coefficients.slice();
      reconstruct(byLifting, width, height, tree, STANDARD);
      reconstruct(byConvolution, width, height, tree, STANDARD, true);
      expect(maxDiff(byLifting, byConvolution), `${width}×${height}`).toBeLessThan(1e-3);
    }
  });

  it('falls back to convolution for filters that are not the 9/7 pair', () => {
    const other: FilterBank = { lowHalf: [0.9, 0.3, -0.1, -0.02, 0.03], highHalf: [0.8, -0.4, -0.05, 0.06] };
    const tree = buildWaveletTree(40, 36);
    const a = noise(40 * 36, 5);
    const b = a.slice();
    reconstruct(a, 40, 36, tree, other);
    reconstruct(b, 40, 36, tree, other, true);
    expect(maxDiff(a, b)).toBe(0);
  });
});
