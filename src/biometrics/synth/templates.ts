/**
 * Statistical synthetic minutiae templates — for galleries of millions of identities, where
 * rendering and extracting images (~0.5 s per master) is far too slow.
 *
 * A *master* is the finger's true minutiae: a fingertip-shaped region (the silhouette of
 * `pattern.ts`), a pattern class with its singularities, and 30–70 minutiae placed by a
 * hard-core spatial process (no two closer than about a ridge period), a little denser around
 * the singularities, whose directions follow a smooth orientation field (the zero-pole model
 * evaluated at the points, plus a smooth random perturbation) with the ending/bifurcation
 * sense drawn at random.
 *
 * An *impression* is what an extractor would report from one touch: an elastic distortion
 * (braked slide and twist round the contact centre plus a smooth random field), a rigid pose
 * (rotation, translation) onto a 320 × 416 canvas at 500 ppi, a partial contact ellipse,
 * position and direction jitter, missed minutiae (more near the contact edge), spurious
 * minutiae, type swaps, and a quality that drives the noise levels. The defaults are tuned so
 * that the comparator's genuine and impostor score distributions resemble those of FVC2002
 * images through our extractor (scripts/synth-compare-distributions.ts,
 * bench/results/synth-distributions.png).
 *
 * Everything is drawn from `random.ts` streams keyed by the seed, so the same
 * (identity, finger, impression) always gives the same template. Cost: ~0.1–0.3 ms per finger
 * (master + impression) measured on a busy two-core machine — thousands of times cheaper than images.
 */
import { BiometricError } from '../errors.ts';
import type { FingerprintTemplate, Minutia, MinutiaType } from '../template/template.ts';
import { fingertipLevel, placeSingularities, samplePatternClass, type FingertipShape, type PatternClass, type Singularities } from './pattern.ts';
import { createRng, toRng, type Rng, type Seed } from './random.ts';

const TWO_PI = 2 * Math.PI;

export interface MasterMinutiaeOptions {
  /** Force a pattern class (default: drawn with natural frequencies). */
  readonly patternClass?: PatternClass;
  /** Mean and spread (sd) of the number of master minutiae; clipped to [minCount, maxCount]. */
  readonly meanCount?: number;
  readonly sdCount?: number;
  readonly minCount?: number;
  readonly maxCount?: number;
  /** Smallest distance between two minutiae, px at 500 ppi (default 9). */
  readonly hardCore?: number;
  /** Extra density round cores and deltas (default 0.8 = up to 1.8 × the base density). */
  readonly singularBoost?: number;
  /** Amplitude of the smooth orientation perturbation, radians (default 0.14). */
  readonly orientationNoise?: number;
  /** Share of bifurcations among master minutiae (default 0.45). */
  readonly bifurcationShare?: number;
}

export interface MasterMinutiae {
  readonly seedKey: string;
  readonly patternClass: PatternClass;
  readonly singularities: Singularities;
  readonly shape: FingertipShape;
  /** Master canvas (fingertip + margin), 500 ppi. */
  readonly width: number;
  readonly height: number;
  /** True minutiae in master coordinates (template conventions: direction CCW, y down). */
  readonly minutiae: readonly Minutia[];
}

export interface TemplateImpressionOptions {
  /** Output canvas, px at 500 ppi (default 320 × 416, as the image generator). */
  readonly width?: number;
  readonly height?: number;
  /** Rotation sd and clip, degrees (default 6, 15). */
  readonly rotationSdDeg?: number;
  readonly maxRotationDeg?: number;
  /** Translation sd and clip, px (default 12, 30). */
  readonly translationSd?: number;
  readonly maxTranslation?: number;
  /** Elastic distortion strength, 0 none, 1 the image generator's typical (default 0.75). */
  readonly distortion?: number;
  /** Contact share of the fingertip (default: drawn in [contactMin, 1], contactMin default 0.65). */
  readonly contact?: number;
  readonly contactMin?: number;
  /** Impression quality 0–100 (default: drawn). Drives jitter, misses and spurious minutiae. */
  readonly quality?: number;
  /** Position jitter sd at quality 100 and extra at quality 0, px (default 1, 1.8). */
  readonly jitterPx?: number;
  readonly jitterPxLowQuality?: number;
  /** Direction jitter sd at quality 100 and extra at quality 0, radians (default 0.06, 0.12). */
  readonly jitterDir?: number;
  readonly jitterDirLowQuality?: number;
  /** Miss probability at quality 100 and extra at quality 0 (default 0.04, 0.2), plus losses near the contact edge. */
  readonly missRate?: number;
  readonly missRateLowQuality?: number;
  /** Expected spurious minutiae at quality 100 and extra at quality 0 (default 1, 6). */
  readonly spurious?: number;
  readonly spuriousLowQuality?: number;
  /** Probability that an ending is reported as a bifurcation or back (default 0.15). */
  readonly typeSwap?: number;
  /** Minutiae within this distance of the contact edge are mostly lost (default 14 px). */
  readonly edgeBand?: number;
}

