import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTiff } from '../image/tiff.ts';
import { extractTemplate, extractWithDetails } from './index.ts';
import { dislocation, stripes, whorl } from './synthetic.ts';

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

  it('finds the single minutia of an edge dislocation, with the documented directions', () => {
    // Dark ridges: a bifurcation whose stem comes from the left, so it points right (0).
    const bif = extractTemplate(dislocation(200, 200, 10));
    expect(bif.minutiae).toHaveLength(1);
    const b = bif.minutiae[0];
    expect(b.type).toBe('bifurcation');
    expect(Math.hypot(b.x - 100, b.y - 100)).toBeLessThan(6);
    expect(Math.cos(b.direction)).toBeGreaterThan(0.95);
    // Inverted: the same place is a ridge ending; its ridge comes from the right, and an ending
    // points back into its ridge (ISO/IEC 19794-2), so right (0) — the same as the bifurcation.
    const end = extractTemplate(dislocation(200, 200, 10, true));
    expect(end.minutiae).toHaveLength(1);
    const e = end.minutiae[0];
    expect(e.type).toBe('ending');
    expect(Math.hypot(e.x - 100, e.y - 100)).toBeLessThan(6);
    expect(Math.cos(e.direction)).toBeGreaterThan(0.95);
  });

  it('turns ending directions round, and only those, for the out-of-ridge convention', () => {
    for (const invert of [false, true]) {
      const img = dislocation(200, 200, 10, invert);
      const out = extractTemplate(img, { endingDirection: 'out-of-ridge' });
      const into = extractTemplate(img);
      expect(into.minutiae.length).toBe(out.minutiae.length);
      into.minutiae.forEach((m, i) => {
        const turn = (m.direction - out.minutiae[i].direction + 2 * Math.PI) % (2 * Math.PI);
        expect(turn).toBeCloseTo(m.type === 'ending' ? Math.PI : 0, 6);
        expect(m.direction).toBeLessThan(2 * Math.PI);
      });
    }
    // Out of the ridge, the ending points the other way from the bifurcation of the same feature.
    const e = extractTemplate(dislocation(200, 200, 10, true), { endingDirection: 'out-of-ridge' }).minutiae[0];
    expect(Math.cos(e.direction)).toBeLessThan(-0.95);
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
