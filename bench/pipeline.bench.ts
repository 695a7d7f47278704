/**
 * Bookings per second through the embedded pipeline (booking → state bureau → FBI → IDENT →
 * LESC → field office → detainer back to the jail), on SQLite and on PostgreSQL.
 *
 * Fingerprint SEARCH TIME IS EXCLUDED: both repositories get `LookupSearch`, a TenprintSearch
 * stub that answers from precomputed results (an enrolled subject whose templates are the very
 * objects of the probe — the extractor memoises templates by image bytes, so a person's prints
 * always give the same objects). Template extraction is also done once, before timing, by a
 * shared memoising TemplateExtractor. What is measured is the agencies' work: EBTS CAR/SRE
 * building, routing, policy evaluation, the detainer, the outbox, the inbox and the case log.
 *
 * Before the timed run, an untimed warm-up of `--warmup` bookings (default 200) lets the JIT,
 * the prepared-statement cache and SQLite's page cache settle. Rates are reported over wall
 * time and over this process's CPU time (user + system; on PostgreSQL the server's CPU is not
 * in it). The machine may be shared, so compare CPU-time rates between runs.
 *
 * Two modes, both reported: serial (each booking's chain completes before the next booking)
 * and stream (bookings only commit; a background dispatcher delivers in batches; timed until
 * every chain is done, and checked booking by booking against the serial run).
 *
 *   node --import tsx bench/pipeline.bench.ts [--bookings 1000] [--warmup 200] [--sqlite-only]   → bench/results/pipeline.json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Pipeline } from '../src/agencies/pipeline.ts';
import type { Encounter } from '../src/agencies/messages.ts';
import { TemplateExtractor, type FingerTemplates, type TenprintSearch, type TenprintSearchResult } from '../src/agencies/tenprint/index.ts';
import type { FingerprintTemplate } from '../src/biometrics/template/template.ts';
import { encodeWsq } from '../src/biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger } from '../src/biometrics/synth/index.ts';
import type { Booking, FingerprintImage } from '../src/nist/ebts/messages.ts';
import { ManualClock } from '../src/platform/clock/index.ts';
import { listOutbox } from '../src/platform/messaging/index.ts';
import { openStore, type StoreConfig } from '../src/platform/store/index.ts';
import { storeVariants, testPostgresUrl } from '../src/platform/store/testing.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const BOOKINGS = arg('--bookings', 1000);
const WARMUP = arg('--warmup', 200);
const TARGET = 200;
const ORI = 'TX1010000';

/** Precomputed answers: a probe matches the subject enrolled with the same template objects. */
class LookupSearch implements TenprintSearch {
  private readonly byTemplate = new Map<FingerprintTemplate, string>();
  searches = 0;

  enroll(subjectId: string, templates: FingerTemplates): void {
    for (const t of templates.values()) this.byTemplate.set(t, subjectId);
  }

  search(probe: FingerTemplates): Promise<TenprintSearchResult> {
    this.searches++;
    const first = probe.values().next().value;
    const subjectId = first ? this.byTemplate.get(first) : undefined;
    if (!subjectId) return Promise.resolve({ decision: 'no-match', candidates: [] });
    const fingers = [...probe.keys()].map((position) => ({ position, score: 200 }));
    return Promise.resolve({ decision: 'match', candidates: [{ subjectId, fused: 200 * fingers.length, bestFinger: 200, fingers, match: true }] });
  }
}

// Twelve people, two fingers each; the first eight are in IDENT with different histories.
const histories: (Encounter[] | null)[] = [
  [{ kind: 'apprehension', date: '2004-07-01' }, { kind: 'removal', date: '2009-06-01' }, { kind: 'apprehension', date: '2010-02-01' }],
  [{ kind: 'apprehension', date: '2004-06-01' }],
  [{ kind: 'visa', date: '1997-11-02' }, { kind: 'admission', date: '1998-01-15' }, { kind: 'benefit', date: '1998-01-15', benefit: 'permanent-residence-granted' }],
  [{ kind: 'visa', date: '2005-01-10' }, { kind: 'admission', date: '2005-02-01', admittedUntil: '2005-08-01' }],
  [{ kind: 'apprehension', date: '2010-05-01' }, { kind: 'benefit', date: '2010-06-01', benefit: 'asylum-pending' }],
  [{ kind: 'apprehension', date: '2008-03-03' }],
  [{ kind: 'visa', date: '1983-01-10' }, { kind: 'admission', date: '1983-02-01', admittedUntil: '1983-08-01' }, { kind: 'naturalization', date: '2001-03-01' }],
  [{ kind: 'apprehension', date: '2007-09-09' }, { kind: 'removal', date: '2008-01-01' }],
  null,
  null,
  null,
  null,
];
const CHARGES = [
  { ncicCode: '5399', literal: 'PUBLIC PEACE' },
  { ncicCode: '2399', literal: 'LARCENY' },
  { ncicCode: '1313', literal: 'SIMPLE ASSAULT' },
  { ncicCode: '3599', literal: 'DANGEROUS DRUGS' },
  { ncicCode: '5499', literal: 'TRAFFIC OFFENSE' },
];

