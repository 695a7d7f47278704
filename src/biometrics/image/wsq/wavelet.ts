/**
 * The WSQ two-channel symmetric wavelet transform. Lines are extended by whole-sample symmetry
 * at both ends; lowpass samples sit on even positions and highpass samples on odd positions.
 * With odd-length filters (the spec's 9/7 pair) this is exactly invertible.
 *
 * Each one-dimensional transform of a line of length N is precomputed as a "plan": for every
 * output sample, the list of input positions (already folded by the symmetric extension) and
 * their weights. Plans are cached by (N, spectral inversion, filters) and applied either along
 * rows or, cache-friendly, to whole rows at once for the vertical direction.
 */

import { liftLine, MIN_LIFTING_LENGTH, synthesizeColumns, synthesizeRows, type LiftingBank } from './lifting.ts';

export interface FilterBank {
  /** Analysis lowpass, centre tap first then outwards (odd full length 2·n − 1). */
  readonly lowHalf: readonly number[];
  /** Analysis highpass, centre tap first then outwards. */
  readonly highHalf: readonly number[];
}

interface Plan {
  /** Output n uses taps start[n] … start[n + 1] − 1. */
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let r = i % period;
  if (r < 0) r += period;
  return r >= n ? period - r : r;
}

class PlanBuilder {
  private readonly start: number[] = [0];
  private readonly index: number[] = [];
  private readonly weight: number[] = [];
  private pending = new Map<number, number>();

  add(index: number, weight: number): void {
    this.pending.set(index, (this.pending.get(index) ?? 0) + weight);
  }

  endOutput(): void {
    for (const [i, w] of this.pending) {
      if (w === 0) continue;
      this.index.push(i);
      this.weight.push(w);
    }
    this.pending = new Map();
    this.start.push(this.index.length);
  }

  build(): Plan {
    return { start: Int32Array.from(this.start), index: Int32Array.from(this.index), weight: Float64Array.from(this.weight) };
  }
}

function analysisPlan(n: number, inv: boolean, bank: FilterBank): Plan {
  const llen = Math.ceil(n / 2);
  const hlen = n - llen;
  const b = new PlanBuilder();
  const lowTaps = bank.lowHalf.length - 1;
  const highTaps = bank.highHalf.length - 1;
  const emitLow = (): void => {
    for (let k = 0; k < llen; k++) {
      for (let j = -lowTaps; j <= lowTaps; j++) b.add(reflect(2 * k + j, n), bank.lowHalf[Math.abs(j)]);
      b.endOutput();
    }
  };
  const emitHigh = (): void => {
    for (let k = 0; k < hlen; k++) {
      for (let j = -highTaps; j <= highTaps; j++) b.add(reflect(2 * k + 1 + j, n), bank.highHalf[Math.abs(j)]);
      b.endOutput();
    }
  };
  if (inv) {
    emitHigh();
    emitLow();
  } else {
    emitLow();
    emitHigh();
  }
  return b.build();
}

function synthesisPlan(n: number, inv: boolean, bank: FilterBank): Plan {
  const llen = Math.ceil(n / 2);
  const hlen = n - llen;
  const lowBase = inv ? hlen : 0;
  const highBase = inv ? 0 : llen;
  // Synthesis lowpass is the modulated analysis highpass, and vice versa.
  const g0Taps = bank.highHalf.length - 1;
  const g1Taps = bank.lowHalf.length - 1;
  const b = new PlanBuilder();
  for (let out = 0; out < n; out++) {
    for (let c = -g0Taps; c <= g0Taps; c++) {
      if ((out - c) % 2 !== 0) continue;
      const pos = reflect(out - c, n);
      const sign = Math.abs(c) % 2 === 0 ? 1 : -1;
      b.add(lowBase + pos / 2, sign * bank.highHalf[Math.abs(c)]);
    }
    if (hlen > 0) {
      for (let c = -g1Taps; c <= g1Taps; c++) {
        if ((out - 1 - c) % 2 !== 0) continue;
        const pos = reflect(out - c, n);
        if (pos % 2 === 0) continue; // cannot happen for n ≥ 2
        const sign = Math.abs(c) % 2 === 0 ? 1 : -1;
        b.add(highBase + (pos - 1) / 2, sign * bank.lowHalf[Math.abs(c)]);
      }
    }
    b.endOutput();
  }
  return b.build();
}

