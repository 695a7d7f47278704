export { newTrackingCode, parseTrackingCode, TRACKING_PREFIX } from './codes.ts';
export { complaintCountsByJurisdiction, type CountWindow, type JurisdictionComplaintCounts } from './counts.ts';
export { ComplaintError, type ComplaintErrorCode } from './errors.ts';
export { COMPLAINT_CATEGORIES, DEFAULT_INTAKE_RULES, PRIORITIES, validateComplaint, type ComplaintInput, type IntakeRules, type Priority, type ValidComplaint } from './intake.ts';
export { checkCommand, commandsAllowed, FINDINGS, nextStatus, PUBLIC_STATUS_TEXT, STATUSES, type ComplaintCommand, type ComplaintFinding, type ComplaintStatus } from './lifecycle.ts';
export { complaintMigrations, createComplaints, type ComplaintEvent, type ComplaintRecord, type Complaints, type ComplaintsDeps, type ComplaintSummary, type ComplaintTables, type PublicStatus } from './service.ts';
