/**
 * Segmentation of a plain slap (four fingers, or both thumbs) into single fingertips.
 *
 * 1. Foreground: gray-level spread over a 3 × 3-block window on an 8-px (at 500 ppi) block
 *    grid, thresholded relative to the image's own spread; then closed and opened so that
 *    thin things (printed text, handwriting, card lines) drop out and fingertips stay;
 *    blobs smaller than a small fingertip are removed.
 * 2. Orientation: fingers in a slap are roughly parallel. For each tilt in ±45° the foreground
 *    blocks are projected onto the axis across the fingers; the tilt whose projection is the
 *    most concentrated (largest Σh², i.e. deepest gaps between the fingers) wins.
 * 3. Columns: the smoothed projection is cut into runs above a fraction of its peak; runs too
 *    narrow or too light are dropped, over-wide runs are split at their deepest valley, and
 *    of more runs than fingers the adjacent group with the most foreground is kept.
 * 4. Fingertip: in each column the foreground is profiled along the finger; the tip starts at
 *    the farthest foreground and ends at the first gap (the distal crease / the gap before
 *    the middle phalanx), or after 1.5 finger widths, at most 1.2 inch.
 * 5. Each tip is returned as a rotated box and an upright crop (bilinear; outside → white).
 *
 * Pure computation on typed arrays; throws only BiometricError for an invalid image.
 */
import { BiometricError } from '../errors.ts';
import { checkDimensions, checkResolution, type GrayImage } from '../image/gray-image.ts';

/** Which slap: NIST finger position 13 (right four), 14 (left four), 15 (both thumbs). */
export type SlapPosition = 13 | 14 | 15;

/**
 * NIST finger positions of the fingers of a slap, in image order left → right (the image as
 * captured: palm down on the platen, fingertips up). Right hand: index … little; left hand:
 * little … index; both thumbs: left thumb then right thumb.
 */
export const SLAP_FINGERS: Readonly<Record<SlapPosition, readonly number[]>> = {
  13: [2, 3, 4, 5],
  14: [10, 9, 8, 7],
  15: [6, 1],
};

export function isSlapPosition(position: number): position is SlapPosition {
  return position === 13 || position === 14 || position === 15;
}

/** A rectangle rotated by `angle` (radians, positive = fingertip leaning right), image pixels. */
export interface RotatedBox {
  readonly cx: number;
  readonly cy: number;
  /** Across the finger. */
  readonly width: number;
  /** Along the finger. */
  readonly height: number;
  /** Tilt of the finger axis from image-up, radians; positive leans the tip to the right. */
  readonly angle: number;
}

export interface FingerSegment {
  /** NIST finger position 1–10. */
  readonly position: number;
  /** 0-based index left → right in the slap image. */
  readonly index: number;
  readonly box: RotatedBox;
  /** The box's corners in image coordinates: tip-left, tip-right, base-right, base-left. */
  readonly corners: ReadonlyArray<readonly [number, number]>;
  /** The fingertip, upright (tip at the top), same resolution as the slap. */
  readonly image: GrayImage;
  /** Foreground area of the tip, square inches. */
  readonly area: number;
}

export interface SlapSegmentation {
  readonly slap: SlapPosition;
  /** Tilt of the fingers (radians, positive = tips leaning right). */
  readonly angle: number;
  readonly expected: number;
  /** Fingers found, left → right; positions are assigned only when all expected were found. */
  readonly fingers: readonly FingerSegment[];
  /** True when exactly `expected` fingers were found. */
  readonly complete: boolean;
}

export interface SegmentOptions {
  /** Largest finger tilt searched, degrees (default 45). */
  readonly maxTiltDeg?: number;
  /** Longest fingertip cut, inches (default 1.2). */
  readonly maxTipInches?: number;
}

/** Foreground blocks of the slap and the grid they sit on. */
export interface SlapMask {
  readonly block: number;
  readonly bw: number;
  readonly bh: number;
  readonly mask: Uint8Array;
}

