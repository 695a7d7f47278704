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
import { sql } from 'kysely';
import { z } from 'zod';
import { AgencyError } from '../agencies/errors.ts';
import type { Jurisdiction } from '../agencies/jurisdictions/index.ts';
import { Pipeline } from '../agencies/pipeline.ts';
import { boundary, caseReport } from '../cli/scenario.ts';
import { listEnvelope, toOutputJson } from '../cli/output.ts';
import { commonZone } from '../cli/zones.ts';
import type { Clock } from '../platform/clock/index.ts';
import { systemRandom, type RandomSource } from '../platform/messaging/index.ts';
import { loadPolicy } from '../platform/policy/load.ts';
import type { Store } from '../platform/store/index.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { developmentResolver, grantsCover, installAuthorization, type Grants, type PrincipalResolver } from './auth.ts';
import { ServerError } from './errors.ts';
import { problemOf, sendProblem } from './problem.ts';

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

const ori = z.string().regex(/^[A-Z0-9]{9}$/, 'an ORI is 9 capital letters and digits');
const limit = z.coerce.number().int().min(1).max(1000).default(100);
const after = z.string().min(1).max(200);

const caseListQuery = z
  .object({
    ori: ori.optional(),
    state: z.string().regex(/^[A-Z]{2}$/, 'two capital letters, e.g. TX').optional(),
    aor: z.string().min(1).max(16).optional(),
    from: z.string().min(1).max(64).optional().describe('booked on or after this day (YYYY-MM-DD) or instant (ISO 8601 with zone)'),
    to: z.string().min(1).max(64).optional().describe('booked on or before this day (YYYY-MM-DD, the whole day) or before this instant'),
    after: after.optional().describe('the `next` cursor of the previous page'),
    limit,
  })
  .strict();

const jurisdictionListQuery = z.object({ state: caseListQuery.shape.state, aor: caseListQuery.shape.aor, after: after.optional(), limit }).strict();
const pageQuery = z.object({ after: after.optional(), limit }).strict();

/** An opaque cursor over a list sorted by a string key. */
const encodeKey = (key: string) => Buffer.from(`k:${key}`, 'utf8').toString('base64url');
function decodeKey(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith('k:')) throw new AgencyError('INVALID_CURSOR', `not a cursor this server issued: "${cursor}"`);
  return text.slice(2);
}
function page<T>(items: readonly T[], key: (t: T) => string, q: { after?: string; limit: number }) {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const start = q.after === undefined ? 0 : ((k) => sorted.findIndex((t) => key(t) > k))(decodeKey(q.after));
  const rows = start < 0 ? [] : sorted.slice(start, start + q.limit);
  const more = start >= 0 && start + q.limit < sorted.length;
  return { items: rows, next: more ? encodeKey(key(rows.at(-1)!)) : null };
}

