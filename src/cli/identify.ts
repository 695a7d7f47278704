/**
 * `seccom identify …` — tenprint 1:N identification. For now one subcommand:
 * `seccom identify bench --gallery N --probes M [--workers 2] [--seed S] [--cache DIR] [--json]`
 * generates a synthetic population into a gallery file (kept and reused with --cache), loads
 * it, searches mated and non-mated tenprint probes on worker threads and prints latency
 * (wall and CPU-bound), throughput, memory, enrolment/load rates and FNIR at the FPIR target.
 */
import type { Command } from 'commander';
import { runIdentifyBench, type IdentifyBenchResult } from '../platform/search/identify-bench.ts';
import { UsageError } from './errors.ts';
import { createProgress } from './progress.ts';
import { printJson } from './output.ts';

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
  const e = r.enrolment;
  const cv = r.crossValidated;
  return [
    `gallery ${r.gallery.toLocaleString('en-US')} identities × 10 fingers, ${r.workers} workers, seed ${r.seed}`,
    `enrolment        ${e.perSecond.toLocaleString('en-US')} identities/s wall (${e.seconds} s, ${e.cpuSeconds} s CPU; enrolment proper ${e.enrolMsPerIdentity} ms/identity, synthesis ${e.synthMsPerIdentity} ms)${e.reused ? ' [cached file, figures from when it was made]' : ''}`,
    `memory           ${r.memory.bytesPerIdentityUsed} B/identity used, ${r.memory.bytesPerIdentityAllocated} B allocated, RSS +${r.memory.rssBytesPerIdentity} B`,
    `gallery file     ${r.file.bytesPerIdentity} B/identity, load ${r.file.loadSeconds} s (${r.file.loadCpuSeconds} s CPU), ${r.file.damaged} damaged records`,
    `latency          p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms (filter ${r.latencyMs.filterMeanMs} ms, comparison ${r.latencyMs.compareMeanMs} ms per shard); CPU-bound p50 ${r.latencyMs.cpuBoundP50} ms, p95 ${r.latencyMs.cpuBoundP95} ms`,
    `throughput       ${r.searchesPerMinute} searches/min (CPU-bound ${r.searchesPerMinuteCpuBound})`,
    `load average     ${r.loadAverage.start.join(' ')} → ${r.loadAverage.end.join(' ')}`,
    `accuracy         rank-1 ${pct(r.rank1)} on ${r.probes.mated} mated probes; filter misses ${r.filterMisses}`,
    `model threshold  ${r.model.threshold} (FPIR ${pct(r.fpirTarget)}): FNIR ${pct(r.model.fnir)}, measured FPIR ${pct(r.model.fpir)} on ${r.probes.nonMated} non-mated`,
    `empirical        ${r.empirical.threshold}${r.empirical.reliable ? '' : ' (fewer non-mated probes than 1/FPIR: above their maximum)'}: FNIR ${pct(r.empirical.fnir)}, FPIR ${pct(r.empirical.fpir)} (same searches)`,
    cv ? `cross-validated  ${cv.folds} folds, thresholds ${cv.thresholds.join('–')}: FNIR ${pct(cv.fnir)}, held-out FPIR ${pct(cv.fpir)}` : 'cross-validated  (needs 2 or more non-mated probes)',
    `scores           non-mated top p50 ${r.nonMatedTopScore.p50}, p99 ${r.nonMatedTopScore.p99}, max ${r.nonMatedTopScore.max}; mated min ${r.matedScore.min}, p1 ${r.matedScore.p1}, p50 ${r.matedScore.p50}`,
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
    .option('--cache <dir>', 'keep the generated gallery file in <dir> and reuse it when it matches (seed, size, generator)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Identities are ten statistical templates each (src/biometrics/synth/templates.ts); mated probes
are a second impression of enrolled identities, non-mated probes identities never enrolled.
A million identities take ~15 min of two cores to generate and ~3 GB of disk: use --cache.

Example:
  seccom identify bench --gallery 100000 --probes 1000 --cache /tmp/seccom-bench --json`,
    )
    .action(async (opts: { gallery: string; probes: string; workers: string; seed: string; fpir: string; shortList: string; cache?: string; json?: boolean }) => {
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
        cacheDir: opts.cache,
        onProgress: (phase, done, total) => {
          let bar = bars.get(phase);
          if (!bar) bars.set(phase, (bar = createProgress(phase)));
          bar.update(done, total, phase);
          if (done >= total) bar.finish();
        },
      });
      if (opts.json) printJson(result);
      else process.stdout.write(`${formatBench(result)}\n`);
    });
}
