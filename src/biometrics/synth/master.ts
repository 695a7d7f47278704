import { BiometricError } from '../errors.ts';
import { growRidges, kernelIndex } from './gabor.ts';
import { valueNoise } from './noise.ts';
import {
  checkClassWeights,
  fingertipLevel,
  orientationField,
  PATTERN_CLASSES,
  placeSingularities,
  samplePatternClass,
  type FingertipShape,
  type PatternClass,
  type Singularities,
} from './pattern.ts';
import { toRng, type Rng, type Seed } from './random.ts';

export interface MasterOptions {
  /** Force a class instead of drawing one with `classWeights`. */
  readonly patternClass?: PatternClass;
  /** Relative class frequencies; missing classes keep their natural weight. */
  readonly classWeights?: Partial<Record<PatternClass, number>>;
  /** Fingertip width in pixels at 500 ppi (default: uniform 260–330). Range 120–600. */
  readonly fingertipWidth?: number;
  /** Fingertip height in pixels at 500 ppi (default: uniform 340–420). Range 160–800. */
  readonly fingertipHeight?: number;
  /** Mean ridge period in pixels at 500 ppi (default: uniform 8.2–10.2). Range 6.5–13. */
  readonly meanRidgePeriod?: number;
  /** Smooth orientation perturbation amplitude in radians (default 0.14). Range 0–0.6. */
  readonly orientationNoise?: number;
  /** Number of random ridge seeds the Gabor growth starts from (default: 60–130). Where growth fronts meet out of phase, ridge endings and bifurcations form, so more seeds give more minutiae. Range 1–400. */
  readonly seedCount?: number;
}

/** A master fingerprint: the finger's ridge pattern before any impression effects. */
export interface MasterFingerprint {
  /** Key of the random stream that produced it (for manifests and impressions). */
  readonly seedKey: string;
  readonly width: number;
  readonly height: number;
  readonly ppi: number;
  readonly patternClass: PatternClass;
  readonly singularities: Singularities;
  readonly shape: FingertipShape;
  /** Ridge orientation in radians [0, π), image coordinates. */
  readonly orientation: Float32Array;
  /** Local ridge period in pixels. */
  readonly period: Float32Array;
  /** Ridge map in [-1, 1]: +1 ridge centre, −1 valley centre; roughly sinusoidal across ridges. */
  readonly ridges: Float32Array;
  /** 1 inside the fingertip silhouette. */
  readonly mask: Uint8Array;
  /** Gabor iterations the growth took. */
  readonly iterations: number;
}

const MARGIN = 24;

function checkRange(name: string, value: number | undefined, lo: number, hi: number, integer = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    throw new BiometricError('INVALID_ARGUMENT', `${name} must be ${integer ? 'an integer' : 'a number'} in ${lo}–${hi}, got ${String(value)}`);
  }
}

/**
 * Sets row y of `out` to 1 where `fingertipLevel(shape, x, y, grow) ≤ 1`. The level grows with
 * |x − cx| along a row, so the inside is one run: its ends are found by bisection with the
 * same test, instead of evaluating it at every pixel.
 */
function fillSpan(out: Uint8Array, y: number, width: number, shape: FingertipShape, grow: number): void {
  const inside = (x: number) => fingertipLevel(shape, x, y, grow) <= 1;
  const c = Math.min(width - 1, Math.max(0, Math.round(shape.cx)));
  if (!inside(c)) return;
  // Last inside pixel to the right of c, first inside pixel to the left.
  let lo = c;
  let hi = width;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (inside(mid)) lo = mid;
    else hi = mid;
  }
  const right = lo;
  lo = -1;
  hi = c;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (inside(mid)) hi = mid;
    else lo = mid;
  }
  out.fill(1, y * width + hi, y * width + right + 1);
}

export function validateMasterOptions(options: MasterOptions): void {
  if (options === null || typeof options !== 'object') throw new BiometricError('INVALID_ARGUMENT', 'master options must be an object');
  if (options.patternClass !== undefined && !PATTERN_CLASSES.includes(options.patternClass)) {
    throw new BiometricError('INVALID_ARGUMENT', `unknown pattern class '${String(options.patternClass)}'`);
  }
  if (options.classWeights !== undefined) checkClassWeights(options.classWeights);
  checkRange('fingertipWidth', options.fingertipWidth, 120, 600);
  checkRange('fingertipHeight', options.fingertipHeight, 160, 800);
  checkRange('meanRidgePeriod', options.meanRidgePeriod, 6.5, 13);
  checkRange('orientationNoise', options.orientationNoise, 0, 0.6);
  checkRange('seedCount', options.seedCount, 1, 400, true);
}

/**
 * Generates a master fingerprint, SFinGe style: fingertip silhouette → pattern class →
 * singularities → zero-pole orientation field → ridge-period field → ridges grown from a few
 * random seeds by iterated space-variant Gabor filtering. Deterministic in the seed and options.
 * A stream passed as the seed is used only through its key (`fork`), never advanced, so the
 * master depends on `rng.key` alone.
 */