function checkImage(image: GrayImage): void {
  if (!image || typeof image !== 'object' || !(image.pixels instanceof Uint8Array)) {
    throw new BiometricError('INVALID_ARGUMENT', 'segmentSlap needs a GrayImage');
  }
  checkDimensions(image.width, image.height);
  checkResolution(image.ppi);
  if (image.pixels.length !== image.width * image.height) {
    throw new BiometricError('IMAGE_TRUNCATED', `expected ${image.width * image.height} pixels, got ${image.pixels.length}`);
  }
}

function dilate(mask: Uint8Array, bw: number, bh: number, r: number): Uint8Array {
  // Separable square structuring element (2r+1)²: rows then columns.
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < bh; y++) {
    const row = y * bw;
    for (let x = 0; x < bw; x++) {
      let v = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(bw - 1, x + r) && !v; k++) v = mask[row + k];
      tmp[row + x] = v;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      let v = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(bh - 1, y + r) && !v; k++) v = tmp[k * bw + x];
      out[y * bw + x] = v;
    }
  }
  return out;
}

function erode(mask: Uint8Array, bw: number, bh: number, r: number): Uint8Array {
  const inv = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) inv[i] = mask[i] ? 0 : 1;
  const d = dilate(inv, bw, bh, r);
  for (let i = 0; i < d.length; i++) d[i] = d[i] ? 0 : 1;
  return d;
}

/**
 * Calls `onBlob` with the block indices of each 4-connected blob of `mask`, in the order the
 * fill reached them. `onBlob` may clear its own blob's blocks.
 */
function forEachBlob(mask: Uint8Array, bw: number, bh: number, onBlob: (members: readonly number[]) => void): void {
  const label = new Int32Array(mask.length).fill(-1);
  const stack = new Int32Array(mask.length);
  const members: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start] >= 0) continue;
    members.length = 0;
    let sp = 0;
    stack[sp++] = start;
    label[start] = start;
    while (sp > 0) {
      const i = stack[--sp];
      members.push(i);
      const x = i % bw;
      const y = (i - x) / bw;
      if (x > 0 && mask[i - 1] && label[i - 1] < 0) {
        label[i - 1] = start;
        stack[sp++] = i - 1;
      }
      if (x < bw - 1 && mask[i + 1] && label[i + 1] < 0) {
        label[i + 1] = start;
        stack[sp++] = i + 1;
      }
      if (y > 0 && mask[i - bw] && label[i - bw] < 0) {
        label[i - bw] = start;
        stack[sp++] = i - bw;
      }
      if (y < bh - 1 && mask[i + bw] && label[i + bw] < 0) {
        label[i + bw] = start;
        stack[sp++] = i + bw;
      }
    }
    onBlob(members);
  }
}

/** Removes 4-connected blobs smaller than `minArea` blocks (in place). */
function removeSmall(mask: Uint8Array, bw: number, bh: number, minArea: number): void {
  forEachBlob(mask, bw, bh, (members) => {
    if (members.length < minArea) for (const i of members) mask[i] = 0;
  });
}

/** Smallest ridge-crossing rate (sign changes per pixel of scan line at 500 ppi) of ridge texture. */
const MIN_CROSSING_RATE = 0.11;

