/** The policy versions (public record). */
import { listEnvelope, toOutputJson } from '../../cli/output.ts';
import { page, pageQuery, type RouteModule } from '../context.ts';

export const policyRoutes: RouteModule = (app, { policy }) => {
  app.get('/policy/versions', { config: { authorization: { permission: 'policy:read', scope: 'public-aggregate' } }, schema: { summary: 'the policy versions, by id (oldest first)', querystring: pageQuery } }, (request) => {
    const versions = policy.versions.map((v) => ({ id: v.id, effective: v.effective, supersededBy: v.supersededBy, title: v.title, summary: v.summary, sources: v.sources }));
    const result = page(versions, (v) => v.id, request.query);
    return toOutputJson(listEnvelope(result.items, { next: result.next }));
  });
};
