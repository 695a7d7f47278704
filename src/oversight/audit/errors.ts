/** Why a detainer-audit request was refused; nothing was written. */
export type AuditErrorCode = 'invalid-as-of' | 'invalid-option' | 'no-event-log' | 'malformed-event';

export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
  }
}
