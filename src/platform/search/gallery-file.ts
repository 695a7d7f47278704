/**
 * Gallery files on disk: the append-only, checksummed record log of
 * src/biometrics/search/record.ts. Appends are whole records; loading streams the file in
 * chunks, applies upserts and deletes in order, and reports damaged or truncated records
 * (which are skipped) instead of failing.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import zlib from 'node:zlib';
import {
  checkFileHeader,
  decodeId,
  decodeOp,
  encodeDelete,
  encodeFileHeader,
  encodeUpsert,
  GalleryShard,
  HEADER_BYTES,
  LAYOUT_FINGER_FIELDS,
  LAYOUT_LENGTH,
  RECORD_UPSERT,
  scanRecords,
  shardIndex,
  upsertLayout,
  type Allocator,
  type Crc32,
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

/** Node's native CRC-32 (zlib, same polynomial as record.ts's) when it has one: ~4× faster. */
const nativeCrc: Crc32 | undefined =
  typeof zlib.crc32 === 'function' ? (bytes, start, end) => zlib.crc32(bytes.subarray(start, end)) : undefined;

type OnRecord = (kind: number, bytes: Uint8Array, at: number, len: number) => string | undefined;

/**
 * Streams the framed records of a gallery file through `scanRecords` in `chunkBytes` reads (a
 * record that straddles a read is kept for the next one). Throws SearchError when the header
 * is not a gallery file's.
 */
function streamRecords(path: string, onRecord: OnRecord, chunkBytes: number): { damaged: DamagedRecord[]; bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = new Uint8Array(HEADER_BYTES);
    const got = readSync(fd, header, 0, HEADER_BYTES, 0);
    checkFileHeader(header.subarray(0, got));
    const damaged: DamagedRecord[] = [];
    let buffer = new Uint8Array(Math.max(1024, Math.min(chunkBytes, size)));
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
      const final = fileAt >= size || n === 0;
      const used = scanRecords(buffer.subarray(0, filled), bufferBase, final, onRecord, (d) => damaged.push(d), nativeCrc);
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

/** Streams the records of a gallery file to `onOp` as objects. Throws SearchError when the header is not a gallery file's. */
export function readGalleryFile(path: string, onOp: (op: GalleryOp) => void, chunkBytes = 32 << 20): { damaged: DamagedRecord[]; bytes: number } {
  return streamRecords(
    path,
    (kind, bytes, at, len) => {
      let op: GalleryOp;
      try {
        op = decodeOp(kind, bytes, at, len);
      } catch (e) {
        return (e as Error).message;
      }
      onOp(op);
      return undefined;
    },
    chunkBytes,
  );
}

/** Loads a gallery file into one new shard. */
export function loadGallery(path: string, allocate?: Allocator): { shard: GalleryShard; report: LoadReport } {
  const { shards, report } = loadGalleryShards(path, 1, allocate);
  return { shard: shards[0], report };
}

/**
 * What a gallery file holds, extrapolated from its first few MiB: identities, packed minutia
 * words and id bytes (for presizing shards so that their buffers need not grow while loading).
 */
function estimateContents(path: string, sampleBytes = 4 << 20): { identities: number; minutiaWords: number; idBytes: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const sample = new Uint8Array(Math.min(size, sampleBytes));
    const got = readSync(fd, sample, 0, sample.length, 0);
    if (got <= HEADER_BYTES) return { identities: 0, minutiaWords: 0, idBytes: 0 };
    const layout = new Int32Array(LAYOUT_LENGTH);
    let identities = 0;
    let words = 0;
    let idBytes = 0;
    const used = scanRecords(sample.subarray(HEADER_BYTES, got), 0, got === size, (kind, bytes, at, len) => {
      if (kind !== RECORD_UPSERT || upsertLayout(bytes, at, len, layout)) return undefined;
      identities++;
      idBytes += layout[1];
      for (let k = 0; k < layout[2]; k++) words += layout[3 + k * LAYOUT_FINGER_FIELDS + 4];
      return undefined;
    }, () => {});
    if (used === 0 || identities === 0) return { identities: 0, minutiaWords: 0, idBytes: 0 };
    const scale = (size - HEADER_BYTES) / used;
    return { identities: identities * scale, minutiaWords: words * scale, idBytes: idBytes * scale };
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads a gallery file into `count` shards (identity → shard by `shardIndex`). Records are
 * decoded straight into the shards' typed arrays (`GalleryShard.upsertLaidOut`), no objects per
 * record; the shards are presized from a sample of the file. Damaged records and a truncated
 * tail are skipped and reported; a well-framed upsert without fingers, or a delete of an id
 * not present, is counted as ignored.
 */
export function loadGalleryShards(path: string, count: number, allocate?: Allocator, chunkBytes = 32 << 20): { shards: GalleryShard[]; report: LoadReport } {
  const shards = Array.from({ length: count }, () => new GalleryShard(allocate, 1 << 10, 1 << 16));
  if (existsSync(path)) {
    const e = estimateContents(path);
    const margin = 1.04; // the id hash spreads identities evenly; a little slack for the sample's error
    for (const s of shards) s.reserve(Math.ceil((e.identities / count) * margin), Math.ceil((e.minutiaWords / count) * margin), Math.ceil((e.idBytes / count) * margin));
  }
  let upserts = 0;
  let deletes = 0;
  let ignored = 0;
  const layout = new Int32Array(LAYOUT_LENGTH);
  let viewOf: Uint8Array | undefined;
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  const { damaged, bytes } = streamRecords(
    path,
    (kind, p, at, len) => {
      if (kind === RECORD_UPSERT) {
        if (p !== viewOf) {
          viewOf = p;
          view = new DataView(p.buffer, p.byteOffset, p.byteLength);
        }
        const problem = upsertLayout(p, at, len, layout);
        if (problem) return problem;
        if (layout[2] === 0) {
          ignored++; // an identity needs a finger
          return undefined;
        }
        const id = decodeId(p, layout[0], layout[1]);
        shards[count === 1 ? 0 : shardIndex(id, count)].upsertLaidOut(id, view, layout);
        upserts++;
        return undefined;
      }
      let op: GalleryOp;
      try {
        op = decodeOp(kind, p, at, len);
      } catch (e) {
        return (e as Error).message;
      }
      if (op.kind !== 'delete') return 'not a delete';
      const shard = shards[count === 1 ? 0 : shardIndex(op.id, count)];
      if (shard.has(op.id)) {
        shard.delete(op.id);
        deletes++;
      } else ignored++;
      return undefined;
    },
    chunkBytes,
  );
  return { shards, report: { upserts, deletes, ignored, damaged, bytes } };
}
