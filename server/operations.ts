// The HTTP API as data: every operation the server serves, who may call it,
// what it accepts and what it answers. app.ts registers exactly these routes,
// openapi.ts describes exactly these, and the validators are compiled from the
// same schemas, so the code, the checks and the document cannot drift apart.
import { GROUPS } from './auth/authenticate.js';
import { name, printableKey, type JsonSchema } from './schemas/common.js';

export type Access =
  | { kind: 'public' }
  /** Any valid bearer token. */
  | { kind: 'authenticated' }
  | { kind: 'group'; group: string }
  /** Any valid token; the engine then checks the caller against the task's candidate groups. */
  | { kind: 'candidate-group' };

export type RequestBody =
  /** application/json, validated against a component schema. */
  | { kind: 'json'; schema: string; required: boolean }
  /** multipart/form-data (`files`, `note`) or one application/xml | text/xml document. */
  | { kind: 'deployment' };

export interface ResponseSpec {
  description: string;
  /** Component schema name (JSON), or a literal schema with its content type. */
  schema?: string;
  content?: { type: string; schema: JsonSchema };
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface Operation {
  id: string;
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template: `/api/tasks/{id}/complete`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  pathParams?: Record<string, JsonSchema>;
  /** Component schema name of the query object. */
  query?: string;
  headers?: Record<string, { schema: JsonSchema; description: string; required?: boolean }>;
  body?: RequestBody;
  responses: Record<number, ResponseSpec>;
  /** Problems specific to this operation (status → when); the generic ones (401, 400, 415 …) follow from the rest. */
  problems?: Record<number, string>;
  /** May wait for work (long polling): not run through the write admission queue. */
  longPoll?: boolean;
}

const integration = { kind: 'group', group: GROUPS.integration } as const;
const operations = { kind: 'group', group: GROUPS.operations } as const;
const designer = { kind: 'group', group: GROUPS.designer } as const;
const authenticated = { kind: 'authenticated' } as const;
const publicAccess = { kind: 'public' } as const;

const processKey = name('Process key: the BPMN process id.');
const id = (what: string) => printableKey(200, `${what} id`);
const orderNo = printableKey(200, 'The order number (the business key of the whole order).');

const instanceCreated: Record<number, ResponseSpec> = {
  201: {
    description: 'A new instance was started.',
    schema: 'InstanceView',
    headers: { Location: { description: 'URL of the instance', schema: { type: 'string' } } },
  },
  200: {
    description: 'A retry of an earlier request with the same body: the instance it started, as it is now.',
    schema: 'InstanceView',
    headers: { 'Content-Location': { description: 'URL of the instance', schema: { type: 'string' } } },
  },
};

export const OPERATIONS: Operation[] = [
  // library
  {
    id: 'listProcesses',
    method: 'get',
    path: '/api/processes',
    tag: 'library',
    summary: 'The process library: every key with its latest version, level, calls and callers.',
    access: authenticated,
    query: 'EmptyQuery',
    responses: { 200: { description: 'Processes ordered by key.', schema: 'ProcessList' } },
  },
  {
    id: 'getProcess',
    method: 'get',
    path: '/api/processes/{key}',
    tag: 'library',
    summary: 'One process with all its versions.',
    access: authenticated,
    pathParams: { key: processKey },
    query: 'EmptyQuery',
    problems: { 404: 'No process with this key.' },
    responses: { 200: { description: 'The process.', schema: 'ProcessDetail' } },
  },
  {
    id: 'getProcessXml',
    method: 'get',
    path: '/api/processes/{key}/versions/{version}/xml',
    tag: 'library',
    summary: 'The exact BPMN XML deployed as this version, byte for byte.',
    access: authenticated,
    pathParams: { key: processKey, version: { type: 'integer', minimum: 1, maximum: 1_000_000_000 } },
    query: 'EmptyQuery',
    problems: { 404: 'No such process or version.' },
    responses: { 200: { description: 'The stored XML.', content: { type: 'application/xml', schema: { type: 'string' } } } },
  },
  {
    id: 'deploy',
    method: 'post',
    path: '/api/deployments',
    tag: 'library',
    summary: 'Deploys one or more .bpmn files together; changed processes get a new version.',
    description:
      'Send `multipart/form-data` with one or more parts named `files` (and optionally a field `note`), or one document as `application/xml` / `text/xml` with optional `?name=` and `?note=`. XML containing a document type declaration is refused before it is parsed.',
    access: designer,
    query: 'DeploymentQuery',
    body: { kind: 'deployment' },
    responses: {
      201: { description: 'Deployed. Identical XML is reported with `changed: false`.', schema: 'DeployResult' },
    },
  },
  {
    id: 'analyseImpact',
    method: 'post',
    path: '/api/impact',
    tag: 'library',
    summary: 'What deploying these files would do, without deploying them: diff, where-used, running orders, replay of recorded orders, lint.',
    description:
      'The same body as `POST /api/deployments`; nothing is stored. Per process in the files: the semantic diff against the latest deployed version, every deployed process that calls it, and the running orders inside it (they stay on their version) or still able to reach a call to it (they will start the new version). The recorded orders (the last `last`, default 1,000, at most 50,000, or those entered from `from` to `to`) are replayed in memory on the library as it would be and grouped by how their route changes. `blocking` is true when a replayed order would block or the library would not deploy. See docs/impact.md for what replay cannot reproduce.',
    access: designer,
    query: 'ImpactQuery',
    body: { kind: 'deployment' },
    responses: { 200: { description: 'The impact of the change.', schema: 'ImpactReport' } },
  },
  {
    id: 'diffVersions',
    method: 'get',
    path: '/api/processes/{key}/versions/{version}/diff',
    tag: 'library',
    summary: 'The semantic diff from this version to version `to`: elements added, removed and changed, with conditions, groups, calls and timers as text.',
    access: authenticated,
    pathParams: { key: processKey, version: { type: 'integer', minimum: 1, maximum: 1_000_000_000 } },
    query: 'DiffQuery',
    problems: { 404: 'No such process or version.' },
    responses: { 200: { description: 'The diff.', schema: 'ProcessDiff' } },
  },
  {
    id: 'listGroups',
    method: 'get',
    path: '/api/groups',
    tag: 'library',
    summary: 'The task groups that have members (from the users file), for the candidate groups of user tasks.',
    description: 'Groups that grant server roles (`designer`, `integration`) are left out. A deployment whose user task names a group outside this list is refused (a warning in demo mode).',
    access: designer,
    query: 'EmptyQuery',
    responses: { 200: { description: 'The group names, and whether these are demo users.', schema: 'GroupList' } },
  },
  // runtime
  {
    id: 'startInstance',
    method: 'post',
    path: '/api/processes/{key}/instances',
    tag: 'instances',
    summary: 'Starts the latest version of a level-1 process that does not take orders.',
    description:
      'Called processes (level ≥ 2: a call activity of a deployed latest version names them) start only from their callers, and processes that take orders (process property `takesOrders=true`) only through `POST /api/orders`: both are refused with 409 whoever asks, because the refusal follows from the library as deployed, not from the caller\'s rights. A business key that is an order number is refused with 409 (one order number is one order). When the process\'s start event declares its start variables (`zeebe:ioMapping` outputs), any other variable is refused with 422 naming `/variables/<name>`, and the instance starts with the outputs\' targets. The problem\'s `reason` says which refusal it is: `called-process`, `retired-process` (a called process no latest version calls any more), `takes-orders`, `order-exists`.',
    access: integration,
    pathParams: { key: processKey },
    query: 'EmptyQuery',
    headers: {
      'Idempotency-Key': {
        schema: printableKey(200),
        description: 'A retry with the same key and body returns the first instance (200); another body with the same key is a 409.',
      },
    },
    body: { kind: 'json', schema: 'StartInstanceRequest', required: false },
    problems: {
      404: 'No process with this key.',
      409: 'The process is called by another (`reason: called-process`) or takes orders (`takes-orders`), the business key is an order number (`order-exists`), or the Idempotency-Key was used with another body.',
      422: 'A variable the start event does not declare (`errors` names `/variables/<name>`).',
    },
    responses: instanceCreated,
  },
  {
    id: 'postOrder',
    method: 'post',
    path: '/api/orders',
    tag: 'orders',
    summary: 'Enters a sales order: checks and converts it, then starts the order process (order-to-cash) with businessKey = orderNo.',
    description:
      'The only way an order process starts. `currency` must be an ISO 4217 code with a rate in the operator\'s rate table and `amount` must fit its minor units; the instance gets the order fields and `reportingAmount`, `reportingCurrency`, `exchangeRate`, `rateDate` (the amount converted at the newest rate dated on or before today, rounded half away from zero), which the approval thresholds compare. Idempotent by `orderNo`: the same body again returns the existing instance (200); a different body for the same orderNo is a 409.',
    access: integration,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'OrderRequest', required: true },
    problems: {
      409: 'This orderNo was entered with another body (`reason: order-exists`), or another instance already runs under it (`business-key-taken`).',
      422: 'An order the engine refuses: `errors` names `/currency` (not ISO 4217, or no rate on this day) or `/amount` (more decimals than the currency has, not greater than 0).',
      503: 'The order process is not deployed, or does not declare `takesOrders`.',
    },
    responses: instanceCreated,
  },
  {
    id: 'listOrders',
    method: 'get',
    path: '/api/orders',
    tag: 'orders',
    summary: 'Orders, newest entered first, filtered by status, customer and entry time, one page at a time.',
    description:
      'Page with `after`: each page carries `next`, the cursor after its last order (null on the last page); pass it back as `after` with the same filters. The cursor is a position (entry time, order number), so orders entered meanwhile never shift or repeat a later page. `status` is derived (docs/api.md, "Order status"); for a running status a page may hold fewer than `limit` orders and still carry `next` (the server reads at most ten times the page per request).',
    access: authenticated,
    query: 'OrdersQuery',
    responses: { 200: { description: 'One page.', schema: 'OrderPage' } },
  },
  {
    id: 'getOrder',
    method: 'get',
    path: '/api/orders/{orderNo}',
    tag: 'orders',
    summary: 'One order: its status, the order as entered with both amounts, what it waits for and who may act, the versions it runs on and its history across the call tree.',
    access: authenticated,
    pathParams: { orderNo },
    query: 'EmptyQuery',
    problems: { 404: 'No order with this number.' },
    responses: { 200: { description: 'The order.', schema: 'OrderView' } },
  },
  {
    id: 'cancelOrder',
    method: 'post',
    path: '/api/orders/{orderNo}/cancel',
    tag: 'orders',
    summary: 'Cancels an order (running or failed) with its whole call tree; the reason and the caller are kept in its history.',
    access: integration,
    pathParams: { orderNo },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'OrderCancelRequest', required: true },
    problems: { 404: 'No order with this number.', 409: 'The order has already ended.' },
    responses: { 200: { description: 'The cancelled order.', schema: 'OrderView' } },
  },
  {
    id: 'listInstances',
    method: 'get',
    path: '/api/instances',
    tag: 'instances',
    summary: 'Instances, filtered and paged, newest first.',
    description:
      'Page with `after`: each page carries `next`, the cursor of the page after it (null on the last page); pass it back as `after` with the same filters. `limit` is 50 unless given, at most 200. `offset` still works but reads every skipped row.',
    access: authenticated,
    query: 'InstancesQuery',
    responses: { 200: { description: 'One page.', schema: 'InstancePage' } },
  },
  {
    id: 'getInstance',
    method: 'get',
    path: '/api/instances/{id}',
    tag: 'instances',
    summary: 'One instance: status, version, variables, what its call tree waits for, children and history.',
    access: authenticated,
    pathParams: { id: id('Instance') },
    query: 'EmptyQuery',
    problems: { 404: 'No instance with this id.' },
    responses: { 200: { description: 'The instance.', schema: 'InstanceView' } },
  },
  {
    id: 'cancelInstance',
    method: 'post',
    path: '/api/instances/{id}/cancel',
    tag: 'instances',
    summary: 'Cancels an order (a root instance, running or failed) with its whole call tree.',
    description:
      'Orders are cancelled as a whole, with a `reason` kept in the history of every cancelled instance beside the authenticated user. A called instance (a child) is refused with 409 `not-a-root` naming the order to cancel instead. Cancelling closes the order\'s open incidents.',
    access: integration,
    pathParams: { id: id('Instance') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'CancelRequest', required: true },
    problems: {
      404: 'No instance with this id.',
      409: 'The instance has already ended, or it is a called instance (problem type `not-a-root`: cancel `rootInstanceId`).',
    },
    responses: { 200: { description: 'The cancelled instance.', schema: 'InstanceView' } },
  },
  {
    id: 'listIncidents',
    method: 'get',
    path: '/api/incidents',
    tag: 'incidents',
    summary: 'Open incidents (failed instances), oldest first, a page at a time.',
    description:
      'Each incident names the failed instance, its order, the element and the message. An incident with `causeIncidentId` follows from a called instance\'s incident: retrying that one resumes both.',
    access: authenticated,
    query: 'IncidentsQuery',
    responses: { 200: { description: 'One page; `nextCursor` fetches the next.', schema: 'IncidentPage' } },
  },
  {
    id: 'listOrderEvents',
    method: 'get',
    path: '/api/events',
    tag: 'events',
    summary: 'Order events after an outbox number, in commit order (for consumers that pull instead of receiving webhooks).',
    description:
      'Each item is a CloudEvent (structured JSON) with `stratumseq`, its outbox number. Keep the last number processed and pass it as `after`; an event is listed only once the step that made it committed, and a later number is never seen before an earlier one.',
    access: integration,
    query: 'EventsQuery',
    responses: { 200: { description: 'One page (possibly empty).', schema: 'OrderEventPage' } },
  },
  {
    id: 'listWebhooks',
    method: 'get',
    path: '/api/webhooks',
    tag: 'events',
    summary: 'The webhook subscriptions (from the API and from the STRATUM_WEBHOOKS file), without their secrets.',
    access: operations,
    query: 'EmptyQuery',
    responses: { 200: { description: 'Every subscription.', schema: 'WebhookSubscriptionList' } },
  },
  {
    id: 'createWebhook',
    method: 'post',
    path: '/api/webhooks',
    tag: 'events',
    summary: 'Subscribes a URL to order events (all, or the types named); events from now on are POSTed to it, signed per Standard Webhooks.',
    description: 'The answer carries the signing secret: the only time it is shown. With the `id` of an existing subscription, it is replaced (URL, types, secret) and keeps its place in the event stream.',
    access: operations,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'WebhookSubscriptionRequest', required: true },
    problems: { 409: 'The id names a subscription of the configuration file.', 422: 'A secret that is not `whsec_` + base64 of 24 to 64 bytes.' },
    responses: { 201: { description: 'Subscribed.', schema: 'WebhookSubscriptionCreated' } },
  },
  {
    id: 'getWebhook',
    method: 'get',
    path: '/api/webhooks/{id}',
    tag: 'events',
    summary: 'One webhook subscription.',
    access: operations,
    pathParams: { id: id('Subscription') },
    query: 'EmptyQuery',
    problems: { 404: 'No subscription with this id.' },
    responses: { 200: { description: 'The subscription.', schema: 'WebhookSubscription' } },
  },
  {
    id: 'deleteWebhook',
    method: 'delete',
    path: '/api/webhooks/{id}',
    tag: 'events',
    summary: 'Ends a subscription, with its deliveries and their log.',
    access: operations,
    pathParams: { id: id('Subscription') },
    query: 'EmptyQuery',
    problems: { 404: 'No subscription with this id.' },
    responses: { 204: { description: 'Removed.' } },
  },
  {
    id: 'listWebhookDeliveries',
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    tag: 'events',
    summary: 'The delivery log of a subscription, oldest event first, each delivery with its attempts; `status=dead` is its dead-letter list.',
    access: operations,
    pathParams: { id: id('Subscription') },
    query: 'DeliveriesQuery',
    problems: { 404: 'No subscription with this id.' },
    responses: { 200: { description: 'One page.', schema: 'WebhookDeliveryPage' } },
  },
  {
    id: 'listDeadLetters',
    method: 'get',
    path: '/api/webhook-deliveries/dead',
    tag: 'events',
    summary: 'The dead-letter list of every subscription: deliveries whose retries ran out.',
    access: operations,
    query: 'DeliveriesQuery',
    responses: { 200: { description: 'One page.', schema: 'WebhookDeliveryPage' } },
  },
  {
    id: 'redeliverWebhook',
    method: 'post',
    path: '/api/webhook-deliveries/{id}/redeliver',
    tag: 'events',
    summary: 'Sends a delivery again now (a dead letter, or an event a receiver lost), retried for a new period; later events of its order wait for it again.',
    access: operations,
    pathParams: { id: id('Delivery') },
    query: 'EmptyQuery',
    problems: { 404: 'No delivery with this id.' },
    responses: { 200: { description: 'The delivery, pending.', schema: 'WebhookDelivery' } },
  },
  {
    id: 'retryIncident',
    method: 'post',
    path: '/api/incidents/{id}/retry',
    tag: 'incidents',
    summary: 'Retries after a fix: the failed step runs again on the state before it; a job incident gives the job retries again.',
    description:
      'Fix the cause first (deploy the missing called process, or send corrected `variables`). The callers that failed with the instance are resumed too. A retry that would fail again is refused with 422 and changes nothing; the history records who retried.',
    access: operations,
    pathParams: { id: id('Incident') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'IncidentRetryRequest', required: false },
    problems: {
      404: 'No incident with this id.',
      409: 'Already resolved (`incident-resolved`), not the root cause (`not-root-cause`: retry `rootCauseIncidentId`), or the caller no longer waits (`caller-moved-on`).',
    },
    responses: { 200: { description: 'The order (root instance) after the retry.', schema: 'InstanceView' } },
  },
  {
    id: 'listTasks',
    method: 'get',
    path: '/api/tasks',
    tag: 'tasks',
    summary: 'Open user tasks, oldest first, one page at a time.',
    description:
      'The body is an array (one page). When more tasks follow, the `Link` header names the next page (`<…?after=…>; rel="next"`, as GitHub does); without a `Link` header this is the last page. `limit` is 100 unless given, at most 1000.',
    access: authenticated,
    query: 'TasksQuery',
    headers: { 'If-None-Match': { schema: { type: 'string', maxLength: 1000 }, description: 'The ETag of a page the client holds: 304 while that page is unchanged (how the task list polls).' } },
    responses: {
      200: {
        description: 'Open tasks, oldest first.',
        schema: 'TaskList',
        headers: {
          Link: { description: 'URL of the next page with rel="next"; absent on the last page.', schema: { type: 'string' } },
          ETag: { description: 'Names this page; send it back as If-None-Match.', schema: { type: 'string' } },
        },
      },
      304: { description: 'The page is unchanged since the ETag sent as If-None-Match.' },
    },
  },
  {
    id: 'getMe',
    method: 'get',
    path: '/api/me',
    tag: 'tasks',
    summary: 'Who the token belongs to: name and groups (a task list shows the caller\'s groups as filters).',
    access: authenticated,
    query: 'EmptyQuery',
    responses: { 200: { description: 'The caller.', schema: 'Me' } },
  },
  {
    id: 'getTask',
    method: 'get',
    path: '/api/tasks/{id}',
    tag: 'tasks',
    summary: 'One open task.',
    access: authenticated,
    pathParams: { id: id('Task') },
    query: 'EmptyQuery',
    problems: { 404: 'No open task with this id.' },
    responses: { 200: { description: 'The task.', schema: 'TaskView' } },
  },
  {
    id: 'completeTask',
    method: 'post',
    path: '/api/tasks/{id}/complete',
    tag: 'tasks',
    summary: 'Completes a user task with the variables its outputs declare (e.g. `approved`, `comment`).',
    description: 'The task\'s `zeebe:output` sources are evaluated over these variables only; a variable they do not read is refused with 422 naming `/variables/<name>` (a task without outputs accepts none). A completion that would fail the instance, such as an approval without the `approved` its gateway reads, is refused with 422 and `errors` naming the variables to send. Four eyes: a caller who already decided another task the process separates (`separationOfDuties`) in the same order is refused with 403. The task stays open after a refusal.',
    access: { kind: 'candidate-group' },
    pathParams: { id: id('Task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'CompleteTaskRequest', required: false },
    problems: {
      403: 'In none of the task\'s candidate groups, or (four eyes) already the decider of another separated task of this order; the detail names it.',
      404: 'No task with this id.',
      409: 'The task is no longer open.',
      422: 'Variables that break the schema, that the task does not declare, or a completion the next condition could not evaluate (`errors` names the variables).',
    },
    responses: { 200: { description: 'The instance after the step.', schema: 'InstanceView' } },
  },
  {
    id: 'fetchAndLockJobs',
    method: 'post',
    path: '/api/jobs/fetch-and-lock',
    tag: 'jobs',
    summary: 'Locks up to `max` open jobs of a type for a worker; with `asyncResponseTimeout`, waits for one when none is open.',
    description: 'Long polling: with `asyncResponseTimeout` (ms) and no fetchable job, the answer comes the moment a job of this type is created, failed with retries left or unlocked (on PostgreSQL from any server sharing the database), or with `[]` when the time is up. A waiting fetch costs no CPU and does not take a turn of the write queue. `businessKey` fetches only one order\'s jobs; `variables` hands over only the variables named. Each job carries `order`, the summary of its order.',
    access: integration,
    longPoll: true,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'FetchAndLockRequest', required: true },
    responses: { 200: { description: 'The locked jobs (possibly none).', schema: 'JobList' } },
  },
  {
    id: 'completeJob',
    method: 'post',
    path: '/api/jobs/{id}/complete',
    tag: 'jobs',
    summary: 'Completes a job; its variables become process variables as its outputs allow.',
    description: 'A job with `zeebe:output`s accepts only the variables their sources read; one without may set variables except the order fields and what another element declares as its output. The history records the authenticated user as actor; `workerId` is kept beside it as a label.',
    access: integration,
    pathParams: { id: id('Job') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'CompleteJobRequest', required: false },
    problems: { 404: 'No job with this id.', 409: 'The job is no longer open or locked by another worker.', 422: 'Variables that break the schema, or one this job may not set (`errors` names it).' },
    responses: { 200: { description: 'The instance after the step.', schema: 'InstanceView' } },
  },
  {
    id: 'failJob',
    method: 'post',
    path: '/api/jobs/{id}/failure',
    tag: 'jobs',
    summary: 'Reports a failed job: with retries left it can be fetched again, with 0 the instance gets an incident.',
    access: integration,
    pathParams: { id: id('Job') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'JobFailureRequest', required: true },
    problems: { 404: 'No job with this id.', 409: 'The job is no longer open or locked by another worker.' },
    responses: { 200: { description: 'The instance after the step.', schema: 'InstanceView' } },
  },
  {
    id: 'throwJobError',
    method: 'post',
    path: '/api/jobs/{id}/bpmn-error',
    tag: 'jobs',
    summary: 'Reports a business error for a job: an error boundary event with this errorCode catches it.',
    description: 'Uncaught, the instance fails with an incident. Variables follow the rule for a job without outputs (never the order fields, never another element\'s output). The history records the authenticated user as actor.',
    access: integration,
    pathParams: { id: id('Job') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'JobErrorRequest', required: true },
    problems: { 404: 'No job with this id.', 409: 'The job is no longer open or locked by another worker.', 422: 'Variables that break the schema, or one no worker may set (`errors` names it).' },
    responses: { 200: { description: 'The instance after the step.', schema: 'InstanceView' } },
  },
  {
    id: 'extendJobLock',
    method: 'post',
    path: '/api/jobs/{id}/extend-lock',
    tag: 'jobs',
    summary: 'Extends the lock of a job this worker holds: the new lock runs `lockMs` from now.',
    access: integration,
    pathParams: { id: id('Job') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'ExtendLockRequest', required: true },
    problems: { 404: 'No open job with this id.', 409: 'The job is not locked by this worker, or its lock has expired (`not-locked-by-worker`).' },
    responses: { 200: { description: 'The new lock.', schema: 'JobLock' } },
  },
  {
    id: 'unlockJob',
    method: 'post',
    path: '/api/jobs/{id}/unlock',
    tag: 'jobs',
    summary: 'Gives back the lock of a job: any worker may fetch it at once (waiting fetches are answered).',
    access: integration,
    pathParams: { id: id('Job') },
    query: 'EmptyQuery',
    problems: { 404: 'No open job with this id.' },
    responses: { 204: { description: 'Unlocked.' } },
  },
  {
    id: 'correlateMessage',
    method: 'post',
    path: '/api/messages',
    tag: 'messages',
    summary: 'Delivers a message (e.g. PaymentReceived) to what waits for it under this business key, or buffers it for the order.',
    description:
      'Camunda 8 semantics: a message for a running order that nothing waits for yet is kept for `timeToLive` and delivered when the order reaches a matching catch (oldest first, each once). `messageId` makes the publish idempotent while the message is kept. Every message for an existing order, delivered, buffered or refused, is in the order\'s history with the authenticated user.',
    access: integration,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'MessageRequest', required: true },
    problems: {
      404: 'No order has this business key (`unknown-business-key`), or nothing waits and `timeToLive` is 0 (`not-correlated`).',
      409: 'A message with this name, businessKey and messageId was already received (`duplicate-message`, `first` tells what became of it: treat as done), or the order has finished (`order-finished`).',
    },
    responses: {
      200: { description: 'Delivered: the instances it reached and what they wait for next.', schema: 'MessageResult' },
      202: { description: 'Buffered: nothing waits yet; kept until `expiresAt` for the order.', schema: 'MessageResult' },
    },
  },
  // Camunda 7 compatible (docs/camunda-workers.md)
  {
    id: 'camunda7FetchAndLock',
    method: 'post',
    path: '/engine-rest/external-task/fetchAndLock',
    tag: 'camunda7',
    summary: 'Camunda 7: fetches and locks external tasks (Stratum jobs) of the topics, waiting up to `asyncResponseTimeout` for one.',
    description: 'Request and response as Camunda 7\'s REST API; variables are typed (`{"value": …, "type": "Boolean"}`). Filters Stratum cannot honour (tenants, process definitions, process variables) are refused (422). Bearer token of a user in `integration`.',
    access: integration,
    longPoll: true,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7FetchAndLockRequest', required: true },
    responses: { 200: { description: 'The locked external tasks (possibly none).', schema: 'Camunda7LockedExternalTasks' } },
  },
  {
    id: 'camunda7Complete',
    method: 'post',
    path: '/engine-rest/external-task/{id}/complete',
    tag: 'camunda7',
    summary: 'Camunda 7: completes an external task; the typed variables go through the job\'s declared outputs like POST /api/jobs/{id}/complete.',
    access: integration,
    pathParams: { id: id('External task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7CompleteRequest', required: true },
    problems: { 404: 'No open job with this id.', 409: 'The job is no longer open or locked by another worker.', 422: 'A variable the job may not set (`errors` names it).' },
    responses: { 204: { description: 'Completed.' } },
  },
  {
    id: 'camunda7Failure',
    method: 'post',
    path: '/engine-rest/external-task/{id}/failure',
    tag: 'camunda7',
    summary: 'Camunda 7: reports a failure; with retries left the job is fetchable again, with 0 the order gets an incident.',
    access: integration,
    pathParams: { id: id('External task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7FailureRequest', required: true },
    problems: { 404: 'No open job with this id.', 409: 'The job is no longer open or locked by another worker.' },
    responses: { 204: { description: 'Recorded.' } },
  },
  {
    id: 'camunda7BpmnError',
    method: 'post',
    path: '/engine-rest/external-task/{id}/bpmnError',
    tag: 'camunda7',
    summary: 'Camunda 7: throws a BPMN error an error boundary event with this errorCode catches.',
    access: integration,
    pathParams: { id: id('External task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7BpmnErrorRequest', required: true },
    problems: { 404: 'No open job with this id.', 409: 'The job is no longer open or locked by another worker.', 422: 'A variable no worker may set.' },
    responses: { 204: { description: 'Thrown.' } },
  },
  {
    id: 'camunda7ExtendLock',
    method: 'post',
    path: '/engine-rest/external-task/{id}/extendLock',
    tag: 'camunda7',
    summary: 'Camunda 7: extends the lock of an external task this worker holds by `newDuration` from now.',
    access: integration,
    pathParams: { id: id('External task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7ExtendLockRequest', required: true },
    problems: { 404: 'No open job with this id.', 409: 'Not locked by this worker, or the lock expired.' },
    responses: { 204: { description: 'Extended.' } },
  },
  {
    id: 'camunda7Unlock',
    method: 'post',
    path: '/engine-rest/external-task/{id}/unlock',
    tag: 'camunda7',
    summary: 'Camunda 7: gives back the lock of an external task.',
    access: integration,
    pathParams: { id: id('External task') },
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'EmptyBody', required: false },
    problems: { 404: 'No open job with this id.' },
    responses: { 204: { description: 'Unlocked.' } },
  },
  {
    id: 'camunda7Message',
    method: 'post',
    path: '/engine-rest/message',
    tag: 'camunda7',
    summary: 'Camunda 7: correlates a message by name and business key (Stratum buffers a message for a running order that nothing waits for yet).',
    description: 'Goes through the same step as POST /api/messages: a message never changes the order as entered, and it is in the order\'s history with the authenticated user. With `resultEnabled` the answer lists the process instances it reached.',
    access: integration,
    query: 'EmptyQuery',
    body: { kind: 'json', schema: 'Camunda7MessageRequest', required: true },
    problems: { 404: 'No order or instance has this business key.', 409: 'The order has finished.', 422: 'A variable no message may set.' },
    responses: { 204: { description: 'Correlated or buffered.' }, 200: { description: 'With resultEnabled: the instances reached.', schema: 'Camunda7MessageResults' } },
  },
  // operations
  {
    id: 'health',
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness and store check.',
    access: publicAccess,
    problems: { 503: 'The store does not answer.' },
    responses: { 200: { description: 'The store answers.', schema: 'Health' } },
  },
  {
    id: 'metrics',
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics: HTTP requests, engine steps, process metrics.',
    access: publicAccess,
    responses: { 200: { description: 'Prometheus text format.', content: { type: 'text/plain', schema: { type: 'string' } } } },
  },
  {
    id: 'openapi',
    method: 'get',
    path: '/api/openapi.json',
    tag: 'operations',
    summary: 'This document.',
    access: publicAccess,
    responses: { 200: { description: 'OpenAPI 3.1 document.', content: { type: 'application/json', schema: { type: 'object' } } } },
  },
];

/** `/api/tasks/{id}/complete` → `/api/tasks/:id/complete` */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
