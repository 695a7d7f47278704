/**
 * Space-variant oriented Gabor filtering, the ridge-growing engine of the master generator.
 *
 * A bank of even-symmetric Gabor kernels is precomputed over quantised orientation × ridge
 * period. Each kernel has zero mean and is scaled so that a unit-amplitude sinusoidal ridge
 * pattern matching it responds with exactly 1; a gain > 1 followed by clipping to [-1, 1]
 * therefore makes a matching pattern grow and saturate, while mismatching content decays.
 */

/** Kernel radius in full-resolution pixels (500 ppi). */
export const KERNEL_RADIUS = 8;
export const ORIENTATION_STEPS = 48;
/** Ridge periods of the bank, in full-resolution pixels. */
export const PERIOD_MIN = 6;
export const PERIOD_MAX = 14;
export const PERIOD_STEP = 0.5;
export const PERIOD_STEPS = Math.round((PERIOD_MAX - PERIOD_MIN) / PERIOD_STEP) + 1;

/**
 * The kernels are even (point-symmetric) and vanish outside a disc of radius `radius`, so
 * only half the disc is stored: `taps` offsets (dx, dy) with their mirror images implied, plus
 * the centre tap last. Kernel k = orientationStep · PERIOD_STEPS + periodStep occupies
 * [k·taps, (k+1)·taps) of `weights`.
 */
export interface GaborBank {
  /** Pixel size in full-resolution pixels: 1 = 500 ppi, 2 = 250 ppi (all lengths divided by 2). */
  readonly scale: number;
  readonly radius: number;
  readonly weights: Float32Array;
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly taps: number;
}

const cachedBanks = new Map<number, GaborBank>();

/**
 * Across-ridge σ is tied to the period, along-ridge σ is longer so ridges keep their direction.
 * At `scale` s every length (radius, σ, period) is divided by s, so the bank at s = 2 is the
 * same filter as at s = 1 sampled on a grid twice as coarse.
 */
function buildBank(scale: number): GaborBank {
  const radius = Math.round(KERNEL_RADIUS / scale);
  const size = 2 * radius + 1;
  const n = ORIENTATION_STEPS * PERIOD_STEPS;
  // Half disc: dy < 0, or dy = 0 and dx < 0; then the centre.
  const half: [number, number][] = [];
  for (let dy = -radius; dy <= 0; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      if (dy === 0 && dx >= 0) continue;
      half.push([dx, dy]);
    }
  }
  half.push([0, 0]);
  const taps = half.length;
  const tapDx = Int32Array.from(half, (h) => h[0]);
  const tapDy = Int32Array.from(half, (h) => h[1]);
  const weights = new Float32Array(n * taps);
  const env = new Float64Array(size * size);
  const g = new Float64Array(size * size);
  const carrier = new Float64Array(size * size);
  for (let qo = 0; qo < ORIENTATION_STEPS; qo++) {
    const theta = (qo * Math.PI) / ORIENTATION_STEPS;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    for (let qp = 0; qp < PERIOD_STEPS; qp++) {
      const period = (PERIOD_MIN + qp * PERIOD_STEP) / scale;
      const sigmaAcross = Math.min(4.2, 0.42 * period * scale) / scale;
      const sigmaAlong = 4.6 / scale;
      let envSum = 0;
      let gSum = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const i = (dy + radius) * size + dx + radius;
          const along = dx * c + dy * s;
          const across = -dx * s + dy * c;
          const e = Math.exp(-(along * along) / (2 * sigmaAlong * sigmaAlong) - (across * across) / (2 * sigmaAcross * sigmaAcross));
          const r2 = dx * dx + dy * dy;
          const taper = r2 > radius * radius ? 0 : 1;
          env[i] = e * taper;
          carrier[i] = Math.cos((2 * Math.PI * across) / period);
          g[i] = env[i] * carrier[i];
          envSum += env[i];
          gSum += g[i];
        }
      }
      // Zero DC: subtract a scaled envelope; then unit response to the matching sinusoid.
      const dc = gSum / envSum;
      let response = 0;
      for (let i = 0; i < g.length; i++) {
        g[i] -= dc * env[i];
        response += g[i] * carrier[i];
      }
      const base = (qo * PERIOD_STEPS + qp) * taps;
      for (let t = 0; t < taps; t++) {
        const i = (tapDy[t] + radius) * size + tapDx[t] + radius;
        weights[base + t] = g[i] / response;
      }
    }
  }
  return { scale, radius, weights, dx: tapDx, dy: tapDy, taps };
}

