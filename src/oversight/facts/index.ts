export * from './types.ts';
export { applyEvent, deriveFact, convictionLevelAt, KNOWN_KINDS, KINDS_WITH_DETAILS, KINDS_NOT_USED, REMOVAL_OUTCOMES, type ApplyResult } from './apply.ts';
export { OversightError, type OversightErrorCode } from './errors.ts';
export { oversightMigrations, type OversightTables } from './tables.ts';
export { factFromJson, factToJson } from './serialize.ts';
export {
  FACTS_PROJECTION,
  migrateOversight,
  loadRegistry,
  updateFacts,
  rebuildFacts,
  projectionStatus,
  factPages,
  type FactChange,
  type FactsSubscriber,
  type ProjectionOptions,
  type ProjectionReport,
  type EventIssue,
} from './projection.ts';
export { readFacts, iterateFacts, factOf, type FactFilter, type FactTime } from './read.ts';
