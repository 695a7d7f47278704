/**
 * Fast inverse WSQ wavelet transform by lifting, for the standard CDF 9/7 filter pair.
 *
 * The 9/7 synthesis factors into four lifting steps plus a scaling of each channel
 * (Daubechies & Sweldens). With whole-sample symmetric extension the lifting steps only need
 * mirrored neighbours at the two ends of a line, so the interior loops carry no per-sample
 * branches. Compared with direct convolution this needs about a third of the arithmetic.
 *
 * Whether a file's filters are the standard pair is decided numerically, once per distinct
 * filter bank: the channel scalings are fitted against the convolution synthesis, and the
 * lifting inverse is then checked against it on random lines of several lengths. Banks that do
 * not match fall back to the convolution in wavelet.ts.
 */

/** Lifting coefficients of the CDF 9/7 analysis (predict α, update β, predict γ, update δ). */
const ALPHA = -1.586134342059924;
const BETA = -0.052980118572961;
const GAMMA = 0.882911075530934;
const DELTA = 0.443506852043971;

/** Synthesis lifting: the scalings applied to stored low/high coefficients before lifting. */
export interface LiftingBank {
  readonly lowScale: number;
  readonly highScale: number;
}

/** Shortest line the lifting path handles (shorter ones go through the convolution plan). */
export const MIN_LIFTING_LENGTH = 2;

/**
 * Inverse lifting, in place, on an interleaved line `x` of n ≥ 2 samples (lowpass samples at
 * even positions, already scaled): the unfused reference form, used to fit the scalings.
 */
export function liftLine(x: Float64Array | Float32Array, n: number): void {
  const last = n - 1;
  const oddN = (n & 1) === 1;
  // Step 1 (undo δ) on even samples.
  let c = -DELTA;
  x[0] += 2 * c * x[1];
  for (let i = 2; i < last; i += 2) x[i] += c * (x[i - 1] + x[i + 1]);
  if (oddN) x[last] += 2 * c * x[last - 1];
  // Step 2 (undo γ) on odd samples.
  c = -GAMMA;
  for (let i = 1; i < last; i += 2) x[i] += c * (x[i - 1] + x[i + 1]);
  if (!oddN) x[last] += 2 * c * x[last - 1];
  // Step 3 (undo β) on even samples.
  c = -BETA;
  x[0] += 2 * c * x[1];
  for (let i = 2; i < last; i += 2) x[i] += c * (x[i - 1] + x[i + 1]);
  if (oddN) x[last] += 2 * c * x[last - 1];
  // Step 4 (undo α) on odd samples.
  c = -ALPHA;
  for (let i = 1; i < last; i += 2) x[i] += c * (x[i - 1] + x[i + 1]);
  if (!oddN) x[last] += 2 * c * x[last - 1];
}

/**
 * Synthesis of `rows` rows of `n` samples each: row r of the source (at srcBase + r·srcPitch)
 * holds its lowpass half then highpass half (highpass first when `inv`); the reconstructed
 * row goes to dstBase + r·dstPitch. `line` is scratch of at least n samples.
 *
 * For n ≥ 4 the four lifting steps run as one pass with the recent samples in locals: at
 * step m the lowpass sample m and highpass sample m enter, and output samples 2m − 3 and
 * 2m − 2 are final.
 */
