/**
 * Crash test of the whole pipeline: a worker process (`scenario-crash-worker.ts`) plays a
 * stream of bookings — each booked, due for release two hours later, and for every third
 * person held on a detainer taken into ICE custody an hour after that, the others' holds left
 * to lapse — on one SQLite file, and is SIGKILLed and restarted until a life finishes. The kills
 * are placed by work done (commands of the stream the worker reports done), at points drawn with
 * a seeded random source across the stream (src/platform/messaging/crash/supervisor.ts), so
 * every planned kill lands mid-stream however slow the machine. Every command is one transaction, so a restarted worker finds from the
 * agencies' own tables which commands are done (a booking by its unique booking time) and goes
 * on from there. `verifyCrashRun` then checks that every booking ends in exactly one final
 * state, no message took effect twice, no detainer was duplicated and every detainer clock
 * fired (or was cancelled) exactly once. Small as a test, 10,000 in bench/pipeline-crash.bench.ts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Encounter } from '../agencies/messages.ts';
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger } from '../biometrics/synth/index.ts';
import { openStore, type Store } from '../platform/store/index.ts';
import type { RandomSource } from '../platform/messaging/index.ts';
import { planKills, runLife, superviseKills, type SuperviseReport } from '../platform/messaging/crash/supervisor.ts';

export const CRASH_ORI = 'TX1010000';
export const CRASH_T0 = Date.parse('2012-03-05T15:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Minutes between bookings. */
export const BOOKING_EVERY = 10;

/** Who is booked: IDENT encounters (null: not in IDENT) and whether the FBI holds a robbery conviction. */
export const CRASH_PEOPLE: { encounters: Encounter[] | null; robbery: boolean }[] = [
  { encounters: [{ kind: 'apprehension', date: '2004-07-01' }, { kind: 'removal', date: '2009-06-01' }, { kind: 'apprehension', date: '2010-02-01' }], robbery: true },
  { encounters: null, robbery: false },
  { encounters: [{ kind: 'visa', date: '1997-11-02' }, { kind: 'admission', date: '1998-01-15' }, { kind: 'benefit', date: '1998-01-15', benefit: 'permanent-residence-granted' }], robbery: false },
  { encounters: [{ kind: 'apprehension', date: '2007-09-09' }, { kind: 'removal', date: '2008-01-01' }], robbery: true },
  { encounters: null, robbery: false },
];

export type CrashCommand = { kind: 'book' | 'release-due' | 'assume-custody'; booking: number; at: number };

/** The whole stream, in time order. */
export function crashCommands(bookings: number): CrashCommand[] {
  const out: CrashCommand[] = [];
  for (let i = 0; i < bookings; i++) {
    const at = CRASH_T0 + i * BOOKING_EVERY * MINUTE;
    out.push({ kind: 'book', booking: i, at }, { kind: 'release-due', booking: i, at: at + 2 * HOUR });
    if (i % 3 === 0) out.push({ kind: 'assume-custody', booking: i, at: at + 3 * HOUR });
  }
  return out.sort((a, b) => a.at - b.at || a.booking - b.booking);
}

/** Synthetic prints of the people (two fingers each), written once for every life to read. */
export function writeCrashPrints(path: string): void {
  const people = CRASH_PEOPLE.map((_, k) =>
    [2, 7].map((position) => {
      const image = synthesizeFinger(`pipeline-crash:${k}`, position, 0);
      return { position, data: Buffer.from(encodeWsq(image, { bitrate: 0.75 })).toString('base64'), width: image.width, height: image.height, ppi: image.ppi };
    }),
  );
  writeFileSync(path, JSON.stringify(people));
}

export interface CrashReport extends SuperviseReport {
  /** Total work: commands in the stream (kills are placed by commands done). */
  totalWork: number;
  wallMs: number;
  /** Bookings on record after each kill: where the kills landed. */
  bookingsAtKills: number[];
  problems: string[];
  outcomes: Record<string, number>;
}

const worker = fileURLToPath(new URL('./scenario-crash-worker.ts', import.meta.url));

