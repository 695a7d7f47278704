/**
 * Comparisons per second on one core, prepared templates, all pairs of the FVC2002 DB1_B–DB4_B
 * templates: the third-party .iso ones (default) or our extractor's (`--extract`, cached by
 * scripts/compare-cache.ts).
 *   node --import tsx scripts/compare-speed.ts [seconds] [--extract]
 */
import { existsSync } from 'node:fs';
import { prepareTemplate, compareTemplates } from '../src/biometrics/compare/index.ts';
import { DBS, FVC_ROOT, loadExtracted, loadIso } from './compare-cache.ts';
import { MATCH, updateRotationPrior } from '../src/biometrics/compare/match.ts';

// MATCH='{"roots":3}' overrides comparator parameters for experiments.
if (process.env.MATCH) Object.assign(MATCH, JSON.parse(process.env.MATCH) as Record<string, number>);
updateRotationPrior();

const seconds = Number(process.argv.slice(2).find((a) => /^[\d.]+$/.test(a)) ?? 3);
const useExtract = process.argv.includes('--extract');
if (!existsSync(FVC_ROOT)) {
  console.log('no FVC2002 data; nothing to measure');
  process.exit(0);
}
const templates = [];
for (const db of DBS) templates.push(...(useExtract ? (await loadExtracted(db)).templates : loadIso(db).templates));
let t0 = performance.now();
const prepared = templates.map(prepareTemplate);
const prepMs = (performance.now() - t0) / templates.length;
const avg = templates.reduce((s, t) => s + t.minutiae.length, 0) / templates.length;
let count = 0;
let sink = 0;
// Warm-up.
for (let i = 0; i < 2000; i++) sink += compareTemplates(prepared[i % prepared.length], prepared[(i * 7 + 3) % prepared.length]);
const cpu0 = process.cpuUsage();
t0 = performance.now();
const end = t0 + seconds * 1000;
let a = 0;
// Also per block of 10 probe rows (3,200 comparisons): on a shared, loaded machine the CPU time
// of a process is inflated by contention (shared caches, hyper-threads), unevenly over time; the
// best blocks are closest to the unloaded speed, the median is the typical one.
const rates: number[] = [];
// --ab '{"fullRoots":1}': alternate blocks between the current parameters (A) and these (B), and
// compare the paired blocks (the load changes slowly, so neighbouring blocks see similar load).
const abAt = process.argv.indexOf('--ab');
const base = { ...MATCH };
const alt = abAt >= 0 ? { ...MATCH, ...(JSON.parse(process.argv[abAt + 1]) as Record<string, number>) } : undefined;
const ratesB: number[] = [];
const ratios: number[] = [];
while (performance.now() < end) {
  if (alt) {
    Object.assign(MATCH, ratesB.length < rates.length ? alt : base);
    updateRotationPrior();
  }
  const b0 = process.cpuUsage();
  for (let r = 0; r < 10; r++) {
    for (let b = 0; b < prepared.length; b++) sink += compareTemplates(prepared[a], prepared[b]);
    count += prepared.length;
    a = (a + 1) % prepared.length;
  }
  const u = process.cpuUsage(b0);
  const rate = (10 * prepared.length) / ((u.user + u.system) / 1e6);
  if (alt && ratesB.length < rates.length) {
    ratesB.push(rate);
    ratios.push(rate / rates[rates.length - 1]);
  } else rates.push(rate);
}
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
rates.sort((x, y) => x - y);
const fmt = (v: number): string => Math.round(v).toLocaleString('en');
console.log(`${templates.length} templates, ${avg.toFixed(1)} minutiae average; prepare ${prepMs.toFixed(3)} ms each`);
console.log(`${fmt(count / elapsed)} comparisons/s wall clock, ${fmt(count / cpuSeconds)} per CPU-second of this process (${count} in ${elapsed.toFixed(2)} s; checksum ${sink.toFixed(1)})`);
console.log(`per CPU-second over ${rates.length} blocks of 3,200: median ${fmt(rates[rates.length >> 1])}, best ${fmt(rates[rates.length - 1])}, worst ${fmt(rates[0])}`);
if (alt) {
  ratesB.sort((x, y) => x - y);
  ratios.sort((x, y) => x - y);
  console.log(`B = ${process.argv[abAt + 1]}: median ${fmt(ratesB[ratesB.length >> 1])}, best ${fmt(ratesB[ratesB.length - 1])}; B/A median of paired blocks ${ratios[ratios.length >> 1].toFixed(3)}`);
}
console.log('(wall clock is the figure to quote when the machine is otherwise idle; with other load the CPU-time figure is closer)');
