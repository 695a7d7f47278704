/**
 * The evaluator: case facts + a dated policy version → the decision and every rule that
 * produced it. Pure and deterministic: the decision date comes in with the call.
 */
import { assertDate, versionById, versionInForce, type PolicyBundle } from './bundle.ts';
import { matchingRules, offensesOnBasis, viewCase, type CaseView, type OffenseRecord } from './criteria.ts';
import type { CaseFacts, Level, PolicyVersion, Rule } from './schema.ts';

export type DecisionKind = 'detainer' | 'notification-request' | 'await-conviction' | 'no-action' | 'supervisor-review';

export interface Reason {
  /** Stable id of the rule (ids of document rules are the document's own, e.g. "p1.gang-member"). */
  rule: string;
  /** Plain English. */
  text: string;
  /** The facts of the case the rule rests on. */
  facts: string[];
}

export interface LevelFinding {
  /** null: no criminal record on this basis ("non-criminal"). */
  value: Level | null;
  basis: 'charge-or-conviction' | 'conviction';
  /** The most serious offense, which set the Level. */
  offense: { from: OffenseRecord['from']; index: number; code: string; category: string | null; describe: string } | null;
}

export interface PolicyDecision {
  version: { id: string; effective: string; title: string };
  /** The decision date the version was applied on. */
  asOf: string;
  /** Level at identification, on the version's identification basis. */
  level: LevelFinding;
  /** Level by conviction only (the basis for the arrest and removal statistics). */
  convictionLevel: LevelFinding;
  priority: { id: string; title: string; rule: string } | null;
  decision: DecisionKind;
  reasons: Reason[];
}

/** Which version decides: the one in force on `asOf`, or a named one (decided as of `asOf` if given). */
export type EvaluateOptions = { asOf: string; versionId?: string } | { versionId: string; asOf?: string };

export function evaluate(policy: PolicyBundle, facts: CaseFacts, options: EvaluateOptions): PolicyDecision {
  if (options.asOf !== undefined) assertDate(options.asOf);
  if (options.versionId !== undefined) {
    const version = versionById(policy, options.versionId);
    const asOf = options.asOf ?? defaultDecisionDate(facts, version);
    const how = options.asOf === undefined ? 'as of the latest charge date (or the version\'s effective date when there is none)' : `as of ${asOf}`;
    return decide(policy, version, facts, asOf, { rule: 'version.selected', text: `Decided under "${version.title}" (${version.id}), chosen by name, ${how}.`, facts: [`decision date: ${asOf}`] });
  }
  const asOf = options.asOf as string;
  const version = versionInForce(policy, asOf);
  return decide(policy, version, facts, asOf, {
    rule: 'version.in-force',
    text: `Decided under "${version.title}" (${version.id}), the version in force on ${asOf} (effective ${version.effective}; ${version.sources.map((s) => s.citation).join('; ')}).`,
    facts: [`decision date: ${asOf}`],
  });
}

function defaultDecisionDate(facts: CaseFacts, version: PolicyVersion): string {
  const dates = facts.charges.map((c) => c.date).sort();
  return dates.at(-1) ?? version.effective;
}

