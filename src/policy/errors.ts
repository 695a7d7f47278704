/** Machine-readable reason a policy document, a case or a lookup was refused. */
export type PolicyErrorCode =
  | 'INVALID_POLICY'
  | 'INVALID_FACTS'
  | 'INVALID_DATE'
  | 'UNKNOWN_OFFENSE_CODE'
  | 'UNKNOWN_VERSION'
  | 'NO_VERSION_IN_FORCE';

/** One problem, located by its JSON path (`versions/2012-12-21-detainer-criteria.json: detainers.criteria[2].test.kind`). */
export interface PolicyProblem {
  path: string;
  message: string;
}

/** The one error type the policy module throws. Schema failures carry every problem, not just the first. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;
  readonly problems: readonly PolicyProblem[];

  constructor(code: PolicyErrorCode, message: string, problems: readonly PolicyProblem[] = []) {
    const listed = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n');
    super(problems.length > 0 ? `${message}\n${listed}` : message);
    this.code = code;
    this.problems = problems;
  }
}
