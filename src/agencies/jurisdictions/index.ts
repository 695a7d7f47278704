/**
 * Jurisdictions: the registry of local agencies (ORI, state, county, time zone, the ICE area of
 * responsibility) and the history of their participation. A participation change is recorded
 * with the notice given to the state and to the jurisdiction; nothing is switched on silently.
 * Other agencies read it through `jurisdictionOf` / `participationAt` (reference data, read-only).
 */
import type { Generated, Selectable } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../platform/clock/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction, type ModuleMigrations } from '../../platform/store/index.ts';
import { resolveTimeZone } from '../../policy/detainer-clock.ts';
import { AgencyError } from '../errors.ts';
import { PARTICIPATION_MODES, routingFor, type Participation, type ParticipationMode, type Routing } from './routing.ts';

export { PARTICIPATION_MODES, routingFor, type Participation, type ParticipationMode, type Routing };

export interface JurisdictionTables {
  jurisdictions: {
    ori: string;
    name: string;
    state: string;
    county: string;
    time_zone: string;
    aor: string;
    /** When the jurisdiction was first activated (epoch ms), null while never activated. */
    activated_at: number | null;
    registered_at: number;
  };
  jurisdiction_participation_changes: {
    seq: Generated<number>;
    ori: string;
    mode: string;
    effective_at: number;
    serious_offenses: string;
    notice_to_state: string;
    notice_to_jurisdiction: string;
    recorded_at: number;
  };
}