function checkNumber(name: string, value: number | undefined, lo: number, hi: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new BiometricError('INVALID_ARGUMENT', `${name} must be a number in ${lo}–${hi}, got ${String(value)}`);
  }
}

/** Smooth random scalar field on the plane: a sum of a few random plane waves, amplitude ~1. */
class SmoothField {
  private readonly kx: Float64Array;
  private readonly ky: Float64Array;
  private readonly phase: Float64Array;
  private readonly amp: Float64Array;
  constructor(rng: Rng, waves: number, minWavelength: number, maxWavelength: number) {
    this.kx = new Float64Array(waves);
    this.ky = new Float64Array(waves);
    this.phase = new Float64Array(waves);
    this.amp = new Float64Array(waves);
    const norm = Math.sqrt(2 / waves);
    for (let i = 0; i < waves; i++) {
      const angle = rng.uniform(0, TWO_PI);
      const k = TWO_PI / rng.uniform(minWavelength, maxWavelength);
      this.kx[i] = k * Math.cos(angle);
      this.ky[i] = k * Math.sin(angle);
      this.phase[i] = rng.uniform(0, TWO_PI);
      this.amp[i] = norm;
    }
  }
  at(x: number, y: number): number {
    let s = 0;
    for (let i = 0; i < this.kx.length; i++) s += this.amp[i] * Math.sin(this.kx[i] * x + this.ky[i] * y + this.phase[i]);
    return s;
  }
}

/**
 * Ridge orientation at a point, radians in [0, π), image convention of `pattern.ts` (y down,
 * clockwise): zero-pole model for classes with singularities, the arch bump otherwise.
 */
function orientationAt(cls: PatternClass, sing: Singularities, shape: FingertipShape, archAmp: number, archWidth: number, x: number, y: number): number {
  if (cls === 'arch') {
    const w = 2 * shape.halfWidth;
    const h = shape.halfHeightTop + shape.halfHeightBottom;
    const top = shape.cy - shape.halfHeightTop;
    const s = archWidth * w;
    const u = (x - shape.cx) / s;
    const t = Math.min(1, Math.max(0, (y - top) / h));
    const amp = archAmp * h * Math.pow(1 - t, 1.3) * (0.35 + 0.65 * Math.min(1, t * 3));
    return Math.atan(((amp * 2 * u) / s) * Math.exp(-u * u));
  }
  let sum = 0;
  for (const c of sing.cores) sum += Math.atan2(y - c.y, x - c.x);
  for (const d of sing.deltas) sum -= Math.atan2(y - d.y, x - d.x);
  return sum / 2;
}

const MARGIN = 24;

