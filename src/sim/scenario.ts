/**
 * Scenario files: a whole small world in one JSON document — jurisdictions with their
 * participation history, the people already in the FBI and IDENT repositories, and dated
 * events (bookings, releases, court dispositions, ICE custody, outcomes) — and the runner that
 * drives the embedded Pipeline through them on a ManualClock. The format is documented in
 * scenarios/README.md; `scenarioSchema` below is its definition.
 *
 * A bad file is refused whole: `loadScenario` throws a ScenarioError listing every problem
 * with its JSON path, before anything is written to a store.
 */
import { existsSync } from 'node:fs';
import { readFileBounded, readTextBounded } from '../platform/files/index.ts';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AgencyError, type AgencyErrorCode } from '../agencies/errors.ts';
import { PARTICIPATION_MODES } from '../agencies/jurisdictions/index.ts';
import { circumstances, encounter, PROCEEDINGS_OUTCOMES, rapSheetConviction } from '../agencies/messages.ts';
import { Pipeline } from '../agencies/pipeline.ts';
import type { CaseEvent } from '../agencies/case-log/index.ts';
import { TemplateExtractor, type TenprintSearch } from '../agencies/tenprint/index.ts';
import { decodeImage } from '../biometrics/image/decode.ts';
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { createRng, synthesizeFinger } from '../biometrics/synth/index.ts';
import type { Booking, FingerprintImage } from '../nist/ebts/messages.ts';
import { ManualClock, systemClock, type Clock } from '../platform/clock/index.ts';
import type { RandomSource } from '../platform/messaging/index.ts';
import { assertMigrated, tablesOf, transactionScopedStore, type Store } from '../platform/store/index.ts';
import { assertSameJurisdiction, countRuns, recordRun, refuseReplay, scenarioContentHash, scenarioRunMigrations } from './scenario-runs.ts';
import type { BookingTables } from '../agencies/booking/index.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { parseCalendarDate, parseInstant } from '../policy/dates.ts';

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The format

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
/** An instant with its zone: `2012-03-12T17:00:00-05:00` or `…Z`. */
const instant = z.string().refine((s) => parseInstant(s) !== null, { message: 'an instant in ISO 8601 with a zone offset, e.g. 2012-03-12T17:00:00-05:00' });
const calendarDate = z.string().refine((s) => parseCalendarDate(s) !== null, { message: 'a real calendar date YYYY-MM-DD' });
const position = z.number().int().min(1).max(10);

const syntheticPrints = z
  .object({
    kind: z.literal('synthetic'),
    /** Seed of the synthetic person (defaults to the person's key): same seed, same fingers. */
    seed: z.string().min(1).optional(),
    /** Finger positions (1 right thumb … 10 left little); 2–4 keep a scenario fast. */
    fingers: z.array(position).min(1).max(10).default([2, 7]),
  })
  .strict();
const imagePrints = z
  .object({
    kind: z.literal('images'),
    /** Rolled impressions taken at the booking; paths are relative to the scenario file. */
    booking: z.array(z.object({ position, path: z.string().min(1), ppi: z.number().positive().optional() }).strict()).min(1),
    /** Impressions enrolled in the repositories (defaults to the booking ones). */
    records: z.array(z.object({ position, path: z.string().min(1), ppi: z.number().positive().optional() }).strict()).min(1).optional(),
  })
  .strict();
const fingerprints = z.discriminatedUnion('kind', [syntheticPrints, imagePrints]).superRefine((p, ctx) => {
  if (p.kind === 'synthetic' && new Set(p.fingers).size !== p.fingers.length) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'each finger position once', path: ['fingers'] });
});

