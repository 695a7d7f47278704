/** Why a report could not be drawn: its data are impossible (a NaN, a negative count, series of the wrong length). Empty data is not an error: it renders with an explanation. */
export type ReportErrorCode = 'INVALID_REPORT' | 'INVALID_CHART' | 'INVALID_TABLE';

export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    readonly code: ReportErrorCode,
    message: string,
  ) {
    super(message);
  }
}
