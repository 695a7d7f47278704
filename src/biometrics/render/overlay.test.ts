import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { decodeImage } from '../image/decode.ts';
import type { GrayImage } from '../image/gray-image.ts';
import { getPixel, type RgbRaster } from '../image/raster.ts';
import type { FingerprintTemplate, Minutia } from '../template/template.ts';
import { DEFAULT_MINUTIA_COLORS, renderMinutiaeOverlay, renderPairOverlay } from './overlay.ts';

function flat(width: number, height: number, ppi = 500, value = 255): GrayImage {
  return { width, height, ppi, pixels: new Uint8Array(width * height).fill(value) };
}

function template(width: number, height: number, minutiae: Minutia[]): FingerprintTemplate {
  return { width, height, resolution: 500, quality: 50, minutiae };
}

function isColor(raster: RgbRaster, x: number, y: number, color: readonly number[], tolerance = 40): boolean {
  const p = getPixel(raster, Math.round(x), Math.round(y));
  return p.every((v, i) => Math.abs(v - color[i]) <= tolerance);
}

const ending: Minutia = { x: 50, y: 50, direction: 0, type: 'ending', quality: 80 };
const bifurcation: Minutia = { x: 150, y: 50, direction: Math.PI / 2, type: 'bifurcation', quality: 80 };

describe('renderMinutiaeOverlay', () => {
  it('draws endings and bifurcations as circles in their two colours', () => {
    const r = renderMinutiaeOverlay(flat(200, 100), template(200, 100, [ending, bifurcation]), { scale: 1, radius: 6, lineWidth: 2 });
    expect([r.width, r.height]).toEqual([200, 100]);
    expect(isColor(r, 50 - 6, 50, DEFAULT_MINUTIA_COLORS.ending)).toBe(true);
    expect(isColor(r, 150 - 6, 50, DEFAULT_MINUTIA_COLORS.bifurcation)).toBe(true);
    expect(isColor(r, 50, 50, [255, 255, 255], 0)).toBe(true); // the centre stays clear
  });

  it('points the direction tick counter-clockwise from +x, with up the image at π/2', () => {
    const r = renderMinutiaeOverlay(flat(200, 100), template(200, 100, [ending, bifurcation]), { scale: 1, radius: 6, lineWidth: 2 });
    // Ending at direction 0: tick to the right of the circle, nothing to the left.
    expect(isColor(r, 50 + 12, 50, DEFAULT_MINUTIA_COLORS.ending)).toBe(true);
    expect(isColor(r, 50 - 12, 50, [255, 255, 255], 0)).toBe(true);
    // Bifurcation at π/2: tick above (smaller y), nothing below.
    expect(isColor(r, 150, 50 - 12, DEFAULT_MINUTIA_COLORS.bifurcation)).toBe(true);
    expect(isColor(r, 150, 50 + 12, [255, 255, 255], 0)).toBe(true);
  });

  it('scales template coordinates onto an image at another resolution', () => {
    // A 1000 ppi image is 400 px wide for a 200 px template; at scale 1 the output is at 500 ppi.
    const r = renderMinutiaeOverlay(flat(400, 200, 1000), template(200, 100, [ending]), { scale: 2, radius: 6, lineWidth: 2 });
    expect([r.width, r.height]).toEqual([400, 200]);
    expect(isColor(r, 2 * 50 + 0.5 - 12, 2 * 50 + 0.5, DEFAULT_MINUTIA_COLORS.ending)).toBe(true);
  });

  it('enlarges small images by default and keeps the fingerprint visible under the marks', () => {
    const image = flat(100, 80, 500, 0);
    const r = renderMinutiaeOverlay(image, template(100, 80, []));
    expect(r.width).toBe(300);
    const [v] = getPixel(r, 0, 0);
    expect(v).toBeGreaterThan(50); // faded towards white
    expect(v).toBeLessThan(128);
  });
});

describe('renderPairOverlay', () => {
  it('puts the two images side by side and joins each pair with a line', () => {
    const a = template(100, 100, [{ ...ending, x: 20, y: 50 }]);
    const b = template(100, 100, [{ ...bifurcation, x: 80, y: 50 }]);
    const r = renderPairOverlay(flat(100, 100), a, flat(100, 100), b, [[0, 0]], { scale: 1, gap: 20, radius: 4 });
    expect([r.width, r.height]).toEqual([220, 100]);
    // The line runs along y = 50 from x = 20 to 100 + 20 + 80; check a point in the gap.
    expect(isColor(r, 110, 50, [255, 255, 255], 0)).toBe(false);
    expect(isColor(r, 110, 40, [255, 255, 255], 0)).toBe(true);
  });

  it('refuses pairs that do not index the templates', () => {
    const a = template(100, 100, [ending]);
    expect(() => renderPairOverlay(flat(100, 100), a, flat(100, 100), a, [[0, 1]])).toThrow(BiometricError);
    expect(() => renderPairOverlay(flat(100, 100), a, flat(100, 100), a, [[-1, 0]])).toThrow(BiometricError);
  });

  it('pads the shorter image with white to the taller one', () => {
    const r = renderPairOverlay(flat(50, 40, 500, 0), template(50, 40, []), flat(60, 90, 500, 0), template(60, 90, []), [], { scale: 1, gap: 0, fade: 0 });
    expect([r.width, r.height]).toEqual([110, 90]);
    expect(getPixel(r, 10, 80)).toEqual([255, 255, 255]);
    expect(getPixel(r, 10, 10)).toEqual([0, 0, 0]);
  });
});

const TIF = '/work/shared/data/fvc2002/DB1_B/101_1.tif';
describe.skipIf(!existsSync(TIF))('overlays of a real fingerprint (skipped: /work/shared/data is absent, as in a fresh clone)', () => {
  it('renders an FVC2002 image with minutiae in both colours', () => {
    const image = decodeImage(new Uint8Array(readFileSync(TIF)));
    const m: Minutia[] = [
      { x: 150, y: 150, direction: 1, type: 'ending', quality: 60 },
      { x: 220, y: 200, direction: 4, type: 'bifurcation', quality: 60 },
    ];
    const r = renderMinutiaeOverlay(image, template(image.width, image.height, m));
    expect(r.width).toBe(image.width * 2);
    let colored = 0;
    for (let i = 0; i < r.data.length; i += 3) if (Math.max(r.data[i], r.data[i + 1], r.data[i + 2]) - Math.min(r.data[i], r.data[i + 1], r.data[i + 2]) > 60) colored++;
    expect(colored).toBeGreaterThan(100);
  });
});