export function synthesizeRows(
  lift: LiftingBank,
  src: Float32Array,
  srcBase: number,
  srcPitch: number,
  dst: Float32Array,
  dstBase: number,
  dstPitch: number,
  n: number,
  rows: number,
  inv: boolean,
  line: Float64Array,
): void {
  const llen = (n + 1) >> 1;
  const hlen = n - llen;
  const lowOff = inv ? hlen : 0;
  const highOff = inv ? 0 : llen;
  const sL = lift.lowScale;
  const sH = lift.highScale;
  if (n < 4) {
    for (let r = 0; r < rows; r++) {
      const s = srcBase + r * srcPitch;
      for (let k = 0; k < llen; k++) line[2 * k] = src[s + lowOff + k] * sL;
      for (let k = 0; k < hlen; k++) line[2 * k + 1] = src[s + highOff + k] * sH;
      liftLine(line, n);
      const d = dstBase + r * dstPitch;
      for (let i = 0; i < n; i++) dst[d + i] = line[i];
    }
    return;
  }
  const last = n - 1;
  const d1 = -DELTA;
  const g1 = -GAMMA;
  const b1 = -BETA;
  const a1 = -ALPHA;
  const d2 = 2 * d1;
  const g2 = 2 * g1;
  const b2 = 2 * b1;
  const a2 = 2 * a1;
  // The steady-state loop runs while highpass sample m exists unmirrored (2m + 1 ≤ last).
  const mEnd = (last - 1) >> 1;
  for (let r = 0; r < rows; r++) {
    const s = srcBase + r * srcPitch;
    const lo = s + lowOff;
    const hi = s + highOff;
    const d = dstBase + r * dstPitch;
    const h0 = src[hi] * sH;
    const h1 = src[hi + 1] * sH;
    const e0 = src[lo] * sL + d2 * h0;
    const e1 = src[lo + 1] * sL + d1 * (h0 + h1);
    let oPrev = h0 + g1 * (e0 + e1);
    let bPrev = e0 + b2 * oPrev;
    dst[d] = bPrev;
    let hPrev = h1;
    let ePrev = e1;
    let m = 2;
    for (; m <= mEnd; m++) {
      const h = src[hi + m] * sH;
      const e = src[lo + m] * sL + d1 * (hPrev + h);
      const o = hPrev + g1 * (ePrev + e);
      const b = ePrev + b1 * (oPrev + o);
      const o2 = d + 2 * m;
      dst[o2 - 3] = oPrev + a1 * (bPrev + b);
      dst[o2 - 2] = b;
      hPrev = h;
      ePrev = e;
      oPrev = o;
      bPrev = b;
    }
    const o2 = d + 2 * m;
    if ((n & 1) === 0) {
      // Last sample is highpass m − 1; its right neighbour mirrors to lowpass m − 1.
      const o = hPrev + g2 * ePrev;
      const b = ePrev + b1 * (oPrev + o);
      dst[o2 - 3] = oPrev + a1 * (bPrev + b);
      dst[o2 - 2] = b;
      dst[o2 - 1] = o + a2 * b;
    } else {
      // Last sample is lowpass m; its right neighbour mirrors to highpass m − 1.
      const e = src[lo + m] * sL + d2 * hPrev;
      const o = hPrev + g1 * (ePrev + e);
      const b = ePrev + b1 * (oPrev + o);
      dst[o2 - 3] = oPrev + a1 * (bPrev + b);
      dst[o2 - 2] = b;
      const bLast = e + b2 * o;
      dst[o2 - 1] = o + a1 * (b + bLast);
      dst[o2] = bLast;
    }
  }
}

/**
 * Synthesis along columns: the node's `n` rows (lowpass rows then highpass rows, or highpass
 * first when `inv`) of `cols` samples at srcBase with pitch srcPitch are rebuilt into `dst`
 * (compact, pitch `cols`). The same single-pass schedule as the rows, a whole row at a time:
 * the intermediate values that the row version keeps in locals live in the output rows that
 * are not final yet (row 2m − 1 holds o, row 2m holds e).
 */