/** The master minutiae of one finger. Deterministic in the seed's key and the options. */
export function generateMasterMinutiae(seed: Seed | Rng, options: MasterMinutiaeOptions = {}): MasterMinutiae {
  checkNumber('meanCount', options.meanCount, 1, 200);
  checkNumber('sdCount', options.sdCount, 0, 100);
  checkNumber('minCount', options.minCount, 1, 200);
  checkNumber('maxCount', options.maxCount, 1, 300);
  checkNumber('hardCore', options.hardCore, 0, 40);
  checkNumber('singularBoost', options.singularBoost, 0, 10);
  checkNumber('orientationNoise', options.orientationNoise, 0, 1);
  checkNumber('bifurcationShare', options.bifurcationShare, 0, 1);
  const rng = toRng(seed);
  const shapeRng = rng.fork('shape');
  const tipW = shapeRng.uniform(260, 330);
  const tipH = shapeRng.uniform(340, 420);
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
  const patternClass = options.patternClass ?? samplePatternClass(rng.fork('class'));
  const singularities = placeSingularities(rng.fork('singularities'), patternClass, shape);
  const orientRng = rng.fork('orientation');
  const archAmp = orientRng.uniform(0.12, 0.22);
  const archWidth = orientRng.uniform(0.22, 0.32);
  const noiseAmp = options.orientationNoise ?? 0.14;
  const coarse = new SmoothField(orientRng.fork('coarse'), 4, 220, 420);
  const fine = new SmoothField(orientRng.fork('fine'), 4, 100, 180);

  const countRng = rng.fork('count');
  const lo = options.minCount ?? 30;
  const hi = Math.max(lo, options.maxCount ?? 70);
  const count = Math.round(Math.min(hi, Math.max(lo, countRng.normal(options.meanCount ?? 50, options.sdCount ?? 9))));
  const hardCore = options.hardCore ?? 9;
  const hc2 = hardCore * hardCore;
  const boost = options.singularBoost ?? 0.8;
  const bifShare = options.bifurcationShare ?? 0.45;
  const singular = [...singularities.cores, ...singularities.deltas];

  const pointRng = rng.fork('points');
  const minutiae: Minutia[] = [];
  const x0 = shape.cx - shape.halfWidth;
  const y0 = shape.cy - shape.halfHeightTop;
  const bw = 2 * shape.halfWidth;
  const bh = shape.halfHeightTop + shape.halfHeightBottom;
  let attempts = 0;
  while (minutiae.length < count && attempts < count * 60) {
    attempts++;
    const x = x0 + pointRng.next() * bw;
    const y = y0 + pointRng.next() * bh;
    const accept = pointRng.next();
    if (fingertipLevel(shape, x, y) > 0.92) continue;
    // Inhomogeneous intensity: 1 + boost near singularities (thinning by rejection).
    let near = 0;
    for (const s of singular) {
      const dx = x - s.x;
      const dy = y - s.y;
      near = Math.max(near, Math.exp(-(dx * dx + dy * dy) / (2 * 55 * 55)));
    }
    if (accept * (1 + boost) > 1 + boost * near) continue;
    let ok = true;
    for (const m of minutiae) {
      const dx = m.x - x;
      const dy = m.y - y;
      if (dx * dx + dy * dy < hc2) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const theta = orientationAt(patternClass, singularities, shape, archAmp, archWidth, x, y) + noiseAmp * (0.7 * coarse.at(x, y) + 0.3 * fine.at(x, y));
    // pattern.ts measures clockwise (y down); templates counter-clockwise. A minutia points along the ridge, either way.
    let direction = -theta + (pointRng.chance(0.5) ? Math.PI : 0) + pointRng.normal(0, 0.05);
    direction %= TWO_PI;
    if (direction < 0) direction += TWO_PI;
    const type: MinutiaType = pointRng.chance(bifShare) ? 'bifurcation' : 'ending';
    minutiae.push({ x, y, direction, type, quality: 100 });
  }
  return { seedKey: rng.key, patternClass, singularities, shape, width, height, minutiae };
}

function clippedNormal(rng: Rng, sd: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, rng.normal(0, sd)));
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  for (;;) {
    p *= rng.next();
    if (p <= l || k > 200) return k;
    k++;
  }
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

export function validateTemplateImpressionOptions(o: TemplateImpressionOptions): void {
  if (o === null || typeof o !== 'object') throw new BiometricError('INVALID_ARGUMENT', 'impression options must be an object');
  checkNumber('width', o.width, 64, 2000);
  checkNumber('height', o.height, 64, 2000);
  checkNumber('rotationSdDeg', o.rotationSdDeg, 0, 90);
  checkNumber('maxRotationDeg', o.maxRotationDeg, 0, 180);
  checkNumber('translationSd', o.translationSd, 0, 300);
  checkNumber('maxTranslation', o.maxTranslation, 0, 300);
  checkNumber('distortion', o.distortion, 0, 5);
  checkNumber('contact', o.contact, 0.2, 1);
  checkNumber('contactMin', o.contactMin, 0.2, 1);
  checkNumber('quality', o.quality, 0, 100);
  for (const key of ['jitterPx', 'jitterPxLowQuality', 'spurious', 'spuriousLowQuality', 'edgeBand'] as const) checkNumber(key, o[key], 0, 100);
  for (const key of ['jitterDir', 'jitterDirLowQuality', 'missRate', 'missRateLowQuality', 'typeSwap'] as const) checkNumber(key, o[key], 0, 1);
}

/**
 * One impression of a master as an extractor would report it. `seed` keys the impression's
 * randomness (use `createRng(master.seedKey).fork('impression-i')`, as `syntheticTemplate` does).
 */
