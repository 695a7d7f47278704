import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock/index.ts';
import { openStore, type Store } from '../platform/store/index.ts';
import { runScenario } from '../sim/scenario.ts';
import { buildServer } from './app.ts';
import { DEVELOPMENT_PRINCIPAL, type Principal } from './auth.ts';

const SCENARIO = join(import.meta.dirname, '../../scenarios/a-county-in-2011.json');
const path = join(mkdtempSync(join(tmpdir(), 'seccom-server-')), 'store.db');
let store: Store;
let app: FastifyInstance;

type Json = Record<string, unknown>;
type CaseItem = { caseId: string; ori: string; bookedAt: { local: string; utc: string; zone: string } };
type Page<T> = { items: T[]; count: number; next: string | null };

const clock = () => new ManualClock(Date.UTC(2012, 0, 1));
const get = async (url: string, server = app) => {
  const r = await server.inject({ method: 'GET', url });
  return { status: r.statusCode, type: String(r.headers['content-type'] ?? ''), body: r.body.length ? (JSON.parse(r.body) as Json) : {} };
};

beforeAll(async () => {
  const played = await openStore({ kind: 'sqlite', path });
  const result = await runScenario(SCENARIO, { store: played });
  expect(result.kept).toBe(true);
  await played.close();
  store = await openStore({ kind: 'sqlite', path });
  app = await buildServer({ store, clock: clock() });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('the HTTP API over a played store', () => {
  it('answers /healthz and /readyz with 200 while the store answers', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('answers /readyz with 503 problem+json once the store is closed', async () => {
    const s = await openStore({ kind: 'sqlite', path });
    const server = await buildServer({ store: s, clock: clock() });
    try {
      await s.close();
      const r = await get('/readyz', server);
      expect(r.status).toBe(503);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.code).toBe('STORE_UNAVAILABLE');
    } finally {
      await server.close();
    }
  });

  it('lists cases in the list envelope with instants as {local, utc, zone}, page by page with the cursor', async () => {
    const all = (await get('/cases?limit=1000')).body as unknown as Page<CaseItem>;
    expect(all.count).toBeGreaterThan(2);
    expect(all.items).toHaveLength(all.count);
    expect(all.next).toBeNull();
    expect(all.items[0].bookedAt).toMatchObject({ zone: 'America/Chicago' });
    expect(all.items[0].bookedAt.local).toMatch(/^2011-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00$/);
    const seen: string[] = [];
    let url = '/cases?limit=2';
    for (;;) {
      const p = (await get(url)).body as unknown as Page<CaseItem>;
      seen.push(...p.items.map((c) => c.caseId));
      if (p.next === null) break;
      url = `/cases?limit=2&after=${encodeURIComponent(p.next)}`;
    }
    expect(seen).toEqual(all.items.map((c) => c.caseId));
  });

  it('filters cases by ORI and booking date, the date bounds counted in the jurisdiction’s zone', async () => {
    const all = ((await get('/cases?limit=1000')).body as unknown as Page<CaseItem>).items;
    const ori = all[0].ori;
    const byOri = ((await get(`/cases?ori=${ori}&limit=1000`)).body as unknown as Page<CaseItem>).items;
    expect(byOri.map((c) => c.caseId)).toEqual(all.filter((c) => c.ori === ori).map((c) => c.caseId));
    const day = all[0].bookedAt.local.slice(0, 10);
    const onDay = ((await get(`/cases?from=${day}&to=${day}&limit=1000`)).body as unknown as Page<CaseItem>).items;
    expect(onDay.map((c) => c.caseId)).toEqual(all.filter((c) => c.bookedAt.local.startsWith(day)).map((c) => c.caseId));
  });

  it('shows a case with its timeline and final state', async () => {
    const first = ((await get('/cases?limit=1')).body as unknown as Page<CaseItem>).items[0];
    const r = await get(`/cases/${first.caseId}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ caseId: first.caseId, ori: first.ori, finalState: { caseId: first.caseId } });
    expect((r.body.timeline as { kind: string }[]).map((e) => e.kind)).toContain('booked');
  });

  it('lists jurisdictions, a jurisdiction’s participation history, and the policy versions', async () => {
    const j = (await get('/jurisdictions')).body as unknown as Page<{ ori: string; state: string }>;
    expect(j.items.map((x) => x.ori)).toEqual(['TX1010000', 'TX1010100', 'TX1010200']);
    const two = (await get('/jurisdictions?limit=2')).body as unknown as Page<{ ori: string }>;
    expect(two.items.map((x) => x.ori)).toEqual(['TX1010000', 'TX1010100']);
    const rest = (await get(`/jurisdictions?limit=2&after=${two.next}`)).body as unknown as Page<{ ori: string }>;
    expect(rest).toMatchObject({ items: [{ ori: 'TX1010200' }], next: null });
    const h = await get('/jurisdictions/TX1010000/history');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ jurisdiction: { ori: 'TX1010000' } });
    expect((h.body.items as unknown[]).length).toBe(h.body.count);
    const v = (await get('/policy/versions')).body as unknown as Page<{ id: string }>;
    expect(v.items.map((x) => x.id)).toContain('2011-06-17-discretion');
  });
});

describe('errors as problem+json', () => {
  it('answers an unknown case id with 404 UNKNOWN_CASE', async () => {
    const r = await get('/cases/CASE0000000000000000000000000000');
    expect(r.status).toBe(404);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 404, code: 'UNKNOWN_CASE', title: 'Not Found', instance: '/cases/CASE0000000000000000000000000000' });
    expect(typeof r.body.type).toBe('string');
    expect(typeof r.body.detail).toBe('string');
  });

  it.each(['2011-02-30', '2011-13-01', '2011-02-29T25:00:00Z', 'yesterday'])('answers an impossible date from=%s with 400', async (from) => {
    const r = await get(`/cases?from=${encodeURIComponent(from)}`);
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(String(r.body.detail)).toContain(from);
  });

  it('answers a bad cursor with 400 INVALID_CURSOR, on cases and on jurisdictions', async () => {
    for (const url of ['/cases?after=not-a-cursor', '/jurisdictions?after=not-a-cursor']) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.code, url).toBe('INVALID_CURSOR');
    }
  });

  it('answers a schema violation with 400 and the issues listed', async () => {
    const r = await get('/cases?limit=0&state=texas');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_REQUEST');
    const paths = (r.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['querystring.limit', 'querystring.state']));
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const r = await get('/no/such/route');
    expect(r).toMatchObject({ status: 404, body: { code: 'UNKNOWN_ROUTE' } });
    expect(r.type).toContain('application/problem+json');
  });

  it('never answers a random query string on /cases with a 5xx', async () => {
    const keys = fc.constantFrom('ori', 'state', 'aor', 'from', 'to', 'after', 'limit', 'x', '');
    const values = fc.oneof(fc.string(), fc.constantFrom('2011-02-30', '2011-01-01', 'TX', 'TX1010000', '-1', '1e3', '0', '1001', '2011-03-01T00:00:00-06:00', '%', '%ZZ', '[]'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(keys, values, fc.boolean()), { maxLength: 5 }), async (pairs) => {
        const qs = pairs.map(([k, v, raw]) => `${encodeURIComponent(k)}=${raw ? v : encodeURIComponent(v)}`).join('&');
        const r = await app.inject({ method: 'GET', url: `/cases?${qs}` });
        expect(r.statusCode, qs).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('never answers a random path segment or query on any read route with a 5xx', async () => {
    const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('TX1010000', 'CASE', '..', '%00', '%E0%A4%A'));
    const route = fc.tuple(fc.constantFrom('/cases/', '/jurisdictions/', '/jurisdictions?after=', '/policy/versions?limit=', '/policy/versions?after='), segment, fc.boolean());
    await fc.assert(
      fc.asyncProperty(route, async ([prefix, seg, raw]) => {
        const tail = raw ? seg : encodeURIComponent(seg);
        const url = prefix === '/jurisdictions/' ? `${prefix}${tail}/history` : `${prefix}${tail}`;
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode, url).toBeLessThan(500);
        if (r.statusCode >= 400) {
          expect(String(r.headers['content-type']), url).toContain('application/problem+json');
          expect(['INVALID_REQUEST', 'INVALID_CURSOR', 'UNKNOWN_CASE', 'UNKNOWN_ORI', 'UNKNOWN_ROUTE'], url).toContain((JSON.parse(r.body) as { code: string }).code);
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('authorization', () => {
  it('scopes every list: a caller granted one ORI sees only that ORI’s cases and jurisdiction, and no other case', async () => {
    const all = ((await get('/cases?limit=1000')).body as unknown as Page<CaseItem>).items;
    const ori = all[0].ori;
    const other = all.find((c) => c.ori !== ori);
    expect(other).toBeDefined();
    const principal: Principal = { id: 'jail', permissions: ['cases:read', 'jurisdictions:read'], grants: { national: false, oris: [ori] } };
    const scoped = await buildServer({ store, clock: clock(), resolvePrincipal: () => principal });
    try {
      const seen = ((await get('/cases?limit=1000', scoped)).body as unknown as Page<CaseItem>).items;
      expect(seen.map((c) => c.caseId)).toEqual(all.filter((c) => c.ori === ori).map((c) => c.caseId));
      expect(((await get(`/cases?ori=${other!.ori}`, scoped)).body as unknown as Page<CaseItem>).items).toEqual([]);
      expect((await get(`/cases/${other!.caseId}`, scoped)).status).toBe(404);
      expect((await get(`/cases/${all[0].caseId}`, scoped)).status).toBe(200);
      expect(((await get('/jurisdictions', scoped)).body as unknown as Page<{ ori: string }>).items.map((j) => j.ori)).toEqual([ori]);
      expect((await get(`/jurisdictions/${other!.ori}/history`, scoped)).status).toBe(404);
      // No policy:read permission.
      expect(await get('/policy/versions', scoped)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    } finally {
      await scoped.close();
    }
  });

  it('scopes by state and by field office as well: a CA grant sees no Texas case, a HOU grant sees them all', async () => {
    const all = ((await get('/cases?limit=1000')).body as unknown as Page<CaseItem>).items;
    const as = (grants: Principal['grants']) => buildServer({ store, clock: clock(), resolvePrincipal: () => ({ id: 'g', permissions: ['*'], grants }) });
    const ca = await as({ national: false, states: ['CA'] });
    const hou = await as({ national: false, aors: ['HOU'] });
    const none = await as({ national: false });
    try {
      expect(((await get('/cases?state=TX&limit=1000', ca)).body as unknown as Page<CaseItem>).count).toBe(0);
      expect(((await get('/jurisdictions', ca)).body as unknown as Page<unknown>).count).toBe(0);
      expect(((await get('/cases?limit=1000', hou)).body as unknown as Page<CaseItem>).items.map((c) => c.caseId)).toEqual(all.map((c) => c.caseId));
      expect(await get('/cases', none)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      expect((await get('/policy/versions', none)).status).toBe(200);
    } finally {
      await Promise.all([ca.close(), hou.close(), none.close()]);
    }
  });

  it('answers 401 when the resolver finds no principal', async () => {
    const anonymous = await buildServer({ store, clock: clock(), resolvePrincipal: () => null });
    try {
      expect(await get('/cases', anonymous)).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
    } finally {
      await anonymous.close();
    }
  });

  it('refuses to register a route that declares no permission and scope', async () => {
    const server = await buildServer({ store, clock: clock() });
    try {
      expect(() => server.get('/undeclared', () => ({}))).toThrow(/must declare config\.authorization/);
      expect(() => server.get('/bad-scope', { config: { authorization: { permission: 'x', scope: 'planet' as never } } }, () => ({}))).toThrow(/must declare/);
    } finally {
      await server.close();
    }
  });

  it('grants the development principal national scope by default', () => {
    expect(DEVELOPMENT_PRINCIPAL.grants).toEqual({ national: true });
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 JSON listing every route, and /docs serves the interactive docs', async () => {
    const r = await get('/openapi.json');
    expect(r.status).toBe(200);
    expect(String(r.body.openapi)).toMatch(/^3\.1\.\d+$/);
    const paths = Object.keys(r.body.paths as Json);
    expect(paths).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/cases', '/cases/{id}', '/jurisdictions', '/jurisdictions/{ori}/history', '/policy/versions']));
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