function decide(policy: PolicyBundle, version: PolicyVersion, facts: CaseFacts, asOf: string, chosen: Reason): PolicyDecision {
  const view = viewCase(facts, version, policy.offenses, asOf);
  const reasons: Reason[] = [chosen];
  const level = levelFinding(view, version.levels.basis.identification);
  const convictionLevel = levelFinding(view, 'conviction');
  reasons.push(levelReason(level));
  const p = facts.person;

  const priorityHit = findPriority(version, view);
  const priority = priorityHit === null ? null : { id: priorityHit.id, title: priorityHit.title, rule: priorityHit.rule.id };
  if (version.priorities.classes.length === 0) {
    reasons.push({ rule: 'priority.none-in-force', text: version.priorities.text, facts: [] });
  } else if (priorityHit === null) {
    reasons.push({ rule: 'priority.none', text: `Outside the enforcement priorities (${version.priorities.scheme ?? 'priorities'}).`, facts: [] });
  } else {
    reasons.push({ rule: priorityHit.rule.id, text: `${priorityHit.id} (${priorityHit.title}): ${priorityHit.rule.text}.`, facts: priorityHit.facts });
  }

  const done = (decision: DecisionKind): PolicyDecision => ({
    version: { id: version.id, effective: version.effective, title: version.title },
    asOf,
    level,
    convictionLevel,
    priority,
    decision,
    reasons,
  });

  // Guards first: no policy version may detain a person who may be a US citizen.
  if (p.status === 'us-citizen') {
    reasons.push({ rule: 'status.us-citizen', text: 'LESC determined the person is a US citizen: not removable, nothing to do.', facts: [`status: us-citizen${p.citizenshipBasis ? ` (by ${p.citizenshipBasis})` : ''}`] });
    return done('no-action');
  }
  const indications = citizenshipIndications(facts);
  if (indications.length > 0) {
    reasons.push({ rule: 'guard.citizenship-indication', text: `An indication of US citizenship blocks any automatic detainer; a supervisor must review the case. ${version.guards.text}`, facts: [...indications, `status: ${p.status}`] });
    return done('supervisor-review');
  }
  if (p.status === 'unknown') {
    reasons.push({ rule: 'guard.status-unknown', text: 'LESC could not determine the immigration status (insufficient records): a supervisor must review before any action.', facts: ['status: unknown'] });
    return done('supervisor-review');
  }
  const unknownCodes = view.offenses.filter((o) => o.category === null);
  if (unknownCodes.length > 0) {
    reasons.push({ rule: 'guard.unknown-offense-code', text: 'An offense code is not in the NCIC offense table, so the case cannot be classified with confidence: a supervisor must review.', facts: unknownCodes.map((o) => o.describe) });
    return done('supervisor-review');
  }

  // Removability.
  const removable = removability(version, view);
  reasons.push(removable.reason);
  if (!removable.established && version.removability.whenNotEstablished === 'no-action') return done('no-action');

  // Victims and witnesses.
  if (version.victimWitness.inForce && p.victimOrWitness) {
    const aggravating = matchingRules(version.victimWitness.aggravating, view);
    if (aggravating.length === 0) {
      reasons.push({ rule: 'victim-witness.protected', text: version.victimWitness.text, facts: ['victimOrWitness: yes', 'no aggravating factor'] });
      return done('no-action');
    }
    reasons.push({ rule: 'victim-witness.aggravating', text: 'A victim or witness, but aggravating factors are present, so the victims policy does not stop enforcement.', facts: aggravating.map((a) => `${a.rule.id}: ${a.rule.text}`) });
  }

  // Minor traffic offenses.
  if (version.minorTraffic.inForce) {
    const mt = version.minorTraffic;
    const current = facts.charges.filter((c) => c.disposition !== 'dismissed');
    const trafficOnly = current.length > 0 && view.offenses.filter((o) => o.from === 'charge' && o.disposition !== 'dismissed').every((o) => o.tags.includes(mt.chargeTag));
    const unconvicted = current.every((c) => c.disposition === 'pending');
    const noPriors = !mt.requireNoPriorConvictions || facts.priorConvictions.length === 0;
    const outside = !mt.requireOutsidePriorities || priorityHit === null;
    if (trafficOnly && unconvicted && noPriors && outside) {
      reasons.push({ rule: 'minor-traffic.await-conviction', text: mt.text, facts: [...offensesOnBasis(view, 'charge').map((o) => o.describe), 'no prior convictions', 'outside the priorities'] });
      return done('await-conviction');
    }
  }

  // Prosecutorial discretion.
  if (version.discretion.inForce) {
    const positive = matchingRules(version.discretion.positive, view);
    const negative = matchingRules(version.discretion.negative, view);
    for (const n of negative) reasons.push({ rule: n.rule.id, text: `Negative factor: ${n.rule.text}.`, facts: n.facts });
    for (const f of positive) reasons.push({ rule: f.rule.id, text: `Positive factor: ${f.rule.text}.`, facts: f.facts });
    if (priorityHit === null && negative.length === 0 && positive.length > 0) {
      reasons.push({ rule: 'discretion.favourable', text: `${version.discretion.text} Outside the priorities, with positive factors and no negative one: discretion is exercised and no action is taken.`, facts: positive.map((f) => f.rule.id) });
      return done('no-action');
    }
  }

  // Detainer criteria.
  const detainers = version.detainers;
  if (detainers.issueFor === 'removable-hits') {
    reasons.push({ rule: 'detainer.removable-hit', text: detainers.text, facts: [`status: ${p.status}`, ...(removable.established ? [] : ['removability to be investigated'])] });
    return detainer(version, reasons, done);
  }
  const hits = matchingRules(detainers.criteria, view);
  if (hits.length > 0) {
    for (const h of hits) reasons.push({ rule: h.rule.id, text: `Detainer criterion met: ${h.rule.text}.`, facts: h.facts });
    return detainer(version, reasons, done);
  }
  if (detainers.otherwise === 'notification-request-for-priorities' && priorityHit !== null) {
    reasons.push({ rule: 'detainer.notification-instead', text: `${detainers.text} ${priorityHit.id} is a priority but not one for which detention may be requested, so ICE asks only to be notified of the release date.`, facts: [`${priorityHit.id}: ${priorityHit.rule.id}`] });
    return done('notification-request');
  }
  reasons.push({ rule: 'detainer.no-criterion', text: `${detainers.text} No detainer criterion is met: no action.`, facts: [] });
  return done('no-action');
}

function detainer(version: PolicyVersion, reasons: Reason[], done: (d: DecisionKind) => PolicyDecision): PolicyDecision {
  const form = version.detainers.form;
  const parts = [`hold no longer than ${form.holdLimitHours} hours${form.excludesWeekendsAndHolidays ? ' excluding Saturdays, Sundays and holidays' : ''}`];
  if (form.copyToDetainee) parts.push('the jail gives the person a copy');
  if (form.hotline !== null) parts.push(`hotline ${form.hotline} for anyone who believes they are a US citizen or a crime victim`);
  if (form.convictionOnlyOption) parts.push('a "conviction only" option is available');
  reasons.push({ rule: 'detainer.form', text: `Detainer on ${form.name}: ${parts.join('; ')}.`, facts: [] });
  return done('detainer');
}

