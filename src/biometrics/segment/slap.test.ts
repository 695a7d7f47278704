import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import type { GrayImage } from '../image/gray-image.ts';
import { synthesizeFinger } from '../synth/index.ts';
import { cropRotated, segmentSlap, slapForeground, SLAP_FINGERS, type SlapPosition } from './slap.ts';

/**
 * An artificial slap: synthetic fingertips side by side (staggered like real fingers), with
 * their lower phalanges below a white crease gap, the whole hand tilted by `tiltDeg`. Each part
 * is clipped to an upright ellipse (270 × 390 px), the shape of a finger's contact area.
 */
function artificialSlap(fingers: readonly number[], tiltDeg: number): { image: GrayImage; centres: number[] } {
  const W = 1500;
  const H = 1100;
  const canvas = new Uint8Array(W * H).fill(255);
  const stagger = [60, 0, 30, 120];
  const centres: number[] = [];
  fingers.forEach((position, k) => {
    const tip = synthesizeFinger('slap-test', position, 0, { impression: { width: 300, height: 400, maxRotationDeg: 0, maxTranslation: 0 } });
    const phalanx = synthesizeFinger('slap-test', position, 1, { impression: { width: 300, height: 400, maxRotationDeg: 0, maxTranslation: 0 } });
    const x0 = 150 + k * 320;
    const y0 = 120 + stagger[k % stagger.length];
    centres.push(x0 + 150);
    for (const [part, top] of [
      [tip, y0],
      [phalanx, y0 + 440],
    ] as const) {
      for (let y = 0; y < part.height && top + y < H; y++) {
        for (let x = 0; x < part.width; x++) {
          // A finger touches the platen in an ellipse elongated along the finger; the synthetic
          // impression's own contact area can be nearly round, so clip it to one.
          const inContact = ((x - 150) / 135) ** 2 + ((y - 200) / 195) ** 2 <= 1;
          if (inContact && part.foreground[y * part.width + x]) canvas[(top + y) * W + x0 + x] = part.pixels[y * part.width + x];
        }
      }
    }
  });
  const upright: GrayImage = { width: W, height: H, ppi: 500, pixels: canvas };
  // Sampling a box tilted by −θ gives the picture tilted by +θ.
  const image = cropRotated(upright, { cx: W / 2, cy: H / 2, width: W, height: H, angle: (-tiltDeg * Math.PI) / 180 });
  return { image, centres };
}

describe('segmentSlap on artificial slaps', { timeout: 60_000 }, () => {
  it.each([
    [13, 0],
    [13, 20],
    [14, -25],
  ] as const)('finds the four fingers of slap %i tilted by %i°, in order, with the hand’s tilt', (slap, tilt) => {
    const positions = SLAP_FINGERS[slap as SlapPosition];
    const { image } = artificialSlap(positions, tilt);
    const seg = segmentSlap(image, slap);
    expect(seg.complete).toBe(true);
    expect(seg.fingers.map((f) => f.position)).toEqual([...positions]);
    expect(Math.abs((seg.angle * 180) / Math.PI - tilt)).toBeLessThan(6);
    // Tips are ~300 px wide, ≤ 1.2 inch long, and left → right in the image.
    for (const f of seg.fingers) {
      expect(f.box.width).toBeGreaterThan(200);
      expect(f.box.width).toBeLessThan(420);
      expect(f.box.height).toBeGreaterThan(250);
      expect(f.box.height).toBeLessThanOrEqual(1.2 * 500 + 16);
      expect(f.image.width).toBe(Math.round(f.box.width));
      expect(f.image.ppi).toBe(500);
    }
    const across = seg.fingers.map((f) => f.box.cx * Math.cos(seg.angle) + f.box.cy * Math.sin(seg.angle));
    for (let k = 1; k < across.length; k++) expect(across[k] - across[k - 1]).toBeGreaterThan(250);
  });

  it('stops each fingertip at the gap before the lower phalanx', () => {
    const { image } = artificialSlap(SLAP_FINGERS[13], 0);
    const seg = segmentSlap(image, 13);
    // The synthetic tips are at most 400 px tall; the phalanx starts 40 px below.
    for (const f of seg.fingers) expect(f.box.height).toBeLessThan(440);
  });

  it('finds both thumbs of slap 15 as left thumb then right thumb', () => {
    const { image } = artificialSlap(SLAP_FINGERS[15], 5);
    const seg = segmentSlap(image, 15);
    expect(seg.fingers.map((f) => f.position)).toEqual([6, 1]);
  });

  it('reports an incomplete segmentation, without positions, when a finger is missing', () => {
    const { image } = artificialSlap([2, 3, 4], 0);
    const seg = segmentSlap(image, 13);
    expect(seg.complete).toBe(false);
    expect(seg.fingers).toHaveLength(3);
    expect(seg.fingers.every((f) => f.position === 0)).toBe(true);
  });

  it('finds nothing on blank paper', () => {
    const seg = segmentSlap({ width: 800, height: 600, ppi: 500, pixels: new Uint8Array(800 * 600).fill(250) }, 13);
    expect(seg.fingers).toHaveLength(0);
    expect(seg.complete).toBe(false);
  });
});

