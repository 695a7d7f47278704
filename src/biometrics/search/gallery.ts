/**
 * A gallery shard: a set of enrolled identities held in typed arrays, so that the whole shard
 * can live in SharedArrayBuffers that worker threads search without copying (or in a matcher
 * process of its own).
 *
 * Layout (slot = identity, finger index f = position − 1, per-finger index s·10 + f):
 *   codes        Uint32[slot·10·FILTER_WORDS]  filter code of each finger (features.ts)
 *   bitCount     Uint16[slot·10]               set bits of the code, 0 = finger absent
 *   fingerStart  Uint32[slot·10]               first packed minutia in `pool`
 *   fingerCount  Uint8[slot·10]                number of packed minutiae
 *   fingerMeta   Uint16[slot·10·3]             width, height (px at 500 ppi), quality
 *   alive        Uint8[slot]                   1 = enrolled
 *   idStart      Uint32[slot], idLength Uint8[slot], idBytes Uint8[…]  UTF-8 identity ids
 *   pool         Uint32[…]                     packed minutiae, append-only, compacted when
 *                                              more than half is garbage
 * Typical cost: ~40 minutiae × 4 B × 10 fingers + 10 codes + ~100 B of tables ≈ 3 KB/identity.
 *
 * Only the owner (one thread) mutates a shard; readers get `exportState()` snapshots, which
 * are views over the same buffers plus the counters at that moment. A mutation that grows a
 * buffer replaces it, so owners re-send the state after mutations (`generation` tells when).
 * Bulk loads go through `upsertLaidOut`, which decodes an encoded record straight into the
 * arrays (no per-record objects).
 */
import { SearchError } from './errors.ts';
import { filterCode, FILTER_BITS, FILTER_WORDS, MAX_MINUTIAE_PER_FINGER, unpackFinger, type PackedFinger } from './features.ts';
import { LAYOUT_FINGER_FIELDS } from './record.ts';
import { FINGER_POSITIONS, packTenprint, type PackedTenprintFinger, type Tenprint } from './tenprint.ts';
import type { FingerprintTemplate } from '../template/template.ts';

export type Allocator = (bytes: number) => ArrayBuffer | SharedArrayBuffer;
export const heapAllocator: Allocator = (bytes) => new ArrayBuffer(bytes);

const F = FINGER_POSITIONS;
const MAX_ID_BYTES = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Plain-data snapshot of a shard: typed-array views plus counters; structured-clonable. */
export interface GalleryState {
  readonly filterBits: number;
  readonly capacity: number;
  readonly slots: number;
  readonly alive: number;
  readonly poolUsed: number;
  readonly idUsed: number;
  readonly codes: Uint32Array;
  readonly bitCount: Uint16Array;
  readonly fingerStart: Uint32Array;
  readonly fingerCount: Uint8Array;
  readonly fingerMeta: Uint16Array;
  readonly aliveFlags: Uint8Array;
  readonly idStart: Uint32Array;
  readonly idLength: Uint8Array;
  readonly idBytes: Uint8Array;
  readonly pool: Uint32Array;
}

/** An enrolment as stored: the id and its usable fingers, packed, with their filter codes. */
export interface EnrolmentRecord {
  readonly id: string;
  readonly fingers: readonly (PackedTenprintFinger & { readonly code: Uint32Array; readonly bits: number })[];
}

export function checkIdentityId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) throw new SearchError('IDENTITY_ID', 'identity id must be a non-empty string');
  if (encoder.encode(id).length > MAX_ID_BYTES) throw new SearchError('IDENTITY_ID', `identity id longer than ${MAX_ID_BYTES} UTF-8 bytes`);
  return id;
}

/** Packs a tenprint and computes its filter codes: the unit that enrolment and the gallery file store. */
export function enrolmentRecord(id: string, tenprint: Tenprint): EnrolmentRecord {
  checkIdentityId(id);
  const packed = packTenprint(tenprint, `identity ${id}`);
  if (packed.fingers.length === 0) throw new SearchError('NO_USABLE_FINGERS', `identity ${id}: every finger is blank (no minutiae)`);
  return {
    id,
    fingers: packed.fingers.map((f) => {
      const code = new Uint32Array(FILTER_WORDS);
      const bits = filterCode(f.minutiae, 0, f.minutiae.length, code, 0);
      return { ...f, code, bits: Math.max(1, bits) };
    }),
  };
}

interface Arrays {
  codes: Uint32Array;
  bitCount: Uint16Array;
  fingerStart: Uint32Array;
  fingerCount: Uint8Array;
  fingerMeta: Uint16Array;
  aliveFlags: Uint8Array;
  idStart: Uint32Array;
  idLength: Uint8Array;
  idBytes: Uint8Array;
  pool: Uint32Array;
}