export function generateMaster(seed: Seed | Rng, options: MasterOptions = {}): MasterFingerprint {
  validateMasterOptions(options);
  const rng = toRng(seed);
  const shapeRng = rng.fork('shape');
  const tipW = options.fingertipWidth ?? shapeRng.uniform(260, 330);
  const tipH = options.fingertipHeight ?? shapeRng.uniform(340, 420);
  const topShare = shapeRng.uniform(0.5, 0.56);
  const width = Math.ceil(tipW + 2 * MARGIN);
  const height = Math.ceil(tipH + 2 * MARGIN);
  const shape: FingertipShape = {
    cx: width / 2,
    cy: MARGIN + topShare * tipH,
    halfWidth: tipW / 2,
    halfHeightTop: topShare * tipH,
    halfHeightBottom: (1 - topShare) * tipH,
  };

  const patternClass = options.patternClass ?? samplePatternClass(rng.fork('class'), options.classWeights);
  const singularities = placeSingularities(rng.fork('singularities'), patternClass, shape);
  const orientRng = rng.fork('orientation');
  const orientation = orientationField(orientRng, {
    cls: patternClass,
    singularities,
    shape,
    archAmplitude: orientRng.uniform(0.12, 0.22),
    archWidth: orientRng.uniform(0.22, 0.32),
    perturbation: options.orientationNoise ?? 0.14,
  }, width, height);

  // Ridge period: a per-finger mean, a smooth random variation, slightly wider around the cores.
  const periodRng = rng.fork('period');
  const meanPeriod = options.meanRidgePeriod ?? periodRng.uniform(8.2, 10.2);
  const periodNoise = valueNoise(periodRng, width, height, 150);
  const periodDetail = valueNoise(periodRng.fork('detail'), width, height, 55);
  const period = new Float32Array(width * height);
  const mask = new Uint8Array(width * height);
  const region = new Uint8Array(width * height);
  const kernels = new Uint16Array(width * height);
  const cores = singularities.cores;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let p = meanPeriod * (1 + 0.07 * periodNoise[i] + 0.1 * periodDetail[i]);
      for (let k = 0; k < cores.length; k++) {
        const d2 = (x - cores[k].x) ** 2 + (y - cores[k].y) ** 2;
        p += 0.6 * Math.exp(-d2 / (2 * 70 * 70));
      }
      p = Math.min(13, Math.max(6.5, p));
      period[i] = p;
      kernels[i] = kernelIndex(orientation[i], p);
    }
    fillSpan(mask, y, width, shape, 0);
    fillSpan(region, y, width, shape, MARGIN - 6);
  }

  // Growth runs at the ridge-period scale: on a grid of half the resolution (250 ppi, ridge
  // period 3.3–6.5 px, well above the 2 px Nyquist limit) with the same filters sampled
  // half as finely — a quarter of the pixels and a quarter of the taps. Half-resolution pixel
  // (X, Y) samples full-resolution pixel (2X, 2Y).
  const hw = Math.ceil(width / 2);
  const hh = Math.ceil(height / 2);
  const halfKernels = new Uint16Array(hw * hh);
  const halfRegion = new Uint8Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * width + 2 * x;
      halfKernels[y * hw + x] = kernels[i];
      halfRegion[y * hw + x] = region[i];
    }
  }

  // Seeds: small ±1 blobs at random places inside the fingertip.
  const seedRng = rng.fork('seeds');
  const seedCount = options.seedCount ?? seedRng.int(60, 130);
  const initial = new Float32Array(hw * hh);
  let placed = 0;
  for (let attempt = 0; placed < seedCount && attempt < seedCount * 100; attempt++) {
    const sx = Math.floor(seedRng.uniform(0, width));
    const sy = Math.floor(seedRng.uniform(0, height));
    if (!mask[sy * width + sx]) continue;
    const value = seedRng.chance(0.5) ? 1 : -1;
    const hx = sx >> 1;
    const hy = sy >> 1;
    for (let dy = 0; dy <= 1; dy++) {
      for (let dx = 0; dx <= 1; dx++) {
        const x = hx + dx;
        const y = hy + dy;
        if (x < hw && y < hh) initial[y * hw + x] = value;
      }
    }
    placed++;
  }

  const coarse = growRidges({ width: hw, height: hh, scale: 2, kernels: halfKernels, region: halfRegion, initial, gain: 1.7, maxIterations: 150, polishIterations: 6 });
  // Back to full resolution: bilinear upsampling of the clipped state, then one pass of the
  // full-resolution filters (no further growth) gives a clean, sinusoid-like response.
  const upsampled = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = y >> 1;
    const y1 = Math.min(hh - 1, y0 + 1);
    const fy = (y & 1) * 0.5;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!region[i]) continue;
      const x0 = x >> 1;
      const x1 = Math.min(hw - 1, x0 + 1);
      const fx = (x & 1) * 0.5;
      const top = coarse.state[y0 * hw + x0] * (1 - fx) + coarse.state[y0 * hw + x1] * fx;
      const bottom = coarse.state[y1 * hw + x0] * (1 - fx) + coarse.state[y1 * hw + x1] * fx;
      upsampled[i] = top * (1 - fy) + bottom * fy;
    }
  }
  const grown = growRidges({ width, height, kernels, region, initial: upsampled, gain: 1.7, maxIterations: 0, polishIterations: 0 });
  const ridges = new Float32Array(width * height);
  const scale = Math.PI / 4; // the response to a ±1 square wave is ≈ 4/π
  for (let i = 0; i < ridges.length; i++) {
    // Half the smooth response (gives a sinusoid-like profile for pressure to act on), half the
    // clipped state that one more growth step would make of it (keeps ridge endings and
    // bifurcations crisp where the response is weak).
    let v = grown.response[i] * scale;
    v = v > 1 ? 1 : v < -1 ? -1 : v;
    let c = 1.7 * grown.response[i];
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    ridges[i] = 0.5 * v + 0.5 * c;
  }

  return {
    seedKey: rng.key,
    width,
    height,
    ppi: 500,
    patternClass,
    singularities,
    shape,
    orientation,
    period,
    ridges,
    mask,
    iterations: coarse.iterations + grown.iterations,
  };
}
