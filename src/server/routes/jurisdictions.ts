/** The jurisdiction registry within the caller's scope, and a jurisdiction's participation history. */
import { z } from 'zod';
import { AgencyError } from '../../agencies/errors.ts';
import type { Jurisdiction } from '../../agencies/jurisdictions/index.ts';
import { listEnvelope, toOutputJson } from '../../cli/output.ts';
import { grantsCover } from '../auth.ts';
import { afterSchema, aorSchema, limitSchema, oriSchema, page, stateSchema, type RouteModule } from '../context.ts';

const jurisdictionListQuery = z.object({ state: stateSchema.optional(), aor: aorSchema.optional(), after: afterSchema.optional(), limit: limitSchema }).strict();
const read = { permission: 'jurisdictions:read', scope: 'ori' } as const;

export const jurisdictionRoutes: RouteModule = (app, { pipeline, store }) => {
  app.get('/jurisdictions', { config: { authorization: read }, schema: { summary: 'the jurisdictions within the caller’s scope, by ORI', querystring: jurisdictionListQuery } }, async (request) => {
    const q = request.query;
    const all = (await pipeline.jurisdictions.list(store.db, { state: q.state, aor: q.aor })).filter((j) => grantsCover(request.grants, j));
    const result = page<Jurisdiction>(all, (j) => j.ori, q);
    return toOutputJson(listEnvelope(result.items, { next: result.next }));
  });

  app.get('/jurisdictions/:ori/history', { config: { authorization: read }, schema: { summary: 'a jurisdiction’s participation history with the notices given', params: z.object({ ori: oriSchema }) } }, async (request) => {
    const j = await pipeline.jurisdictions.jurisdictionOf(store.db, request.params.ori);
    if (!grantsCover(request.grants, j)) throw new AgencyError('UNKNOWN_ORI', `no jurisdiction ${request.params.ori}`);
    const history = await pipeline.jurisdictions.history(store.db, j.ori);
    return toOutputJson({ jurisdiction: j, ...listEnvelope(history) }, { zone: j.timeZone });
  });
};
