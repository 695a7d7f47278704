/**
 * The rebuild's fill on SQLite, through its own better-sqlite3 connection to the store's file.
 *
 * The log is read case by case (index `case_log_events_case`), a page of cases per statement,
 * each case as ONE row (a row per event cost a third of the rebuild): the event count, the sum
 * of the seqs, the numbers `[seq, at, kind code, length of details, …]` as a JSON array, and the
 * events' details texts run together. Each event's details are cut out of that text by their
 * length and given to `applyEvent` as they are, so every event is read exactly as the
 * incremental path reads it (one event's text cannot change how another reads). The row is used
 * only when it adds up: as many numbers as events, seqs rising to the sum, integer times, known
 * kinds, and lengths that add up to the text (SQLite counts characters, JavaScript UTF-16 units:
 * they differ only when a text holds characters outside the BMP). Otherwise the case is read
 * again event by event.
 *
 * Facts are written into the fresh table with one prepared statement, a page per transaction,
 * each transaction checking that this rebuild still owns the claim (another process may have
 * taken over). The store's file stays in WAL mode with `synchronous = NORMAL`: a commit costs no
 * fsync there, and `synchronous = OFF` or `journal_mode = OFF` would put the rest of the
 * database at risk on power loss, not just the fresh table — whose contents matter only once
 * the swap has committed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { applyEvent, deriveFact, KINDS_NOT_USED, KINDS_WITH_DETAILS, KNOWN_KINDS, type ApplyResult } from './apply.ts';
import type { Tallies } from './fold-range.ts';
import { FRESH_FACTS_TABLE } from './fresh-table.ts';
import type { FactChange, FactsSubscriber } from './projection.ts';
import { factToJson } from './serialize.ts';
import { emptyFact, type CaseFact, type LogEvent, type Registry } from './types.ts';

export interface SqliteFillOptions {
  file: string;
  registry: Registry;
  /** Events with seq ≤ top. */
  top: number;
  tallies: Tallies;
  subscribers: readonly FactsSubscriber[];
  /** The claim row (oversight_checkpoints.projection) and the token this rebuild holds. */
  claim: { projection: string; token: string };
  /** Cases per page (default 10,000). */
  pageCases?: number;
  busyTimeoutMs?: number;
  /** Rows (events of used kinds) read so far. */
  onRows: (read: number) => void;
  /** Thrown when the claim was taken over. */
  busy: () => Error;
}

const list = (kinds: readonly string[]) => kinds.map((k) => `'${k.replaceAll("'", "''")}'`).join(', ');
/** Common kinds first: the code's CASE is tried in this order for every event. */
const COMMON = ['car-routed', 'booked', 'criminal-search', 'released', 'disposition', 'ident-search-sent', 'ident-no-match', 'ident-search-not-routed'];
/** Kinds read, by code (1-based; 0 = a kind the facts do not know). */
const USED = [...COMMON, ...KNOWN_KINDS.filter((k) => !KINDS_NOT_USED.includes(k) && !COMMON.includes(k))];
const HAS_DETAILS = USED.map((k) => KINDS_WITH_DETAILS.includes(k));
/** The kind's code and the length of its details (null unless text), as "code,length". */
const KIND_CODE = `case kind ${USED.map((k, i) => `when '${k}' then '${i + 1},'`).join(' ')} else '0,' end || case when typeof(details) = 'text' then length(details) end`;

/** A page of cases, one row each: case id, events, Σ seq, `[seq,at,code,length,…]`, the details run together. */
const CASES = (after: boolean) => `select case_id, count(*), sum(seq), '[' || group_concat(seq || ',' || at || ',' || ${KIND_CODE}, ',') || ']', group_concat(details, '')
  from case_log_events
  where ${after ? 'case_id > ? and ' : ''}seq <= ? and kind not in (${list(KINDS_NOT_USED)})
  group by case_id order by case_id limit ?`;
const ONE_CASE = `select seq, at, kind, case when kind in (${list(KINDS_WITH_DETAILS)}) then details else null end as details
  from case_log_events where case_id = ? and seq <= ? and kind not in (${list(KINDS_NOT_USED)}) order by seq`;
