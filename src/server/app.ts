/**
 * The HTTP API over a pipeline store (issue 12, point 2 — first slice). Thin: each route parses
 * its input with a zod schema, passes the one authorization hook (auth.ts), calls the same
 * module functions the CLI calls (src/cli/scenario.ts) and writes the CLI's JSON contract
 * (docs/output.md). Errors are problem+json (problem.ts).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Pipeline } from '../agencies/pipeline.ts';
import type { Clock } from '../platform/clock/index.ts';
import { systemRandom, type RandomSource } from '../platform/messaging/index.ts';
import { loadPolicy } from '../platform/policy/load.ts';
import type { Store } from '../platform/store/index.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { developmentResolver, installAuthorization, type PrincipalResolver } from './auth.ts';
import type { RouteModule, ServerContext } from './context.ts';
import { ServerError } from './errors.ts';
import { problemOf, sendProblem } from './problem.ts';
import { caseRoutes } from './routes/cases.ts';
import { healthRoutes } from './routes/health.ts';
import { jurisdictionRoutes } from './routes/jurisdictions.ts';
import { policyRoutes } from './routes/policy.ts';

export interface ServerOptions {
  store: Store;
  clock: Clock;
  policy?: PolicyBundle;
  random?: RandomSource;
  /** Who is calling (default: the development principal, national scope). */
  resolvePrincipal?: PrincipalResolver;
  /** Fastify's logger option (default off). */
  logger?: boolean | Record<string, unknown>;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, clock } = options;
  const policy = options.policy ?? loadPolicy();
  const random = options.random ?? systemRandom();
  const pipeline = await Pipeline.open({ store, clock, policy, random });

  const app = Fastify({
    logger: options.logger ?? false,
    return503OnClosing: true,
    // Errors before routing (a malformed percent-encoding in the path, a bad content type) answer as problems too.
    frameworkErrors: (error, request, reply) => void sendProblem(reply, problemOf(error, request)),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installAuthorization(app, options.resolvePrincipal ?? developmentResolver, [{ prefix: '/docs', authorization: { permission: 'docs:read', scope: 'public-aggregate' } }]);

  app.setErrorHandler((error, request, reply) => {
    const problem = problemOf(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf(new ServerError('UNKNOWN_ROUTE', `no route ${request.method} ${request.url.split('?')[0]}`), request)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Secure Communities API', version: '0.1.0', description: 'Cases, jurisdictions and policy versions of a Secure Communities pipeline store. Errors are RFC 9457 application/problem+json with the CLI error codes.' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const ctx: ServerContext = { pipeline, store, clock, policy, random };
  // One line per route module (each file declares its routes' permission and scope).
  const routeModules: RouteModule[] = [healthRoutes, caseRoutes, jurisdictionRoutes, policyRoutes];
  for (const register of routeModules) await register(app, ctx);

  return app;
}
