import { Resvg } from '@resvg/resvg-js';
import type { RgbImage } from './pdf-writer.ts';

/** Renders an SVG chart with resvg on a white background; returns 8-bit RGB for the PDF writer. */
export function rasterizeSvg(svg: string, widthPx = 1400): RgbImage {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: widthPx }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  const img = resvg.render();
  const rgba = img.pixels;
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // Opaque everywhere thanks to the white background; blend anyway in case a pixel is not.
    const a = rgba[4 * i + 3] / 255;
    rgb[3 * i] = Math.round(rgba[4 * i] + 255 * (1 - a));
    rgb[3 * i + 1] = Math.round(rgba[4 * i + 1] + 255 * (1 - a));
    rgb[3 * i + 2] = Math.round(rgba[4 * i + 2] + 255 * (1 - a));
  }
  return { width: img.width, height: img.height, rgb };
}

/** Renders an SVG chart to PNG bytes. */
export function svgToPngBytes(svg: string, widthPx = 1400): Uint8Array {
  return new Resvg(svg, { fitTo: { mode: 'width', value: widthPx }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
