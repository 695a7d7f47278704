/**
 * A CI-sized mutation run over every decoder and loader of user files: seeded from the real
 * third-party data in ../shared/data where it is present (and from synthetic inputs built here,
 * so the run still means something without it), each mutated copy must decode or be refused
 * with the decoder's own typed error — never a TypeError/RangeError/SyntaxError, never slower
 * than a cap per input, never an absurd allocation. SECCOM_FUZZ_RUNS=10 runs ten times as many.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { BiometricError, MAX_IMAGE_SIDE } from '../../biometrics/errors.ts';
import { decodeImage } from '../../biometrics/image/decode.ts';
import { encodeGrayPng } from '../../biometrics/image/png-encode.ts';
import { encodeWsq } from '../../biometrics/image/wsq/encode.ts';
import { encodeDelete, encodeFileHeader, encodeUpsert, enrolmentRecord } from '../../biometrics/search/index.ts';
import type { FingerprintTemplate } from '../../biometrics/template/template.ts';
import { UsageError } from '../../cli/errors.ts';
import { decodeTemplateBytes, encodeTemplateBytes } from '../../cli/io.ts';
import { readJurisdictionFile } from '../../cli/scenario.ts';
import { NistError, buildTransaction, fingerprintBinaryRecord, parseTransaction, serializeTransaction, taggedRecord } from '../../nist/index.ts';
import { decodeFingerprintImage } from '../../nist/fingerprints.ts';
import { imagesOf } from '../../nist/images.ts';
import { buildCarBytes, buildSre, readCar, readSre } from '../../nist/ebts/messages.ts';
import { sampleBooking } from '../../nist/ebts/testing.ts';
import { parseCodeTable, parseEbtsRules } from '../../nist/ebts/rules.ts';
import { ComplaintError } from '../../oversight/complaints/errors.ts';
import { validateComplaint } from '../../oversight/complaints/intake.ts';
import { parseCsv, reviewFromCsv } from '../../oversight/stats/csv.ts';
import { StatsError } from '../../oversight/stats/errors.ts';
import { OversightError } from '../../oversight/facts/errors.ts';
import { factFromJson, factToJson } from '../../oversight/facts/serialize.ts';
import { emptyFact } from '../../oversight/facts/types.ts';
import { PolicyError } from '../../policy/errors.ts';
import { loadScenario, ScenarioError } from '../../sim/scenario.ts';
import { SearchError } from '../../biometrics/search/errors.ts';
import { loadPolicy, DEFAULT_POLICY_DIR } from '../policy/load.ts';
import { loadGallery } from '../search/gallery-file.ts';
import { fuzz } from './mutate.testing.ts';

/** ../shared/data, or SECCOM_SHARED_DATA (e.g. a path that does not exist, to try the synthetic seeds alone). */
const DATA = process.env.SECCOM_SHARED_DATA ?? join(import.meta.dirname, '../../../../shared/data');
const REPO = join(import.meta.dirname, '../../..');
const haveData = existsSync(DATA);
if (!haveData) console.log(`decoders.fuzz: ${DATA} is absent; fuzzing from synthetic seeds only`);

