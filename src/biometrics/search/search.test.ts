import { describe, expect, it } from 'vitest';
import { syntheticTemplate } from '../synth/templates.ts';
import type { FingerprintTemplate } from '../template/template.ts';
import {
  crc32,
  crossValidatedRates,
  decide,
  empiricalThreshold,
  encodeDelete,
  encodeUpsert,
  enrolmentRecord,
  gammaUpperTail,
  GalleryShard,
  mergeCandidates,
  modelThreshold,
  parseRecords,
  prepareProbe,
  SearchError,
  searchShard,
  type DamagedRecord,
  type GalleryOp,
  type Tenprint,
} from './index.ts';

const tenprint = (id: string, impression: number, positions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]): Tenprint =>
  positions.map((position) => ({ position, template: syntheticTemplate(id, position, impression) }));

const blank: FingerprintTemplate = { width: 320, height: 416, resolution: 500, quality: 0, minutiae: [] };

function gallery(n: number): GalleryShard {
  const g = new GalleryShard(undefined, 4, 64);
  for (let i = 0; i < n; i++) g.enrol(`person-${i}`, tenprint(`person-${i}`, 0));
  return g;
}

describe('tenprint gallery and search', () => {
  const g = gallery(40);

  it('finds the mate of a tenprint probe first, with a fused score far above the rest', () => {
    const r = searchShard(g.exportState(), prepareProbe(tenprint('person-7', 1)));
    expect(r.candidates[0].id).toBe('person-7');
    expect(r.candidates[0].score).toBeGreaterThan(100);
    expect(r.candidates[0].fingers.length).toBe(10);
    expect(r.candidates[1].score).toBeLessThan(r.candidates[0].score / 2);
  });

  it('finds the mate through the half-code prefilter that large shards use', () => {
    const r = searchShard(g.exportState(), prepareProbe(tenprint('person-11', 1)), { prefilterFrom: 0, prefilterKeep: 16 });
    expect(r.candidates[0].id).toBe('person-11');
    expect(r.scanned).toBe(40);
  });

  it('searches with any subset of fingers', () => {
    const r = searchShard(g.exportState(), prepareProbe(tenprint('person-3', 1, [2, 7])));
    expect(r.candidates[0].id).toBe('person-3');
    expect(r.candidates[0].fingers.map((f) => f.position)).toEqual([2, 7]);
  });

  it('grows, updates and deletes identities', () => {
    const small = gallery(6);
    expect(small.size).toBe(6);
    small.delete('person-2');
    expect(small.has('person-2')).toBe(false);
    small.update('person-4', tenprint('someone-else', 0, [1]));
    expect(small.fingersOf('person-4').map((f) => f.position)).toEqual([1]);
    const r = searchShard(small.exportState(), prepareProbe(tenprint('person-2', 1)));
    expect(r.candidates.map((c) => c.id)).not.toContain('person-2');
    expect(r.scanned).toBe(5);
    small.compact();
    expect(searchShard(small.exportState(), prepareProbe(tenprint('person-5', 1))).candidates[0].id).toBe('person-5');
  });

  it('keeps an identity in a few kilobytes', () => {
    expect(g.usedBytes / g.size).toBeLessThan(8192);
  });

  it('refuses bad enrolments and probes with typed errors', () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SearchError);
        return (e as SearchError).reason;
      }
      return 'no error';
    };
    expect(reason(() => g.enrol('person-1', tenprint('x', 0, [1])))).toBe('DUPLICATE_IDENTITY');
    expect(reason(() => g.update('nobody', tenprint('x', 0, [1])))).toBe('UNKNOWN_IDENTITY');
    expect(reason(() => g.delete('nobody'))).toBe('UNKNOWN_IDENTITY');
    expect(reason(() => g.enrol('', tenprint('x', 0, [1])))).toBe('IDENTITY_ID');
    expect(reason(() => prepareProbe([]))).toBe('NO_FINGERS');
    expect(reason(() => prepareProbe([{ position: 11, template: blank }]))).toBe('FINGER_POSITION');
    expect(reason(() => prepareProbe([{ position: 1.5, template: blank }]))).toBe('FINGER_POSITION');
    expect(reason(() => prepareProbe([...tenprint('x', 0, [3]), ...tenprint('y', 0, [3])]))).toBe('DUPLICATE_FINGER');
    expect(reason(() => prepareProbe([{ position: 1, template: blank }, { position: 2, template: blank }]))).toBe('NO_USABLE_FINGERS');
    expect(reason(() => g.enrol('blank', [{ position: 1, template: blank }]))).toBe('NO_USABLE_FINGERS');
    expect(reason(() => prepareProbe([{ position: 1, template: { ...blank, minutiae: [{ x: Number.NaN, y: 1, direction: 0, type: 'ending', quality: 50 }] } }]))).toBe('TEMPLATE');
    expect(reason(() => searchShard(g.exportState(), prepareProbe(tenprint('x', 0, [1])), { shortList: 0 }))).toBe('OPTIONS');
    expect(reason(() => searchShard(g.exportState(), prepareProbe(tenprint('x', 0, [1])), { prefilterFrom: 0, prefilterWords: 33 }))).toBe('OPTIONS');
  });

  it('skips blank fingers of a probe and says so', () => {
    const probe = prepareProbe([{ position: 1, template: blank }, ...tenprint('person-9', 1, [4])]);
    expect(probe.skipped).toEqual([{ position: 1, reason: 'blank' }]);
    expect(searchShard(g.exportState(), probe).candidates[0].id).toBe('person-9');
  });

  it('merges shard answers best first', () => {
    const a = [{ id: 'a', score: 50, filterScore: 1, fingers: [] }];
    const b = [{ id: 'b', score: 80, filterScore: 1, fingers: [] }];
    expect(mergeCandidates([a, b]).map((c) => c.id)).toEqual(['b', 'a']);
  });
});