console.log(`making ${histories.length} synthetic people (2 fingers each) and their templates…`);
const people: FingerprintImage[][] = histories.map((_, k) =>
  [2, 7].map((position) => {
    const image = synthesizeFinger(`bench-pipeline:${k}`, position, 0);
    return { position, data: encodeWsq(image, { bitrate: 0.75 }), width: image.width, height: image.height, ppi: image.ppi, compression: 'WSQ20' as const };
  }),
);
const extractor = new TemplateExtractor(1024);
for (const prints of people) extractor.templatesOf(prints);

function booking(i: number, at: number): Booking {
  const k = i % people.length;
  return {
    arrestingAgencyOri: ORI,
    dateOfArrest: new Date(at - 6 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', ''),
    name: `PERSON${k},BENCH`,
    dateOfBirth: '19800101',
    sex: 'M',
    race: 'W',
    placeOfBirth: 'MM',
    citizenship: k === 6 ? undefined : 'MM',
    height: '509',
    weightLb: 170,
    eyeColor: 'BRO',
    hairColor: 'BLK',
    charges: [CHARGES[i % CHARGES.length]],
    fingerprints: people[k],
    caseNumber: `B${i}`,
  };
}

type Mode = 'serial' | 'stream';

/** Where one booking's case ended up (compared between the serial and the stream run, booking by booking). */
interface Outcome {
  custody: string;
  immigrationSearch: string;
  iar: boolean;
  decision: string | null;
  detainer: string | null;
  jailDetainer: string | null;
}

interface Row {
  store: string;
  /** serial: each booking's chain runs to completion before the next booking; stream: bookings commit one after another while a background dispatcher delivers in batches. */
  mode: Mode;
  warmupBookings: number;
  bookings: number;
  seconds: number;
  bookingsPerSecond: number;
  /** This process's CPU time (user + system) over the timed run. */
  cpuSeconds: number;
  bookingsPerCpuSecond: number;
  messages: number;
  immigrationSearchMatches: number;
  detainers: number;
  deadLetters: number;
  /** Messages still pending after the run (must be 0). */
  pending: number;
  /** Timed bookings per final custody state / field-office decision (all of them, not a sample). */
  custodyStates: Record<string, number>;
  decisions: Record<string, number>;
  /** Stream only: timed bookings whose final state differs from the serial run's (same store); must be 0. */
  differFromSerial?: number;
  /** Rate over each successive 250 bookings: shows whether it falls as the tables grow. */
  bookingsPerSecondBy250: number[];
  /** os.loadavg() (1, 5, 15 min) at the end of the timed run: the machine may be shared. */
  loadAverage: number[];
}

const tally = (values: readonly string[]) => Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]));

