/**
 * The embedded deployment of the agencies: one store, the outbox dispatcher, the durable
 * timers and every agency's handler, behind a small facade for scenarios and tests. Every
 * command runs in one transaction (all or nothing) and then delivers the messages it caused.
 * With a ManualClock, `advanceTo` skips time: timers fire in order and messages drain between.
 */
import type { Clock } from '../platform/clock/index.ts';
import { ManualClock } from '../platform/clock/index.ts';
import { createAttachments, createIdGenerator, createOutbox, messagingMigrations, OutboxDispatcher, type IdGenerator, type OutboxEntry, type OutgoingMessage, type RandomSource } from '../platform/messaging/index.ts';
import { loadPolicy } from '../platform/policy/load.ts';
import { assertMigrated, type AnyTransaction, type Store } from '../platform/store/index.ts';
import { createTimers, timerMigrations, TimerScheduler } from '../platform/timers/index.ts';
import type { Booking } from '../nist/ebts/messages.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { createBookingAgency, type BookingRequest } from './booking/index.ts';
import { bufferEvents, caseEvents, caseLogMigrations, dropEvents, flushEvents, type CaseEvent } from './case-log/index.ts';
import { createCriminalRecords, type CriminalSubjectInput } from './criminal-records/index.ts';
import type { AgencyDeps } from './deps.ts';
import { AgencyError } from './errors.ts';
import { createFieldOffice } from './field-office/index.ts';
import { createImmigrationRecords, type IdentityInput } from './immigration-records/index.ts';
import { createJurisdictions, jurisdictionMigrations, type JurisdictionInput, type ParticipationChange } from './jurisdictions/index.ts';
import { createLesc } from './lesc/index.ts';
import { ADDRESS, ProceedingsOutcome, type ProceedingsOutcomeKind } from './messages.ts';
import { createStateBureau } from './state-bureau/index.ts';
import { ExhaustiveTenprintSearch, TemplateExtractor, type TenprintSearch } from './tenprint/index.ts';

export interface PipelineOptions {
  /** An open store; the pipeline applies its migrations. */
  store: Store;
  clock: Clock;
  /** Randomness for ids (a seeded generator in tests). */
  random: RandomSource;
  policy?: PolicyBundle;
  /** Shared between pipelines to reuse extracted templates (tests). */
  extractor?: TemplateExtractor;
  /** The seams for the real 1:N engine; exhaustive 1:1 scans by default. */
  criminalSearch?: TenprintSearch;
  immigrationSearch?: TenprintSearch;
  /**
   * 'in-command' (default): each command delivers the messages it causes before it returns
   * (in its own transaction when they all go through, then `drain`). 'background': commands
   * only commit and wake the dispatcher, which the caller runs (`dispatcher.start()`, as the
   * embedded server does) — bookings arriving as a stream are then delivered in batches.
   */
  delivery?: 'in-command' | 'background';
}

export class Pipeline {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly dispatcher: OutboxDispatcher;
  readonly scheduler: TimerScheduler;
  readonly jurisdictions;
  readonly booking;
  readonly stateBureau;
  readonly criminalRecords;
  readonly immigrationRecords;
  readonly lesc;
  readonly fieldOffice;
  private readonly deps: AgencyDeps;
  private readonly delivery: 'in-command' | 'background';