/** The ORIs the grants cover, or undefined for national grants. */
async function withinGrants(p: Pipeline, grants: Grants): Promise<string[] | undefined> {
  if (grants.national) return undefined;
  return (await p.jurisdictions.list(p.store.db)).filter((j) => grantsCover(grants, j)).map((j) => j.ori);
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, clock } = options;
  const policy = options.policy ?? loadPolicy();
  const pipeline = await Pipeline.open({ store, clock, policy, random: options.random ?? systemRandom() });

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

  const pub = { permission: 'public:read', scope: 'public-aggregate' } as const;

  app.get('/openapi.json', { config: { authorization: pub }, schema: { hide: true } }, () => app.swagger());

  app.get('/healthz', { config: { authorization: { permission: 'health:read', scope: 'public-aggregate' } }, schema: { summary: 'the process is alive' } }, () => ({ status: 'ok' }));

  app.get('/readyz', { config: { authorization: { permission: 'health:read', scope: 'public-aggregate' } }, schema: { summary: 'the store answers a query' } }, async (request, reply) => {
    try {
      await sql`select 1 as one`.execute(store.db);
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, problemOf(new ServerError('STORE_UNAVAILABLE', 'the store does not answer'), request));
    }
  });

  app.get('/cases', { config: { authorization: { permission: 'cases:read', scope: 'ori' } }, schema: { summary: 'cases in booking order, one page at a time, within the caller’s scope', querystring: caseListQuery } }, async (request) => {
    const q = request.query;
    const within = await withinGrants(pipeline, request.grants);
    const listed = (await pipeline.jurisdictions.list(store.db, { state: q.state, aor: q.aor })).filter((j) => (q.ori === undefined || j.ori === q.ori) && (within === undefined || within.includes(j.ori)));
    const dayZone = commonZone(listed.map((j) => j.timeZone));
    const from = q.from === undefined ? undefined : boundary(q.from, 'from', dayZone, 0);
    const to = q.to === undefined ? undefined : boundary(q.to, 'to', dayZone, 1);
    const result = await pipeline.listCases({ ori: q.ori, state: q.state, aor: q.aor, from, to, after: q.after, limit: q.limit, within });
    return toOutputJson({ filter: { ori: q.ori ?? null, state: q.state ?? null, aor: q.aor ?? null, from: from ?? null, to: to ?? null, dayZone }, ...listEnvelope(result.items, { next: result.next }) }, { zone: dayZone });
  });

  app.get('/cases/:id', { config: { authorization: { permission: 'cases:read', scope: 'ori' } }, schema: { summary: 'a case: its timeline and final state', params: z.object({ id: z.string().min(1).max(64) }) } }, async (request) => {
    const { id } = request.params;
    const jail = await pipeline.booking.bookingOf(store.db, id);
    const j = await pipeline.jurisdictions.jurisdictionOf(store.db, jail.ori);
    // Out of scope reads as unknown: the caller learns nothing of cases it may not see.
    if (!grantsCover(request.grants, j)) throw new AgencyError('UNKNOWN_CASE', `no case ${id}`);
    const report = await caseReport(pipeline, id);
    return toOutputJson(report, { zone: report.timeZone });
  });

  app.get('/jurisdictions', { config: { authorization: { permission: 'jurisdictions:read', scope: 'ori' } }, schema: { summary: 'the jurisdictions within the caller’s scope, by ORI', querystring: jurisdictionListQuery } }, async (request) => {
    const q = request.query;
    const all = (await pipeline.jurisdictions.list(store.db, { state: q.state, aor: q.aor })).filter((j) => grantsCover(request.grants, j));
    const result = page<Jurisdiction>(all, (j) => j.ori, q);
    return toOutputJson(listEnvelope(result.items, { next: result.next }));
  });

  app.get('/jurisdictions/:ori/history', { config: { authorization: { permission: 'jurisdictions:read', scope: 'ori' } }, schema: { summary: 'a jurisdiction’s participation history with the notices given', params: z.object({ ori }) } }, async (request) => {
    const j = await pipeline.jurisdictions.jurisdictionOf(store.db, request.params.ori);
    if (!grantsCover(request.grants, j)) throw new AgencyError('UNKNOWN_ORI', `no jurisdiction ${request.params.ori}`);
    const history = await pipeline.jurisdictions.history(store.db, j.ori);
    return toOutputJson({ jurisdiction: j, ...listEnvelope(history) }, { zone: j.timeZone });
  });

  app.get('/policy/versions', { config: { authorization: { permission: 'policy:read', scope: 'public-aggregate' } }, schema: { summary: 'the policy versions, by id (oldest first)', querystring: pageQuery } }, (request) => {
    const versions = policy.versions.map((v) => ({ id: v.id, effective: v.effective, supersededBy: v.supersededBy, title: v.title, summary: v.summary, sources: v.sources }));
    const result = page(versions, (v) => v.id, request.query);
    return toOutputJson(listEnvelope(result.items, { next: result.next }));
  });

  return app;
}
