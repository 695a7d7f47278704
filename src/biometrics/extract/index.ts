import { WORKING_PPI, type GrayImage } from '../image/gray-image.ts';
import { resampleTo } from '../image/resample.ts';
import type { FingerprintTemplate, Minutia } from '../template/template.ts';
import { binarize } from './binarize.ts';
import { enhance } from './enhance.ts';
import { defaultFilterOptions, filterCandidates, type FilterOptions } from './filter.ts';
import { DEFAULT_PERIOD, ridgePeriods } from './frequency.ts';
import { detectCandidates } from './minutiae.ts';
import { angleAt, blockTensor, rawOrientation, smoothOrientation, type OrientationField } from './orientation.ts';
import { imageQuality, minutiaQuality, ridgeClarity } from './quality.ts';
import { DEFAULT_SEGMENTATION, distanceToBackground, pixelMask, segmentBlocks, type SegmentationOptions } from './segmentation.ts';
import { thin } from './thinning.ts';

/**
 * Minutiae extraction: resample to 500 ppi → block orientation field & segmentation → ridge
 * period → oriented contextual enhancement → binarization → thinning → crossing-number
 * detection → false-minutiae removal. Pure computation; never throws except the typed
 * BiometricError that resampling raises for an invalid image.
 */
export const BLOCK = 8;
/** Images smaller than this (at 500 ppi) on either side cannot hold a usable print. */
const MIN_SIDE = 24;

export interface ExtractionDetails {
  template: FingerprintTemplate;
  /** The image at 500 ppi that everything below refers to. */
  image: GrayImage;
  block: number;
  /** Foreground per block (bw × bh). */
  blockMask: Uint8Array;
  /** Smoothed orientation field (image coordinates). */
  orientation: OrientationField | null;
  /** Ridge period per block, pixels. */
  period: Float32Array;
  enhanced: Float32Array;
  binary: Uint8Array;
  skeleton: Uint8Array;
}

/** Tuning knobs (for development and evaluation; the defaults are the one parameter set). */
export interface ExtractOptions {
  /** False-minutiae rule distances as multiples of the median ridge period. */
  filter?: Partial<FilterOptions>;
  /** Minutiae where the ridge clarity (quality.ts) is below this are dropped. */
  minClarity?: number;
  /** …and so are those below this fraction of the print's median foreground clarity. */
  minRelativeClarity?: number;
  /** Gaussian σ, in blocks, of the orientation smoothing. */
  orientationSigma?: number;
  /** Gaussian σ, in pixels, of the along-ridge smoothing in the enhancement. */
  alongSigma?: number;
  /** Minutiae with a quality (0–100) below this are dropped (default 0: keep all). */
  minMinutiaQuality?: number;
  /** Foreground segmentation thresholds. */
  segmentation?: Partial<SegmentationOptions>;
  /** Across-ridge σ of the enhancement as a fraction of the ridge period. */
  acrossSigmaRatio?: number;
  /** Weight of the orientation field against the traced ridge when setting directions. */
  directionBlend?: number;
  /**
   * 'into-ridge' (default, the ISO/IEC 19794-2 convention documented in template.ts): a ridge
   * ending points back along its ridge (the valley-bifurcation view), so an ending and a
   * bifurcation of the same feature agree — impressions often disagree on the type.
   * 'out-of-ridge': the ending points the way the ridge would continue (180° from ISO).
   */
  endingDirection?: 'out-of-ridge' | 'into-ridge';
}

export const DEFAULT_MIN_CLARITY = 0.15;
/** Image quality under which a template carries no minutiae. */
export const MIN_USABLE_QUALITY = 10;
export const DEFAULT_MIN_RELATIVE_CLARITY = 0;

export function extractTemplate(image: GrayImage, options: ExtractOptions = {}): FingerprintTemplate {
  return extractWithDetails(image, options).template;
}