/** The kernel bank for pixels of `scale` full-resolution pixels (1 or 2), built once. */
export function gaborBank(scale = 1): GaborBank {
  let bank = cachedBanks.get(scale);
  if (!bank) {
    bank = buildBank(scale);
    cachedBanks.set(scale, bank);
  }
  return bank;
}

/** Kernel index for an orientation (radians, any range) and a ridge period (pixels). */
export function kernelIndex(theta: number, period: number): number {
  let qo = Math.round((theta / Math.PI) * ORIENTATION_STEPS) % ORIENTATION_STEPS;
  if (qo < 0) qo += ORIENTATION_STEPS;
  let qp = Math.round((period - PERIOD_MIN) / PERIOD_STEP);
  if (qp < 0) qp = 0;
  else if (qp >= PERIOD_STEPS) qp = PERIOD_STEPS - 1;
  return qo * PERIOD_STEPS + qp;
}

export interface GrowthInput {
  readonly width: number;
  readonly height: number;
  /** Per-pixel kernel index (see `kernelIndex`; periods in full-resolution pixels). */
  readonly kernels: Uint16Array;
  /** Pixel size in full-resolution pixels (default 1); see `gaborBank`. */
  readonly scale?: number;
  /** 1 where ridges may grow. */
  readonly region: Uint8Array;
  /** Initial content in [-1, 1] (seeds), row-major width × height; ignored outside the region. */
  readonly initial: Float32Array;
  readonly gain: number;
  readonly maxIterations: number;
  /** Passes over the whole region after the growth has matured everywhere. */
  readonly polishIterations: number;
}

export interface GrowthResult {
  /** Final unclipped filter response (smooth, roughly sinusoidal across ridges), width × height. */
  readonly response: Float32Array;
  /** Final clipped state (binary-ish, ±1 with narrow transitions), width × height. */
  readonly state: Float32Array;
  readonly iterations: number;
}

/**
 * The half-disc taps grouped into runs of consecutive dx on one row: run r starts at padded
 * offset `start[r]` (its mirror run ends at −start[r]) and has `length[r]` taps. Taps keep the
 * bank's order, so the sums are the same as tap by tap.
 */
interface TapRows {
  readonly start: Int32Array;
  readonly length: Int32Array;
}

function tapRows(bank: GaborBank, pw: number): TapRows {
  const start: number[] = [];
  const length: number[] = [];
  for (let t = 0; t < bank.taps - 1; t++) {
    const o = bank.dy[t] * pw + bank.dx[t];
    if (t > 0 && bank.dy[t] === bank.dy[t - 1] && bank.dx[t] === bank.dx[t - 1] + 1) length[length.length - 1]++;
    else {
      start.push(o);
      length.push(1);
    }
  }
  return { start: Int32Array.from(start), length: Int32Array.from(length) };
}

/**
 * Filters pixels [x0, x1) × [y0, y1) of the padded image `cur` into `out` (clipped to [-1, 1]
 * after the gain when `clip`); returns the largest magnitude written. Kept free of closures
 * so that the engine keeps every array in a register.
 */
function filterRect(
  cur: Float32Array,
  out: Float32Array,
  region: Uint8Array,
  kernels: Uint16Array,
  w: Float32Array,
  rows: TapRows,
  taps: number,
  gain: number,
  clip: boolean,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  width: number,
  pw: number,
  pad: number,
): number {
  const rowStart = rows.start;
  const rowLength = rows.length;
  const nRows = rowStart.length;
  const centreTap = taps - 1;
  let peak = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      const centre = (y + pad) * pw + x + pad;
      if (region[i] === 0) {
        out[centre] = 0;
        continue;
      }
      const base = kernels[i] * taps;
      let sum = w[base + centreTap] * cur[centre];
      let t = base;
      for (let r = 0; r < nRows; r++) {
        let a = centre + rowStart[r];
        let b = centre - rowStart[r];
        const end = t + rowLength[r];
        for (; t < end; t++) sum += w[t] * (cur[a++] + cur[b--]);
      }
      if (clip) {
        let v = gain * sum;
        if (v > 1) v = 1;
        else if (v < -1) v = -1;
        out[centre] = v;
        if (v > peak) peak = v;
        else if (-v > peak) peak = -v;
      } else {
        out[centre] = sum;
      }
    }
  }
  return peak;
}

