export { PolicyError, type PolicyErrorCode, type PolicyProblem } from './errors.ts';
export * from './schema.ts';
export { buildPolicyBundle, versionInForce, versionById, type PolicyBundle, type PolicyDocument } from './bundle.ts';
export { findOffense, offenseOf, levelOfCode, type Offense, type LevelOfCode } from './offenses.ts';
export { evaluate, compareVersions, policyEngine, type PolicyDecision, type DecisionKind, type Reason, type LevelFinding, type EvaluateOptions, type VersionComparison, type PolicyEngine } from './evaluate.ts';
export { reviewBacklog, type PendingCase, type ChangedCase, type BacklogReview } from './backlog.ts';
export { detainerClockOptions } from './clock-options.ts';
