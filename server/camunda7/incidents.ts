// Camunda 7's incident REST API (/engine-rest/incident) and its way to resolve
// an external task's incident (PUT /engine-rest/external-task/{id}/retries) on
// Stratum's incidents. The list is Stratum's open incidents seen through
// Camunda 7's IncidentDto: a job that ran out of retries is a
// `failedExternalTask` (its configuration is the external task's id), a failed
// step is a `failedJob` (what Camunda 7 shows for a failed asynchronous
// continuation; it has no job to point at, so no configuration). Setting
// retries on a task with an incident is Stratum's incident retry, so every
// control of POST /api/incidents/{id}/retry holds; on one without, it sets the
// job's retries (Runtime.setJobRetries). The history names the user either way.
import type { IncidentCountQuery, IncidentSearch, IncidentView, Runtime } from '../../engine/api.js';
import type { Handlers, Input, Reply } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import { incidentRouteHints } from '../routing.js';
import { MAX_INCIDENT_RESULTS } from '../schemas/camunda7.js';
import { camundaDate, camundaJson, noContent } from './answers.js';
import { definitionIds } from './definition-ids.js';

type IncidentType = 'failedExternalTask' | 'failedJob';

interface IncidentFilter {
  incidentId?: string;
  incidentType?: string;
  processInstanceId?: string;
  activityId?: string;
}

interface IncidentListQuery extends IncidentFilter {
  sortBy?: 'incidentId' | 'incidentTimestamp';
  sortOrder?: 'asc' | 'desc';
  firstResult?: number;
  maxResults?: number;
}

/** Incidents read from the runtime at a time while a list goes through them all. */
const READ_PAGE = 200;

export function camunda7IncidentHandlers(runtime: Runtime): Handlers {
  return {
    camunda7ListIncidents: async ({ query }: Input<unknown, IncidentListQuery>) => {
      const incidents = await openIncidents(runtime, query, query.firstResult ?? 0, query.maxResults ?? MAX_INCIDENT_RESULTS + 1);
      if (incidents.length > MAX_INCIDENT_RESULTS) {
        throw new HttpProblem(400, `More than ${MAX_INCIDENT_RESULTS} open incidents match: ask for them a page at a time with firstResult and maxResults (at most ${MAX_INCIDENT_RESULTS}).`, {
          errors: [{ field: 'query.maxResults', message: `is needed when more than ${MAX_INCIDENT_RESULTS} incidents match` }],
        });
      }
      const dtos = await incidentDtos(runtime, incidents);
      // Camunda's shape has no business key: the orders are named beside it, for the router
      return { ...camundaJson(dtos), orders: incidentRouteHints(incidents) };
    },

    camunda7CountIncidents: async ({ query }: Input<unknown, IncidentFilter>) =>
      camundaJson({ count: await countOpenIncidents(runtime, query) }),

    camunda7SetRetries: async ({ params, body, user }: Input<{ retries: number }, unknown, { id: string }>): Promise<Reply> => {
      const incident = await incidentOfJob(runtime, params.id);
      // a task with retries left has them set, as Camunda 7 stores the number (404 for a task Stratum does not know)
      if (!incident) await runtime.setJobRetries(params.id, body.retries, user!);
      else await runtime.retryIncident(incident.id, { retries: body.retries }, user!);
      return noContent;
    },
  };
}

// helpers

/**
 * The open incidents the filter matches, `first` skipped, at most `max`, read a page at a time (Camunda 7 answers
 * a whole list, not a page of it).
 */
