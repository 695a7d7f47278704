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
  | 'BAD_RULES';

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
}
