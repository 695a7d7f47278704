import { BiometricError, type BiometricErrorCode } from '../errors.ts';

/**
 * Why a gallery or search operation refused its input. A SearchError is a BiometricError (so
 * the CLI reports it as bad input, exit 2); `reason` says which rule was broken.
 */
export type SearchErrorReason =
  | 'FINGER_POSITION' // not an integer 1–10
  | 'DUPLICATE_FINGER' // the same position twice in one tenprint
  | 'NO_FINGERS' // a tenprint without any finger
  | 'NO_USABLE_FINGERS' // every finger blank (no minutiae)
  | 'IDENTITY_ID' // empty, too long, or not a string
  | 'DUPLICATE_IDENTITY' // enrol of an id already enrolled (use update)
  | 'UNKNOWN_IDENTITY' // update/delete of an id not enrolled
  | 'TEMPLATE' // a finger template that is not a template (bad numbers)
  | 'GALLERY_RECORD' // a damaged gallery record or file
  | 'OPTIONS'; // search/gallery options out of range

export class SearchError extends BiometricError {
  constructor(
    readonly reason: SearchErrorReason,
    message: string,
    offset?: number,
  ) {
    super(codeFor(reason), message, offset);
  }
}

function codeFor(reason: SearchErrorReason): BiometricErrorCode {
  if (reason === 'GALLERY_RECORD') return 'TEMPLATE_FORMAT';
  if (reason === 'TEMPLATE') return 'TEMPLATE_FORMAT';
  return 'INVALID_ARGUMENT';
}