export function impressMinutiae(master: MasterMinutiae, seed: Seed | Rng, options: TemplateImpressionOptions = {}): FingerprintTemplate {
  validateTemplateImpressionOptions(options);
  const rng = toRng(seed);
  const W = options.width ?? 320;
  const H = options.height ?? 416;
  const poseRng = rng.fork('pose');
  const maxRot = ((options.maxRotationDeg ?? 15) * Math.PI) / 180;
  const rot = clippedNormal(poseRng, ((options.rotationSdDeg ?? 6) * Math.PI) / 180, maxRot);
  const maxT = options.maxTranslation ?? 30;
  const tSd = options.translationSd ?? 12;
  const tx = clippedNormal(poseRng, tSd, maxT);
  const ty = clippedNormal(poseRng, tSd, maxT);
  const quality = options.quality ?? Math.round(Math.min(98, Math.max(10, poseRng.normal(68, 16))));
  const bad = 1 - quality / 100;
  const contact = options.contact ?? poseRng.uniform(options.contactMin ?? 0.65, 1);

  const { shape } = master;
  // Contact ellipse (master coordinates): off-centre, scaled by the contact share.
  const contactRng = rng.fork('contact');
  const ccx = shape.cx + contactRng.normal(0, 0.08 * shape.halfWidth * (1.2 - contact));
  const ccy = shape.cy + contactRng.normal(0.05 * shape.halfHeightBottom, 0.1 * shape.halfHeightTop * (1.2 - contact));
  const rx = Math.sqrt(contact) * shape.halfWidth * contactRng.uniform(0.95, 1.12);
  const ry = Math.sqrt(contact) * ((shape.halfHeightTop + shape.halfHeightBottom) / 2) * contactRng.uniform(0.95, 1.12);
  const edgeBand = options.edgeBand ?? 14;

  // Elastic distortion: a still close-contact region, a braking annulus, an outer slide + twist.
  const distRng = rng.fork('distortion');
  const strength = options.distortion ?? 0.75;
  const r0 = distRng.uniform(35, 60);
  const ring = distRng.uniform(70, 120);
  const slideX = distRng.normal(0, 5) * strength;
  const slideY = distRng.normal(0, 5) * strength;
  const twist = (distRng.normal(0, 2.5) * Math.PI * strength) / 180;
  const fx = new SmoothField(distRng.fork('x'), 3, 120, 260);
  const fy = new SmoothField(distRng.fork('y'), 3, 120, 260);
  const smoothAmp = 2.5 * strength;
  const cosT = Math.cos(twist);
  const sinT = Math.sin(twist);
  const cosR = Math.cos(rot);
  const sinR = Math.sin(rot);

  const noiseRng = rng.fork('noise');
  const jitterPx = (options.jitterPx ?? 1) + (options.jitterPxLowQuality ?? 1.8) * bad;
  const jitterDir = (options.jitterDir ?? 0.06) + (options.jitterDirLowQuality ?? 0.12) * bad;
  const missRate = Math.min(0.95, (options.missRate ?? 0.04) + (options.missRateLowQuality ?? 0.2) * bad);
  const typeSwap = options.typeSwap ?? 0.15;

  // Master point → canvas point (rotation about the fingertip centre, then canvas centre + shift).
  const place = (x: number, y: number): [number, number] => {
    const dx = x - ccx;
    const dy = y - ccy;
    const r = Math.hypot(dx, dy);
    const brake = smoothstep(r0, r0 + ring, r);
    const ex = x + brake * (slideX + (cosT - 1) * dx - sinT * dy) + smoothAmp * fx.at(x, y);
    const ey = y + brake * (slideY + sinT * dx + (cosT - 1) * dy) + smoothAmp * fy.at(x, y);
    const ux = ex - shape.cx;
    const uy = ey - shape.cy;
    // Image y is down; a counter-clockwise rotation as seen on the image is (x, y) → (x cos + y sin, −x sin + y cos).
    return [cosR * ux + sinR * uy + W / 2 + tx, -sinR * ux + cosR * uy + H / 2 + ty];
  };
  // Distance (px, approx.) inside the contact region's edge; negative outside.
  const inside = (x: number, y: number): number => {
    const u = (x - ccx) / rx;
    const v = (y - ccy) / ry;
    const e = 1 - Math.sqrt(u * u + v * v);
    const tip = 1 - Math.sqrt(fingertipLevel(shape, x, y));
    return Math.min(e * Math.min(rx, ry), tip * Math.min(shape.halfWidth, shape.halfHeightBottom));
  };

  const out: Minutia[] = [];
  const minutiaQuality = (depth: number) => Math.round(Math.min(100, Math.max(1, quality + noiseRng.normal(0, 10) - 30 * (1 - smoothstep(0, 3 * edgeBand, depth)))));
  for (const m of master.minutiae) {
    const depth = inside(m.x, m.y);
    // Every draw happens for every minutia so one minutia's fate does not shift the others'.
    const uMiss = noiseRng.next();
    const uSwap = noiseRng.next();
    const jx = noiseRng.normal(0, jitterPx);
    const jy = noiseRng.normal(0, jitterPx);
    const jd = noiseRng.normal(0, jitterDir);
    if (depth < 0) continue;
    const edgeMiss = 1 - smoothstep(0, edgeBand, depth);
    if (uMiss < missRate + (1 - missRate) * edgeMiss) continue;
    const [px, py] = place(m.x, m.y);
    // Local rotation of the distortion: direction of a short step along the minutia.
    const step = 4;
    const [qx, qy] = place(m.x + step * Math.cos(m.direction), m.y - step * Math.sin(m.direction));
    const x = px + jx;
    const y = py + jy;
    if (x < 0 || y < 0 || x > W - 1 || y > H - 1) continue;
    let direction = Math.atan2(-(qy - py), qx - px) + jd;
    direction %= TWO_PI;
    if (direction < 0) direction += TWO_PI;
    let type = m.type;
    if (uSwap < typeSwap) type = type === 'ending' ? 'bifurcation' : 'ending';
    out.push({ x, y, direction, type, quality: minutiaQuality(depth) });
  }
  // Spurious minutiae: anywhere in the contact region, directions loosely along the flow.
  const spurRng = rng.fork('spurious');
  const spurious = poisson(spurRng, (options.spurious ?? 1) + (options.spuriousLowQuality ?? 6) * bad);
  for (let k = 0, tries = 0; k < spurious && tries < spurious * 20; tries++) {
    const mx = ccx + spurRng.uniform(-rx, rx);
    const my = ccy + spurRng.uniform(-ry, ry);
    const depth = inside(mx, my);
    const uDir = spurRng.next();
    const flip = spurRng.chance(0.5);
    const type: MinutiaType = spurRng.chance(0.5) ? 'ending' : 'bifurcation';
    if (depth < 0) continue;
    // Direction: along the nearest master minutia's flow most of the time, otherwise anywhere.
    let dir = uDir * TWO_PI;
    if (uDir < 0.7) {
      let best = Infinity;
      for (const m of master.minutiae) {
        const d = (m.x - mx) ** 2 + (m.y - my) ** 2;
        if (d < best) {
          best = d;
          dir = m.direction + (flip ? Math.PI : 0) + spurRng.normal(0, 0.25);
        }
      }
    }
    const [x, y] = place(mx, my);
    if (x < 0 || y < 0 || x > W - 1 || y > H - 1) continue;
    k++;
    let direction = dir - rot;
    direction %= TWO_PI;
    if (direction < 0) direction += TWO_PI;
    out.push({ x, y, direction, type, quality: minutiaQuality(depth) });
  }
  // Report in a scan order (as extractors do), not master order + spurious last.
  out.sort((a, b) => a.y - b.y || a.x - b.x);
  return { width: W, height: H, resolution: 500, quality, minutiae: out };
}