export class GalleryShard {
  private a: Arrays;
  private capacity: number;
  private slots = 0;
  private alive = 0;
  private poolUsed = 0;
  private idUsed = 0;
  private readonly ids = new Map<string, number>();
  private readonly free: number[] = [];
  private garbage = 0;
  private snapshot: GalleryState | undefined;
  /** Incremented on every mutation. */
  generation = 0;

  constructor(
    private readonly allocate: Allocator = heapAllocator,
    initialCapacity = 1024,
    initialPool = 1 << 16,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.a = allocateArrays(allocate, this.capacity, Math.max(256, initialPool), this.capacity * 16);
  }

  get size(): number {
    return this.alive;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Bytes held by the shard's buffers (capacity, not use). */
  get bytes(): number {
    return Object.values(this.a).reduce((n: number, v: ArrayBufferView) => n + v.byteLength, 0);
  }

  /** Bytes actually used by live data (what a tight layout would need). */
  get usedBytes(): number {
    const perSlot = F * (FILTER_WORDS * 4 + 2 + 4 + 1 + 6) + 1 + 4 + 1;
    return this.slots * perSlot + this.idUsed + (this.poolUsed - this.garbage) * 4;
  }

  enrol(id: string, tenprint: Tenprint): void {
    this.enrolRecord(enrolmentRecord(id, tenprint));
  }

  update(id: string, tenprint: Tenprint): void {
    this.updateRecord(enrolmentRecord(id, tenprint));
  }

  /** Enrols a record made by `enrolmentRecord` (e.g. in another thread, or read from a file). */
  enrolRecord(r: EnrolmentRecord): void {
    if (this.ids.has(r.id)) throw new SearchError('DUPLICATE_IDENTITY', `identity ${r.id} is already enrolled (use update)`);
    this.put(r);
  }

  updateRecord(r: EnrolmentRecord): void {
    if (!this.ids.has(r.id)) throw new SearchError('UNKNOWN_IDENTITY', `identity ${r.id} is not enrolled`);
    this.put(r);
  }

  /** Enrols or replaces. */
  upsertRecord(r: EnrolmentRecord): void {
    this.put(r);
  }

  /**
   * Enrols or replaces identity `id` straight from an encoded upsert payload, laid out by
   * `upsertLayout` (record.ts) into `layout` — no intermediate objects: the bulk loader's path.
   * `view` is a DataView over the bytes the layout's offsets refer to (little-endian words are
   * read through it: the fastest way V8 has). The layout must come from `upsertLayout` (which
   * validated positions, counts and bounds); one without fingers is refused.
   */
  upsertLaidOut(id: string, view: DataView, layout: Int32Array): void {
    const count = layout[2];
    if (count < 1) throw new SearchError('NO_USABLE_FINGERS', `identity ${id}: no fingers`);
    let need = 0;
    for (let k = 0; k < count; k++) need += layout[3 + k * LAYOUT_FINGER_FIELDS + 4];
    const slot = this.claimSlot(id, view, layout[0], layout[1]);
    this.ensurePool(need);
    const { codes, bitCount, fingerStart, fingerCount, fingerMeta, pool } = this.a;
    let at = this.poolUsed;
    for (let k = 0; k < count; k++) {
      const o = 3 + k * LAYOUT_FINGER_FIELDS;
      const f = slot * F + layout[o] - 1;
      let src = layout[o + 6];
      const dst = f * FILTER_WORDS;
      for (let w = 0; w < FILTER_WORDS; w++, src += 4) codes[dst + w] = view.getUint32(src, true);
      const n = layout[o + 4];
      bitCount[f] = Math.max(1, layout[o + 5]);
      fingerStart[f] = at;
      fingerCount[f] = n;
      fingerMeta[f * 3] = layout[o + 2];
      fingerMeta[f * 3 + 1] = layout[o + 3];
      fingerMeta[f * 3 + 2] = layout[o + 1];
      src = layout[o + 7];
      for (let i = 0; i < n; i++, src += 4) pool[at + i] = view.getUint32(src, true);
      at += n;
    }
    this.poolUsed = at;
    this.changed();
  }

  delete(id: string): void {
    const slot = this.ids.get(id);
    if (slot === undefined) throw new SearchError('UNKNOWN_IDENTITY', `identity ${id} is not enrolled`);
    this.releaseFingers(slot);
    this.a.aliveFlags[slot] = 0;
    this.ids.delete(id);
    this.free.push(slot);
    this.alive--;
    this.changed();
  }

  /** The stored fingers of an identity, as templates at 500 ppi (packed precision). */
  fingersOf(id: string): { position: number; template: FingerprintTemplate }[] {
    const slot = this.ids.get(id);
    if (slot === undefined) throw new SearchError('UNKNOWN_IDENTITY', `identity ${id} is not enrolled`);
    return storedFingers(this.exportState(), slot);
  }

  /** A snapshot (views over the shard's buffers plus its counters); a new one after each mutation. */
  exportState(): GalleryState {
    if (!this.snapshot) {
      this.snapshot = {
        filterBits: FILTER_BITS,
        capacity: this.capacity,
        slots: this.slots,
        alive: this.alive,
        poolUsed: this.poolUsed,
        idUsed: this.idUsed,
        ...this.a,
      };
    }
    return this.snapshot;
  }

  /** Enrolled identity ids (insertion order, deleted ones gone). */
  identityIds(): IterableIterator<string> {
    return this.ids.keys();
  }

  private changed(): void {
    this.snapshot = undefined;
    this.generation++;
    if (this.garbage > 1 << 20 && this.garbage > this.poolUsed / 2) this.compact();
  }

  /**
   * The slot of `id`: its old one with its fingers released (an update), or a new one with the
   * id written from idSource[idAt … idAt + idLen) (UTF-8); all ten fingers cleared.
   */
  private claimSlot(id: string, idSource: DataView, idAt: number, idLen: number): number {
    let slot = this.ids.get(id);
    if (slot !== undefined) {
      this.releaseFingers(slot);
    } else {
      slot = this.free.pop() ?? this.newSlot();
      this.writeId(slot, idSource, idAt, idLen);
      this.ids.set(id, slot);
      this.a.aliveFlags[slot] = 1;
      this.alive++;
    }
    const { bitCount, fingerCount } = this.a;
    for (let f = 0; f < F; f++) {
      bitCount[slot * F + f] = 0;
      fingerCount[slot * F + f] = 0;
    }
    return slot;
  }

  private put(r: EnrolmentRecord): void {
    for (const f of r.fingers) {
      if (!Number.isInteger(f.position) || f.position < 1 || f.position > F) throw new SearchError('FINGER_POSITION', `identity ${r.id}: finger position ${f.position}`);
      if (f.code.length !== FILTER_WORDS) throw new SearchError('GALLERY_RECORD', `identity ${r.id}: filter code of ${f.code.length * 32} bits, this gallery uses ${FILTER_BITS}`);
      if (f.minutiae.length > MAX_MINUTIAE_PER_FINGER) throw new SearchError('GALLERY_RECORD', `identity ${r.id}: more than ${MAX_MINUTIAE_PER_FINGER} minutiae`);
    }
    if (new Set(r.fingers.map((f) => f.position)).size !== r.fingers.length) throw new SearchError('DUPLICATE_FINGER', `identity ${r.id}: a finger position given twice`);
    const idBytes = encoder.encode(r.id);
    if (idBytes.length === 0 || idBytes.length > MAX_ID_BYTES) throw new SearchError('IDENTITY_ID', `identity id must be 1–${MAX_ID_BYTES} UTF-8 bytes`);
    const slot = this.claimSlot(r.id, new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength), 0, idBytes.length);
    const need = r.fingers.reduce((n, f) => n + f.minutiae.length, 0);
    this.ensurePool(need);
    const s = this.a;
    let at = this.poolUsed;
    for (const f of r.fingers) {
      const k = slot * F + f.position - 1;
      s.codes.set(f.code, k * FILTER_WORDS);
      s.bitCount[k] = Math.max(1, Math.min(65535, f.bits));
      s.fingerStart[k] = at;
      s.fingerCount[k] = f.minutiae.length;
      s.fingerMeta[k * 3] = f.width;
      s.fingerMeta[k * 3 + 1] = f.height;
      s.fingerMeta[k * 3 + 2] = f.quality;
      s.pool.set(f.minutiae, at);
      at += f.minutiae.length;
    }
    this.poolUsed = at;
    this.changed();
  }

