import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FingerprintTemplate, Minutia } from '../template/template.ts';
import { decodeIso19794_2_2005 } from '../template/iso19794-2-2005.ts';
import { MATCH } from './match.ts';
import { calibrate, comparePair, compareTemplates, prepareTemplate, THRESHOLD_FMR_0_01_PERCENT, THRESHOLD_FMR_0_1_PERCENT, THRESHOLD_FMR_1_PERCENT } from './index.ts';

/** A seeded generator (tests only need reproducibility). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomTemplate(seed: number, count = 40): FingerprintTemplate {
  const r = lcg(seed);
  const minutiae: Minutia[] = [];
  while (minutiae.length < count) {
    const x = 40 + r() * 220;
    const y = 40 + r() * 320;
    if (minutiae.some((m) => Math.hypot(m.x - x, m.y - y) < 14)) continue;
    minutiae.push({ x, y, direction: r() * 2 * Math.PI, type: r() < 0.5 ? 'ending' : 'bifurcation', quality: 60 });
  }
  return { width: 300, height: 400, resolution: 500, quality: 60, minutiae };
}

/** Rotates by `angle` (counter-clockwise on the image) about the centre, shifts, jitters, drops some. */
function transform(t: FingerprintTemplate, angle: number, shiftX: number, shiftY: number, seed: number, keep = 0.85): FingerprintTemplate {
  const r = lcg(seed);
  const cx = 150;
  const cy = 200;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const minutiae = t.minutiae
    .filter(() => r() < keep)
    .map((m) => {
      const dx = m.x - cx;
      const dy = m.y - cy;
      return {
        ...m,
        x: cx + shiftX + dx * c + dy * s + (r() - 0.5) * 6,
        y: cy + shiftY - dx * s + dy * c + (r() - 0.5) * 6,
        direction: (m.direction + angle + (r() - 0.5) * 0.2 + 4 * Math.PI) % (2 * Math.PI),
      };
    });
  return { ...t, minutiae };
}

