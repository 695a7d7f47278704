/**
 * FBI CJIS criminal repository: subjects with their fingerprints and rap sheets. A CAR is
 * searched 1:N against every subject (tenprint/): an identification adds the arrest to that
 * subject's rap sheet, otherwise a new subject is created and enrolled. Answers with the SRE
 * (EBTS, built by nist/ebts buildSre) and the structured prior convictions. Fingerprints never
 * leave this module; only the FBI number and the rap sheet do.
 */
import type { Generated } from 'kysely';
import type { FingerprintTemplate } from '../../biometrics/template/template.ts';
import type { Message } from '../../platform/messaging/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { buildErrt, buildSre, readCar, type FingerprintImage } from '../../nist/ebts/messages.ts';
import { NistError } from '../../nist/errors.ts';
import { serializeTransaction } from '../../nist/serialize.ts';
import { recordEvent } from '../case-log/index.ts';
import type { RecordsDeps } from '../deps.ts';
import { AgencyError } from '../errors.ts';
import { ADDRESS, Car, Disposition, Errt, rapSheetConviction, Sre, submissionAttachment, toBase64, type RapSheetConviction } from '../messages.ts';
import { confirmedMatch, decodeTemplate, encodeTemplate, type FingerTemplates } from '../tenprint/index.ts';

export interface CriminalRecordsTables {
  criminal_records_subjects: { fbi_number: string; name: string; date_of_birth: string; created_at: number };
  criminal_records_fingerprints: { fbi_number: string; position: number; template: string };
  criminal_records_rap_sheet: {
    seq: Generated<number>;
    fbi_number: string;
    kind: 'arrest' | 'conviction' | 'dismissal';
    case_id: string | null;
    ncic_code: string;
    date: string;
    detail: string;
  };
  criminal_records_submissions: { case_id: string; fbi_number: string; result: 'ident' | 'non-ident' | 'rejected'; score: number | null; answered_at: number };
}