async function openIncidents(runtime: Runtime, query: IncidentListQuery, first: number, max: number): Promise<IncidentView[]> {
  if (query.incidentId !== undefined) {
    const incident = await openIncidentById(runtime, query.incidentId, query);
    return incident ? [incident].slice(first, first + max) : [];
  }
  const filters = searchFilters(query);
  if (!filters) return [];
  const scope: IncidentSearch = {
    ...filters,
    ...(query.sortBy && { sort: { by: query.sortBy === 'incidentId' ? 'id' : 'created', descending: query.sortOrder === 'desc' } }),
  };
  const found: IncidentView[] = [];
  let cursor: string | null = null;
  do {
    const wanted = Math.min(READ_PAGE, max - found.length);
    if (wanted <= 0) break;
    const page: { items: IncidentView[]; nextCursor: string | null } = await runtime.findIncidents({
      ...scope, limit: wanted, ...(cursor === null ? { offset: first } : { cursor }),
    });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return found;
}

/** As many as openIncidents lists with no page, counted by the store instead of read. */
async function countOpenIncidents(runtime: Runtime, query: IncidentFilter): Promise<number> {
  if (query.incidentId !== undefined) return (await openIncidentById(runtime, query.incidentId, query)) ? 1 : 0;
  const filters = searchFilters(query);
  return filters ? runtime.countIncidents(filters) : 0;
}

/** The incident with this id when it is open and matches the other filters. */
async function openIncidentById(runtime: Runtime, incidentId: string, query: IncidentFilter): Promise<IncidentView | undefined> {
  const incident = await runtime.getIncident(incidentId);
  const matches = incident && !incident.resolvedAt && (query.incidentType === undefined || typeOf(incident) === query.incidentType)
    && (query.processInstanceId === undefined || incident.instanceId === query.processInstanceId)
    && (query.activityId === undefined || incident.elementId === query.activityId);
  return matches ? incident : undefined;
}

/** The runtime's filters for Camunda 7's; null when they match nothing (a type Stratum never raises). */
function searchFilters(query: IncidentFilter): IncidentCountQuery | null {
  const kind = query.incidentType === undefined ? undefined : KIND_OF_TYPE.get(query.incidentType);
  // Camunda 7's custom incident types
  if (query.incidentType !== undefined && kind === undefined) return null;
  return {
    state: 'open',
    ...(kind !== undefined && { kind }),
    ...(query.processInstanceId !== undefined && { instanceId: query.processInstanceId }),
    ...(query.activityId !== undefined && { elementId: query.activityId }),
  };
}

const KIND_OF_TYPE = new Map<string, IncidentView['kind']>([['failedExternalTask', 'job'], ['failedJob', 'step']]);

function typeOf(incident: IncidentView): IncidentType {
  return incident.kind === 'job' ? 'failedExternalTask' : 'failedJob';
}

/** Camunda 7's IncidentDto for each incident, with its process definition and root cause looked up once each. */
async function incidentDtos(runtime: Runtime, incidents: IncidentView[]): Promise<Record<string, unknown>[]> {
  const definitions = await definitionIds(runtime, incidents);
  const known = new Map(incidents.map((incident) => [incident.id, incident]));
  const rootCause = async (incident: IncidentView): Promise<string> => {
    let current = incident;
    // a call chain is as deep as the call activities nest; 100 bounds a broken link
    for (let depth = 0; current.causeIncidentId && depth < 100; depth++) {
      const cause = known.get(current.causeIncidentId) ?? (await runtime.getIncident(current.causeIncidentId));
      if (!cause) break;
      known.set(cause.id, cause);
      current = cause;
    }
    return current.id;
  };
  const dtos: Record<string, unknown>[] = [];
  for (const incident of incidents) {
    dtos.push({
      id: incident.id,
      processDefinitionId: definitions.get(incident.instanceId) ?? incident.processKey,
      processInstanceId: incident.instanceId,
      // the execution fetchAndLock names for the external task (external-tasks.ts); the instance's own otherwise
      executionId: incident.jobId ?? incident.instanceId,
      incidentTimestamp: camundaDate(incident.createdAt),
      incidentType: typeOf(incident),
      activityId: incident.elementId,
      failedActivityId: incident.elementId,
      causeIncidentId: incident.causeIncidentId,
      rootCauseIncidentId: await rootCause(incident),
      configuration: incident.kind === 'job' ? incident.jobId : null,
      tenantId: null,
      incidentMessage: incident.message,
      jobDefinitionId: null,
      annotation: null,
    });
  }
  return dtos;
}

/** The open incident of a job: an external task's id is its job's, `<instance id>:…`. */
async function incidentOfJob(runtime: Runtime, jobId: string): Promise<IncidentView | undefined> {
  const instanceId = instanceOf(jobId);
  if (!instanceId) return undefined;
  const { items } = await runtime.findIncidents({ state: 'open', instanceId, kind: 'job', limit: 200 });
  return items.find((incident) => incident.jobId === jobId);
}

function instanceOf(jobId: string): string | undefined {
  const colon = jobId.indexOf(':');
  return colon > 0 ? jobId.slice(0, colon) : undefined;
}
