// Camunda 8's Orchestration Cluster REST API (v2), the incident subset: get
// one, search (all, or one process instance's with those it called), resolve.
// Reads are Stratum's incident list seen through Camunda's IncidentResult; a
// resolution is Stratum's incident retry with no
// variables, so every control of POST /api/incidents/{id}/retry holds (a retry
// that would fail again is refused and changes nothing, a resolved incident or
// one that only follows from a called instance's is refused, the history names
// the authenticated user). A job incident's job gets one retry: what Camunda
// does when retries are updated to 1 before the resolution.
import type { IncidentSearch, IncidentView, Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input, type Reply } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import { incidentRouteHints } from '../routing.js';
import { DEFAULT_TENANT } from '../schemas/camunda8.js';
import { errorTypeOf, errorTypeSearch, type Camunda8ErrorType } from './incident-error-types.js';

interface Page {
  from?: number;
  limit?: number;
  after?: string;
}

/** At most one criterion (the schema refuses more): creation time or incident key, ascending unless DESC. */
type Sort = { field: 'creationTime' | 'incidentKey'; order?: 'ASC' | 'DESC' }[];

interface SearchBody {
  filter?: {
    processInstanceKey?: string;
    processDefinitionId?: string;
    state?: 'ACTIVE' | 'RESOLVED' | 'MIGRATED' | 'PENDING';
    errorType?: Camunda8ErrorType;
  };
  sort?: Sort;
  page?: Page;
}

/** Camunda's default page size for searches. */
const DEFAULT_LIMIT = 100;

export function camunda8IncidentHandlers(runtime: Runtime): Handlers {
  return {
    camunda8GetIncident: async ({ params }: Input<unknown, unknown, { incidentKey: string }>) => {
      const incident = await runtime.getIncident(params.incidentKey);
      if (!incident) throw new HttpProblem(404, `No incident with key ${params.incidentKey}.`);
      // Camunda's shape has no business key: the order is named beside it, for a later resolution's routing
      return { ...ok(incidentResult(incident)), orders: incidentRouteHints([incident]) };
    },

    camunda8SearchIncidents: async ({ body }: Input<SearchBody>) => {
      const { filter = {}, sort, page = {} } = body;
      // Stratum's incidents are never migrated or pending: such a filter matches nothing
      if (filter.state === 'MIGRATED' || filter.state === 'PENDING') {
        pageOf(page);
        return ok({ items: [], page: { totalItems: 0, hasMoreTotalItems: false } });
      }
      return search(runtime, {
        state: filter.state === 'ACTIVE' ? 'open' : filter.state === 'RESOLVED' ? 'resolved' : 'any',
        ...(filter.processInstanceKey !== undefined && { instanceId: filter.processInstanceKey }),
        ...(filter.processDefinitionId !== undefined && { processKey: filter.processDefinitionId }),
        ...(filter.errorType !== undefined && errorTypeSearch(filter.errorType)),
      }, sort, page);
    },

    // Camunda 8.8: the incidents the instance or any instance it called raised, open and resolved alike
    camunda8SearchProcessInstanceIncidents: async ({ params, body }: Input<{ sort?: Sort; page?: Page }, unknown, { processInstanceKey: string }>) =>
      search(runtime, { state: 'any', instanceTree: params.processInstanceKey }, body.sort, body.page ?? {}),

    camunda8ResolveIncident: async ({ params, user }: Input<unknown, unknown, { incidentKey: string }>): Promise<Reply> => {
      await runtime.retryIncident(params.incidentKey, {}, user!);
      return { status: 204 };
    },
  };
}

// helpers

/**
 * One page of the runtime's incident search as Camunda's IncidentSearchQueryResult. Camunda's shape has no
 * business key: each incident's order is named beside it, for the router (a resolution names only the incident).
 */
async function search(runtime: Runtime, scope: IncidentSearch, sort: Sort | undefined, page: Page): Promise<Reply> {
  const { offset, limit } = pageOf(page);
  const [criterion] = sort ?? [];
  const { items, nextCursor } = await runtime.findIncidents({
    ...scope,
    limit,
    offset,
    ...(criterion && { sort: { by: criterion.field === 'incidentKey' ? 'id' : 'created', descending: criterion.order === 'DESC' } }),
    ...(page.after !== undefined && { cursor: fromEndCursor(page.after) }),
  });
  const result = ok({
    items: items.map(incidentResult),
    page: {
      // not counted beyond this page: one more when more follow, so a client paging until it has totalItems goes on
      totalItems: offset + items.length + (nextCursor ? 1 : 0),
      hasMoreTotalItems: nextCursor !== null,
      ...(nextCursor && { endCursor: toEndCursor(nextCursor) }),
    },
  });
  return { ...result, orders: incidentRouteHints(items) };
}

function pageOf(page: Page): { offset: number; limit: number } {
  if (page.from !== undefined && page.after !== undefined) throw new HttpProblem(400, 'Page by `from` or by `after`, not both (as Camunda).');
  return { offset: page.from ?? 0, limit: page.limit ?? DEFAULT_LIMIT };
}

/** Camunda's cursors are opaque base64 text: Stratum's page cursor, so encoded. */
function toEndCursor(cursor: string): string {
  return Buffer.from(cursor, 'utf8').toString('base64');
}

/** The page cursor inside an endCursor; anything else is refused (400) by the runtime as a cursor it did not hand out. */
function fromEndCursor(endCursor: string): string {
  return Buffer.from(endCursor, 'base64').toString('utf8');
}

/** Camunda 8's IncidentResult for one of Stratum's incidents. */
function incidentResult(incident: IncidentView): Record<string, unknown> {
  return {
    incidentKey: incident.id,
    processDefinitionId: incident.processKey,
    errorType: errorTypeOf(incident),
    errorMessage: incident.message,
    ...(incident.elementId !== null && { elementId: incident.elementId }),
    creationTime: incident.createdAt,
    state: incident.resolvedAt ? 'RESOLVED' : 'ACTIVE',
    tenantId: DEFAULT_TENANT,
    processInstanceKey: incident.instanceId,
    // the job's keys as job activation hands them out (server/camunda8/jobs.ts)
    ...(incident.jobId !== null && { jobKey: incident.jobId, elementInstanceKey: `${incident.elementId}:${incident.jobId}` }),
  };
}
