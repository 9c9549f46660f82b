// RFC 9457 problem details: every error the server answers is one of these.
import type { Response } from 'express';
import type { TaskRefusal } from '../engine/api.js';
import type { StepIncident } from '../engine/store/types.js';
import { StoreUnavailableError, StratumError, type Finding } from '../engine/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://stratum.dev/problems/';

/** One field or parameter that failed validation. */
export interface FieldError {
  /** JSON pointer into the body (`/amount`), `query.limit`, `header.Idempotency-Key` or a file name. */
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  findings?: Finding[];
  [extension: string]: unknown;
}

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Authentication required'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  411: ['length-required', 'Length required'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Unprocessable content'],
  500: ['internal', 'Internal server error'],
  502: ['bad-gateway', 'Bad gateway'],
  503: ['unavailable', 'Service unavailable'],
};

/** Thrown by routes and middleware; the error handler turns it into a problem response. */
export class HttpProblem extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    detail: string,
    readonly extensions: { errors?: FieldError[]; findings?: Finding[]; [key: string]: unknown } = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.headers = headers;
  }

  toProblem(instance?: string): Problem {
    const [slug, title] = TITLES[this.status] ?? ['error', 'Error'];
    return { type: TYPE_BASE + slug, title, status: this.status, detail: this.message, ...(instance ? { instance } : {}), ...this.extensions };
  }
}

const STATUS_OF_CODE: Record<StratumError['code'], number> = {
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  invalid: 422,
  'bad-request': 400,
  unavailable: 503,
};

/** Maps engine errors to HTTP; anything unknown is a 500 whose detail does not leak internals. */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StratumError) {
    const findings = error.details?.findings;
    const errors = error.details?.errors ?? variableErrors(error.details?.variables);
    const reason = error.details?.reason;
    return new HttpProblem(STATUS_OF_CODE[error.code] ?? 500, error.message, {
      ...(findings && { findings }), ...(errors && { errors }), ...(reason && { reason }), ...reasonDetails(error.details), ...wouldFail(error.details), ...specificProblem(error.details),
    });
  }
  if (error instanceof StoreUnavailableError) return storeUnavailable();
  return new HttpProblem(500, 'The server could not handle the request; the error is logged.');
}

/**
 * The database stopped answering under the request (docs/api.md, "When the database does not answer"): nothing the
 * client can fix, and a retry a second later usually reaches a connection the pool opened anew.
 */
function storeUnavailable(): HttpProblem {
  return new HttpProblem(503,
    'The database did not answer; try again. What the request was writing was rolled back, unless the connection ended as it committed: '
    + 'an order retried with the same orderNo, or a start retried with the same Idempotency-Key, is still one order.',
    { reason: 'store-unavailable' }, { 'Retry-After': '1' });
}

/** Refusals the engine names (details.problem) get their own problem type and title. */
const SPECIFIC_TITLES: Record<string, string> = {
  'duplicate-message': 'Duplicate message',
  'unknown-business-key': 'Unknown business key',
  'order-failed': 'Order failed',
  'order-finished': 'Order finished',
  'not-correlated': 'Message not correlated',
  'ambiguous-correlation': 'Message ambiguous',
  'not-a-root': 'Not an order',
  'incident-resolved': 'Incident already resolved',
  'not-root-cause': 'Not the root cause',
  'caller-moved-on': 'Caller moved on',
  'caller-failed': 'Caller failed',
  'not-a-job-incident': 'Not a job incident',
  'job-not-activated': 'Job not activated',
  'job-in-back-off': 'Job in back-off',
  'order-shipped': 'Order shipped',
  'change-exists': 'Change already requested',
  'order-change-open': 'Order change open',
  'order-not-changeable': 'Order not changeable',
  'task-claimed': 'Task claimed',
  'task-not-claimed': 'Task not claimed',
  'idempotency-key-reused': 'Idempotency-Key already used',
};
/** Details the engine adds for the caller (others, like `retryable`, stay inside). */
const PUBLIC_DETAILS = ['name', 'businessKey', 'messageId', 'first', 'orderStatus', 'instanceId', 'instanceIds', 'rootInstanceId', 'rootCauseIncidentId', 'incidentId', 'changeId', 'shippedAt', 'assignee', 'retryAt'];

/**
 * Refusals named by `reason` alone (their type stays the status's) whose facts the caller gets beside it: a task
 * completion's 403s name the task, who it is for, and what four eyes found (TaskRefusal).
 */