describe('decision thresholds', () => {
  it('compute the Gamma tail of summed calibrated scores', () => {
    expect(gammaUpperTail(1, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(gammaUpperTail(2, 2)).toBeCloseTo(3 * Math.exp(-2), 12);
  });

  it('rise with the gallery size and the number of fingers', () => {
    expect(modelThreshold(0.001, 1_000_000, 10)).toBeGreaterThan(modelThreshold(0.001, 1000, 10));
    expect(modelThreshold(0.001, 1000, 10)).toBeGreaterThan(modelThreshold(0.001, 1000, 1));
    // One finger, one comparison: FMR 0.1 % is score 30 by construction.
    expect(modelThreshold(0.001, 1, 1)).toBeCloseTo(30, 1);
  });

  it('cross-validate the empirical threshold on held-out non-mated searches', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const fnirAt = (t: number) => (t > 998.5 ? 0.5 : 0);
    const cv = crossValidatedRates(scores, 0.001, fnirAt, 10);
    // Nine folds of 100 allow no exceedance: each threshold sits just above their maximum, so
    // only the held-out fold holding the overall maximum (999) exceeds it, once.
    expect(cv.fpir).toBeCloseTo(1 / 1000, 12);
    expect(cv.thresholds[0]).toBeCloseTo(998, 3);
    expect(cv.thresholds[1]).toBeCloseTo(999, 3);
    expect(cv.fnir).toBeCloseTo(0.5 * 0.9, 12);
    expect(() => crossValidatedRates(scores, 0.001, fnirAt, 1)).toThrow(SearchError);
  });

  it('calibrate on non-mated top scores and decide', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i / 10);
    const t = empiricalThreshold(scores, 0.01);
    expect(scores.filter((s) => s >= t.threshold).length).toBe(10);
    expect(t.reliable).toBe(true);
    expect(decide([{ id: 'a', score: 200, filterScore: 0, fingers: [] }], 100).hit).toBe(true);
    expect(decide([], 100).hit).toBe(false);
  });
});

describe('gallery records', () => {
  const r1 = enrolmentRecord('person-1', tenprint('person-1', 0, [1, 2]));
  const r2 = enrolmentRecord('person-2', tenprint('person-2', 0, [5]));
  const bytes = [encodeUpsert(r1), encodeUpsert(r2), encodeDelete('person-1')];
  const concat = (parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const parse = (b: Uint8Array) => {
    const ops: GalleryOp[] = [];
    const damaged: DamagedRecord[] = [];
    parseRecords(b, 100, true, (op) => ops.push(op), (d) => damaged.push(d));
    return { ops, damaged };
  };

  it('round-trip upserts and deletes', () => {
    const { ops, damaged } = parse(concat(bytes));
    expect(damaged).toEqual([]);
    expect(ops.map((o) => o.kind)).toEqual(['upsert', 'upsert', 'delete']);
    const first = ops[0];
    expect(first.kind === 'upsert' && first.record.fingers[1].minutiae).toEqual(r1.fingers[1].minutiae);
  });

  it('report a damaged record with its offset and load the rest', () => {
    const all = concat(bytes);
    all[bytes[0].length + 40] ^= 0xff; // inside the second record's payload
    const { ops, damaged } = parse(all);
    expect(ops.map((o) => o.kind)).toEqual(['upsert', 'delete']);
    expect(damaged).toHaveLength(1);
    expect(damaged[0].offset).toBe(100 + bytes[0].length);
    expect(damaged[0].reason).toMatch(/checksum/);
  });

  it('report a truncated last record', () => {
    const all = concat(bytes);
    const { ops, damaged } = parse(all.subarray(0, all.length - 3));
    expect(ops).toHaveLength(2);
    expect(damaged[0].reason).toMatch(/truncated/);
  });

  it('wait for more bytes when streaming', () => {
    const all = concat(bytes);
    const ops: GalleryOp[] = [];
    const used = parseRecords(all.subarray(0, bytes[0].length + 10), 0, false, (op) => ops.push(op), () => {});
    expect(used).toBe(bytes[0].length);
    expect(ops).toHaveLength(1);
  });

  it('checksum with the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