async function run(config: StoreConfig, mode: Mode, serialOutcomes?: readonly Outcome[]): Promise<{ row: Row; outcomes: Outcome[] }> {
  const start = Date.parse('2012-03-05T15:00:00Z');
  const clock = new ManualClock(start);
  const store = await openStore(config, { clock });
  const criminalSearch = new LookupSearch();
  const immigrationSearch = new LookupSearch();
  try {
    const p = await Pipeline.open({ store, clock, random: createRng(`bench-pipeline/${config.kind}`), extractor, criminalSearch, immigrationSearch, delivery: mode === 'serial' ? 'in-command' : 'background' });
    // Set-up and warm-up go through commands that deliver themselves, also in stream mode.
    const settle = async () => {
      if (mode === 'stream') await p.dispatcher.drain();
    };
    await p.registerJurisdiction({ ori: ORI, name: 'Harris County Sheriff', state: 'TX', county: 'Harris', timeZone: 'America/Chicago', aor: 'HOU' });
    const activatedAt = Date.parse('2011-07-01T05:00:00Z');
    await p.changeParticipation(ORI, { mode: 'activated', effectiveAt: activatedAt, noticeToState: { givenAt: activatedAt - 30 * 86_400_000, text: 'DHS to the Texas DPS.' }, noticeToJurisdiction: { givenAt: activatedAt - 30 * 86_400_000, text: 'DHS to the sheriff.' } });
    for (const [k, encounters] of histories.entries()) {
      if (encounters) await p.addImmigrationIdentity({ name: `PERSON${k},BENCH`, fingerprints: people[k], encounters });
    }
    await p.addCriminalSubject({ name: 'PERSON0,BENCH', dateOfBirth: '19800101', fingerprints: people[0], convictions: [{ ncicCode: '1201', date: '2005-03-10', severity: 'felony', maxSentenceMonths: 120, sentenceImposedDays: 1095, tags: [] }] });
    // Warm-up (untimed): every person once, so the criminal repository knows them all.
    let t = start;
    await settle();
    for (let i = 0; i < people.length; i++) {
      await p.book(booking(i, (t += 60_000)), { at: t });
      await settle();
    }
    // Warm-up (untimed): WARMUP more bookings, numbered after the timed ones so case numbers stay unique.
    // In stream mode they go as a stream too (the dispatcher's JIT and statements warm up).
    if (mode === 'stream') p.dispatcher.start();
    for (let i = 0; i < WARMUP; i++) {
      clock.set((t += 60_000));
      await p.book(booking(BOOKINGS + i, t));
    }
    if (mode === 'stream') {
      await p.dispatcher.stop();
      await p.dispatcher.drain();
    }
    const caseIds: string[] = [];
    const cpuBegan = process.cpuUsage();
    const began = performance.now();
    const marks: number[] = [];
    if (mode === 'stream') p.dispatcher.start();
    for (let i = 0; i < BOOKINGS; i++) {
      if (i % 250 === 0 && i > 0) marks.push(performance.now());
      // No timer is due on the booking path (nobody is released here), so the manual clock is
      // moved directly rather than through advanceTo's timer scan; Pipeline.book drains as usual.
      clock.set((t += 60_000));
      caseIds.push(await p.book(booking(i, t)));
    }
    if (mode === 'stream') {
      // Every booking has committed; the run ends when every chain has been delivered.
      await p.dispatcher.stop();
      await p.dispatcher.drain();
    }
    if ((await p.scheduler.pending()).some((timer) => timer.dueAt <= t)) throw new Error('a timer fell due during the timed run; the shortcut above is not valid');
    const seconds = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpuBegan);
    const loadAverage = loadavg().map((x) => Math.round(x * 100) / 100);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    marks.push(performance.now());
    const per250 = marks.map((m, k) => Math.round(((k + 1) * 250 > BOOKINGS ? BOOKINGS - k * 250 : 250) / ((m - (k === 0 ? began : marks[k - 1])) / 1000)));
    const outcomes: Outcome[] = [];
    let matches = 0;
    let detainers = 0;
    for (const caseId of caseIds) {
      const s = await p.finalState(caseId);
      if (s.immigrationSearch === 'match') matches++;
      if (s.detainer) detainers++;
      outcomes.push({ custody: s.custody, immigrationSearch: String(s.immigrationSearch), iar: s.iar !== null, decision: s.decision ? `${s.decision.decision}` : null, detainer: s.detainer?.state ?? null, jailDetainer: s.jailDetainer?.state ?? null });
    }
    const pending = (await listOutbox(store.db, { state: 'pending' })).length;
    const row: Row = {
      store: config.kind,
      mode,
      warmupBookings: WARMUP,
      bookings: BOOKINGS,
      seconds,
      bookingsPerSecond: BOOKINGS / seconds,
      cpuSeconds,
      bookingsPerCpuSecond: BOOKINGS / cpuSeconds,
      messages: (await listOutbox(store.db)).length,
      immigrationSearchMatches: matches,
      detainers,
      deadLetters: (await p.deadLetters()).length,
      pending,
      custodyStates: tally(outcomes.map((o) => o.custody)),
      decisions: tally(outcomes.map((o) => o.decision ?? 'none')),
      ...(serialOutcomes ? { differFromSerial: outcomes.filter((o, i) => JSON.stringify(o) !== JSON.stringify(serialOutcomes[i])).length } : {}),
      bookingsPerSecondBy250: per250,
      loadAverage,
    };
    return { row, outcomes };
  } finally {
    await store.close();
  }
}

const rows: Row[] = [];
const skipped: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'seccom-bench-pipeline-'));
/** Both modes on one store kind: serial first, then the stream, checked booking by booking against it. */
async function both(config: () => StoreConfig, cleanUp: () => Promise<void>): Promise<void> {
  let serial: Outcome[] = [];
  try {
    const r = await run(config(), 'serial');
    rows.push(r.row);
    serial = r.outcomes;
  } finally {
    await cleanUp();
  }
  try {
    rows.push((await run(config(), 'stream', serial)).row);
  } finally {
    await cleanUp();
  }
}
await both(
  () => ({ kind: 'sqlite', path: join(dir, 'pipeline.db') }),
  async () => {
    for (const f of ['pipeline.db', 'pipeline.db-wal', 'pipeline.db-shm']) rmSync(join(dir, f), { force: true });
  },
);
rmSync(dir, { recursive: true, force: true });
const pgVariant = storeVariants.find((v) => v.kind === 'postgres');
if (process.argv.includes('--sqlite-only')) skipped.push('PostgreSQL skipped: --sqlite-only');
else if (!pgVariant || pgVariant.skipped) skipped.push(`PostgreSQL skipped: ${pgVariant?.skipped ?? 'no variant'}`);
else {
  const schema = `bench_pipeline_${process.pid}`;
  await both(
    () => ({ kind: 'postgres', connectionString: testPostgresUrl, schema }),
    async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  );
}