const REASON_DETAILS: { [R in TaskRefusal['reason']]: readonly FactOf<Extract<TaskRefusal, { reason: R }>>[] } = {
  'not-offered': ['task', 'offeredTo', 'claimedBy'],
  'four-eyes-starter': ['task', 'businessKey', 'rootInstanceId'],
  'four-eyes-change-requester': ['task', 'businessKey', 'rootInstanceId', 'changeId'],
  'four-eyes-other-task': ['task', 'businessKey', 'rootInstanceId', 'decidedTask'],
  'four-eyes-other-iteration': ['task', 'businessKey', 'rootInstanceId', 'decidedTask'],
  'four-eyes-distinct-deciders': ['task', 'businessKey', 'rootInstanceId', 'decidedTask'],
};

/**
 * Conflicts named by `reason` alone that name the instance already there (an order entered under the number, the
 * instance a reused Idempotency-Key started): a client's retry logic reads it instead of parsing the detail.
 */
const CONFLICT_DETAILS: Readonly<Record<string, readonly string[]>> = {
  'order-exists': ['instanceId'],
  'business-key-taken': ['instanceId'],
  'idempotency-key-reused': ['instanceId'],
};

/** A member of a refusal beside its reason. */
type FactOf<Refusal> = Exclude<keyof Refusal, 'reason'> & string;

function reasonDetails(details: StratumError['details']): Record<string, unknown> {
  const reason = details?.reason;
  if (!details || typeof reason !== 'string') return {};
  const keys = Object.hasOwn(REASON_DETAILS, reason) ? REASON_DETAILS[reason as TaskRefusal['reason']]
    : Object.hasOwn(CONFLICT_DETAILS, reason) ? CONFLICT_DETAILS[reason] : [];
  const extensions: Record<string, unknown> = {};
  for (const key of keys) if (details[key] !== undefined) extensions[key] = details[key];
  return extensions;
}

/**
 * An input refused because it would fail the instance (422: a task completion, an incident retry)
 * names the incident it would raise, as the instance's `incident` would read: element, message, and the reason
 * where the runtime knows it (an assignment expression giving a server role, say).
 */
function wouldFail(details: StratumError['details']): Record<string, unknown> {
  const incident = details?.incident as Partial<StepIncident> | undefined;
  if (typeof incident?.message !== 'string') return {};
  return { incident: { elementId: incident.elementId ?? null, message: incident.message, ...(incident.reason && { reason: incident.reason }) } };
}

function specificProblem(details: StratumError['details']): Record<string, unknown> {
  const problem = details?.problem;
  if (typeof problem !== 'string' || !SPECIFIC_TITLES[problem]) return {};
  const extensions: Record<string, unknown> = { type: TYPE_BASE + problem, title: SPECIFIC_TITLES[problem] };
  for (const key of PUBLIC_DETAILS) if (details![key] !== undefined) extensions[key] = details![key];
  return extensions;
}

/**
 * A refused task completion names the variables its failing condition read,
 * or the variables the element does not accept (with `why`); they are fields
 * of the request's `variables`.
 */
function variableErrors(variables: unknown): FieldError[] | undefined {
  if (!Array.isArray(variables) || variables.length === 0) return undefined;
  return variables.map(({ name, problem, why }: { name: string; problem: string; why?: string }) => ({
    field: `/variables/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    message: `${problem}; ${why ?? 'the next condition reads it'}`,
  }));
}

/**
 * Whether a request path is one of Camunda 7's routes (`/engine-rest/…`), whose problems speak as Camunda 7's errors
 * do; in any letter case, so the 404 of `/ENGINE-REST/…` (which no route matches) carries the `message` its client prints.
 */
export const isCamunda7Path = (path: string): boolean => path.slice(0, '/engine-rest/'.length).toLowerCase() === '/engine-rest/';

/**
 * A problem as a Camunda 7 client reads it: Camunda 7 answers a request it refuses for its input with 400
 * (`InvalidRequestException`), never 422, and its clients branch on the status (the Java client: 400
 * BadRequestException, 404 NotFoundException, 500 EngineException, anything else UnknownHttpErrorException) and
 * print the body's `message` (camunda-external-task-client-js: "Error: <message>"). So on `/engine-rest` a 422 is
 * answered 400, and every problem also carries its detail as `message`; it stays application/problem+json.
 */
export function asCamunda7Problem(problem: HttpProblem): HttpProblem {
  const status = problem.status === 422 ? 400 : problem.status;
  return new HttpProblem(status, problem.message, { ...problem.extensions, message: problem.message }, problem.headers);
}

export function sendProblem(res: Response, problem: HttpProblem, instance?: string): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.toProblem(instance)));
}
