import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import type { GrayImage } from '../image/gray-image.ts';
import type { FingerprintTemplate } from '../template/template.ts';
import { parseSampleName } from './fvc.ts';
import { runEvaluation, type Engine, type EvaluationItem } from './run.ts';

/** A toy engine whose "template" is the image's first pixel: same finger → same value. */
const engine: Engine<number> = {
  extract(image: GrayImage): FingerprintTemplate {
    if (image.pixels[0] === 0) throw new BiometricError('IMAGE_FORMAT', 'unreadable');
    return { width: 1, height: 1, resolution: 500, quality: image.pixels[0], minutiae: [] };
  },
  prepare: (t) => t.quality,
  compare: (a, b) => (a === b ? 1 : 0),
};

function items(): EvaluationItem[] {
  const out: EvaluationItem[] = [];
  for (let f = 1; f <= 3; f++)
    for (let i = 1; i <= 2; i++) out.push({ sample: parseSampleName(`${f}_${i}.png`)!, image: { width: 1, height: 1, ppi: 500, pixels: Uint8Array.of(f * 10) } });
  return out;
}

describe('an evaluation run', () => {
  it('scores every genuine and impostor pair once and reports perfect separation as zero error', () => {
    let clock = 0;
    const result = runEvaluation(items(), engine, { now: () => (clock += 1), minTimingMs: 0 });
    expect(result).toMatchObject({ images: 6, genuine: 3, impostor: 12, eer: 0, fmr100: 0, zeroFmr: 0 });
    expect(result.genuineScores).toEqual([1, 1, 1]);
    expect(result.extractMsMedian).toBe(1);
    expect(result.comparisonsPerSecond).toBeGreaterThan(0);
  });

  it('counts an image that fails extraction as an empty template and reports why', () => {
    const input = items();
    input[0] = { sample: input[0].sample, image: { width: 1, height: 1, ppi: 500, pixels: Uint8Array.of(0) } };
    let clock = 0;
    const result = runEvaluation(input, engine, { now: () => (clock += 1), minTimingMs: 0 });
    expect(result.failures).toEqual([{ sample: '1_1.png', code: 'IMAGE_FORMAT', message: 'unreadable' }]);
    expect(result.eer).toBeGreaterThan(0);
  });

  it('skips extraction timing when given templates', () => {
    const input: EvaluationItem[] = items().map((i) => ({ sample: i.sample, template: engine.extract((i as { image: GrayImage }).image) }));
    let clock = 0;
    const result = runEvaluation(input, engine, { now: () => (clock += 1), minTimingMs: 0 });
    expect(result.extractMsMedian).toBeNull();
    expect(result.eer).toBe(0);
  });
});
