import { describe, expect, it } from 'vitest';
import { generateMasterMinutiae, impressMinutiae, masterMinutiaeForFinger, syntheticTemplate, templateImpressionOf } from './templates.ts';
import { createRng } from './random.ts';
import { fingertipLevel } from './pattern.ts';

describe('statistical synthetic templates', () => {
  it('give the same template for the same identity, finger and impression', () => {
    expect(syntheticTemplate('person-1', 3, 2)).toEqual(syntheticTemplate('person-1', 3, 2));
  });

  it('give different masters to different fingers and identities', () => {
    const a = masterMinutiaeForFinger('person-1', 1).minutiae;
    expect(masterMinutiaeForFinger('person-1', 2).minutiae).not.toEqual(a);
    expect(masterMinutiaeForFinger('person-2', 1).minutiae).not.toEqual(a);
  });

  it('place 30–70 master minutiae inside the fingertip, no two closer than the hard core', () => {
    for (let i = 0; i < 20; i++) {
      const m = generateMasterMinutiae(createRng(`m${i}`));
      expect(m.minutiae.length).toBeGreaterThanOrEqual(30);
      expect(m.minutiae.length).toBeLessThanOrEqual(70);
      for (const p of m.minutiae) {
        expect(fingertipLevel(m.shape, p.x, p.y)).toBeLessThanOrEqual(0.92);
        expect(p.direction).toBeGreaterThanOrEqual(0);
        expect(p.direction).toBeLessThan(2 * Math.PI);
        for (const q of m.minutiae) if (q !== p) expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeGreaterThanOrEqual(9);
      }
    }
  });

  it('produce impressions inside the canvas with valid minutiae', () => {
    const master = masterMinutiaeForFinger('person-3', 4);
    for (let k = 0; k < 10; k++) {
      const t = templateImpressionOf(master, k);
      expect(t.resolution).toBe(500);
      for (const m of t.minutiae) {
        expect(m.x).toBeGreaterThanOrEqual(0);
        expect(m.x).toBeLessThanOrEqual(t.width - 1);
        expect(m.y).toBeGreaterThanOrEqual(0);
        expect(m.y).toBeLessThanOrEqual(t.height - 1);
        expect(m.quality).toBeGreaterThanOrEqual(1);
        expect(m.quality).toBeLessThanOrEqual(100);
      }
    }
  });

  it('keep every master minutia, only moved rigidly, when all noise is switched off', () => {
    const master = masterMinutiaeForFinger('person-4', 7);
    const quiet = { jitterPx: 0, jitterPxLowQuality: 0, jitterDir: 0, jitterDirLowQuality: 0, missRate: 0, missRateLowQuality: 0, spurious: 0, spuriousLowQuality: 0, typeSwap: 0, distortion: 0, contact: 1, edgeBand: 0, rotationSdDeg: 0, translationSd: 0, width: 1000, height: 1000 };
    const t = impressMinutiae(master, 'quiet', quiet);
    expect(t.minutiae.length).toBe(master.minutiae.length);
    const dx = 500 - master.shape.cx;
    const dy = 500 - master.shape.cy;
    const shifted = master.minutiae.map((m) => [Math.round(m.x + dx), Math.round(m.y + dy)].join()).sort();
    expect(t.minutiae.map((m) => [Math.round(m.x), Math.round(m.y)].join()).sort()).toEqual(shifted);
  });

  it('lose more minutiae at low quality than at high quality', () => {
    const master = masterMinutiaeForFinger('person-5', 2);
    let high = 0;
    let low = 0;
    for (let k = 0; k < 20; k++) {
      high += impressMinutiae(master, `h${k}`, { quality: 95, spurious: 0, spuriousLowQuality: 0 }).minutiae.length;
      low += impressMinutiae(master, `l${k}`, { quality: 15, spurious: 0, spuriousLowQuality: 0 }).minutiae.length;
    }
    expect(low).toBeLessThan(high);
  });

  it('refuse out-of-range options and finger positions with typed errors', () => {
    expect(() => syntheticTemplate('p', 11, 0)).toThrow(/finger position/);
    expect(() => syntheticTemplate('p', 1, -1)).toThrow(/impression index/);
    expect(() => impressMinutiae(masterMinutiaeForFinger('p', 1), 's', { missRate: 2 })).toThrow(/missRate/);
  });
});
