// What the server answers, as JSON Schema. Listed in the OpenAPI components;
// the tests validate live responses against them.
import { INSTANCE_STATUSES } from './requests.js';
import { CALLER_ROUTES, ENGINE_ROUTE } from '../../engine/store/types.js';
import { dateTime, nullable, ref, type JsonSchema } from './common.js';

const WAIT_KINDS = ['task', 'message', 'timer', 'job', 'call'];

export const FieldError: JsonSchema = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', description: 'JSON pointer into the body (`/amount`), `query.<name>`, `header.<name>`, `path.<name>` or a file name.' },
    message: { type: 'string' },
  },
};

export const Finding: JsonSchema = {
  type: 'object',
  required: ['elementId', 'rule', 'severity', 'message'],
  properties: {
    file: { type: 'string' },
    elementId: nullable({ type: 'string' }),
    rule: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: { type: 'string' },
  },
};

export const Problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, served as application/problem+json.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: ref('FieldError'), description: 'Each field or parameter that failed validation.' },
    findings: { type: 'array', items: ref('Finding'), description: 'Deploy-time findings, naming BPMN element ids.' },
    allow: { type: 'array', items: { type: 'string' } },
    message: { type: 'string', description: 'On Camunda 7\'s routes (`/engine-rest`) only: the `detail` again, as Camunda 7\'s errors carry it, which its clients print.' },
    reason: {
      type: 'string',
      description: 'A stable word for the kind of refusal, for a program to branch on (e.g. `queue-full`, `order-exists`, `four-eyes-other-task`); docs/api.md lists them.',
    },
    task: ref('RefusedTask'),
    offeredTo: ref('TaskOffer'),
    decidedTask: ref('DecidedTask'),
    businessKey: nullable({ type: 'string', description: 'The order (business key) the refusal is about.' }),
    rootInstanceId: { type: 'string' },
    incidentId: { type: 'string', description: 'A 409 `order-failed`: the open incident to retry before the message or order change is sent again.' },
    changeId: { type: 'string' },
    claimedBy: { type: 'string', description: 'A 403 of a task someone else claimed: who did (only they may decide or unclaim it).' },
    assignee: { type: 'string', description: 'A 409 `task-claimed`: who holds the task, by their claim or by the diagram.' },
    incident: {
      ...ref('StepIncident'),
      description: 'A 422 for a task completion or an incident retry that would fail the instance: the incident it would raise.',
    },
  },
};

/** The task a 403 of a task completion refuses (beside `reason`). */
export const RefusedTask: JsonSchema = {
  type: 'object',
  required: ['id', 'instanceId', 'processKey', 'elementId', 'name'],
  properties: {
    id: { type: 'string' },
    instanceId: { type: 'string' },
    processKey: { type: 'string' },
    elementId: { type: 'string' },
    name: { type: 'string', description: 'Its name, else its element id.' },
  },
};

/** Four eyes: the separated task of the same order the caller decided before (a RefusedTask whose id may be unknown). */
export const DecidedTask: JsonSchema = {
  ...RefusedTask,
  properties: {
    ...RefusedTask.properties as Record<string, JsonSchema>,
    id: nullable({ type: 'string', description: 'Its task id; null for a decision recorded without one.' }),
  },
};

/** Who a task is for (`not-offered`): the caller is none of them. */
export const TaskOffer: JsonSchema = {
  type: 'object',
  required: ['assignee', 'candidateUsers', 'candidateGroups'],
  properties: {
    assignee: nullable({ type: 'string' }),
    candidateUsers: { type: 'array', items: { type: 'string' } },
    candidateGroups: { type: 'array', items: { type: 'string' } },
  },
};

export const InstanceSummary: JsonSchema = {
  type: 'object',
  required: ['id', 'processKey', 'version', 'businessKey', 'status', 'parentId', 'createdAt', 'updatedAt', 'endedAt'],
  properties: {
    id: { type: 'string' },
    processKey: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    businessKey: nullable({ type: 'string' }),
    status: { type: 'string', enum: [...INSTANCE_STATUSES] },
    parentId: nullable({ type: 'string' }),
    createdAt: dateTime,
    updatedAt: dateTime,
    endedAt: nullable(dateTime),
  },
};

export const WaitingElement: JsonSchema = {
  type: 'object',
  description: 'One thing the instance (or one of its children) waits for.',
  required: ['instanceId', 'processKey', 'elementId', 'name', 'type'],
  properties: {
    instanceId: { type: 'string' },
    processKey: { type: 'string' },
    elementId: { type: 'string' },
    name: nullable({ type: 'string' }),
    type: { type: 'string', enum: WAIT_KINDS },
    taskId: { type: 'string' },
    jobId: { type: 'string' },
    jobType: { type: 'string' },
    candidateGroups: { type: 'array', items: { type: 'string' } },
    message: { type: 'string' },
    dueAt: dateTime,
    held: { ...nullable(ref('WaitHold')), description: 'Null when it can be acted on now; else what holds it (acting on it is refused with 409 meanwhile). Every view of an instance or an order lists it; absent only on order events written before it was recorded.' },
  },
};

export const InstanceWait: JsonSchema = {
  allOf: [ref('WaitingElement')],
  type: 'object',
  description: 'One thing the instance (or one of its children) waits for, with what holds it.',
  required: ['held'],
};

