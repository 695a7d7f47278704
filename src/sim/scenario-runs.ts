/**
 * What a store remembers of the scenarios played into it, and the checks that keep a second
 * file from silently corrupting the first one's world:
 *
 * - every scenario kept in a store is recorded (name, SHA-256 of its parsed content, when, how
 *   many cases), so playing it again — the same name or the same content — is refused with
 *   `SCENARIO_ALREADY_PLAYED` unless the caller asks to append (`seccom scenario run --append`);
 *   without the check a second run doubles every figure the statistics and the audit report;
 * - a scenario naming an ORI the store already holds must describe it as the store does: the
 *   same participation history (`PARTICIPATION_CONFLICT`) and the same registry entry
 *   (`JURISDICTION_CONFLICT`). Before, the second file's participation was silently ignored.
 */
import { createHash } from 'node:crypto';
import type { Generated } from 'kysely';
import type { Jurisdiction, ParticipationRecord } from '../agencies/jurisdictions/index.ts';
import { tablesOf, type AnyDatabase, type ModuleMigrations } from '../platform/store/index.ts';
import { parseInstant } from '../policy/dates.ts';

export type ScenarioRunErrorCode = 'SCENARIO_ALREADY_PLAYED' | 'PARTICIPATION_CONFLICT' | 'JURISDICTION_CONFLICT';

/** A scenario that cannot be played into this store as it stands; nothing of it was kept. */
export class ScenarioRunError extends Error {
  override readonly name = 'ScenarioRunError';