/** Foreground blocks of a slap image (see the method at the top of this file). */
export function slapForeground(image: GrayImage): SlapMask {
  checkImage(image);
  const { width, height, pixels, ppi } = image;
  const block = Math.max(4, Math.round((8 * ppi) / 500));
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  const n = bw * bh;
  const bx = new Int32Array(width);
  for (let x = 0; x < width; x++) bx[x] = (x / block) | 0;
  const sum = new Float64Array(n);
  const sum2 = new Float64Array(n);
  const count = new Float64Array(n);
  for (let y = 0; y < height; y++) {
    const by = ((y / block) | 0) * bw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = pixels[row + x];
      const b = by + bx[x];
      sum[b] += v;
      sum2[b] += v * v;
      count[b]++;
    }
  }
  // Spread (standard deviation) and mean over a 3 × 3-block window.
  const window3 = (src: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let y = 0; y < bh; y++) {
      for (let x = 0; x < bw; x++) {
        let acc = 0;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(bh - 1, y + 1); yy++) {
          for (let xx = Math.max(0, x - 1); xx <= Math.min(bw - 1, x + 1); xx++) acc += src[yy * bw + xx];
        }
        out[y * bw + x] = acc;
      }
    }
    return out;
  };
  const wSum = window3(sum);
  const wSum2 = window3(sum2);
  const wCount = window3(count);
  const spread = new Float32Array(n);
  const mean = new Float32Array(n);
  const dead = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = wSum[i] / wCount[i];
    mean[i] = m;
    spread[i] = Math.sqrt(Math.max(0, wSum2[i] / wCount[i] - m * m));
    dead[i] = 0.25 * spread[i];
  }
  // Ridge texture: sign changes of (pixel − window mean), with a dead band, along rows and
  // columns. Ridges at 500 ppi give ≥ ~0.14 a pixel of scan line; print and handwriting
  // strokes give well under 0.1.
  const rowCrossings = new Float64Array(n);
  const colCrossings = new Float64Array(n);
  const colState = new Int8Array(width);
  for (let y = 0; y < height; y++) {
    const by = ((y / block) | 0) * bw;
    const row = y * width;
    let state = 0;
    for (let x = 0; x < width; x++) {
      const b = by + bx[x];
      const d = pixels[row + x] - mean[b];
      const s = d > dead[b] ? 1 : d < -dead[b] ? -1 : 0;
      if (s !== 0) {
        if (s !== state) {
          if (state !== 0) rowCrossings[b]++;
          state = s;
        }
        const c = colState[x];
        if (s !== c) {
          if (c !== 0) colCrossings[b]++;
          colState[x] = s;
        }
      }
    }
  }
  // Ridges cross a scan line most often across their flow: a block's rate is the larger of the
  // row and the column rate, so that nearly horizontal (or vertical) ridges are not missed.
  const wRow = window3(rowCrossings);
  const wCol = window3(colCrossings);
  const ppiScale = ppi / 500;
  // Threshold relative to the image: a third of the way from paper to the 95th-percentile spread.
  const sorted = Float32Array.from(spread).sort();
  const p95 = sorted[Math.min(n - 1, Math.floor(n * 0.95))];
  const paper = sorted[Math.floor(n * 0.2)];
  const threshold = Math.max(8, paper + 0.35 * (p95 - paper));
  let mask: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const rate = (Math.max(wRow[i], wCol[i]) / wCount[i]) * ppiScale;
    mask[i] = spread[i] >= threshold && mean[i] < 235 && rate >= MIN_CROSSING_RATE ? 1 : 0;
  }
  // Close small holes in the ridge area, then open away thin structures (text, strokes, lines).
  const rClose = 1;
  const rOpen = Math.max(1, Math.round((24 * ppi) / 500 / block));
  mask = erode(dilate(mask, bw, bh, rClose), bw, bh, rClose);
  mask = dilate(erode(mask, bw, bh, rOpen), bw, bh, rOpen);
  // Drop blobs smaller than ~0.04 in² (a small fingertip is ~0.2 in²).
  const minArea = Math.round((0.04 * ppi * ppi) / (block * block));
  removeSmall(mask, bw, bh, minArea);
  return { block, bw, bh, mask };
}

interface Column {
  lo: number;
  hi: number;
  mass: number;
}

function smooth(h: Float64Array, r: number): Float64Array {
  const out = new Float64Array(h.length);
  for (let i = 0; i < h.length; i++) {
    let s = 0;
    let c = 0;
    for (let k = Math.max(0, i - r); k <= Math.min(h.length - 1, i + r); k++) {
      s += h[k];
      c++;
    }
    out[i] = s / c;
  }
  return out;
}

/** Foreground block centres (image pixels). */
function blockCentres(m: SlapMask): { xs: Float64Array; ys: Float64Array } {
  let count = 0;
  for (let i = 0; i < m.mask.length; i++) count += m.mask[i];
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  let k = 0;
  for (let by = 0; by < m.bh; by++) {
    for (let bx = 0; bx < m.bw; bx++) {
      if (!m.mask[by * m.bw + bx]) continue;
      xs[k] = (bx + 0.5) * m.block;
      ys[k] = (by + 0.5) * m.block;
      k++;
    }
  }
  return { xs, ys };
}