export const WaitHold: JsonSchema = {
  type: 'object',
  description: 'What a wait waits for first: a failed instance (`instance-failed`, its own; `caller-failed`, one that called it; with its open incident, as a task on hold), or, for a job, an open change of its order (`order-change-open`: no worker gets or completes it until every change is settled).',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: { enum: ['instance-failed', 'caller-failed', 'order-change-open'] },
    instanceId: { type: 'string', description: 'The failed instance (`instance-failed`, `caller-failed`).' },
    incidentId: { type: 'string', description: 'Its open incident: retry it (POST /api/incidents/{id}/retry) to release the wait.' },
    changeId: { type: 'string', description: '`order-change-open`: the oldest open change of the order (GET /api/orders/{orderNo}/changes/{changeId}), as the 409 names it.' },
  },
};

export const HistoryEntry: JsonSchema = {
  type: 'object',
  required: ['at', 'instanceId', 'event', 'actor', 'elementId', 'elementType', 'data'],
  properties: {
    at: dateTime,
    instanceId: { type: 'string' },
    event: { type: 'string' },
    actor: nullable({ type: 'string' }),
    via: {
      type: 'string', enum: [...CALLER_ROUTES, ENGINE_ROUTE],
      description: 'The route of the step that wrote the entry: the caller\'s (`api`, `camunda7`, `camunda8`, or `runtime` for the runtime API called in-process), on the entry their action wrote and on what the engine wrote in that step (elements, flows, the instance\'s failure or end, incidents); `engine` for a step nobody called (a timer, a message expiring). A buffered message\'s `message.correlated` names the route it was sent by. Absent on entries written before it was recorded.',
    },
    elementId: nullable({ type: 'string' }),
    elementType: nullable({ type: 'string' }),
    data: nullable({ type: 'object' }),
  },
};

/** One kind of IncidentReason: its `kind` and the members it carries (all required). */
function reasonKind(kind: string, properties: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', required: ['kind', ...Object.keys(properties)], properties: { kind: { type: 'string', const: kind }, ...properties } };
}

const assignmentAttribute: JsonSchema = { type: 'string', enum: ['assignee', 'candidateUsers', 'candidateGroups'] };

export const IncidentReason: JsonSchema = {
  description: 'Why, for a program; only where the runtime knows (an incident raised before it was recorded has none). ' +
    '`assignment-server-role`: an assignment expression gave `given`, a group that grants a server role (`serverRole: group`) or an account that holds only server roles (`account`), so the task was not created; ' +
    '`assignment-failed`: an assignment expression could not be evaluated, or gave more than one assignee; ' +
    '`condition-failed`: the condition of sequence flow `flowId` could not be evaluated (a variable it reads is missing, or it gives no boolean); ' +
    '`no-flow-taken`: none of the conditions on the outgoing flows of gateway (or activity) `elementId` is true, and it has no default flow; ' +
    '`io-mapping-failed`: the input or output mapping (`direction`) to variable `target` could not be evaluated; ' +
    '`called-element-failed`: a call activity could not start process `calledElement` (not deployed, or not the version it binds); ' +
    '`order-entry-only`: a call activity may not start process `calledElement`: it takes orders (`border: takes-orders`), or it runs inside orders and the caller belongs to no order (`runs-inside-orders`); orders enter only through order entry; ' +
    '`decision-not-found`: a business rule task calls decision `decisionId`, which is not deployed; ' +
    '`decision-id-failed`: a business rule task\'s decision id expression could not be evaluated or gave no decision id (no decision was asked); ' +
    '`decision-failed`: the decision `decisionId` gave no result; ' +
    '`unhandled-error`: a worker or an error end event threw BPMN error `errorCode` and no error boundary event or error event sub-process caught it, in its process or any caller; ' +
    '`timer-failed`: a timer\'s date, duration or cycle could not be read; ' +
    '`correlation-key-failed`: the correlation key of message `messageName` could not be evaluated; ' +
    '`job-type-failed`: a service task\'s job type expression could not be evaluated or gave no job type (no job was created); ' +
    '`input-collection-failed`: a multi-instance activity\'s input collection could not be evaluated or is not a list; ' +
    '`job-no-retries`: a job of type `jobType` ran out of retries. ' +
    'A called instance\'s failure makes its caller fail with no reason of its own: its incident\'s `causeIncidentId` names the one that says why.',
  oneOf: [
    reasonKind('assignment-server-role', { attribute: assignmentAttribute, given: { type: 'string' }, serverRole: { type: 'string', enum: ['group', 'account'] } }),
    reasonKind('assignment-failed', { attribute: assignmentAttribute }),
    reasonKind('condition-failed', { flowId: { type: 'string' } }),
    reasonKind('no-flow-taken', { elementId: { type: 'string' } }),
    reasonKind('io-mapping-failed', { direction: { type: 'string', enum: ['input', 'output'] }, target: { type: 'string' } }),
    reasonKind('called-element-failed', { calledElement: { type: 'string' } }),
    reasonKind('order-entry-only', { calledElement: { type: 'string' }, border: { type: 'string', enum: ['takes-orders', 'runs-inside-orders'] } }),
    reasonKind('decision-not-found', { decisionId: { type: 'string' } }),
    reasonKind('decision-id-failed'),
    reasonKind('decision-failed', { decisionId: { type: 'string' } }),
    reasonKind('unhandled-error', { errorCode: { type: 'string' } }),
    reasonKind('timer-failed'),
    reasonKind('correlation-key-failed', { messageName: { type: 'string' } }),
    reasonKind('job-type-failed'),
    reasonKind('input-collection-failed'),
    reasonKind('job-no-retries', { jobType: { type: 'string' } }),
  ],
};

