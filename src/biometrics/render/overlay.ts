import { BiometricError } from '../errors.ts';
import type { GrayImage } from '../image/gray-image.ts';
import { blit, COLORS, createRaster, drawCircle, drawLine, rasterFromGray, type Rgb, type RgbRaster } from '../image/raster.ts';
import type { FingerprintTemplate, Minutia, MinutiaType } from '../template/template.ts';

/**
 * Minutiae drawn over their fingerprint: a circle on each minutia with a tick in its
 * direction, endings and bifurcations in two colours (vermillion and blue by default, told
 * apart with the common colour-vision deficiencies). The picture is laid out at the
 * template's resolution times `scale`, so an image at another resolution (569 ppi, say) is
 * resampled to sit under template coordinates, which are at `template.resolution`.
 */
export interface OverlayOptions {
  /**
   * Output pixels per template pixel. Default: enough to make the longer side about 800
   * pixels, between 1 and 3.
   */
  scale?: number;
  /** Circle radius in template pixels; default 5 (a tenth of an inch is 50). */
  radius?: number;
  /** Stroke width in output pixels; default 1.5 × scale, at least 1.5. */
  lineWidth?: number;
  /** How far to lighten the fingerprint towards white, 0–1; default 0.35. */
  fade?: number;
  colors?: Partial<Record<MinutiaType, Rgb>>;
}

export const DEFAULT_MINUTIA_COLORS: Record<MinutiaType, Rgb> = {
  ending: COLORS.vermillion,
  bifurcation: COLORS.blue,
  other: COLORS.reddishPurple,
};

interface Layout {
  scale: number;
  radius: number;
  lineWidth: number;
  fade: number;
  colors: Record<MinutiaType, Rgb>;
}

function layout(options: OverlayOptions, longestSide: number): Layout {
  const scale = options.scale ?? Math.min(3, Math.max(1, Math.round(800 / Math.max(1, longestSide))));
  if (!(scale > 0) || scale > 8) throw new BiometricError('INVALID_ARGUMENT', `overlay scale ${scale} must be in (0, 8]`);
  return {
    scale,
    radius: options.radius ?? 5,
    lineWidth: options.lineWidth ?? Math.max(1.5, 1.5 * scale),
    fade: options.fade ?? 0.35,
    colors: { ...DEFAULT_MINUTIA_COLORS, ...options.colors },
  };
}

/** The fingerprint resampled so that one template pixel is `scale` output pixels. */
function background(image: GrayImage, template: FingerprintTemplate, l: Layout): RgbRaster {
  if (!(template.resolution > 0) || !(image.ppi > 0)) throw new BiometricError('INVALID_ARGUMENT', 'overlay needs positive image and template resolutions');
  return rasterFromGray(image, (l.scale * template.resolution) / image.ppi, l.fade);
}

/** Template coordinates → output pixel centre, with the raster placed at (ox, oy). */
function place(m: Minutia, l: Layout, ox = 0, oy = 0): [number, number] {
  return [ox + (m.x + 0.5) * l.scale - 0.5, oy + (m.y + 0.5) * l.scale - 0.5];
}

function drawMinutia(raster: RgbRaster, m: Minutia, l: Layout, ox = 0, oy = 0, alpha = 1): void {
  const [x, y] = place(m, l, ox, oy);
  const r = l.radius * l.scale;
  const color = l.colors[m.type] ?? l.colors.other;
  // Direction is counter-clockwise from +x as seen on the image, whose y axis points down.
  const ux = Math.cos(m.direction);
  const uy = -Math.sin(m.direction);
  // A thin white halo first keeps the marks legible over dark ridges.
  drawCircle(raster, x, y, r, COLORS.white, { width: l.lineWidth + 2, alpha: 0.6 * alpha });
  drawLine(raster, x + ux * r, y + uy * r, x + ux * r * 2.6, y + uy * r * 2.6, COLORS.white, { width: l.lineWidth + 2, alpha: 0.6 * alpha });
  drawCircle(raster, x, y, r, color, { width: l.lineWidth, alpha });
  drawLine(raster, x + ux * r, y + uy * r, x + ux * r * 2.6, y + uy * r * 2.6, color, { width: l.lineWidth, alpha });
}

export function renderMinutiaeOverlay(image: GrayImage, template: FingerprintTemplate, options: OverlayOptions = {}): RgbRaster {
  const longest = Math.max(image.width, image.height) * (template.resolution / image.ppi);
  const l = layout(options, longest);
  const raster = background(image, template, l);
  for (const m of template.minutiae) drawMinutia(raster, m, l);
  return raster;
}

export interface PairOverlayOptions extends OverlayOptions {
  /** Gap between the two pictures in output pixels; default 16. */
  gap?: number;
  /** Opacity of minutiae that are not in any pair, 0–1; default 0.45. */
  unpairedAlpha?: number;
}

/** Line colours for pairs, cycled so that crossing lines can be followed. */
const PAIR_COLORS: Rgb[] = [COLORS.bluishGreen, COLORS.orange, COLORS.skyBlue, COLORS.reddishPurple, [90, 90, 90]];

/**
 * Two fingerprints side by side (tops aligned, on white), every minutia drawn as in
 * {@link renderMinutiaeOverlay}, unpaired ones fainter, and each pair `[indexA, indexB]`
 * joined by a line.
 */
export function renderPairOverlay(
  imageA: GrayImage,
  templateA: FingerprintTemplate,
  imageB: GrayImage,
  templateB: FingerprintTemplate,
  pairs: ReadonlyArray<readonly [number, number]>,
  options: PairOverlayOptions = {},
): RgbRaster {
  for (const [a, b] of pairs) {
    if (!Number.isInteger(a) || a < 0 || a >= templateA.minutiae.length || !Number.isInteger(b) || b < 0 || b >= templateB.minutiae.length) {
      throw new BiometricError('INVALID_ARGUMENT', `pair [${a}, ${b}] does not index the templates' minutiae (${templateA.minutiae.length} and ${templateB.minutiae.length})`);
    }
  }
  const longest = Math.max(
    Math.max(imageA.width, imageA.height) * (templateA.resolution / imageA.ppi),
    Math.max(imageB.width, imageB.height) * (templateB.resolution / imageB.ppi),
  );
  const l = layout(options, longest);
  const left = background(imageA, templateA, l);
  const right = background(imageB, templateB, l);
  const gap = Math.max(0, Math.round(options.gap ?? 16));
  const raster = createRaster(left.width + gap + right.width, Math.max(left.height, right.height));
  blit(raster, left, 0, 0);
  blit(raster, right, left.width + gap, 0);
  const ox = left.width + gap;

  const pairedA = new Set(pairs.map(([a]) => a));
  const pairedB = new Set(pairs.map(([, b]) => b));
  const faint = options.unpairedAlpha ?? 0.45;
  templateA.minutiae.forEach((m, i) => drawMinutia(raster, m, l, 0, 0, pairedA.has(i) ? 1 : faint));
  templateB.minutiae.forEach((m, i) => drawMinutia(raster, m, l, ox, 0, pairedB.has(i) ? 1 : faint));
  pairs.forEach(([a, b], k) => {
    const [xa, ya] = place(templateA.minutiae[a], l);
    const [xb, yb] = place(templateB.minutiae[b], l, ox);
    drawLine(raster, xa, ya, xb, yb, PAIR_COLORS[k % PAIR_COLORS.length], { width: Math.max(1.25, l.lineWidth * 0.75), alpha: 0.85 });
  });
  return raster;
}
