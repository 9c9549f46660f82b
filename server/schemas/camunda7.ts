// Request and response schemas of the Camunda 7 compatible routes
// (/engine-rest/external-task/…, /engine-rest/task/…, /engine-rest/message, /engine-rest/incident, /engine-rest/process-instance/{id}), shaped as Camunda 7's
// REST API documents them. Filters Stratum cannot honour (tenants, process
// definitions, process variables, priorities' sorting) are refused (422) as unknown
// properties rather than ignored.
import { MAX_JOB_RETRIES } from '../../engine/bpmn/process-model.js';
import { TASK_PAGE } from '../http/pagination.js';
import { errorCode, jobType, name, printableKey, ref, safeText, VARIABLE_NAME_PATTERN, type JsonSchema } from './common.js';

/**
 * The most incidents one Camunda 7 incident list answers (`maxResults` at most this). Without `maxResults` a list
 * gives every match, as Camunda 7 does, but beyond this many it is refused, as Camunda 7 refuses an unbounded query
 * under its `queryMaxResultsLimit`: an operator's list never reads the whole table into one answer.
 */
export const MAX_INCIDENT_RESULTS = 1000;

const workerId = printableKey(200, 'The worker\'s label (kept beside the authenticated user in the history).');

export const Camunda7TypedVariables: JsonSchema = {
  type: 'object',
  description: 'Camunda 7 typed variables: `{"approved": {"value": true, "type": "Boolean"}}`. Types: Boolean, Integer, Short, Long, Double, String, Date, Json, Null, Object (serialized as application/json); case-insensitive.',
  maxProperties: 200,
  propertyNames: { pattern: VARIABLE_NAME_PATTERN },
  additionalProperties: {
    type: 'object',
    properties: {
      value: {},
      type: { type: 'string', maxLength: 40 },
      valueInfo: { type: 'object' },
    },
  },
};

const typedVariables = Camunda7TypedVariables;

export const Camunda7FetchAndLockRequest: JsonSchema = {
  examples: [{ workerId: 'erp-worker-1', maxTasks: 10, usePriority: true, asyncResponseTimeout: 20_000, topics: [{ topicName: 'procurement-planning', lockDuration: 60_000, variables: ['orderNo', 'amount'] }] }],
  type: 'object',
  required: ['workerId', 'topics'],
  additionalProperties: false,
  properties: {
    workerId,
    maxTasks: { type: 'integer', minimum: 0, maximum: 100 },
    usePriority: { type: 'boolean', description: 'Accepted; every Stratum job has priority 0, so jobs come oldest first.' },
    asyncResponseTimeout: { type: 'integer', minimum: 0, maximum: 1_800_000, description: 'Long polling (ms).' },
    topics: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        required: ['topicName', 'lockDuration'],
        additionalProperties: false,
        properties: {
          topicName: jobType('The job type (zeebe:taskDefinition type or camunda:topic).'),
          lockDuration: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
          variables: { anyOf: [{ type: 'array', maxItems: 200, items: { type: 'string', pattern: VARIABLE_NAME_PATTERN } }, { type: 'null' }] },
          businessKey: printableKey(200),
          localVariables: { type: 'boolean', description: 'true: only the task\'s local variables, those its input mappings (zeebe:input, camunda:inputParameter) made and a multi-instance iteration\'s element and loopCounter, as Camunda 7 hands those of the task\'s execution; `variables` narrows them further.' },
          includeExtensionProperties: { type: 'boolean', description: 'true: `extensionProperties` holds the element\'s zeebe:taskHeaders; otherwise it is empty, as in Camunda 7.' },
          deserializeValues: { type: 'boolean', description: 'Accepted either way: Stratum answers no serialized Object values (a Json value is its JSON text, as Camunda 7 answers a Json value).' },
          withoutTenantId: { type: 'boolean' },
        },
      },
    },
  },
};

export const Camunda7CompleteRequest: JsonSchema = {
  type: 'object',
  required: ['workerId'],
  additionalProperties: false,
  properties: { workerId, variables: typedVariables, localVariables: typedVariables },
};

export const Camunda7FailureRequest: JsonSchema = {
  type: 'object',
  required: ['workerId'],
  additionalProperties: false,
  properties: {
    workerId,
    errorMessage: { type: 'string', maxLength: 4000 },
    errorDetails: { type: 'string', maxLength: 20_000 },
    // Camunda 7's int (negative refused, as its handleFailure does), which is also as many as a job may declare
    retries: { type: 'integer', minimum: 0, maximum: MAX_JOB_RETRIES, description: `Retries left (up to ${MAX_JOB_RETRIES}, Camunda 7's 32-bit int); 0 (or absent) raises an incident.` },
    retryTimeout: { type: 'integer', minimum: 0, maximum: 86_400_000, description: 'With retries left, the task is fetched again only this many ms from now (0 or absent: at once), as Camunda 7 waits.' },
  },
};

