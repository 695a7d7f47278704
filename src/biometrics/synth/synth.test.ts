import { beforeAll, describe, expect, it } from 'vitest';
import { BiometricError } from '../errors.ts';
import { generateMaster, impressionOf, renderImpression, synthesizeFinger, type MasterFingerprint } from './index.ts';

const STILL = { maxRotationDeg: 0, maxTranslation: 0, distortion: 0 } as const;

/** Pearson correlation of two images over the pixels both mark as foreground. */
function correlation(a: Uint8Array, b: Uint8Array, mask: (i: number) => boolean): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!mask(i)) continue;
    n++;
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!mask(i)) continue;
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

/** Ridge period (pixels) with the most spectral power in a 64 × 64 window, by direct DFT over radii. */
function dominantPeriod(pixels: Uint8Array, width: number, x0: number, y0: number): number {
  const N = 64;
  const win = new Float64Array(N * N);
  let mean = 0;
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) mean += pixels[(y0 + y) * width + x0 + x];
  mean /= N * N;
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const hann = Math.sin((Math.PI * (x + 0.5)) / N) ** 2 * Math.sin((Math.PI * (y + 0.5)) / N) ** 2;
      win[y * N + x] = (pixels[(y0 + y) * width + x0 + x] - mean) * hann;
    }
  }
  const power = new Float64Array(N);
  for (let v = -16; v <= 16; v++) {
    for (let u = 0; u <= 16; u++) {
      const r = Math.round(Math.hypot(u, v));
      if (r < 2 || r > 16) continue;
      let re = 0;
      let im = 0;
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          const phase = (-2 * Math.PI * (u * x + v * y)) / N;
          re += win[y * N + x] * Math.cos(phase);
          im += win[y * N + x] * Math.sin(phase);
        }
      }
      power[r] += re * re + im * im;
    }
  }
  let best = 2;
  for (let r = 2; r <= 16; r++) if (power[r] > power[best]) best = r;
  return N / best;
}

describe('synthetic fingerprints', () => {
  let loop: MasterFingerprint;
  let whorl: MasterFingerprint;
  beforeAll(() => {
    loop = generateMaster('test-loop', { patternClass: 'left-loop' });
    whorl = generateMaster('test-whorl', { patternClass: 'whorl' });
  });

  it('are byte-identical for the same seed and differ for different seeds', () => {
    const again = generateMaster('test-loop', { patternClass: 'left-loop' });
    expect(again.ridges).toEqual(loop.ridges);
    const a = renderImpression(loop, 'imp-1');
    const b = renderImpression(again, 'imp-1');
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
    const c = renderImpression(loop, 'imp-2');
    expect(Buffer.from(a.pixels).equals(Buffer.from(c.pixels))).toBe(false);
  });

  it('give the same finger whatever was generated before, and independent fingers for one identity', () => {
    const first = synthesizeFinger('person-7', 2, 1);
    synthesizeFinger('person-7', 3, 0);
    synthesizeFinger('person-8', 2, 0);
    const again = synthesizeFinger('person-7', 2, 1);
    expect(Buffer.from(again.pixels).equals(Buffer.from(first.pixels))).toBe(true);
    const other = synthesizeFinger('person-7', 3, 1);
    expect(Buffer.from(other.pixels).equals(Buffer.from(first.pixels))).toBe(false);
  });

  it('are 8-bit 500 ppi images of the default canvas with a plausible foreground', () => {
    const imp = impressionOf(loop, 0);
    expect([imp.width, imp.height, imp.ppi, imp.pixels.length]).toEqual([320, 416, 500, 320 * 416]);
    let fg = 0;
    let fgSum = 0;
    let bgSum = 0;
    for (let i = 0; i < imp.pixels.length; i++) {
      if (imp.foreground[i]) {
        fg++;
        fgSum += imp.pixels[i];
      } else bgSum += imp.pixels[i];
    }
    const share = fg / imp.pixels.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.95);
    // Ridges darken the foreground; the background stays light.
    expect(bgSum / (imp.pixels.length - fg)).toBeGreaterThan(200);
    expect(fgSum / fg).toBeLessThan(bgSum / (imp.pixels.length - fg) - 40);
  });

  it('have ridges whose dominant period is in the fingerprint band (7–13 px at 500 ppi)', () => {
    const imp = renderImpression(whorl, 'period', { ...STILL, contact: 1, dryness: 0, pressure: 0 });
    for (const [x, y] of [
      [128, 110],
      [80, 200],
      [180, 220],
    ]) {
      const p = dominantPeriod(imp.pixels, imp.width, x, y);
      expect(p).toBeGreaterThanOrEqual(6.4);
      expect(p).toBeLessThanOrEqual(13);
    }
  });

  it('are strongly correlated for two impressions of one finger and uncorrelated across fingers', () => {
    const opts = { ...STILL, contact: 1, dryness: 0.1 };
    const a = renderImpression(loop, 'a', opts);
    const b = renderImpression(loop, 'b', opts);
    const c = renderImpression(whorl, 'c', opts);
    const same = correlation(a.pixels, b.pixels, (i) => a.foreground[i] === 1 && b.foreground[i] === 1);
    const different = correlation(a.pixels, c.pixels, (i) => a.foreground[i] === 1 && c.foreground[i] === 1);
    expect(same).toBeGreaterThan(0.6);
    expect(Math.abs(different)).toBeLessThan(0.2);
  });

  it('refuse bad options with INVALID_ARGUMENT', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof BiometricError ? e.code : String(e);
      }
      return 'none';
    };
    expect(code(() => generateMaster('x', { meanRidgePeriod: 30 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => generateMaster('x', { patternClass: 'spiral' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => generateMaster('x', { seedCount: 0.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => renderImpression(loop, 'x', { maxRotationDeg: 90 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => renderImpression(loop, 'x', { width: 10 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => renderImpression(loop, 'x', { dryness: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(code(() => synthesizeFinger('x', 11, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => impressionOf(loop, -1))).toBe('INVALID_ARGUMENT');
  });
});
