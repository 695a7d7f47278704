/**
 * Gallery files on disk: the append-only, checksummed record log of
 * src/biometrics/search/record.ts. Appends are whole records; loading streams the file in
 * chunks, applies upserts and deletes in order, and reports damaged or truncated records
 * (which are skipped) instead of failing.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import {
  checkFileHeader,
  encodeDelete,
  encodeFileHeader,
  encodeUpsert,
  GalleryShard,
  HEADER_BYTES,
  parseRecords,
  SearchError,
  shardIndex,
  type Allocator,
  type DamagedRecord,
  type EnrolmentRecord,
  type GalleryOp,
} from '../../biometrics/search/index.ts';

export class GalleryFileWriter {
  private fd: number;
  constructor(readonly path: string) {
    const fresh = !existsSync(path);
    this.fd = openSync(path, 'a');
    if (fresh || fstatSync(this.fd).size === 0) writeSync(this.fd, encodeFileHeader());
  }
  upsert(record: EnrolmentRecord): void {
    writeSync(this.fd, encodeUpsert(record));
  }
  delete(id: string): void {
    writeSync(this.fd, encodeDelete(id));
  }
  /** Appends bytes that already are whole encoded records (e.g. made by a worker). */
  appendEncoded(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }
  close(): void {
    closeSync(this.fd);
  }
}

export interface LoadReport {
  readonly upserts: number;
  readonly deletes: number;
  /** Deletes of ids not present and records the gallery refuses: skipped. */
  readonly ignored: number;
  readonly damaged: readonly DamagedRecord[];
  readonly bytes: number;
}

/** Streams the records of a gallery file to `onOp`. Throws SearchError when the header is not a gallery file's. */
export function readGalleryFile(path: string, onOp: (op: GalleryOp) => void, chunkBytes = 32 << 20): { damaged: DamagedRecord[]; bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = new Uint8Array(HEADER_BYTES);
    const got = readSync(fd, header, 0, HEADER_BYTES, 0);
    checkFileHeader(header.subarray(0, got));
    const damaged: DamagedRecord[] = [];
    let buffer = new Uint8Array(chunkBytes);
    let filled = 0;
    let fileAt = HEADER_BYTES;
    let bufferBase = HEADER_BYTES;
    while (true) {
      if (filled === buffer.length) {
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = fileAt < size ? readSync(fd, buffer, filled, buffer.length - filled, fileAt) : 0;
      fileAt += n;
      filled += n;
      const final = fileAt >= size;
      const used = parseRecords(buffer.subarray(0, filled), bufferBase, final, onOp, (d) => damaged.push(d));
      if (final) break;
      buffer.copyWithin(0, used, filled);
      filled -= used;
      bufferBase += used;
    }
    return { damaged, bytes: size };
  } finally {
    closeSync(fd);
  }
}

/** Loads a gallery file into one new shard. */
export function loadGallery(path: string, allocate?: Allocator): { shard: GalleryShard; report: LoadReport } {
  const { shards, report } = loadGalleryShards(path, 1, allocate);
  return { shard: shards[0], report };
}

/** Loads a gallery file into `count` shards (identity → shard by `shardIndex`). */
export function loadGalleryShards(path: string, count: number, allocate?: Allocator): { shards: GalleryShard[]; report: LoadReport } {
  const shards = Array.from({ length: count }, () => new GalleryShard(allocate, 1 << 10, 1 << 16));
  // Presize from the file size (~3 KB an identity, ~half of it minutiae) so buffers do not overshoot.
  const size = existsSync(path) ? statSync(path).size : 0;
  for (const s of shards) s.reserve(Math.ceil((size / 2600 / count) * 1.05), Math.ceil((size / 4 / count) * 0.6));
  let upserts = 0;
  let deletes = 0;
  let ignored = 0;
  const { damaged, bytes } = readGalleryFile(path, (op) => {
    const id = op.kind === 'upsert' ? op.record.id : op.id;
    const shard = shards[shardIndex(id, count)];
    if (op.kind === 'upsert') {
      try {
        shard.upsertRecord(op.record);
        upserts++;
      } catch (e) {
        // A well-formed record the gallery cannot take (checked twice: codec and gallery): skip it.
        if (!(e instanceof SearchError)) throw e;
        ignored++;
      }
    } else if (shard.has(op.id)) {
      shard.delete(op.id);
      deletes++;
    } else ignored++;
  });
  return { shards, report: { upserts, deletes, ignored, damaged, bytes } };
}