/**
 * Finger tilt from the elongation of the foreground blobs: each fingertip (and each lower
 * phalanx) is an ellipse elongated along its finger. The blobs' major axes are averaged as
 * doubled angles, weighted by area × elongation, and clamped to ±maxTilt.
 */
function findTilt(m: SlapMask, maxTiltDeg: number): number {
  const { mask, bw, bh } = m;
  let c2 = 0;
  let s2 = 0;
  forEachBlob(mask, bw, bh, (members) => {
    const n = members.length;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (const i of members) {
      const x = i % bw;
      const y = (i - x) / bw;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const mx = sx / n;
    const my = sy / n;
    const cxx = sxx / n - mx * mx;
    const cyy = syy / n - my * my;
    const cxy = sxy / n - mx * my;
    // Major axis angle from image-up (y down): doubled-angle vector of the axis (sin φ, −cos φ).
    const tr = cxx + cyy;
    if (tr <= 0) return;
    const anis = Math.hypot(cyy - cxx, 2 * cxy) / tr;
    // Doubled-angle components for an axis measured from vertical: cos 2φ ∝ (cyy − cxx), sin 2φ ∝ −2cxy.
    // Weight n × anisotropy on the unit doubled-angle vector = n × (cyy − cxx, −2cxy) / trace.
    if (anis <= 0) return;
    c2 += (n * (cyy - cxx)) / tr;
    s2 += (n * -2 * cxy) / tr;
  });
  if (c2 === 0 && s2 === 0) return 0;
  let phi = Math.atan2(s2, c2) / 2;
  const max = (maxTiltDeg * Math.PI) / 180;
  if (phi > max) phi = max;
  if (phi < -max) phi = -max;
  return phi;
}

/** Splits the across-finger profile into `expected` finger columns (or as many as there are). */
function findColumns(profile: Float64Array, expected: number, binPx: number, ppi: number): Column[] {
  const peak = profile.reduce((a, b) => Math.max(a, b), 0);
  if (peak <= 0) return [];
  const level = 0.12 * peak;
  let runs: Column[] = [];
  for (let i = 0; i < profile.length; ) {
    if (profile[i] < level) {
      i++;
      continue;
    }
    let j = i;
    let mass = 0;
    while (j < profile.length && profile[j] >= level) mass += profile[j++];
    runs.push({ lo: i, hi: j - 1, mass });
    i = j;
  }
  const minWidth = (0.2 * ppi) / binPx;
  const wide = (1.25 * ppi) / binPx; // no fingertip is wider than ~1 inch
  // Split over-wide runs at their deepest interior valley until there are enough.
  for (let guard = 0; guard < 8; guard++) {
    const valid = runs.filter((r) => r.hi - r.lo + 1 >= minWidth);
    if (valid.length >= expected) break;
    let widest = -1;
    for (let k = 0; k < runs.length; k++) if (widest < 0 || runs[k].hi - runs[k].lo > runs[widest].hi - runs[widest].lo) widest = k;
    const r = runs[widest];
    if (!r || r.hi - r.lo + 1 < Math.min(wide, 2 * minWidth * 1.5)) break;
    const margin = Math.max(1, Math.round(minWidth));
    let cut = -1;
    for (let i = r.lo + margin; i <= r.hi - margin; i++) {
      if (profile[i] <= profile[i - 1] && profile[i] <= profile[i + 1] && (cut < 0 || profile[i] < profile[cut])) cut = i;
    }
    if (cut < 0) break;
    let m1 = 0;
    for (let i = r.lo; i < cut; i++) m1 += profile[i];
    runs.splice(widest, 1, { lo: r.lo, hi: cut - 1, mass: m1 }, { lo: cut + 1, hi: r.hi, mass: r.mass - m1 - profile[cut] });
  }
  const heaviest = runs.reduce((a, r) => Math.max(a, r.mass), 0);
  runs = runs.filter((r) => r.hi - r.lo + 1 >= minWidth && r.mass >= 0.12 * heaviest);
  if (runs.length > expected) {
    let bestStart = 0;
    let bestMass = -1;
    for (let s = 0; s + expected <= runs.length; s++) {
      let m = 0;
      for (let k = s; k < s + expected; k++) m += runs[k].mass;
      if (m > bestMass) {
        bestMass = m;
        bestStart = s;
      }
    }
    runs = runs.slice(bestStart, bestStart + expected);
  }
  return runs;
}

/** Samples an upright crop of `box` out of `image` (bilinear; outside the image → 255). */
export function cropRotated(image: GrayImage, box: RotatedBox): GrayImage {
  const w = Math.max(1, Math.round(box.width));
  const h = Math.max(1, Math.round(box.height));
  const { width, height, pixels } = image;
  const px = Math.cos(box.angle);
  const py = Math.sin(box.angle);
  const dx = Math.sin(box.angle);
  const dy = -Math.cos(box.angle);
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    const along = h / 2 - j - 0.5;
    for (let i = 0; i < w; i++) {
      const across = i - w / 2 + 0.5;
      const x = box.cx + across * px + along * dx - 0.5;
      const y = box.cy + across * py + along * dy - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) {
        const xi = Math.round(x);
        const yi = Math.round(y);
        out[j * w + i] = xi >= 0 && yi >= 0 && xi < width && yi < height ? pixels[yi * width + xi] : 255;
        continue;
      }
      const fx = x - x0;
      const fy = y - y0;
      const k = y0 * width + x0;
      const top = pixels[k] + (pixels[k + 1] - pixels[k]) * fx;
      const bottom = pixels[k + width] + (pixels[k + width + 1] - pixels[k + width]) * fx;
      out[j * w + i] = Math.round(top + (bottom - top) * fy);
    }
  }
  return { width: w, height: h, ppi: image.ppi, pixels: out };
}

