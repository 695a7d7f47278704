import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolmentRecord, SearchError } from '../../biometrics/search/index.ts';
import { GalleryFileWriter, loadGallery, loadGalleryShards } from './gallery-file.ts';
import { SearchPool } from './pool.ts';
import { syntheticTenprint } from './synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-search-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gallery file', () => {
  const file = join(dir, 'g.scg');
  const w = new GalleryFileWriter(file);
  for (let i = 0; i < 5; i++) w.upsert(enrolmentRecord(`person-${i}`, syntheticTenprint('file', i, 0, [1, 2])));
  w.delete('person-3');
  w.close();

  it('loads what was appended, deletes included', () => {
    const { shard, report } = loadGallery(file);
    expect(report).toMatchObject({ upserts: 5, deletes: 1, damaged: [] });
    expect(shard.size).toBe(4);
    expect(shard.has('person-3')).toBe(false);
  });

  it('reports a damaged record and a truncated tail, and loads the rest', () => {
    const bytes = readFileSync(file);
    const damagedFile = join(dir, 'damaged.scg');
    const copy = Uint8Array.from(bytes.subarray(0, bytes.length - 5));
    copy[16 + 100] ^= 0x55; // inside the first record
    writeFileSync(damagedFile, copy);
    const { shard, report } = loadGallery(damagedFile);
    expect(report.damaged.map((d) => d.reason)).toEqual(['checksum mismatch', 'truncated record']);
    expect(report.damaged[0].offset).toBe(16);
    expect(shard.size).toBe(4); // person-0 lost, person-3 not deleted (its delete was the truncated tail)
    expect(shard.has('person-0')).toBe(false);
  });

  it('refuses a file that is not a gallery file', () => {
    const other = join(dir, 'other.scg');
    writeFileSync(other, 'not a gallery file at all');
    expect(() => loadGallery(other)).toThrow(SearchError);
  });

  it('splits identities over shards by id', () => {
    const { shards } = loadGalleryShards(file, 2);
    expect(shards[0].size + shards[1].size).toBe(4);
  });
});

describe('search pool on worker threads', () => {
  it('finds mates across shards, refuses bad probes, and follows enrolments and deletes', async () => {
    const pool = new SearchPool(2);
    try {
      for (let i = 0; i < 30; i++) pool.enrol(`person-${i}`, syntheticTenprint('pool', i, 0));
      expect(pool.shards.every((s) => s.size > 0)).toBe(true);
      const hit = await pool.search(syntheticTenprint('pool', 17, 1, [1, 6]), { threshold: 60 });
      expect(hit.candidates[0].id).toBe('person-17');
      expect(hit.decision?.hit).toBe(true);
      expect(hit.usedFingers).toEqual([1, 6]);
      const miss = await pool.search(syntheticTenprint('somebody-else', 1, 1), { fpir: 0.001 });
      expect(miss.decision?.hit).toBe(false);
      expect(miss.decision?.threshold).toBeGreaterThan(100);
      await expect(pool.search([])).rejects.toBeInstanceOf(SearchError);
      pool.delete('person-17');
      pool.enrol('person-new', syntheticTenprint('pool', 99, 0));
      const after = await pool.search(syntheticTenprint('pool', 17, 1));
      expect(after.candidates.map((c) => c.id)).not.toContain('person-17');
      expect((await pool.search(syntheticTenprint('pool', 99, 1))).candidates[0].id).toBe('person-new');
    } finally {
      await pool.close();
    }
  }, 60_000);
});
