import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { DEFAULT_CLASS_WEIGHTS, orientationField, PATTERN_CLASSES, placeSingularities, samplePatternClass, type FingertipShape, type PatternClass } from './pattern.ts';
import { createRng } from './random.ts';

const shape: FingertipShape = { cx: 170, cy: 230, halfWidth: 145, halfHeightTop: 200, halfHeightBottom: 180 };

/** Poincaré index of an orientation field around a circle (in half turns: +1 core, −1 delta). */
function poincare(field: Float32Array, width: number, x: number, y: number, r: number): number {
  let total = 0;
  const steps = 64;
  const at = (k: number) => field[Math.round(y + r * Math.sin((2 * Math.PI * k) / steps)) * width + Math.round(x + r * Math.cos((2 * Math.PI * k) / steps))];
  for (let k = 0; k < steps; k++) {
    let d = at(k + 1) - at(k);
    if (d > Math.PI / 2) d -= Math.PI;
    if (d < -Math.PI / 2) d += Math.PI;
    total += d;
  }
  return Math.round(total / Math.PI);
}

describe('pattern classes', () => {
  it('are drawn with the natural frequencies', () => {
    const rng = createRng('classes');
    const counts = new Map<PatternClass, number>();
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const c = samplePatternClass(rng);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const c of PATTERN_CLASSES) {
      const expected = DEFAULT_CLASS_WEIGHTS[c];
      expect(Math.abs((counts.get(c) ?? 0) / n - expected)).toBeLessThan(0.012);
    }
  });

  it('keep the natural frequencies when every finger draws from its own forked stream', () => {
    const counts = new Map<PatternClass, number>();
    const n = 10000;
    for (let i = 0; i < n; i++) {
      const c = samplePatternClass(createRng(`person-${i}`).fork(`finger-${1 + (i % 10)}`).fork('class'));
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const c of PATTERN_CLASSES) expect(Math.abs((counts.get(c) ?? 0) / n - DEFAULT_CLASS_WEIGHTS[c])).toBeLessThan(0.015);
  });

  it('can be drawn with custom weights, and bad weights are refused', () => {
    const rng = createRng('custom');
    for (let i = 0; i < 50; i++) expect(samplePatternClass(rng, { arch: 0, 'tented-arch': 0, 'left-loop': 0, 'right-loop': 0, whorl: 1 })).toBe('whorl');
    expect(() => samplePatternClass(rng, { whorl: -1 })).toThrow(BiometricError);
    expect(() => samplePatternClass(rng, { loop: 1 } as never)).toThrow(BiometricError);
  });

  it('get the right number of cores and deltas, with loop deltas on the side the loop does not open to', () => {
    const rng = createRng('singularities');
    const counts = (c: PatternClass) => {
      const s = placeSingularities(rng, c, shape);
      return [s.cores.length, s.deltas.length];
    };
    expect(counts('arch')).toEqual([0, 0]);
    expect(counts('tented-arch')).toEqual([1, 1]);
    expect(counts('left-loop')).toEqual([1, 1]);
    expect(counts('whorl')).toEqual([2, 2]);
    for (let i = 0; i < 20; i++) {
      const left = placeSingularities(rng, 'left-loop', shape);
      expect(left.deltas[0].x).toBeGreaterThan(left.cores[0].x);
      const right = placeSingularities(rng, 'right-loop', shape);
      expect(right.deltas[0].x).toBeLessThan(right.cores[0].x);
    }
  });

  it('produce an orientation field whose singular points have Poincaré index +½ (core) and −½ (delta)', () => {
    const rng = createRng('field');
    const singularities = placeSingularities(rng, 'left-loop', shape);
    const width = 340;
    const height = 460;
    const field = orientationField(rng, { cls: 'left-loop', singularities, shape, archAmplitude: 0.2, archWidth: 0.3, perturbation: 0.14 }, width, height);
    const core = singularities.cores[0];
    const delta = singularities.deltas[0];
    expect(poincare(field, width, core.x, core.y, 15)).toBe(1);
    expect(poincare(field, width, delta.x, delta.y, 15)).toBe(-1);
    expect(poincare(field, width, 60, 60, 15)).toBe(0);
  });
});