/** Real seed files that exist (relative to ../shared/data); none when the folder is absent. */
function real(...paths: string[]): Uint8Array[] {
  return paths.filter((p) => existsSync(join(DATA, p))).map((p) => new Uint8Array(readFileSync(join(DATA, p))));
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decodeText = (b: Uint8Array): string => new TextDecoder().decode(b);
const scratch = mkdtempSync(join(tmpdir(), 'seccom-fuzz-'));

// ------------------------------------------------------------------------------- synthetic seeds

const envelope = { controlNumber: 'CA0190000-20110615-0001', destinationOri: 'DCFBIWAK0', date: '20110615' };

function syntheticTransaction(): Uint8Array {
  const t2 = taggedRecord(2, { 2: '00', 18: 'DOE,JOHN', 47: [['20240101', 'ASSAULT'], ['', 'THEFT']] });
  const t4 = fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: 4, height: 2, compression: 0, data: new Uint8Array([1, 0x1c, 0x1d, 4, 5, 6, 7, 8]) });
  const t14 = taggedRecord(14, { 2: '02', 6: '2', 7: '2', 11: 'NONE', 13: '13', 999: new Uint8Array([0x1c, 0x1d, 0x1e, 0x1f]) });
  return serializeTransaction(buildTransaction({ transactionType: 'CAR', date: '20240101', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' }, [t2, t4, t14]));
}

function gray(width: number, height: number): { width: number; height: number; ppi: number; pixels: Uint8Array } {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = 128 + Math.round(100 * Math.sin(x / 3 + y / 5));
  return { width, height, ppi: 500, pixels };
}

function template(): FingerprintTemplate {
  const minutiae = Array.from({ length: 24 }, (_, k) => ({ x: 20 + ((k * 37) % 250), y: 20 + ((k * 53) % 250), direction: ((k * 0.7) % (2 * Math.PI)), type: (k % 2 === 0 ? 'ending' : 'bifurcation') as 'ending' | 'bifurcation', quality: 60 + (k % 40) }));
  return { width: 300, height: 300, resolution: 500, quality: 80, minutiae };
}

// ------------------------------------------------------------------------------- the targets

const nist = (e: unknown) => e instanceof NistError;
const biometric = (e: unknown) => e instanceof BiometricError;

describe('every decoder and loader, on mutated real and synthetic inputs', { timeout: 60_000 }, () => {
  it('ANSI/NIST-ITL transactions: parse or NistError', () => {
    fuzz({ seeds: [syntheticTransaction(), buildCarBytes(sampleBooking(), envelope), ...real('ansi-nist/nist-reference/rec01_rec02_rec16.nst.an2', 'ansi-nist/nist-reference/type-8-sig-fax.an2', 'ansi-nist/nist-reference/type-5.an2', 'ansi-nist/nbis/valid1.9.an2')], decode: parseTransaction, typed: nist, runs: 2000 });
  });

  it('finger images inside transactions (what `nist images` decodes): an image per finger record, or NistError or BiometricError', () => {
    const g = gray(64, 48);
    const t4 = fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: g.width, height: g.height, compression: 1, data: encodeWsq(g, { bitrate: 0.75 }) });
    const t4raw = fingerprintBinaryRecord({ idc: 2, impression: 0, fingerPositions: [7], width: g.width, height: g.height, compression: 0, data: g.pixels });
    const synthetic = serializeTransaction(buildTransaction({ transactionType: 'CAR', date: '20240101', destinationAgency: 'DCFBIWAK0', originatingAgency: 'CA0190000', controlNumber: 'TCN0000001' }, [taggedRecord(2, { 2: '00' }), t4, t4raw]));
    fuzz({
      seeds: [synthetic, ...real('ansi-nist/nist-reference/type-14-tip-eji-wsq.an2')],
      // Each finger record decoded as `fingerprintImagesOf` does, but without its catch-all (which would type a TypeError too).
      decode: (b) => imagesOf(parseTransaction(b)).filter((img) => [3, 4, 5, 6, 13, 14].includes(img.recordType)).map((img) => decodeFingerprintImage(img).image),
      typed: (e) => e instanceof NistError || e instanceof BiometricError,
      check: (images) => {
        for (const image of images) expect(image.pixels.length).toBe(image.width * image.height);
      },
      runs: 150,
      maxMs: 4000,
    });
  });

  it('EBTS messages (CAR, SRE): read or NistError', () => {
    const car = buildCarBytes(sampleBooking(), envelope);
    const sre = serializeTransaction(buildSre({ controlReference: envelope.controlNumber, name: 'GARCIA,JUAN CARLOS', controllingAgency: 'CA0190000', result: { kind: 'ident', fbiNumber: '123456AB7', rapSheet: 'ARRESTED 2009' } }, { ...envelope, destinationOri: 'CA0190000' }));
    fuzz({ seeds: [car], decode: readCar, typed: nist, runs: 1000 });
    fuzz({ seeds: [sre], decode: readSre, typed: nist, runs: 500 });
  });

  it('EBTS verification rules and code tables: parse or NistError', () => {
    const mini = text('TRANSACTIONS "Tenprint"\n\n  CAR   "Criminal"\n        1:1 2:1 414:2-14;\n\nFIELDS\n\n[M]\n\t1.001\tT1_LEN\tN\t\t2-x\t\t1\t\tdesc="Logical Record Length";\n[M, CAR]\n\t2.018\tT2_NAM\tAS\t\t3-30\t1\t\tdesc="Name"\n\t\tsca="-, ";\n[O, CAR]\n\t2.020\tT2_POB\tA\t\t2\t\t1\t\tdesc="Place of Birth"\n\t\tmmap="CA:California|MX:Mexico";\n');
    fuzz({ seeds: [mini, ...real('ebts/EBTS9.1_ENUS.txt')], decode: (b) => parseEbtsRules(decodeText(b)), typed: nist, runs: 100, maxMs: 4000 });
    fuzz({ seeds: [text('CA\tCalifornia\r\nMX\tMexico\r\n'), ...real('ebts/T2_CTZ.txt')], decode: (b) => parseCodeTable(decodeText(b)), typed: nist, runs: 300 });
  });

  it('fingerprint images (PNG, WSQ, TIFF, JPEG): a well-formed image within the size limit, or BiometricError', () => {
    const g = gray(64, 48);
    const rgba = new Uint8Array(g.pixels.length * 4).map((_, k) => (k % 4 === 3 ? 255 : g.pixels[k >> 2]));
    const jpg = new Uint8Array(jpeg.encode({ data: rgba, width: g.width, height: g.height }, 90).data);
    const seeds = [encodeGrayPng(g), jpg, encodeWsq(g, { bitrate: 0.75 }), ...real('fvc2002/DB3_B/101_1.tif', 'ansi-nist/decoded/fp-1.png')];
    fuzz({
      seeds,
      decode: (b) => decodeImage(b),
      typed: biometric,
      check: (image) => {
        expect(image.width).toBeGreaterThan(0);
        expect(image.height).toBeGreaterThan(0);
        expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(MAX_IMAGE_SIDE);
        expect(image.pixels.length).toBe(image.width * image.height);
      },
      runs: 500,
      maxMs: 3000,
    });
  });

  it('minutiae templates (native, ISO/IEC 19794-2, INCITS 378): a template or BiometricError', () => {
    const t = template();
    const seeds = [encodeTemplateBytes(t, 'native'), encodeTemplateBytes(t, 'iso'), encodeTemplateBytes(t, 'incits'), ...real('fvc2002/DB1_B/101_1.iso', 'fvc2002/DB3_B/101_2.iso')];
    fuzz({ seeds, decode: (b) => decodeTemplateBytes(b), typed: biometric, check: (r) => expect(r.minutiae.length).toBeLessThanOrEqual(65_535), runs: 2000 });
  });

  it('gallery files: loaded (damage reported) or SearchError', () => {
    const record = (id: string) => encodeUpsert(enrolmentRecord(id, [{ position: 2, template: template() }, { position: 7, template: template() }]));
    const file = new Uint8Array([...encodeFileHeader(), ...record('person-0'), ...record('person-1'), ...encodeDelete('person-0'), ...record('person-2')]);
    const path = join(scratch, 'gallery.scgf');
    fuzz({
      seeds: [file],
      decode: (b) => {
        writeFileSync(path, b);
        return loadGallery(path);
      },
      typed: (e) => e instanceof SearchError || e instanceof BiometricError,
      check: ({ shard }) => expect(shard.size).toBeLessThanOrEqual(3),
      runs: 600,
    });
  });

  it('scenario files: loaded or ScenarioError', () => {
    const dir = join(REPO, 'scenarios');
    const files = readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => new Uint8Array(readFileSync(join(dir, n)))).sort((a, b) => a.length - b.length).slice(0, 3);
    const path = join(scratch, 'scenario.json');
    fuzz({ seeds: files, decode: (b) => (writeFileSync(path, b), loadScenario(path)), typed: (e) => e instanceof ScenarioError, runs: 800 });
  });

  it('jurisdiction files (book --jurisdiction-file): read or UsageError', () => {
    const dir = join(REPO, 'scenarios');
    const lists = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => (JSON.parse(readFileSync(join(dir, n), 'utf8')) as { jurisdictions: unknown[] }).jurisdictions)
      .slice(0, 3);
    const seeds = [text(JSON.stringify(lists[0][0])), text(JSON.stringify(lists[0])), ...lists.slice(1).map((jurisdictions) => text(JSON.stringify({ jurisdictions }, null, 2)))];
    const path = join(scratch, 'jurisdictions.json');
    fuzz({ seeds, decode: (b) => (writeFileSync(path, b), readJurisdictionFile(path)), typed: (e) => e instanceof UsageError, runs: 600 });
  });

  it('policy folders: loaded or PolicyError', () => {
    const dir = join(scratch, 'policy');
    cpSync(DEFAULT_POLICY_DIR, dir, { recursive: true });
    const names = readdirSync(join(dir, 'versions')).filter((n) => n.endsWith('.json')).map((n) => `versions/${n}`);
    const originals = new Map(names.map((n) => [n, readFileSync(join(dir, n))]));
    let k = 0;
    // Each input replaces one version document (in turn) and loads the whole folder.
    fuzz({
      seeds: [...originals.values()].map((b) => new Uint8Array(b)),
      decode: (b) => {
        for (const [n, original] of originals) writeFileSync(join(dir, n), original);
        writeFileSync(join(dir, names[k++ % names.length]), b);
        return loadPolicy(dir);
      },
      typed: (e) => e instanceof PolicyError,
      runs: 20,
    });
  });

  it('CSV counts for the review and statistics: reviewed or StatsError', () => {
    const synthetic = text('location,driver_race,n_arrests,n_stops\nA County,white,12,1000\nA County,black,30,900\nB County,white,5,700\nC County,white,40,5000\n"D, County",hispanic,3,"650"\n');
    const policing = real('policing/fig3b_arrest_rate_county.csv').map((b) => b.subarray(0, b.indexOf(0x0a, 6000) + 1));
    const columns = { count: 'n_arrests', total: 'n_stops', unit: 'location' };
    fuzz({ seeds: [synthetic, ...policing], decode: (b) => reviewFromCsv(decodeText(b), columns), typed: (e) => e instanceof StatsError, runs: 600 });
    fuzz({ seeds: [synthetic], decode: (b) => parseCsv(decodeText(b)), typed: (e) => e instanceof StatsError, runs: 600 });
  });

  it('complaint intake (JSON bodies): a valid complaint or ComplaintError', () => {
    const body = text(JSON.stringify({ category: 'detention-past-limit', narrative: 'Held three days after the charges were dropped.', incidentDate: '2011-05-12', contact: { name: 'A. Person', email: 'a@example.org' }, ori: 'CA0190000', caseId: null, detainerId: null }));
    fuzz({
      seeds: [body],
      decode: (b) => {
        let input: unknown;
        try {
          input = JSON.parse(decodeText(b));
        } catch {
          return null; // not JSON: refused by the caller's JSON reader before intake
        }
        return validateComplaint(input, '2011-06-01');
      },
      typed: (e) => e instanceof ComplaintError,
      runs: 1000,
    });
  });

  it('stored case facts: read back or OversightError', () => {
    const fact = emptyFact('CASE-1');
    const seeds = [text(factToJson(fact)), text(factToJson({ ...fact, charges: [{ ncicCode: '2399', level: 2, disposition: 'pending', dispositionAt: null }] as never, detainers: [{ detainerId: 'DET-1', issuedAt: 1, releaseDueAt: 2, holdExpiresAt: 3, ended: null, endedAt: null }] as never }))];
    fuzz({ seeds, decode: (b) => factFromJson('CASE-1', decodeText(b)), typed: (e) => e instanceof OversightError, runs: 1000 });
  });
});