async function count(store: Store, query: string): Promise<number> {
  const r = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(store.db).catch(() => ({ rows: [{ n: 0 }] }));
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * Plays the stream in lives of the worker, SIGKILLing a life each time its commands done reach
 * the next of `kills` kill points drawn (from `random`, default a seeded stream from `seed`)
 * across the stream, then checks the invariants. Every planned kill happens unless a life
 * finishes first, which the report shows (killsDone < killsPlanned) and `crashVerdict` refuses.
 */
export async function runPipelineCrashTest(options: { path: string; printsPath: string; bookings: number; kills: number; random?: RandomSource; seed?: string; log?: (line: string) => void }): Promise<CrashReport> {
  const totalWork = crashCommands(options.bookings).length;
  const killPoints = planKills(options.random ?? createRng(options.seed ?? 'pipeline-crash'), options.kills, totalWork);
  const started = performance.now();
  const bookingsAtKills: number[] = [];
  const supervised = await superviseKills({
    killPoints,
    life: (killAt) => runLife([process.execPath, '--import', 'tsx', worker, options.path, options.printsPath, String(options.bookings)], killAt),
    afterKill: async () => {
      const store = await openStore({ kind: 'sqlite', path: options.path });
      bookingsAtKills.push(await count(store, 'select count(*) as n from booking_bookings'));
      await store.close();
    },
    log: options.log,
  });
  const wallMs = performance.now() - started;
  const store = await openStore({ kind: 'sqlite', path: options.path });
  try {
    return { ...supervised, totalWork, wallMs, bookingsAtKills, ...(await verifyCrashRun(store, options.bookings)) };
  } finally {
    await store.close();
  }
}

/** The invariants, from the agencies' and the platform's tables. */
export async function verifyCrashRun(store: Store, bookings: number): Promise<{ problems: string[]; outcomes: Record<string, number> }> {
  const problems: string[] = [];
  const db = store.db;
  const rows = async <T>(q: string) => (await sql<T>`${sql.raw(q)}`.execute(db)).rows;
  const expectZero = async (what: string, q: string) => {
    const n = await count(store, q);
    if (n !== 0) problems.push(`${what}: ${n}`);
  };
  const booked = await count(store, 'select count(*) as n from booking_bookings');
  const distinctTimes = await count(store, 'select count(distinct booked_at) as n from booking_bookings');
  if (booked !== bookings || distinctTimes !== bookings) problems.push(`bookings on record: ${booked} (${distinctTimes} distinct booking times), expected ${bookings}`);
  // Exactly one final state per booking: released or in ICE custody, with exactly one terminal event.
  await expectZero('bookings not in a final state', "select count(*) as n from booking_bookings where state not in ('released', 'transferred-to-ice')");
  await expectZero('bookings without exactly one terminal event', "select count(*) as n from booking_bookings b where (select count(*) from case_log_events e where e.case_id = b.case_id and e.agency = 'booking' and e.kind in ('released', 'custody-transferred')) <> 1");
  // No message took effect twice: every step that happens once per case is on the log once.
  for (const kind of ['booked', 'car-routed', 'criminal-search', 'sre-received', 'ident-search-sent', 'iaq-sent', 'iar-sent', 'detainer-issued', 'detainer-received', 'hold-started', 'hold-lapsed', 'custody-assumed', 'custody-transferred', 'released']) {
    await expectZero(`cases with "${kind}" more than once`, `select count(*) as n from (select case_id from case_log_events where kind = '${kind}' group by case_id having count(*) > 1) x`);
  }
  await expectZero('re-sent messages recognised as duplicates', "select count(*) as n from case_log_events where kind = 'duplicate-ignored'");
  await expectZero('field-office reviews beyond one per case', 'select count(*) as n from (select case_id from field_office_reviews group by case_id having count(*) > 1) x');
  // No detainer duplicated.
  await expectZero('cases with more than one detainer (field office)', 'select count(*) as n from (select case_id from field_office_detainers group by case_id having count(*) > 1) x');
  await expectZero('cases with more than one detainer (jail)', 'select count(*) as n from (select case_id from booking_detainers group by case_id having count(*) > 1) x');
  // Every detainer clock fired once or was cancelled once; none left pending; each lapse released once.
  await expectZero('timers still pending', "select count(*) as n from timers where state = 'pending'");
  const firedTimers = await count(store, "select count(*) as n from timers where state = 'fired'");
  const lapses = await count(store, "select count(*) as n from case_log_events where kind = 'hold-lapsed'");
  if (firedTimers !== lapses) problems.push(`fired detainer clocks ${firedTimers} but ${lapses} lapsed holds`);
  const cancelled = await count(store, "select count(*) as n from timers where state = 'cancelled'");
  const assumed = await count(store, "select count(*) as n from case_log_events where kind = 'custody-assumed'");
  if (cancelled !== assumed) problems.push(`cancelled detainer clocks ${cancelled} but ${assumed} custody assumptions`);
  const holds = await count(store, "select count(*) as n from case_log_events where kind = 'hold-started'");
  if (holds !== firedTimers + cancelled) problems.push(`${holds} holds started but ${firedTimers + cancelled} clocks ended`);
  // Every booking's search is over, so the state bureau released every CAR's prints: no bytes left, no hold.
  await expectZero('fingerprint attachments not erased', 'select count(*) as n from message_attachments');
  await expectZero('attachment holds left', 'select count(*) as n from message_attachment_holds');
  // Every message delivered, none dead; every delivered message handled once.
  await expectZero('outbox messages not delivered', "select count(*) as n from outbox_messages where state <> 'delivered'");
  await expectZero('messages handled more than once', 'select count(*) as n from (select handler, message_id from inbox_handled group by handler, message_id having count(*) > 1) x');
  const outcomes: Record<string, number> = {};
  for (const r of await rows<{ state: string; reason: string | null; n: number | string }>('select state, release_reason as reason, count(*) as n from booking_bookings group by state, release_reason order by state, release_reason')) outcomes[`${r.state}${r.reason ? ` (${r.reason})` : ''}`] = Number(r.n);
  return { problems, outcomes };
}
