/** Cases: the list within the caller's scope, and one case's timeline and final state. */
import { z } from 'zod';
import { AgencyError } from '../../agencies/errors.ts';
import { listEnvelope, toOutputJson } from '../../cli/output.ts';
import { commonZone } from '../../cli/zones.ts';
import { grantsCover } from '../auth.ts';
import { afterSchema, aorSchema, dateBound, fromSchema, limitSchema, oriSchema, stateSchema, toSchema, withinGrants, type RouteModule } from '../context.ts';

const caseListQuery = z.object({ ori: oriSchema.optional(), state: stateSchema.optional(), aor: aorSchema.optional(), from: fromSchema.optional(), to: toSchema.optional(), after: afterSchema.optional(), limit: limitSchema }).strict();

const casesRead = { permission: 'cases:read', scope: 'ori' } as const;

export const caseRoutes: RouteModule = (app, { pipeline, store }) => {
  app.get('/cases', { config: { authorization: casesRead }, schema: { summary: 'cases in booking order, one page at a time, within the caller’s scope', querystring: caseListQuery } }, async (request) => {
    const q = request.query;
    const within = await withinGrants(pipeline, request.grants);
    const listed = (await pipeline.jurisdictions.list(store.db, { state: q.state, aor: q.aor })).filter((j) => (q.ori === undefined || j.ori === q.ori) && (within === undefined || within.includes(j.ori)));
    const dayZone = commonZone(listed.map((j) => j.timeZone));
    const from = q.from === undefined ? undefined : dateBound(q.from, 'from', dayZone, 0);
    const to = q.to === undefined ? undefined : dateBound(q.to, 'to', dayZone, 1);
    const result = await pipeline.listCases({ ori: q.ori, state: q.state, aor: q.aor, from, to, after: q.after, limit: q.limit, within });
    return toOutputJson({ filter: { ori: q.ori ?? null, state: q.state ?? null, aor: q.aor ?? null, from: from ?? null, to: to ?? null, dayZone }, ...listEnvelope(result.items, { next: result.next }) }, { zone: dayZone });
  });

  app.get('/cases/:id', { config: { authorization: casesRead }, schema: { summary: 'a case: its timeline and final state', params: z.object({ id: z.string().min(1).max(64) }) } }, async (request) => {
    const { id } = request.params;
    const jail = await pipeline.booking.bookingOf(store.db, id);
    const j = await pipeline.jurisdictions.jurisdictionOf(store.db, jail.ori);
    // Out of scope reads as unknown: the caller learns nothing of cases it may not see.
    if (!grantsCover(request.grants, j)) throw new AgencyError('UNKNOWN_CASE', `no case ${id}`);
    const report = await pipeline.caseReport(id);
    return toOutputJson(report, { zone: report.timeZone });
  });
};
