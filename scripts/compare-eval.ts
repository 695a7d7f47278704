/**
 * FVC2002 DB1_B–DB4_B evaluation of the comparator, FVC protocol within each database (280
 * genuine, 2,880 impostor pairs): on our extractor's templates (`--extract`, cached by
 * scripts/compare-cache.ts), on the third-party .iso templates (`--iso`, the default), or both
 * (`--both`). Prints EER / FMR100 / FMR1000 / ZeroFMR per DB and the FMR / FNMR at the
 * calibrated thresholds. `--diag` lists the weakest genuine and strongest impostor comparisons;
 * `--dump file.json` writes the raw features.
 *
 *   node --import tsx scripts/compare-eval.ts [--extract|--iso|--both] [--diag] [--dump out.json]
 */
import { writeFileSync, existsSync } from 'node:fs';
import { prepareTemplate, compareTemplates, rawScore } from '../src/biometrics/compare/index.ts';
import { matchRaw, MATCH, updateRotationPrior } from '../src/biometrics/compare/match.ts';
import { PREP } from '../src/biometrics/compare/prepare.ts';
import type { RawMatch } from '../src/biometrics/compare/match.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { errorRates } from '../src/biometrics/evaluate/metrics.ts';
import { DBS, FVC_ROOT, loadExtracted, loadIso } from './compare-cache.ts';

// MATCH='{"roots":3}' overrides comparator parameters for experiments.
if (process.env.MATCH) Object.assign(MATCH, JSON.parse(process.env.MATCH) as Record<string, number>);
updateRotationPrior();
if (process.env.PREP) Object.assign(PREP, JSON.parse(process.env.PREP) as Record<string, number>);
const args = process.argv.slice(2);
const sources = args.includes('--both') ? ['extract', 'iso'] : args.includes('--extract') ? ['extract'] : ['iso'];
const diag = args.includes('--diag');
const dumpAt = args.indexOf('--dump');
const dumpFile = dumpAt >= 0 ? args[dumpAt + 1] : undefined;
if (!existsSync(FVC_ROOT)) {
  console.log(`no data at ${FVC_ROOT}; nothing to evaluate`);
  process.exit(0);
}

const dump: Record<string, { genuine: RawMatch[]; impostor: RawMatch[] }> = {};
const pct = (v: number): string => (v * 100).toFixed(2).padStart(6) + '%';
const cpu0 = process.cpuUsage();
let comparisons = 0;
for (const source of sources) {
  const sum = { eer: 0, fmr100: 0, fmr1000: 0 };
  console.log(`— ${source === 'extract' ? 'our extractor' : 'third-party .iso'} templates`);
  for (const db of DBS) {
    const { names, templates } = source === 'extract' ? await loadExtracted(db) : loadIso(db);
    const prepared = templates.map((t: FingerprintTemplate) => prepareTemplate(t));
    const finger = names.map((n) => n.split('_')[0]);
    const genuine: number[] = [];
    const impostor: number[] = [];
    const rg: RawMatch[] = [];
    const ri: RawMatch[] = [];
    const diagRows: Array<{ same: boolean; s: number; a: string; b: string; r: RawMatch }> = [];
    for (let a = 0; a < prepared.length; a++) {
      for (let b = a + 1; b < prepared.length; b++) {
        // Every unordered pair of images: same finger → genuine, different fingers → impostor.
        const same = finger[a] === finger[b];
        const s = compareTemplates(prepared[a], prepared[b]);
        comparisons++;
        (same ? genuine : impostor).push(s);
        if (dumpFile || diag) {
          const r = { ...matchRaw(prepared[a], prepared[b], {} as RawMatch) };
          if (dumpFile) (same ? rg : ri).push(r);
          if (diag) diagRows.push({ same, s, a: names[a], b: names[b], r });
        }
      }
    }
    dump[`${source}/${db}`] = { genuine: rg, impostor: ri };
    const e = errorRates(genuine, impostor);
    sum.eer += e.eer;
    sum.fmr100 += e.fmr100;
    sum.fmr1000 += e.fmr1000;
    const at = (t: number): string => `${pct(impostor.filter((s) => s >= t).length / impostor.length)}/${pct(genuine.filter((s) => s < t).length / genuine.length)}`;
    console.log(`${db}: EER ${pct(e.eer)}  FMR100 ${pct(e.fmr100)}  FMR1000 ${pct(e.fmr1000)}  ZeroFMR ${pct(e.zeroFmr)}   FMR/FNMR at 20 ${at(20)} 30 ${at(30)} 40 ${at(40)}`);
    if (diag) {
      const show = (x: (typeof diagRows)[number]): string => {
        const r = x.r;
        return `  ${x.a}~${x.b} s=${x.s.toFixed(1)} raw=${rawScore(r).toFixed(3)} pairs=${r.pairs} w=${r.weight.toFixed(1)} n=${r.probeCount}/${r.candidateCount} ov=${r.probeInOverlap}/${r.candidateInOverlap} votes=${r.rootVotes} rot=${((r.rotation * 180) / Math.PI).toFixed(0)}°`;
      };
      const g = diagRows.filter((x) => x.same).sort((p, q) => p.s - q.s).slice(0, 12);
      const i = diagRows.filter((x) => !x.same).sort((p, q) => q.s - p.s).slice(0, 6);
      console.log(' weakest genuine:\n' + g.map(show).join('\n'));
      console.log(' strongest impostor:\n' + i.map(show).join('\n'));
    }
  }
  console.log(`average EER ${pct(sum.eer / 4)}  FMR100 ${pct(sum.fmr100 / 4)}  FMR1000 ${pct(sum.fmr1000 / 4)}`);
}
const cpu = process.cpuUsage(cpu0);
console.log(`(${comparisons} comparisons incl. loading, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s)`);
if (dumpFile) writeFileSync(dumpFile, JSON.stringify(dump));
