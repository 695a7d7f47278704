/**
 * The state identification bureau: routes the jail's CAR to the FBI and the SRE back, and
 * applies the jurisdiction's participation (jurisdictions/routing.ts) to the immigration
 * search: at booking, only after a conviction (never after a dismissal), or never. On an IDENT
 * match it sends the IAQ to LESC. It keeps the submission's prints only until the immigration
 * search is done or will never happen, then erases them. The prints travel as the CAR's
 * attachment (platform/messaging/attachments.ts): the bureau holds that attachment while it
 * keeps the prints, and releasing the hold deletes the bytes once no message needs them.
 */
import { createAttachments, type Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { levelOfCode, versionInForce } from '../../policy/index.ts';
import { recordEvent } from '../case-log/index.ts';
import type { AgencyDeps } from '../deps.ts';
import { routingFor, type ParticipationMode } from '../jurisdictions/index.ts';
import { ADDRESS, Car, Disposition, Errt, Iaq, IdentSearch, Idr, Sre, submissionAttachment, type BookedPerson, type ChargeFacts, type RapSheetConviction } from '../messages.ts';

export type ImmigrationSearchState = 'awaiting-criminal-response' | 'submission-rejected' | 'searching' | 'awaiting-conviction' | 'not-searched' | 'never-searched-after-dismissal' | 'no-match' | 'match';

export interface StateBureauTables {
  state_bureau_submissions: {
    case_id: string;
    ori: string;
    tcn: string;
    /** SHA-256 of the CAR attachment (with the prints) the bureau holds while an immigration search may still be due; null once erased. */
    prints: string | null;
    person: string;
    charges: string;
    booked_at: number;
    participation: string;
    fbi_number: string | null;
    prior_convictions: string;
    immigration: ImmigrationSearchState;
    identity_id: string | null;
    updated_at: number;
  };
}

export const stateBureauMigrations: ModuleMigrations = {
  module: 'state-bureau',
  migrations: [
    {
      name: '0001_submissions',
      async up(db) {
        await db.schema
          .createTable('state_bureau_submissions')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text', (c) => c.notNull())
          .addColumn('tcn', 'text', (c) => c.notNull())
          .addColumn('ebts', 'text', (c) => c.notNull())
          .addColumn('person', 'text', (c) => c.notNull())
          .addColumn('charges', 'text', (c) => c.notNull())
          .addColumn('booked_at', 'bigint', (c) => c.notNull())
          .addColumn('participation', 'text', (c) => c.notNull())
          .addColumn('fbi_number', 'text')
          .addColumn('prior_convictions', 'text', (c) => c.notNull())
          .addColumn('immigration', 'text', (c) => c.notNull())
          .addColumn('identity_id', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    {
      // The CAR bytes move out of the row into a held attachment (the row is updated several
      // times per case; the bytes are written once). Prints still held are carried over.
      name: '0002_prints_as_attachment',
      async up(db, kind) {
        await db.schema.alterTable('state_bureau_submissions').addColumn('prints', 'text').execute();
        const trx = db as unknown as AnyTransaction; // a migration runs inside its own transaction (store/migrations.ts)
        const legacy = tablesOf<{ state_bureau_submissions: { case_id: string; ebts: string; updated_at: number; prints: string | null } }>(trx);
        const held = await legacy.selectFrom('state_bureau_submissions').select(['case_id', 'ebts', 'updated_at']).where('ebts', '<>', '').execute();
        for (const row of held) {
          const attachments = createAttachments({ kind, clock: { now: () => Number(row.updated_at) } });
          const hash = await attachments.put(trx, new Uint8Array(Buffer.from(row.ebts, 'base64')));
          await attachments.hold(trx, hash, holderOf(row.case_id));
          await legacy.updateTable('state_bureau_submissions').set({ prints: hash }).where('case_id', '=', row.case_id).execute();
        }
        await db.schema.alterTable('state_bureau_submissions').dropColumn('ebts').execute();
      },
    },
  ],
};

/** The bureau's hold on a case's CAR attachment. */
const holderOf = (caseId: string) => `state-bureau:${caseId}`;

const AGENCY = 'state-bureau';

export function createStateBureau(deps: AgencyDeps) {
  const t = (d: AnyDatabase) => tablesOf<StateBureauTables>(d);
  const event = (trx: AnyTransaction, caseId: string, kind: string, summary: string, details: Record<string, unknown> = {}) =>
    recordEvent(trx, { caseId, at: deps.clock.now(), agency: AGENCY, kind, summary, details });

  async function submission(trx: AnyTransaction, caseId: string) {
    const row = await t(trx).selectFrom('state_bureau_submissions').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new Error(`state bureau: no submission for case ${caseId} (message out of order)`);
    return row;
  }

  /** Moves the case's immigration search to `state`; `erasePrints` drops the bureau's copy of the prints for good. */
  async function setImmigration(trx: AnyTransaction, row: { case_id: string; prints: string | null }, state: ImmigrationSearchState, erasePrints: boolean, extra: { identity_id?: string } = {}) {
    await t(trx)
      .updateTable('state_bureau_submissions')
      .set({ immigration: state, updated_at: deps.clock.now(), ...(erasePrints ? { prints: null } : {}), ...extra })
      .where('case_id', '=', row.case_id)
      .execute();
    if (erasePrints && row.prints !== null) await deps.attachments.release(trx, row.prints, holderOf(row.case_id));
  }

  async function searchIdent(trx: AnyTransaction, ctx: Ctx, row: { case_id: string; tcn: string; prints: string | null }, why: string) {
    if (row.prints === null) throw new Error(`state bureau: the prints of case ${row.case_id} were already erased; no immigration search is possible`);
    await ctx.send({ ...IdentSearch.create({ from: AGENCY, to: ADDRESS.immigrationRecords, correlationId: row.case_id, payload: { caseId: row.case_id, tcn: row.tcn } }), attachment: row.prints });
    await setImmigration(trx, row, 'searching', false);
    await event(trx, row.case_id, 'ident-search-sent', `Prints sent to DHS IDENT: ${why}.`);
  }

  /** The IAQ's charge code: the most serious current charge, 0399 when there is none (DOMAIN §3). */
  function mostSeriousCode(charges: ChargeFacts[], asOf: string): string {
    const live = charges.filter((c) => c.disposition !== 'dismissed');
    if (live.length === 0) return deps.policy.offenses.noCharge.code;
    const version = versionInForce(deps.policy, asOf < deps.policy.versions[0].effective ? deps.policy.versions[0].effective : asOf);
    const ranked = live.map((c) => ({ c, level: levelOfCode(version.levels, c.ncicCode, { severity: c.severity, maxSentenceMonths: c.maxSentenceMonths }).level }));
    ranked.sort((a, b) => a.level - b.level);
    return ranked[0].c.ncicCode;
  }

  type Ctx = { send: (m: { type: string; to: string; from?: string; payload: unknown; correlationId?: string; attachment?: string }) => Promise<unknown> };

  return {
    migrations: stateBureauMigrations,

    async handle(message: Message, trx: AnyTransaction, ctx: Ctx): Promise<void> {
      const now = deps.clock.now();
      if (Car.is(message)) {
        const { payload: car } = Car.parse(message);
        const prints = submissionAttachment(message);
        // The participation in force when the person was booked decides the routing of this submission.
        const participation = await deps.jurisdictions.participationAt(trx, car.ori, car.bookedAt);
        const inserted = await t(trx)
          .insertInto('state_bureau_submissions')
          .values({ case_id: car.caseId, ori: car.ori, tcn: car.tcn, prints, person: JSON.stringify(car.person), charges: JSON.stringify(car.charges), booked_at: car.bookedAt, participation: participation.mode, fbi_number: null, prior_convictions: '[]', immigration: 'awaiting-criminal-response', identity_id: null, updated_at: now })
          .onConflict((oc) => oc.column('case_id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
          await event(trx, car.caseId, 'duplicate-ignored', `A second CAR for case ${car.caseId} was ignored (the first is being processed).`);
          return;
        }
        await deps.attachments.hold(trx, prints, holderOf(car.caseId));
        await ctx.send({ ...Car.create({ from: AGENCY, to: ADDRESS.criminalRecords, correlationId: car.caseId, payload: car }), attachment: prints });
        await event(trx, car.caseId, 'car-routed', `CAR routed to FBI CJIS; the jurisdiction's participation at booking: ${participation.mode}.`, { participation: participation.mode, ori: car.ori });
      } else if (Sre.is(message)) {
        const { payload: sre } = Sre.parse(message);
        const row = await submission(trx, sre.caseId);
        await t(trx).updateTable('state_bureau_submissions').set({ fbi_number: sre.fbiNumber, prior_convictions: JSON.stringify(sre.priorConvictions), updated_at: now }).where('case_id', '=', sre.caseId).execute();
        await ctx.send(Sre.create({ from: AGENCY, to: ADDRESS.booking, correlationId: sre.caseId, payload: sre }));
        if (row.immigration !== 'awaiting-criminal-response') return;
        const routing = routingFor({ mode: row.participation as ParticipationMode, effectiveAt: null, seriousOffenses: [] });
        const charges = JSON.parse(row.charges) as ChargeFacts[];
        if (routing.immigrationSearch === 'at-booking') {
          await searchIdent(trx, ctx, row, `the jurisdiction is ${row.participation}`);
        } else if (routing.immigrationSearch === 'after-conviction') {
          if (charges.some((c) => c.disposition === 'convicted')) await searchIdent(trx, ctx, row, 'share-after-conviction, and a charge is already a conviction');
          else {
            await setImmigration(trx, row, 'awaiting-conviction', false);
            await event(trx, sre.caseId, 'ident-search-deferred', 'Immigration search deferred: the jurisdiction shares prints with DHS only after a conviction.');
          }
        } else {
          await setImmigration(trx, row, 'not-searched', true);
          await event(trx, sre.caseId, 'ident-search-not-routed', `No immigration search: the jurisdiction is ${row.participation}. Prints erased from the state bureau.`);
        }
      } else if (Errt.is(message)) {
        const { payload: errt } = Errt.parse(message);
        const row = await submission(trx, errt.caseId);
        await setImmigration(trx, row, 'submission-rejected', true);
        await ctx.send(Errt.create({ from: AGENCY, to: ADDRESS.booking, correlationId: errt.caseId, payload: errt }));
        await event(trx, errt.caseId, 'errt-routed', 'The FBI rejected the submission; ERRT routed to the jail, no immigration search, prints erased.');
      } else if (Idr.is(message)) {
        const { payload: idr } = Idr.parse(message);
        const row = await submission(trx, idr.caseId);
        if (row.immigration !== 'searching') {
          await event(trx, idr.caseId, 'duplicate-ignored', `IDR for case ${idr.caseId} ignored: the immigration search is ${row.immigration}.`);
          return;
        }
        const participation = await deps.jurisdictions.participationAt(trx, row.ori, now);
        const routing = routingFor(participation);
        if (routing.iarToJail) await ctx.send(Idr.create({ from: AGENCY, to: ADDRESS.booking, correlationId: idr.caseId, payload: idr }));
        if (idr.result === 'no-match') {
          await setImmigration(trx, row, 'no-match', true);
          await event(trx, idr.caseId, 'idr-no-match', 'IDENT: no match. Nothing further.');
          return;
        }
        await setImmigration(trx, row, 'match', true, { identity_id: idr.identityId });
        const person = JSON.parse(row.person) as BookedPerson;
        const charges = JSON.parse(row.charges) as ChargeFacts[];
        await ctx.send(
          Iaq.create({
            from: AGENCY,
            to: ADDRESS.lesc,
            correlationId: idr.caseId,
            payload: {
              caseId: idr.caseId,
              ori: row.ori,
              identityId: idr.identityId,
              encounters: idr.encounters,
              person,
              charges,
              priorConvictions: JSON.parse(row.prior_convictions) as RapSheetConviction[],
              fbiNumber: row.fbi_number ?? '',
              mostSeriousCode: mostSeriousCode(charges, person.arrestDate),
            },
          }),
        );
        await event(trx, idr.caseId, 'iaq-sent', `IDENT match (identity ${idr.identityId}); IAQ sent to LESC.`, { identityId: idr.identityId });
      } else if (Disposition.is(message)) {
        const { payload: d } = Disposition.parse(message);
        const row = await submission(trx, d.caseId);
        await t(trx).updateTable('state_bureau_submissions').set({ charges: JSON.stringify(d.charges), updated_at: now }).where('case_id', '=', d.caseId).execute();
        await ctx.send(Disposition.create({ from: AGENCY, to: ADDRESS.criminalRecords, correlationId: d.caseId, payload: d }));
        if (row.immigration === 'match') await ctx.send(Disposition.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: d.caseId, payload: d }));
        if (row.immigration !== 'awaiting-conviction') return;
        if (d.outcome === 'conviction') {
          await searchIdent(trx, ctx, row, 'a conviction was entered (share-after-conviction)');
        } else if (d.charges.every((c) => c.disposition === 'dismissed')) {
          await setImmigration(trx, row, 'never-searched-after-dismissal', true);
          await event(trx, d.caseId, 'ident-search-dropped', 'All charges dismissed: the deferred immigration search will never happen. Prints erased from the state bureau.');
        }
      } else {
        throw new Error(`state bureau: unexpected message type ${message.type}`);
      }
    },

    async immigrationSearchOf(d: AnyDatabase, caseId: string): Promise<ImmigrationSearchState | null> {
      const row = await t(d).selectFrom('state_bureau_submissions').select('immigration').where('case_id', '=', caseId).executeTakeFirst();
      return row?.immigration ?? null;
    },
  };
}
export type StateBureau = ReturnType<typeof createStateBureau>;
