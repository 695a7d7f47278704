/**
 * Planted-outlier study of the quarterly review on the real county sizes of the Stanford Open
 * Policing file (550 county totals of stops, 645 to 3.5 M), for both scales of the review.
 *   node --import tsx scripts/oversight-fdr-real.ts [replications=200] [out=bench/results/review-fdr.json]
 * Truth: every county's true arrest rate is normal on a scale (arcsine, or logit) around the file's
 * pooled arrest rate, with the τ̂² the real file shows on that scale (Paule–Mandel, all races
 * summed) and with its 95 % CI bounds; 5 % of counties (random each replication) are moved up by 3,
 * 4 or 6 between-county SDs, or none (the null scenario: every flag is false). Counts are binomial.
 * Each replication is reviewed three ways — the winsorised τ̂² on the arcsine scale (the estimator
 * before issue 11), Paule–Mandel on the arcsine scale, Paule–Mandel on the logit scale — on the same
 * data (paired); flags at BH q < 0.05. Every figure is a mean over replications ± its Monte Carlo SE.
 * A third truth, 'empirical', deals the file's own observed county rates to the counties in a fresh
 * random order each replication (planted shifts on the arcsine scale, by the arcsine τ̂²'s SD).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRng } from '../src/biometrics/synth/random.ts';
import { funnel, scaleOps, type Scale, type Tau2Method } from '../src/oversight/stats/funnel.ts';
import { sizedStudies } from '../src/oversight/stats/simulate.ts';

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
const real = { arcsine: funnel(units, { scale: 'arcsine' }), logit: funnel(units, { scale: 'logit' }) };
const baseShare = real.arcsine.target;
const pct = (x: number, se: number): string => `${(x * 100).toFixed(1)} ± ${(se * 100).toFixed(1)} %`;
const num = (x: number, se: number): string => `${x.toFixed(2)} ± ${se.toFixed(2)}`;
console.log(`${units.length} counties, ${Math.min(...sizes)}–${Math.max(...sizes)} stops; pooled arrest rate ${baseShare.toPrecision(3)};`);
for (const s of ['arcsine', 'logit'] as const) {
  console.log(`real τ̂² (Paule–Mandel, ${s} scale) ${real[s].tau2.toExponential(3)}, 95 % CI ${real[s].tau2Interval.lower.toExponential(3)}–${real[s].tau2Interval.upper.toExponential(3)}`);
}
/**
 * Which scale's normal random-effects model fits the real file better: the maximum log-likelihood
 * of x_i ~ N(μ, v_i + τ²) on each scale, with the Jacobian log|dx/dp| at p̂_i so that both are
 * densities of the same observed rates (two parameters each; grid over τ², μ profiled), and the
 * skewness of the standardised residuals.
 */
function scaleFit(scale: Scale): { logLik: number; tau2: number; skewness: number } {
  const ops = scaleOps(scale);
  const theta = baseShare;
  const x = units.map((u) => ops.observed(u.count, u.total));
  const v = units.map((u) => ops.variance(u.total, theta));
  const jac = units.map((u) => {
    const p = Math.min(1 - 0.5 / u.total, Math.max(0.5 / u.total, u.count / u.total));
    return scale === 'arcsine' ? -Math.log(2 * Math.sqrt(p * (1 - p))) : -Math.log(p * (1 - p));
  });
  let best = { logLik: -Infinity, tau2: 0, mu: 0 };
  const start = real[scale].tau2;
  for (let k = -300; k <= 300; k++) {
    const t = start * Math.exp(k / 100);
    let sw = 0;
    let swx = 0;
    x.forEach((xi, i) => {
      sw += 1 / (v[i] + t);
      swx += xi / (v[i] + t);
    });
    const mu = swx / sw;
    let ll = 0;
    x.forEach((xi, i) => (ll += -0.5 * Math.log(2 * Math.PI * (v[i] + t)) - (xi - mu) ** 2 / (2 * (v[i] + t)) + jac[i]));
    if (ll > best.logLik) best = { logLik: ll, tau2: t, mu };
  }
  const r = x.map((xi, i) => (xi - best.mu) / Math.sqrt(v[i] + best.tau2));
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
  return { logLik: best.logLik, tau2: best.tau2, skewness: r.reduce((a, b) => a + ((b - m) / sd) ** 3, 0) / r.length };
}
const fits = { arcsine: scaleFit('arcsine'), logit: scaleFit('logit') };
for (const s of ['arcsine', 'logit'] as const) console.log(`normal random effects on the ${s} scale: max log-likelihood of the observed rates ${fits[s].logLik.toFixed(1)} (ML τ² ${fits[s].tau2.toExponential(3)}), skewness of standardised residuals ${fits[s].skewness.toFixed(2)}`);
console.log(`${reps} replications per row; figures are mean ± Monte Carlo SE\n`);
console.log('| truth | τ² | planted | review | mean τ̂²/τ²* | flags | false flags | any false flag | realised FDR | recall | recall <10k | 10k–100k | 100k–1M | ≥1M |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');

