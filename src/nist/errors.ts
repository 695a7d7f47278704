/** Machine-readable reason a transaction could not be read or written. */
export type NistErrorCode =
  | 'TRUNCATED'
  | 'BAD_LENGTH'
  | 'BAD_TAG'
  | 'BAD_SEPARATOR'
  | 'BAD_NUMBER'
  | 'BAD_CNT'
  | 'RECORD_MISMATCH'
  | 'UNKNOWN_RECORD_TYPE'
  | 'TRAILING_BYTES'
  | 'TOO_LARGE'
  | 'BAD_VALUE'
  | 'BAD_RULES'
  // Strict reading refuses each reading quirk with the quirk's own code (see NistWarningCode).
  | NistWarningCode;

/**
 * A departure from ANSI/NIST-ITL 1-2011 that real transactions carry and that a lenient reader can
 * step over without guessing (src/nist/README.md, "Lenient and strict reading"):
 *
 * - FOREIGN_FIELD_TAG: a field whose tag names another record type (a `2.005:` inside a Type-9);
 * - REPEATED_FIELD: a field number that occurs twice in one record;
 * - LENGTH_MISMATCH: a tagged record's LEN (x.001) is off by a few bytes from where its FS really is;
 * - CNT_COUNT_MISMATCH: 1.003 CNT announces a record count other than the number of records it lists.
 */
export type NistWarningCode = 'FOREIGN_FIELD_TAG' | 'REPEATED_FIELD' | 'LENGTH_MISMATCH' | 'CNT_COUNT_MISMATCH';

/** One quirk met while reading leniently. */
export interface NistWarning {
  readonly code: NistWarningCode;
  readonly message: string;
  /** Byte offset in the file: the field's tag, or the LEN / CNT value that is wrong. */
  readonly offset: number;
  /** Index of the logical record (0 = Type-1). */
  readonly recordIndex: number;
  /** Type of the record the quirk sits in. */
  readonly recordType: number;
  /** Field tag exactly as written ("2.005", "1.003"), or undefined for a record-level quirk. */
  readonly tag: string | undefined;
}

export interface NistErrorLocation {
  /** Byte offset in the input (or output) where the problem was found; -1 when not applicable. */
  offset?: number;
  /** Index of the logical record (0 = Type-1); -1 when not applicable. */
  recordIndex?: number;
  /** Field tag such as "1.003", or undefined. */
  fieldTag?: string;
}

/** The one error type the nist module throws for bad input. */
export class NistError extends Error {
  override readonly name = 'NistError';
  readonly code: NistErrorCode;
  readonly offset: number;
  readonly recordIndex: number;
  readonly fieldTag: string | undefined;

  constructor(code: NistErrorCode, message: string, where: NistErrorLocation = {}) {
    const parts: string[] = [];
    if (where.offset !== undefined && where.offset >= 0) parts.push(`offset ${where.offset}`);
    if (where.recordIndex !== undefined && where.recordIndex >= 0) parts.push(`record ${where.recordIndex}`);
    if (where.fieldTag !== undefined) parts.push(`field ${where.fieldTag}`);
    super(parts.length > 0 ? `${message} (${parts.join(', ')})` : message);
    this.code = code;
    this.offset = where.offset ?? -1;
    this.recordIndex = where.recordIndex ?? -1;
    this.fieldTag = where.fieldTag;
  }

  /** The error strict reading throws for a quirk that lenient reading reports as a warning. */
  static fromWarning(w: NistWarning): NistError {
    return new NistError(w.code, w.message, { offset: w.offset, recordIndex: w.recordIndex, fieldTag: w.tag });
  }
}