/** Why an instance failed (or, in a 422, would fail): the element, the message and, where the runtime knows it, the reason. */
export const StepIncident: JsonSchema = {
  type: 'object',
  required: ['elementId', 'message'],
  properties: { elementId: nullable({ type: 'string' }), message: { type: 'string' }, reason: ref('IncidentReason') },
};

export const ReplayBlock: JsonSchema = {
  type: 'object',
  required: ['element', 'name', 'reason', 'message'],
  description: 'Where and why a replayed order blocks (the group\'s description says it in words).',
  properties: {
    element: { type: 'string', description: '`processKey/elementId`.' },
    name: nullable({ type: 'string' }),
    reason: {
      type: 'string',
      enum: ['decision-refused', 'step-failed', 'start-refused', 'four-eyes', 'assignment-refused'],
      description: '`decision-refused`: the new version refuses a recorded decision; `start-refused`: order entry refuses the recorded order; ' +
        '`four-eyes`: four eyes refuses the recorded decider (`fourEyes`); `assignment-refused`: an assignment expression gives a server role (`incident`), ' +
        'the runtime raises an incident and creates no task; `step-failed`: another step fails (`incident` where the runtime says why).',
    },
    message: { type: 'string', description: 'The refusal or the incident\'s message, as the runtime would give it.' },
    incident: ref('IncidentReason'),
    fourEyes: {
      type: 'object',
      required: ['reason', 'decider'],
      description: 'The reason the live 403 gives (`four-eyes-starter`, `four-eyes-change-requester` with `changeId`, `four-eyes-other-task`, `four-eyes-other-iteration` or `four-eyes-distinct-deciders` with `decidedTask`), and the recorded decider.',
      properties: {
        reason: { type: 'string', enum: ['four-eyes-starter', 'four-eyes-change-requester', 'four-eyes-other-task', 'four-eyes-other-iteration', 'four-eyes-distinct-deciders'] },
        decider: { type: 'string' },
        changeId: { type: 'string' },
        decidedTask: {
          type: 'object',
          required: ['processKey', 'elementId', 'name'],
          properties: { processKey: { type: 'string' }, elementId: { type: 'string' }, name: { type: 'string' } },
        },
      },
    },
  },
};

export const InstanceView: JsonSchema = {
  allOf: [ref('InstanceSummary')],
  type: 'object',
  required: ['variables', 'incident', 'waiting', 'children', 'history'],
  properties: {
    variables: { type: 'object' },
    incident: nullable(ref('StepIncident')),
    waiting: { type: 'array', items: ref('InstanceWait') },
    children: { type: 'array', items: ref('InstanceSummary') },
    history: { type: 'array', items: ref('HistoryEntry') },
  },
};

export const InstancePage: JsonSchema = {
  type: 'object',
  required: ['items', 'total', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: ref('InstanceSummary') },
    total: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    next: {
      type: ['string', 'null'],
      description: 'Cursor of the next page: pass it as `after` (same filters). Null on the last page.',
    },
  },
};

export const TaskView: JsonSchema = {
  type: 'object',
  required: ['id', 'instanceId', 'businessKey', 'processKey', 'elementId', 'name', 'candidateGroups', 'assignee', 'candidateUsers', 'claimedBy', 'claimedAt', 'createdAt', 'variables', 'documentation', 'processName', 'form', 'order', 'held'],
  properties: {
    id: { type: 'string' },
    instanceId: { type: 'string' },
    businessKey: nullable({ type: 'string' }),
    processKey: { type: 'string' },
    elementId: { type: 'string' },
    name: nullable({ type: 'string' }),
    candidateGroups: { type: 'array', items: { type: 'string' } },
    assignee: nullable({ type: 'string', description: 'The user the task is assigned to (Camunda assignee), evaluated when the task was created.' }),
    candidateUsers: { type: 'array', items: { type: 'string' }, description: 'Users the task is offered to besides its candidate groups.' },
    claimedBy: nullable({ type: 'string', description: 'Who claimed the task (POST /api/tasks/{id}/claim): only they may complete it until it is unclaimed. Null while nobody has.' }),
    claimedAt: nullable({ ...dateTime, description: 'When it was claimed.' }),
    createdAt: dateTime,
    variables: { type: 'array', items: { type: 'string' }, description: 'The variables a completion may send: what the task\'s `zeebe:output` sources read.' },
    documentation: nullable({ type: 'string', description: 'Why the step exists: the task\'s documentation, else its process\'s.' }),
    processName: nullable({ type: 'string' }),
    form: nullable({
      description: 'The Camunda 8 form of the task (`zeebe:formDefinition`): a form-js schema embedded in the process, or the id of a form deployed on its own. Null: build a form from `variables`.',
      oneOf: [
        { type: 'object', required: ['kind', 'schema'], properties: { kind: { const: 'embedded' }, schema: { type: 'object' } } },
        { type: 'object', required: ['kind', 'formId'], properties: { kind: { const: 'linked' }, formId: { type: 'string' } } },
      ],
    }),
    order: nullable({ type: 'object', description: 'The order the task belongs to, as entered and converted (orderNo, customer, amount, currency, paymentTerms, reportingAmount, reportingCurrency …); null for a task outside an order, also when a generic start carried variables named like an order\'s.' }),
    held: nullable({
      type: 'object',
      description: 'Null when the task can be completed now. Else the failed instance that holds it: its own (`instance-failed`: a job of another branch ran out of retries) or one that called it (`caller-failed`), with that instance\'s open incident; a completion is refused with 409 until the incident is retried.',
      required: ['reason', 'instanceId'],
      additionalProperties: false,
      properties: {
        reason: { enum: ['instance-failed', 'caller-failed'] },
        instanceId: { type: 'string', description: 'The failed instance.' },
        incidentId: { type: 'string', description: 'Its open incident: retry it (POST /api/incidents/{id}/retry) to release the task.' },
      },
    }),
    fourEyes: {
      type: 'object',
      description: 'Only in `GET /api/tasks?mine=true`, and only on a task four eyes would refuse the caller (its completion and its claim would get this 403): the refusal\'s `reason` and `detail` sentence, with `decidedTask` or `changeId` as the 403 names them. Absent on every other task.',
      required: ['refused', 'reason', 'detail'],
      additionalProperties: false,
      properties: {
        refused: { const: true },
        reason: { enum: ['four-eyes-starter', 'four-eyes-change-requester', 'four-eyes-other-task', 'four-eyes-other-iteration', 'four-eyes-distinct-deciders'] },
        detail: { type: 'string' },
        decidedTask: ref('DecidedTask'),
        changeId: { type: 'string' },
      },
    },
  },
};

