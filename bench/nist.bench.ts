// Parse time of the NIST Type-4 ten-print card, and parse + WSQ decode of its 14 images.
// Times are process CPU time (user + system) on one thread, so other work on a shared machine
// distorts them less than wall-clock time; wall-clock medians are kept alongside for reference.
// Run: node --import tsx bench/nist.bench.ts   (writes bench/results/nist.json)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWsq } from '../src/biometrics/image/wsq/index.ts';
import { imagesOf, parseTransaction, serializeTransaction } from '../src/nist/index.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const file = `${root}../shared/data/ansi-nist/nist-reference/type-4-tpcard.an2`;
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found`);
  process.exit(0);
}
const bytes = new Uint8Array(readFileSync(file));

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Row {
  name: string;
  runs: number;
  /** CPU time per run. */
  medianMs: number;
  minMs: number;
  /** Wall-clock time per run (inflated when other processes compete for the cores). */
  wallMedianMs: number;
}

/**
 * Times `fn` in batches long enough for the CPU clock's granularity: each sample is the mean
 * over `batch` consecutive calls.
 */
function measure(name: string, runs: number, fn: () => void, batch = 1): Row {
  fn(); // warm-up
  fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    for (let k = 0; k < batch; k++) fn();
    wall.push((performance.now() - w0) / batch);
    cpu.push((cpuMs() - c0) / batch);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { name, runs, medianMs: median(cpu), minMs: Math.min(...cpu), wallMedianMs: median(wall) };
}

const rows = [
  measure('parse type-4-tpcard.an2', 50, () => void parseTransaction(bytes), 100),
  measure('parse + serialize (round trip)', 50, () => void serializeTransaction(parseTransaction(bytes)), 20),
  measure('parse + decode 14 WSQ images', 11, () => {
    for (const img of imagesOf(parseTransaction(bytes))) decodeWsq(img.data);
  }),
];

console.log(`${'benchmark (CPU time, one thread)'.padEnd(36)} ${'runs'.padStart(5)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'wall ms'.padStart(9)}`);
for (const r of rows) console.log(`${r.name.padEnd(36)} ${String(r.runs).padStart(5)} ${r.medianMs.toFixed(3).padStart(10)} ${r.minMs.toFixed(3).padStart(9)} ${r.wallMedianMs.toFixed(3).padStart(9)}`);
const target = 250;
const decodeRow = rows[2];
console.log(`parse + decode target ≤ ${target} ms CPU: ${decodeRow.medianMs <= target ? 'met' : 'NOT met'}`);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/nist.json`,
  `${JSON.stringify({ file: 'nist-reference/type-4-tpcard.an2', bytes: bytes.length, node: process.version, date: new Date().toISOString(), clock: 'process CPU time (user + system)', targetMs: target, results: rows }, null, 2)}\n`,
);
