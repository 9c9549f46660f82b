// Incidents: list the failed instances, read one, retry one after a fix.
import type { IncidentQuery, IncidentRetry, Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';
import { incidentRouteHints } from '../routing.js';

export function incidentHandlers(runtime: Runtime): Handlers {
  return {
    // the order of each incident listed, for the router: a later retry names only the incident
    listIncidents: async ({ query, req }: Input<unknown, IncidentQuery & { after?: string }>) => {
      // `after`, as every other list pages, names the same position as this list's own `cursor`
      const { after, ...search } = query;
      if (after !== undefined && search.cursor !== undefined) {
        throw new HttpProblem(400, 'Send the next page\'s position once: as after or as cursor, not both.', { errors: [{ field: 'query.after', message: 'is given with cursor' }] });
      }
      const page = await runtime.findIncidents({ ...search, ...(after !== undefined && { cursor: after }) });
      return { ...ok(page), headers: nextLink(req, page.nextCursor, { without: ['cursor'] }), orders: incidentRouteHints(page.items) };
    },

    getIncident: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const incident = await runtime.getIncident(params.id);
      if (!incident) throw new HttpProblem(404, `No incident with id ${params.id}.`);
      return { ...ok(incident), orders: incidentRouteHints([incident]) };
    },

    retryIncident: async ({ params, body, user }: Input<IncidentRetry, unknown, { id: string }>) =>
      ok(await runtime.retryIncident(params.id, body, user!)),
  };
}
