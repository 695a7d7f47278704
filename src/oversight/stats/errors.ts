/** Why a statistics input was refused. Data conditions (an empty quarter, a zero total) are not errors: they come back as results with a status and a note. */
export type StatsErrorCode = 'INVALID_ARGUMENT' | 'INVALID_COUNT' | 'DUPLICATE_UNIT' | 'CSV_MALFORMED' | 'CSV_MISSING_COLUMN' | 'CSV_BAD_NUMBER';

export class StatsError extends Error {
  override readonly name = 'StatsError';
  constructor(
    readonly code: StatsErrorCode,
    message: string,
    /** Where in a CSV text the problem is (1-based row counting the header as row 1; 1-based column). */
    readonly at?: { row: number; column?: number },
  ) {
    super(message);
  }
}
