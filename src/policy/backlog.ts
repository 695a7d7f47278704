/**
 * Backlog review: when a new version takes effect, which pending cases would now be decided
 * differently (the 2011 review of pending cases under the discretion memo). Per-case results,
 * never a half-finished throw: a case that cannot be evaluated is listed with its error.
 */
import { versionById, type PolicyBundle } from './bundle.ts';
import { PolicyError } from './errors.ts';
import { evaluate, type DecisionKind, type PolicyDecision, type Reason } from './evaluate.ts';
import type { CaseFacts } from './schema.ts';

export interface PendingCase {
  id: string;
  facts: CaseFacts;
  /** The stored decision: its kind, and where known the version and reasons it was made with. */
  current: { decision: DecisionKind; versionId?: string; reasons?: readonly Reason[] };
  /** Decision date to re-run on; defaults to the new version's effective date. */
  asOf?: string;
}

export interface ChangedCase {
  id: string;
  old: PendingCase['current'];
  new: PolicyDecision;
  /** Reasons of the new decision that the stored one did not give (all of them when none were stored); the version reason is left out. */
  reasonsAdded: Reason[];
  /** Stored reasons the new decision no longer gives. */
  reasonsDropped: Reason[];
}

export interface BacklogReview {
  version: { id: string; effective: string; title: string };
  reviewed: number;
  changed: ChangedCase[];
  unchanged: string[];
  failed: { id: string; error: string }[];
}

export function reviewBacklog(policy: PolicyBundle, cases: readonly PendingCase[], newVersionId: string): BacklogReview {
  const version = versionById(policy, newVersionId);
  const changed: ChangedCase[] = [];
  const unchanged: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const c of cases) {
    let decision: PolicyDecision;
    try {
      decision = evaluate(policy, c.facts, { versionId: version.id, asOf: c.asOf ?? version.effective });
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      failed.push({ id: c.id, error: error.message });
      continue;
    }
    if (decision.decision === c.current.decision) {
      unchanged.push(c.id);
      continue;
    }
    const key = (r: Reason) => `${r.rule}\u0000${r.text}`;
    const isVersion = (r: Reason) => r.rule.startsWith('version.');
    const before = (c.current.reasons ?? []).filter((r) => !isVersion(r));
    const oldKeys = new Set(before.map(key));
    const newKeys = new Set(decision.reasons.map(key));
    changed.push({
      id: c.id,
      old: c.current,
      new: decision,
      reasonsAdded: decision.reasons.filter((r) => !isVersion(r) && !oldKeys.has(key(r))),
      reasonsDropped: before.filter((r) => !newKeys.has(key(r))),
    });
  }
  return { version: { id: version.id, effective: version.effective, title: version.title }, reviewed: cases.length, changed, unchanged, failed };
}
