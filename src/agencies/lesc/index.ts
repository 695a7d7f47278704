/**
 * ICE's Law Enforcement Support Center: answers each IAQ with an IAR — the immigration status
 * determined from the IDENT encounters (status.ts) and the criminal Level classified by the
 * policy version in force that day. The IAR goes to the field office and, unless the
 * jurisdiction opted out of receiving IARs (routing), to the jail.
 */
import type { Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { evaluate, levelOfCode, parseCaseFacts, versionById } from '../../policy/index.ts';
import { recordEvent } from '../case-log/index.ts';
import { localDate, type AgencyDeps } from '../deps.ts';
import { routingFor } from '../jurisdictions/index.ts';
import { ADDRESS, Iaq, Iar } from '../messages.ts';
import { caseFactsOf, determineStatus } from './status.ts';

export interface LescTables {
  lesc_queries: {
    case_id: string;
    ori: string;
    received_at: number;
    status: string;
    level: number | null;
    policy_version: string;
    reasons: string;
    sent_to: string;
  };
}

export const lescMigrations: ModuleMigrations = {
  module: 'lesc',
  migrations: [
    {
      name: '0001_queries',
      async up(db) {
        await db.schema
          .createTable('lesc_queries')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('ori', 'text', (c) => c.notNull())
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('level', 'integer')
          .addColumn('policy_version', 'text', (c) => c.notNull())
          .addColumn('reasons', 'text', (c) => c.notNull())
          .addColumn('sent_to', 'text', (c) => c.notNull())
          .execute();
      },
    },
  ],
};

const AGENCY = 'lesc';

export function createLesc(deps: AgencyDeps) {
  const t = (d: AnyDatabase) => tablesOf<LescTables>(d);
  return {
    migrations: lescMigrations,

    async handle(message: Message, trx: AnyTransaction, ctx: { send: (m: { type: string; to: string; from?: string; payload: unknown }) => Promise<unknown> }): Promise<void> {
      if (!Iaq.is(message)) throw new Error(`lesc: unexpected message type ${message.type}`);
      const now = deps.clock.now();
      const { payload: iaq } = Iaq.parse(message);
      const done = await t(trx).selectFrom('lesc_queries').select('case_id').where('case_id', '=', iaq.caseId).executeTakeFirst();
      if (done) return; // answered already
      const jurisdiction = await deps.jurisdictions.jurisdictionOf(trx, iaq.ori);
      const determination = determineStatus(iaq.encounters, iaq.person);
      const factsInput = caseFactsOf({ person: iaq.person, encounters: iaq.encounters, charges: iaq.charges, priorConvictions: iaq.priorConvictions, determination });
      const asOf = localDate(now, jurisdiction.timeZone);
      const classification = evaluate(deps.policy, parseCaseFacts(factsInput), { asOf });
      const levelReasons = classification.reasons.filter((r) => r.rule.startsWith('version.') || r.rule.startsWith('level'));
      const routing = routingFor(await deps.jurisdictions.participationAt(trx, iaq.ori, now));
      const payload = {
        caseId: iaq.caseId,
        ori: iaq.ori,
        status: determination.status,
        statusReasons: determination.reasons,
        citizenshipIndications: determination.citizenshipIndications,
        level: classification.level.value,
        policyVersion: classification.version.id,
        levelReasons: levelReasons.length > 0 ? levelReasons : classification.reasons.slice(0, 1),
        facts: factsInput,
      };
      const sentTo: string[] = [ADDRESS.fieldOffice];
      await ctx.send(Iar.create({ from: AGENCY, to: ADDRESS.fieldOffice, correlationId: iaq.caseId, payload }));
      if (routing.iarToJail) {
        sentTo.push(ADDRESS.booking);
        await ctx.send(Iar.create({ from: AGENCY, to: ADDRESS.booking, correlationId: iaq.caseId, payload }));
      }
      await t(trx)
        .insertInto('lesc_queries')
        .values({ case_id: iaq.caseId, ori: iaq.ori, received_at: now, status: determination.status, level: classification.level.value, policy_version: classification.version.id, reasons: JSON.stringify({ status: determination.reasons, level: payload.levelReasons }), sent_to: JSON.stringify(sentTo) })
        .execute();
      await recordEvent(trx, {
        caseId: iaq.caseId,
        at: now,
        agency: AGENCY,
        kind: 'iar-sent',
        summary: `IAR: status ${determination.status}, Level ${classification.level.value ?? 'none (non-criminal)'} under ${classification.version.id}; sent to ${sentTo.join(' and ')}${routing.iarToJail ? '' : ' (the jurisdiction opted out of receiving IARs)'}.`,
        details: {
          status: determination.status,
          statusReasons: determination.reasons,
          citizenshipIndications: determination.citizenshipIndications,
          level: classification.level,
          policyVersion: classification.version.id,
          reasons: payload.levelReasons,
          sentTo,
          // For oversight (src/oversight/facts): the Level by conviction and each prior conviction's Level under the same version.
          ori: iaq.ori,
          convictionLevel: classification.convictionLevel,
          priorConvictions: iaq.priorConvictions.map((c) => ({ ncicCode: c.ncicCode, date: c.date, level: levelOfCode(versionById(deps.policy, classification.version.id).levels, c.ncicCode, c).level })),
        },
      });
    },

    async queryOf(d: AnyDatabase, caseId: string) {
      const row = await t(d).selectFrom('lesc_queries').selectAll().where('case_id', '=', caseId).executeTakeFirst();
      return row ? { status: row.status, level: row.level, policyVersion: row.policy_version, sentTo: JSON.parse(row.sent_to) as string[] } : null;
    },
  };
}
export type Lesc = ReturnType<typeof createLesc>;
