import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTiff } from '../image/tiff.ts';
import { extractTemplate, extractWithDetails } from './index.ts';
import { stripes, whorl } from './synthetic.ts';

const FVC = '/work/shared/data/fvc2002/DB1_B/101_1.tif';

describe('extractTemplate', () => {
  it('returns an empty, zero-quality template for a blank image', () => {
    const t = extractTemplate({ width: 300, height: 300, ppi: 500, pixels: new Uint8Array(90000).fill(255) });
    expect(t).toEqual({ width: 300, height: 300, resolution: 500, quality: 0, minutiae: [] });
  });

  it('finds no minutiae in perfectly regular stripes', () => {
    const t = extractTemplate(stripes(200, 200, 0.6, 9));
    expect(t.minutiae).toHaveLength(0);
    expect(t.quality).toBeGreaterThan(60);
  });

  it('finds the ridge endings along a gap cut through circular ridges', () => {
    const t = extractTemplate(whorl(320, 320, 10, { cut: true }));
    const endings = t.minutiae.filter((m) => m.type === 'ending');
    expect(endings.length).toBeGreaterThanOrEqual(2); // the flat gap is partly segmented away with its nearest endings
    for (const m of endings) {
      // Endings lie on the edges of the gap (x ≈ 160 ± 20) and point into it, horizontally.
      expect(Math.abs(Math.abs(m.x - 160) - 18)).toBeLessThanOrEqual(10); // the enhancement reaches a little into the flat gap
      const horizontal = Math.abs(Math.cos(m.direction));
      expect(horizontal).toBeGreaterThan(0.8);
      expect(Math.cos(m.direction) > 0).toBe(m.x < 160);
    }
  });

  it('turns ending directions round, and only those, when asked for the into-ridge convention', () => {
    const img = whorl(320, 320, 10, { cut: true });
    const out = extractTemplate(img);
    const into = extractTemplate(img, { endingDirection: 'into-ridge' });
    expect(into.minutiae.length).toBe(out.minutiae.length);
    into.minutiae.forEach((m, i) => {
      const turn = (m.direction - out.minutiae[i].direction + 2 * Math.PI) % (2 * Math.PI);
      expect(turn).toBeCloseTo(m.type === 'ending' ? Math.PI : 0, 6);
      expect(m.direction).toBeLessThan(2 * Math.PI);
    });
  });

  it('reports template dimensions at 500 ppi for a 569 ppi image', () => {
    const img = stripes(296, 560, 0.3, 10, { ppi: 569 });
    const t = extractTemplate(img);
    expect([t.width, t.height, t.resolution]).toEqual([260, 492, 500]);
  });

  it('exposes the intermediate maps for overlays', () => {
    const d = extractWithDetails(whorl(200, 200, 9));
    expect(d.skeleton.length).toBe(200 * 200);
    expect(d.blockMask.length).toBe(25 * 25);
    expect(d.orientation?.bw).toBe(25);
  });

  it.skipIf(!existsSync(FVC))('extracts a plausible template from an FVC2002 image', () => {
    const t = extractTemplate(decodeTiff(readFileSync(FVC)));
    expect(t.minutiae.length).toBeGreaterThan(12);
    expect(t.minutiae.length).toBeLessThan(80);
    expect(t.quality).toBeGreaterThan(50);
    for (const m of t.minutiae) {
      expect(m.direction).toBeGreaterThanOrEqual(0);
      expect(m.direction).toBeLessThan(2 * Math.PI);
      expect(m.quality).toBeGreaterThanOrEqual(1);
      expect(m.quality).toBeLessThanOrEqual(100);
    }
  });
});
