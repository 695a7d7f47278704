import { BiometricError } from '../errors.ts';
import type { GrayImage } from '../image/gray-image.ts';
import type { FingerprintTemplate } from '../template/template.ts';
import { fvcPairs, type FvcSample } from './fvc.ts';
import { errorRates, type ErrorRates } from './metrics.ts';

/** What an evaluation needs of a fingerprint engine. */
export interface Engine<Prepared> {
  extract(image: GrayImage): FingerprintTemplate;
  prepare(template: FingerprintTemplate): Prepared;
  compare(probe: Prepared, candidate: Prepared): number;
}

export type EvaluationPhase = 'extract' | 'compare' | 'timing';

export interface EvaluationOptions {
  /** Monotonic milliseconds (performance.now in the CLI); injected so this module stays pure. */
  now: () => number;
  onProgress?: (phase: EvaluationPhase, done: number, total: number) => void;
  /** Minimum wall time spent measuring comparison speed, in ms (default 1,000). */
  minTimingMs?: number;
}

/** One sample: either an image to extract or a template made elsewhere (e.g. an ISO record). */
export type EvaluationItem = { sample: FvcSample; image: GrayImage } | { sample: FvcSample; template: FingerprintTemplate };

export interface EvaluationResult {
  images: number;
  genuine: number;
  impostor: number;
  eer: number;
  fmr100: number;
  fmr1000: number;
  zeroFmr: number;
  /** Median extraction time per image in ms; null when the input was templates. */
  extractMsMedian: number | null;
  comparisonsPerSecond: number;
  rates: ErrorRates;
  genuineScores: number[];
  impostorScores: number[];
  /** Samples whose extraction failed with a typed error (counted with empty templates, score 0). */
  failures: Array<{ sample: string; code: string; message: string }>;
  minutiaeMedian: number;
  qualityMedian: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs the FVC protocol: extract every image (timed one at a time), prepare every template,
 * score every genuine and impostor pair once, then time comparisons on one thread until at
 * least `minTimingMs` has passed.
 */
export function runEvaluation<P>(items: readonly EvaluationItem[], engine: Engine<P>, options: EvaluationOptions): EvaluationResult {
  const { now, onProgress } = options;
  const templates: FingerprintTemplate[] = [];
  const extractMs: number[] = [];
  const failures: EvaluationResult['failures'] = [];
  items.forEach((item, k) => {
    if ('template' in item) {
      templates.push(item.template);
    } else {
      const start = now();
      try {
        templates.push(engine.extract(item.image));
      } catch (error) {
        if (!(error instanceof BiometricError)) throw error;
        failures.push({ sample: item.sample.name, code: error.code, message: error.message });
        templates.push({ width: item.image.width, height: item.image.height, resolution: 500, quality: 0, minutiae: [] });
      }
      extractMs.push(now() - start);
    }
    onProgress?.('extract', k + 1, items.length);
  });
  const prepared = templates.map((t) => engine.prepare(t));
  const { genuine, impostor } = fvcPairs(items.map((i) => i.sample));
  const total = genuine.length + impostor.length;
  const genuineScores: number[] = [];
  const impostorScores: number[] = [];
  let done = 0;
  const compareStart = now();
  for (const [list, scores] of [
    [genuine, genuineScores],
    [impostor, impostorScores],
  ] as const) {
    for (const [a, b] of list) {
      scores.push(engine.compare(prepared[a], prepared[b]));
      if (++done % 500 === 0) onProgress?.('compare', done, total);
    }
  }
  onProgress?.('compare', total, total);
  let elapsed = now() - compareStart;
  let comparisons = total;
  // Short runs time too coarsely: repeat the whole pair list until enough time has passed.
  const minTimingMs = options.minTimingMs ?? 1000;
  let sink = 0;
  while (elapsed < minTimingMs && total > 0) {
    const start = now();
    for (const [a, b] of genuine) sink += engine.compare(prepared[a], prepared[b]);
    for (const [a, b] of impostor) sink += engine.compare(prepared[a], prepared[b]);
    elapsed += now() - start;
    comparisons += total;
    onProgress?.('timing', Math.round(Math.min(elapsed, minTimingMs)), minTimingMs);
  }
  if (Number.isNaN(sink)) throw new Error('comparator returned NaN');
  const rates = errorRates(genuineScores, impostorScores);
  return {
    images: items.length,
    genuine: genuine.length,
    impostor: impostor.length,
    eer: rates.eer,
    fmr100: rates.fmr100,
    fmr1000: rates.fmr1000,
    zeroFmr: rates.zeroFmr,
    extractMsMedian: extractMs.length ? median(extractMs) : null,
    comparisonsPerSecond: elapsed > 0 ? (comparisons * 1000) / elapsed : 0,
    rates,
    genuineScores,
    impostorScores,
    failures,
    minutiaeMedian: median(templates.map((t) => t.minutiae.length)),
    qualityMedian: median(templates.map((t) => t.quality)),
  };
}
