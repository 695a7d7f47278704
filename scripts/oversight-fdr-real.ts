/**
 * Planted-outlier study of the quarterly review on the real county sizes of the Stanford Open
 * Policing file (550 county totals of stops, 645 to 3.5 M), before and after the τ̂² change.
 *   node --import tsx scripts/oversight-fdr-real.ts [replications=200] [out=bench/results/review-fdr.json]
 * True rates spread with the τ̂² the real file shows (Paule–Mandel on the arcsine scale of every
 * county's arrests/stops, all races summed) and with its 95 % CI bounds; 5 % of units (random each
 * replication) are moved up by 3, 4 or 6 between-unit SDs; the review flags at BH q < 0.05.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRng } from '../src/biometrics/synth/random.ts';
import { funnel } from '../src/oversight/stats/funnel.ts';
import { sizedStudy } from '../src/oversight/stats/simulate.ts';

const PATH = '/work/shared/data/policing/fig3b_arrest_rate_county.csv';
const reps = Number(process.argv[2] ?? 200);
const out = process.argv[3] ?? 'bench/results/review-fdr.json';
if (!Number.isInteger(reps) || reps < 2) {
  console.error(`replications must be an integer ≥ 2, got ${process.argv[2]}`);
  process.exit(2);
}
if (!existsSync(PATH)) {
  console.error(`${PATH} is absent: the study needs the policing file's county totals`);
  process.exit(2);
}
const counties = new Map<string, { count: number; total: number }>();
for (const line of readFileSync(PATH, 'utf8').trim().split('\n').slice(1)) {
  const [, location, arrests, stops] = line.split(',');
  const c = counties.get(location) ?? { count: 0, total: 0 };
  c.count += Number(arrests);
  c.total += Number(stops);
  counties.set(location, c);
}
const units = [...counties].map(([id, c]) => ({ id, ...c }));
const sizes = units.map((u) => u.total);
const real = funnel(units);
const baseShare = real.target;
const pct = (x: number, se: number): string => `${(x * 100).toFixed(1)} ± ${(se * 100).toFixed(1)} %`;
console.log(`${units.length} counties, ${Math.min(...sizes)}–${Math.max(...sizes)} stops; pooled arrest rate ${baseShare.toPrecision(3)};`);
console.log(`real τ̂² (Paule–Mandel, arcsine scale) ${real.tau2.toExponential(3)}, 95 % CI ${real.tau2Interval.lower.toExponential(3)}–${real.tau2Interval.upper.toExponential(3)}`);
console.log(`${reps} replications per row; figures are mean ± Monte Carlo SE\n`);
console.log('| τ² | shift (SDs) | estimator | mean τ̂²/τ² | flags | realised FDR | recall | recall <10k | 10k–100k | 100k–1M | ≥1M |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
const rows = [];
for (const [name, tau2] of [
  ['CI lower', real.tau2Interval.lower],
  ['estimate', real.tau2],
  ['CI upper', real.tau2Interval.upper],
] as const) {
  for (const shiftSds of [3, 4, 6]) {
    for (const method of ['winsorised', 'paule-mandel'] as const) {
      const s = sizedStudy(sizes, reps, (k) => createRng(`review-fdr/${name}/${shiftSds}/${k}`), { tau2, baseShare, shiftSds }, { tau2Method: method });
      rows.push({ tau2Name: name, tau2, shiftSds, method, ...s });
      const bands = s.recallBySize.map((b) => `${pct(b.recall, b.se)} (${b.planted})`);
      console.log(`| ${tau2.toExponential(2)} (${name}) | ${shiftSds} | ${method} | ${(s.tau2Mean / tau2).toFixed(2)} ± ${(s.tau2Se / tau2).toFixed(2)} | ${s.flags.toFixed(1)} | ${pct(s.fdr, s.fdrSe)} | ${pct(s.recall, s.recallSe)} | ${bands.join(' | ')} |`);
    }
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ command: `node --import tsx scripts/oversight-fdr-real.ts ${reps}`, counties: units.length, minSize: Math.min(...sizes), maxSize: Math.max(...sizes), baseShare, realTau2: real.tau2, realTau2Interval: real.tau2Interval, replications: reps, rows }, null, 1)}\n`);