export const TaskCompletionView: JsonSchema = {
  type: 'object',
  required: ['taskId', 'instanceId', 'businessKey', 'processKey', 'elementId', 'name', 'completedBy', 'completedAt', 'variables'],
  additionalProperties: false,
  properties: {
    taskId: { type: 'string' },
    instanceId: { type: 'string' },
    businessKey: nullable({ type: 'string' }),
    processKey: { type: 'string' },
    elementId: { type: 'string' },
    name: nullable({ type: 'string' }),
    completedBy: nullable({ type: 'string', description: 'Who decided it: the authenticated user of the completion.' }),
    completedAt: dateTime,
    variables: { type: 'object', description: 'The variables the completion sent (e.g. `approved`, `comment`).' },
  },
};

export const Me: JsonSchema = {
  type: 'object',
  required: ['name', 'groups', 'roles', 'taskGroups'],
  properties: {
    name: { type: 'string' },
    groups: { type: 'array', items: { type: 'string' }, description: 'Every group of the caller, sorted.' },
    roles: {
      type: 'array',
      items: { type: 'string' },
      description: 'The caller\'s groups that grant server roles (`designer`: deploy and list task groups; `integration`: orders, messages, jobs; `operations`: retry incidents). No task is ever offered to them.',
    },
    taskGroups: {
      type: 'array',
      items: { type: 'string' },
      description: 'The caller\'s other groups: those tasks may be offered to (the task list\'s group filter). Empty: no task is offered to the caller through a group.',
    },
  },
};

export const JobView: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'instanceId', 'businessKey', 'elementId', 'variables', 'customHeaders', 'retries', 'retriesSet', 'lockExpiresAt', 'order'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    instanceId: { type: 'string' },
    businessKey: nullable({ type: 'string' }),
    elementId: { type: 'string' },
    variables: { type: 'object' },
    customHeaders: { type: 'object', additionalProperties: { type: 'string' }, description: 'zeebe:taskHeaders of the element: static configuration for the worker.' },
    retries: { type: 'integer', minimum: 0, description: 'The retries a failure counts down from: the element\'s declared count (default 3) until a failure or an operator sets them.' },
    retriesSet: { type: 'boolean', description: 'Whether a failure or an operator has set `retries` (Camunda 7 shows a task\'s retries only then).' },
    lockExpiresAt: dateTime,
    order: nullable({ type: 'object', description: 'The order the job belongs to, as a task shows it (orderNo, customer, amount, currency, paymentTerms, reportingAmount, reportingCurrency …); null for a job outside an order.' }),
    processKey: { type: 'string' },
    processVersion: { type: 'integer', minimum: 1 },
    errorMessage: nullable({ type: 'string' }),
  },
};

export const JobLock: JsonSchema = {
  type: 'object',
  required: ['id', 'lockExpiresAt'],
  properties: { id: { type: 'string' }, lockExpiresAt: dateTime },
};

export const ProcessSummary: JsonSchema = {
  type: 'object',
  required: ['key', 'name', 'latestVersion', 'level', 'calls', 'calledBy', 'documentation', 'deployedAt'],
  properties: {
    key: { type: 'string' },
    name: nullable({ type: 'string' }),
    latestVersion: { type: 'integer', minimum: 1 },
    level: { type: 'integer', minimum: 1, description: '1 for a root of the call graph, n+1 for a process called from level n.' },
    calls: { type: 'array', items: { type: 'string' } },
    calledBy: { type: 'array', items: { type: 'string' } },
    retired: { type: 'boolean', description: 'Another process used to call it but no latest version does: only orders that started before still run it; never started directly.' },
    documentation: nullable({ type: 'string' }),
    deployedAt: dateTime,
  },
};

export const VersionSummary: JsonSchema = {
  type: 'object',
  required: ['version', 'deployedAt', 'deployedBy', 'note', 'deploymentId'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    deployedAt: dateTime,
    deployedBy: { type: 'string' },
    note: nullable({ type: 'string' }),
    deploymentId: { type: 'string' },
  },
};

export const ProcessDetail: JsonSchema = {
  allOf: [ref('ProcessSummary')],
  type: 'object',
  required: ['versions'],
  properties: { versions: { type: 'array', items: ref('VersionSummary') } },
};

