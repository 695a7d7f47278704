/**
 * The rebuild's inner loop, shared by the single-threaded rebuild and its worker threads: the
 * case log read case by case (index order) within an optional case-id range, each case's
 * events folded into its facts. Kinds the facts never use are not read (they are counted
 * from the total afterwards).
 */
import { sql } from 'kysely';
import { type CaseLogTables } from '../../agencies/case-log/index.ts';
import { tablesOf, type AnyDatabase, type AnyTransaction } from '../../platform/store/index.ts';
import { applyEvent, deriveFact, KINDS_NOT_USED, KINDS_WITH_DETAILS } from './apply.ts';
import type { OversightTables } from './tables.ts';
import { emptyFact, type CaseFact, type LogEvent, type Registry } from './types.ts';

export const FACTS_PROJECTION = 'facts';

export interface EventIssue {
  issue: 'unknown-kind' | 'malformed';
  kind: string;
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** For malformed details: the first problem seen. */
  example: string;
}

/** Details are read only for the kinds that need them; the rest of the log is not parsed. */
export const detailsColumn = () => sql<string | null>`case when kind in (${sql.join(KINDS_WITH_DETAILS)}) then details else null end`.as('details');

export class IssueTally {
  readonly byKey = new Map<string, EventIssue>();
  add(issue: EventIssue['issue'], e: LogEvent, example: string): void {
    const key = `${issue}\u0000${e.kind}`;
    const x = this.byKey.get(key);
    if (x) {
      x.count += 1;
      x.lastSeq = Math.max(x.lastSeq, e.seq);
      x.firstSeq = Math.min(x.firstSeq, e.seq);
    } else this.byKey.set(key, { issue, kind: e.kind, count: 1, firstSeq: e.seq, lastSeq: e.seq, example });
  }
  addIssue(v: EventIssue): void {
    const key = `${v.issue}\u0000${v.kind}`;
    const x = this.byKey.get(key);
    if (x) {
      x.count += v.count;
      x.firstSeq = Math.min(x.firstSeq, v.firstSeq);
      x.lastSeq = Math.max(x.lastSeq, v.lastSeq);
    } else this.byKey.set(key, { ...v });
  }
  merge(into: IssueTally): void {
    for (const v of this.byKey.values()) into.addIssue(v);
  }
  async write(trx: AnyTransaction): Promise<void> {
    for (const v of this.byKey.values()) {
      await tablesOf<OversightTables>(trx)
        .insertInto('oversight_event_issues')
        .values({ projection: FACTS_PROJECTION, issue: v.issue, kind: v.kind, count: v.count, first_seq: v.firstSeq, last_seq: v.lastSeq, example: v.example })
        .onConflict((oc) =>
          oc.columns(['projection', 'issue', 'kind']).doUpdateSet((eb) => ({
            count: sql<number>`${eb.ref('oversight_event_issues.count')} + ${eb.ref('excluded.count')}`,
            last_seq: sql<number>`case when ${eb.ref('excluded.last_seq')} > ${eb.ref('oversight_event_issues.last_seq')} then ${eb.ref('excluded.last_seq')} else ${eb.ref('oversight_event_issues.last_seq')} end`,
          })),
        )
        .execute();
    }
  }
}

export interface Tallies {
  applied: number;
  notUsed: number;
  issues: IssueTally;
}

export function newTallies(): Tallies {
  return { applied: 0, notUsed: 0, issues: new IssueTally() };
}

export function fold(f: CaseFact, e: LogEvent, registry: Registry, t: Tallies, derive = true): void {
  const r = applyEvent(f, e, registry, { derive });
  if (r.status === 'applied') t.applied += 1;
  else if (r.status === 'not-used') t.notUsed += 1;
  else if (r.status === 'unknown-kind') t.issues.add('unknown-kind', e, 'not an event kind the agencies write; skipped');
  else t.issues.add('malformed', e, r.problem);
}

export interface RangeOptions {
  /** Events with seq ≤ top. */
  top: number;
  /** Case ids ≥ from (inclusive) and < to (exclusive); unbounded when null. */
  from: string | null;
  to: string | null;
  pageSize: number;
}

/**
 * Folds every case of the range; yields finished facts (derived, with at least one applied
 * event) a page at a time, and counts the rows read in `onRows`.
 */
export async function* foldRange(d: AnyDatabase, registry: Registry, o: RangeOptions, tallies: Tallies, onRows: (n: number) => void): AsyncGenerator<CaseFact[]> {
  let current: CaseFact | null = null;
  const e: LogEvent = { seq: 0, caseId: '', at: 0, kind: '', details: null };
  let cursor: { caseId: string; seq: number } | null = null;
  for (;;) {
    let q = tablesOf<CaseLogTables>(d).selectFrom('case_log_events').select(['seq', 'case_id', 'at', 'kind', detailsColumn()]).where('seq', '<=', o.top).where('kind', 'not in', KINDS_NOT_USED);
    if (cursor !== null) q = q.where(sql<boolean>`(case_id, seq) > (${cursor.caseId}, ${cursor.seq})`);
    else if (o.from !== null) q = q.where('case_id', '>=', o.from);
    if (o.to !== null) q = q.where('case_id', '<', o.to);
    const rows = await q.orderBy('case_id').orderBy('seq').limit(o.pageSize).execute();
    if (rows.length === 0) break;
    const done: CaseFact[] = [];
    for (const r of rows) {
      // One event object reused for every row: the reducer keeps nothing of it.
      e.seq = Number(r.seq);
      e.caseId = r.case_id;
      e.at = Number(r.at);
      e.kind = r.kind;
      e.details = r.details;
      if (current === null || current.caseId !== e.caseId) {
        if (current !== null && current.events > 0) {
          deriveFact(current);
          done.push(current);
        }
        current = emptyFact(e.caseId);
      }
      fold(current, e, registry, tallies, false);
    }
    onRows(rows.length);
    const lastRow = rows[rows.length - 1];
    cursor = { caseId: lastRow.case_id, seq: Number(lastRow.seq) };
    if (done.length > 0) yield done;
    if (rows.length < o.pageSize) break;
  }
  if (current !== null && current.events > 0) {
    deriveFact(current);
    yield [current];
  }
}
