/**
 * The jail (local law enforcement agency): books the arrestee and sends the CAR through its
 * state bureau; receives the SRE, IDR, IAR and detainers; holds the person on a detainer for
 * no longer than the clock allows, serving a copy with the hotline number; records releases
 * and custody transfers; records court dispositions and passes them on.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { holdExpiresAt } from '../../policy/detainer-clock.ts';
import { detainerClockOptions, findOffense, levelOfCode, versionById, versionInForce } from '../../policy/index.ts';
import { NistError } from '../../nist/errors.ts';
import { buildCarBytes, type Booking } from '../../nist/ebts/messages.ts';
import { recordEvent } from '../case-log/index.ts';
import { commandSend, isoOfEbtsDate, localDate, type AgencyDeps, type Send } from '../deps.ts';
import { AgencyError } from '../errors.ts';
import { routingFor } from '../jurisdictions/index.ts';
import {
  ADDRESS,
  Car,
  chargeFacts,
  circumstances as circumstancesSchema,
  CustodyTransfer,
  Detainer,
  DetainerDeclined,
  DetainerLift,
  Disposition,
  Errt,
  HoldExpired,
  Iar,
  Idr,
  ReleaseNotice,
  Sre,
  type ChargeFacts,
  type Circumstances,
  type ReleaseReason,
} from '../messages.ts';

export type CustodyState = 'in-custody' | 'held-on-detainer' | 'released' | 'transferred-to-ice';
export type JailDetainerState = 'received' | 'declined' | 'holding' | 'lifted' | 'lapsed' | 'custody-transferred' | 'after-release';

export interface BookingTables {
  booking_bookings: {
    case_id: string;
    ori: string;
    tcn: string;
    person: string;
    booked_at: number;
    charges: string;
    state: CustodyState;
    release_due_at: number | null;
    released_at: number | null;
    release_reason: string | null;
    fbi_number: string | null;
    idr_result: string | null;
    iar: string | null;
    /** SHA-256 of the submission's content (see `contentHashOf`); null for rows booked before migration 0002. */
    content_hash: string | null;
  };
  booking_detainers: {
    detainer_id: string;
    case_id: string;
    received_at: number;
    form: string;
    policy_version: string;
    hotline: string | null;
    copy_served_at: number | null;
    state: JailDetainerState;
    hold_expires_at: number | null;
    ended_at: number | null;
  };
}