const note =
  'Fingerprint search time excluded: both repositories use a TenprintSearch stub returning precomputed results (lookup of the enrolled subject by template identity); template extraction done before timing (memoised extractor: the same 12 people are booked again and again). Everything else is timed: EBTS CAR building and parsing, SRE building, routing, policy evaluation, detainers, the outbox, inbox, attachments and case log. Two modes. serial: each booking is booked and its whole chain delivered before the next one (Pipeline.book in its default in-command delivery) — a latency-bound lower bound. stream: bookings arrive one after another and only commit (Pipeline delivery "background"), while the dispatcher runs in the background (start(), batches of up to 200 deliveries with chaining, as in the embedded deployment); the time runs from the first booking until every booking\'s chain is delivered (then stop() and a final drain, inside the timed span). The stream run is checked booking by booking against the serial run (same final state of every case, no message pending, no dead letter).';
console.log(`\n${note}\n`);
console.log(`${'store'.padEnd(9)} ${'mode'.padEnd(7)} ${'bookings'.padStart(8)} ${'wall s'.padStart(7)} ${'/wall s'.padStart(8)} ${'cpu s'.padStart(6)} ${'/cpu s'.padStart(7)} ${'messages'.padStart(9)} ${'matches'.padStart(8)} ${'detainers'.padStart(9)} ${'dead'.padStart(5)} ${'pending'.padStart(7)} ${'≠serial'.padStart(7)}  load avg`);
for (const r of rows)
  console.log(
    `${r.store.padEnd(9)} ${r.mode.padEnd(7)} ${String(r.bookings).padStart(8)} ${r.seconds.toFixed(2).padStart(7)} ${r.bookingsPerSecond.toFixed(0).padStart(8)} ${r.cpuSeconds.toFixed(2).padStart(6)} ${r.bookingsPerCpuSecond.toFixed(0).padStart(7)} ${String(r.messages).padStart(9)} ${String(r.immigrationSearchMatches).padStart(8)} ${String(r.detainers).padStart(9)} ${String(r.deadLetters).padStart(5)} ${String(r.pending).padStart(7)} ${(r.differFromSerial === undefined ? '-' : String(r.differFromSerial)).padStart(7)}  ${r.loadAverage.join(' / ')}`,
  );
for (const r of rows) console.log(`${r.store} ${r.mode}: bookings/s by successive 250 bookings (booking commits; in stream mode the last span includes the final drain): ${r.bookingsPerSecondBy250.join(', ')}; custody ${JSON.stringify(r.custodyStates)}; decisions ${JSON.stringify(r.decisions)}`);
for (const s of skipped) console.log(s);
const problems: string[] = [];
for (const r of rows) {
  if (r.deadLetters > 0) problems.push(`${r.store} ${r.mode}: ${r.deadLetters} dead letters`);
  if (r.pending > 0) problems.push(`${r.store} ${r.mode}: ${r.pending} messages still pending`);
  if (r.differFromSerial) problems.push(`${r.store} stream: ${r.differFromSerial} bookings end differently from the serial run`);
  const serial = rows.find((x) => x.store === r.store && x.mode === 'serial');
  if (serial && r.messages !== serial.messages) problems.push(`${r.store} ${r.mode}: ${r.messages} messages, serial ${serial.messages}`);
}
console.log(problems.length === 0 ? 'check: every stream booking ends as in the serial run; no dead letter, nothing pending, same message count' : `CHECK FAILED:\n  ${problems.join('\n  ')}`);
for (const r of rows) console.log(`target ≥ ${TARGET} bookings/s, ${r.store} ${r.mode}: wall ${r.bookingsPerSecond.toFixed(0)}/s ${r.bookingsPerSecond >= TARGET ? 'met' : 'NOT met'}; CPU ${r.bookingsPerCpuSecond.toFixed(0)}/s ${r.bookingsPerCpuSecond >= TARGET ? 'met' : 'NOT met'}`);
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', 'pipeline.json'),
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), note, fingerprintSearch: 'excluded (precomputed-result stub)', clock: 'manual (one booking a minute); wall time and process CPU time measured', warmupBookings: WARMUP, sqlite: 'file, WAL, synchronous=NORMAL', targetBookingsPerSecond: TARGET, results: rows, problems, skipped }, null, 2)}\n`,
);
if (problems.length > 0) process.exitCode = 1;
