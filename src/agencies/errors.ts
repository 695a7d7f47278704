/** Machine-readable reason an agency refused a command or a message. */
export type AgencyErrorCode =
  | 'unknown-ori'
  | 'duplicate-ori'
  | 'invalid-jurisdiction'
  | 'invalid-participation-change'
  | 'unknown-ncic-code'
  | 'invalid-booking'
  | 'duplicate-tcn-conflict'
  | 'unknown-case'
  | 'invalid-time'
  | 'unknown-charge'
  | 'charge-already-disposed'
  | 'invalid-fingerprints'
  | 'no-active-detainer'
  | 'hold-lapsed'
  | 'invalid-resolution'
  | 'invalid-cursor'
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
