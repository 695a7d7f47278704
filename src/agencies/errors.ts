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
  | 'INVALID_CURSOR'
  // A release (or hand-over to ICE) the jail reports (`reportRelease`).
  | 'INVALID_RELEASE_REPORT'
  | 'RELEASE_BEFORE_BOOKING'
  | 'RELEASE_BEFORE_DUE'
  | 'RELEASE_BEFORE_LAPSE'
  | 'RELEASE_IN_FUTURE'
  | 'RELEASE_ALREADY_RECORDED'
  | 'NOT_HELD_ON_DETAINER';

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
