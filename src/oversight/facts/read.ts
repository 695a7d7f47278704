/**
 * Reading facts: filtered by a time window on one of the stage times and by jurisdiction,
 * state or field office, or all of them page by page. Call `updateFacts` first to include the
 * newest events.
 */
import { tablesOf, type AnyDatabase } from '../../platform/store/index.ts';
import { OversightError } from './errors.ts';
import { factFromJson } from './serialize.ts';
import type { OversightTables } from './tables.ts';
import type { CaseFact } from './types.ts';

/** The stage time a window applies to. */
export type FactTime = 'bookedAt' | 'identifiedAt' | 'iceCustodyAt' | 'removedAt';
const COLUMN = { bookedAt: 'booked_at', identifiedAt: 'identified_at', iceCustodyAt: 'ice_custody_at', removedAt: 'removed_at' } as const;

export interface FactFilter {
  /** Window [from, to) in epoch ms on `on` (default bookedAt); a fact without that time is outside any window. */
  from?: number;
  to?: number;
  on?: FactTime;
  ori?: string;
  state?: string;
  aor?: string;
}

function check(filter: FactFilter): void {
  for (const k of ['from', 'to'] as const) {
    const v = filter[k];
    if (v !== undefined && !Number.isSafeInteger(v)) throw new OversightError('INVALID_WINDOW', `${k} must be an epoch-millisecond integer, got ${String(v)}`);
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) throw new OversightError('INVALID_WINDOW', `the window ends (${new Date(filter.to).toISOString()}) before it starts (${new Date(filter.from).toISOString()})`);
  if (filter.on !== undefined && !(filter.on in COLUMN)) throw new OversightError('INVALID_FILTER', `on must be one of ${Object.keys(COLUMN).join(', ')}, got "${String(filter.on)}"`);
}

function query(d: AnyDatabase, filter: FactFilter) {
  const column = COLUMN[filter.on ?? 'bookedAt'];
  let q = tablesOf<OversightTables>(d).selectFrom('oversight_case_facts').select(['case_id', 'fact']);
  if (filter.from !== undefined) q = q.where(column, '>=', filter.from);
  if (filter.to !== undefined) q = q.where(column, '<', filter.to);
  if (filter.ori !== undefined) q = q.where('ori', '=', filter.ori);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.aor !== undefined) q = q.where('aor', '=', filter.aor);
  return q;
}

/** The facts matching `filter`, in case id order. */
export async function readFacts(d: AnyDatabase, filter: FactFilter = {}): Promise<CaseFact[]> {
  check(filter);
  const rows = await query(d, filter).orderBy('case_id').execute();
  return rows.map((r) => factFromJson(r.case_id, r.fact));
}

/** Every fact matching `filter` (default: all), one at a time, read a page at a time in case id order. */
export async function* iterateFacts(d: AnyDatabase, filter: FactFilter = {}, pageSize = 5000): AsyncGenerator<CaseFact> {
  check(filter);
  let after: string | null = null;
  for (;;) {
    let q = query(d, filter).orderBy('case_id').limit(pageSize);
    if (after !== null) q = q.where('case_id', '>', after);
    const rows = await q.execute();
    for (const r of rows) yield factFromJson(r.case_id, r.fact);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].case_id;
  }
}

/** One case's facts, or null when the projection has none. */
export async function factOf(d: AnyDatabase, caseId: string): Promise<CaseFact | null> {
  const r = await tablesOf<OversightTables>(d).selectFrom('oversight_case_facts').select(['case_id', 'fact']).where('case_id', '=', caseId).executeTakeFirst();
  return r ? factFromJson(r.case_id, r.fact) : null;
}
