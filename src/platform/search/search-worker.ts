/**
 * Worker-thread side of the search pool: holds views of its shards' SharedArrayBuffers and
 * answers `searchShard` requests; also builds synthetic enrolment records for benchmarks.
 */
import { parentPort } from 'node:worker_threads';
import { encodeUpsert, enrolmentRecord, prepareProbe, searchShard, type GalleryState, type PackedTenprint, type ShardSearchOptions } from '../../biometrics/search/index.ts';
import { syntheticTenprint } from './synthetic.ts';
import type { WorkerRequest, WorkerResponse } from './protocol.ts';

const states = new Map<number, GalleryState>();

function reply(message: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function handle(msg: WorkerRequest): void {
  switch (msg.type) {
    case 'state':
      states.set(msg.shard, msg.state);
      reply({ type: 'ok', id: msg.id });
      return;
    case 'search': {
      const probe = prepareProbe(msg.probe as PackedTenprint);
      const results = msg.shards.map((s) => {
        const state = states.get(s);
        if (!state) throw new Error(`worker has no shard ${s}`);
        return searchShard(state, probe, { ...(msg.options as ShardSearchOptions), now: () => performance.now() });
      });
      reply({ type: 'search', id: msg.id, results });
      return;
    }
    case 'synth': {
      // Template synthesis (a benchmark cost) and enrolment proper (packing, filter codes,
      // record encoding) are timed apart: the latter is what a real enrolment costs.
      const parts: Uint8Array[] = [];
      let size = 0;
      let synthMs = 0;
      let enrolMs = 0;
      for (let i = msg.from; i < msg.to; i++) {
        const t0 = performance.now();
        const tenprint = syntheticTenprint(msg.seed, i, msg.impression);
        const t1 = performance.now();
        const bytes = encodeUpsert(enrolmentRecord(`${msg.prefix}${i}`, tenprint));
        enrolMs += performance.now() - t1;
        synthMs += t1 - t0;
        parts.push(bytes);
        size += bytes.length;
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      reply({ type: 'records', id: msg.id, bytes: out, synthMs, enrolMs }, [out.buffer]);
      return;
    }
  }
}

parentPort!.on('message', (msg: WorkerRequest) => {
  try {
    handle(msg);
  } catch (e) {
    const err = e as Error & { reason?: string };
    reply({ type: 'error', id: msg.id, name: err.name, message: err.message, reason: err.reason });
  }
});
