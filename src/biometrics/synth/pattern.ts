import { BiometricError } from '../errors.ts';
import { valueNoise } from './noise.ts';
import type { Rng } from './random.ts';

/**
 * Henry/NIST pattern classes. Left/right refer to the image as seen (finger pads towards the
 * viewer, fingertip up): a left loop's ridges enter and leave on the left, its delta is on the right.
 */
export type PatternClass = 'arch' | 'tented-arch' | 'left-loop' | 'right-loop' | 'whorl';

export const PATTERN_CLASSES: readonly PatternClass[] = ['arch', 'tented-arch', 'left-loop', 'right-loop', 'whorl'];

/** Natural frequencies (FBI statistics as used by SFinGe): A 3.7 %, T 2.9 %, L 33.8 %, R 31.7 %, W 27.9 %. */
export const DEFAULT_CLASS_WEIGHTS: Readonly<Record<PatternClass, number>> = {
  arch: 0.037,
  'tented-arch': 0.029,
  'left-loop': 0.338,
  'right-loop': 0.317,
  whorl: 0.279,
};

export function checkClassWeights(weights: Partial<Record<PatternClass, number>>): Record<PatternClass, number> {
  const full = { ...DEFAULT_CLASS_WEIGHTS, ...weights };
  let total = 0;
  for (const key of Object.keys(full)) {
    if (!(PATTERN_CLASSES as readonly string[]).includes(key)) {
      throw new BiometricError('INVALID_ARGUMENT', `unknown pattern class '${key}'`);
    }
    const w = full[key as PatternClass];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new BiometricError('INVALID_ARGUMENT', `class weight for ${key} must be a finite non-negative number`);
    }
    total += w;
  }
  if (total <= 0) throw new BiometricError('INVALID_ARGUMENT', 'class weights sum to zero');
  return full;
}

/** Draws a pattern class with the given (default: natural) frequencies. */
export function samplePatternClass(rng: Rng, weights: Partial<Record<PatternClass, number>> = {}): PatternClass {
  const full = checkClassWeights(weights);
  return rng.weighted(PATTERN_CLASSES, PATTERN_CLASSES.map((c) => full[c]));
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Singularities {
  readonly cores: readonly Point[];
  readonly deltas: readonly Point[];
}

/** Elliptical fingertip: centre, half-width, half-heights above/below the centre. */
export interface FingertipShape {
  readonly cx: number;
  readonly cy: number;
  readonly halfWidth: number;
  readonly halfHeightTop: number;
  readonly halfHeightBottom: number;
}

/**
 * Rounded-top, squarer-bottom fingertip silhouette: an ellipse above the centre and a
 * super-ellipse (exponent 3.2) below it, the way the pad continues towards the palm.
 * Returns a value ≤ 1 inside (0 at the centre).
 */
export function fingertipLevel(shape: FingertipShape, x: number, y: number, grow = 0): number {
  const u = Math.abs(x - shape.cx) / (shape.halfWidth + grow);
  if (y < shape.cy) {
    const v = (shape.cy - y) / (shape.halfHeightTop + grow);
    return u * u + v * v;
  }
  const v = (y - shape.cy) / (shape.halfHeightBottom + grow);
  return Math.pow(u, 3.2) + Math.pow(v, 3.2);
}

/** Places cores and deltas plausibly for the class (image coordinates, y down). */
export function placeSingularities(rng: Rng, cls: PatternClass, shape: FingertipShape): Singularities {
  const w = 2 * shape.halfWidth;
  const h = shape.halfHeightTop + shape.halfHeightBottom;
  const cx = shape.cx;
  const cy = shape.cy;
  switch (cls) {
    case 'arch':
      return { cores: [], deltas: [] };
    case 'tented-arch': {
      const core = { x: cx + rng.normal(0, 0.04 * w), y: cy + rng.normal(-0.04 * h, 0.04 * h) };
      const delta = { x: core.x + rng.normal(0, 5), y: core.y + rng.uniform(0.14, 0.22) * h };
      return { cores: [core], deltas: [delta] };
    }
    case 'left-loop':
    case 'right-loop': {
      const side = cls === 'left-loop' ? 1 : -1;
      const core = { x: cx - side * rng.uniform(0, 0.06) * w + rng.normal(0, 0.03 * w), y: cy + rng.normal(-0.06 * h, 0.05 * h) };
      const delta = { x: core.x + side * rng.uniform(0.24, 0.38) * w, y: core.y + rng.uniform(0.2, 0.3) * h };
      return { cores: [core], deltas: [delta] };
    }
    case 'whorl': {
      const top = { x: cx + rng.normal(0, 0.03 * w), y: cy + rng.normal(-0.1 * h, 0.04 * h) };
      // Concentric whorls have cores close together; double loops have them further apart and offset.
      const spread = rng.chance(0.3) ? rng.uniform(0.1, 0.16) * h : rng.uniform(0.04, 0.09) * h;
      const tilt = rng.normal(0, 0.35);
      const bottom = { x: top.x + Math.sin(tilt) * spread, y: top.y + Math.cos(tilt) * spread };
      const midY = (top.y + bottom.y) / 2;
      const left = { x: cx - rng.uniform(0.3, 0.4) * w, y: midY + rng.uniform(0.2, 0.3) * h };
      const right = { x: cx + rng.uniform(0.3, 0.4) * w, y: midY + rng.uniform(0.2, 0.3) * h };
      return { cores: [top, bottom], deltas: [left, right] };
    }
  }
}

export interface OrientationModel {
  readonly cls: PatternClass;
  readonly singularities: Singularities;
  readonly shape: FingertipShape;
  /** Arch bump amplitude (fraction of height) and width (fraction of width). */
  readonly archAmplitude: number;
  readonly archWidth: number;
  /** Amplitude of the smooth random perturbation, radians. */
  readonly perturbation: number;
}

/**
 * Ridge orientation (radians in [0, π), image coordinates, y down) on a width × height grid:
 * the zero-pole model of Sherlock and Monro, θ = ½ (Σ arg(z − c) − Σ arg(z − d)), for classes
 * with singularities, an explicit arch-bump field for plain arches, plus a smooth random
 * perturbation (which leaves the singularities' Poincaré indices unchanged).
 */
export function orientationField(rng: Rng, model: OrientationModel, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const { cores, deltas } = model.singularities;
  const pert = valueNoise(rng.fork('coarse'), width, height, 140);
  const pertFine = valueNoise(rng.fork('fine'), width, height, 70);
  const { shape } = model;
  const w = 2 * shape.halfWidth;
  const h = shape.halfHeightTop + shape.halfHeightBottom;
  const top = shape.cy - shape.halfHeightTop;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let theta: number;
      if (model.cls === 'arch') {
        const s = model.archWidth * w;
        const u = (x - shape.cx) / s;
        const t = Math.min(1, Math.max(0, (y - top) / h));
        const amp = model.archAmplitude * h * Math.pow(1 - t, 1.3) * (0.35 + 0.65 * Math.min(1, t * 3));
        const slope = ((amp * 2 * u) / s) * Math.exp(-u * u);
        theta = Math.atan(slope);
      } else {
        let sum = 0;
        for (const c of cores) sum += Math.atan2(y - c.y, x - c.x);
        for (const d of deltas) sum -= Math.atan2(y - d.y, x - d.x);
        theta = sum / 2;
      }
      const i = y * width + x;
      theta += model.perturbation * (0.7 * pert[i] + 0.3 * pertFine[i]);
      theta %= Math.PI;
      if (theta < 0) theta += Math.PI;
      out[i] = theta;
    }
  }
  return out;
}