export function extractWithDetails(input: GrayImage, options: ExtractOptions = {}): ExtractionDetails {
  const img = resampleTo(input, WORKING_PPI);
  const { width, height, pixels } = img;
  const empty = (): ExtractionDetails => ({
    template: { width, height, resolution: WORKING_PPI, quality: 0, minutiae: [] },
    image: img,
    block: BLOCK,
    blockMask: new Uint8Array(0),
    orientation: null,
    period: new Float32Array(0),
    enhanced: new Float32Array(width * height),
    binary: new Uint8Array(width * height),
    skeleton: new Uint8Array(width * height),
  });
  if (width < MIN_SIDE || height < MIN_SIDE) return empty();

  const tensor = blockTensor(pixels, width, height, BLOCK);
  const raw = rawOrientation(tensor, 1);
  const blockMask = segmentBlocks(raw, { ...DEFAULT_SEGMENTATION, ...definedOnly(options.segmentation) });
  let fg = 0;
  for (let i = 0; i < blockMask.length; i++) fg += blockMask[i];
  if (fg < 4) return { ...empty(), blockMask };
  const field = smoothOrientation(raw, blockMask, options.orientationSigma ?? 2);
  const period = ridgePeriods(pixels, width, height, field, blockMask);
  const enhanced = enhance({ pixels, width, height, orientation: field, period, blockMask, alongSigma: options.alongSigma, acrossSigmaRatio: options.acrossSigmaRatio });
  const mask = pixelMask(blockMask, field.bw, BLOCK, width, height);
  const binary = binarize(enhanced, mask, width, height);
  const skeleton = thin(binary, width, height);

  const periods: number[] = [];
  for (let i = 0; i < blockMask.length; i++) if (blockMask[i]) periods.push(period[i]);
  periods.sort((a, b) => a - b);
  const medianPeriod = periods.length ? periods[periods.length >> 1] : DEFAULT_PERIOD;

  const candidates = detectCandidates(skeleton, width, height, mask);
  for (const c of candidates) c.border = distanceToBackground(blockMask, field.bw, field.bh, BLOCK, width, height, c.x, c.y);
  const kept = filterCandidates(candidates, width, defaultFilterOptions(medianPeriod, definedOnly(options.filter)));

  const clarity = ridgeClarity(enhanced, width, height, BLOCK, field.bw, field.bh, raw.stdev);
  const fgClarity: number[] = [];
  for (let i = 0; i < blockMask.length; i++) if (blockMask[i]) fgClarity.push(clarity[i]);
  fgClarity.sort((a, b) => a - b);
  const medianClarity = fgClarity[fgClarity.length >> 1] ?? 0;
  const minClarity = Math.max(options.minClarity ?? DEFAULT_MIN_CLARITY, (options.minRelativeClarity ?? DEFAULT_MIN_RELATIVE_CLARITY) * medianClarity);
  const minutiae: Minutia[] = [];
  for (const c of kept) {
    const bi = ((c.y / BLOCK) | 0) * field.bw + ((c.x / BLOCK) | 0);
    if (clarity[bi] < minClarity) continue;
    // Blend the traced direction with the (smoother) orientation field, resolving its π ambiguity.
    const th = angleAt(field, c.x, c.y);
    let ux = Math.cos(th);
    let uy = Math.sin(th);
    if (ux * c.dx + uy * c.dy < 0) { ux = -ux; uy = -uy; }
    const blend = options.directionBlend ?? 1;
    const vx = c.dx + blend * ux;
    const vy = c.dy + blend * uy;
    let direction = Math.atan2(-vy, vx); // image y grows downwards; template angles are CCW as seen
    if (c.type === 'ending' && (options.endingDirection ?? 'into-ridge') === 'into-ridge') direction += Math.PI;
    if (direction < 0) direction += 2 * Math.PI;
    while (direction >= 2 * Math.PI) direction -= 2 * Math.PI;
    minutiae.push({ x: c.x, y: c.y, direction, type: c.type, quality: minutiaQuality(clarity[bi], c.border, medianPeriod) });
  }
  const quality = imageQuality(blockMask, raw.coherence, BLOCK);
  // Below this the "print" is texture without ridge structure (noise, blobs): no minutiae.
  // Real FVC2002 prints score 24 or more.
  if (quality < MIN_USABLE_QUALITY) minutiae.length = 0;
  const minQ = options.minMinutiaQuality ?? 0;
  if (minQ > 0) {
    const kept2 = minutiae.filter((m) => m.quality >= minQ);
    minutiae.length = 0;
    minutiae.push(...kept2);
  }
  return {
    template: { width, height, resolution: WORKING_PPI, quality, minutiae },
    image: img,
    block: BLOCK,
    blockMask,
    orientation: field,
    period,
    enhanced,
    binary,
    skeleton,
  };
}

/** Drops keys whose value is undefined, so that spreading over defaults keeps the defaults. */
function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