  private constructor(options: PipelineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.delivery = options.delivery ?? 'in-command';
    this.ids = createIdGenerator(options.clock, options.random);
    const outbox = createOutbox({ kind: options.store.kind, clock: options.clock, ids: this.ids });
    const timers = createTimers({ clock: options.clock, ids: this.ids });
    this.jurisdictions = createJurisdictions({ clock: options.clock });
    this.deps = { clock: options.clock, ids: this.ids, outbox, attachments: createAttachments({ kind: options.store.kind, clock: options.clock }), timers, policy: options.policy ?? loadPolicy(), jurisdictions: this.jurisdictions, extractor: options.extractor ?? new TemplateExtractor() };
    this.booking = createBookingAgency(this.deps);
    this.stateBureau = createStateBureau(this.deps);
    this.criminalRecords = createCriminalRecords({ ...this.deps, search: options.criminalSearch ?? new ExhaustiveTenprintSearch() });
    this.immigrationRecords = createImmigrationRecords({ ...this.deps, search: options.immigrationSearch ?? new ExhaustiveTenprintSearch() });
    this.lesc = createLesc(this.deps);
    this.fieldOffice = createFieldOffice(this.deps);
    // The case log's events of a delivery transaction are written in one statement at its end.
    this.dispatcher = new OutboxDispatcher({ store: options.store, outbox, clock: options.clock, batchHooks: { begin: bufferEvents, end: flushEvents, abandon: dropEvents } });
    this.scheduler = new TimerScheduler({ store: options.store, outbox, clock: options.clock });
    this.dispatcher.subscribe(ADDRESS.booking, (m, ctx) => this.booking.handle(m, ctx.trx, ctx));
    this.dispatcher.subscribe(ADDRESS.stateBureau, (m, ctx) => this.stateBureau.handle(m, ctx.trx, ctx));
    this.dispatcher.subscribe(ADDRESS.criminalRecords, (m, ctx) => this.criminalRecords.handle(m, ctx.trx, ctx));
    this.dispatcher.subscribe(ADDRESS.immigrationRecords, (m, ctx) => this.immigrationRecords.handle(m, ctx.trx, ctx));
    this.dispatcher.subscribe(ADDRESS.lesc, (m, ctx) => this.lesc.handle(m, ctx.trx, ctx));
    this.dispatcher.subscribe(ADDRESS.fieldOffice, (m, ctx) => this.fieldOffice.handle(m, ctx.trx, ctx));
  }

  /** Migrates the store, builds the agencies and re-enrols the stored fingerprints in the searches. */
  static async open(options: PipelineOptions): Promise<Pipeline> {
    const p = new Pipeline(options);
    assertMigrated(
      await options.store.migrate([
        messagingMigrations,
        timerMigrations,
        caseLogMigrations,
        jurisdictionMigrations,
        p.booking.migrations,
        p.stateBureau.migrations,
        p.criminalRecords.migrations,
        p.immigrationRecords.migrations,
        p.lesc.migrations,
        p.fieldOffice.migrations,
      ]),
    );
    await p.criminalRecords.loadGallery(options.store.db);
    await p.immigrationRecords.loadGallery(options.store.db);
    return p;
  }

  /**
   * Runs `fn` in one transaction, delivering the messages it causes in that same transaction
   * when they all go through (dispatcher.deliverWithin, under a savepoint), then drains whatever
   * is left (a failure is retried and recorded there, the command's own writes are kept).
   * With `delivery: 'background'` it only commits and wakes the background dispatcher.
   */
  private async command<T>(at: number | undefined, fn: (trx: AnyTransaction) => Promise<T>): Promise<T> {
    if (at !== undefined && at > this.clock.now()) await this.advanceTo(at);
    const result = await this.store.transaction(async (trx) => {
      bufferEvents(trx);
      try {
        const r = await fn(trx);
        await flushEvents(trx);
        if (this.delivery === 'in-command') await this.dispatcher.deliverWithin(trx);
        return r;
      } finally {
        dropEvents(trx);
      }
    });
    if (this.delivery === 'in-command') await this.dispatcher.drain();
    else this.dispatcher.notify();
    return result;
  }

  registerJurisdiction(input: JurisdictionInput) {
    return this.command(undefined, (trx) => this.jurisdictions.register(trx, input));
  }

  changeParticipation(ori: string, change: ParticipationChange) {
    return this.command(undefined, (trx) => this.jurisdictions.changeParticipation(trx, ori, change));
  }

  addCriminalSubject(input: CriminalSubjectInput) {
    return this.command(undefined, (trx) => this.criminalRecords.addSubject(trx, input));
  }

  addImmigrationIdentity(input: IdentityInput) {
    return this.command(undefined, (trx) => this.immigrationRecords.addIdentity(trx, input));
  }

  /** Books an arrestee (at `at`, or now) and runs the chain as far as it goes; returns the case id (the existing one for a re-sent TCN). */
  async book(request: BookingRequest | Booking, options: { at?: number } = {}): Promise<string> {
    const req: BookingRequest = 'booking' in request ? request : { booking: request };
    // A re-sent submission (same ORI and TCN) answers with the case it was booked as.
    const attempt = () => this.command(options.at, (trx) => this.booking.book(trx, `CASE${this.ids()}`, req));
    try {
      return await attempt();
    } catch (error) {
      // Two copies committing at once: the loser hits the (ORI, TCN) unique index; once more, it finds the winner's case.
      if (req.tcn === undefined || error instanceof AgencyError) throw error;
      return attempt();
    }
  }