export const criminalRecordsMigrations: ModuleMigrations = {
  module: 'criminal-records',
  migrations: [
    {
      name: '0001_subjects_rap_sheets',
      async up(db, kind) {
        await db.schema
          .createTable('criminal_records_subjects')
          .addColumn('fbi_number', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('date_of_birth', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('criminal_records_fingerprints')
          .addColumn('fbi_number', 'text', (c) => c.notNull().references('criminal_records_subjects.fbi_number'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('template', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('criminal_records_fingerprints_pk', ['fbi_number', 'position'])
          .execute();
        await db.schema
          .createTable('criminal_records_rap_sheet')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('fbi_number', 'text', (c) => c.notNull().references('criminal_records_subjects.fbi_number'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('case_id', 'text')
          .addColumn('ncic_code', 'text', (c) => c.notNull())
          .addColumn('date', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('criminal_records_rap_sheet_subject').on('criminal_records_rap_sheet').columns(['fbi_number', 'seq']).execute();
        await db.schema
          .createTable('criminal_records_submissions')
          .addColumn('case_id', 'text', (c) => c.primaryKey())
          .addColumn('fbi_number', 'text', (c) => c.notNull())
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('score', 'double precision')
          .addColumn('answered_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  ],
};

export interface CriminalSubjectInput {
  name: string;
  /** CCYYMMDD. */
  dateOfBirth: string;
  fingerprints: readonly FingerprintImage[];
  convictions?: RapSheetConviction[];
}

const AGENCY = 'criminal-records';
const FBI_ORI = 'DCFBIWAK0';

export function createCriminalRecords(deps: RecordsDeps) {
  const t = (d: AnyDatabase) => tablesOf<CriminalRecordsTables>(d);

  /** A new FBI number: 9 characters, unique in the repository. */
  const newFbiNumber = () => `F${deps.ids().slice(-8)}`;

  async function enrol(trx: AnyTransaction, fbiNumber: string, name: string, dateOfBirth: string, templates: FingerTemplates) {
    await t(trx).insertInto('criminal_records_subjects').values({ fbi_number: fbiNumber, name, date_of_birth: dateOfBirth, created_at: deps.clock.now() }).execute();
    for (const [position, template] of templates) await t(trx).insertInto('criminal_records_fingerprints').values({ fbi_number: fbiNumber, position, template: encodeTemplate(template) }).execute();
    deps.search.enroll(fbiNumber, templates);
  }

  async function convictionsOf(d: AnyDatabase, fbiNumber: string, exceptCase: string): Promise<RapSheetConviction[]> {
    const rows = await t(d).selectFrom('criminal_records_rap_sheet').selectAll().where('fbi_number', '=', fbiNumber).where('kind', '=', 'conviction').orderBy('seq').execute();
    return rows.filter((r) => r.case_id !== exceptCase).map((r) => rapSheetConviction.parse(JSON.parse(r.detail)));
  }

  return {
    migrations: criminalRecordsMigrations,

    /** Re-enrols every stored subject in the search (at start-up: the search index is memory). */
    async loadGallery(d: AnyDatabase): Promise<number> {
      const rows = await t(d).selectFrom('criminal_records_fingerprints').selectAll().orderBy('fbi_number').orderBy('position').execute();
      const bySubject = new Map<string, Map<number, FingerprintTemplate>>();
      for (const r of rows) {
        const m = bySubject.get(r.fbi_number) ?? new Map();
        m.set(r.position, decodeTemplate(r.template));
        bySubject.set(r.fbi_number, m);
      }
      for (const [id, m] of bySubject) deps.search.enroll(id, m);
      return bySubject.size;
    },

    /** Adds a subject with a criminal history (scenario set-up); returns the FBI number. */
    async addSubject(trx: AnyTransaction, input: CriminalSubjectInput): Promise<string> {
      if (input.fingerprints.length === 0) throw new AgencyError('INVALID_FINGERPRINTS', 'a subject needs at least one fingerprint');
      const convictions = (input.convictions ?? []).map((c) => {
        const r = rapSheetConviction.safeParse(c);
        if (!r.success) throw new AgencyError('INVALID_BOOKING', `invalid conviction: ${r.error.issues.map((i) => i.message).join('; ')}`);
        if (deps.policy.offenses.blocks.every((b) => b.block !== r.data.ncicCode.slice(0, 2))) throw new AgencyError('UNKNOWN_NCIC_CODE', `NCIC offense code "${r.data.ncicCode}" is not in the offense table`);
        return r.data;
      });
      const templates = deps.extractor.templatesOf(input.fingerprints);
      const fbiNumber = newFbiNumber();
      await enrol(trx, fbiNumber, input.name, input.dateOfBirth, templates);
      for (const c of convictions) await t(trx).insertInto('criminal_records_rap_sheet').values({ fbi_number: fbiNumber, kind: 'conviction', case_id: null, ncic_code: c.ncicCode, date: c.date, detail: JSON.stringify(c) }).execute();
      return fbiNumber;
    },

    async handle(message: Message, trx: AnyTransaction, ctx: { send: (m: { type: string; to: string; from?: string; payload: unknown }) => Promise<unknown> }): Promise<void> {
      const now = deps.clock.now();
      if (Car.is(message)) {
        const { payload: car } = Car.parse(message);
        const attachment = submissionAttachment(message);
        const done = await t(trx).selectFrom('criminal_records_submissions').select('case_id').where('case_id', '=', car.caseId).executeTakeFirst();
        if (done) return; // the same submission again: already answered
        // A missing attachment is the platform's fault, not the submitter's: it throws (retried, then a dead letter), no ERRT.
        const ebts = await deps.attachments.get(trx, attachment);
        let booking: ReturnType<typeof readCar>;
        let probe: FingerTemplates;
        try {
          booking = readCar(ebts);
          probe = deps.extractor.templatesOf(booking.fingerprints);
        } catch (error) {
          if (!(error instanceof AgencyError || error instanceof NistError)) throw error;
          // A submission that cannot be searched is answered with an ERRT, not retried.
          const problems = [error.message];
          const errt = buildErrt({ controlReference: car.tcn, problems, controllingAgency: car.ori }, { controlNumber: `ERR${car.tcn}`, destinationOri: car.ori, date: car.person.arrestDate.replaceAll('-', ''), originatingOri: FBI_ORI });
          await t(trx).insertInto('criminal_records_submissions').values({ case_id: car.caseId, fbi_number: '', result: 'rejected', score: null, answered_at: now }).execute();
          await ctx.send(Errt.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: car.caseId, payload: { caseId: car.caseId, ebts: toBase64(serializeTransaction(errt)), problems } }));
          await recordEvent(trx, { caseId: car.caseId, at: now, agency: AGENCY, kind: 'submission-rejected', summary: `Submission rejected (ERRT): ${problems.join('; ')}`, details: { problems } });
          return;
        }
        const found = await deps.search.search(probe);
        // The search index is memory: a candidate from a rolled-back enrolment is not in the table.
        const confirmed = await confirmedMatch(found, async (id) => (await t(trx).selectFrom('criminal_records_subjects').select('fbi_number').where('fbi_number', '=', id).executeTakeFirst()) !== undefined);
        const hit = confirmed && { fbiNumber: confirmed.subjectId, score: confirmed.fused };
        const fbiNumber = hit?.fbiNumber ?? newFbiNumber();
        if (!hit) await enrol(trx, fbiNumber, booking.name, booking.dateOfBirth, probe);
        const priorConvictions = await convictionsOf(trx, fbiNumber, car.caseId);
        for (const c of car.charges) await t(trx).insertInto('criminal_records_rap_sheet').values({ fbi_number: fbiNumber, kind: 'arrest', case_id: car.caseId, ncic_code: c.ncicCode, date: car.person.arrestDate, detail: JSON.stringify({ ori: car.ori, literal: c.literal }) }).execute();
        await t(trx).insertInto('criminal_records_submissions').values({ case_id: car.caseId, fbi_number: fbiNumber, result: hit ? 'ident' : 'non-ident', score: hit?.score ?? null, answered_at: now }).execute();
        const rapText = priorConvictions.map((c) => `${c.date} ${c.ncicCode} CONVICTED`).join('; ');
        const sre = buildSre(
          { controlReference: car.tcn, name: booking.name, controllingAgency: car.ori, result: hit ? { kind: 'ident', fbiNumber, ...(rapText ? { rapSheet: rapText } : {}) } : { kind: 'non-ident' } },
          { controlNumber: `SRE${car.tcn}`, destinationOri: car.ori, date: car.person.arrestDate.replaceAll('-', ''), originatingOri: FBI_ORI },
        );
        await ctx.send(Sre.create({ from: AGENCY, to: ADDRESS.stateBureau, correlationId: car.caseId, payload: { caseId: car.caseId, ebts: toBase64(serializeTransaction(sre)), result: hit ? 'ident' : 'non-ident', fbiNumber, priorConvictions } }));
        await recordEvent(trx, {
          caseId: car.caseId,
          at: now,
          agency: AGENCY,
          kind: 'criminal-search',
          summary: hit ? `FBI identification: subject ${fbiNumber} (fused score ${hit.score.toFixed(0)}), ${priorConvictions.length} prior conviction(s).` : `No FBI identification; new subject ${fbiNumber} enrolled.`,
          details: { fbiNumber, result: hit ? 'ident' : 'non-ident' },
        });
      } else if (Disposition.is(message)) {
        const { payload: d } = Disposition.parse(message);
        const sub = await t(trx).selectFrom('criminal_records_submissions').selectAll().where('case_id', '=', d.caseId).executeTakeFirst();
        if (!sub) throw new Error(`criminal records: disposition for unknown submission ${d.caseId}`);
        if (sub.result === 'rejected') {
          await recordEvent(trx, { caseId: d.caseId, at: now, agency: AGENCY, kind: 'ignored', summary: 'Disposition not posted: the submission was rejected, so no subject holds this arrest.', details: {} });
          return;
        }
        for (const code of d.ncicCodes) {
          const c = d.charges.find((x) => x.ncicCode === code);
          if (!c) continue;
          const date = new Date(d.at).toISOString().slice(0, 10);
          const detail = d.outcome === 'conviction' ? { ncicCode: code, date, severity: c.severity, maxSentenceMonths: c.maxSentenceMonths, tags: c.tags } : { ncicCode: code, date };
          await t(trx).insertInto('criminal_records_rap_sheet').values({ fbi_number: sub.fbi_number, kind: d.outcome === 'conviction' ? 'conviction' : 'dismissal', case_id: d.caseId, ncic_code: code, date, detail: JSON.stringify(detail) }).execute();
        }
        await recordEvent(trx, { caseId: d.caseId, at: now, agency: AGENCY, kind: 'rap-sheet-updated', summary: `Rap sheet of ${sub.fbi_number} updated: ${d.outcome} (${d.ncicCodes.join(', ')}).`, details: {} });
      } else {
        throw new Error(`criminal records: unexpected message type ${message.type}`);
      }
    },

    async rapSheetOf(d: AnyDatabase, fbiNumber: string) {
      const rows = await t(d).selectFrom('criminal_records_rap_sheet').selectAll().where('fbi_number', '=', fbiNumber).orderBy('seq').execute();
      return rows.map((r) => ({ kind: r.kind, caseId: r.case_id, ncicCode: r.ncic_code, date: r.date }));
    },
  };
}
export type CriminalRecords = ReturnType<typeof createCriminalRecords>;