export const Camunda7BpmnErrorRequest: JsonSchema = {
  type: 'object',
  required: ['workerId', 'errorCode'],
  additionalProperties: false,
  properties: { workerId, errorCode: errorCode('The errorCode an error boundary event catches.'), errorMessage: { type: 'string', maxLength: 4000 }, variables: typedVariables },
};

export const Camunda7LockRequest: JsonSchema = {
  type: 'object',
  required: ['workerId', 'lockDuration'],
  additionalProperties: false,
  properties: { workerId, lockDuration: { type: 'integer', minimum: 1000, maximum: 86_400_000, description: 'How long the lock holds from now (ms), as a fetchAndLock topic\'s.' } },
  examples: [{ workerId: 'erp-worker-1', lockDuration: 60_000 }],
};

/** Camunda 7's unlock has no body; Stratum takes the worker giving its lock back, as complete names it. */
export const Camunda7UnlockRequest: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    workerId: printableKey(200, 'The worker holding the task\'s lock (Stratum\'s addition: Camunda 7\'s unlock names none). Required while a worker holds it, unless the caller is in `operations`: another worker, or none, is refused with 409 `not-locked-by-worker`.'),
  },
  examples: [{ workerId: 'erp-worker-1' }],
};

export const Camunda7ExtendLockRequest: JsonSchema = {
  type: 'object',
  required: ['workerId', 'newDuration'],
  additionalProperties: false,
  properties: { workerId, newDuration: { type: 'integer', minimum: 1000, maximum: 86_400_000 } },
};

/** Camunda treats a null like an absent field: generated clients send their defaults as null. */
const orNull = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

/**
 * Camunda 7's CorrelationMessageDto, every field of it. What Stratum cannot honour is refused by the handler
 * (422 naming the field and why) unless it is absent, null or empty, as clients send their defaults.
 */
export const Camunda7MessageRequest: JsonSchema = {
  examples: [{ messageName: 'PaymentReceived', businessKey: 'SO-1001', processVariables: { paidAt: { value: '2026-11-27', type: 'String' } }, all: false, resultEnabled: true }],
  type: 'object',
  required: ['messageName', 'businessKey'],
  additionalProperties: false,
  properties: {
    messageName: name('Message name, e.g. PaymentReceived.'),
    businessKey: printableKey(200, 'The business key (an order\'s number): Stratum correlates by it, so it is required.'),
    processVariables: typedVariables,
    all: orNull({ type: 'boolean', description: '`false` (default): the message moves one instance at most; more than one waiting is refused (409 `ambiguous-correlation`). `true`: it moves each instance waiting for it.' }),
    resultEnabled: orNull({ type: 'boolean', description: 'Answer 200 with the correlation results instead of 204.' }),
    variablesInResultEnabled: orNull({ type: 'boolean', description: 'With `resultEnabled`: each result holds the moved instance\'s variables (typed).' }),
    tenantId: orNull({ type: 'string', maxLength: 200, description: 'Stratum has no tenants: only null is accepted (another is refused, 422).' }),
    withoutTenantId: orNull({ type: 'boolean', description: 'Accepted: every Stratum process belongs to no tenant, so it narrows nothing.' }),
    processInstanceId: orNull({ type: 'string', maxLength: 200, description: 'Refused (422) unless null: Stratum correlates by businessKey.' }),
    correlationKeys: orNull(typedVariables),
    localCorrelationKeys: orNull(typedVariables),
    processVariablesLocal: orNull(typedVariables),
    processVariablesToTriggeredScope: orNull(typedVariables),
  },
};

export const Camunda7LockedExternalTasks: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'topicName', 'workerId', 'activityId', 'processInstanceId', 'businessKey', 'variables', 'lockExpirationTime'],
    properties: {
      id: { type: 'string' },
      topicName: { type: 'string' },
      workerId: { type: 'string' },
      activityId: { type: 'string' },
      processInstanceId: { type: 'string' },
      processDefinitionKey: { type: ['string', 'null'] },
      businessKey: { type: ['string', 'null'] },
      lockExpirationTime: { type: 'string' },
      retries: { type: ['integer', 'null'], description: 'null until a failure or an operator (PUT /engine-rest/external-task/{id}/retries) sets them, as in Camunda 7; the retries the task has from then on.' },
      variables: typedVariables,
      extensionProperties: { type: 'object' },
    },
  },
};

