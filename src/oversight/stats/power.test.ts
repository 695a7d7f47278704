import { describe, expect, it } from 'vitest';
import { createRng } from '../../biometrics/synth/random.ts';
import { powerStudy } from './simulate.ts';

/**
 * Power on simulated quarters: 200 jurisdictions of 20–2,000 ICE arrests (log-uniform), background
 * shares logit-normal around 26 % (SD 0.25 on the logit scale: over-dispersed), 5 % planted with
 * their share shifted by +1.8 on the logit scale (26 % → 68 %). The review flags at BH q < 0.05.
 * scripts/oversight-power.ts prints the same study for 500 seeds.
 */
describe('review power on planted outliers', () => {
  it('finds at least 90 % of planted jurisdictions with a realised FDR of at most 10 %, over 50 seeds', () => {
    const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
    const s = powerStudy(seeds, (k) => createRng(`oversight-power/${k}`));
    expect(s.meanRecall).toBeGreaterThanOrEqual(0.9);
    expect(s.fdr).toBeLessThanOrEqual(0.1);
    // Large jurisdictions are never missed; the smallest are where recall is lost.
    expect(s.recallBySize[2].recall).toBe(1);
  });
});
