/**
 * DHS IDENT: identities with their fingerprints and encounters (visa, admission, apprehension,
 * removal, benefit, naturalization). An immigration search request is searched 1:N against
 * every identity; the IDR says match (with the identity's encounters, never its biometrics)
 * or no match.
 */
import type { Generated } from 'kysely';
import type { FingerprintTemplate } from '../../biometrics/template/template.ts';
import type { Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { readCar, type FingerprintImage } from '../../nist/ebts/messages.ts';
import { recordEvent } from '../case-log/index.ts';
import type { RecordsDeps } from '../deps.ts';
import { AgencyError } from '../errors.ts';
import { ADDRESS, encounter as encounterSchema, IdentSearch, Idr, submissionAttachment, type Encounter } from '../messages.ts';
import { confirmedMatch, decodeTemplate, encodeTemplate } from '../tenprint/index.ts';

export interface ImmigrationRecordsTables {
  immigration_records_identities: { identity_id: string; name: string; created_at: number };
  immigration_records_fingerprints: { identity_id: string; position: number; template: string };
  immigration_records_encounters: { seq: Generated<number>; identity_id: string; kind: string; date: string; detail: string };
  immigration_records_searches: { case_id: string; result: 'match' | 'no-match'; identity_id: string | null; score: number | null; searched_at: number };
}

export const immigrationRecordsMigrations: ModuleMigrations = {
  module: 'immigration-records',
  migrations: [
    {
      name: '0001_identities_encounters',
      async up(db, kind) {
        await db.schema
          .createTable('immigration_records_identities')
          .addColumn('identity_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('immigration_records_fingerprints')
          .addColumn('identity_id', 'text', (c) => c.notNull().references('immigration_records_identities.identity_id'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('template', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('immigration_records_fingerprints_pk', ['identity_id', 'position'])
          .execute();
        await db.schema
          .createTable('immigration_records_encounters')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('identity_id', 'text', (c) => c.notNull().references('immigration_records_identities.identity_id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('date', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('immigration_records_searches')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('identity_id', 'text')
          .addColumn('score', 'double precision')
          .addColumn('searched_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  ],
};

export interface IdentityInput {
  name: string;
  fingerprints: readonly FingerprintImage[];
  encounters: Encounter[];
}

const AGENCY = 'immigration-records';

export function createImmigrationRecords(deps: RecordsDeps) {
  const t = (d: AnyDatabase) => tablesOf<ImmigrationRecordsTables>(d);

  async function encountersOf(d: AnyDatabase, identityId: string): Promise<Encounter[]> {
    const rows = await t(d).selectFrom('immigration_records_encounters').selectAll().where('identity_id', '=', identityId).orderBy('date').orderBy('seq').execute();
    return rows.map((r) => encounterSchema.parse(JSON.parse(r.detail)));
  }

  return {
    migrations: immigrationRecordsMigrations,
    encountersOf,

    async loadGallery(d: AnyDatabase): Promise<number> {
      const rows = await t(d).selectFrom('immigration_records_fingerprints').selectAll().orderBy('identity_id').orderBy('position').execute();
      const by = new Map<string, Map<number, FingerprintTemplate>>();
      for (const r of rows) by.set(r.identity_id, (by.get(r.identity_id) ?? new Map<number, FingerprintTemplate>()).set(r.position, decodeTemplate(r.template)));
      for (const [id, m] of by) deps.search.enroll(id, m);
      return by.size;
    },

    /** Adds an identity with its encounters (scenario set-up); returns its id. */
    async addIdentity(trx: AnyTransaction, input: IdentityInput): Promise<string> {
      if (input.fingerprints.length === 0) throw new AgencyError('INVALID_FINGERPRINTS', 'an identity needs at least one fingerprint');
      const encounters = input.encounters.map((e) => {
        const r = encounterSchema.safeParse(e);
        if (!r.success) throw new AgencyError('INVALID_BOOKING', `invalid encounter: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return r.data;
      });
      const templates = deps.extractor.templatesOf(input.fingerprints);
      const identityId = `IDENT-${deps.ids()}`;
      await t(trx).insertInto('immigration_records_identities').values({ identity_id: identityId, name: input.name, created_at: deps.clock.now() }).execute();
      for (const [position, template] of templates) await t(trx).insertInto('immigration_records_fingerprints').values({ identity_id: identityId, position, template: encodeTemplate(template) }).execute();
      for (const e of encounters) await t(trx).insertInto('immigration_records_encounters').values({ identity_id: identityId, kind: e.kind, date: e.date, detail: JSON.stringify(e) }).execute();
      deps.search.enroll(identityId, templates);
      return identityId;
    },

    async handle(message: Message, trx: AnyTransaction, ctx: { send: (m: { type: string; to: string; from?: string; payload: unknown }) => Promise<unknown> }): Promise<void> {
      if (!IdentSearch.is(message)) throw new Error(`immigration records: unexpected message type ${message.type}`);
      const now = deps.clock.now();
      const { payload: req } = IdentSearch.parse(message);
      const attachment = submissionAttachment(message);
      const done = await t(trx).selectFrom('immigration_records_searches').select('case_id').where('case_id', '=', req.caseId).executeTakeFirst();
      if (done) return; // the same request again: already answered
      const probe = deps.extractor.templatesOf(readCar(await deps.attachments.get(trx, attachment)).fingerprints);
      const found = await deps.search.search(probe);
      // The search index is memory: a candidate from a rolled-back enrolment is not in the table.
      const confirmed = await confirmedMatch(found, async (id) => (await t(trx).selectFrom('immigration_records_identities').select('identity_id').where('identity_id', '=', id).executeTakeFirst()) !== undefined);
      const hit = confirmed && { identityId: confirmed.subjectId, score: confirmed.fused };
      await t(trx).insertInto('immigration_records_searches').values({ case_id: req.caseId, result: hit ? 'match' : 'no-match', identity_id: hit?.identityId ?? null, score: hit?.score ?? null, searched_at: now }).execute();
      if (hit) {
        const encounters = await encountersOf(trx, hit.identityId);
        await ctx.send(Idr.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: req.caseId, payload: { result: 'match', caseId: req.caseId, identityId: hit.identityId, score: hit.score, encounters } }));
        await recordEvent(trx, { caseId: req.caseId, at: now, agency: AGENCY, kind: 'ident-match', summary: `IDENT match: identity ${hit.identityId} (fused score ${hit.score.toFixed(0)}), ${encounters.length} encounter(s).`, details: { identityId: hit.identityId, score: hit.score } });
      } else {
        await ctx.send(Idr.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: req.caseId, payload: { result: 'no-match', caseId: req.caseId } }));
        await recordEvent(trx, { caseId: req.caseId, at: now, agency: AGENCY, kind: 'ident-no-match', summary: 'IDENT: no match.', details: { bestScore: found.candidates[0]?.fused ?? null } });
      }
    },
  };
}
export type ImmigrationRecords = ReturnType<typeof createImmigrationRecords>;