  private releaseFingers(slot: number): void {
    const s = this.a;
    for (let f = 0; f < F; f++) {
      const k = slot * F + f;
      if (s.bitCount[k] > 0) this.garbage += s.fingerCount[k];
      s.bitCount[k] = 0;
      s.fingerCount[k] = 0;
    }
  }

  private newSlot(): number {
    if (this.slots >= this.capacity) this.grow(this.capacity * 2);
    return this.slots++;
  }

  private writeId(slot: number, src: DataView, at: number, len: number): void {
    const a = this.a;
    if (this.idUsed + len > a.idBytes.length) {
      const bigger = new Uint8Array(this.allocate(Math.max(a.idBytes.length * 2, this.idUsed + len + 1024)));
      bigger.set(a.idBytes.subarray(0, this.idUsed));
      a.idBytes = bigger;
    }
    const dst = a.idBytes;
    const base = this.idUsed;
    for (let i = 0; i < len; i++) dst[base + i] = src.getUint8(at + i);
    a.idStart[slot] = base;
    a.idLength[slot] = len;
    this.idUsed = base + len;
  }

  private grow(capacity: number): void {
    const old = this.a;
    const next = allocateArrays(this.allocate, capacity, 0, 0);
    next.codes.set(old.codes);
    next.bitCount.set(old.bitCount);
    next.fingerStart.set(old.fingerStart);
    next.fingerCount.set(old.fingerCount);
    next.fingerMeta.set(old.fingerMeta);
    next.aliveFlags.set(old.aliveFlags);
    next.idStart.set(old.idStart);
    next.idLength.set(old.idLength);
    next.pool = old.pool;
    next.idBytes = old.idBytes;
    this.a = next;
    this.capacity = capacity;
    this.snapshot = undefined;
  }