const person = z
  .object({
    /** "SURNAME,GIVEN". */
    name: z.string().regex(/^[A-Z' -]+,[A-Z' -]+$/, 'a name "SURNAME,GIVEN" in capitals'),
    dateOfBirth: calendarDate,
    sex: z.enum(['M', 'F', 'X']).default('M'),
    race: z.enum(['A', 'B', 'I', 'U', 'W']).default('U'),
    /** NCIC place-of-birth code. */
    placeOfBirth: z.string().min(2).max(2).default('XX'),
    /** Claimed citizenship (NCIC country code); null or absent when none is claimed. */
    citizenship: z.string().min(2).max(2).nullable().optional(),
    height: z.string().regex(/^\d{3}$/).default('000'),
    weightLb: z.number().int().min(0).max(999).default(0),
    eyeColor: z.string().min(3).max(3).default('XXX'),
    hairColor: z.string().min(3).max(3).default('XXX'),
    fingerprints: fingerprints.optional(),
    /** Already in the FBI's criminal repository, with these convictions on the rap sheet. */
    criminalRecord: z.object({ convictions: z.array(rapSheetConviction).default([]) }).strict().optional(),
    /** Already in DHS IDENT, with these encounters. */
    immigrationRecord: z.object({ encounters: z.array(encounter).min(1) }).strict().optional(),
  })
  .strict();

const participation = z
  .object({
    mode: z.enum(PARTICIPATION_MODES),
    effective: instant,
    /** When DHS gave the notices (defaults to 30 days before `effective`). */
    noticeGiven: instant.optional(),
    noticeToState: z.string().min(1).optional(),
    noticeToJurisdiction: z.string().min(1).optional(),
    /** declines-detainers: NCIC codes (4 digits) or blocks (2 digits) the jail still honours. */
    seriousOffenses: z.array(z.string().regex(/^\d{2}(\d{2})?$/, 'an NCIC code (4 digits) or block (2 digits)')).optional(),
  })
  .strict();

export const jurisdictionSchema = z
  .object({
    ori: z.string().regex(/^[A-Z0-9]{9}$/, 'ORI must be 9 uppercase letters or digits'),
    name: z.string().min(1),
    state: z.string().regex(/^[A-Z]{2}$/, 'a two-letter state code'),
    county: z.string().min(1),
    timeZone: z.string().min(1),
    /** ICE area of responsibility (field office), e.g. HOU. */
    aor: z.string().min(1),
    /** Shorthand for a first participation change to `activated` at this instant. */
    activated: instant.optional(),
    /**
     * Default true: the jail releases the person the moment a detainer hold lapses. false: the
     * person stays held past the limit (an `over-limit-alert` is raised at the limit) until a
     * `release` event reports when the person left.
     */
    releasesAtLapse: z.boolean().optional(),
    participation: z.array(participation).default([]),
  })
  .strict();

const charge = z
  .object({
    ncicCode: z.string().regex(/^\d{4}$/, 'a 4-digit NCIC offense code'),
    literal: z.string().min(1).optional(),
    severity: z.enum(['felony', 'misdemeanor']).optional(),
    maxSentenceMonths: z.number().min(0).nullable().optional(),
    tags: z.array(z.string().min(1)).optional(),
  })
  .strict();

const caseRef = { booking: z.string().min(1), at: instant };
const event = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('booking'),
      /** The scenario's name for this booking (case events and `expect` refer to it). */
      id: z.string().min(1),
      at: instant,
      person: z.string().min(1),
      ori: z.string().min(1),
      /** Defaults to the date written in `at`. */
      dateOfArrest: calendarDate.optional(),
      charges: z.array(charge).min(1),
      circumstances: circumstances.partial().optional(),
      caseNumber: z.string().optional(),
      /** The jail's TCN (1.009); a booking with the ORI and TCN of an earlier one is that submission re-sent (same case, or DUPLICATE_TCN_CONFLICT). */
      tcn: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('release-due'), ...caseRef }).strict(),
  /** The jail reports that the person held on a detainer left at `at`: released (default) or handed over to ICE. */
  z.object({ type: z.literal('release'), ...caseRef, kind: z.enum(['released', 'transferred']).default('released'), note: z.string().min(1).optional() }).strict(),
  z.object({ type: z.literal('conviction'), ...caseRef, ncicCodes: z.array(z.string()).min(1).optional() }).strict(),
  z.object({ type: z.literal('dismissal'), ...caseRef, ncicCodes: z.array(z.string()).min(1).optional() }).strict(),
  z.object({ type: z.literal('assume-custody'), ...caseRef }).strict(),
  z.object({ type: z.literal('lift-detainer'), ...caseRef, reason: z.string().min(1) }).strict(),
  z.object({ type: z.literal('supervisor-review'), ...caseRef, citizenship: z.enum(['verified', 'not-verified']), basis: z.enum(['birth', 'naturalization', 'derivation']).optional(), note: z.string().min(1) }).strict(),
  z.object({ type: z.literal('proceedings-outcome'), ...caseRef, outcome: z.enum(PROCEEDINGS_OUTCOMES) }).strict(),
  /** Only moves the clock (timers due by then fire). */
  z.object({ type: z.literal('advance'), at: instant }).strict(),
]);