  /** The person is due for release at `at` (the clock moves there first). */
  releaseDue(caseId: string, at: number) {
    return this.command(at, (trx) => this.booking.releaseDue(trx, caseId, at));
  }

  /**
   * The jail reports when the person held on a detainer actually left — `released`, or
   * `transferred` to ICE — at `at`. The report is made at `reportedAt` (default `at`): on a
   * ManualClock the clock moves there first, firing the timers due by then (an expiry before
   * the release raises its alert first); on another clock the report is made now. Typed errors
   * (`RELEASE_*`, `NOT_HELD_ON_DETAINER`, UNKNOWN_CASE) change nothing.
   */
  reportRelease(caseId: string, at: number, kind: 'released' | 'transferred', options: { note?: string; reportedAt?: number } = {}) {
    const reportedAt = this.clock instanceof ManualClock ? (options.reportedAt ?? at) : undefined;
    return this.command(reportedAt, (trx) => this.booking.reportRelease(trx, caseId, { at, kind, ...(options.note !== undefined ? { note: options.note } : {}) }));
  }

  /** A court disposes of the case's pending charges (or only `ncicCodes`). */
  dispose(caseId: string, outcome: 'conviction' | 'dismissal', at: number, ncicCodes?: readonly string[]) {
    return this.command(at, (trx) => this.booking.dispose(trx, caseId, outcome, at, ncicCodes));
  }

  assumeCustody(caseId: string, at: number) {
    return this.command(at, (trx) => this.fieldOffice.assumeCustody(trx, caseId, at));
  }

  liftDetainer(caseId: string, reason: string, at = this.clock.now()) {
    return this.command(at, (trx) => this.fieldOffice.liftDetainer(trx, caseId, at, reason));
  }

  resolveSupervisorReview(caseId: string, resolution: { citizenship: 'verified' | 'not-verified'; basis?: 'birth' | 'naturalization' | 'derivation'; note: string }, at = this.clock.now()) {
    return this.command(at, (trx) => this.fieldOffice.resolveSupervisorReview(trx, caseId, resolution, at));
  }

  proceedingsOutcome(caseId: string, outcome: ProceedingsOutcomeKind, at: number) {
    return this.deliver(ProceedingsOutcome.create({ from: ADDRESS.immigrationCourt, to: ADDRESS.fieldOffice, correlationId: caseId, payload: { caseId, outcome, at } }), at);
  }

  /** Puts a message on the bus as if another system had sent it (adapters, tests of redelivery). */
  deliver(message: OutgoingMessage, at?: number) {
    return this.command(at, (trx) => this.deps.outbox.enqueue(trx, message));
  }

  /** Moves a ManualClock to `t`, firing each timer when due and delivering messages in between. */
  async advanceTo(t: number): Promise<void> {
    if (!(this.clock instanceof ManualClock)) throw new Error('advanceTo needs a ManualClock');
    await this.dispatcher.drain();
    await this.scheduler.advanceTo(t, () => this.dispatcher.drain());
    // Messages whose retry falls due by `t` (no timer marks that moment) go now.
    await this.dispatcher.drain();
  }

  /** Every event of the case, in order, with each decision's reasons in its details. */
  caseTimeline(caseId: string): Promise<CaseEvent[]> {
    return caseEvents(this.store.db, caseId);
  }

  /**
   * Cases booked by the jurisdictions that match the filter (an ORI, a state, a field office),
   * booked in [from, to), in booking order, one page at a time: `next` is the cursor of the
   * following page, null on the last. Each row carries its jurisdiction's time zone.
   */
  async listCases(filter: CaseListFilter = {}): Promise<CaseListPage> {
    const db = this.store.db;
    const limit = filter.limit ?? 100;
    const jurisdictions = await this.jurisdictions.list(db, { state: filter.state, aor: filter.aor });
    const byOri = new Map(jurisdictions.map((j) => [j.ori, j]));
    const matching = filter.ori === undefined ? (filter.state === undefined && filter.aor === undefined ? undefined : [...byOri.keys()]) : byOri.has(filter.ori) ? [filter.ori] : [];
    const within = filter.within === undefined ? undefined : new Set(filter.within);
    const oris = within === undefined ? matching : (matching ?? [...byOri.keys()]).filter((o) => within.has(o));
    const rows = await this.booking.listBookings(db, { oris, from: filter.from, to: filter.to, after: filter.after === undefined ? undefined : decodeCaseCursor(filter.after), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => {
        const j = byOri.get(r.ori);
        return { caseId: r.caseId, tcn: r.tcn, ori: r.ori, state: j?.state ?? null, county: j?.county ?? null, aor: j?.aor ?? null, timeZone: j?.timeZone ?? 'UTC', bookedAt: r.bookedAt, custody: r.state, releasedAt: r.releasedAt, name: personName(r.person) };
      }),
      next: rows.length > limit && last ? encodeCaseCursor(last.bookedAt, last.caseId) : null,
    };
  }