const INSERT = `insert into "${FRESH_FACTS_TABLE}" (case_id, ori, state, aor, booked_at, identified_at, ice_custody_at, removed_at, last_seq, fact) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Fills the fresh facts table from the log and feeds the subscribers; returns the rows read and the facts written. */
export async function fillFreshFactsSqlite(o: SqliteFillOptions): Promise<{ read: number; written: number }> {
  const db = new BetterSqlite3(o.file, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(o.busyTimeoutMs ?? 5000))}`);
    db.pragma('cache_size = -65536');
    // The log is read in case order, i.e. all over the table: mapped pages spare a read() each.
    db.pragma('mmap_size = 2147483648');
    const first = db.prepare(CASES(false)).raw();
    const next = db.prepare(CASES(true)).raw();
    const oneCase = db.prepare(ONE_CASE);
    const insert = db.prepare(INSERT);
    const claim = db.prepare('select token from oversight_checkpoints where projection = ?').pluck();
    const begin = db.prepare('begin immediate');
    const commit = db.prepare('commit');
    const rollback = db.prepare('rollback');
    const pageCases = Math.max(1, Math.floor(o.pageCases ?? 10_000));
    const event: LogEvent = { seq: 0, caseId: '', at: 0, kind: '', details: null };
    const t = o.tallies;
    const count = (r: ApplyResult, caseId: string, seq: number, kind: string) => {
      if (r.status === 'applied') t.applied += 1;
      else if (r.status === 'not-used') t.notUsed += 1;
      else {
        event.seq = seq;
        event.caseId = caseId;
        event.kind = kind;
        if (r.status === 'unknown-kind') t.issues.add('unknown-kind', event, 'not an event kind the agencies write; skipped');
        else t.issues.add('malformed', event, r.problem);
      }
    };
    /**
     * The case's events from its row; false (nothing applied) when the row does not add up —
     * an unknown kind, a time that is not an integer, details that are not text, characters
     * outside the BMP — and the case must be read event by event.
     */
    const foldRow = (f: CaseFact, events: number, seqSum: number, numbers: string, details: string): boolean => {
      let a: unknown;
      try {
        a = JSON.parse(numbers);
      } catch {
        return false;
      }
      if (!Array.isArray(a) || a.length !== 4 * events) return false;
      // Checked whole before the first event is applied, so a case that falls back counts nothing twice.
      let last = 0;
      let sum = 0;
      let length = 0;
      for (let i = 0; i < a.length; i += 4) {
        const seq = a[i] as number;
        const code = a[i + 2] as number;
        const n = a[i + 3] as number;
        if (!Number.isSafeInteger(seq) || seq <= last || !Number.isSafeInteger(a[i + 1]) || !(code >= 1 && code <= USED.length) || !Number.isSafeInteger(n) || n < 0) return false;
        last = seq;
        sum += seq;
        length += n;
      }
      if (sum !== seqSum || length !== details.length) return false;
      event.caseId = f.caseId;
      for (let i = 0, at = 0; i < a.length; i += 4) {
        const n = a[i + 3] as number;
        event.seq = a[i] as number;
        event.at = a[i + 1] as number;
        event.kind = USED[(a[i + 2] as number) - 1];
        event.details = HAS_DETAILS[(a[i + 2] as number) - 1] ? details.slice(at, at + n) : null;
        at += n;
        count(applyEvent(f, event, o.registry, { derive: false }), f.caseId, event.seq, event.kind);
      }
      return true;
    };
    const foldRows = (f: CaseFact) => {
      for (const r of oneCase.iterate(f.caseId, o.top) as Iterable<{ seq: number; at: number; kind: string; details: string | null }>) {
        event.seq = Number(r.seq);
        event.caseId = f.caseId;
        event.at = Number(r.at);
        event.kind = r.kind;
        event.details = r.details;
        count(applyEvent(f, event, o.registry, { derive: false }), f.caseId, event.seq, event.kind);
      }
    };

    let read = 0;
    let written = 0;
    let after: string | null = null;
    for (;;) {
      const rows = (after === null ? first.all(o.top, pageCases) : next.all(after, o.top, pageCases)) as [string, number, number, string | null, string | null][];
      if (rows.length === 0) break;
      const done: CaseFact[] = [];
      for (const [caseId, events, seqSum, numbers, details] of rows) {
        const f = emptyFact(caseId);
        if (numbers === null || details === null || !foldRow(f, events, seqSum, numbers, details)) foldRows(f);
        if (f.events > 0) {
          deriveFact(f);
          done.push(f);
        }
        read += events;
      }
      begin.run();
      try {
        if (claim.get(o.claim.projection) !== o.claim.token) throw o.busy();
        for (const f of done) insert.run(f.caseId, f.ori, f.state, f.aor, f.bookedAt, f.identifiedAt, f.iceCustodyAt, f.removedAt, f.lastSeq, factToJson(f));
        commit.run();
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
      written += done.length;
      const changes: FactChange[] = done.map((after) => ({ before: null, after }));
      for (const s of o.subscribers) s.collect(changes, o.registry);
      o.onRows(read);
      after = rows[rows.length - 1][0];
      if (rows.length < pageCases) break;
      // Let timers and output (a progress bar) run between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { read, written };
  } finally {
    db.close();
  }
}