export const Camunda7MessageResults: JsonSchema = {
  type: 'array',
  description: 'Camunda 7\'s MessageCorrelationResultDto (with variables: MessageCorrelationResultWithVariableDto), one per instance the message moved.',
  items: {
    type: 'object',
    required: ['resultType', 'processInstance', 'execution'],
    properties: {
      resultType: { type: 'string', enum: ['Execution', 'ProcessDefinition'], description: '`Execution`: it moved an instance waiting at a catch; `ProcessDefinition`: a message start event started an instance.' },
      processInstance: {
        type: ['object', 'null'],
        description: 'The started instance (ProcessDefinition only).',
        properties: { links: { type: 'array' }, id: { type: 'string' }, definitionId: { type: 'string' }, businessKey: { type: ['string', 'null'] }, caseInstanceId: { type: 'null' }, ended: { type: 'boolean' }, suspended: { type: 'boolean' }, tenantId: { type: 'null' } },
      },
      execution: {
        type: ['object', 'null'],
        description: 'The catch it moved (Execution only): `id` is the wait\'s id, `processInstanceId` its instance.',
        properties: { id: { type: 'string' }, processInstanceId: { type: 'string' }, ended: { type: 'boolean' }, tenantId: { type: 'null' } },
      },
      variables: { ...typedVariables, description: 'Only with `variablesInResultEnabled`: the moved instance\'s variables, typed.' },
    },
  },
};

/** A parameter of Camunda 7's instance delete that Stratum takes at its default only. */
const defaultOnly = (value: boolean, why: string): JsonSchema => ({ type: 'boolean', const: value, description: `Only ${String(value)} (Camunda 7's default): ${why}` });

/**
 * The query of DELETE /engine-rest/process-instance/{id}: `deleteReason`, which Stratum asks for (its handler refuses a
 * cancel without it, 400), and Camunda 7's own parameters at their defaults; anything else is refused (400).
 */
export const Camunda7ProcessInstanceDeleteQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    deleteReason: safeText(2000, {
      multiline: true,
      description: 'Required by Stratum (named after the `deleteReason` of Camunda 7\'s batch delete): why the order is cancelled, kept in the history of every cancelled instance with who cancelled it. Without it the delete is refused (400) and nothing changes.',
    }),
    skipCustomListeners: defaultOnly(false, 'Stratum runs no execution listeners to skip.'),
    skipIoMappings: defaultOnly(false, 'Stratum runs no output mappings on a cancel to skip.'),
    skipSubprocesses: defaultOnly(false, 'an order is cancelled with every instance it called.'),
    failIfNotExists: defaultOnly(true, 'an instance that does not exist, or has ended, is answered 404.'),
  },
};

const incidentFilter: Record<string, JsonSchema> = {
  incidentId: printableKey(200, 'Only this incident.'),
  incidentType: printableKey(100, '`failedExternalTask` (a job out of retries) or `failedJob` (a failed step); any other type matches nothing.'),
  processInstanceId: printableKey(200, 'Only the incidents of this instance.'),
  activityId: name('Only the incidents at this BPMN element.'),
};

/** Camunda 7's incident filters Stratum honours; any other (tenants, messages, timestamps …) is refused (400), never ignored. */
export const Camunda7IncidentCountQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: incidentFilter };

export const Camunda7IncidentQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  // as Camunda 7: one without the other is refused
  dependentRequired: { sortBy: ['sortOrder'], sortOrder: ['sortBy'] },
  properties: {
    ...incidentFilter,
    sortBy: { type: 'string', enum: ['incidentId', 'incidentTimestamp'], description: 'Camunda 7\'s other sort keys are refused (400).' },
    sortOrder: { type: 'string', enum: ['asc', 'desc'] },
    firstResult: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    maxResults: { type: 'integer', minimum: 0, maximum: MAX_INCIDENT_RESULTS, description: `All matching incidents when absent, as Camunda 7; more than ${MAX_INCIDENT_RESULTS} are refused with 400 then (Camunda 7's queryMaxResultsLimit): page with firstResult and maxResults.` },
  },
};

