/** Why a detainer-audit request was refused; nothing was written. */
export type AuditErrorCode = 'INVALID_AS_OF' | 'INVALID_OPTION' | 'NO_EVENT_LOG' | 'MALFORMED_EVENT';

export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
  }
}
