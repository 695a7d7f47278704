/**
 * Every way the fingerprint engine refuses input. Callers switch on `code`; `offset` is the
 * byte position in the input where the problem was found, when there is one.
 */
export type BiometricErrorCode =
  | 'IMAGE_FORMAT' // not a format we read, or a malformed header
  | 'IMAGE_TRUNCATED' // declared content runs past the end of the bytes
  | 'IMAGE_DIMENSIONS' // zero, negative or over the 4,000 × 4,000 limit
  | 'IMAGE_UNSUPPORTED' // a real format variant we do not read (colour, 16-bit, compression …)
  | 'IMAGE_RESOLUTION' // resolution missing or outside the plausible range
  | 'TEMPLATE_FORMAT' // a template record that does not parse
  | 'TEMPLATE_TRUNCATED'
  | 'TEMPLATE_VERSION'
  | 'INVALID_ARGUMENT';

export class BiometricError extends Error {
  override readonly name = 'BiometricError';
  constructor(
    readonly code: BiometricErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

/** The largest image side the engine accepts, in pixels. */
export const MAX_IMAGE_SIDE = 4000;