export const Camunda7Incidents: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'processDefinitionId', 'processInstanceId', 'executionId', 'incidentTimestamp', 'incidentType', 'activityId', 'failedActivityId', 'causeIncidentId', 'rootCauseIncidentId', 'configuration', 'tenantId', 'incidentMessage', 'jobDefinitionId', 'annotation'],
    properties: {
      id: { type: 'string' },
      processDefinitionId: { type: 'string', description: '`<process key>:<version>`, as fetchAndLock names it.' },
      processInstanceId: { type: 'string' },
      executionId: { type: 'string', description: 'The external task\'s id for a failedExternalTask (as fetchAndLock names its execution), else the instance\'s.' },
      incidentTimestamp: { type: 'string' },
      incidentType: { type: 'string', enum: ['failedExternalTask', 'failedJob'] },
      activityId: { type: ['string', 'null'] },
      failedActivityId: { type: ['string', 'null'] },
      causeIncidentId: { type: ['string', 'null'] },
      rootCauseIncidentId: { type: 'string' },
      configuration: { type: ['string', 'null'], description: 'The external task\'s id for a failedExternalTask; null for a failedJob (a failed step has no job: retry it with POST /api/incidents/{id}/retry).' },
      tenantId: { type: 'null' },
      incidentMessage: { type: 'string' },
      jobDefinitionId: { type: 'null' },
      annotation: { type: 'null' },
    },
  },
};

export const Camunda7Count: JsonSchema = { type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } };

export const Camunda7RetriesRequest: JsonSchema = {
  type: 'object',
  required: ['retries'],
  additionalProperties: false,
  properties: {
    // as many as a job may declare (a diagram's retries="250"), as the failure takes
    retries: { type: 'integer', minimum: 1, maximum: MAX_JOB_RETRIES, description: `The retries the job gets (1 to ${MAX_JOB_RETRIES}, as many as a job may declare), with an incident or without. 0 is refused: Stratum raises an incident only when a worker reports a failure.` },
  },
};

const taskFilter: Record<string, JsonSchema> = {
  processInstanceId: printableKey(200, 'Only the tasks of this instance.'),
  processInstanceBusinessKey: printableKey(200, 'Only the tasks of this order (business key).'),
  processDefinitionKey: name('Only the tasks whose own instance runs this process (a called process\'s key for its tasks).'),
  taskDefinitionKey: name('Only the tasks of this BPMN user task element.'),
  assignee: printableKey(200, 'Only the tasks this user holds (by a claim, or the diagram\'s assignee).'),
  candidateGroup: printableKey(100, 'Only the tasks offered to this group (one of the caller\'s; another finds none) that nobody holds, as in Camunda 7; with `includeAssignedTasks=true` also those held, by the caller or by the diagram\'s assignee (never one someone else claimed).'),
  candidateUser: printableKey(200, 'Only the caller (anyone else is refused, 403): the tasks of their list, offered to them or one of their groups, that nobody holds, as in Camunda 7; with `includeAssignedTasks=true` their whole list, the tasks they hold included.'),
  includeAssignedTasks: { type: 'boolean', description: '`true`: a candidate filter (`candidateGroup`, `candidateUser`) keeps the tasks someone holds, within the caller\'s own list. Only beside one of them: without, `true` is refused (400; Camunda 7 refuses it too, with a 500 `ProcessEngineException`). `false` is the default.' },
  assigned: { type: 'boolean', description: '`true`: only the tasks someone holds (claimed, or given an assignee by the diagram). `false` filters nothing, as in Camunda 7.' },
  unassigned: { type: 'boolean', description: '`true`: only the tasks nobody holds. `false` filters nothing, as in Camunda 7. Beside `assigned=true` (or a candidate filter without `includeAssignedTasks`, which keeps to the tasks nobody holds as well) nothing is found, as in Camunda 7.' },
};

/** The page of Camunda 7's task list: query parameters of GET /engine-rest/task and of its POST (whose body holds the filters). */
const taskPage: Record<string, JsonSchema> = {
  firstResult: { type: 'integer', minimum: 0, maximum: 10_000, description: 'Tasks of the list to skip.' },
  maxResults: { type: 'integer', minimum: 0, maximum: TASK_PAGE.max, description: `At most this many tasks: ${TASK_PAGE.default} when absent (Camunda 7 answers all), at most ${TASK_PAGE.max}, as GET /api/tasks pages.` },
};

/** Camunda 7's task filters Stratum honours; any other (tenants, dates, variables …) is refused (400), never ignored. */
export const Camunda7TaskCountQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: taskFilter };