export const DeployResult: JsonSchema = {
  type: 'object',
  required: ['deploymentId', 'deployed', 'decisions', 'warnings'],
  properties: {
    deploymentId: { type: 'string' },
    deployed: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'version', 'changed'],
        properties: { key: { type: 'string' }, version: { type: 'integer', minimum: 1 }, changed: { type: 'boolean' } },
      },
    },
    decisions: {
      type: 'array',
      description: 'The DMN decisions of the deployment\'s .dmn files: each decision id is versioned on its own.',
      items: {
        type: 'object',
        required: ['id', 'version', 'changed'],
        properties: { id: { type: 'string' }, version: { type: 'integer', minimum: 1 }, changed: { type: 'boolean' } },
      },
    },
    warnings: { type: 'array', items: ref('Finding') },
  },
};

export const Deployment: JsonSchema = {
  type: 'object',
  description: 'A stored deployment: the versions it created, who deployed them, when and why.',
  required: ['deploymentId', 'deployedAt', 'deployedBy', 'note', 'processes', 'decisions'],
  properties: {
    deploymentId: { type: 'string' },
    deployedAt: dateTime,
    deployedBy: { type: 'string' },
    note: nullable({ type: 'string' }),
    processes: {
      type: 'array',
      description: 'The process versions this deployment created, by key (a process whose XML was already deployed is not among them).',
      items: {
        type: 'object',
        required: ['key', 'version', 'name'],
        properties: { key: { type: 'string' }, version: { type: 'integer', minimum: 1 }, name: nullable({ type: 'string' }) },
      },
    },
    decisions: {
      type: 'array',
      description: 'The decision versions it created, by id, with the .dmn file each came in.',
      items: {
        type: 'object',
        required: ['id', 'version', 'name', 'fileName'],
        properties: { id: { type: 'string' }, version: { type: 'integer', minimum: 1 }, name: nullable({ type: 'string' }), fileName: { type: 'string' } },
      },
    },
  },
};

export const DecisionSummary: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'latestVersion', 'fileName', 'deployedAt'],
  properties: {
    id: { type: 'string', description: 'The DMN decision id (what zeebe:calledDecision decisionId and camunda:decisionRef name).' },
    name: nullable({ type: 'string' }),
    latestVersion: { type: 'integer', minimum: 1 },
    fileName: { type: 'string', description: 'The .dmn file the latest version came in.' },
    deployedAt: dateTime,
  },
};

export const DecisionList: JsonSchema = { type: 'array', items: ref('DecisionSummary') };

export const DecisionDetail: JsonSchema = {
  allOf: [ref('DecisionSummary')],
  type: 'object',
  required: ['versions'],
  properties: {
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'fileName', 'deployedAt', 'deployedBy', 'note', 'deploymentId'],
        properties: {
          version: { type: 'integer', minimum: 1 },
          fileName: { type: 'string' },
          deployedAt: dateTime,
          deployedBy: { type: 'string' },
          note: nullable({ type: 'string' }),
          deploymentId: { type: 'string' },
        },
      },
    },
  },
};

export const MessageResult: JsonSchema = {
  type: 'object',
  required: ['outcome', 'messageKey', 'reached'],
  properties: {
    outcome: { type: 'string', enum: ['delivered', 'buffered'], description: '`delivered` (200): it reached what waited for it; `buffered` (202): kept until `expiresAt` for the order to reach a matching catch.' },
    messageKey: { type: 'string', description: 'The message\'s key in Stratum (in the order\'s history).' },
    reached: { type: 'array', items: ref('InstanceView'), description: 'The root instances the message moved on, as they are now (see `waiting`); empty when buffered.' },
    expiresAt: { ...dateTime, description: 'Buffered: when it is dropped unless a catch takes it first.' },
  },
};

export const IncidentView: JsonSchema = {
  type: 'object',
  required: ['id', 'instanceId', 'rootInstanceId', 'processKey', 'businessKey', 'elementId', 'message', 'kind', 'jobId', 'causeIncidentId', 'createdAt'],
  properties: {
    id: { type: 'string' },
    instanceId: { type: 'string', description: 'The failed instance.' },
    rootInstanceId: { type: 'string', description: 'Its order (root instance).' },
    processKey: { type: 'string' },
    businessKey: nullable({ type: 'string' }),
    elementId: nullable({ type: 'string', description: 'The element that failed.' }),
    message: { type: 'string' },
    reason: ref('IncidentReason'),
    kind: { type: 'string', enum: ['step', 'job'], description: '`step`: an engine step failed; `job`: a job ran out of retries.' },
    jobId: nullable({ type: 'string' }),
    causeIncidentId: nullable({ type: 'string', description: 'The called instance\'s incident this one follows from: retry that one.' }),
    createdAt: dateTime,
    resolvedAt: { ...dateTime, description: 'Only once resolved (never in the list of open incidents).' },
    resolution: { type: 'string', enum: ['retried', 'cancelled'], description: 'Only once resolved: retried, or closed when its order was cancelled.' },
  },
};

export const IncidentPage: JsonSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: ref('IncidentView') },
    nextCursor: nullable({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page.' }),
  },
};

export const JobList: JsonSchema = { type: 'array', items: ref('JobView') };
export const TaskList: JsonSchema = { type: 'array', items: ref('TaskView') };
export const ProcessList: JsonSchema = { type: 'array', items: ref('ProcessSummary') };

export const GroupList: JsonSchema = {
  type: 'object',
  required: ['groups', 'demo'],
  properties: {
    groups: { type: 'array', items: { type: 'string' }, description: 'Task groups with at least one member, sorted.' },
    demo: { type: 'boolean', description: 'Demo users: a candidate group outside `groups` is a warning at deploy, not an error.' },
  },
};

