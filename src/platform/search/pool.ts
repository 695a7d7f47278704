/**
 * In-process 1:N search on worker threads (the embedded deployment of ARCHITECTURE.md).
 *
 * The main thread owns the gallery: one GalleryShard per worker, in SharedArrayBuffers; it
 * enrols, updates and deletes, and re-sends a shard's state (views, not copies) to its worker
 * after a change. A search is validated and packed on the main thread, scattered to every
 * worker (each runs `searchShard` on its shard: the same call a matcher process would serve
 * over NATS request/reply), and the answers are gathered with `mergeCandidates`.
 */
import { Worker } from 'node:worker_threads';
import {
  decide,
  enrolmentRecord,
  GalleryShard,
  mergeCandidates,
  modelThreshold,
  packTenprint,
  parseRecords,
  SearchError,
  shardIndex,
  type Allocator,
  type Candidate,
  type Decision,
  type EnrolmentRecord,
  type ShardResult,
  type ShardSearchOptions,
  type SkippedFinger,
  type Tenprint,
} from '../../biometrics/search/index.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

export const sharedAllocator: Allocator = (bytes) => new SharedArrayBuffer(bytes);

export interface PoolSearchOptions extends Omit<ShardSearchOptions, 'now'> {
  /** Decision threshold on the fused score (see fusion.ts). */
  readonly threshold?: number;
  /** …or the FPIR to decide at: the model threshold for this gallery size and the probe's usable fingers. */
  readonly fpir?: number;
}

export interface SearchOutcome {
  readonly candidates: readonly Candidate[];
  readonly decision?: Decision;
  readonly usedFingers: readonly number[];
  readonly skipped: readonly SkippedFinger[];
  readonly shards: readonly Omit<ShardResult, 'candidates'>[];
  readonly ms: number;
}

interface Pending {
  resolve: (r: WorkerResponse) => void;
  reject: (e: Error) => void;
}

class WorkerHandle {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  constructor() {
    // Compiled (dist/…/pool.js): the compiled worker runs as is. From the TypeScript sources (tests, tsx): the
    // entry registers tsx in the worker thread first.
    const compiled = import.meta.url.endsWith('.js');
    this.worker = new Worker(new URL(compiled ? './search-worker.js' : './worker-entry.js', import.meta.url));
    this.worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'error') {
        p.reject(msg.reason ? new SearchError(msg.reason as never, msg.message) : new Error(`search worker: ${msg.message}`));
      } else p.resolve(msg);
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }
  request(msg: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerResponse> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }
  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class SearchPool {
  readonly shards: GalleryShard[];
  private readonly workers: WorkerHandle[];
  private readonly sent: number[];

  /** `workers` threads, one shard each; pass existing shards (e.g. loaded from files) or get empty ones. */
  constructor(workers = 2, shards?: GalleryShard[]) {
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new SearchError('OPTIONS', `workers must be an integer 1–64, got ${String(workers)}`);
    this.shards = shards ?? Array.from({ length: workers }, () => new GalleryShard(sharedAllocator, 1 << 12, 1 << 18));
    if (this.shards.length !== workers) throw new SearchError('OPTIONS', `${this.shards.length} shards for ${workers} workers`);
    this.workers = Array.from({ length: workers }, () => new WorkerHandle());
    this.sent = this.shards.map(() => -1);
  }

  get size(): number {
    return this.shards.reduce((n, s) => n + s.size, 0);
  }

  shardFor(id: string): GalleryShard {
    return this.shards[shardIndex(id, this.shards.length)];
  }

  enrol(id: string, tenprint: Tenprint): void {
    this.shardFor(id).enrolRecord(enrolmentRecord(id, tenprint));
  }
  update(id: string, tenprint: Tenprint): void {
    this.shardFor(id).updateRecord(enrolmentRecord(id, tenprint));
  }
  delete(id: string): void {
    this.shardFor(id).delete(id);
  }
  upsertRecord(r: EnrolmentRecord): void {
    this.shardFor(r.id).upsertRecord(r);
  }

  /** Applies encoded gallery records (record.ts), e.g. from `synthesize`; returns how many. */
  applyEncoded(bytes: Uint8Array): number {
    let n = 0;
    parseRecords(bytes, 0, true, (op) => {
      if (op.kind === 'upsert') this.upsertRecord(op.record);
      else if (this.shardFor(op.id).has(op.id)) this.delete(op.id);
      n++;
    }, (d) => {
      throw new SearchError('GALLERY_RECORD', `damaged record: ${d.reason}`, d.offset);
    });
    return n;
  }

  /** Has worker `w` build encoded synthetic enrolment records for identities [from, to). */
  async synthesize(w: number, seed: string, prefix: string, from: number, to: number, impression = 0): Promise<Uint8Array> {
    return (await this.synthesizeTimed(w, seed, prefix, from, to, impression)).bytes;
  }

  /** As `synthesize`, with the worker's time spent synthesising templates and enrolling them (ms). */
  async synthesizeTimed(w: number, seed: string, prefix: string, from: number, to: number, impression = 0): Promise<{ bytes: Uint8Array; synthMs: number; enrolMs: number }> {
    const r = await this.workers[w % this.workers.length].request({ type: 'synth', seed, prefix, from, to, impression });
    if (r.type !== 'records') throw new Error('unexpected worker reply');
    return { bytes: r.bytes, synthMs: r.synthMs, enrolMs: r.enrolMs };
  }

  /** Re-sends changed shard states to their workers. */
  async sync(): Promise<void> {
    await Promise.all(this.shards.map(async (shard, i) => {
      if (this.sent[i] === shard.generation) return;
      const generation = shard.generation;
      await this.workers[i].request({ type: 'state', shard: i, state: shard.exportState() });
      this.sent[i] = generation;
    }));
  }

  /**
   * Searches every shard in parallel. Throws SearchError for an unusable probe (no fingers,
   * bad or duplicate positions, all fingers blank).
   */
  async search(probe: Tenprint, options: PoolSearchOptions = {}): Promise<SearchOutcome> {
    const t0 = performance.now();
    const packed = packTenprint(probe, 'probe');
    if (packed.fingers.length === 0) throw new SearchError('NO_USABLE_FINGERS', 'probe: every finger is blank (no minutiae)');
    await this.sync();
    const { threshold: given, fpir, ...shardOptions } = options;
    const threshold = given ?? (fpir === undefined ? undefined : modelThreshold(fpir, Math.max(1, this.size), packed.fingers.length));
    const replies = await Promise.all(this.workers.map((w, i) => w.request({ type: 'search', shards: [i], probe: packed, options: shardOptions })));
    const results: ShardResult[] = [];
    for (const r of replies) if (r.type === 'search') results.push(...r.results);
    const candidates = mergeCandidates(results.map((r) => r.candidates), options.candidates ?? 10);
    return {
      candidates,
      decision: threshold === undefined ? undefined : decide(candidates, threshold),
      usedFingers: packed.fingers.map((f) => f.position),
      skipped: packed.skipped,
      shards: results.map(({ candidates: _c, ...rest }) => rest),
      ms: performance.now() - t0,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