describe('compareTemplates', () => {
  const base = randomTemplate(1);
  const p = prepareTemplate(base);

  it('scores a template against itself far above the FMR 0.01 % threshold', () => {
    expect(compareTemplates(p, p)).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
  });

  it('matches a rotated, shifted, jittered copy with missing minutiae for rotations up to ±60° and beyond', () => {
    for (const angle of [-1.05, -0.5, 0.3, 1.05, 2.5]) {
      const q = prepareTemplate(transform(base, angle, 25, -30, 7));
      expect(compareTemplates(p, q)).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
      expect(compareTemplates(q, p)).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
    }
  });

  it('matches when types flip between impressions (ISO convention: ending and bifurcation of one feature agree)', () => {
    const r = lcg(11);
    // A third of the features change type; the directions stay (ISO 19794-2 convention).
    const flipped = transform(base, 0.2, 8, -6, 5, 1).minutiae.map((m) => (r() < 0.33 ? { ...m, type: m.type === 'ending' ? ('bifurcation' as const) : ('ending' as const) } : m));
    const d = comparePair(p, prepareTemplate({ ...base, minutiae: flipped }));
    expect(d.score).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
    // The features that changed type are paired too.
    expect(d.pairs).toBeGreaterThan(0.9 * base.minutiae.length);
  });

  it('pairs far fewer features when one template turns its endings by a half turn (the other convention)', () => {
    const other: FingerprintTemplate = { ...base, minutiae: base.minutiae.map((m) => (m.type === 'ending' ? { ...m, direction: (m.direction + Math.PI) % (2 * Math.PI) } : m)) };
    const endings = base.minutiae.filter((m) => m.type === 'ending').length;
    const d = comparePair(p, prepareTemplate(other));
    // Only the bifurcations keep their direction: convert templates to ISO before comparing.
    expect(d.pairs).toBeLessThanOrEqual(base.minutiae.length - endings + 2);
  });

  it('matches a partial overlap (each impression sees a different part of the finger)', () => {
    const left: FingerprintTemplate = { ...base, minutiae: base.minutiae.filter((m) => m.x < 190) };
    const right = transform({ ...base, minutiae: base.minutiae.filter((m) => m.x > 110) }, 0.15, -20, 10, 13, 0.9);
    const shared = base.minutiae.filter((m) => m.x > 110 && m.x < 190).length;
    expect(shared).toBeLessThan(base.minutiae.length * 0.5);
    expect(compareTemplates(prepareTemplate(left), prepareTemplate(right))).toBeGreaterThan(THRESHOLD_FMR_0_1_PERCENT);
  });

  it('tolerates elastic distortion growing away from the centre (up to ~10 px)', () => {
    const warped: FingerprintTemplate = {
      ...base,
      minutiae: base.minutiae.map((m) => {
        const dx = (m.x - 150) / 150;
        const dy = (m.y - 200) / 200;
        return { ...m, x: m.x + 8 * dx * Math.abs(dy) + 4 * dy * dy, y: m.y + 8 * dy * Math.abs(dx) };
      }),
    };
    expect(compareTemplates(p, prepareTemplate(transform(warped, -0.3, 12, 4, 17, 0.9)))).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
  });

  it('is symmetric within tolerance', () => {
    for (const [angle, seed] of [[0.2, 21], [-0.6, 22], [1.0, 23]] as const) {
      const q = prepareTemplate(transform(base, angle, 15, -10, seed, 0.7));
      const ab = compareTemplates(p, q);
      const ba = compareTemplates(q, p);
      expect(Math.abs(ab - ba)).toBeLessThan(0.15 * Math.max(ab, ba));
    }
    for (let s = 30; s < 36; s++) {
      const q = prepareTemplate(randomTemplate(s));
      expect(Math.abs(compareTemplates(p, q) - compareTemplates(q, p))).toBeLessThan(THRESHOLD_FMR_1_PERCENT / 2);
    }
  });

  it('prefers plausible rotations: a copy turned by 150° still matches but scores lower than one turned by 10°', () => {
    const small = compareTemplates(p, prepareTemplate(transform(base, 0.17, 5, 5, 19, 0.8)));
    const large = compareTemplates(p, prepareTemplate(transform(base, 2.6, 5, 5, 19, 0.8)));
    expect(large).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
    expect(large).toBeLessThan(small);
  });

  it('keeps unrelated random templates below the FMR 1 % threshold', () => {
    for (let s = 2; s < 12; s++) {
      expect(compareTemplates(p, prepareTemplate(randomTemplate(s)))).toBeLessThan(THRESHOLD_FMR_1_PERCENT);
    }
    // And most of them well below it.
    const scores = Array.from({ length: 30 }, (_, k) => compareTemplates(p, prepareTemplate(randomTemplate(100 + k)))).sort((a, b) => a - b);
    expect(scores[15]).toBeLessThan(THRESHOLD_FMR_1_PERCENT / 2);
  });

  it('ends most unrelated comparisons after the quick pairing (score 0), and only those', () => {
    const saved = MATCH.minQuick;
    try {
      let rejected = 0;
      for (let s = 200; s < 240; s++) {
        const q = prepareTemplate(randomTemplate(s));
        const early = comparePair(p, q);
        MATCH.minQuick = 0;
        const late = comparePair(p, q);
        MATCH.minQuick = saved;
        if (early.score === 0 && early.pairs === 0) {
          rejected++;
          // Without the early exit they would have scored low anyway.
          expect(late.score).toBeLessThan(THRESHOLD_FMR_1_PERCENT);
        } else expect(early.score).toBeCloseTo(late.score, 6);
      }
      expect(rejected).toBeGreaterThan(5);
      // Genuine copies are never cut short.
      for (const angle of [-0.8, 0.1, 0.9]) expect(compareTemplates(p, prepareTemplate(transform(base, angle, -15, 20, 31, 0.6)))).toBeGreaterThan(THRESHOLD_FMR_0_1_PERCENT);
    } finally {
      MATCH.minQuick = saved;
    }
  });

  it('normalises resolution, so the same finger at 1000 ppi matches its 500 ppi template', () => {
    const hi: FingerprintTemplate = { ...base, resolution: 1000, width: 600, height: 800, minutiae: base.minutiae.map((m) => ({ ...m, x: m.x * 2, y: m.y * 2 })) };
    expect(compareTemplates(p, prepareTemplate(hi))).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
  });

  it('gives 0 for empty templates', () => {
    const empty = prepareTemplate({ ...base, minutiae: [] });
    expect(compareTemplates(empty, p)).toBe(0);
    expect(compareTemplates(p, empty)).toBe(0);
  });

  it('reports the paired minutiae and the alignment', () => {
    const q = transform(base, 0.4, 10, 5, 3, 1);
    const d = comparePair(p, prepareTemplate(q));
    expect(d.pairList.length).toBeGreaterThan(30);
    // With keep = 1 the indices correspond.
    const right = d.pairList.filter(([a, b]) => a === b).length;
    expect(right / d.pairList.length).toBeGreaterThan(0.9);
    expect(d.rotation).toBeCloseTo(0.4, 1);
  });

  it('calibrates monotonically: a higher raw score never gives a lower calibrated score', () => {
    let last = -1;
    for (let raw = 0; raw < 4; raw += 0.01) {
      const s = calibrate(raw);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
  });
});

const FVC = '/work/shared/data/fvc2002/DB1_B';
describe('compareTemplates on FVC2002 DB1_B .iso templates', () => {
  it.skipIf(!existsSync(FVC))('separates genuine from impostor pairs of the first three fingers (skipped when /work/shared/data is absent)', () => {
    const names = readdirSync(FVC).filter((f) => /^10[123]_\d\.iso$/.test(f));
    const t = names.map((f) => prepareTemplate(decodeIso19794_2_2005(new Uint8Array(readFileSync(join(FVC, f))))));
    const gen: number[] = [];
    const imp: number[] = [];
    for (let a = 0; a < t.length; a++) {
      for (let b = a + 1; b < t.length; b++) (names[a].slice(0, 3) === names[b].slice(0, 3) ? gen : imp).push(compareTemplates(t[a], t[b]));
    }
    const median = (v: number[]): number => v.sort((x, y) => x - y)[v.length >> 1];
    expect(median(gen)).toBeGreaterThan(THRESHOLD_FMR_0_01_PERCENT);
    expect(median(imp)).toBeLessThan(10);
  });
});