  /** A case as `seccom case show --json` and `GET /cases/{id}` report it: its jail, zone, timeline and final state. */
  async caseReport(caseId: string) {
    const jail = await this.booking.bookingOf(this.store.db, caseId);
    const jurisdiction = await this.jurisdictions.jurisdictionOf(this.store.db, jail.ori);
    return { caseId, ori: jail.ori, timeZone: jurisdiction.timeZone, timeline: await this.caseTimeline(caseId), finalState: await this.finalState(caseId) };
  }

  /** Where the case ended up, as each agency records it. */
  async finalState(caseId: string) {
    const db = this.store.db;
    const jail = await this.booking.bookingOf(db, caseId);
    const fo = await this.fieldOffice.caseOf(db, caseId);
    const lastReview = fo?.reviews.at(-1) ?? null;
    return {
      caseId,
      custody: jail.state,
      releasedAt: jail.releasedAt,
      releaseReason: jail.releaseReason,
      fbiNumber: jail.fbiNumber,
      immigrationSearch: await this.stateBureau.immigrationSearchOf(db, caseId),
      iar: await this.lesc.queryOf(db, caseId),
      jailReceivedIdr: jail.idrResult,
      jailReceivedIar: jail.iarReceived,
      fieldOfficeReceivedIar: fo !== null,
      decision: lastReview,
      reviews: fo?.reviews ?? [],
      detainer: fo?.detainers.at(-1) ?? null,
      jailDetainer: jail.detainers.at(-1) ?? null,
      supervisorReview: fo?.supervisorReview ?? null,
      fieldOfficeState: fo?.state ?? null,
      outcome: fo?.outcome ?? null,
      charges: jail.charges,
    };
  }

  /** The field office's decision on the case under another policy version (as of `asOf`, default the last review's date); read-only. */
  decisionUnder(caseId: string, versionId: string, asOf?: string) {
    return this.fieldOffice.decisionUnder(this.store.db, caseId, versionId, asOf);
  }

  deadLetters(): Promise<OutboxEntry[]> {
    return this.dispatcher.deadLetters();
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export interface CaseListFilter {
  ori?: string;
  state?: string;
  aor?: string;
  /** Booked at or after (epoch ms). */
  from?: number;
  /** Booked before (epoch ms). */
  to?: number;
  /** The `next` cursor of the previous page. */
  after?: string;
  /** Rows per page (default 100). */
  limit?: number;
  /** Only these ORIs, whatever the other filters say: the caller's authorized scope (the HTTP API's grants). */
  within?: readonly string[];
}

export interface CaseListItem {
  caseId: string;
  ori: string;
  tcn: string;
  /** The arrestee's name as booked (NAM, "LAST,FIRST"). */
  name: string | null;
  bookedAt: number;
  releasedAt: number | null;
  /** The jail's custody state. */
  custody: string;
  state: string | null;
  county: string | null;
  aor: string | null;
  timeZone: string;
}

export interface CaseListPage {
  items: CaseListItem[];
  next: string | null;
}

const personName = (person: string): string | null => {
  try {
    const parsed = JSON.parse(person) as { name?: unknown };
    return typeof parsed.name === 'string' ? parsed.name : null;
  } catch {
    return null;
  }
};

/** An opaque page cursor: the booking time and case id of the last row seen. */
export function encodeCaseCursor(bookedAt: number, caseId: string): string {
  return Buffer.from(`${bookedAt}:${caseId}`, 'utf8').toString('base64url');
}

export function decodeCaseCursor(cursor: string): { bookedAt: number; caseId: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^(-?\d{1,16}):(CASE[0-9A-Z]{1,60})$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw new AgencyError('INVALID_CURSOR', `not a case-list cursor: "${cursor.slice(0, 80)}"`);
  return { bookedAt: Number(m[1]), caseId: m[2] };
}
