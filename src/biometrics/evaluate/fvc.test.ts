import { describe, expect, it } from 'vitest';
import { fvcPairs, parseSampleName, sortSamples } from './fvc.ts';

describe('the FVC protocol', () => {
  it('reads finger and impression from F_I file names and ignores other files', () => {
    expect(parseSampleName('101_3.tif')).toEqual({ name: '101_3.tif', finger: '101', impression: 3 });
    expect(parseSampleName('readme.txt')).toBeUndefined();
    expect(parseSampleName('101_3.tif.bak')).toBeUndefined();
  });

  it('makes 280 genuine and 2,880 impostor pairs from 10 fingers × 8 impressions', () => {
    const names = [];
    for (let f = 101; f <= 110; f++) for (let i = 1; i <= 8; i++) names.push(`${f}_${i}.tif`);
    const samples = sortSamples(names.map((n) => parseSampleName(n)!));
    const { genuine, impostor } = fvcPairs(samples);
    expect(genuine).toHaveLength(280);
    expect(impostor).toHaveLength(2880);
    for (const [a, b] of genuine) expect(samples[a].finger).toBe(samples[b].finger);
    for (const [a, b] of impostor) expect(samples[a].finger).not.toBe(samples[b].finger);
    const seen = new Set([...genuine, ...impostor].map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
    expect(seen.size).toBe(280 + 2880);
  });
});
