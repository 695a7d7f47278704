/**
 * What every route module of the HTTP API receives: the pipeline over the store, the clock, the
 * policy bundle — and the small helpers they share (cursor pages over sorted lists, the ORIs a
 * caller's grants cover, date-range bounds, the common query schemas).
 */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgencyError } from '../agencies/errors.ts';
import type { Pipeline } from '../agencies/pipeline.ts';
import type { Clock } from '../platform/clock/index.ts';
import type { RandomSource } from '../platform/messaging/index.ts';
import type { Store } from '../platform/store/index.ts';
import { dayOrInstant } from '../policy/dates.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { grantsCover, type Grants, type RouteAuthorization } from './auth.ts';
import { ServerError } from './errors.ts';

/** The Fastify instance every route module registers on (zod schemas for input and output). */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface ServerContext {
  readonly pipeline: Pipeline;
  readonly store: Store;
  readonly clock: Clock;
  readonly policy: PolicyBundle;
  readonly random: RandomSource;
}

/** A route module: registers its routes, each with `config.authorization`. */
export type RouteModule = (app: App, ctx: ServerContext) => void | Promise<void>;

/** The declaration of a public aggregate route. */
export const PUBLIC: RouteAuthorization = { permission: 'public:read', scope: 'public-aggregate' };

// --- common query schemas -------------------------------------------------------------------

export const oriSchema = z.string().regex(/^[A-Z0-9]{9}$/, 'an ORI is 9 capital letters and digits');
export const stateSchema = z.string().regex(/^[A-Z]{2}$/, 'two capital letters, e.g. TX');
export const aorSchema = z.string().min(1).max(16);
export const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);
export const afterSchema = z.string().min(1).max(200).describe('the `next` cursor of the previous page');
export const fromSchema = z.string().min(1).max(64).describe('on or after this day (YYYY-MM-DD) or instant (ISO 8601 with zone)');
export const toSchema = z.string().min(1).max(64).describe('on or before this day (YYYY-MM-DD, the whole day) or before this instant');
export const pageQuery = z.object({ after: afterSchema.optional(), limit: limitSchema }).strict();

// --- cursor pages -----------------------------------------------------------------------------

/** An opaque cursor over a list sorted by a string key. */
export const encodeKey = (key: string) => Buffer.from(`k:${key}`, 'utf8').toString('base64url');
export function decodeKey(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith('k:')) throw new AgencyError('INVALID_CURSOR', `not a cursor this server issued: "${cursor}"`);
  return text.slice(2);
}

/** One page of `items` sorted by `key`, after the cursor `q.after`. */
export function page<T>(items: readonly T[], key: (t: T) => string, q: { after?: string; limit: number }): { items: T[]; next: string | null } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const start = q.after === undefined ? 0 : ((k) => sorted.findIndex((t) => key(t) > k))(decodeKey(q.after));
  const rows = start < 0 ? [] : sorted.slice(start, start + q.limit);
  const more = start >= 0 && start + q.limit < sorted.length;
  return { items: rows, next: more ? encodeKey(key(rows.at(-1)!)) : null };
}

// --- scope --------------------------------------------------------------------------------------

/** The ORIs the grants cover, or undefined for national grants (no restriction). */
export async function withinGrants(p: Pipeline, grants: Grants): Promise<string[] | undefined> {
  if (grants.national) return undefined;
  return (await p.jurisdictions.list(p.store.db)).filter((j) => grantsCover(grants, j)).map((j) => j.ori);
}

// --- dates --------------------------------------------------------------------------------------

/** A `from`/`to` query bound (see `dayOrInstant`); a 400 INVALID_REQUEST naming the value otherwise. */
export function dateBound(text: string, name: string, zone: string, dayOffset: 0 | 1): number {
  const at = dayOrInstant(text, zone, dayOffset);
  if (at === null) throw new ServerError('INVALID_REQUEST', `${name} must be a real day (YYYY-MM-DD) or an ISO 8601 instant with a zone, got "${text}"`);
  return at;
}