  private ensurePool(words: number, exact = false): void {
    const a = this.a;
    if (this.poolUsed + words <= a.pool.length) return;
    let size = Math.max(a.pool.length * 2, 256);
    while (size < this.poolUsed + words) size *= 2;
    if (exact) size = this.poolUsed + words;
    const pool = new Uint32Array(this.allocate(size * 4));
    pool.set(a.pool.subarray(0, this.poolUsed));
    a.pool = pool;
    this.snapshot = undefined;
  }

  /** Grows the buffers ahead of a bulk load so they need not double (and overshoot) on the way. */
  reserve(identities: number, minutiaWords: number, idBytes = 0): void {
    if (identities > this.capacity) this.grow(identities);
    if (minutiaWords > this.a.pool.length) this.ensurePool(minutiaWords - this.poolUsed, true);
    if (idBytes > this.a.idBytes.length) {
      const bigger = new Uint8Array(this.allocate(idBytes));
      bigger.set(this.a.idBytes.subarray(0, this.idUsed));
      this.a.idBytes = bigger;
      this.snapshot = undefined;
    }
  }

  /** Rewrites the minutia pool without garbage. */
  compact(): void {
    const s = this.a;
    const pool = new Uint32Array(this.allocate(Math.max(256, (this.poolUsed - this.garbage) * 2) * 4));
    let at = 0;
    for (let k = 0; k < this.slots * F; k++) {
      if (s.bitCount[k] === 0) continue;
      const n = s.fingerCount[k];
      pool.set(s.pool.subarray(s.fingerStart[k], s.fingerStart[k] + n), at);
      s.fingerStart[k] = at;
      at += n;
    }
    this.garbage = 0;
    s.pool = pool;
    this.poolUsed = at;
    this.snapshot = undefined;
    this.generation++;
  }
}

function allocateArrays(allocate: Allocator, capacity: number, poolWords: number, idBytes: number): Arrays {
  const u32 = (n: number) => new Uint32Array(allocate(n * 4));
  const u16 = (n: number) => new Uint16Array(allocate(n * 2));
  const u8 = (n: number) => new Uint8Array(allocate(n));
  return {
    codes: u32(capacity * F * FILTER_WORDS),
    bitCount: u16(capacity * F),
    fingerStart: u32(capacity * F),
    fingerCount: u8(capacity * F),
    fingerMeta: u16(capacity * F * 3),
    aliveFlags: u8(capacity),
    idStart: u32(capacity),
    idLength: u8(capacity),
    idBytes: u8(Math.max(16, idBytes)),
    pool: u32(Math.max(16, poolWords)),
  };
}

export function storedFingers(s: GalleryState, slot: number): { position: number; template: FingerprintTemplate }[] {
  const out: { position: number; template: FingerprintTemplate }[] = [];
  for (let f = 0; f < F; f++) {
    const k = slot * F + f;
    if (s.bitCount[k] === 0) continue;
    out.push({ position: f + 1, template: storedTemplate(s, k) });
  }
  return out;
}

export function storedTemplate(s: GalleryState, k: number): FingerprintTemplate {
  return unpackFinger(s.pool, s.fingerStart[k], s.fingerCount[k], s.fingerMeta[k * 3], s.fingerMeta[k * 3 + 1], s.fingerMeta[k * 3 + 2]);
}

export function slotId(s: GalleryState, slot: number): string {
  return decoder.decode(s.idBytes.slice(s.idStart[slot], s.idStart[slot] + s.idLength[slot]));
}

/** A packed finger + its code, as `enrolmentRecord` makes them (re-exported for record codecs). */
export type EnrolledFinger = EnrolmentRecord['fingers'][number];
export type { PackedFinger };

/** Which of `shards` shards an identity lives in (FNV-1a of the id; stable across runs). */
export function shardIndex(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) % shards;
}
