// Incidents: list the failed instances, read one, retry one after a fix.
import type { IncidentQuery, IncidentRetry, Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';
import { incidentRouteHints } from '../routing.js';

export function incidentHandlers(runtime: Runtime): Handlers {
  return {
    // the order of each incident listed, for the router: a later retry names only the incident
    listIncidents: async ({ query, req }: Input<unknown, IncidentQuery>) => {
      const page = await runtime.findIncidents(query);
      return { ...ok(page), headers: nextLink(req, page.nextCursor, { parameter: 'cursor' }), orders: incidentRouteHints(page.items) };
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
