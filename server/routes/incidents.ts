// Incidents: list the failed instances, read one, retry one after a fix.
import type { IncidentQuery, IncidentRetry, Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';

export function incidentHandlers(runtime: Runtime): Handlers {
  return {
    listIncidents: async ({ query }: Input<unknown, IncidentQuery>) => ok(await runtime.findIncidents(query)),

    getIncident: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const incident = await runtime.getIncident(params.id);
      if (!incident) throw new HttpProblem(404, `No incident with id ${params.id}.`);
      return ok(incident);
    },

    retryIncident: async ({ params, body, user }: Input<IncidentRetry, unknown, { id: string }>) =>
      ok(await runtime.retryIncident(params.id, body, user!)),
  };
}