export const Health: JsonSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
};

const PropertyChange: JsonSchema = {
  type: 'object',
  required: ['property', 'before', 'after'],
  properties: { property: { type: 'string' }, before: nullable({ type: 'string' }), after: nullable({ type: 'string' }) },
};

export const ProcessDiff: JsonSchema = {
  type: 'object',
  required: ['key', 'process', 'elements', 'unchanged'],
  properties: {
    key: { type: 'string' },
    process: { type: 'array', items: PropertyChange, description: 'Process-level properties that differ.' },
    elements: {
      type: 'array',
      items: {
        type: 'object',
        required: ['elementId', 'type', 'name', 'change', 'properties'],
        properties: {
          elementId: { type: 'string' },
          type: { type: 'string' },
          name: nullable({ type: 'string' }),
          change: { type: 'string', enum: ['added', 'removed', 'changed'] },
          properties: { type: 'array', items: PropertyChange, description: 'All properties of an added or removed element; those that differ of a changed one.' },
        },
      },
    },
    unchanged: { type: 'boolean' },
  },
};

const orderNumbers: JsonSchema = { type: 'array', items: { type: 'string' } };

/** The processes that call a changed process (call activities) or a changed decision (business rule tasks). */
const whereUsed: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['processKey', 'versions', 'latestCalls', 'elements'],
    properties: {
      processKey: { type: 'string' },
      versions: { type: 'array', items: { type: 'integer' }, description: 'Deployed versions of the caller that call it.' },
      latestCalls: { type: 'boolean' },
      elements: {
        type: 'array',
        items: {
          type: 'object',
          required: ['elementId', 'name', 'versions'],
          properties: { elementId: { type: 'string' }, name: nullable({ type: 'string' }), versions: { type: 'array', items: { type: 'integer' } } },
        },
      },
    },
  },
};

/** An element of a process: where an order waits, or a task it can reach. */
const processElement: JsonSchema = {
  type: 'object',
  required: ['processKey', 'elementId', 'name'],
  properties: { processKey: { type: 'string' }, elementId: { type: 'string' }, name: nullable({ type: 'string' }) },
};

/** A list of running orders with its length: `{count, orders}`, each order as `order` describes it. */
function countedOrders(description: string, order: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['count', 'orders'],
    description,
    properties: { count: { type: 'integer' }, orders: { type: 'array', items: order } },
  };
}

/** Replayed orders with the same change, and their numbers. */
function replayGroup(description: string): JsonSchema {
  return {
    type: 'object',
    required: ['kind', 'description', 'count', 'orders'],
    description,
    properties: {
      kind: { type: 'string', enum: ['blocked', 'rejected', 'no-longer-rejected', 'new-wait', 'route-changed', 'status-changed', 'unchanged'] },
      description: { type: 'string', description: 'e.g. would now wait for "Review order (vice-president)" (vice-president).' },
      block: ref('ReplayBlock'),
      count: { type: 'integer' },
      orders: orderNumbers,
    },
  };
}

/** A sequence flow whose condition the impact report names, with the element (a gateway) it leaves. */
const conditionFlow: JsonSchema = {
  type: 'object',
  required: ['processKey', 'elementId', 'name', 'source'],
  properties: {
    processKey: { type: 'string' },
    elementId: { type: 'string' },
    name: nullable({ type: 'string' }),
    source: nullable({ type: 'object', required: ['elementId', 'name'], properties: { elementId: { type: 'string' }, name: nullable({ type: 'string' }) } }),
  },
};

/** A condition that still compares a variable with a constant a changed condition moved (docs/impact.md, "Related conditions"). */
const relatedCondition: JsonSchema = {
  type: 'object',
  required: ['flow', 'version', 'condition', 'comparison', 'variable', 'changed', 'message'],
  properties: {
    flow: conditionFlow,
    version: { type: 'integer', minimum: 1, description: 'The version of its process the library has after the change.' },
    condition: { type: 'string', description: 'The condition as written.' },
    comparison: { type: 'string', description: 'The comparison in it with the old constant, e.g. changeReportingAmount > 500000.' },
    variable: { type: 'string', description: 'The variable it compares: the changed one, or the name a call activity passes it under.' },
    changed: {
      type: 'object',
      required: ['flow', 'variable', 'before', 'after', 'constant', 'newConstant'],
      description: 'The comparison of the change that moved the constant.',
      properties: {
        flow: conditionFlow,
        variable: { type: 'string' },
        before: { type: 'string', description: 'e.g. reportingAmount > 500000' },
        after: { type: 'string', description: 'e.g. reportingAmount > 400000' },
        constant: { type: 'string', description: 'The constant before, as written.' },
        newConstant: { type: 'string', description: 'The constant after (the same when only >/>= changed).' },
      },
    },
    message: { type: 'string' },
  },
};

/** A message's catching or sending element, with its process's version (docs/impact.md, "Messages"). */
function messageElement(extra: Record<string, JsonSchema>, description: string): JsonSchema {
  return {
    type: 'object',
    required: ['processKey', 'elementId', 'name', 'version', 'type', ...Object.keys(extra)],
    description,
    properties: {
      processKey: { type: 'string' }, elementId: { type: 'string' }, name: nullable({ type: 'string' }),
      version: { type: 'integer', minimum: 1 }, type: { type: 'string', description: 'e.g. bpmn:IntermediateCatchEvent' }, ...extra,
    },
  };
}