export function synthesizeColumns(
  lift: LiftingBank,
  src: Float32Array,
  srcBase: number,
  srcPitch: number,
  dst: Float32Array,
  n: number,
  cols: number,
  inv: boolean,
  line: Float64Array,
): void {
  const llen = (n + 1) >> 1;
  const hlen = n - llen;
  const lowBase = srcBase + (inv ? hlen : 0) * srcPitch;
  const highBase = srcBase + (inv ? 0 : llen) * srcPitch;
  const sL = lift.lowScale;
  const sH = lift.highScale;
  if (n < 4) {
    for (let x = 0; x < cols; x++) {
      for (let k = 0; k < llen; k++) line[2 * k] = src[lowBase + k * srcPitch + x] * sL;
      for (let k = 0; k < hlen; k++) line[2 * k + 1] = src[highBase + k * srcPitch + x] * sH;
      liftLine(line, n);
      for (let i = 0; i < n; i++) dst[i * cols + x] = line[i];
    }
    return;
  }
  const last = n - 1;
  const d1 = -DELTA;
  const g1 = -GAMMA;
  const b1 = -BETA;
  const a1 = -ALPHA;
  const d2 = 2 * d1;
  const g2 = 2 * g1;
  const b2 = 2 * b1;
  const a2 = 2 * a1;
  const mEnd = (last - 1) >> 1;
  {
    // m = 0 and 1: rows 0 (final) 1 (o) and 2 (e).
    const l0 = lowBase;
    const l1 = lowBase + srcPitch;
    const h0 = highBase;
    const h1 = highBase + srcPitch;
    const r1 = cols;
    const r2 = 2 * cols;
    for (let x = 0; x < cols; x++) {
      const hv0 = src[h0 + x] * sH;
      const hv1 = src[h1 + x] * sH;
      const e0 = src[l0 + x] * sL + d2 * hv0;
      const e1 = src[l1 + x] * sL + d1 * (hv0 + hv1);
      const o0 = hv0 + g1 * (e0 + e1);
      dst[x] = e0 + b2 * o0;
      dst[r1 + x] = o0;
      dst[r2 + x] = e1;
    }
  }
  let m = 2;
  for (; m <= mEnd; m++) {
    const lm = lowBase + m * srcPitch;
    const hm = highBase + m * srcPitch;
    const hp = hm - srcPitch;
    const rB = (2 * m - 4) * cols; // final b(m − 2)
    const rO = rB + cols; // o(m − 2) → final a(m − 2)
    const rE = rO + cols; // e(m − 1) → final b(m − 1)
    const rO2 = rE + cols; // ← o(m − 1)
    const rE2 = rO2 + cols; // ← e(m)
    for (let x = 0; x < cols; x++) {
      const hPrev = src[hp + x] * sH;
      const e = src[lm + x] * sL + d1 * (hPrev + src[hm + x] * sH);
      const ePrev = dst[rE + x];
      const o = hPrev + g1 * (ePrev + e);
      const oPrev = dst[rO + x];
      const b = ePrev + b1 * (oPrev + o);
      dst[rO + x] = oPrev + a1 * (dst[rB + x] + b);
      dst[rE + x] = b;
      dst[rO2 + x] = o;
      dst[rE2 + x] = e;
    }
  }
  const rB = (2 * m - 4) * cols;
  const rO = rB + cols;
  const rE = rO + cols;
  const rO2 = rE + cols;
  const hp = highBase + (m - 1) * srcPitch;
  if ((n & 1) === 0) {
    for (let x = 0; x < cols; x++) {
      const hPrev = src[hp + x] * sH;
      const ePrev = dst[rE + x];
      const o = hPrev + g2 * ePrev;
      const oPrev = dst[rO + x];
      const b = ePrev + b1 * (oPrev + o);
      dst[rO + x] = oPrev + a1 * (dst[rB + x] + b);
      dst[rE + x] = b;
      dst[rO2 + x] = o + a2 * b;
    }
  } else {
    const lm = lowBase + m * srcPitch;
    const rE2 = rO2 + cols;
    for (let x = 0; x < cols; x++) {
      const hPrev = src[hp + x] * sH;
      const e = src[lm + x] * sL + d2 * hPrev;
      const ePrev = dst[rE + x];
      const o = hPrev + g1 * (ePrev + e);
      const oPrev = dst[rO + x];
      const b = ePrev + b1 * (oPrev + o);
      dst[rO + x] = oPrev + a1 * (dst[rB + x] + b);
      dst[rE + x] = b;
      const bLast = e + b2 * o;
      dst[rO2 + x] = o + a1 * (b + bLast);
      dst[rE2 + x] = bLast;
    }
  }
}