export const Camunda7TaskQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  // as Camunda 7: one without the other is refused
  dependentRequired: { sortBy: ['sortOrder'], sortOrder: ['sortBy'] },
  properties: {
    ...taskFilter,
    sortBy: { type: 'string', enum: ['created'], description: 'Only `created` (the list\'s own order, oldest first); Camunda 7\'s other sort keys are refused (400).' },
    sortOrder: { type: 'string', enum: ['asc'], description: 'Only `asc`.' },
    ...taskPage,
  },
};

/** The query of POST /engine-rest/task: the page alone, as Camunda 7 takes it there. */
export const Camunda7TaskPageQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: taskPage };

/**
 * Camunda 7's TaskQueryDto, the body of POST /engine-rest/task and …/task/count: the filters of the GET, each also
 * null (read as absent: generated clients send their defaults as null), and the sort as Camunda 7's `sorting` list.
 */
export const Camunda7TaskQueryBody: JsonSchema = {
  examples: [{ candidateGroup: 'sales-director', includeAssignedTasks: true, sorting: [{ sortBy: 'created', sortOrder: 'asc' }] }],
  type: 'object',
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(Object.entries(taskFilter).map(([field, schema]) => [field, orNull(schema)])),
    sorting: orNull({
      type: 'array',
      maxItems: 1,
      description: 'Only `[{"sortBy": "created", "sortOrder": "asc"}]` (the list\'s own order, oldest first); Camunda 7\'s other sort keys are refused (400).',
      items: {
        type: 'object',
        required: ['sortBy', 'sortOrder'],
        additionalProperties: false,
        properties: { sortBy: { type: 'string', enum: ['created'] }, sortOrder: { type: 'string', enum: ['asc'] } },
      },
    }),
  },
};

const alwaysNull = { type: 'null' } as const;

export const Camunda7Task: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'assignee', 'created', 'processDefinitionId', 'processInstanceId', 'taskDefinitionKey', 'priority', 'suspended', 'tenantId'],
  properties: {
    id: { type: 'string', description: 'Stratum\'s task id (GET /api/tasks/{id}).' },
    name: { type: ['string', 'null'] },
    assignee: { type: ['string', 'null'], description: 'Who holds it: the claimant, else the diagram\'s assignee.' },
    owner: alwaysNull,
    created: { type: 'string' },
    lastUpdated: { type: ['string', 'null'], description: 'When it was claimed; null while nobody holds it by a claim.' },
    due: alwaysNull,
    followUp: alwaysNull,
    delegationState: alwaysNull,
    description: { type: ['string', 'null'], description: 'The task\'s documentation, else its process\'s.' },
    executionId: { type: 'string', description: 'The task\'s id.' },
    parentTaskId: alwaysNull,
    priority: { type: 'integer', description: 'Always 50, Camunda 7\'s default.' },
    processDefinitionId: { type: 'string', description: '`<process key>:<version>`, as fetchAndLock names it.' },
    processInstanceId: { type: 'string' },
    caseExecutionId: alwaysNull,
    caseDefinitionId: alwaysNull,
    caseInstanceId: alwaysNull,
    taskDefinitionKey: { type: 'string', description: 'The BPMN user task element\'s id.' },
    suspended: { type: 'boolean', const: false },
    formKey: alwaysNull,
    camundaFormRef: { type: ['object', 'null'], description: 'A linked Camunda form (`zeebe:formDefinition formId`): `{key, binding: "latest", version: null}`.' },
    tenantId: alwaysNull,
  },
};

export const Camunda7Tasks: JsonSchema = { type: 'array', items: ref('Camunda7Task') };

/** Camunda 7's UserIdDto: in Stratum a person claims (or is made assignee of) a task only for themselves. */
export const Camunda7TaskUserRequest: JsonSchema = {
  examples: [{ userId: 'dirk' }],
  type: 'object',
  required: ['userId'],
  additionalProperties: false,
  properties: { userId: { ...printableKey(200), description: 'The caller\'s own user name: anyone else is refused (403 `assign-to-other`, kept in the order\'s history).' } },
};

/** Camunda 7's CompleteTaskDto: the typed variables the task declares. */
export const Camunda7CompleteTaskRequest: JsonSchema = {
  examples: [{ variables: { approved: { value: false, type: 'Boolean' }, comment: { value: 'credit limit exceeded', type: 'String' } } }],
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: { ...typedVariables, description: 'The variables the task declares (its outputs read them), typed as Camunda 7 sends them; anything else is refused.' },
    withVariablesInReturn: { type: 'boolean', description: 'true: answer 200 with the variables of the task\'s instance once it moved on (typed), instead of 204.' },
  },
};
