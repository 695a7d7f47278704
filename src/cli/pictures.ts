import { comparePair, prepareTemplate, THRESHOLD_FMR_0_01_PERCENT, THRESHOLD_FMR_0_1_PERCENT, THRESHOLD_FMR_1_PERCENT } from '../biometrics/compare/index.ts';
import { combinePanelsSvg, detCurveSvg, scoreHistogramSvg, type DetSeries } from '../biometrics/evaluate/plots.ts';
import type { GrayImage } from '../biometrics/image/gray-image.ts';
import { encodeRasterPng } from '../biometrics/image/raster.ts';
import { renderMinutiaeOverlay, renderPairOverlay } from '../biometrics/render/overlay.ts';
import type { FingerprintTemplate } from '../biometrics/template/template.ts';
import { svgToPng, writeBytes } from './io.ts';

/** The comparator's calibrated decision thresholds (score = 10 × −log10 FMR). */
export const CALIBRATED_THRESHOLDS = [
  { fmr: '1%', threshold: THRESHOLD_FMR_1_PERCENT },
  { fmr: '0.1%', threshold: THRESHOLD_FMR_0_1_PERCENT },
  { fmr: '0.01%', threshold: THRESHOLD_FMR_0_01_PERCENT },
] as const;

export function writeOverlayPng(path: string, image: GrayImage, template: FingerprintTemplate): void {
  writeBytes(path, encodeRasterPng(renderMinutiaeOverlay(image, template)));
}

export function writePairOverlayPng(path: string, imageA: GrayImage, templateA: FingerprintTemplate, imageB: GrayImage, templateB: FingerprintTemplate): void {
  const details = comparePair(prepareTemplate(templateA), prepareTemplate(templateB));
  writeBytes(path, encodeRasterPng(renderPairOverlay(imageA, templateA, imageB, templateB, details.pairList)));
}

/** A DET curve of every series beside the score histogram of each, as one PNG. */
export function evaluationPlotPng(series: readonly DetSeries[], title?: string): Uint8Array {
  const thresholds = CALIBRATED_THRESHOLDS.map((t) => ({ value: t.threshold, label: `FMR ${t.fmr}` }));
  const panels = [
    detCurveSvg(series, { title: 'DET curve' }),
    ...series.map((s) => scoreHistogramSvg(s.genuine, s.impostor, { title: `Scores — ${s.label}`, thresholds, xLabel: 'calibrated score (10 × −log10 FMR)', sqrtScale: true })),
  ];
  return svgToPng(combinePanelsSvg(panels, { columns: Math.min(3, panels.length), ...(title ? { title } : {}) }));
}
