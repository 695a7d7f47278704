/** Machine-readable reason an agency refused a command or a message. */
export type AgencyErrorCode =
  | 'UNKNOWN_ORI'
  | 'DUPLICATE_ORI'
  | 'INVALID_JURISDICTION'
  | 'INVALID_PARTICIPATION_CHANGE'
  | 'UNKNOWN_NCIC_CODE'
  | 'INVALID_BOOKING'
  | 'DUPLICATE_TCN_CONFLICT'
  | 'UNKNOWN_CASE'
  | 'INVALID_TIME'
  | 'UNKNOWN_CHARGE'
  | 'CHARGE_ALREADY_DISPOSED'
  | 'INVALID_FINGERPRINTS'
  | 'NO_ACTIVE_DETAINER'
  | 'HOLD_LAPSED'
  | 'INVALID_RESOLUTION'
  | 'INVALID_CURSOR';

/**
 * The one error type the agencies throw for bad input. A command that throws it has changed
 * nothing: every command validates before it opens its transaction, or throws inside it.
 */
export class AgencyError extends Error {
  override readonly name = 'AgencyError';

  constructor(
    readonly code: AgencyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
