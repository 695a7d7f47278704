/**
 * Errors as RFC 9457 problem details (`application/problem+json`), with the CLI's error codes:
 * the typed errors the CLI maps to exit status 2 become 4xx, anything else a 500 that names no
 * internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BiometricError } from '../biometrics/errors.ts';
import { UsageError } from '../cli/errors.ts';
import { NistError } from '../nist/errors.ts';
import { ServerError } from './errors.ts';

export const PROBLEM_TYPE_BASE = 'https://secure-communities.invalid/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  issues?: { path: string; message: string }[];
}

/** Typed errors recognised by name, as src/cli/errors.ts does (it exits 2 for these). */
const TYPED_ERRORS = new Set(['AgencyError', 'PolicyError', 'ScenarioError', 'DetainerClockError', 'MessageParseError', 'StatsError', 'AuditError', 'ComplaintError', 'OversightError', 'ReviewError', 'ReportError', 'InputFileError', 'StoreError', 'ScenarioRunError']);

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** The HTTP status of a typed error's code: an unknown id 404, duplicates and repeats 409, the store failing 503, else 400. */
export function statusOfCode(code: string): number {
  if (/^UNKNOWN_(CASE|ORI|CHARGE|VERSION|DETAINER|TRACKING_CODE|IDENTITY)$/.test(code)) return 404;
  if (/^STORE_/.test(code)) return 503;
  if (/^DUPLICATE_|_ALREADY_|ALREADY_RECORDED$|_CONFLICT$/.test(code)) return 409;
  return 400;
}

/** The problem for an error thrown while serving `request`. */
export function problemOf(error: unknown, request: FastifyRequest): Problem {
  const make = (status: number, code: string, detail: string, issues?: Problem['issues']): Problem => ({ type: `${PROBLEM_TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[status] ?? 'Error', status, detail, code, instance: request.url, ...(issues ? { issues } : {}) });
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({ path: `${error.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}`, message: v.message }));
    return make(400, 'INVALID_REQUEST', `the request's ${error.validationContext ?? 'input'} does not match the schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  if (error instanceof ServerError) return make(error.status, error.code, error.message);
  if (error instanceof UsageError) return make(400, 'INVALID_REQUEST', error.message);
  if (error instanceof BiometricError || error instanceof NistError) return make(statusOfCode(error.code), error.code, error.message.split('\n')[0]);
  if (error instanceof Error && TYPED_ERRORS.has(error.name)) {
    const code = (error as { code?: unknown }).code;
    const c = typeof code === 'string' ? code : 'INVALID_REQUEST';
    return make(statusOfCode(c), c, error.message.split('\n')[0]);
  }
  // Fastify's own 4xx (malformed JSON, wrong content type, body too large, …).
  const fe = error as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && typeof fe.code === 'string') {
    // Their status is kept; the code is one of the server's (Fastify's FST_ERR_… names are no contract).
    return make(fe.statusCode, fe.statusCode === 404 ? 'UNKNOWN_ROUTE' : 'INVALID_REQUEST', fe.message ?? '');
  }
  return make(500, 'INTERNAL_ERROR', 'the server failed to answer this request; the failure is logged');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
