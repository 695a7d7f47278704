/**
 * FVC2002 DB1_B–DB4_B evaluation of the comparator on the third-party .iso templates (default)
 * or on templates from our extractor (`--extract`). Prints EER / FMR100 / FMR1000 per DB and
 * optionally dumps raw comparison features for calibration (`--dump file.json`).
 *
 *   node --import tsx scripts/compare-eval.ts [--extract] [--dump out.json] [--cross]
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeIso19794_2_2005 } from '../src/biometrics/template/iso19794-2-2005.ts';
import { prepareTemplate, compareTemplates, rawScore } from '../src/biometrics/compare/index.ts';
import { matchRaw } from '../src/biometrics/compare/match.ts';
import type { RawMatch } from '../src/biometrics/compare/match.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { errorRates } from '../src/biometrics/evaluate/metrics.ts';

const args = process.argv.slice(2);
const useExtract = args.includes('--extract');
const dumpAt = args.indexOf('--dump');
const dumpFile = dumpAt >= 0 ? args[dumpAt + 1] : undefined;
const root = '/work/shared/data/fvc2002';
if (!existsSync(root)) {
  console.log(`no data at ${root}; nothing to evaluate`);
  process.exit(0);
}

async function loadTemplates(db: string): Promise<{ names: string[]; templates: FingerprintTemplate[] }> {
  const dir = join(root, db);
  const ext = useExtract ? '.tif' : '.iso';
  const names = readdirSync(dir).filter((f) => f.endsWith(ext)).sort((a, b) => {
    const [fa, ia] = a.split(/[_.]/).map(Number);
    const [fb, ib] = b.split(/[_.]/).map(Number);
    return fa - fb || ia - ib;
  });
  const templates: FingerprintTemplate[] = [];
  if (useExtract) {
    const { extractTemplate } = await import('../src/biometrics/extract/index.ts');
    const { decodeTiff } = await import('../src/biometrics/image/tiff.ts');
    for (const f of names) {
      const img = decodeTiff(new Uint8Array(readFileSync(join(dir, f))));
      // FVC2002 DB2 is 569 ppi, the others 500 ppi; the extractor resamples.
      const ppi = db.startsWith('DB2') ? 569 : 500;
      templates.push(extractTemplate({ ...img, ppi }));
    }
  } else {
    for (const f of names) templates.push(decodeIso19794_2_2005(new Uint8Array(readFileSync(join(dir, f)))));
  }
  return { names, templates };
}

const dump: Record<string, { genuine: RawMatch[]; impostor: RawMatch[] }> = {};
const pct = (v: number): string => (v * 100).toFixed(2).padStart(6) + '%';
let sumEer = 0;
for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
  const { names, templates } = await loadTemplates(db);
  const prepared = templates.map(prepareTemplate);
  const finger = names.map((n) => n.split('_')[0]);
  const genuine: number[] = [];
  const impostor: number[] = [];
  const rg: RawMatch[] = [];
  const ri: RawMatch[] = [];
  for (let a = 0; a < prepared.length; a++) {
    for (let b = a + 1; b < prepared.length; b++) {
      const same = finger[a] === finger[b];
      // FVC: impostors only between the first impressions of different fingers? No — the brief:
      // every unordered pair of images of different fingers.
      const s = compareTemplates(prepared[a], prepared[b]);
      (same ? genuine : impostor).push(s);
      if (dumpFile) {
        const r = matchRaw(prepared[a], prepared[b], {} as RawMatch);
        (same ? rg : ri).push({ ...r });
      }
    }
  }
  dump[db] = { genuine: rg, impostor: ri };
  const e = errorRates(genuine, impostor);
  sumEer += e.eer;
  const above = (t: number): string => pct(impostor.filter((s) => s >= t).length / impostor.length) + ' FMR / ' + pct(genuine.filter((s) => s < t).length / genuine.length) + ' FNMR';
  console.log(`${db}: at 20 ${above(20)}; at 30 ${above(30)}; at 40 ${above(40)}`);
  console.log(`${db}: genuine ${genuine.length} impostor ${impostor.length}  EER ${pct(e.eer)}  FMR100 ${pct(e.fmr100)}  FMR1000 ${pct(e.fmr1000)}  ZeroFMR ${pct(e.zeroFmr)}`);
}
console.log(`average EER ${pct(sumEer / 4)}`);
void rawScore;
if (dumpFile) writeFileSync(dumpFile, JSON.stringify(dump));
