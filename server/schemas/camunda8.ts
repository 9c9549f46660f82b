// Request and response schemas of the Camunda 8 compatible routes (/v2/jobs/…,
// /v2/messages/publication), shaped as the Orchestration Cluster REST API's
// OpenAPI document (JobActivationRequest, ActivatedJobResult, JobFailRequest,
// JobUpdateRequest, JobErrorRequest, JobCompletionRequest, MessagePublicationRequest,
// IncidentSearchQuery, ProcessInstanceIncidentSearchQuery, IncidentResult,
// IncidentResolutionRequest, CancelProcessInstanceRequest with Stratum's `reason`). What
// Stratum cannot honour (other tenants, a retry back-off, job-local variables,
// job results for user task listeners, incident filters and sorts it does not
// keep) is refused (400, as Camunda refuses a body it
// cannot take) rather than ignored.
import { MAX_JOB_RETRIES } from '../../engine/bpmn/process-model.js';
import { ORDER_VARIABLES } from '../../engine/orders/order-entry.js';
import { dateTime, errorCode, jobType, name, nullable, printableKey, ref, safeText, variables, VARIABLE_NAME_PATTERN, type JsonSchema } from './common.js';

/** Camunda 8's tenant of a cluster without multi-tenancy: the only one Stratum has. */
export const DEFAULT_TENANT = '<default>';

const tenantId: JsonSchema = { type: 'string', const: DEFAULT_TENANT, description: 'Only `<default>`: Stratum has no tenants.' };
const plainVariables = (description: string): JsonSchema => ({ ...variables(description, {}, ORDER_VARIABLES), type: ['object', 'null'] });
/**
 * Camunda's `format: int64`: a number, or its decimal text as @camunda8/orchestration-cluster-api sends
 * it (Camunda's gateway takes both); read with `Number` after validation.
 */
const int64 = (minimum: number, maximum: number, description: string, options: { nullable?: boolean } = {}): JsonSchema => ({
  // one keyword checks both forms and the range, so a wrong value is named once (server/http/validate.ts)
  'x-int64': { minimum, maximum, ...(options.nullable && { nullable: true }) },
  description: `${description} From ${minimum} to ${maximum}; an integer or its decimal text${options.nullable ? ', or null (absent)' : ''}.`,
});
const noLocalVariables: JsonSchema = {
  type: ['object', 'null'], maxProperties: 0,
  description: 'Only empty or null: Stratum keeps no variables local to a job (complete the job with its declared outputs instead).',
};

export const Camunda8JobActivationRequest: JsonSchema = {
  examples: [{ type: 'procurement-planning', worker: 'erp-planning-1', timeout: 60_000, maxJobsToActivate: 10, fetchVariable: ['orderNo', 'customer'], requestTimeout: 20_000 }],
  type: 'object',
  required: ['type', 'maxJobsToActivate', 'timeout'],
  additionalProperties: false,
  properties: {
    type: jobType('The job type (zeebe:taskDefinition type), e.g. procurement-planning or io.camunda:http-json:1.'),
    worker: printableKey(200, 'The worker\'s label (kept beside the authenticated user in the history); `default` when absent.'),
    timeout: int64(1000, 86_400_000, 'How long the jobs stay locked for this worker (ms).'),
    maxJobsToActivate: { type: 'integer', minimum: 1, maximum: 100 },
    fetchVariable: { anyOf: [{ type: 'array', maxItems: 200, items: { type: 'string', pattern: VARIABLE_NAME_PATTERN } }, { type: 'null' }], description: 'Only these variables; all when absent or empty.' },
    requestTimeout: int64(-1, 1_800_000, 'Long polling (ms): answered the moment a job of this type appears, else empty after this long. 0 or absent: 10 s; negative: answered at once.'),
    tenantIds: { type: 'array', maxItems: 1, items: tenantId },
    tenantFilter: { type: 'string', enum: ['PROVIDED'], description: 'Only PROVIDED (Stratum has no tenants to assign).' },
  },
};