export const jurisdictionMigrations: ModuleMigrations = {
  module: 'jurisdictions',
  migrations: [
    {
      name: '0001_jurisdictions',
      async up(db, kind) {
        await db.schema
          .createTable('jurisdictions')
          .addColumn('ori', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('county', 'text', (c) => c.notNull())
          .addColumn('time_zone', 'text', (c) => c.notNull())
          .addColumn('aor', 'text', (c) => c.notNull())
          .addColumn('activated_at', 'bigint')
          .addColumn('registered_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('jurisdiction_participation_changes')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('ori', 'text', (c) => c.notNull().references('jurisdictions.ori'))
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('effective_at', 'bigint', (c) => c.notNull())
          .addColumn('serious_offenses', 'text', (c) => c.notNull())
          .addColumn('notice_to_state', 'text', (c) => c.notNull())
          .addColumn('notice_to_jurisdiction', 'text', (c) => c.notNull())
          .addColumn('recorded_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('jurisdiction_participation_ori').on('jurisdiction_participation_changes').columns(['ori', 'effective_at']).execute();
      },
    },
  ],
};

export interface Jurisdiction {
  ori: string;
  name: string;
  state: string;
  county: string;
  timeZone: string;
  aor: string;
  activatedAt: number | null;
}

const jurisdictionInput = z
  .object({
    ori: z.string().regex(/^[A-Z0-9]{9}$/, 'ORI must be 9 uppercase letters or digits'),
    name: z.string().min(1),
    state: z.string().regex(/^[A-Z]{2}$/, 'state must be a 2-letter code'),
    county: z.string().min(1),
    timeZone: z.string().min(1),
    aor: z.string().min(1),
  })
  .strict();
export type JurisdictionInput = z.infer<typeof jurisdictionInput>;

const notice = z.object({ givenAt: z.number().int(), text: z.string().min(1, 'a notice needs its text') }).strict();
export type Notice = z.infer<typeof notice>;

const changeInput = z
  .object({
    mode: z.enum(PARTICIPATION_MODES),
    effectiveAt: z.number().int(),
    noticeToState: notice,
    noticeToJurisdiction: notice,
    seriousOffenses: z.array(z.string().regex(/^\d{2}(\d{2})?$/, 'an NCIC code (4 digits) or block (2 digits)')).default([]),
  })
  .strict()
  .refine((c) => c.noticeToState.givenAt <= c.effectiveAt && c.noticeToJurisdiction.givenAt <= c.effectiveAt, { message: 'notices must be given on or before the effective date' })
  .refine((c) => c.mode !== 'declines-detainers' || c.seriousOffenses.length > 0, { message: 'declines-detainers needs the list of serious offenses', path: ['seriousOffenses'] });
export type ParticipationChange = z.input<typeof changeInput>;

export interface ParticipationRecord extends Participation {
  effectiveAt: number;
  noticeToState: Notice;
  noticeToJurisdiction: Notice;
  recordedAt: number;
}

const problems = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');

type ChangeRow = Selectable<JurisdictionTables['jurisdiction_participation_changes']>;

/**
 * Reference data read once per transaction: a booking's chain asks for its jurisdiction and
 * participation in nearly every handler, all in one delivery transaction. Only transactions
 * are memoised (a transaction sees one registry); writes here drop the memo.
 */
interface Memo {
  jurisdictions: Map<string, Jurisdiction>;
  /** Each ORI's changes in (effective_at, seq) order. */
  changes: Map<string, ChangeRow[]>;
}
const memos = new WeakMap<object, Memo>();
const memoOf = (d: AnyDatabase): Memo | undefined => {
  if (!d.isTransaction) return undefined;
  let memo = memos.get(d);
  if (!memo) memos.set(d, (memo = { jurisdictions: new Map(), changes: new Map() }));
  return memo;
};

export function createJurisdictions({ clock }: { clock: Clock }) {
  const db = (d: AnyDatabase) => tablesOf<JurisdictionTables>(d);

  async function jurisdictionOf(d: AnyDatabase, ori: string): Promise<Jurisdiction> {
    const memo = memoOf(d);
    const hit = memo?.jurisdictions.get(ori);
    if (hit) return hit;
    const row = await db(d).selectFrom('jurisdictions').selectAll().where('ori', '=', ori).executeTakeFirst();
    if (!row) throw new AgencyError('UNKNOWN_ORI', `no jurisdiction with ORI "${ori}" is registered`);
    const j = { ori: row.ori, name: row.name, state: row.state, county: row.county, timeZone: row.time_zone, aor: row.aor, activatedAt: row.activated_at === null ? null : Number(row.activated_at) };
    memo?.jurisdictions.set(ori, j);
    return j;
  }

  async function changesOf(d: AnyDatabase, ori: string): Promise<ChangeRow[]> {
    const memo = memoOf(d);
    const hit = memo?.changes.get(ori);
    if (hit) return hit;
    const rows = await db(d).selectFrom('jurisdiction_participation_changes').selectAll().where('ori', '=', ori).orderBy('effective_at').orderBy('seq').execute();
    memo?.changes.set(ori, rows);
    return rows;
  }

  return {
    jurisdictionOf,

    /** Every registered jurisdiction, optionally only one state's or one field office's, by ORI. */
    async list(d: AnyDatabase, filter: { state?: string; aor?: string } = {}): Promise<Jurisdiction[]> {
      let q = db(d).selectFrom('jurisdictions').selectAll();
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      if (filter.aor !== undefined) q = q.where('aor', '=', filter.aor);
      const rows = await q.orderBy('ori').execute();
      return rows.map((row) => ({ ori: row.ori, name: row.name, state: row.state, county: row.county, timeZone: row.time_zone, aor: row.aor, activatedAt: row.activated_at === null ? null : Number(row.activated_at) }));
    },

    /** Registers a jurisdiction; it starts not activated. */
    async register(trx: AnyTransaction, input: JurisdictionInput): Promise<Jurisdiction> {
      const parsed = jurisdictionInput.safeParse(input);
      if (!parsed.success) throw new AgencyError('INVALID_JURISDICTION', `invalid jurisdiction: ${problems(parsed.error)}`);
      let timeZone: string;
      try {
        timeZone = resolveTimeZone(parsed.data.timeZone);
      } catch {
        throw new AgencyError('INVALID_JURISDICTION', `unknown time zone "${parsed.data.timeZone}"`);
      }
      const existing = await db(trx).selectFrom('jurisdictions').select('ori').where('ori', '=', parsed.data.ori).executeTakeFirst();
      if (existing) throw new AgencyError('DUPLICATE_ORI', `ORI "${parsed.data.ori}" is already registered`);
      await db(trx)
        .insertInto('jurisdictions')
        .values({ ori: parsed.data.ori, name: parsed.data.name, state: parsed.data.state, county: parsed.data.county, aor: parsed.data.aor, time_zone: timeZone, activated_at: null, registered_at: clock.now() })
        .execute();
      memos.delete(trx);
      return jurisdictionOf(trx, parsed.data.ori);
    },

    /**
     * Records a change of participation, effective at `effectiveAt`, with both notices. Changes
     * apply in effective order; a booking is routed by the mode in force when it is booked.
     */
    async changeParticipation(trx: AnyTransaction, ori: string, change: ParticipationChange): Promise<ParticipationRecord> {
      const parsed = changeInput.safeParse(change);
      if (!parsed.success) throw new AgencyError('INVALID_PARTICIPATION_CHANGE', `invalid participation change for ${ori}: ${problems(parsed.error)}`);
      const j = await jurisdictionOf(trx, ori);
      const c = parsed.data;
      const recordedAt = clock.now();
      await db(trx)
        .insertInto('jurisdiction_participation_changes')
        .values({
          ori,
          mode: c.mode,
          effective_at: c.effectiveAt,
          serious_offenses: JSON.stringify(c.seriousOffenses),
          notice_to_state: JSON.stringify(c.noticeToState),
          notice_to_jurisdiction: JSON.stringify(c.noticeToJurisdiction),
          recorded_at: recordedAt,
        })
        .execute();
      if (c.mode !== 'not-activated' && c.mode !== 'withdrawn' && (j.activatedAt === null || c.effectiveAt < j.activatedAt)) {
        await db(trx).updateTable('jurisdictions').set({ activated_at: c.effectiveAt }).where('ori', '=', ori).execute();
      }
      memos.delete(trx); // this transaction's later reads see the change
      return { mode: c.mode, effectiveAt: c.effectiveAt, seriousOffenses: c.seriousOffenses, noticeToState: c.noticeToState, noticeToJurisdiction: c.noticeToJurisdiction, recordedAt };
    },

    /** Every recorded change, in effective order. */
    async history(d: AnyDatabase, ori: string): Promise<ParticipationRecord[]> {
      await jurisdictionOf(d, ori);
      const rows = await changesOf(d, ori);
      return rows.map((r) => ({
        mode: r.mode as ParticipationMode,
        effectiveAt: Number(r.effective_at),
        seriousOffenses: JSON.parse(r.serious_offenses) as string[],
        noticeToState: JSON.parse(r.notice_to_state) as Notice,
        noticeToJurisdiction: JSON.parse(r.notice_to_jurisdiction) as Notice,
        recordedAt: Number(r.recorded_at),
      }));
    },

    /** The participation in force at `at`: the latest change effective on or before it. */
    async participationAt(d: AnyDatabase, ori: string, at: number): Promise<Participation> {
      await jurisdictionOf(d, ori);
      const rows = await changesOf(d, ori);
      // The latest in (effective_at, seq) order that is in force at `at`.
      let row: ChangeRow | undefined;
      for (const r of rows) if (Number(r.effective_at) <= at) row = r;
      if (!row) return { mode: 'not-activated', effectiveAt: null, seriousOffenses: [] };
      return { mode: row.mode as ParticipationMode, effectiveAt: Number(row.effective_at), seriousOffenses: JSON.parse(row.serious_offenses) as string[] };
    },
  };
}
export type Jurisdictions = ReturnType<typeof createJurisdictions>;
