/** Reports (HTML, PDF) and charts (SVG, PNG) built from plain data. See README.md. */
export * from './errors.ts';
export * from './model.ts';
export { activationChartSvg, chartSvg, escapeXml, funnelChartSvg, proportionChartSvg, stackedChartSvg, type ChartOptions } from './charts.ts';
export { cellText, formatNumber, suppressionNote, validateChart, validateReport } from './format.ts';
export { reportHtml } from './html.ts';
export { reportPdf, type PdfOptions, type Rasterize } from './pdf.ts';
export { PdfWriter, toWinAnsi, type PdfInfo, type RgbImage } from './pdf-writer.ts';
export { rasterizeSvg, svgToPngBytes } from './raster.ts';
