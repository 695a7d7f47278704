import { BiometricError } from '../errors.ts';
import type { GrayImage } from '../image/gray-image.ts';
import type { MasterFingerprint } from './master.ts';
import { fractalNoise, sampleBilinear, valueNoise } from './noise.ts';
import { fingertipLevel } from './pattern.ts';
import { toRng, type Rng, type Seed } from './random.ts';

export interface ImpressionOptions {
  /** Output canvas in pixels at 500 ppi (default 320 × 416, like FVC DB-style plain prints). 64–1024. */
  readonly width?: number;
  readonly height?: number;
  /** Largest rotation of the finger, degrees (default 15). 0–45. Drawn ~ normal, clipped. */
  readonly maxRotationDeg?: number;
  /** Largest translation of the finger, pixels (default 30). 0–150. Drawn ~ normal, clipped. */
  readonly maxTranslation?: number;
  /** Strength of the elastic skin distortion, 0 = none, 1 = typical (default), up to 3. */
  readonly distortion?: number;
  /** Finger pressure in [-1, 1]: −1 light (thin, broken ridges), +1 heavy (thick, merged). Default: drawn. */
  readonly pressure?: number;
  /** Skin dryness in [0, 1]: fragments ridges. Default: drawn (mostly low). */
  readonly dryness?: number;
  /** Sensor noise level in [0, 1]. Default: drawn in 0.15–0.5. */
  readonly noise?: number;
  /** Share of the fingertip in contact with the sensor, 0.4–1. Default: drawn in 0.7–1. */
  readonly contact?: number;
  /** Number of scratches on the sensor, 0–20. Default: usually 0, sometimes 1–3. */
  readonly scratches?: number;
}

/** Where the master landed: image point = R(rotation)·(master point − fingertip centre) + canvas centre + translation, before elastic distortion. */
export interface ImpressionPose {
  readonly rotationRad: number;
  readonly translationX: number;
  readonly translationY: number;
  readonly pressure: number;
  readonly dryness: number;
  readonly noise: number;
  readonly contact: number;
  readonly scratches: number;
}

/** A rendered impression: a GrayImage plus its ground truth. */
export interface SyntheticImpression extends GrayImage {
  /** 1 where the finger touched the sensor (ridges rendered), row-major. */
  readonly foreground: Uint8Array;
  readonly pose: ImpressionPose;
}

export const DEFAULT_IMPRESSION_WIDTH = 320;
export const DEFAULT_IMPRESSION_HEIGHT = 416;

function checkRange(name: string, value: number | undefined, lo: number, hi: number, integer = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    throw new BiometricError('INVALID_ARGUMENT', `${name} must be ${integer ? 'an integer' : 'a number'} in ${lo}–${hi}, got ${String(value)}`);
  }
}

export function validateImpressionOptions(options: ImpressionOptions): void {
  if (options === null || typeof options !== 'object') throw new BiometricError('INVALID_ARGUMENT', 'impression options must be an object');
  checkRange('width', options.width, 64, 1024, true);
  checkRange('height', options.height, 64, 1024, true);
  checkRange('maxRotationDeg', options.maxRotationDeg, 0, 45);
  checkRange('maxTranslation', options.maxTranslation, 0, 150);
  checkRange('distortion', options.distortion, 0, 3);
  checkRange('pressure', options.pressure, -1, 1);
  checkRange('dryness', options.dryness, 0, 1);
  checkRange('noise', options.noise, 0, 1);
  checkRange('contact', options.contact, 0.4, 1);
  checkRange('scratches', options.scratches, 0, 20, true);
}

