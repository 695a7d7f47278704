/**
 * Complaint counts per jurisdiction for the quarterly review ("counted in the review"):
 * complaints filed (or, by option, whose incident happened) in a window, per linked ORI, by
 * category, status and finding. Complaints linked to no jurisdiction are one row with `ori: null`.
 */
import type { Kysely } from 'kysely';
import { tablesOf, type AnyDatabase } from '../../platform/store/index.ts';
import { ComplaintError } from './errors.ts';
import { FINDINGS, STATUSES, type ComplaintFinding, type ComplaintStatus } from './lifecycle.ts';
import type { ComplaintTables } from './service.ts';

export interface JurisdictionComplaintCounts {
  /** The linked jurisdiction, or null for complaints that name none. */
  ori: string | null;
  complaints: number;
  byCategory: Record<string, number>;
  byStatus: Record<ComplaintStatus, number>;
  /** Findings of resolved complaints. */
  byFinding: Record<ComplaintFinding, number>;
}

export interface CountWindow {
  /** Start, inclusive: epoch ms, or an ISO date (YYYY-MM-DD, 00:00 UTC) or instant. */
  from: number | string;
  /** End, exclusive. */
  to: number | string;
  /** Window on the filing instant (default) or on the incident date. */
  by?: 'filed' | 'incident';
}

function instant(value: number | string, what: string): number {
  const t = typeof value === 'number' ? value : /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /T.*(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isSafeInteger(t)) throw new ComplaintError('INVALID_WINDOW', `${what} must be an instant (epoch ms, YYYY-MM-DD or ISO 8601 with zone), got ${String(value)}`);
  return t;
}

/** Counts per jurisdiction, sorted by ORI (the unlinked row last). A database without complaint tables counts nothing. */
export async function complaintCountsByJurisdiction(d: AnyDatabase, window: CountWindow): Promise<JurisdictionComplaintCounts[]> {
  const from = instant(window.from, 'from');
  const to = instant(window.to, 'to');
  if (to < from) throw new ComplaintError('INVALID_WINDOW', 'the window ends before it starts');
  const db: Kysely<ComplaintTables> = tablesOf<ComplaintTables>(d);
  let q = db.selectFrom('oversight_complaints').select(['ori', 'category', 'status', 'finding']);
  if ((window.by ?? 'filed') === 'filed') q = q.where('filed_at', '>=', from).where('filed_at', '<', to);
  else {
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    // Incident dates are calendar days: a day counts when its start falls in the window.
    q = q.where('incident_date', '>=', day(from + 86_400_000 - 1)).where('incident_date', '<=', day(to - 1));
  }
  let rows: { ori: string | null; category: string; status: string; finding: string | null }[];
  try {
    rows = await q.execute();
  } catch {
    return []; // no complaint system in this database
  }
  const out = new Map<string | null, JurisdictionComplaintCounts>();
  for (const r of rows) {
    let c = out.get(r.ori);
    if (!c) {
      c = { ori: r.ori, complaints: 0, byCategory: {}, byStatus: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ComplaintStatus, number>, byFinding: Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<ComplaintFinding, number> };
      out.set(r.ori, c);
    }
    c.complaints++;
    c.byCategory[r.category] = (c.byCategory[r.category] ?? 0) + 1;
    c.byStatus[r.status as ComplaintStatus]++;
    if (r.status === 'resolved' && r.finding !== null) c.byFinding[r.finding as ComplaintFinding]++;
  }
  return [...out.values()].sort((a, b) => (a.ori === null ? 1 : b.ori === null ? -1 : a.ori.localeCompare(b.ori)));
}