/** What a booking must end as: a subset of its final state, plus event kinds on its timeline. */
/** The top-level fields of a final state (`Pipeline.finalState`); an expectation may name only these. */
const FINAL_STATE_KEYS = ['caseId', 'custody', 'releasedAt', 'releaseReason', 'fbiNumber', 'immigrationSearch', 'iar', 'jailReceivedIdr', 'jailReceivedIar', 'fieldOfficeReceivedIar', 'decision', 'reviews', 'detainer', 'jailDetainer', 'supervisorReview', 'fieldOfficeState', 'outcome', 'charges'] as const;
const expectation = z
  .object({
    timelineIncludes: z.array(z.string()).optional(),
    timelineExcludes: z.array(z.string()).optional(),
    ...Object.fromEntries(FINAL_STATE_KEYS.map((k) => [k, z.unknown()])),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Seed of the ids' randomness (defaults to the name). */
    seed: z.string().optional(),
    /** Where the clock starts (defaults to the earliest event); records are added then. */
    start: instant.optional(),
    /** The clock runs to here at the end so pending timers fire (defaults to 14 days after the last event). */
    end: instant.optional(),
    jurisdictions: z.array(jurisdictionSchema).min(1),
    people: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a person key: letters, digits, - or _'), person),
    events: z.array(event),
    expect: z.record(expectation).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
    const oris = new Set<string>();
    s.jurisdictions.forEach((j, i) => {
      if (oris.has(j.ori)) problem(['jurisdictions', i, 'ori'], `ORI ${j.ori} is listed twice`);
      oris.add(j.ori);
      j.participation.forEach((p, k) => {
        if (p.noticeGiven && Date.parse(p.noticeGiven) > Date.parse(p.effective)) problem(['jurisdictions', i, 'participation', k, 'noticeGiven'], 'notices must be given on or before the effective date');
      });
    });
    const bookedAt = new Map<string, number>();
    const start = s.start ? Date.parse(s.start) : -Infinity;
    s.events.forEach((e, i) => {
      if (Date.parse(e.at) < start) problem(['events', i, 'at'], `before the scenario's start ${s.start}`);
      if (e.type === 'booking') {
        if (bookedAt.has(e.id)) problem(['events', i, 'id'], `booking id "${e.id}" is used twice`);
        bookedAt.set(e.id, Date.parse(e.at));
        if (!(e.person in s.people)) problem(['events', i, 'person'], `no person "${e.person}" in people`);
        if (!oris.has(e.ori)) problem(['events', i, 'ori'], `no jurisdiction with ORI ${e.ori}`);
      }
    });
    s.events.forEach((e, i) => {
      if (e.type === 'booking' || e.type === 'advance') return;
      const booked = bookedAt.get(e.booking);
      if (booked === undefined) problem(['events', i, 'booking'], `no booking "${e.booking}" in events`);
      else if (Date.parse(e.at) < booked) problem(['events', i, 'at'], `before booking "${e.booking}" (${new Date(booked).toISOString()})`);
    });
    for (const key of Object.keys(s.expect)) if (!bookedAt.has(key)) problem(['expect', key], `no booking "${key}" in events`);
    if (s.end && s.events.some((e) => Date.parse(e.at) > Date.parse(s.end!))) problem(['end'], 'before the last event');
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];

export interface ScenarioProblem {
  /** JSON path of the offending value, e.g. `events[3].charges[0].ncicCode`. */
  path: string;
  message: string;
}

/** A scenario file that cannot be run; nothing was run. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  constructor(
    readonly source: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

const jsonPath = (path: readonly (string | number)[]) => path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `${out}${out ? '.' : ''}${part}` : `${out}[${JSON.stringify(part)}]`), '') || '(root)';

/** A person's prints: `records` enrolled in the repositories, `booking` taken at the jail. */
export interface PersonPrints {
  records: FingerprintImage[];
  booking: FingerprintImage[];
}

/** A scenario ready to run: validated, real images loaded (synthetic ones are made when first needed). */
export interface LoadedScenario {
  scenario: Scenario;
  /** The file it came from (paths of real images are relative to its folder). */
  source: string;
  printsOf(person: string): PersonPrints;
}

/** Validates a parsed document; `baseDir` resolves image paths. Throws ScenarioError. */
export function parseScenario(document: unknown, source = '(scenario)', baseDir = process.cwd()): LoadedScenario {
  const parsed = scenarioSchema.safeParse(document);
  // An unknown key is reported at its own path (`expect.b1.custdy`), not its parent's.
  if (!parsed.success) throw new ScenarioError(source, parsed.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: jsonPath([...i.path, k]), message: 'unknown key' })) : [{ path: jsonPath(i.path), message: i.message }])));
  const scenario = parsed.data;
  const problems: ScenarioProblem[] = [];
  const real = new Map<string, PersonPrints>();
  for (const [key, p] of Object.entries(scenario.people)) {
    const spec = p.fingerprints;
    if (spec?.kind !== 'images') continue;
    const load = (list: typeof spec.booking, field: string) =>
      list.flatMap((img, i) => {
        const path = resolve(baseDir, img.path);
        const at = jsonPath(['people', key, 'fingerprints', field, i, 'path']);
        if (!existsSync(path)) {
          problems.push({ path: at, message: `no such file: ${path}` });
          return [];
        }
        try {
          const gray = decodeImage(readFileBounded(path, 'image', 'fingerprint image'), img.ppi === undefined ? {} : { ppi: img.ppi });
          return [{ position: img.position, data: gray.pixels, width: gray.width, height: gray.height, ppi: gray.ppi, compression: 'NONE' as const }];
        } catch (error) {
          problems.push({ path: at, message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` });
          return [];
        }
      });
    const booking = load(spec.booking, 'booking');
    real.set(key, { booking, records: spec.records ? load(spec.records, 'records') : booking });
  }
  if (problems.length > 0) throw new ScenarioError(source, problems);
  return {
    scenario,
    source,
    printsOf(key) {
      const found = real.get(key);
      if (found) return found;
      const spec = scenario.people[key]?.fingerprints;
      const seed = spec?.kind === 'synthetic' && spec.seed ? spec.seed : key;
      const fingers = spec?.kind === 'synthetic' ? spec.fingers : [2, 7];
      return { records: fingers.map((f) => syntheticImage(seed, f, 0)), booking: fingers.map((f) => syntheticImage(seed, f, 1)) };
    },
  };
}

/** Reads and validates a scenario file. Throws ScenarioError (also for unreadable or non-JSON files). */
export function loadScenario(file: string): LoadedScenario {
  let text: string;
  try {
    text = readTextBounded(file, 'scenario', 'scenario file');
  } catch (error) {
    throw new ScenarioError(file, [{ path: '(file)', message: error instanceof Error ? error.message : `cannot read ${file}` }]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, [{ path: '(file)', message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  return parseScenario(document, file, dirname(resolve(file)));
}

/** Synthetic impressions, memoised for the process (synthesis costs most of a scenario's time). */
const syntheticMemo = new Map<string, FingerprintImage>();
function syntheticImage(seed: string, position: number, impression: number): FingerprintImage {
  const key = `${seed}\u0000${position}\u0000${impression}`;
  let image = syntheticMemo.get(key);
  if (!image) {
    const gray = synthesizeFinger(`scenario:${seed}`, position, impression);
    image = { position, data: encodeWsq(gray, { bitrate: 0.75 }), width: gray.width, height: gray.height, ppi: gray.ppi, compression: 'WSQ20' };
    syntheticMemo.set(key, image);
  }
  return image;
}

// ---------------------------------------------------------------------------------------------
// The runner

export type FinalState = Awaited<ReturnType<Pipeline['finalState']>>;

export interface CaseResult {
  /** The scenario's booking id. */
  booking: string;
  person: string;
  ori: string;
  caseId: string;
  timeline: CaseEvent[];
  finalState: FinalState;
}

export interface EventFailure {
  /** Index in the scenario's `events`. */
  event: number;
  type: string;
  at: string;
  /** The agency's error code, or `SKIPPED` when the booking it refers to failed. */
  code: AgencyErrorCode | 'SKIPPED';
  message: string;
}

export interface ExpectationResult {
  booking: string;
  /** Dotted path inside the final state, or `timelineIncludes` / `timelineExcludes`. */
  path: string;
  expected: unknown;
  actual: unknown;
  ok: boolean;
}

export interface ScenarioResult {
  name: string;
  description: string | undefined;
  store: string;
  startedAt: number;
  endedAt: number;
  cases: CaseResult[];
  failures: EventFailure[];
  expectations: ExpectationResult[];
  /** Every expectation held and no event failed. */
  passed: boolean;
  deadLetters: number;
  /**
   * Whether the run's writes were committed. A run is one store transaction: when an event was
   * refused (see `failures`) or anything threw, all of it is rolled back and the store is as it
   * was; when the expectations alone do not hold, the run is kept (it is what the file says).
   */
  kept: boolean;
}

export interface RunScenarioOptions {
  /** An open store (fresh or not); the pipeline migrates it. The caller closes it. */
  store: Store;
  policy?: PolicyBundle;
  extractor?: TemplateExtractor;
  criminalSearch?: TenprintSearch;
  immigrationSearch?: TenprintSearch;
  /** Called after each event (progress). */
  onEvent?: (done: number, total: number) => void;
  /** Play it even though this scenario (same name or content) was already played into the store. */
  append?: boolean;
  /** The wall clock that stamps the run's record in the store (default: the system clock). */
  wallClock?: Clock;
}

/** Events in time order (file order among equal times). */
export function eventsInOrder(scenario: Scenario): { index: number; event: ScenarioEvent; at: number }[] {
  return scenario.events.map((event, index) => ({ index, event, at: Date.parse(event.at) })).sort((a, b) => a.at - b.at || a.index - b.index);
}

const ebtsDate = (isoDate: string) => isoDate.replaceAll('-', '');

/** Carries the result of a run that must not be kept out of the store transaction it rolls back. */
class RolledBack extends Error {
  constructor(readonly result: ScenarioResult) {
    super('scenario run rolled back');
  }
}

/**
 * Runs a scenario (a file path, a parsed document or a loaded scenario) on `store` with a
 * ManualClock: registers the jurisdictions and their participation changes, enrols the people
 * in the repositories, plays the events in time order, runs the clock to `end`, and returns
 * every booking's timeline and final state. An event the agencies refuse is reported in
 * `failures` (and the events of a booking that failed are skipped); the run goes on.
 *
 * All or nothing: the whole run — migrations, registrations, enrolments, every event, the
 * record of the run — is one transaction of `store`. The Pipeline, its dispatcher and timers
 * each open "their own" transactions, so they get a transaction-scoped store
 * (platform/store/scoped.ts) whose transactions are savepoints of the outer one. If an event
 * is refused or anything throws, the outer transaction is rolled back: the store is exactly as
 * it was, and the fixed file can be played into it again. A scenario already played into the
 * store (same name or same content) is refused with SCENARIO_ALREADY_PLAYED unless `append`;
 * an ORI the store holds with another participation history with PARTICIPATION_CONFLICT.
 */
export async function runScenario(input: string | LoadedScenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  const loaded = typeof input === 'string' ? loadScenario(input) : input;
  const wallClock = options.wallClock ?? systemClock;
  const contentHash = scenarioContentHash(loaded.scenario);
  try {
    return await options.store.transaction(async (trx) => {
      const store = transactionScopedStore(trx, options.store.kind, wallClock);
      assertMigrated(await store.migrate([scenarioRunMigrations]));
      const appended = await refuseReplay(store.db, loaded.scenario.name, contentHash, options.append ?? false);
      const result = await playScenario(loaded, store, options, await countRuns(store.db));
      if (result.failures.length > 0) throw new RolledBack({ ...result, kept: false });
      await recordRun(store.db, { name: loaded.scenario.name, contentHash, playedAt: wallClock.now(), appended, cases: new Set(result.cases.map((c) => c.caseId)).size });
      return result;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
}

/** `earlierRuns`: how many runs the store already records (of any scenario), for fresh ids. */
async function playScenario(loaded: LoadedScenario, store: Store, options: RunScenarioOptions, earlierRuns: number): Promise<ScenarioResult> {
  const { scenario } = loaded;
  const ordered = eventsInOrder(scenario);
  const firstAt = ordered[0]?.at ?? 0;
  const startedAt = scenario.start ? Date.parse(scenario.start) : firstAt;
  const lastAt = ordered.at(-1)?.at ?? startedAt;
  const endedAt = scenario.end ? Date.parse(scenario.end) : lastAt + 14 * DAY;
  const clock = new ManualClock(startedAt);
  // Ids come from the scenario's seed and the number of cases already in the store, so a fresh
  // store gives the same ids every run and a second run into the same store does not collide.
  let rng: RandomSource | undefined;
  const random: RandomSource = { nextUint32: () => (rng ??= createRng(`scenario:${scenario.seed ?? scenario.name}`)).nextUint32() };
  const pipeline = await Pipeline.open({
    store,
    clock,
    random,
    extractor: options.extractor ?? new TemplateExtractor(),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.criminalSearch ? { criminalSearch: options.criminalSearch } : {}),
    ...(options.immigrationSearch ? { immigrationSearch: options.immigrationSearch } : {}),
  });

  const before = await tablesOf<BookingTables>(store.db).selectFrom('booking_bookings').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  if (Number(before.n) > 0) rng = createRng(`scenario:${scenario.seed ?? scenario.name}:after:${Number(before.n)}`);
  // A store that holds earlier runs but no booking (they only enrolled people) must not replay their ids either.
  else if (earlierRuns > 0) rng = createRng(`scenario:${scenario.seed ?? scenario.name}:after-runs:${earlierRuns}`);
  await registerJurisdictions(pipeline, scenario.jurisdictions);
  for (const [key, p] of Object.entries(scenario.people)) {
    if (!p.criminalRecord && !p.immigrationRecord) continue;
    const records = loaded.printsOf(key).records;
    if (p.criminalRecord) await pipeline.addCriminalSubject({ name: p.name, dateOfBirth: ebtsDate(p.dateOfBirth), fingerprints: records, convictions: p.criminalRecord.convictions });
    if (p.immigrationRecord) await pipeline.addImmigrationIdentity({ name: p.name, fingerprints: records, encounters: p.immigrationRecord.encounters });
  }

  const caseIds = new Map<string, string>();
  const bookings: { id: string; person: string; ori: string }[] = [];
  const failures: EventFailure[] = [];
  let done = 0;
  for (const { index, event: e, at } of ordered) {
    try {
      if (e.type === 'advance') await pipeline.advanceTo(at);
      else if (e.type === 'booking') {
        const p = scenario.people[e.person];
        const booking: Booking = {
          arrestingAgencyOri: e.ori,
          dateOfArrest: ebtsDate(e.dateOfArrest ?? e.at.slice(0, 10)),
          name: p.name,
          dateOfBirth: ebtsDate(p.dateOfBirth),
          sex: p.sex,
          race: p.race,
          placeOfBirth: p.placeOfBirth,
          citizenship: p.citizenship ?? undefined,
          height: p.height,
          weightLb: p.weightLb,
          eyeColor: p.eyeColor,
          hairColor: p.hairColor,
          charges: e.charges.map((c) => ({ ncicCode: c.ncicCode, literal: c.literal ?? `NCIC ${c.ncicCode}` })),
          fingerprints: loaded.printsOf(e.person).booking,
          caseNumber: e.caseNumber,
        };
        const charges = e.charges.map((c) => ({ ncicCode: c.ncicCode, ...(c.severity ? { severity: c.severity } : {}), ...(c.maxSentenceMonths !== undefined ? { maxSentenceMonths: c.maxSentenceMonths } : {}), ...(c.tags ? { tags: c.tags } : {}) }));
        const caseId = await pipeline.book({ booking, charges, ...(e.circumstances ? { circumstances: e.circumstances } : {}), ...(e.tcn !== undefined ? { tcn: e.tcn } : {}) }, { at });
        caseIds.set(e.id, caseId);
        bookings.push({ id: e.id, person: e.person, ori: e.ori });
      } else {
        const caseId = caseIds.get(e.booking);
        if (caseId === undefined) {
          failures.push({ event: index, type: e.type, at: e.at, code: 'SKIPPED', message: `booking "${e.booking}" did not happen` });
          continue;
        }
        switch (e.type) {
          case 'release-due':
            await pipeline.releaseDue(caseId, at);
            break;
          case 'release':
            await pipeline.reportRelease(caseId, at, e.kind, e.note === undefined ? {} : { note: e.note });
            break;
          case 'conviction':
          case 'dismissal':
            await pipeline.dispose(caseId, e.type, at, e.ncicCodes);
            break;
          case 'assume-custody':
            await pipeline.assumeCustody(caseId, at);
            break;
          case 'lift-detainer':
            await pipeline.liftDetainer(caseId, e.reason, at);
            break;
          case 'supervisor-review':
            await pipeline.resolveSupervisorReview(caseId, { citizenship: e.citizenship, ...(e.basis ? { basis: e.basis } : {}), note: e.note }, at);
            break;
          case 'proceedings-outcome':
            await pipeline.proceedingsOutcome(caseId, e.outcome, at);
            break;
        }
      }
    } catch (error) {
      if (!(error instanceof AgencyError)) throw error;
      failures.push({ event: index, type: e.type, at: e.at, code: error.code, message: error.message });
    }
    options.onEvent?.(++done, ordered.length);
  }
  if (endedAt > clock.now()) await pipeline.advanceTo(endedAt);

  const cases: CaseResult[] = [];
  for (const b of bookings) {
    const caseId = caseIds.get(b.id)!;
    cases.push({ booking: b.id, person: b.person, ori: b.ori, caseId, timeline: await pipeline.caseTimeline(caseId), finalState: await pipeline.finalState(caseId) });
  }
  const expectations = checkExpectations(scenario, cases);
  const deadLetters = (await pipeline.deadLetters()).length;
  return {
    name: scenario.name,
    description: scenario.description,
    store: store.kind,
    startedAt,
    endedAt,
    cases,
    failures,
    expectations,
    passed: failures.length === 0 && expectations.every((x) => x.ok),
    deadLetters,
    kept: true,
  };
}

export type JurisdictionSpec = z.output<typeof jurisdictionSchema>;

/**
 * Registers each jurisdiction not yet in the registry, with its participation changes (notices
 * default to 30 days before each change). Returns the ORIs it registered.
 */
export async function registerJurisdictions(pipeline: Pipeline, jurisdictions: readonly JurisdictionSpec[]): Promise<string[]> {
  const registered: string[] = [];
  for (const j of jurisdictions) {
    const known = await pipeline.jurisdictions.jurisdictionOf(pipeline.store.db, j.ori).then(
      () => true,
      (error: unknown) => {
        if (error instanceof AgencyError && error.code === 'UNKNOWN_ORI') return false;
        throw error;
      },
    );
    // The same ORI again must be the same jurisdiction with the same history (else refused).
    if (known) assertSameJurisdiction(j, await pipeline.jurisdictions.jurisdictionOf(pipeline.store.db, j.ori), await pipeline.jurisdictions.history(pipeline.store.db, j.ori));
    if (known) continue;
    await pipeline.registerJurisdiction({ ori: j.ori, name: j.name, state: j.state, county: j.county, timeZone: j.timeZone, aor: j.aor, ...(j.releasesAtLapse !== undefined ? { releasesAtLapse: j.releasesAtLapse } : {}) });
    registered.push(j.ori);
    const changes = [...(j.activated ? [{ mode: 'activated' as const, effective: j.activated }] : []), ...j.participation];
    for (const c of changes) {
      const effectiveAt = Date.parse(c.effective);
      const given = 'noticeGiven' in c && c.noticeGiven ? Date.parse(c.noticeGiven) : effectiveAt - 30 * DAY;
      await pipeline.changeParticipation(j.ori, {
        mode: c.mode,
        effectiveAt,
        noticeToState: { givenAt: given, text: ('noticeToState' in c && c.noticeToState) || `DHS to the ${j.state} state identification bureau: ${j.ori} (${j.name}) becomes ${c.mode} on ${c.effective}.` },
        noticeToJurisdiction: { givenAt: given, text: ('noticeToJurisdiction' in c && c.noticeToJurisdiction) || `DHS to ${j.name}: your jurisdiction becomes ${c.mode} on ${c.effective}.` },
        ...('seriousOffenses' in c && c.seriousOffenses ? { seriousOffenses: c.seriousOffenses } : {}),
      });
    }
  }
  return registered;
}

/** Compares each booking's final state with the scenario's `expect` (subset match, arrays by element). */
export function checkExpectations(scenario: Scenario, cases: readonly CaseResult[]): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  for (const [bookingId, exp] of Object.entries(scenario.expect)) {
    const c = cases.find((x) => x.booking === bookingId);
    const { timelineIncludes, timelineExcludes, ...state } = exp;
    const kinds = c ? c.timeline.map((e) => e.kind) : [];
    if (timelineIncludes) out.push({ booking: bookingId, path: 'timelineIncludes', expected: timelineIncludes, actual: timelineIncludes.filter((k) => !kinds.includes(k)), ok: c !== undefined && timelineIncludes.every((k) => kinds.includes(k)) });
    if (timelineExcludes) out.push({ booking: bookingId, path: 'timelineExcludes', expected: timelineExcludes, actual: timelineExcludes.filter((k) => kinds.includes(k)), ok: c !== undefined && timelineExcludes.every((k) => !kinds.includes(k)) });
    for (const [path, expected, actual] of leaves(state, c?.finalState ?? {}, [])) out.push({ booking: bookingId, path: path.join('.'), expected, actual, ok: c !== undefined && sameValue(expected, actual) });
  }
  return out;
}

/** Each leaf of `expected` with the value at the same place in `actual`. */
function leaves(expected: unknown, actual: unknown, path: (string | number)[]): [path: (string | number)[], expected: unknown, actual: unknown][] {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const a = actual !== null && typeof actual === 'object' ? (actual as Record<string, unknown>) : {};
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => leaves(v, actual === null || actual === undefined ? actual : a[k], [...path, k]));
  }
  return [[path, expected, actual]];
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => leaves(e, actual[i], []).every(([, x, y]) => sameValue(x, y)));
  // An instant given as text in an expectation compares with the epoch milliseconds of the state.
  if (typeof expected === 'string' && typeof actual === 'number' && INSTANT.test(expected)) return Date.parse(expected) === actual;
  return Object.is(expected, actual);
}