const messageCatcher = messageElement(
  { correlationKey: nullable({ type: 'string', description: 'zeebe:subscription correlationKey as written; null: the business key (order number).' }) },
  'A message start event (also of an event sub-process), an intermediate or boundary catch event, or a receive task.',
);

/** A message name whose catchers the change alters (docs/impact.md, "Messages"). */
const messageChange: JsonSchema = {
  type: 'object',
  required: ['name', 'before', 'after', 'senders', 'waiting', 'buffered', 'message'],
  properties: {
    name: { type: 'string' },
    before: { type: 'array', items: messageCatcher, description: 'Its catchers in the library\'s latest deployed versions.' },
    after: { type: 'array', items: messageCatcher, description: 'Its catchers in the library after the change.' },
    senders: {
      type: 'array',
      items: messageElement({}, 'A message throw or end event, or a send task.'),
      description: 'The library\'s own elements that send it, after the change.',
    },
    waiting: countedOrders('Running orders waiting for it now, on the versions they run.', { type: 'string' }),
    buffered: {
      type: 'object',
      required: ['count', 'keys'],
      description: 'Messages of the name published and buffered now, not yet correlated (each counted until it expires): '
        + 'a catch the change takes away from the name takes them only in the instances already running.',
      properties: {
        count: { type: 'integer', minimum: 0 },
        keys: {
          type: 'array',
          description: 'Per correlation key (the order number they were sent for): how many, and when the last of them expires.',
          items: {
            type: 'object',
            required: ['correlationKey', 'count', 'lastExpiresAt'],
            properties: { correlationKey: { type: 'string' }, count: { type: 'integer', minimum: 1 }, lastExpiresAt: { type: 'string', format: 'date-time' } },
          },
        },
      },
    },
    message: { type: 'string', description: 'What the change does to the message, and what senders must do.' },
  },
};

export const ImpactReport: JsonSchema = {
  type: 'object',
  required: ['processes', 'decisions', 'replay', 'findings', 'relatedConditions', 'messages', 'blocking'],
  properties: {
    processes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'version', 'previousVersion', 'diff', 'whereUsed', 'runningOrders'],
        properties: {
          key: { type: 'string' },
          version: { type: 'integer', minimum: 1, description: 'The version deploying would create.' },
          previousVersion: nullable({ type: 'integer', minimum: 1 }),
          diff: ref('ProcessDiff'),
          whereUsed,
          runningOrders: {
            type: 'object',
            required: ['inside', 'willPickUp', 'couldPickUpOnChange'],
            properties: {
              inside: countedOrders(
                'Orders with an instance of the process running: they stay on their version.',
                { type: 'object', required: ['orderNo', 'version'], properties: { orderNo: { type: 'string' }, version: { type: 'integer' } } },
              ),
              willPickUp: countedOrders('Orders with a call to the process ahead on their path from where they wait: they will start the new version.', { type: 'string' }),
              couldPickUpOnChange: countedOrders(
                'Orders that can reach a call to the process only through a change to the order (POST /api/orders/{orderNo}/changes, e.g. a raise approved again): they start the new version only if such a change is requested.',
                { type: 'string' },
              ),
            },
          },
        },
      },
    },
    decisions: {
      type: 'array',
      description: 'The decisions of the change\'s .dmn files that would get a new version, each with the processes whose business rule tasks call it.',
      items: {
        type: 'object',
        required: ['id', 'name', 'version', 'previousVersion', 'fileName', 'whereUsed', 'runningOrders'],
        properties: {
          id: { type: 'string' },
          name: nullable({ type: 'string' }),
          version: { type: 'integer', minimum: 1, description: 'The version deploying would create.' },
          previousVersion: nullable({ type: 'integer', minimum: 1 }),
          fileName: { type: 'string' },
          whereUsed,
          runningOrders: {
            type: 'object',
            required: ['willEvaluate'],
            description: 'A business rule task evaluates the latest version of its decision when it is reached: no running order is inside a decision\'s version.',
            properties: {
              willEvaluate: countedOrders(
                'Orders that can still reach a business rule task calling the decision (in their own instances or in processes their calls will start): they will evaluate the new version.',
                {
                  type: 'object',
                  required: ['orderNo', 'waitingAt', 'reaches'],
                  properties: {
                    orderNo: { type: 'string' },
                    waitingAt: { type: 'array', items: processElement, description: 'Where the order waits, of its waits those from which it can reach such a task.' },
                    reaches: { type: 'array', items: processElement, description: 'The business rule tasks calling the decision it can reach.' },
                  },
                },
              ),
            },
          },
        },
      },
    },
    replay: {
      type: 'object',
      required: ['orders', 'blocked', 'changed', 'groups', 'ranOnOlderVersion', 'durationMs', 'paths', 'baselineReplays'],
      properties: {
        orders: { type: 'integer', description: 'Recorded orders replayed.' },
        blocked: { type: 'integer', description: 'Orders this change would block (not those the deployed library blocks already).' },
        changed: { type: 'integer', description: 'Orders whose route this change alters, against their replay on the deployed library where that differs from what happened.' },
        durationMs: { type: 'integer' },
        paths: {
          type: 'object',
          required: ['fast', 'engine'],
          description: 'How many orders the fast path replayed and how many bpmn-engine replayed (a version with a construct the fast path does not play, or an order with a BPMN error).',
          properties: { fast: { type: 'integer', minimum: 0 }, engine: { type: 'integer', minimum: 0 } },
        },
        baselineReplays: {
          type: 'integer', minimum: 0,
          description: 'Orders replayed a second time, on the deployed library: those whose replay after the change differs from what happened.',
        },
        groups: { type: 'array', items: replayGroup('How this change alters the orders\' route.') },
        ranOnOlderVersion: {
          type: 'object',
          required: ['count', 'groups'],
          description: 'Orders whose recorded route the deployed library no longer gives (they ran on an older version, before an earlier change), ' +
            'grouped by how the deployed library would route them. Not this change\'s doing: neither `changed` nor `blocked` counts them, nor `blocking`.',
          properties: { count: { type: 'integer', minimum: 0 }, groups: { type: 'array', items: replayGroup('How the deployed library would route them, against what happened.') } },
        },
      },
    },
    findings: { type: 'array', items: ref('Finding'), description: 'Lint findings of the whole library as it would be after the change.' },
    relatedConditions: {
      type: 'array',
      items: relatedCondition,
      description: 'Warnings, never blocking: conditions of the library after the change (other processes, other flows of the changed one) that still ' +
        'compare a variable — or the name a call activity passes it under — with a constant a changed condition moved.',
    },
    messages: {
      type: 'array',
      items: messageChange,
      description: 'Warnings, never blocking: per message name whose catching elements the change alters (a catch added, removed, renamed to another ' +
        'message, or correlated by another key), its catchers before and after, the library\'s own senders, the running orders waiting for it, and what senders must do.',
    },
    blocking: { type: 'boolean', description: 'A replayed order would block, or the library would not deploy.' },
  },
};