  constructor(
    readonly code: ScenarioRunErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ScenarioRunTables {
  scenario_runs: {
    seq: Generated<number>;
    name: string;
    /** SHA-256 (hex) of the parsed scenario, keys sorted: the same file always gives the same hash. */
    content_hash: string;
    /** Wall-clock time it was played (epoch ms), not the scenario's own clock. */
    played_at: number;
    /** 1 when it was played with --append over an earlier run of the same scenario. */
    appended: number;
    cases: number;
  };
}

export const scenarioRunMigrations: ModuleMigrations = {
  module: 'scenario-runs',
  migrations: [
    {
      name: '0001_scenario_runs',
      async up(db, kind) {
        await db.schema
          .createTable('scenario_runs')
          .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('content_hash', 'text', (c) => c.notNull())
          .addColumn('played_at', 'bigint', (c) => c.notNull())
          .addColumn('appended', 'integer', (c) => c.notNull())
          .addColumn('cases', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('scenario_runs_name').on('scenario_runs').columns(['name']).execute();
        await db.schema.createIndex('scenario_runs_content_hash').on('scenario_runs').columns(['content_hash']).execute();
      },
    },
  ],
};

/** JSON with object keys sorted at every level: the same content whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function scenarioContentHash(scenario: unknown): string {
  return createHash('sha256').update(canonical(scenario)).digest('hex');
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Refuses a scenario already kept in this store (by name or by content) unless `append`. */
export async function refuseReplay(db: AnyDatabase, name: string, contentHash: string, append: boolean): Promise<boolean> {
  const earlier = await tablesOf<ScenarioRunTables>(db).selectFrom('scenario_runs').selectAll().where((eb) => eb.or([eb('name', '=', name), eb('content_hash', '=', contentHash)])).orderBy('seq').execute();
  if (earlier.length === 0) return false;
  if (append) return true;
  const first = earlier[0];
  const same = first.content_hash === contentHash ? (first.name === name ? 'this scenario' : `the same content as scenario "${first.name}"`) : `scenario "${name}" (another version of it, content ${first.content_hash.slice(0, 12)}…)`;
  throw new ScenarioRunError('SCENARIO_ALREADY_PLAYED', `${same} was already played into this store at ${iso(Number(first.played_at))}${earlier.length > 1 ? ` (${earlier.length} times)` : ''}; playing it again would count every case twice. Use a new store, or give --append to add its cases once more`);
}

/** How many runs the store records, of every scenario. */
export async function countRuns(db: AnyDatabase): Promise<number> {
  const row = await tablesOf<ScenarioRunTables>(db).selectFrom('scenario_runs').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function recordRun(db: AnyDatabase, run: { name: string; contentHash: string; playedAt: number; appended: boolean; cases: number }): Promise<void> {
  await tablesOf<ScenarioRunTables>(db).insertInto('scenario_runs').values({ name: run.name, content_hash: run.contentHash, played_at: run.playedAt, appended: run.appended ? 1 : 0, cases: run.cases }).execute();
}

/** A jurisdiction as a scenario file describes it (the fields compared here). */
export interface JurisdictionDescription {
  ori: string;
  name: string;
  state: string;
  county: string;
  timeZone: string;
  aor: string;
  activated?: string | undefined;
  participation: readonly { mode: string; effective: string; seriousOffenses?: readonly string[] | undefined }[];
  /** Absent: true (a jail that releases at the lapse), as the registry defaults it. */
  releasesAtLapse?: boolean | undefined;
}

interface Change {
  mode: string;
  effectiveAt: number;
  seriousOffenses: readonly string[];
}

const describeChanges = (changes: readonly Change[]) => (changes.length === 0 ? 'no participation change' : changes.map((c) => `${c.mode} from ${iso(c.effectiveAt)}${c.seriousOffenses.length ? ` (serious offenses ${c.seriousOffenses.join(' ')})` : ''}`).join(', '));

/** The file's participation changes in the order the registry keeps them (effective, then file order). */
function changesOfFile(j: JurisdictionDescription): Change[] {
  const all = [...(j.activated ? [{ mode: 'activated', effective: j.activated }] : []), ...j.participation];
  return all.map((c, i) => ({ i, mode: c.mode, effectiveAt: parseInstant(c.effective) ?? Number.NaN, seriousOffenses: [...(('seriousOffenses' in c && c.seriousOffenses) || [])].sort() })).sort((a, b) => a.effectiveAt - b.effectiveAt || a.i - b.i).map(({ mode, effectiveAt, seriousOffenses }) => ({ mode, effectiveAt, seriousOffenses }));
}

/**
 * Refuses a file whose description of an ORI already in the store differs from the store's:
 * registry fields first, including whether the jail releases at a hold's lapse (`JURISDICTION_CONFLICT`), then the participation history — modes,
 * effective instants and serious-offense lists; notice texts and dates are not compared
 * (`PARTICIPATION_CONFLICT`). The same description is fine: the jurisdiction is reused.
 */
export function assertSameJurisdiction(file: JurisdictionDescription, stored: Jurisdiction, history: readonly ParticipationRecord[]): void {
  const fields = (['name', 'state', 'county', 'timeZone', 'aor'] as const).filter((k) => file[k] !== stored[k]);
  const releases = file.releasesAtLapse ?? true;
  if (releases !== stored.releasesAtLapse) throw new ScenarioRunError('JURISDICTION_CONFLICT', `${file.ori} is already in this store as a jail that ${stored.releasesAtLapse ? 'releases' : 'does not release'} at a hold's lapse; the scenario says releasesAtLapse ${releases}`);
  if (fields.length > 0) throw new ScenarioRunError('JURISDICTION_CONFLICT', `${file.ori} is already in this store with ${fields.map((k) => `${k} "${stored[k]}"`).join(', ')}; the scenario says ${fields.map((k) => `${k} "${file[k]}"`).join(', ')}`);
  const want = changesOfFile(file);
  const have: Change[] = history.map((h) => ({ mode: h.mode, effectiveAt: h.effectiveAt, seriousOffenses: [...h.seriousOffenses].sort() }));
  const same = want.length === have.length && want.every((w, i) => w.mode === have[i].mode && w.effectiveAt === have[i].effectiveAt && w.seriousOffenses.join(',') === have[i].seriousOffenses.join(','));
  if (!same) throw new ScenarioRunError('PARTICIPATION_CONFLICT', `${file.ori} (${stored.name}) is already in this store with a different participation history: the store has ${describeChanges(have)}; the scenario has ${describeChanges(want)}. Use a new store, or describe ${file.ori} as the store does`);
}
