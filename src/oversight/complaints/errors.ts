/** Why a complaint request was refused. Every refusal happens before anything is written. */
export type ComplaintErrorCode =
  | 'invalid-complaint'
  | 'unknown-ori'
  | 'unknown-case'
  | 'unknown-detainer'
  | 'malformed-tracking-code'
  | 'unknown-tracking-code'
  | 'invalid-command'
  | 'invalid-transition'
  | 'invalid-window'
  | 'code-collision'
  | 'concurrent-update';

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
