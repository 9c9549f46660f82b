// Incidents: list the failed instances, retry one after a fix.
import type { IncidentQuery, IncidentRetry, Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';

export function incidentHandlers(runtime: Runtime): Handlers {
  return {
    listIncidents: async ({ query }: Input<unknown, IncidentQuery>) => ok(await runtime.findIncidents(query)),

    retryIncident: async ({ params, body, user }: Input<IncidentRetry, unknown, { id: string }>) =>
      ok(await runtime.retryIncident(params.id, body, user!)),
  };
}