export const Camunda8JobCompletionRequest: JsonSchema = {
  examples: [{ variables: { procurementPlanned: true } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: plainVariables('Go through the job\'s declared outputs like POST /api/jobs/{id}/complete.'),
  },
};

export const Camunda8JobFailRequest: JsonSchema = {
  examples: [{ retries: 2, errorMessage: 'MRP down' }],
  type: 'object',
  additionalProperties: false,
  properties: {
    // Zeebe's int32: a job may declare that many retries (zeebe:taskDefinition retries="250"), and a worker fails it
    // with one fewer than activation showed
    // null is absent, as Camunda's gateway reads these three (getIntOrZero, getStringOrEmpty, getLongOrZero)
    retries: { type: ['integer', 'null'], minimum: 0, maximum: MAX_JOB_RETRIES, description: 'Retries left (a 32-bit integer, as Zeebe\'s); 0 (the default, also null) raises an incident.' },
    errorMessage: { type: ['string', 'null'], maxLength: 4000 },
    retryBackOff: int64(0, 86_400_000, 'With retries left, the job is activated again only this many ms from now (0 or absent: at once), as Zeebe backs off.', { nullable: true }),
    variables: noLocalVariables,
  },
};

export const Camunda8JobUpdateRequest: JsonSchema = {
  examples: [{ changeset: { retries: 3 } }, { changeset: { timeout: 120_000 } }, { changeset: { retries: 3, timeout: 120_000 }, operationReference: 42 }],
  type: 'object',
  required: ['changeset'],
  additionalProperties: false,
  properties: {
    changeset: {
      type: 'object',
      additionalProperties: false,
      description: 'At least one of `retries` and `timeout` not null (else 400, as Camunda). Null or absent keeps the job\'s value. Camunda\'s other attributes are refused (400), not ignored.',
      properties: {
        retries: nullable({
          type: 'integer', minimum: 1, maximum: MAX_JOB_RETRIES,
          description: 'The retries a failure counts down from (a 32-bit integer, as Zeebe\'s: as many as a job may declare). A job that ran out of them keeps its incident open (it is not activatable) until the incident is resolved, which gives it these retries. Needs the group `operations`.',
        }),
        timeout: nullable(int64(1000, 86_400_000, 'A new deadline this long (ms) from now, for a job a worker has activated and still holds (409 otherwise). Needs the group `integration`.')),
      },
    },
    // 15 digits: the longest decimal text x-int64 reads
    operationReference: int64(1, 999_999_999_999_999, 'Accepted and not kept: Stratum records the update in the order\'s history under the authenticated user.'),
  },
};

export const Camunda8JobErrorRequest: JsonSchema = {
  examples: [{ errorCode: 'NOT_SHIPPABLE', errorMessage: 'carrier refused the freight' }],
  type: 'object',
  required: ['errorCode'],
  additionalProperties: false,
  properties: {
    errorCode: errorCode('The errorCode an error boundary event catches.'),
    errorMessage: nullable({ type: 'string', maxLength: 4000 }),
    variables: plainVariables('Become process variables when the error is caught.'),
  },
};

export const Camunda8MessagePublicationRequest: JsonSchema = {
  examples: [{ name: 'PaymentReceived', correlationKey: 'SO-1001', timeToLive: 3_600_000, messageId: 'bank-4711', variables: { paidAt: '2026-12-03' } }],
  type: 'object',
  required: ['name', 'correlationKey'],
  additionalProperties: false,
  properties: {
    name: name('Message name, e.g. PaymentReceived.'),
    correlationKey: printableKey(200, 'The order number (the business key). Required: Camunda\'s default "" would name no order.'),
    timeToLive: int64(0, 366 * 24 * 3600 * 1000, 'How long (ms) a message nothing waits for yet is kept for the order; 0 (the default) keeps nothing.'),
    messageId: printableKey(200, 'While a message with this name, key and id is kept, and for as long as the order runs once the order has taken it, another is refused as a duplicate (409).'),
    variables: variables('Become process variables of the instance the message reaches.', {}, ORDER_VARIABLES),
    tenantId,
  },
};

/**
 * Camunda's CancelProcessInstanceRequest (`operationReference`; the body may be absent or null) and `reason`, which
 * Stratum adds: it keeps a reason for every cancel, and the handler refuses a cancel without one (400).
 */
export const Camunda8ProcessInstanceCancellationRequest: JsonSchema = {
  examples: [{ reason: 'customer withdrew the order' }, { reason: 'customer withdrew the order', operationReference: 42 }],
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    reason: safeText(2000, {
      multiline: true,
      description: 'Stratum\'s extension, required: why the order is cancelled, kept in the history of every cancelled instance with who cancelled it (as `reason` of POST /api/instances/{id}/cancel). Without it the cancel is refused (400) and nothing changes.',
    }),
    operationReference: int64(1, 999_999_999_999_999, 'Accepted and not kept: Stratum records the cancel in the order\'s history under the authenticated user.'),
  },
};

