/** Messages between the search pool and its worker threads (plain, structured-clonable data). */
import type { GalleryState, PackedTenprint, ShardResult, ShardSearchOptions } from '../../biometrics/search/index.ts';

export type WorkerRequest =
  | { type: 'state'; id: number; shard: number; state: GalleryState }
  | { type: 'search'; id: number; shards: number[]; probe: PackedTenprint; options: Omit<ShardSearchOptions, 'now'> }
  | { type: 'synth'; id: number; seed: string; prefix: string; from: number; to: number; impression: number };

export type WorkerResponse =
  | { type: 'ok'; id: number }
  | { type: 'search'; id: number; results: ShardResult[] }
  | { type: 'records'; id: number; bytes: Uint8Array; synthMs: number; enrolMs: number }
  | { type: 'error'; id: number; name: string; message: string; reason?: string };