export const bookingMigrations: ModuleMigrations = {
  module: 'booking',
  migrations: [
    {
      name: '0001_bookings_detainers',
      async up(db) {
        await db.schema
          .createTable('booking_bookings')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text', (c) => c.notNull())
          .addColumn('tcn', 'text', (c) => c.notNull())
          .addColumn('person', 'text', (c) => c.notNull())
          .addColumn('booked_at', 'bigint', (c) => c.notNull())
          .addColumn('charges', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('release_due_at', 'bigint')
          .addColumn('released_at', 'bigint')
          .addColumn('release_reason', 'text')
          .addColumn('fbi_number', 'text')
          .addColumn('idr_result', 'text')
          .addColumn('iar', 'text')
          .execute();
        await db.schema
          .createTable('booking_detainers')
          .addColumn('detainer_id', 'text', (c) => c.primaryKey())
          .addColumn('case_id', 'text', (c) => c.notNull().references('booking_bookings.case_id'))
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('form', 'text', (c) => c.notNull())
          .addColumn('policy_version', 'text', (c) => c.notNull())
          .addColumn('hotline', 'text')
          .addColumn('copy_served_at', 'bigint')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('hold_expires_at', 'bigint')
          .addColumn('ended_at', 'bigint')
          .execute();
        await db.schema.createIndex('booking_detainers_case').on('booking_detainers').column('case_id').execute();
      },
    },
    {
      // A submission is identified by (ORI, TCN): a re-sent one is recognised, never booked twice.
      name: '0002_tcn_unique',
      async up(db) {
        await db.schema.alterTable('booking_bookings').addColumn('content_hash', 'text').execute();
        await db.schema.createIndex('booking_bookings_ori_tcn').on('booking_bookings').columns(['ori', 'tcn']).unique().execute();
      },
    },
  ],
};

/** What the charging document says beyond the NCIC code, per charge (defaults below). */
export const chargeDetail = z
  .object({
    ncicCode: z.string(),
    severity: z.enum(['felony', 'misdemeanor']).optional(),
    maxSentenceMonths: z.number().min(0).nullable().optional(),
    tags: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type ChargeDetail = z.input<typeof chargeDetail>;

export interface BookingRequest {
  booking: Booking;
  /**
   * The jail's transaction control number (1.009 TCN, 10–40 printable characters). A request
   * whose (ORI, TCN) was already booked is the same submission: identical content returns the
   * existing case and changes nothing else; different content is `DUPLICATE_TCN_CONFLICT`.
   * Without it the case id serves as the TCN (every booking is a new submission).
   */
  tcn?: string;
  /** Severity, maximum sentence and tags per charge; without them a Level 1–2 code counts as a felony, Level 3 as a misdemeanor, sentence unknown. */
  charges?: ChargeDetail[];
  circumstances?: Partial<Circumstances>;
}

export interface BookingRecord {
  caseId: string;
  ori: string;
  bookedAt: number;
  state: CustodyState;
  charges: ChargeFacts[];
  releaseDueAt: number | null;
  releasedAt: number | null;
  releaseReason: string | null;
  fbiNumber: string | null;
  idrResult: string | null;
  iarReceived: boolean;
  detainers: { detainerId: string; state: JailDetainerState; receivedAt: number; copyServedAt: number | null; hotline: string | null; holdExpiresAt: number | null; endedAt: number | null }[];
}

const AGENCY = 'booking';

/** SHA-256 over everything the submission says (booking with its prints, charge details, circumstances) — not when it arrived. */
export function contentHashOf(request: BookingRequest): string {
  const h = createHash('sha256');
  const { fingerprints, ...fields } = request.booking;
  h.update(JSON.stringify([fields, request.charges ?? [], request.circumstances ?? {}]));
  for (const f of fingerprints) {
    h.update(JSON.stringify([f.position, f.width, f.height, f.ppi, f.compression, f.data.length]));
    h.update(f.data);
  }
  return h.digest('hex');
}

function parsed<T extends z.ZodTypeAny>(schema: T, input: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AgencyError('INVALID_BOOKING', `invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function createBookingAgency(deps: AgencyDeps) {
  const t = (d: AnyDatabase) => tablesOf<BookingTables>(d);
  const event = (trx: AnyTransaction, caseId: string, kind: string, summary: string, details: Record<string, unknown> = {}) =>
    recordEvent(trx, { caseId, at: deps.clock.now(), agency: AGENCY, kind, summary, details });
  const send = (trx: AnyTransaction, m: Parameters<Send>[0]) => commandSend(deps, trx, AGENCY)(m);

  async function bookingRow(d: AnyDatabase, caseId: string) {
    const row = await t(d).selectFrom('booking_bookings').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new AgencyError('UNKNOWN_CASE', `the jail has no booking "${caseId}"`);
    return row;
  }

  /** Updates the booking's row; the same typed error as `bookingRow` when there is none (one statement instead of a read and a write). */
  async function updateBooking(trx: AnyTransaction, caseId: string, set: Partial<Pick<BookingTables['booking_bookings'], 'fbi_number' | 'idr_result' | 'iar'>>) {
    const r = await t(trx).updateTable('booking_bookings').set(set).where('case_id', '=', caseId).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new AgencyError('UNKNOWN_CASE', `the jail has no booking "${caseId}"`);
  }

  async function timeZoneOf(d: AnyDatabase, ori: string): Promise<string> {
    return (await deps.jurisdictions.jurisdictionOf(d, ori)).timeZone;
  }

  /** Releases the person now (at `at`), records why, and tells the field office when a detainer is involved. */
  async function release(trx: AnyTransaction, send: Send, caseId: string, at: number, reason: ReleaseReason, detainerId: string | null) {
    await t(trx).updateTable('booking_bookings').set({ state: 'released', released_at: at, release_reason: reason }).where('case_id', '=', caseId).execute();
    await event(trx, caseId, 'released', `Released (${reason}).`, { at, detainerId, reason });
    if (detainerId !== null) {
      await send(ReleaseNotice.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: caseId, payload: { caseId, detainerId, kind: 'released', at, reason, holdExpiresAt: null } }));
    }
  }

  return {
    migrations: bookingMigrations,

    /**
     * Books an arrestee: validates everything first, then writes the booking and the CAR in one
     * transaction; returns the case id. A re-sent submission (same ORI and TCN, same content)
     * returns the case it was booked as, with a `resubmission-recognised` event and nothing sent.
     */
    async book(trx: AnyTransaction, caseId: string, request: BookingRequest): Promise<string> {
      const b = request.booking;
      const now = deps.clock.now();
      const tcn = request.tcn ?? caseId;
      if (typeof tcn !== 'string' || !/^[\x21-\x7e]{10,40}$/.test(tcn)) throw new AgencyError('INVALID_BOOKING', `the TCN (1.009) must be 10 to 40 printable characters without spaces, got ${JSON.stringify(tcn)}`);
      const contentHash = contentHashOf(request);
      const previous = await t(trx).selectFrom('booking_bookings').select(['case_id', 'content_hash']).where('ori', '=', b.arrestingAgencyOri).where('tcn', '=', tcn).executeTakeFirst();
      if (previous) {
        if (previous.content_hash !== contentHash) throw new AgencyError('DUPLICATE_TCN_CONFLICT', `TCN ${tcn} from ${b.arrestingAgencyOri} was already received as case ${previous.case_id} with different content; a new submission needs a new TCN`);
        await event(trx, previous.case_id, 'resubmission-recognised', `The submission with TCN ${tcn} arrived again; it is case ${previous.case_id} already, nothing is sent again.`, { tcn, ori: b.arrestingAgencyOri });
        return previous.case_id;
      }
      const jurisdiction = await deps.jurisdictions.jurisdictionOf(trx, b.arrestingAgencyOri);
      if (!/^\d{8}$/.test(b.dateOfArrest)) throw new AgencyError('INVALID_BOOKING', `date of arrest must be CCYYMMDD, got "${b.dateOfArrest}"`);
      const arrestDate = isoOfEbtsDate(b.dateOfArrest);
      if (arrestDate > localDate(now, jurisdiction.timeZone)) throw new AgencyError('INVALID_TIME', `date of arrest ${arrestDate} is after the booking time`);
      const version = versionInForce(deps.policy, arrestDate < deps.policy.versions[0].effective ? deps.policy.versions[0].effective : arrestDate);
      const details = (request.charges ?? []).map((d) => parsed(chargeDetail, d, 'charge detail'));
      const charges: ChargeFacts[] = b.charges.map((c) => {
        const offense = findOffense(deps.policy.offenses, c.ncicCode);
        if (offense === null) throw new AgencyError('UNKNOWN_NCIC_CODE', `NCIC offense code "${c.ncicCode}" is not in the offense table`);
        const d = details.find((x) => x.ncicCode === c.ncicCode);
        const severity = d?.severity ?? (levelOfCode(version.levels, c.ncicCode, { severity: 'misdemeanor', maxSentenceMonths: null }).level < 3 ? 'felony' : 'misdemeanor');
        return chargeFacts.parse({
          ncicCode: c.ncicCode,
          literal: c.literal,
          offenseDate: c.offenseDate ? isoOfEbtsDate(c.offenseDate) : arrestDate,
          severity,
          maxSentenceMonths: d?.maxSentenceMonths ?? null,
          tags: [...new Set([...offense.tags, ...(d?.tags ?? [])])],
          disposition: 'pending',
          dispositionAt: null,
        });
      });
      for (const d of details) if (!b.charges.some((c) => c.ncicCode === d.ncicCode)) throw new AgencyError('UNKNOWN_CHARGE', `charge detail for ${d.ncicCode}, which the booking does not charge`);
      let ebts: Uint8Array;
      try {
        ebts = buildCarBytes(b, { controlNumber: caseId, destinationOri: `${jurisdiction.state}SIB0000`.slice(0, 9), date: b.dateOfArrest });
      } catch (error) {
        if (error instanceof NistError) throw new AgencyError('INVALID_BOOKING', `the booking cannot be sent as a CAR: ${error.message}`);
        throw error;
      }
      const person = {
        name: b.name,
        dateOfBirth: b.dateOfBirth,
        claimedCitizenship: b.citizenship ?? null,
        placeOfBirth: b.placeOfBirth,
        arrestDate,
        circumstances: parsed(circumstancesSchema, request.circumstances ?? {}, 'circumstances'),
      };
      const exists = await t(trx).selectFrom('booking_bookings').select('case_id').where('case_id', '=', caseId).executeTakeFirst();
      if (exists) throw new AgencyError('INVALID_BOOKING', `case ${caseId} is already booked`);
      await t(trx)
        .insertInto('booking_bookings')
        .values({ case_id: caseId, ori: b.arrestingAgencyOri, tcn, content_hash: contentHash, person: JSON.stringify(person), booked_at: now, charges: JSON.stringify(charges), state: 'in-custody', release_due_at: null, released_at: null, release_reason: null, fbi_number: null, idr_result: null, iar: null })
        .execute();
      await event(trx, caseId, 'booked', `Booked at ${jurisdiction.name} (${b.arrestingAgencyOri}) on ${charges.map((c) => `${c.ncicCode} ${c.literal}`).join(', ')}; CAR sent to the state bureau.`, {
        charges: charges.map((c) => c.ncicCode),
        // For oversight (src/oversight/facts): where, who (as booked) and each charge's Level under the version in force on the arrest date.
        ori: b.arrestingAgencyOri,
        arrestDate,
        policyVersion: version.id,
        demographics: { sex: b.sex, race: b.race, yearOfBirth: /^\d{4}/.test(b.dateOfBirth) && !b.dateOfBirth.startsWith('0000') ? Number(b.dateOfBirth.slice(0, 4)) : null, placeOfBirth: b.placeOfBirth, claimedCitizenship: b.citizenship ?? null },
        chargeLevels: charges.map((c) => ({ ncicCode: c.ncicCode, severity: c.severity, maxSentenceMonths: c.maxSentenceMonths, level: levelOfCode(version.levels, c.ncicCode, { severity: c.severity, maxSentenceMonths: c.maxSentenceMonths }).level })),
      });
      // The EBTS bytes are stored once, in this transaction, and travel by reference.
      const attachment = await deps.attachments.put(trx, ebts);
      await send(trx, { ...Car.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: caseId, payload: { caseId, ori: b.arrestingAgencyOri, tcn: caseId, bookedAt: now, person, charges } }), attachment });
      return caseId;
    },

    /**
     * The person is due for release at `at`. With a detainer in hand the hold starts and its
     * clock runs (48 h excluding weekends and holidays in the jail's zone); otherwise the person
     * is released.
     */
    async releaseDue(trx: AnyTransaction, caseId: string, at: number): Promise<void> {
      const row = await bookingRow(trx, caseId);
      if (!Number.isSafeInteger(at) || at < Number(row.booked_at)) throw new AgencyError('INVALID_TIME', `release time ${new Date(at).toISOString()} is before the booking (${new Date(Number(row.booked_at)).toISOString()})`);
      if (row.state !== 'in-custody') throw new AgencyError('INVALID_TIME', `case ${caseId} is no longer in the jail's custody (${row.state})`);
      const detainer = await t(trx).selectFrom('booking_detainers').selectAll().where('case_id', '=', caseId).where('state', '=', 'received').executeTakeFirst();
      await t(trx).updateTable('booking_bookings').set({ release_due_at: at }).where('case_id', '=', caseId).execute();
      if (!detainer) {
        const ended = await t(trx).selectFrom('booking_detainers').select('detainer_id').where('case_id', '=', caseId).executeTakeFirst();
        await release(trx, commandSend(deps, trx, AGENCY), caseId, at, 'release-due', ended?.detainer_id ?? null);
        return;
      }
      const tz = await timeZoneOf(trx, row.ori);
      // The clock of the version that decided the detainer: its hold limit and its reading of holidays.
      const hold = holdExpiresAt(at, tz, detainerClockOptions(versionById(deps.policy, detainer.policy_version)));
      await t(trx).updateTable('booking_bookings').set({ state: 'held-on-detainer' }).where('case_id', '=', caseId).execute();
      await t(trx).updateTable('booking_detainers').set({ state: 'holding', hold_expires_at: hold.expiresAtMs }).where('detainer_id', '=', detainer.detainer_id).execute();
      await event(trx, caseId, 'hold-started', `Release due ${hold.releaseDueLocal}; held on detainer ${detainer.detainer_id} until ${hold.expiresAtLocal} at the latest.`, {
        releaseDue: at,
        holdExpiresAt: hold.expiresAtMs,
        detainerId: detainer.detainer_id,
        excluded: hold.excluded,
      });
      await send(trx, ReleaseNotice.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: caseId, payload: { caseId, detainerId: detainer.detainer_id, kind: 'release-due', at, reason: 'release-due', holdExpiresAt: hold.expiresAtMs } }));
    },

    /** A court disposed of charges (all pending ones unless `ncicCodes` names some). */
    async dispose(trx: AnyTransaction, caseId: string, outcome: 'conviction' | 'dismissal', at: number, ncicCodes?: readonly string[]): Promise<void> {
      const row = await bookingRow(trx, caseId);
      if (!Number.isSafeInteger(at) || at < Number(row.booked_at)) throw new AgencyError('INVALID_TIME', 'a disposition cannot precede the booking');
      const charges = JSON.parse(row.charges) as ChargeFacts[];
      const codes = ncicCodes ?? charges.filter((c) => c.disposition === 'pending').map((c) => c.ncicCode);
      if (codes.length === 0) throw new AgencyError('CHARGE_ALREADY_DISPOSED', `case ${caseId} has no pending charge`);
      for (const code of codes) {
        const charge = charges.find((c) => c.ncicCode === code);
        if (!charge) throw new AgencyError('UNKNOWN_CHARGE', `case ${caseId} has no charge ${code} (charged: ${charges.map((c) => c.ncicCode).join(', ')})`);
        if (charge.disposition !== 'pending') throw new AgencyError('CHARGE_ALREADY_DISPOSED', `charge ${code} of case ${caseId} is already ${charge.disposition}`);
      }
      const updated = charges.map((c) => (codes.includes(c.ncicCode) ? { ...c, disposition: outcome === 'conviction' ? ('convicted' as const) : ('dismissed' as const), dispositionAt: at } : c));
      await t(trx).updateTable('booking_bookings').set({ charges: JSON.stringify(updated) }).where('case_id', '=', caseId).execute();
      await event(trx, caseId, 'disposition', `${outcome === 'conviction' ? 'Convicted' : 'Dismissed'}: ${codes.join(', ')}.`, { outcome, ncicCodes: codes, at });
      await send(trx, Disposition.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: caseId, payload: { caseId, outcome, ncicCodes: [...codes], at, charges: updated } }));
    },

    async handle(message: Message, trx: AnyTransaction, ctx: { send: Send }): Promise<void> {
      const now = deps.clock.now();
      if (Sre.is(message)) {
        const { payload } = Sre.parse(message);
        await updateBooking(trx, payload.caseId, { fbi_number: payload.fbiNumber });
        await event(trx, payload.caseId, 'sre-received', `SRE received: ${payload.result === 'ident' ? 'identified as' : 'new subject'} FBI ${payload.fbiNumber}, ${payload.priorConvictions.length} prior conviction(s).`);
      } else if (Errt.is(message)) {
        const { payload } = Errt.parse(message);
        await bookingRow(trx, payload.caseId);
        await event(trx, payload.caseId, 'errt-received', `The submission was rejected: ${payload.problems.join('; ')}. The prints must be retaken and resubmitted.`, { problems: payload.problems });
      } else if (Idr.is(message)) {
        const { payload } = Idr.parse(message);
        await updateBooking(trx, payload.caseId, { idr_result: payload.result });
        await event(trx, payload.caseId, 'idr-received', `IDR received: ${payload.result}.`);
      } else if (Iar.is(message)) {
        const { payload } = Iar.parse(message);
        await updateBooking(trx, payload.caseId, { iar: JSON.stringify({ status: payload.status, level: payload.level }) });
        await event(trx, payload.caseId, 'iar-received', `IAR received: status ${payload.status}, Level ${payload.level ?? 'none'}.`);
      } else if (Detainer.is(message)) {
        const { payload: d } = Detainer.parse(message);
        const row = await bookingRow(trx, d.caseId);
        const dup = await t(trx).selectFrom('booking_detainers').select('detainer_id').where('detainer_id', '=', d.detainerId).executeTakeFirst();
        if (dup) {
          await event(trx, d.caseId, 'duplicate-ignored', `Detainer ${d.detainerId} received again; ignored.`);
          return;
        }
        const base = { detainer_id: d.detainerId, case_id: d.caseId, received_at: now, form: d.form, policy_version: d.policyVersion, hotline: d.hotline, copy_served_at: null, hold_expires_at: null, ended_at: null };
        if (row.state !== 'in-custody') {
          await t(trx).insertInto('booking_detainers').values({ ...base, state: 'after-release', ended_at: now }).execute();
          await event(trx, d.caseId, 'detainer-after-release', `Detainer ${d.detainerId} arrived after the person left custody (${row.state}); nothing to hold.`, { detainerId: d.detainerId });
          await ctx.send(ReleaseNotice.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: d.caseId, payload: { caseId: d.caseId, detainerId: d.detainerId, kind: 'released', at: Number(row.released_at ?? now), reason: 'released-before-detainer', holdExpiresAt: null } }));
          return;
        }
        const participation = await deps.jurisdictions.participationAt(trx, row.ori, now);
        const charges = JSON.parse(row.charges) as ChargeFacts[];
        if (!routingFor(participation).honoursDetainer(charges.filter((c) => c.disposition !== 'dismissed').map((c) => c.ncicCode))) {
          await t(trx).insertInto('booking_detainers').values({ ...base, state: 'declined', ended_at: now }).execute();
          const reason = `the jurisdiction declines detainers except for serious offenses (${participation.seriousOffenses.join(', ')}); none is charged`;
          await event(trx, d.caseId, 'detainer-declined', `Detainer ${d.detainerId} declined: ${reason}.`, { participation: participation.mode, detainerId: d.detainerId, reason });
          await ctx.send(DetainerDeclined.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: d.caseId, payload: { caseId: d.caseId, detainerId: d.detainerId, at: now, reason } }));
          return;
        }
        await t(trx).insertInto('booking_detainers').values({ ...base, state: 'received', copy_served_at: d.copyToDetainee ? now : null }).execute();
        await event(trx, d.caseId, 'detainer-received', `Detainer ${d.detainerId} (${d.form}) received; hold no longer than ${d.holdLimitHours} h excluding weekends and holidays.`, { detainerId: d.detainerId, policyVersion: d.policyVersion });
        if (d.copyToDetainee) await event(trx, d.caseId, 'detainer-copy-served', `Copy of the detainer served on the person, with the hotline ${d.hotline ?? '(none)'}.`, { hotline: d.hotline, detainerId: d.detainerId });
      } else if (DetainerLift.is(message)) {
        const { payload } = DetainerLift.parse(message);
        const det = await t(trx).selectFrom('booking_detainers').selectAll().where('detainer_id', '=', payload.detainerId).executeTakeFirst();
        if (!det || (det.state !== 'received' && det.state !== 'holding')) {
          await event(trx, payload.caseId, 'ignored', `Lift of detainer ${payload.detainerId} ignored: ${det ? `it is ${det.state}` : 'the jail never received it'}.`);
          return;
        }
        await t(trx).updateTable('booking_detainers').set({ state: 'lifted', ended_at: payload.at }).where('detainer_id', '=', payload.detainerId).execute();
        await event(trx, payload.caseId, 'detainer-lifted', `Detainer ${payload.detainerId} lifted: ${payload.reason}.`, { detainerId: payload.detainerId, reason: payload.reason, at: payload.at });
        if (det.state === 'holding') await release(trx, ctx.send, payload.caseId, Math.max(now, payload.at), 'detainer-lifted', payload.detainerId);
      } else if (HoldExpired.is(message)) {
        const { payload } = HoldExpired.parse(message);
        const det = await t(trx).selectFrom('booking_detainers').selectAll().where('detainer_id', '=', payload.detainerId).executeTakeFirst();
        if (!det || det.state !== 'holding') {
          await event(trx, payload.caseId, 'ignored', `Hold-expiry of detainer ${payload.detainerId} ignored: ${det ? `it is ${det.state}` : 'unknown detainer'}.`);
          return;
        }
        await t(trx).updateTable('booking_detainers').set({ state: 'lapsed', ended_at: payload.expiresAt }).where('detainer_id', '=', payload.detainerId).execute();
        await event(trx, payload.caseId, 'hold-lapsed', `The detainer hold lapsed at ${new Date(payload.expiresAt).toISOString()} without ICE taking custody; the person must be released.`, { detainerId: payload.detainerId, expiresAt: payload.expiresAt });
        await release(trx, ctx.send, payload.caseId, payload.expiresAt, 'hold-lapsed', payload.detainerId);
      } else if (CustodyTransfer.is(message)) {
        const { payload } = CustodyTransfer.parse(message);
        const det = await t(trx).selectFrom('booking_detainers').selectAll().where('detainer_id', '=', payload.detainerId).executeTakeFirst();
        if (!det || (det.state !== 'received' && det.state !== 'holding')) {
          await event(trx, payload.caseId, 'ignored', `Custody transfer on detainer ${payload.detainerId} ignored: ${det ? `it is ${det.state}` : 'unknown detainer'}.`);
          return;
        }
        await t(trx).updateTable('booking_detainers').set({ state: 'custody-transferred', ended_at: payload.at }).where('detainer_id', '=', payload.detainerId).execute();
        await t(trx).updateTable('booking_bookings').set({ state: 'transferred-to-ice', released_at: payload.at, release_reason: 'custody-transfer' }).where('case_id', '=', payload.caseId).execute();
        await event(trx, payload.caseId, 'custody-transferred', 'Released into ICE custody.', { detainerId: payload.detainerId, at: payload.at });
      } else {
        throw new Error(`booking: unexpected message type ${message.type}`);
      }
    },

    /**
     * Bookings in booking-time order (then case id), optionally only some ORIs' and a time range
     * [from, to); `after` is the cursor of the last row of the previous page.
     */
    async listBookings(d: AnyDatabase, filter: BookingListFilter): Promise<BookingSummary[]> {
      if (filter.oris !== undefined && filter.oris.length === 0) return [];
      let q = t(d).selectFrom('booking_bookings').select(['case_id', 'ori', 'tcn', 'person', 'booked_at', 'state', 'released_at']);
      if (filter.oris !== undefined) q = q.where('ori', 'in', [...filter.oris]);
      if (filter.from !== undefined) q = q.where('booked_at', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('booked_at', '<', filter.to);
      if (filter.after !== undefined) {
        const { bookedAt, caseId } = filter.after;
        q = q.where((eb) => eb.or([eb('booked_at', '>', bookedAt), eb.and([eb('booked_at', '=', bookedAt), eb('case_id', '>', caseId)])]));
      }
      const rows = await q.orderBy('booked_at').orderBy('case_id').limit(filter.limit).execute();
      return rows.map((r) => ({ caseId: r.case_id, ori: r.ori, tcn: r.tcn, person: r.person, bookedAt: Number(r.booked_at), state: r.state, releasedAt: r.released_at === null ? null : Number(r.released_at) }));
    },

    async bookingOf(d: AnyDatabase, caseId: string): Promise<BookingRecord> {
      const row = await bookingRow(d, caseId);
      const detainers = await t(d).selectFrom('booking_detainers').selectAll().where('case_id', '=', caseId).orderBy('received_at').execute();
      return {
        caseId,
        ori: row.ori,
        bookedAt: Number(row.booked_at),
        state: row.state,
        charges: JSON.parse(row.charges) as ChargeFacts[],
        releaseDueAt: row.release_due_at === null ? null : Number(row.release_due_at),
        releasedAt: row.released_at === null ? null : Number(row.released_at),
        releaseReason: row.release_reason,
        fbiNumber: row.fbi_number,
        idrResult: row.idr_result,
        iarReceived: row.iar !== null,
        detainers: detainers.map((x) => ({
          detainerId: x.detainer_id,
          state: x.state,
          receivedAt: Number(x.received_at),
          copyServedAt: x.copy_served_at === null ? null : Number(x.copy_served_at),
          hotline: x.hotline,
          holdExpiresAt: x.hold_expires_at === null ? null : Number(x.hold_expires_at),
          endedAt: x.ended_at === null ? null : Number(x.ended_at),
        })),
      };
    },
  };
}
export type BookingAgency = ReturnType<typeof createBookingAgency>;

export interface BookingListFilter {
  oris?: readonly string[];
  /** Booked at or after (epoch ms). */
  from?: number;
  /** Booked before (epoch ms). */
  to?: number;
  after?: { bookedAt: number; caseId: string };
  limit: number;
}

export interface BookingSummary {
  caseId: string;
  ori: string;
  tcn: string;
  person: string;
  bookedAt: number;
  state: string;
  releasedAt: number | null;
}
