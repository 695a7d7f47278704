import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeFileHeader, encodeUpsert, enrolmentRecord, GalleryShard, prepareProbe, SearchError, searchShard, type EnrolmentRecord } from '../../biometrics/search/index.ts';
import { GalleryFileWriter, loadGallery, loadGalleryShards, readGalleryFile } from './gallery-file.ts';
import { reusableGallery, syntheticGalleryFile } from './synthetic-gallery.ts';
import { syntheticTenprint } from './synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'seccom-gallery-file-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Twelve identities with different finger subsets, one updated, one deleted.
const records: EnrolmentRecord[] = Array.from({ length: 12 }, (_, i) =>
  enrolmentRecord(`person-${i}`, syntheticTenprint('file-test', i, 0, i % 3 === 0 ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [1 + (i % 10), 1 + ((i + 4) % 10)])),
);
const updated = enrolmentRecord('person-5', syntheticTenprint('file-test', 500, 0, [7]));
const file = join(dir, 'g.scg');
{
  const w = new GalleryFileWriter(file);
  for (const r of records) w.upsert(r);
  w.upsert(updated);
  w.delete('person-8');
  w.close();
}
const bytes = new Uint8Array(readFileSync(file));

/** What the object path (parse → upsertRecord) makes of a file: the reference for the direct loader. */
function referenceLoad(path: string): GalleryShard {
  const shard = new GalleryShard();
  readGalleryFile(path, (op) => {
    if (op.kind === 'upsert') {
      if (op.record.fingers.length > 0) shard.upsertRecord(op.record);
    } else if (shard.has(op.id)) shard.delete(op.id);
  });
  return shard;
}

function contents(shard: GalleryShard): Map<string, unknown> {
  return new Map([...shard.identityIds()].map((id) => [id, shard.fingersOf(id)]));
}

describe('gallery file loading', () => {
  it('decodes records straight into the shard exactly as the object path does', () => {
    const { shard, report } = loadGallery(file);
    expect(report).toMatchObject({ upserts: 13, deletes: 1, ignored: 0, damaged: [] });
    expect(contents(shard)).toEqual(contents(referenceLoad(file)));
    expect(shard.fingersOf('person-5').map((f) => f.position)).toEqual([7]);
    const probe = prepareProbe(syntheticTenprint('file-test', 3, 1));
    expect(searchShard(shard.exportState(), probe).candidates[0].id).toBe('person-3');
  });

  it('gives the same gallery whatever the read size, records straddling reads included', () => {
    const small = loadGalleryShards(file, 1, undefined, 700).shards[0];
    expect(contents(small)).toEqual(contents(loadGallery(file).shard));
  });

  it('counts an upsert without fingers as ignored and a record repeating a finger as damaged', () => {
    const path = join(dir, 'odd.scg');
    const good = records[1];
    const twice: EnrolmentRecord = { id: 'twice', fingers: [good.fingers[0], good.fingers[0]] };
    const parts = [encodeFileHeader(), encodeUpsert({ id: 'nobody', fingers: [] }), encodeUpsert(twice), encodeUpsert(good)];
    writeFileSync(path, Buffer.concat(parts));
    const { shard, report } = loadGallery(path);
    expect(report.ignored).toBe(1);
    expect(report.damaged.map((d) => d.reason)).toEqual(['bad payload: finger position ' + String(good.fingers[0].position) + ' twice']);
    expect([...shard.identityIds()]).toEqual([good.id]);
  });

  it('survives any damage: loads intact records exactly, reports the damage, or refuses a broken header', () => {
    // Each identity may show the state of any record of it that survived (a lost update or delete).
    const allowed = new Map<string, string[]>();
    for (const r of [...records, updated]) {
      const one = new GalleryShard();
      one.upsertRecord(r);
      allowed.set(r.id, [...(allowed.get(r.id) ?? []), JSON.stringify(one.fingersOf(r.id))]);
    }
    const boundaries = new Set<number>([16]);
    for (let at = 16; at < bytes.length; ) {
      at += 16 + (bytes[at + 8] | (bytes[at + 9] << 8) | (bytes[at + 10] << 16));
      boundaries.add(at);
    }
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(bytes.length - 1), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 4 }),
        fc.option(fc.nat(bytes.length), { nil: undefined }),
        (flips, cut) => {
          const copy = Uint8Array.from(bytes.subarray(0, cut ?? bytes.length));
          for (const f of flips) if (f.at < copy.length) copy[f.at] ^= f.xor;
          const path = join(dir, 'damaged.scg');
          writeFileSync(path, copy);
          let loaded: ReturnType<typeof loadGallery>;
          try {
            loaded = loadGallery(path);
          } catch (e) {
            // Only a damaged or missing header refuses the whole file, with a typed error.
            expect(e).toBeInstanceOf(SearchError);
            expect(copy.length < 16 || flips.some((f) => f.at < 16)).toBe(true);
            return;
          }
          for (const id of loaded.shard.identityIds()) {
            expect(allowed.get(id)).toContain(JSON.stringify(loaded.shard.fingersOf(id)));
          }
          const changed = flips.some((f) => f.at < copy.length) || (cut !== undefined && !boundaries.has(cut));
          if (changed) expect(loaded.report.damaged.length).toBeGreaterThan(0);
          else expect(loaded.report.damaged).toEqual([]);
          if (cut === undefined && !changed) expect(contents(loaded.shard)).toEqual(contents(referenceLoad(file)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('synthetic gallery files', () => {
  it('are generated on the workers, reused when they match, and rebuilt when they do not', async () => {
    const path = join(dir, 'synthetic.scg');
    const made = await syntheticGalleryFile({ path, identities: 40, seed: 'synthetic-test', workers: 2 });
    expect(made.reused).toBe(false);
    expect(made.enrolment.perSecond).toBeGreaterThan(0);
    const { shard, report } = loadGallery(path);
    expect(report.damaged).toEqual([]);
    expect(shard.size).toBe(40);
    expect((await syntheticGalleryFile({ path, identities: 40, seed: 'synthetic-test' })).reused).toBe(true);
    expect(reusableGallery(path, 41, 'synthetic-test')).toBeUndefined();
    expect(reusableGallery(path, 40, 'another-seed')).toBeUndefined();
    // A file that is not what its metadata says (here: cut short) is not reused.
    const size = readFileSync(path).length;
    writeFileSync(path, readFileSync(path).subarray(0, 1000));
    expect(reusableGallery(path, 40, 'synthetic-test')).toBeUndefined();
    const rebuilt = await syntheticGalleryFile({ path, identities: 40, seed: 'synthetic-test' });
    expect(rebuilt.reused).toBe(false);
    expect(readFileSync(path).length).toBe(size);
  }, 60_000);
});