export const Camunda8ProcessInstanceCreationRequest: JsonSchema = {
  examples: [{ processDefinitionId: 'customer-review', variables: { customerId: 'C-4711' }, businessId: 'CR-2026-11' }],
  type: 'object',
  required: ['processDefinitionId'],
  additionalProperties: false,
  properties: {
    processDefinitionId: name('The BPMN process id; its latest version starts.'),
    processDefinitionVersion: { type: 'integer', const: -1, description: 'Only -1 (the latest, Camunda\'s default): Stratum starts the latest version.' },
    // like the native generic start (Camunda semantics): names like an order's are a process's own variables here;
    // the instance is no order (order-membership.ts), and orders enter only through POST /api/orders
    variables: variables('Go through the start event\'s declared start variables like POST /api/processes/{key}/instances; names like an order\'s fields (`amount`) are accepted as there: the instance is no order, its tasks and jobs carry `order: null`.'),
    businessId: printableKey(200, 'Becomes the instance\'s business key (Camunda 8.10\'s business id).'),
    tenantId,
  },
};

export const Camunda8ProcessInstanceCreationResult: JsonSchema = {
  type: 'object',
  required: ['processDefinitionId', 'processDefinitionVersion', 'processDefinitionKey', 'processInstanceKey', 'tenantId', 'variables'],
  properties: {
    processDefinitionId: { type: 'string' },
    processDefinitionVersion: { type: 'integer' },
    processDefinitionKey: { type: 'string' },
    processInstanceKey: { type: 'string' },
    tenantId: { type: 'string' },
    variables: { type: 'object' },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

export const Camunda8ActivatedJobs: JsonSchema = {
  type: 'object',
  required: ['jobs'],
  properties: {
    jobs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['jobKey', 'type', 'processInstanceKey', 'processDefinitionId', 'processDefinitionVersion', 'processDefinitionKey', 'elementId', 'elementInstanceKey', 'customHeaders', 'worker', 'retries', 'deadline', 'variables', 'tenantId', 'kind', 'listenerEventType'],
        properties: {
          jobKey: { type: 'string' },
          type: { type: 'string' },
          processInstanceKey: { type: 'string' },
          processDefinitionId: { type: 'string' },
          processDefinitionVersion: { type: 'integer' },
          processDefinitionKey: { type: 'string' },
          elementId: { type: 'string' },
          elementInstanceKey: { type: 'string' },
          customHeaders: { type: 'object', additionalProperties: { type: 'string' } },
          worker: { type: 'string' },
          retries: { type: 'integer' },
          deadline: { type: 'integer', description: 'When the lock ends, UNIX epoch milliseconds.' },
          variables: { type: 'object' },
          tenantId: { type: 'string' },
          kind: { type: 'string' },
          listenerEventType: { type: 'string' },
          rootProcessInstanceKey: { type: ['string', 'null'] },
          tags: { type: 'array', items: { type: 'string' } },
          userTask: { type: 'null' },
          priority: { type: 'integer' },
        },
      },
    },
  },
};

