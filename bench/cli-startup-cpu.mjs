// Preloaded (`node --import`) by bench/cli-startup.bench.ts into each timed `seccom` process: on exit,
// writes the process's own CPU time (process.cpuUsage(): user and system, all threads) to the file named
// by SECCOM_BENCH_CPU_OUT, so the benchmark can report CPU per run beside wall time — a figure a loaded
// machine does not inflate the way it inflates wall time.
import { writeFileSync } from 'node:fs';

const out = process.env.SECCOM_BENCH_CPU_OUT;
if (out) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(out, JSON.stringify({ userMicros: user, systemMicros: system }));
  });
}
