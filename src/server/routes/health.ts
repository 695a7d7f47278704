/** Liveness, readiness and the OpenAPI document. */
import { sql } from 'kysely';
import { PUBLIC, type RouteModule } from '../context.ts';
import { ServerError } from '../errors.ts';
import { problemOf, sendProblem } from '../problem.ts';

const health = { permission: 'health:read', scope: 'public-aggregate' } as const;

export const healthRoutes: RouteModule = (app, { store }) => {
  app.get('/openapi.json', { config: { authorization: PUBLIC }, schema: { hide: true } }, () => app.swagger());

  app.get('/healthz', { config: { authorization: health }, schema: { summary: 'the process is alive' } }, () => ({ status: 'ok' }));

  app.get('/readyz', { config: { authorization: health }, schema: { summary: 'the store answers a query' } }, async (request, reply) => {
    try {
      await sql`select 1 as one`.execute(store.db);
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, problemOf(new ServerError('STORE_UNAVAILABLE', 'the store does not answer'), request));
    }
  });
};