export const Camunda8MessagePublicationResult: JsonSchema = {
  type: 'object',
  required: ['tenantId', 'messageKey'],
  properties: { tenantId: { type: 'string' }, messageKey: { type: 'string' } },
};

/** Camunda 8.8's incident error types (IncidentErrorType), each a search may filter by. */
export const CAMUNDA8_ERROR_TYPES = [
  'UNSPECIFIED', 'UNKNOWN', 'IO_MAPPING_ERROR', 'JOB_NO_RETRIES', 'EXECUTION_LISTENER_NO_RETRIES', 'TASK_LISTENER_NO_RETRIES',
  'AD_HOC_SUB_PROCESS_NO_RETRIES', 'CONDITION_ERROR', 'EXTRACT_VALUE_ERROR', 'CALLED_ELEMENT_ERROR', 'UNHANDLED_ERROR_EVENT',
  'MESSAGE_SIZE_EXCEEDED', 'CALLED_DECISION_ERROR', 'DECISION_EVALUATION_ERROR', 'FORM_NOT_FOUND', 'RESOURCE_NOT_FOUND',
] as const;
/** The ones Stratum's incidents are (server/camunda8/incident-error-types.ts maps each reason to one). */
export const STRATUM_ERROR_TYPES = [
  'JOB_NO_RETRIES', 'CONDITION_ERROR', 'IO_MAPPING_ERROR', 'EXTRACT_VALUE_ERROR', 'CALLED_ELEMENT_ERROR', 'CALLED_DECISION_ERROR',
  'DECISION_EVALUATION_ERROR', 'UNHANDLED_ERROR_EVENT', 'UNKNOWN',
] as const satisfies readonly (typeof CAMUNDA8_ERROR_TYPES)[number][];
const ERROR_TYPE_WORDS = 'JOB_NO_RETRIES: a job ran out of retries; CONDITION_ERROR: a sequence flow\'s condition could not be evaluated; ' +
  'IO_MAPPING_ERROR: an input or output mapping failed; EXTRACT_VALUE_ERROR: a message correlation key, a timer or an assignment expression could not be read; ' +
  'CALLED_ELEMENT_ERROR: a call activity\'s process could not be started; CALLED_DECISION_ERROR: a business rule task\'s decision is not deployed; ' +
  'DECISION_EVALUATION_ERROR: the decision gave no result; UNHANDLED_ERROR_EVENT: a BPMN error nothing caught; ' +
  'UNKNOWN: any other failure, and incidents raised before Stratum recorded why (the native incident\'s `reason`).';
/** Camunda's incident states; Stratum's incidents are only ever ACTIVE or RESOLVED. */
const INCIDENT_STATES = ['ACTIVE', 'RESOLVED', 'MIGRATED', 'PENDING'];

const incidentSort: JsonSchema = {
  type: 'array',
  maxItems: 1,
  description: 'One criterion: `creationTime` (the order Stratum recorded the incidents in, also the order without `sort`) or `incidentKey`, ASC (the default) or DESC. Camunda\'s other sort fields, and several criteria, are refused with 400.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: { field: { type: 'string', enum: ['creationTime', 'incidentKey'] }, order: { type: 'string', enum: ['ASC', 'DESC'] } },
  },
};

const searchPage: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Offset (`from`) or cursor (`after`: the `endCursor` of the page before, with the same sort), not both, with `limit` (100 when absent); `before` is not supported.',
  properties: {
    from: { type: 'integer', minimum: 0, maximum: 10_000 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    after: { type: 'string', pattern: '^[A-Za-z0-9+/]{2,400}={0,2}$', description: '`endCursor` of the previous page (opaque base64 text).' },
  },
};