describe('slapForeground', () => {
  /** A 400 × 400 patch of ridges 9 px apart running at `deg` (0 = horizontal) on white paper. */
  function ridgePatch(deg: number): GrayImage {
    const W = 800;
    const pixels = new Uint8Array(W * W).fill(255);
    const a = (deg * Math.PI) / 180;
    for (let y = 200; y < 600; y++) {
      for (let x = 200; x < 600; x++) {
        const across = -x * Math.sin(a) + y * Math.cos(a);
        pixels[y * W + x] = Math.round(128 + 100 * Math.cos((2 * Math.PI * across) / 9));
      }
    }
    return { width: W, height: W, ppi: 500, pixels };
  }

  it.each([0, 30, 45, 90])('takes ridges running at %i° for foreground, whatever their direction', (deg) => {
    const m = slapForeground(ridgePatch(deg));
    let inside = 0;
    let total = 0;
    for (let by = 0; by < m.bh; by++) {
      for (let bx = 0; bx < m.bw; bx++) {
        const cx = (bx + 0.5) * m.block;
        const cy = (by + 0.5) * m.block;
        if (cx > 240 && cx < 560 && cy > 240 && cy < 560) {
          total++;
          inside += m.mask[by * m.bw + bx];
        }
      }
    }
    expect(inside / total).toBeGreaterThan(0.95);
  });
});

describe('segmentSlap on arbitrary input', () => {
  function expectOnlyTypedErrors(run: () => unknown): void {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(BiometricError);
    }
  }

  it('never throws anything but BiometricError on random, blank and noise images of random sizes and resolutions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.constantFrom('noise', 'blank', 'black', 'stripes'),
        fc.integer(),
        fc.constantFrom(13, 14, 15),
        (w, h, ppi, kind, seed, slap) => {
          let s = seed >>> 0;
          const pixels = new Uint8Array(w * h);
          for (let i = 0; i < pixels.length; i++) {
            s = (s * 1664525 + 1013904223) >>> 0;
            pixels[i] = kind === 'noise' ? s >>> 24 : kind === 'blank' ? 255 : kind === 'black' ? 0 : (i % w) % 9 < 4 ? 40 : 220;
          }
          expectOnlyTypedErrors(() => {
            const seg = segmentSlap({ width: w, height: h, ppi, pixels }, slap as SlapPosition);
            expect(seg.fingers.length).toBeLessThanOrEqual(seg.expected);
            for (const f of seg.fingers) expect(f.image.pixels.length).toBe(f.image.width * f.image.height);
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('rejects a malformed image or a non-slap position with a typed error', () => {
    expect(() => segmentSlap({ width: 10, height: 10, ppi: 500, pixels: new Uint8Array(5) }, 13)).toThrow(BiometricError);
    expect(() => segmentSlap({ width: 10, height: 10, ppi: 500, pixels: new Uint8Array(100) }, 2 as SlapPosition)).toThrow(BiometricError);
    expect(() => segmentSlap(null as unknown as GrayImage, 13)).toThrow(BiometricError);
  });
});
