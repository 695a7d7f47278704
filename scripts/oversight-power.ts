/**
 * Power of the quarterly review on simulated quarters with planted outlier jurisdictions.
 *   node --import tsx scripts/oversight-power.ts [seeds=500] [scale=arcsine|logit]
 * Prints recall and realised FDR for several effect sizes, with recall by jurisdiction size.
 */
import { createRng } from '../src/biometrics/synth/random.ts';
import { SCALES, type Scale } from '../src/oversight/stats/funnel.ts';
import { powerStudy } from '../src/oversight/stats/simulate.ts';

const count = Number(process.argv[2] ?? 500);
if (!Number.isInteger(count) || count < 1) {
  console.error(`seeds must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}
const scale = (process.argv[3] ?? 'arcsine') as Scale;
if (!SCALES.includes(scale)) {
  console.error(`scale must be ${SCALES.join(' or ')}, got ${process.argv[3]}`);
  process.exit(2);
}
const seeds = Array.from({ length: count }, (_, i) => i + 1);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const pm = (x: number, se: number): string => `${(x * 100).toFixed(1)} ± ${(se * 100).toFixed(1)} %`;
/** Monte Carlo standard error of a mean over seeds. */
const seOf = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length) : 0;
};

console.log(`Quarterly review power: ${count} seeds × 200 jurisdictions (20–2,000 arrests, log-uniform),`);
console.log('background share logit-normal around 26 % (SD 0.25), 5 % planted; flag at BH q < 0.05 on the');
console.log(`over-dispersed funnel (additive Paule–Mandel τ², ${scale} scale), one-sided high p against the pooled share.`);
console.log('Means over seeds ± Monte Carlo SE; by size, planted units found pooled over seeds ± binomial SE.\n');
console.log('| logit shift | planted share | mean recall | min recall | realised FDR | recall 20–49 | recall 50–199 | recall 200–2000 |');
console.log('|---|---|---|---|---|---|---|---|');
for (const shift of [1.2, 1.5, 1.8, 2.2]) {
  const s = powerStudy(seeds, (k) => createRng(`oversight-power/${k}`), { outlierShift: shift }, { scale });
  const planted = 1 / (1 + Math.exp(-(Math.log(0.26 / 0.74) + shift)));
  const bands = s.recallBySize.map((b) => `${pm(b.recall, b.planted ? Math.sqrt((b.recall * (1 - b.recall)) / b.planted) : 0)} (${b.found}/${b.planted})`);
  const recallSe = seOf(s.rows.map((r) => r.recall));
  const fdrSe = seOf(s.rows.map((r) => r.falseDiscoveryProportion));
  console.log(`| ${shift.toFixed(1)} | ${pct(planted)} | ${pm(s.meanRecall, recallSe)} | ${pct(s.minRecall)} | ${pm(s.fdr, fdrSe)} | ${bands.join(' | ')} |`);
}