export const Camunda8IncidentSearchQuery: JsonSchema = {
  examples: [{ filter: { processInstanceKey: '5f0c2b1e-8d4a-4c55-9a63-2f1d7e6b9c10', state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' }, sort: [{ field: 'creationTime', order: 'ASC' }], page: { limit: 50 } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    filter: {
      type: 'object',
      additionalProperties: false,
      description: 'Only these of Camunda\'s IncidentFilter fields; any other (errorMessage, elementId, creationTime, processDefinitionKey, elementInstanceKey, jobKey, incidentKey) is refused with 400 rather than ignored.',
      properties: {
        processInstanceKey: printableKey(200, 'The failed instance (Stratum\'s instance id).'),
        processDefinitionId: name('The BPMN process id.'),
        state: { type: 'string', enum: INCIDENT_STATES, description: 'ACTIVE (open) or RESOLVED; Stratum has no MIGRATED or PENDING incidents (those find none). Open and resolved alike when absent.' },
        errorType: { type: 'string', enum: [...CAMUNDA8_ERROR_TYPES], description: `Camunda's error types; those Stratum never raises find none. ${ERROR_TYPE_WORDS}` },
        tenantId,
      },
    },
    sort: incidentSort,
    page: searchPage,
  },
};

/** Camunda 8.8's ProcessInstanceIncidentSearchQuery: a sort and a page, no filter (the path names the instance). */
export const Camunda8ProcessInstanceIncidentSearchQuery: JsonSchema = {
  examples: [{ sort: [{ field: 'creationTime', order: 'DESC' }], page: { limit: 50 } }],
  type: 'object',
  additionalProperties: false,
  properties: { sort: incidentSort, page: searchPage },
};

export const Camunda8IncidentResult: JsonSchema = {
  type: 'object',
  required: ['incidentKey', 'processDefinitionId', 'errorType', 'errorMessage', 'creationTime', 'state', 'tenantId', 'processInstanceKey'],
  properties: {
    incidentKey: { type: 'string', description: 'Stratum\'s incident id (GET /api/incidents/{id}).' },
    processDefinitionId: { type: 'string' },
    errorType: { type: 'string', enum: [...STRATUM_ERROR_TYPES], description: ERROR_TYPE_WORDS },
    errorMessage: { type: 'string' },
    elementId: { type: 'string' },
    creationTime: dateTime,
    state: { type: 'string', enum: ['ACTIVE', 'RESOLVED'] },
    tenantId: { type: 'string' },
    processInstanceKey: { type: 'string' },
    elementInstanceKey: { type: 'string', description: 'Job incidents: the job\'s elementInstanceKey, as job activation hands it out.' },
    jobKey: { type: 'string', description: 'Job incidents: the job that ran out of retries.' },
  },
};

/** A search's answer as Camunda 8 pages it: `items` of `itemSchema`, counted up to the end of the page. */
const searchQueryResult = (itemSchema: string, cursorWords: string): JsonSchema => ({
  type: 'object',
  required: ['items', 'page'],
  properties: {
    items: { type: 'array', items: ref(itemSchema) },
    page: {
      type: 'object',
      required: ['totalItems', 'hasMoreTotalItems'],
      properties: {
        totalItems: { type: 'integer', description: 'The matches up to the end of this page (those skipped by `from` included), plus one when more follow (`hasMoreTotalItems`); Stratum does not count further.' },
        hasMoreTotalItems: { type: 'boolean', description: 'More match after this page: fetch them with `after: endCursor`.' },
        endCursor: { type: 'string', description: `Only when more follow: pass it as \`page.after\`${cursorWords}.` },
      },
    },
  },
});

export const Camunda8IncidentSearchQueryResult: JsonSchema = searchQueryResult('Camunda8IncidentResult', ' (opaque base64 text)');

export const Camunda8IncidentResolutionRequest: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    operationReference: { type: 'integer', minimum: 1, description: 'Accepted and not kept: Stratum records the resolution in the order\'s history under the authenticated user.' },
  },
};

