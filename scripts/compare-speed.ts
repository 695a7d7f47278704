/**
 * Comparisons per second on one core, prepared templates, all pairs of DB1_B .iso templates.
 *   node --import tsx scripts/compare-speed.ts [seconds]
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeIso19794_2_2005 } from '../src/biometrics/template/iso19794-2-2005.ts';
import { prepareTemplate, compareTemplates } from '../src/biometrics/compare/index.ts';

const seconds = Number(process.argv[2] ?? 3);
const dirs = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'].map((d) => join('/work/shared/data/fvc2002', d));
if (!existsSync(dirs[0])) {
  console.log('no FVC2002 data; nothing to measure');
  process.exit(0);
}
const templates = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.iso')).map((f) => decodeIso19794_2_2005(new Uint8Array(readFileSync(join(d, f))))));
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
while (performance.now() < end) {
  for (let b = 0; b < prepared.length; b++) sink += compareTemplates(prepared[a], prepared[b]);
  count += prepared.length;
  a = (a + 1) % prepared.length;
}
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`${templates.length} templates, ${avg.toFixed(1)} minutiae average; prepare ${prepMs.toFixed(3)} ms each`);
console.log(`${Math.round(count / elapsed).toLocaleString('en')} comparisons/s wall clock, ${Math.round(count / cpuSeconds).toLocaleString('en')} per CPU-second of this process (${count} in ${elapsed.toFixed(2)} s; checksum ${sink.toFixed(1)})`);
console.log('(wall clock is the figure to quote when the machine is otherwise idle; with other load the CPU-time figure is closer)');