function citizenshipIndications(facts: CaseFacts): string[] {
  const c = facts.person.citizenshipIndications;
  const out: string[] = [];
  if (c.claimed) out.push('claims US citizenship');
  if (c.naturalizationRecord) out.push('a naturalization record exists');
  if (c.birthRecord) out.push('a US birth record exists');
  if (facts.person.citizenshipBasis !== undefined) out.push(`citizenship basis recorded: ${facts.person.citizenshipBasis}`);
  return out;
}

function levelFinding(view: CaseView, basis: LevelFinding['basis']): LevelFinding {
  let worst: OffenseRecord | null = null;
  for (const o of offensesOnBasis(view, basis)) if (worst === null || o.level < worst.level) worst = o;
  return {
    value: worst?.level ?? null,
    basis,
    offense: worst === null ? null : { from: worst.from, index: worst.index, code: worst.code, category: worst.category, describe: worst.describe },
  };
}

function levelReason(level: LevelFinding): Reason {
  const on = level.basis === 'conviction' ? 'convictions' : 'current charges and prior convictions';
  if (level.offense === null) return { rule: 'level.none', text: `No criminal record on ${on}: non-criminal.`, facts: [] };
  return { rule: 'level.classified', text: `Level ${level.value}, set by the most serious offense among ${on}.`, facts: [level.offense.describe] };
}

function findPriority(version: PolicyVersion, view: CaseView): { id: string; title: string; rule: Rule; facts: string[] } | null {
  for (const cls of version.priorities.classes) {
    const [first] = matchingRules(cls.rules, view);
    if (first !== undefined) return { id: cls.id, title: cls.title, rule: first.rule, facts: first.facts };
  }
  return null;
}

const REMOVABLE_BY_STATUS = new Set(['overstay', 'ewi', 'prior-removal']);

function removability(version: PolicyVersion, view: CaseView): { established: boolean; reason: Reason } {
  const p = view.facts.person;
  if (p.removalOrder !== null) {
    return { established: true, reason: { rule: 'removability.removal-order', text: 'Removable: an outstanding order of removal.', facts: [`removal order of ${p.removalOrder.date}`] } };
  }
  if (REMOVABLE_BY_STATUS.has(p.status)) {
    return { established: true, reason: { rule: 'removability.status', text: 'Removable on immigration status alone.', facts: [`status: ${p.status}`] } };
  }
  const [conviction] = matchingRules(version.removability.deportableConvictions, view);
  if (conviction !== undefined) {
    return { established: true, reason: { rule: conviction.rule.id, text: `Removable: ${conviction.rule.text}.`, facts: [`status: ${p.status}`, ...conviction.facts] } };
  }
  const then = version.removability.whenNotEstablished === 'no-action' ? 'this version acts only on established removability: no action' : 'this version allowed a detainer while removability was investigated';
  return { established: false, reason: { rule: 'removability.not-established', text: `Removability not established on these facts; ${then}. ${version.removability.text}`, facts: [`status: ${p.status}`, 'no deportable conviction', 'no removal order'] } };
}

export interface VersionComparison {
  a: PolicyDecision;
  b: PolicyDecision;
  sameDecision: boolean;
  /** Reasons (by rule id and text) given under a but not under b, and the reverse; the version reason is left out. */
  onlyInA: Reason[];
  onlyInB: Reason[];
}

/** The same facts under two named versions, decided on the same date. */
export function compareVersions(policy: PolicyBundle, facts: CaseFacts, a: string, b: string, asOf?: string): VersionComparison {
  const da = evaluate(policy, facts, asOf === undefined ? { versionId: a } : { versionId: a, asOf });
  const db = evaluate(policy, facts, { versionId: b, asOf: da.asOf });
  const key = (r: Reason) => `${r.rule}\u0000${r.text}`;
  const inA = new Set(da.reasons.map(key));
  const inB = new Set(db.reasons.map(key));
  const differs = (r: Reason, other: Set<string>) => r.rule !== 'version.selected' && !other.has(key(r));
  return {
    a: da,
    b: db,
    sameDecision: da.decision === db.decision,
    onlyInA: da.reasons.filter((r) => differs(r, inB)),
    onlyInB: db.reasons.filter((r) => differs(r, inA)),
  };
}

/** The evaluator bound to one bundle, with the signatures of the brief: `evaluate(facts, { asOf })`. */
export function policyEngine(policy: PolicyBundle) {
  return {
    policy,
    versionInForce: (date: string) => versionInForce(policy, date),
    evaluate: (facts: CaseFacts, options: EvaluateOptions) => evaluate(policy, facts, options),
    compareVersions: (facts: CaseFacts, a: string, b: string, asOf?: string) => compareVersions(policy, facts, a, b, asOf),
  };
}
export type PolicyEngine = ReturnType<typeof policyEngine>;