/** The master-minutiae stream of finger `position` (1–10) of an identity. */
export function masterMinutiaeSeed(identitySeed: Seed, fingerPosition: number): Rng {
  if (!Number.isInteger(fingerPosition) || fingerPosition < 1 || fingerPosition > 10) {
    throw new BiometricError('INVALID_ARGUMENT', `finger position must be an integer 1–10, got ${String(fingerPosition)}`);
  }
  return createRng(identitySeed).fork(`template-finger-${fingerPosition}`);
}

export function masterMinutiaeForFinger(identitySeed: Seed, fingerPosition: number, options: MasterMinutiaeOptions = {}): MasterMinutiae {
  return generateMasterMinutiae(masterMinutiaeSeed(identitySeed, fingerPosition), options);
}

/** Impression `impression` (0, 1, …) of a master from the master's own stream. */
export function templateImpressionOf(master: MasterMinutiae, impression: number, options: TemplateImpressionOptions = {}): FingerprintTemplate {
  if (!Number.isInteger(impression) || impression < 0) {
    throw new BiometricError('INVALID_ARGUMENT', `impression index must be a non-negative integer, got ${String(impression)}`);
  }
  return impressMinutiae(master, createRng(master.seedKey).fork(`impression-${impression}`), options);
}

/** Template of impression `impression` of finger `fingerPosition` of an identity. Reproducible. */
export function syntheticTemplate(
  identitySeed: Seed,
  fingerPosition: number,
  impression: number,
  options: { master?: MasterMinutiaeOptions; impression?: TemplateImpressionOptions } = {},
): FingerprintTemplate {
  return templateImpressionOf(masterMinutiaeForFinger(identitySeed, fingerPosition, options.master), impression, options.impression);
}
