import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { decodePng } from './png.ts';
import { blit, createRaster, drawCircle, drawLine, encodeRasterPng, fillRect, getPixel, rasterFromGray, type Rgb } from './raster.ts';

const RED: Rgb = [255, 0, 0];

function count(raster: ReturnType<typeof createRaster>, test: (p: Rgb) => boolean): number {
  let n = 0;
  for (let y = 0; y < raster.height; y++) for (let x = 0; x < raster.width; x++) if (test(getPixel(raster, x, y))) n++;
  return n;
}

describe('raster', () => {
  it('starts filled with the background colour', () => {
    const r = createRaster(3, 2, [1, 2, 3]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(() => createRaster(0, 5)).toThrow(BiometricError);
  });

  it('copies a gray image pixel for pixel at scale 1 and lightens it with fade', () => {
    const image = { width: 2, height: 2, ppi: 500, pixels: Uint8Array.of(0, 100, 200, 255) };
    expect(Array.from(rasterFromGray(image).data)).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]);
    expect(getPixel(rasterFromGray(image, 1, 0.5), 0, 0)).toEqual([128, 128, 128]);
  });

  it('resamples a gray image bilinearly, keeping a constant image constant', () => {
    const image = { width: 5, height: 3, ppi: 500, pixels: new Uint8Array(15).fill(77) };
    const r = rasterFromGray(image, 2.5);
    expect([r.width, r.height]).toEqual([13, 8]);
    expect(r.data.every((v) => v === 77)).toBe(true);
  });

  it('draws a horizontal line of the requested width, clipped at the edges', () => {
    const r = createRaster(20, 9);
    drawLine(r, -5, 4, 30, 4, RED, { width: 3 });
    expect(getPixel(r, 10, 4)).toEqual([255, 0, 0]);
    expect(getPixel(r, 10, 3)).toEqual([255, 0, 0]);
    expect(getPixel(r, 10, 5)).toEqual([255, 0, 0]);
    expect(getPixel(r, 10, 1)).toEqual([255, 255, 255]);
    expect(getPixel(r, 10, 7)).toEqual([255, 255, 255]);
  });

  it('anti-aliases a diagonal line: partial coverage next to the stroke, none far away', () => {
    const r = createRaster(30, 30);
    drawLine(r, 2, 3, 27, 20, RED, { width: 1.5 });
    const partial = count(r, ([, g]) => g > 0 && g < 255);
    expect(partial).toBeGreaterThan(10);
    expect(getPixel(r, 27, 3)).toEqual([255, 255, 255]);
  });

  it('draws a circle outline with an empty centre, and a filled disc when asked', () => {
    const r = createRaster(41, 41);
    drawCircle(r, 20, 20, 10, RED, { width: 2 });
    expect(getPixel(r, 20, 20)).toEqual([255, 255, 255]);
    expect(getPixel(r, 30, 20)).toEqual([255, 0, 0]);
    expect(getPixel(r, 20, 10)).toEqual([255, 0, 0]);
    const d = createRaster(41, 41);
    drawCircle(d, 20, 20, 10, RED, { fill: true });
    expect(getPixel(d, 20, 20)).toEqual([255, 0, 0]);
    const discArea = count(d, ([, g]) => g < 128);
    expect(Math.abs(discArea - Math.PI * 100)).toBeLessThan(15);
  });

  it('blends with the requested opacity', () => {
    const r = createRaster(4, 4, [0, 0, 0]);
    fillRect(r, 0, 0, 2, 2, [200, 100, 0], 0.5);
    expect(getPixel(r, 1, 1)).toEqual([100, 50, 0]);
    expect(getPixel(r, 2, 2)).toEqual([0, 0, 0]);
  });

  it('blits one raster into another, clipping what falls outside', () => {
    const dst = createRaster(4, 3, [0, 0, 0]);
    blit(dst, createRaster(3, 3, [9, 9, 9]), 2, 1);
    expect(getPixel(dst, 1, 1)).toEqual([0, 0, 0]);
    expect(getPixel(dst, 2, 1)).toEqual([9, 9, 9]);
    expect(getPixel(dst, 3, 2)).toEqual([9, 9, 9]);
    blit(dst, createRaster(3, 3, [5, 5, 5]), -2, -2);
    expect(getPixel(dst, 0, 0)).toEqual([5, 5, 5]);
    expect(getPixel(dst, 1, 0)).toEqual([0, 0, 0]);
  });

  it('encodes to a PNG that the gray reader refuses as coloured, or reads when gray', () => {
    const gray = createRaster(3, 3, [40, 40, 40]);
    expect(Array.from(decodePng(encodeRasterPng(gray)).pixels)).toEqual(new Array(9).fill(40));
    const red = createRaster(3, 3, RED);
    expect(() => decodePng(encodeRasterPng(red))).toThrow(/non-grayscale/);
  });
});