export const OrderChangeView: JsonSchema = {
  type: 'object',
  required: ['changeId', 'seq', 'description', 'amount', 'reportingAmount', 'status', 'open', 'requestedBy', 'requestedAt', 'settledAt'],
  properties: {
    changeId: { type: 'string' },
    seq: { type: 'integer', minimum: 1, description: '1, 2, … in the order the changes were requested.' },
    description: { type: 'string' },
    amount: nullable({ type: 'string', description: 'The new amount (decimal text, the order\'s currency); null when the amount stays.' }),
    reportingAmount: nullable({ type: 'string', description: 'The new amount converted to the reporting currency.' }),
    status: {
      type: 'string',
      enum: ['open', 'acknowledged', 'accepted', 'approved', 'rejected', 'lapsed'],
      description: '`open`: waiting for the acknowledgements; `acknowledged`: waiting for approval of the new amount; `accepted`: in force, no new approval needed; `approved`/`rejected`: the new amount was approved, or rejected (the order stays as approved); `lapsed`: the order ended (rejected, fulfilled, cancelled) before the change was settled, and it is not in force.',
    },
    open: { type: 'boolean', description: 'While any change is open, none of the order\'s jobs is handed out.' },
    requestedBy: nullable({ type: 'string' }),
    requestedAt: dateTime,
    settledAt: nullable(dateTime),
    settledBy: {
      type: 'array',
      description: 'Only in GET /api/orders/{orderNo}/changes: who moved the change on and when, oldest first (from the order\'s history: `order.change-acknowledged`, `-accepted`, `-approved`, `-rejected`). `by` is the user whose step did it (the last acknowledgement, the approver who approved or rejected), null for a step nobody called.',
      items: {
        type: 'object',
        required: ['status', 'by', 'at'],
        properties: {
          status: { type: 'string', enum: ['acknowledged', 'accepted', 'approved', 'rejected', 'lapsed'] },
          by: nullable({ type: 'string' }),
          at: dateTime,
        },
      },
    },
    acknowledgedBy: {
      type: 'array',
      description: 'Only in GET /api/orders/{orderNo}/changes: every acknowledgement of the change, oldest first (each `task.completed` of the acknowledgement tasks started for it: procurement, production, inspection); an open change lists the ones it has so far. A completion sending `acknowledged: false` is not one.',
      items: {
        type: 'object',
        required: ['by', 'groups', 'task', 'name', 'at'],
        properties: {
          by: nullable({ type: 'string' }),
          groups: { type: 'array', items: { type: 'string' }, description: 'The candidate groups the task declares.' },
          task: nullable({ type: 'string', description: 'The task\'s element id.' }),
          name: nullable({ type: 'string' }),
          at: dateTime,
        },
      },
    },
  },
};

export const OrderChanges: JsonSchema = {
  type: 'object',
  required: ['orderNo', 'instanceId', 'changed', 'currency', 'amount', 'reportingAmount', 'reportingCurrency', 'changes'],
  properties: {
    orderNo: { type: 'string' },
    instanceId: { type: 'string', description: 'The order\'s root instance.' },
    changed: { type: 'boolean', description: 'Marks an order changed since entry.' },
    currency: { type: 'string' },
    amount: { type: 'string', description: 'The amount in force: as entered, or as the last accepted or approved change set it.' },
    reportingAmount: { type: 'string' },
    reportingCurrency: { type: 'string' },
    changes: { type: 'array', items: ref('OrderChangeView') },
  },
};

export const OrderChangeResult: JsonSchema = {
  type: 'object',
  required: ['change', 'created', 'order', 'instance'],
  properties: {
    change: ref('OrderChangeView'),
    created: { type: 'boolean', description: 'False for a repeat of a recorded changeId.' },
    order: ref('OrderChanges'),
    instance: { ...ref('InstanceView'), description: 'The order\'s root instance as it is now: `waiting` says what the order waits for.' },
  },
};
