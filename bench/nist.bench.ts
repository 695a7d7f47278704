// Parse time of the NIST Type-4 ten-print card, and parse + WSQ decode of its 14 images.
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

function measure(name: string, runs: number, fn: () => void): { name: string; runs: number; medianMs: number; minMs: number } {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, runs, medianMs: times[Math.floor(times.length / 2)], minMs: times[0] };
}

const rows = [
  measure('parse type-4-tpcard.an2', 200, () => void parseTransaction(bytes)),
  measure('parse + serialize (round trip)', 100, () => void serializeTransaction(parseTransaction(bytes))),
  measure('parse + decode 14 WSQ images', 5, () => {
    for (const img of imagesOf(parseTransaction(bytes))) decodeWsq(img.data);
  }),
];

console.log(`${'benchmark'.padEnd(36)} ${'runs'.padStart(5)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)}`);
for (const r of rows) console.log(`${r.name.padEnd(36)} ${String(r.runs).padStart(5)} ${r.medianMs.toFixed(3).padStart(10)} ${r.minMs.toFixed(3).padStart(9)}`);
const target = 250;
const decodeRow = rows[2];
console.log(`parse + decode target ≤ ${target} ms: ${decodeRow.medianMs <= target ? 'met' : 'NOT met'}`);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/nist.json`,
  `${JSON.stringify({ file: 'nist-reference/type-4-tpcard.an2', bytes: bytes.length, node: process.version, targetMs: target, results: rows }, null, 2)}\n`,
);