/** Camunda 8's UserTaskCompletionRequest: the variables the task declares, as POST /api/tasks/{id}/complete takes them. */
export const Camunda8UserTaskCompletionRequest: JsonSchema = {
  examples: [{ variables: { approved: false, comment: 'credit limit exceeded' } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: {
      ...variables(
        'The variables the task declares (its zeebe:output sources read them), as POST /api/tasks/{id}/complete takes them; anything else is refused.',
        {
          approved: { type: 'boolean', description: 'The decision of an approval task.' },
          comment: { type: 'string', maxLength: 2000, description: 'Why, where the task declares it: required when `approved` or `acknowledged` is false.' },
        },
        ORDER_VARIABLES,
      ),
      type: ['object', 'null'],
    },
    action: { type: ['string', 'null'], enum: ['complete', null], description: 'Only `complete` (Camunda\'s default): the decision is in the variables (`approved`), not in a custom action.' },
  },
};

/** Camunda 8's UserTaskAssignmentRequest: in Stratum a person assigns a task only to themselves (a claim). */
export const Camunda8UserTaskAssignmentRequest: JsonSchema = {
  examples: [{ assignee: 'approver', allowOverride: false }],
  type: 'object',
  required: ['assignee'],
  additionalProperties: false,
  properties: {
    assignee: { ...printableKey(200), description: 'The caller\'s own user name: anyone else is refused (403, kept in the order\'s history).' },
    allowOverride: { type: ['boolean', 'null'], description: 'Taken, and a task someone else holds is refused (409) either way: its holder (or operations) unassigns it first.' },
    action: { type: ['string', 'null'], enum: ['assign', 'claim', null], description: 'Only `assign` (Camunda\'s default) or `claim`.' },
  },
};

/** Camunda 8.8's user task states; Stratum lists open tasks only, which are CREATED. */
const USER_TASK_STATES = ['CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'COMPLETED', 'CANCELING', 'CANCELED', 'FAILED'];

/** The operators of Camunda 8.8's advanced filters (StringFilterProperty, UserTaskStateFilterProperty) a field takes. */
interface FilterOperators {
  $eq?: true;
  $exists?: true;
  /** `$in`, with at most this many values. */
  $in?: number;
}

/**
 * One field of Camunda 8.8's UserTaskFilter that takes an advanced filter: the value itself, or an object of the
 * operators Stratum answers from its indexes; any other (`$neq`, `$notIn`, `$like` …) is refused with 400 naming
 * it (`/filter/<field>/<operator> is not allowed`), never ignored. `if`/`else` rather than `anyOf`, so a refusal
 * names the operator alone.
 */
const advancedFilter = (value: JsonSchema, operators: FilterOperators, description: string): JsonSchema => ({
  description,
  if: { type: 'string' },
  then: value,
  else: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...(operators.$eq && { $eq: value }),
      ...(operators.$exists && { $exists: { type: 'boolean' } }),
      ...(operators.$in && { $in: { type: 'array', minItems: 1, maxItems: operators.$in, items: value } }),
    },
  },
});