function clippedNormal(rng: Rng, limit: number): number {
  if (limit === 0) return 0;
  const v = rng.normal(0, limit / 2);
  return Math.max(-limit, Math.min(limit, v));
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * Renders one impression of a master: rigid pose, elastic distortion (Cappelli-style: a
 * close-contact core that does not move, a transition annulus, and an outer region that
 * follows a small random rotation + translation, plus a smooth random displacement field),
 * partial contact, pressure and dryness (ridge-width and fragmentation through a varying
 * binarisation threshold), and sensor effects (uneven background, contrast, blur, noise,
 * scratches). Deterministic in the master, the seed and the options; a stream passed as the
 * seed is used only through its key (`fork`), so the result depends on `rng.key` alone.
 */
export function renderImpression(master: MasterFingerprint, seed: Seed | Rng, options: ImpressionOptions = {}): SyntheticImpression {
  validateImpressionOptions(options);
  const rng = toRng(seed);
  const W = options.width ?? DEFAULT_IMPRESSION_WIDTH;
  const H = options.height ?? DEFAULT_IMPRESSION_HEIGHT;
  const n = W * H;

  // Pose and skin condition.
  const poseRng = rng.fork('pose');
  const rotation = (clippedNormal(poseRng, options.maxRotationDeg ?? 15) * Math.PI) / 180;
  const maxT = options.maxTranslation ?? 30;
  const tx = clippedNormal(poseRng, maxT);
  const ty = clippedNormal(poseRng, maxT);
  const condRng = rng.fork('condition');
  const pressure = options.pressure ?? Math.max(-1, Math.min(1, condRng.normal(0, 0.35)));
  const dryness = options.dryness ?? Math.min(1, condRng.next() ** 2.5);
  const noiseLevel = options.noise ?? condRng.uniform(0.15, 0.5);
  const contact = options.contact ?? condRng.uniform(0.7, 1);
  const scratches = options.scratches ?? (condRng.chance(0.2) ? condRng.int(1, 3) : 0);
  const contrast = condRng.uniform(0.6, 0.9);
  const background = condRng.uniform(225, 248);

  // Contact ellipse (master coordinates): part of the fingertip, off-centre for partial contact.
  const shape = master.shape;
  const hh = (shape.halfHeightTop + shape.halfHeightBottom) / 2;
  const contactRng = rng.fork('contact');
  const ccx = shape.cx + contactRng.normal(0, 0.12) * shape.halfWidth * (1.1 - contact);
  const ccy = shape.cy + contactRng.normal(0.1, 0.12) * hh * (1.1 - contact) * 2;
  const cax = shape.halfWidth * (0.35 + 0.75 * contact);
  const cay = hh * (0.35 + 0.75 * contact);

  // Elastic distortion, expressed as a displacement of image points towards master points.
  const distortion = options.distortion ?? 1;
  const elasticRng = rng.fork('elastic');
  const innerR = elasticRng.uniform(35, 60);
  const outerR = innerR + elasticRng.uniform(70, 120);
  const slideX = distortion * elasticRng.normal(0, 5);
  const slideY = distortion * elasticRng.normal(0, 5);
  const twist = (distortion * elasticRng.normal(0, 2.5) * Math.PI) / 180;
  const fieldX = valueNoise(elasticRng.fork('x'), W, H, 110);
  const fieldY = valueNoise(elasticRng.fork('y'), W, H, 110);
  const wobble = 2.5 * distortion;

  // Fields for skin and sensor effects.
  const fxRng = rng.fork('effects');
  const dryNoise = fractalNoise(fxRng.fork('dry'), W, H, 7, 2);
  const wetNoise = valueNoise(fxRng.fork('wet'), W, H, 45);
  const pressureNoise = valueNoise(fxRng.fork('pressure'), W, H, 90);
  const backgroundNoise = valueNoise(fxRng.fork('background'), W, H, 80);
  const edgeNoise = valueNoise(fxRng.fork('edge'), W, H, 30);

  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const canvasCx = W / 2;
  const canvasCy = H / 2;
  // Contact centre in image coordinates (centre of the close-contact region).
  const mcx = ccx - shape.cx;
  const mcy = ccy - shape.cy;
  const icx = cos * mcx - sin * mcy + canvasCx + tx;
  const icy = sin * mcx + cos * mcy + canvasCy + ty;

  const ink = new Float32Array(n);
  const fg = new Uint8Array(n);
  const threshold = -0.45 * pressure + 0.35 * dryness;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      // Elastic: points further from the contact centre are displaced more.
      const rx = x - icx;
      const ry = y - icy;
      const brake = smoothstep(innerR, outerR, Math.sqrt(rx * rx + ry * ry));
      const ex = brake * (slideX + (Math.cos(twist) - 1) * rx - Math.sin(twist) * ry + wobble * fieldX[i]);
      const ey = brake * (slideY + Math.sin(twist) * rx + (Math.cos(twist) - 1) * ry + wobble * fieldY[i]);
      // Undo the rigid pose.
      const px = x + ex - canvasCx - tx;
      const py = y + ey - canvasCy - ty;
      const mx = cos * px + sin * py + shape.cx;
      const my = -sin * px + cos * py + shape.cy;
      if (mx < 0 || my < 0 || mx > master.width - 1 || my > master.height - 1) continue;
      // Contact: inside the fingertip and the contact ellipse, with a ragged soft edge.
      const tip = fingertipLevel(shape, mx, my);
      const ux = (mx - ccx) / cax;
      const uy = (my - ccy) / cay;
      const level = Math.max(tip, ux * ux + uy * uy) + 0.08 * edgeNoise[i];
      if (level >= 1) continue;
      const touch = smoothstep(1, 0.72, level);
      fg[i] = touch > 0.35 ? 1 : 0;
      const r = sampleBilinear(master.ridges, master.width, master.height, mx, my);
      // Pressure and dryness shift the binarisation threshold locally; dry skin fragments ridges.
      const t = threshold + 0.25 * wetNoise[i] * (1 - dryness) + dryness * 0.9 * dryNoise[i] + 0.25 * (1 - touch);
      const p = 1 / (1 + Math.exp(-6 * (r - t)));
      ink[i] = p * touch * (0.85 + 0.15 * pressureNoise[i]);
    }
  }

  // Scratches on the sensor glass: thin lines, light across the ridges, faintly dark on bare glass.
  const scratchRng = rng.fork('scratches');
  for (let s = 0; s < scratches; s++) {
    const x0 = scratchRng.uniform(0, W);
    const y0 = scratchRng.uniform(0, H);
    const angle = scratchRng.uniform(0, Math.PI);
    const length = scratchRng.uniform(60, 300);
    const halfWidth = scratchRng.uniform(0.6, 1.4);
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const scratchInk = scratchRng.uniform(0.08, 0.2);
    for (let step = -length / 2; step <= length / 2; step += 0.5) {
      const cx = x0 + dx * step;
      const cy = y0 + dy * step;
      for (let o = -2; o <= 2; o++) {
        const sx = Math.round(cx - dy * o * 0.7);
        const sy = Math.round(cy + dx * o * 0.7);
        if (sx < 0 || sy < 0 || sx >= W || sy >= H) continue;
        const d = Math.abs(o * 0.7);
        if (d <= halfWidth) ink[sy * W + sx] = 0.1 * ink[sy * W + sx] + scratchInk;
      }
    }
  }

  // Grey levels: dark ridges on an uneven light background, slightly blurred, plus noise.
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const bg = background + 8 * backgroundNoise[i];
    gray[i] = bg - bg * contrast * ink[i];
  }
  const blurred = new Float32Array(n);
  for (let y = 0; y < H; y++) {
    const ym = y > 0 ? y - 1 : y;
    const yp = y < H - 1 ? y + 1 : y;
    for (let x = 0; x < W; x++) {
      const xm = x > 0 ? x - 1 : x;
      const xp = x < W - 1 ? x + 1 : x;
      blurred[y * W + x] =
        (4 * gray[y * W + x] +
          2 * (gray[ym * W + x] + gray[yp * W + x] + gray[y * W + xm] + gray[y * W + xp]) +
          gray[ym * W + xm] + gray[ym * W + xp] + gray[yp * W + xm] + gray[yp * W + xp]) /
        16;
    }
  }
  const pixelRng = rng.fork('pixels');
  const sd = 2 + 10 * noiseLevel;
  const pixels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = blurred[i] + pixelRng.normal(0, sd);
    pixels[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }

  return {
    width: W,
    height: H,
    ppi: 500,
    pixels,
    foreground: fg,
    pose: { rotationRad: rotation, translationX: tx, translationY: ty, pressure, dryness, noise: noiseLevel, contact, scratches },
  };
}
