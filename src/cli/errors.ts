import { BiometricError } from '../biometrics/errors.ts';
import { NistError } from '../nist/errors.ts';

/** A problem with the user's files or arguments; printed on one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The modules' typed errors for bad input, recognised by name so the CLI need not load them all. */
const TYPED_ERRORS = new Set(['AgencyError', 'PolicyError', 'ScenarioError', 'DetainerClockError', 'MessageParseError', 'StatsError', 'AuditError', 'ComplaintError', 'OversightError', 'ReviewError', 'ReportError', 'InputFileError', 'StoreError', 'ScenarioRunError', 'ServerError']);

/**
 * The one line the CLI prints for an error, and its exit status: 2 for bad input (typed
 * errors), 70 for a bug (with the stack only when SECCOM_DEBUG is set).
 */
export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof UsageError) return { line: `seccom: ${error.message}`, exitCode: 2 };
  if (error instanceof BiometricError) return { line: `seccom: ${error.code}: ${error.message}`, exitCode: 2 };
  if (error instanceof NistError) return { line: `seccom: ${error.code}: ${error.message}`, exitCode: 2 };
  if (error instanceof Error && TYPED_ERRORS.has(error.name)) {
    const code = (error as { code?: unknown }).code;
    const firstLine = error.message.split('\n')[0];
    return { line: `seccom: ${typeof code === 'string' ? `${code}: ` : ''}${firstLine}`, exitCode: 2 };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.SECCOM_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : ' (set SECCOM_DEBUG=1 for details)';
  return { line: `seccom: internal error: ${message}${stack}`, exitCode: 70 };
}