export const Camunda8UserTaskSearchQuery: JsonSchema = {
  examples: [
    { filter: { state: 'CREATED', candidateGroup: 'sales-managers' }, page: { limit: 50 } },
    { filter: { candidateGroup: { $in: ['sales-director', 'vice-president'] }, assignee: { $exists: false } }, page: { limit: 50 } },
  ],
  type: 'object',
  additionalProperties: false,
  properties: {
    filter: {
      type: 'object',
      additionalProperties: false,
      description: 'Only these of Camunda 8.8\'s UserTaskFilter fields and operators (a plain value is `$eq`; several operators on one field all hold); any other field (priority, dates, variables …) or operator (`$neq`, `$notIn`, `$like`, which no index of Stratum\'s answers) is refused with 400 naming it rather than ignored. Only the caller\'s own task list is searched: what is offered to their groups or to them by name and claimed by nobody else, and what they hold.',
      properties: {
        state: advancedFilter({ type: 'string', enum: USER_TASK_STATES }, { $eq: true, $in: 9 }, 'CREATED: the open tasks (Stratum keeps no others as tasks, so any other state finds none); `$eq`, or `$in` finding the open tasks when it names CREATED.'),
        candidateGroup: advancedFilter(printableKey(200), { $eq: true, $in: 100 }, 'Only tasks offered to this group, or (`$in`) to any of these: the caller\'s own groups among them, another group finds none.'),
        candidateUser: advancedFilter(printableKey(200), { $eq: true }, 'Only tasks offered to the caller by name (Camunda\'s candidateUsers), claimed by nobody or by them: only the caller\'s own name, anyone else\'s is refused (403).'),
        assignee: advancedFilter(printableKey(200), { $eq: true, $exists: true }, 'Only tasks this user holds (by a claim or the diagram\'s assignee); `{"$exists": false}`: only those nobody holds (unassigned), `{"$exists": true}`: only those someone holds.'),
        processInstanceKey: printableKey(200, 'The instance (Stratum\'s instance id).'),
        processDefinitionId: name('The BPMN process id (an exact value, as in Camunda 8.8).'),
        elementId: printableKey(200, 'The user task element\'s id (an exact value, as in Camunda 8.8).'),
        userTaskKey: printableKey(200, 'One task (Stratum\'s task id).'),
        tenantId: advancedFilter(tenantId, { $eq: true, $in: 1 }, 'Only `<default>` (`$eq`, `$in`): Stratum has no tenants.'),
      },
    },
    sort: {
      type: 'array',
      maxItems: 1,
      description: 'Only `creationDate` ASC, the order without `sort`; any other is refused with 400.',
      items: { type: 'object', additionalProperties: false, required: ['field'], properties: { field: { type: 'string', enum: ['creationDate'] }, order: { type: 'string', enum: ['ASC'] } } },
    },
    page: {
      type: 'object',
      additionalProperties: false,
      description: 'Offset (`from`) or cursor (`after`: the `endCursor` of the page before), not both, with `limit` (100 when absent); `before` is not supported.',
      properties: {
        from: { type: 'integer', minimum: 0, maximum: 10_000 },
        limit: { type: 'integer', minimum: 1, maximum: 1000 },
        after: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,600}$', description: '`endCursor` of the previous page (opaque text).' },
      },
    },
  },
};

export const Camunda8UserTaskResult: JsonSchema = {
  type: 'object',
  required: ['userTaskKey', 'state', 'elementId', 'candidateGroups', 'candidateUsers', 'processDefinitionId', 'processInstanceKey', 'creationDate', 'tenantId'],
  properties: {
    userTaskKey: { type: 'string', description: 'Stratum\'s task id (GET /api/tasks/{id}).' },
    name: { type: 'string' },
    state: { type: 'string', enum: ['CREATED'] },
    assignee: { type: 'string', description: 'Who holds it: the claimant, else the diagram\'s assignee; absent when nobody does.' },
    elementId: { type: 'string' },
    candidateGroups: { type: 'array', items: { type: 'string' } },
    candidateUsers: { type: 'array', items: { type: 'string' } },
    processDefinitionId: { type: 'string' },
    processInstanceKey: { type: 'string' },
    creationDate: dateTime,
    tenantId: { type: 'string' },
    businessKey: { type: 'string', description: 'Stratum\'s: the order number, where the task belongs to an order.' },
  },
};

export const Camunda8UserTaskSearchQueryResult: JsonSchema = searchQueryResult('Camunda8UserTaskResult', '');
