/** Typed errors of the oversight read models (facts, interoperability statistics). */
export type OversightErrorCode =
  | 'no-case-log'
  | 'projection-busy'
  | 'invalid-window'
  | 'invalid-filter'
  | 'invalid-period'
  | 'invalid-option';

export class OversightError extends Error {
  override readonly name = 'OversightError';
  constructor(
    readonly code: OversightErrorCode,
    message: string,
  ) {
    super(message);
  }
}
