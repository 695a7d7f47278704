/** The quarterly statistical review from the facts of the event log. See README.md. */
export { FOREIGN_BORN, QuarterReviewBuilder, reviewQuarter, US_BIRTHPLACES, type ActivationSeries, type Against, type CaseList, type DemographicGroup, type JurisdictionReview, type Measure, type QuarterFlag, type QuarterReview, type QuarterReviewOptions, type ShareSummary } from './build.ts';
export { monthLabel, monthOf, parseQuarter, quarterRange, quarterWords, type Quarter } from './calendar.ts';
export { ReviewError, type ReviewErrorCode } from './errors.ts';
export { fittedShares } from './fit.ts';
export { csvReviewReport, flagMeasureWords, KIND_WORDS, MEASURE_WORDS, quarterReviewReport } from './report.ts';
