/**
 * The detainer audit report: audited detainers grouped per jurisdiction (ORI) or per field
 * office (AOR), with counts of each finding, hours held beyond the limit, and the drill-down to
 * each flagged case. Pure.
 */
import { END_KINDS, FINDING_KINDS, type AuditedDetainer, type CitizenCase, type EndKind, type FindingKind } from './findings.ts';

export type GroupBy = 'jurisdiction' | 'aor';
export const GROUP_BY: readonly GroupBy[] = ['jurisdiction', 'aor'];

export interface FindingCounts {
  detainers: number;
  /** Detainers with at least one finding. */
  flagged: number;
  findings: Record<FindingKind, number>;
  ends: Record<EndKind, number>;
  /** Sum and maximum of hours beyond the legal limit (held-past-limit and open-past-limit). */
  hoursOverTotal: number;
  hoursOverMax: number;
}

export interface AuditGroup extends FindingCounts {
  /** The ORI or the AOR ('unknown' when the log does not say). */
  key: string;
  /** Jurisdiction name, when the registry knows it. */
  name: string | null;
  /** For a field office, its jurisdictions; for a jurisdiction, its field office. */
  related: string[];
  /** Drill-down: every flagged detainer of the group. */
  cases: { caseId: string; detainerId: string; findings: { kind: FindingKind; text: string; hoursOver?: number; hoursEarly?: number; basis?: string }[] }[];
}

export interface DetainerAudit {
  asOf: number;
  by: GroupBy;
  totals: FindingCounts;
  groups: AuditGroup[];
  detainers: AuditedDetainer[];
  /** Every case with an indication of US citizenship, detainer or not, with what happened to it. */
  usCitizens: CitizenCase[];
}

function emptyCounts(): FindingCounts {
  return {
    detainers: 0,
    flagged: 0,
    findings: Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>,
    ends: Object.fromEntries(END_KINDS.map((k) => [k, 0])) as Record<EndKind, number>,
    hoursOverTotal: 0,
    hoursOverMax: 0,
  };
}

function add(c: FindingCounts, d: AuditedDetainer): void {
  c.detainers++;
  if (d.findings.length > 0) c.flagged++;
  c.ends[d.end.kind]++;
  for (const kind of new Set(d.findings.map((f) => f.kind))) c.findings[kind]++;
  for (const f of d.findings) {
    if ((f.kind === 'held-past-limit' || f.kind === 'open-past-limit') && f.hoursOver !== undefined) {
      c.hoursOverTotal = Math.round((c.hoursOverTotal + f.hoursOver) * 100) / 100;
      c.hoursOverMax = Math.max(c.hoursOverMax, f.hoursOver);
    }
  }
}

/** Groups audited detainers; groups sorted by flagged count (desc), then key. */
export function groupAudit(detainers: readonly AuditedDetainer[], by: GroupBy, asOf: number, nameOf: (ori: string) => string | null = () => null): DetainerAudit {
  const totals = emptyCounts();
  const groups = new Map<string, AuditGroup>();
  const sorted = [...detainers].sort((a, b) => (a.issuedAt ?? 0) - (b.issuedAt ?? 0) || a.detainerId.localeCompare(b.detainerId));
  for (const d of sorted) {
    add(totals, d);
    const key = (by === 'jurisdiction' ? d.ori : d.aor) ?? 'unknown';
    let g = groups.get(key);
    if (!g) {
      g = { key, name: by === 'jurisdiction' && key !== 'unknown' ? nameOf(key) : null, related: [], cases: [], ...emptyCounts() };
      groups.set(key, g);
    }
    add(g, d);
    const other = (by === 'jurisdiction' ? d.aor : d.ori) ?? 'unknown';
    if (!g.related.includes(other)) g.related.push(other);
    if (d.findings.length > 0) g.cases.push({ caseId: d.caseId, detainerId: d.detainerId, findings: d.findings.map((f) => ({ ...f })) });
  }
  const list = [...groups.values()];
  for (const g of list) g.related.sort();
  list.sort((a, b) => b.flagged - a.flagged || a.key.localeCompare(b.key));
  return { asOf, by, totals, groups: list, detainers: sorted, usCitizens: [] };
}
