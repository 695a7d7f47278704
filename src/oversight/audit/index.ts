export { AuditError, type AuditErrorCode } from './errors.ts';
export { auditCase, cacheRecomputedLimits, clockReadingOf, COPY_REQUIRED_FROM, recomputedLimit, END_KINDS, END_OF_TIME, FINDING_KINDS, type AuditClockReading, type AuditedDetainer, type AuditOptions, type EndKind, type Finding, type FindingKind } from './findings.ts';
export { AUDITED_KINDS, caseAsOf, DETAINER_KINDS, foldCase, type CaseRecord, type DetainerRecord, type LogEvent } from './project.ts';
export {
  auditMigrations,
  auditStoredDetainers,
  jurisdictionRegistry,
  migrateAudit,
  rebuildDetainerAudit,
  refreshDetainerAudit,
  shippedPolicy,
  storedCases,
  type AuditTables,
  type DetainerAuditOptions,
  type JurisdictionInfo,
  type RefreshOptions,
  type RefreshReport,
} from './read-model.ts';
export { GROUP_BY, groupAudit, type AuditGroup, type DetainerAudit, type FindingCounts, type GroupBy } from './report.ts';
export { DEFAULT_READING, holidayClosures, legalLimitOf, type ClockReading, type HolidayReading } from './legal-limit.ts';
