/**
 * The one authorization hook of the HTTP API. Every route declares, in its `config`, the
 * permission it needs and the finest data scope it exposes; a route registered without the
 * declaration is refused at registration. The caller's principal comes from a pluggable
 * resolver (accounts arrive in issue 13); the hook checks the permission and attaches the
 * principal's grants to the request, which the handlers pass into every query.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServerError } from './errors.ts';

export const SCOPES = ['public-aggregate', 'national', 'state', 'aor', 'ori'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a route needs: a permission (e.g. `cases:read`) and the finest level of data it returns. */
export interface RouteAuthorization {
  permission: string;
  scope: Scope;
}

/** The data a principal may see: everything (national), or the union of these ORIs, states and field offices. */
export interface Grants {
  national: boolean;
  oris?: readonly string[];
  states?: readonly string[];
  aors?: readonly string[];
}

export interface Principal {
  id: string;
  /** Permissions held; `*` holds every permission. */
  permissions: readonly string[];
  grants: Grants;
}

/** Who is calling: a principal, or null for a caller who is not authenticated. */
export type PrincipalResolver = (request: FastifyRequest) => Principal | null | Promise<Principal | null>;

/** The development principal granted until accounts exist: every permission, national scope. */
export const DEVELOPMENT_PRINCIPAL: Principal = Object.freeze({ id: 'development', permissions: Object.freeze(['*']), grants: Object.freeze({ national: true }) });
export const developmentResolver: PrincipalResolver = () => DEVELOPMENT_PRINCIPAL;

declare module 'fastify' {
  interface FastifyContextConfig {
    authorization?: RouteAuthorization;
  }
  interface FastifyRequest {
    principal: Principal | null;
    grants: Grants;
  }
}

/** A route registered without a valid `config.authorization`: the server's own bug, refused at start. */
class RouteDeclarationError extends Error {
  override readonly name = 'RouteDeclarationError';
}

const hasAnyGrant = (g: Grants) => g.national || (g.oris?.length ?? 0) > 0 || (g.states?.length ?? 0) > 0 || (g.aors?.length ?? 0) > 0;

/** Whether a jurisdiction lies within the grants. */
export function grantsCover(g: Grants, j: { ori: string; state: string; aor: string }): boolean {
  return g.national || (g.oris?.includes(j.ori) ?? false) || (g.states?.includes(j.state) ?? false) || (g.aors?.includes(j.aor) ?? false);
}

/**
 * Installs the declaration check (onRoute) and the hook (onRequest) on the root instance.
 * `implicit` gives a declaration to routes registered by plugins the server does not write
 * (the documentation UI), matched by URL prefix; nothing else is exempt.
 */
export function installAuthorization(app: FastifyInstance, resolve: PrincipalResolver, implicit: readonly { prefix: string; authorization: RouteAuthorization }[] = []): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('grants', null as unknown as Grants);
  app.addHook('onRoute', (route) => {
    const given = implicit.find((i) => route.url === i.prefix || route.url.startsWith(`${i.prefix}/`));
    if (given && route.config?.authorization === undefined) route.config = { ...route.config, authorization: given.authorization };
    const a = route.config?.authorization;
    if (a === undefined || typeof a.permission !== 'string' || a.permission === '' || !SCOPES.includes(a.scope)) {
      throw new RouteDeclarationError(`route ${String(route.method)} ${route.url} must declare config.authorization = { permission, scope } (scope one of ${SCOPES.join(', ')})`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const declared = request.routeOptions.config.authorization;
    // The not-found handler has no declaration: it serves nothing.
    if (declared === undefined) {
      request.grants = { national: false };
      return;
    }
    const principal = await resolve(request);
    if (principal === null) throw new ServerError('UNAUTHENTICATED', 'this request carries no credentials the server accepts');
    if (!principal.permissions.includes('*') && !principal.permissions.includes(declared.permission)) throw new ServerError('FORBIDDEN', `permission ${declared.permission} is needed`);
    if (declared.scope !== 'public-aggregate' && !hasAnyGrant(principal.grants)) throw new ServerError('FORBIDDEN', `this route returns ${declared.scope}-level data and the caller has no data scope`);
    request.principal = principal;
    request.grants = principal.grants;
  });
}