class PlanCache {
  private readonly plans = new Map<string, Plan>();
  constructor(
    private readonly bank: FilterBank,
    private readonly synthesis: boolean,
  ) {}
  get(n: number, inv: boolean): Plan {
    const key = `${n}:${inv ? 1 : 0}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = this.synthesis ? synthesisPlan(n, inv, this.bank) : analysisPlan(n, inv, this.bank);
      this.plans.set(key, plan);
    }
    return plan;
  }
}

/** Transforms each of `rows` rows of `len` samples: src → dst, both with row pitch `pitch`. */
function applyAlongRows(plan: Plan, src: Float32Array, srcBase: number, dst: Float32Array, dstBase: number, len: number, rows: number, pitch: number): void {
  const { start, index, weight } = plan;
  for (let r = 0; r < rows; r++) {
    const s = srcBase + r * pitch;
    const d = dstBase + r * pitch;
    for (let n = 0; n < len; n++) {
      let acc = 0;
      const end = start[n + 1];
      for (let t = start[n]; t < end; t++) acc += weight[t] * src[s + index[t]];
      dst[d + n] = acc;
    }
  }
}

/**
 * Transforms each of `cols` columns of `len` samples, processing whole row segments at once:
 * each output row is a weighted sum of a few input rows, summed three rows per pass.
 */
function applyAlongColumns(plan: Plan, src: Float32Array, srcBase: number, dst: Float32Array, dstBase: number, len: number, cols: number, pitch: number, acc: Float64Array): void {
  const { start, index, weight } = plan;
  for (let n = 0; n < len; n++) {
    const end = start[n + 1];
    let t = start[n];
    let first = true;
    while (t < end) {
      const left = end - t;
      const w0 = weight[t];
      const s0 = srcBase + index[t] * pitch;
      if (left >= 3) {
        const w1 = weight[t + 1];
        const s1 = srcBase + index[t + 1] * pitch;
        const w2 = weight[t + 2];
        const s2 = srcBase + index[t + 2] * pitch;
        if (first) for (let x = 0; x < cols; x++) acc[x] = w0 * src[s0 + x] + w1 * src[s1 + x] + w2 * src[s2 + x];
        else for (let x = 0; x < cols; x++) acc[x] += w0 * src[s0 + x] + w1 * src[s1 + x] + w2 * src[s2 + x];
        t += 3;
      } else if (left === 2) {
        const w1 = weight[t + 1];
        const s1 = srcBase + index[t + 1] * pitch;
        if (first) for (let x = 0; x < cols; x++) acc[x] = w0 * src[s0 + x] + w1 * src[s1 + x];
        else for (let x = 0; x < cols; x++) acc[x] += w0 * src[s0 + x] + w1 * src[s1 + x];
        t += 2;
      } else {
        if (first) for (let x = 0; x < cols; x++) acc[x] = w0 * src[s0 + x];
        else for (let x = 0; x < cols; x++) acc[x] += w0 * src[s0 + x];
        t += 1;
      }
      first = false;
    }
    const d = dstBase + n * pitch;
    if (first) dst.fill(0, d, d + cols);
    else for (let x = 0; x < cols; x++) dst[d + x] = acc[x];
  }
}

export interface TreeNode {
  readonly x: number;
  readonly y: number;
  readonly lenx: number;
  readonly leny: number;
  readonly invRows: boolean;
  readonly invCols: boolean;
}

/** Forward transform in place over the 20-node tree (rows first, then columns, per node). */
export function decompose(data: Float32Array, width: number, height: number, tree: readonly TreeNode[], bank: FilterBank): void {
  const temp = new Float32Array(width * height);
  const acc = new Float64Array(width);
  const cache = new PlanCache(bank, false);
  for (const node of tree) {
    if (node.lenx <= 0 || node.leny <= 0) continue;
    const base = node.y * width + node.x;
    applyAlongRows(cache.get(node.lenx, node.invRows), data, base, temp, 0, node.lenx, node.leny, width);
    applyAlongColumns(cache.get(node.leny, node.invCols), temp, 0, data, base, node.leny, node.lenx, width, acc);
  }
}

/** Lifting scalings per filter bank (null: not the standard 9/7 pair), keyed by coefficients. */
const liftingBanks = new Map<string, LiftingBank | null>();

/** Deterministic pseudo-random samples in [−64, 64) for the lifting self-check. */
function testLine(n: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 0x2000000 - 64;
  }
  return out;
}

/**
 * Fits the lifting scalings to this bank's convolution synthesis and checks the fit on lines
 * of several lengths, both orders; returns undefined when the bank is not the 9/7 pair.
 */
function fitLifting(bank: FilterBank): LiftingBank | undefined {
  if (bank.lowHalf.length !== 5 || bank.highHalf.length !== 4) return undefined;
  const n = 32;
  const llen = n / 2;
  const plan = synthesisPlan(n, false, bank);
  const fit = (stored: number, pos: number): number => {
    const impulse = new Float32Array(n);
    impulse[stored] = 1;
    const byPlan = new Float32Array(n);
    applyAlongRows(plan, impulse, 0, byPlan, 0, n, 1, n);
    const x = new Float64Array(n);
    x[pos] = 1;
    liftLine(x, n);
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += byPlan[i] * x[i];
      den += x[i] * x[i];
    }
    return num / den;
  };
  const lift: LiftingBank = { lowScale: fit(8, 16), highScale: fit(llen + 8, 17) };
  if (!Number.isFinite(lift.lowScale) || !Number.isFinite(lift.highScale) || lift.lowScale === 0 || lift.highScale === 0) return undefined;
  const line = new Float64Array(64);
  for (const len of [2, 3, 4, 5, 6, 7, 10, 13, 33, 64]) {
    for (const inv of [false, true]) {
      const src = testLine(len, len * 7 + (inv ? 1 : 0));
      const expected = new Float32Array(len);
      applyAlongRows(synthesisPlan(len, inv, bank), src, 0, expected, 0, len, 1, len);
      const got = new Float32Array(len);
      synthesizeRows(lift, src, 0, len, got, 0, len, len, 1, inv, line);
      // The same line as a column (one sample per row, row pitch 2) through the column pass.
      const column = new Float32Array(2 * len);
      for (let i = 0; i < len; i++) column[2 * i] = src[i];
      const gotColumn = new Float32Array(len);
      synthesizeColumns(lift, column, 0, 2, gotColumn, len, 1, inv, line);
      for (let i = 0; i < len; i++) if (!(Math.abs(got[i] - expected[i]) <= 1e-4 && Math.abs(gotColumn[i] - expected[i]) <= 1e-4)) return undefined;
    }
  }
  return lift;
}

function liftingFor(bank: FilterBank): LiftingBank | undefined {
  const key = `${bank.lowHalf.join(',')}/${bank.highHalf.join(',')}`;
  let lift = liftingBanks.get(key);
  if (lift === undefined) {
    lift = fitLifting(bank) ?? null;
    if (liftingBanks.size >= 16) liftingBanks.clear();
    liftingBanks.set(key, lift);
  }
  return lift ?? undefined;
}

/**
 * Scratch reused across calls (decoding is synchronous, so one buffer suffices); buffers for
 * unusually large images are not kept, so one big decode does not pin its memory.
 */
let scratch = new Float32Array(0);
let lineScratch = new Float64Array(0);
const MAX_KEPT_SCRATCH = 4 << 20;

/**
 * Inverse transform in place over the tree (nodes in reverse; columns first, then rows), by
 * lifting when the bank is the standard 9/7 pair, else (or with `convolution`) by the plans.
 */
export function reconstruct(data: Float32Array, width: number, height: number, tree: readonly TreeNode[], bank: FilterBank, convolution = false): void {
  const size = width * height;
  const temp = scratch.length >= size ? scratch : new Float32Array(size);
  if (temp !== scratch && size <= MAX_KEPT_SCRATCH) scratch = temp;
  if (lineScratch.length < Math.max(width, height)) lineScratch = new Float64Array(Math.max(width, height));
  const line = lineScratch;
  const lift = convolution ? undefined : liftingFor(bank);
  let acc: Float64Array | undefined;
  let cache: PlanCache | undefined;
  for (let i = tree.length - 1; i >= 0; i--) {
    const node = tree[i];
    if (node.lenx <= 0 || node.leny <= 0) continue;
    const base = node.y * width + node.x;
    if (lift !== undefined && node.lenx >= MIN_LIFTING_LENGTH && node.leny >= MIN_LIFTING_LENGTH) {
      synthesizeColumns(lift, data, base, width, temp, node.leny, node.lenx, node.invCols, line);
      synthesizeRows(lift, temp, 0, node.lenx, data, base, width, node.lenx, node.leny, node.invRows, line);
      continue;
    }
    acc ??= new Float64Array(width);
    cache ??= new PlanCache(bank, true);
    applyAlongColumns(cache.get(node.leny, node.invCols), data, base, temp, 0, node.leny, node.lenx, width, acc);
    applyAlongRows(cache.get(node.lenx, node.invRows), temp, 0, data, base, node.lenx, node.leny, width);
  }
}
