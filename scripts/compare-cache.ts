/**
 * Template cache for the comparator scripts: our extractor's templates for FVC2002 DB1_B–DB4_B,
 * stored under /tmp/seccom-cache/<hash>/<DB>/<image>.json where <hash> is a SHA-256 of the
 * contents of src/biometrics/extract/*.ts, so a changed extractor is re-run automatically
 * (SECCOM_HASH=<hash> pins a cached snapshot, SECCOM_CACHE moves the cache).
 * SECCOM_FLIP_ENDINGS=1 turns every ending by a half turn on loading: the comparator expects the
 * ISO convention (an ending points into its ridge, = the extractor's `endingDirection:
 * 'into-ridge'`); use it for snapshots extracted with the older 'out-of-ridge' default.
 *
 *   node --import tsx scripts/compare-cache.ts   (fills the cache; prints the hash)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { decodeIso19794_2_2005 } from '../src/biometrics/template/iso19794-2-2005.ts';

export const FVC_ROOT = '/work/shared/data/fvc2002';
export const DBS = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'];
const CACHE = process.env.SECCOM_CACHE ?? '/tmp/seccom-cache';
const EXTRACT_DIR = fileURLToPath(new URL('../src/biometrics/extract/', import.meta.url));

export function extractorHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(EXTRACT_DIR).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts')).sort()) {
    h.update(f);
    h.update(readFileSync(join(EXTRACT_DIR, f)));
  }
  return h.digest('hex').slice(0, 16);
}

/** Image names of a database in finger, impression order. */
export function imageNames(db: string, ext: string): string[] {
  return readdirSync(join(FVC_ROOT, db))
    .filter((f) => f.endsWith(ext))
    .sort((a, b) => {
      const [fa, ia] = a.split(/[_.]/).map(Number);
      const [fb, ib] = b.split(/[_.]/).map(Number);
      return fa - fb || ia - ib;
    });
}

export function loadIso(db: string): { names: string[]; templates: FingerprintTemplate[] } {
  const names = imageNames(db, '.iso');
  return { names, templates: names.map((f) => decodeIso19794_2_2005(new Uint8Array(readFileSync(join(FVC_ROOT, db, f))))) };
}

/** Our extractor's templates (cached by extractor hash). */
export async function loadExtracted(db: string, log = false): Promise<{ names: string[]; templates: FingerprintTemplate[]; hash: string }> {
  // SECCOM_HASH pins an earlier extractor's cached templates (stable while the extractor changes).
  const hash = process.env.SECCOM_HASH ?? extractorHash();
  const dir = join(CACHE, hash, db);
  mkdirSync(dir, { recursive: true });
  const names = imageNames(db, '.tif');
  const templates: FingerprintTemplate[] = [];
  let extract: ((img: never) => FingerprintTemplate) | undefined;
  let decode: ((b: Uint8Array) => object) | undefined;
  for (const f of names) {
    const file = join(dir, f.replace(/\.tif$/, '.json'));
    if (existsSync(file)) {
      templates.push(JSON.parse(readFileSync(file, 'utf8')) as FingerprintTemplate);
      continue;
    }
    if (!extract || !decode) {
      extract = (await import('../src/biometrics/extract/index.ts')).extractTemplate as never;
      decode = (await import('../src/biometrics/image/tiff.ts')).decodeTiff as never;
    }
    const img = decode(new Uint8Array(readFileSync(join(FVC_ROOT, db, f))));
    // FVC2002 DB2 is 569 ppi, the others 500 ppi; the extractor resamples.
    const t = extract({ ...img, ppi: db.startsWith('DB2') ? 569 : 500 } as never);
    writeFileSync(file, JSON.stringify(t));
    if (log) process.stdout.write('.');
    templates.push(t);
  }
  if (process.env.SECCOM_FLIP_ENDINGS === '1') {
    for (const t of templates) for (const m of t.minutiae) if (m.type === 'ending') m.direction = (m.direction + Math.PI) % (2 * Math.PI);
    return { names, templates, hash: `${hash}, endings turned by a half turn (= into-ridge)` };
  }
  return { names, templates, hash };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cpu0 = process.cpuUsage();
  for (const db of DBS) {
    const { templates, hash } = await loadExtracted(db, true);
    const avg = templates.reduce((s, t) => s + t.minutiae.length, 0) / templates.length;
    console.log(`\n${db}: ${templates.length} templates, ${avg.toFixed(1)} minutiae average (extractor ${hash})`);
  }
  console.log(`cpu ${((process.cpuUsage(cpu0).user) / 1e6).toFixed(1)} s`);
}
