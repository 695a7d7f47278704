/** Why a quarterly review could not be run: a malformed quarter or option. An empty quarter is not an error (the review says so). */
export type ReviewErrorCode = 'INVALID_QUARTER' | 'INVALID_OPTION';

export class ReviewError extends Error {
  override readonly name = 'ReviewError';
  constructor(
    readonly code: ReviewErrorCode,
    message: string,
  ) {
    super(message);
  }
}