function cornersOf(b: RotatedBox): Array<[number, number]> {
  const px = Math.cos(b.angle);
  const py = Math.sin(b.angle);
  const dx = Math.sin(b.angle);
  const dy = -Math.cos(b.angle);
  const at = (across: number, along: number): [number, number] => [b.cx + across * px + along * dx, b.cy + across * py + along * dy];
  return [at(-b.width / 2, b.height / 2), at(b.width / 2, b.height / 2), at(b.width / 2, -b.height / 2), at(-b.width / 2, -b.height / 2)];
}

/**
 * Segments a slap into fingertips, left → right in the image, each with its NIST finger
 * position (when all expected fingers were found), rotated box and upright crop.
 */
export function segmentSlap(image: GrayImage, slap: SlapPosition, options: SegmentOptions = {}): SlapSegmentation {
  if (!isSlapPosition(slap)) throw new BiometricError('INVALID_ARGUMENT', `slap position must be 13, 14 or 15, got ${String(slap)}`);
  const maxTiltDeg = options.maxTiltDeg ?? 45;
  const maxTipInches = options.maxTipInches ?? 1.2;
  if (!(maxTiltDeg >= 0 && maxTiltDeg <= 60)) throw new BiometricError('INVALID_ARGUMENT', 'maxTiltDeg must be in 0–60');
  if (!(maxTipInches > 0.2 && maxTipInches <= 3)) throw new BiometricError('INVALID_ARGUMENT', 'maxTipInches must be in 0.2–3');
  const positions = SLAP_FINGERS[slap];
  const expected = positions.length;
  const m = slapForeground(image);
  const { block } = m;
  const ppi = image.ppi;
  const { xs, ys } = blockCentres(m);
  if (xs.length === 0) return { slap, angle: 0, expected, fingers: [], complete: false };

  const diag = Math.hypot(image.width, image.height);
  const angle = findTilt(m, maxTiltDeg);
  const px = Math.cos(angle);
  const py = Math.sin(angle);
  const dx = Math.sin(angle);
  const dy = -Math.cos(angle);
  // u across the fingers (left → right), v along them (base → tip), both in pixels.
  const us = new Float64Array(xs.length);
  const vs = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    us[i] = xs[i] * px + ys[i] * py + diag;
    vs[i] = xs[i] * dx + ys[i] * dy + diag;
  }
  const bins = Math.ceil((2 * diag) / block) + 1;
  const profile = new Float64Array(bins);
  for (let i = 0; i < us.length; i++) profile[Math.floor(us[i] / block)]++;
  const columns = findColumns(smooth(profile, 1), expected, block, ppi);

  const fingers: FingerSegment[] = [];
  const maxTip = maxTipInches * ppi;
  const gapBins = Math.max(1, Math.round((0.03 * ppi) / block)); // a crease or gap ≥ 0.03 inch
  columns.forEach((col, index) => {
    const uLo = col.lo * block;
    const uHi = (col.hi + 1) * block;
    // Along-finger profile of this column.
    const vBins = new Float64Array(bins);
    for (let i = 0; i < us.length; i++) if (us[i] >= uLo && us[i] < uHi) vBins[Math.floor(vs[i] / block)]++;
    const colWidthBins = col.hi - col.lo + 1;
    const minRow = Math.max(1, 0.25 * colWidthBins);
    // Runs of finger along the column, tip side first, split at gaps (creases, phalanx gaps).
    const runs: Array<{ top: number; bottom: number }> = [];
    let runTop = -1;
    let lastFull = -1;
    for (let b = bins - 1; b >= -1; b--) {
      const full = b >= 0 && vBins[b] >= minRow * 0.5;
      if (full) {
        if (runTop < 0 && vBins[b] >= minRow) runTop = b;
        if (runTop >= 0) lastFull = b;
      } else if (runTop >= 0 && (b < 0 || lastFull - b >= gapBins)) {
        runs.push({ top: runTop, bottom: lastFull });
        runTop = -1;
      }
    }
    if (runs.length === 0) return;
    // The tip is the first run long enough to be a fingertip (a sliver of another print
    // poking in at the edge of the image is not), else the longest.
    const widthPx = colWidthBins * block;
    const minTipBins = (0.3 * ppi) / block;
    let run = runs.find((r) => r.top - r.bottom + 1 >= minTipBins);
    if (!run) run = runs.reduce((a, r) => (r.top - r.bottom > a.top - a.bottom ? r : a));
    const top = run.top;
    const capBins = Math.max(2, Math.min(Math.round(maxTip / block), Math.round((1.5 * widthPx) / block)));
    const bottom = Math.max(run.bottom, top - capBins + 1);
    const vLo = bottom * block;
    const vHi = (top + 1) * block;
    // Tighten across the finger to the foreground inside the tip's rows.
    let tuLo = Infinity;
    let tuHi = -Infinity;
    let area = 0;
    for (let i = 0; i < us.length; i++) {
      if (us[i] >= uLo && us[i] < uHi && vs[i] >= vLo && vs[i] < vHi) {
        tuLo = Math.min(tuLo, us[i] - block / 2);
        tuHi = Math.max(tuHi, us[i] + block / 2);
        area++;
      }
    }
    if (area === 0) return;
    const margin = block;
    const aLo = tuLo - margin;
    const aHi = tuHi + margin;
    const bLo = vLo;
    const bHi = vHi + margin;
    const cu = (aLo + aHi) / 2 - diag;
    const cv = (bLo + bHi) / 2 - diag;
    // Back to image coordinates: r = u·p + v·d.
    const box: RotatedBox = { cx: cu * px + cv * dx, cy: cu * py + cv * dy, width: aHi - aLo, height: bHi - bLo, angle };
    fingers.push({
      position: 0,
      index,
      box,
      corners: cornersOf(box),
      image: cropRotated(image, box),
      area: (area * block * block) / (ppi * ppi),
    });
  });
  const complete = fingers.length === expected;
  return {
    slap,
    angle,
    expected,
    fingers: complete ? fingers.map((f, k) => ({ ...f, position: positions[k] })) : fingers,
    complete,
  };
}