const methods: { name: string; tau2Method: Tau2Method; scale: Scale }[] = [
  { name: 'winsorised, arcsine', tau2Method: 'winsorised', scale: 'arcsine' },
  { name: 'Paule–Mandel, arcsine', tau2Method: 'paule-mandel', scale: 'arcsine' },
  { name: 'Paule–Mandel, logit', tau2Method: 'paule-mandel', scale: 'logit' },
];
const seconds = methods.map(() => 0);
const rows: Record<string, unknown>[] = [];
const t0 = performance.now();
const observedRates = units.map((u) => u.count / u.total);
for (const truth of ['arcsine', 'logit', 'empirical'] as const) {
  const fit = real[truth === 'empirical' ? 'arcsine' : truth];
  const levels =
    truth === 'empirical'
      ? ([['estimate', fit.tau2]] as const)
      : ([
          ['CI lower', fit.tau2Interval.lower],
          ['estimate', fit.tau2],
          ['CI upper', fit.tau2Interval.upper],
        ] as const);
  for (const [name, tau2] of levels) {
    for (const shiftSds of [null, 3, 4, 6] as const) {
      const study = { tau2, baseShare, scale: truth === 'empirical' ? ('arcsine' as const) : truth, shiftSds: shiftSds ?? 0, outlierShare: shiftSds === null ? 0 : 0.05, ...(truth === 'empirical' ? { rates: observedRates } : {}) };
      // Each method reviews the same replications; timed one method at a time on the same data.
      const summaries = methods.map((m, k) => {
        const start = performance.now();
        const [s] = sizedStudies(sizes, reps, (r) => createRng(`review-fdr/${truth}/${name}/${shiftSds ?? 'null'}/${r}`), study, [{ tau2Method: m.tau2Method, scale: m.scale }]);
        seconds[k] += (performance.now() - start) / 1000;
        return s;
      });
      summaries.forEach((s, k) => {
        const m = methods[k];
        rows.push({ truth, tau2Name: name, tau2, planted: shiftSds === null ? 'none' : `${shiftSds} SD`, shiftSds, method: m.tau2Method, scale: m.scale, ...s });
        // τ̂² is on the review's scale; it is comparable with the truth's τ² only on the same scale.
        const ratio = m.scale === truth ? num(s.tau2Mean / tau2, s.tau2Se / tau2) : '—';
        const bands = shiftSds === null ? ['', '', '', ''] : s.recallBySize.map((b) => `${pct(b.recall, b.se)} (${b.planted})`);
        const recall = shiftSds === null ? '—' : pct(s.recall, s.recallSe);
        console.log(`| ${truth} | ${tau2.toExponential(2)} (${name}) | ${shiftSds === null ? 'none' : `${shiftSds} SD`} | ${m.name} | ${ratio} | ${s.flags.toFixed(2)} | ${num(s.falseFlags, s.falseFlagsSe)} | ${pct(s.anyFalseFlag, s.anyFalseFlagSe)} | ${pct(s.fdr, s.fdrSe)} | ${recall} | ${bands.join(' | ')} |`);
      });
    }
  }
}
const wall = (performance.now() - t0) / 1000;
console.log(`\n* τ̂²/τ² only where the review's scale is the truth's. Wall time ${wall.toFixed(0)} s; reviewing: ${methods.map((m, k) => `${m.name} ${seconds[k].toFixed(0)} s`).join(', ')} (data generation included in each).`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      command: `node --import tsx scripts/oversight-fdr-real.ts ${reps}`,
      counties: units.length,
      minSize: Math.min(...sizes),
      maxSize: Math.max(...sizes),
      baseShare,
      realScaleFit: fits,
      realTau2: { arcsine: { tau2: real.arcsine.tau2, interval: real.arcsine.tau2Interval }, logit: { tau2: real.logit.tau2, interval: real.logit.tau2Interval } },
      replications: reps,
      wallSeconds: wall,
      secondsByMethod: Object.fromEntries(methods.map((m, k) => [m.name, seconds[k]])),
      rows,
    },
    null,
    1,
  )}\n`,
);
