import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { extractTemplate } from './index.ts';
import { blobs, seeded, stripes, whorl } from './synthetic.ts';

const size = fc.integer({ min: 1, max: 120 });

function expectOnlyTypedErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BiometricError);
  }
}

describe('extractTemplate on arbitrary input', () => {
  it('never throws anything but BiometricError on random images of random sizes and resolutions', () => {
    fc.assert(
      fc.property(size, size, fc.integer({ min: 0, max: 2500 }), fc.integer(), (w, h, ppi, seed) => {
        let s = seed >>> 0;
        const pixels = new Uint8Array(w * h).map(() => ((s = (s * 1664525 + 1013904223) >>> 0), s >>> 24));
        expectOnlyTypedErrors(() => {
          const t = extractTemplate({ width: w, height: h, ppi, pixels });
          expect(t.resolution).toBe(500);
          expect(t.quality).toBeGreaterThanOrEqual(0);
          expect(t.quality).toBeLessThanOrEqual(100);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('handles very thin and 1 × 1 images', () => {
    for (const [w, h] of [[1, 1], [1, 400], [400, 1], [2, 300], [300, 3]]) {
      const t = extractTemplate({ width: w, height: h, ppi: 500, pixels: new Uint8Array(w * h).fill(77) });
      expect(t.minutiae).toHaveLength(0);
      expect(t.quality).toBe(0);
    }
  });

  it('gives blank and constant images zero minutiae and a low quality', () => {
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 300 }), fc.integer({ min: 30, max: 300 }), fc.integer({ min: 0, max: 255 }), (w, h, v) => {
        const t = extractTemplate({ width: w, height: h, ppi: 500, pixels: new Uint8Array(w * h).fill(v) });
        expect(t.minutiae).toHaveLength(0);
        expect(t.quality).toBeLessThan(10);
      }),
      { numRuns: 25 },
    );
  });

  it('gives noise and ridge-less blob textures no minutiae and a low quality', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (seed, radius) => {
        const t = extractTemplate(blobs(200, 200, seed, radius));
        expect(t.minutiae).toHaveLength(0);
        expect(t.quality).toBeLessThan(10);
        const rnd = seeded(seed);
        const u = extractTemplate({ width: 150, height: 150, ppi: 500, pixels: new Uint8Array(150 * 150).map(() => Math.floor(rnd() * 256)) });
        expect(u.minutiae).toHaveLength(0);
        expect(u.quality).toBeLessThan(10);
      }),
      { numRuns: 12 },
    );
  });

  it('keeps every minutia inside the image with a valid direction on mutated synthetic prints', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 220 }),
        fc.integer({ min: 40, max: 220 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 400 }),
        fc.boolean(),
        (w, h, edits, circular) => {
          const base = circular ? whorl(w, h, 9, { cut: true }) : stripes(w, h, 0.5, 8);
          const pixels = base.pixels.slice();
          for (const [at, v] of edits) pixels[at % pixels.length] = v;
          const t = extractTemplate({ ...base, pixels });
          for (const m of t.minutiae) {
            expect(m.x).toBeGreaterThanOrEqual(0);
            expect(m.x).toBeLessThan(t.width);
            expect(m.y).toBeGreaterThanOrEqual(0);
            expect(m.y).toBeLessThan(t.height);
            expect(m.direction).toBeGreaterThanOrEqual(0);
            expect(m.direction).toBeLessThan(2 * Math.PI);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
