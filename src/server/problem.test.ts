import fc from 'fast-check';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AgencyError, type AgencyErrorCode } from '../agencies/errors.ts';
import { PolicyError } from '../policy/errors.ts';
import { problemOf, sendProblem, statusOfCode } from './problem.ts';

/** A bare Fastify app whose one route throws `error`, answered through problemOf. */
async function answer(error: unknown) {
  const app = Fastify();
  app.setErrorHandler((e, request, reply) => sendProblem(reply, problemOf(e, request)));
  app.get('/x', () => {
    throw error;
  });
  const r = await app.inject({ method: 'GET', url: '/x?q=1' });
  await app.close();
  return { status: r.statusCode, type: String(r.headers['content-type']), body: JSON.parse(r.body) as Record<string, unknown> };
}

describe('problem+json', () => {
  it('maps the typed errors the CLI exits 2 for to 4xx with their code: unknown ids 404, duplicates and repeats 409, the rest 400', async () => {
    const cases: [AgencyErrorCode, number][] = [['UNKNOWN_CASE', 404], ['UNKNOWN_ORI', 404], ['DUPLICATE_ORI', 409], ['DUPLICATE_TCN_CONFLICT', 409], ['RELEASE_ALREADY_RECORDED', 409], ['CHARGE_ALREADY_DISPOSED', 409], ['INVALID_CURSOR', 400], ['INVALID_BOOKING', 400], ['UNKNOWN_NCIC_CODE', 400]];
    for (const [code, status] of cases) {
      const r = await answer(new AgencyError(code, `refused: ${code}\nsecond line`));
      expect(r, code).toMatchObject({ status, body: { status, code, detail: `refused: ${code}`, instance: '/x?q=1' } });
      expect(r.type).toContain('application/problem+json');
    }
    expect((await answer(new PolicyError('UNKNOWN_VERSION', 'no such version'))).status).toBe(404);
  });

  it('answers anything else with 500 naming no internals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), async (secret) => {
        const r = await answer(Object.assign(new Error(`db password ${secret}`), { code: 'ENOENT' }));
        expect(r.status).toBe(500);
        expect(r.body.code).toBe('INTERNAL_ERROR');
        expect(JSON.stringify(r.body)).not.toContain('db password');
      }),
      { numRuns: 20 },
    );
  });

  it('gives every code a 4xx or 503, never a 500', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/), (code) => [400, 404, 409, 503].includes(statusOfCode(code))));
  });
});
