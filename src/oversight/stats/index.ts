/** The oversight statistics: pure functions over counts, no I/O. See ../README.md. */
export * from './errors.ts';
export { arcsineSqrt, controlLimits, funnel, funnelSd, type ControlLimit, type FunnelOptions, type FunnelPoint, type FunnelResult, type FunnelUnit, type OverdispersionModel } from './funnel.ts';
export { betaBinomialLogLikelihood, fitBetaBinomial, shrink, type ShrinkageOptions, type ShrinkageResult, type ShrunkEstimate } from './shrinkage.ts';
export { adjustPValues, benjaminiHochberg, type FdrMethod, type FdrResult } from './fdr.ts';
export { segmentedRegression, type Coefficient, type MonthlyCount, type SegmentedOptions, type SegmentedResult } from './segmented.ts';
export { compareShares, fisherExact, wilsonInterval, type Proportion, type ShareComparison } from './demographics.ts';
export { compareWithComparable, MIN_COMPARABLE, review, type ComparableComparison, type DemographicsInput, type FlagKind, type ReviewFlag, type ReviewInput, type ReviewOptions, type ReviewReference, type ReviewResult, type ReviewUnit, type UnitReview } from './review.ts';
export { parseCsv, reviewFromCsv, type CsvColumns, type CsvReviewOptions, type CsvTable } from './csv.ts';
export { funnelPlotSvg, type FunnelPlotOptions } from './funnel-plot.ts';
export { powerStudy, simulateQuarter, type PowerSummary, type RandomSource, type SimulationOptions } from './simulate.ts';
