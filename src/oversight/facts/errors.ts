/** Typed errors of the oversight read models (facts, interoperability statistics). */
export type OversightErrorCode =
  | 'NO_CASE_LOG'
  | 'PROJECTION_BUSY'
  | 'INVALID_WINDOW'
  | 'INVALID_FILTER'
  | 'INVALID_PERIOD'
  | 'INVALID_OPTION'
  | 'MALFORMED_FACT';

export class OversightError extends Error {
  override readonly name = 'OversightError';
  constructor(
    readonly code: OversightErrorCode,
    message: string,
  ) {
    super(message);
  }
}
