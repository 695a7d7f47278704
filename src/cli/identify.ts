/**
 * `seccom identify …` — tenprint 1:N identification. For now one subcommand:
 * `seccom identify bench --gallery N --probes M [--workers 2] [--seed S] [--json]` builds a
 * synthetic gallery, searches mated and non-mated tenprint probes on worker threads and prints
 * latency, throughput, memory, enrolment/load rates and FNIR at the FPIR target.
 */
import type { Command } from 'commander';
import { runIdentifyBench, type IdentifyBenchResult } from '../platform/search/identify-bench.ts';
import { UsageError } from './errors.ts';
import { createProgress } from './progress.ts';

function integer(name: string, value: string, lo: number, hi: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`${name} must be an integer ${lo}–${hi}, got "${value}"`);
  return n;
}

function fraction(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`${name} must be a number between 0 and 1, got "${value}"`);
  return n;
}

export function formatBench(r: IdentifyBenchResult): string {
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  return [
    `gallery ${r.gallery.toLocaleString('en-US')} identities × 10 fingers, ${r.workers} workers, seed ${r.seed}`,
    `enrolment        ${r.enrolment.perSecond.toLocaleString('en-US')} identities/s (${r.enrolment.seconds} s)`,
    `memory           ${r.memory.bytesPerIdentityUsed} B/identity used, ${r.memory.bytesPerIdentityAllocated} B allocated`,
    `gallery file     ${r.file.bytesPerIdentity} B/identity, load ${r.file.loadSeconds} s, ${r.file.damaged} damaged records`,
    `latency          p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms (filter ${r.latencyMs.filterMeanMs} ms, comparison ${r.latencyMs.compareMeanMs} ms per shard)`,
    `throughput       ${r.searchesPerMinute} searches/min`,
    `accuracy         rank-1 ${pct(r.rank1)} on ${r.probes.mated} mated probes; filter misses ${r.filterMisses}`,
    `model threshold  ${r.model.threshold} (FPIR ${pct(r.fpirTarget)}): FNIR ${pct(r.model.fnir)}, measured FPIR ${pct(r.model.fpir)} on ${r.probes.nonMated} non-mated`,
    `empirical        ${r.empirical.threshold}${r.empirical.reliable ? '' : ' (fewer non-mated probes than 1/FPIR: above their maximum)'}: FNIR ${pct(r.empirical.fnir)}, FPIR ${pct(r.empirical.fpir)}`,
    `scores           non-mated top p50 ${r.nonMatedTopScore.p50}, p99 ${r.nonMatedTopScore.p99}, max ${r.nonMatedTopScore.max}; mated p1 ${r.matedScore.p1}, p50 ${r.matedScore.p50}`,
  ].join('\n');
}

export function registerIdentifyCommands(program: Command): void {
  const identify = program.command('identify').description('tenprint 1:N identification against a gallery');
  identify
    .command('bench')
    .description('benchmark 1:N tenprint search on a synthetic gallery (worker threads)')
    .requiredOption('--gallery <n>', 'gallery size (identities, ten fingers each)')
    .requiredOption('--probes <m>', 'mated and as many non-mated tenprint probes')
    .option('--workers <n>', 'worker threads (one gallery shard each)', '2')
    .option('--seed <s>', 'seed of the synthetic population', 'identify-bench')
    .option('--fpir <p>', 'false positive identification rate target', '0.001')
    .option('--short-list <k>', 'identities per shard passed to the comparator', '16')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { gallery: string; probes: string; workers: string; seed: string; fpir: string; shortList: string; json?: boolean }) => {
      const gallery = integer('--gallery', opts.gallery, 1, 10_000_000);
      const probes = integer('--probes', opts.probes, 1, 1_000_000);
      const workers = integer('--workers', opts.workers, 1, 64);
      const shortList = integer('--short-list', opts.shortList, 1, 1000);
      const fpir = fraction('--fpir', opts.fpir);
      const bars = new Map<string, ReturnType<typeof createProgress>>();
      const result = await runIdentifyBench({
        gallery,
        probes,
        workers,
        seed: opts.seed,
        fpir,
        shortList,
        onProgress: (phase, done, total) => {
          let bar = bars.get(phase);
          if (!bar) bars.set(phase, (bar = createProgress(phase)));
          bar.update(done, total, phase);
          if (done >= total) bar.finish();
        },
      });
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatBench(result)}\n`);
    });
}