const MATURE = 8; // iterations a block keeps being refined after content first reaches it

/**
 * Iterates v ← clip(gain · (G_{θ(x), T(x)} ∗ v)) inside the region until nothing changes any
 * more, recomputing only blocks next to a block that changed in the previous iteration (the
 * growing front), then returns one last unclipped response over the whole region.
 */
export function growRidges(input: GrowthInput): GrowthResult {
  const { width, height, kernels, region, gain } = input;
  const bank = gaborBank(input.scale ?? 1);
  const taps = bank.taps;
  const pad = bank.radius;
  const BLOCK = Math.max(4, bank.radius); // ≥ the kernel radius, so one block of dilation covers the kernel's reach
  const pw = width + 2 * pad;
  const ph = height + 2 * pad;
  let cur = new Float32Array(pw * ph);
  let next = new Float32Array(pw * ph);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (region[y * width + x]) cur[(y + pad) * pw + x + pad] = input.initial[y * width + x];
  }
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const blockInRegion = new Uint8Array(bw * bh);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (region[y * width + x]) blockInRegion[((y / BLOCK) | 0) * bw + ((x / BLOCK) | 0)] = 1;
    }
  }
  // Age of each block since content first reached it; blocks older than MATURE are frozen.
  const age = new Int32Array(bw * bh).fill(-1);
  // Iterations an active block has waited for content; after a while it starts ageing anyway.
  const waiting = new Int32Array(bw * bh);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (region[y * width + x] && input.initial[y * width + x] !== 0) age[((y / BLOCK) | 0) * bw + ((x / BLOCK) | 0)] = 0;
    }
  }
  const active = new Uint8Array(bw * bh);
  const w = bank.weights;

  const rows = tapRows(bank, pw);
  const filterBlock = (bx: number, by: number, out: Float32Array, clip: boolean): number =>
    filterRect(cur, out, region, kernels, w, rows, taps, gain, clip, bx * BLOCK, Math.min(width, (bx + 1) * BLOCK), by * BLOCK, Math.min(height, (by + 1) * BLOCK), width, pw, pad);

  const copyBlock = (bx: number, by: number, out: Float32Array): void => {
    const y1 = Math.min(height, (by + 1) * BLOCK);
    const x0 = bx * BLOCK + pad;
    const x1 = Math.min(width, (bx + 1) * BLOCK) + pad;
    for (let y = by * BLOCK; y < y1; y++) {
      const row = (y + pad) * pw;
      for (let x = row + x0; x < row + x1; x++) out[x] = cur[x];
    }
  };

  let iterations = 0;
  while (iterations < input.maxIterations) {
    // Active: not yet mature, in the region, and with content in itself or a neighbour.
    active.fill(0);
    let any = false;
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        const b = by * bw + bx;
        if (!blockInRegion[b] || age[b] >= MATURE) continue;
        let near = false;
        for (let j = Math.max(0, by - 1); j <= Math.min(bh - 1, by + 1) && !near; j++) {
          for (let i = Math.max(0, bx - 1); i <= Math.min(bw - 1, bx + 1); i++) {
            if (age[j * bw + i] >= 0) {
              near = true;
              break;
            }
          }
        }
        if (near) {
          active[b] = 1;
          any = true;
        }
      }
    }
    if (!any) break;
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        const b = by * bw + bx;
        if (active[b]) {
          const peak = filterBlock(bx, by, next, true);
          if (age[b] >= 0) age[b]++;
          else if (peak > 0.05 || ++waiting[b] > MATURE * 2) age[b] = 0;
        } else if (blockInRegion[b]) {
          copyBlock(bx, by, next);
        }
      }
    }
    [cur, next] = [next, cur];
    iterations++;
  }
  // Polish: a few passes over everything, so seams where growth fronts met out of phase
  // resolve into ridge endings and bifurcations instead of staying grey.
  for (let p = 0; p < input.polishIterations; p++) {
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        if (blockInRegion[by * bw + bx]) filterBlock(bx, by, next, true);
      }
    }
    [cur, next] = [next, cur];
    iterations++;
  }
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) if (blockInRegion[by * bw + bx]) filterBlock(bx, by, next, false);
  }
  const response = new Float32Array(width * height);
  const state = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!region[y * width + x]) continue;
      response[y * width + x] = next[(y + pad) * pw + x + pad];
      state[y * width + x] = cur[(y + pad) * pw + x + pad];
    }
  }
  return { response, state, iterations };
}
