/** Why a complaint request was refused. Every refusal happens before anything is written. */
export type ComplaintErrorCode =
  | 'INVALID_COMPLAINT'
  | 'UNKNOWN_ORI'
  | 'UNKNOWN_CASE'
  | 'UNKNOWN_DETAINER'
  | 'MALFORMED_TRACKING_CODE'
  | 'UNKNOWN_TRACKING_CODE'
  | 'INVALID_COMMAND'
  | 'INVALID_TRANSITION'
  | 'INVALID_WINDOW'
  | 'CODE_COLLISION'
  | 'CONCURRENT_UPDATE';

export class ComplaintError extends Error {
  override readonly name = 'ComplaintError';
  constructor(
    readonly code: ComplaintErrorCode,
    message: string,
    /** For invalid input: each problem with the field it concerns. */
    readonly issues: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}
