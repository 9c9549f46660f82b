// A request the role check refused (a user without the integration role completing a job, say) is kept in the
// history of the open task or job it addressed, as the runtime keeps the refusals of its own controls: an auditor
// sees who tried what by which route, not only the request log. Only an authenticated caller's refusal is kept
// (401 never reaches here), in a transaction of its own; what the caller sent is not read, so what one refusal
// stores is small and fixed (docs/api.md, "Refused attempts"). The entry is a write like any other: it waits for a
// turn in the write admission queue, so a burst of refused calls is shaped as a burst of writes is. Beyond the
// queue's bound the caller still gets its 403 at once, and the entry is not kept: the log says so (refusalsInTurn).
// A change or cancel of an order the role check refused (an approver lowering the amount they must approve, or
// cancelling the order), or a retry of an incident, is kept the same way in the history of the order or instance
// its path names, as `change.refused`, `cancel.refused` or `incident.refused`; an order's entry or a start under an
// order's number, which name the order in their body only, as a message does (below), as `entry.refused` or
// `start.refused`.
// A message the role check refused (an approver posting a payment) is kept in the history of the order it names:
// the role check answers before the body is read, and the body is the only place a message names its order, so
// the body of such a refusal is read (up to the server's limit) for its name and key; what it carried is not kept.
// A body whose variables name an order field (`amount`, `paymentTerms` …) is refused by the schema before the
// runtime sees it (422, 400 on Camunda 7's routes); such an attempt at a task or job is kept the same way, under
// `variable-refused` with the variables sent (within the refused attempts' budget), as the runtime keeps a worker's
// variables it refuses: an attempt to rewrite the order leaves a trace whatever route it came by. So is an operator's
// retry of an incident whose variables name one, as `incident.refused` in the failed instance's history. On Camunda
// 7's routes the runtime refuses the names, but a typed value its type refuses (`amount` as an Integer that is no
// whole number) is refused before it: the handler leaves that body at hand, and it is kept the same way. So is a body
// the JSON reader refuses (a key written twice, a number a double does not hold) as JSON.parse reads it (json-body.ts),
// and a refused value of what another element decides (`directorApproved` as a Boolean that is a text) at a job or in
// a message, which only the runtime can tell from the worker's own variables: it keeps the attempt where one is
// (RefusedRequest.ifDecided), and nothing for a variable of the caller's own.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Actor, RefusedMessage, RefusedRequest, Runtime } from '../../engine/api.js';
import { ORDER_VARIABLES } from '../../engine/orders/order-entry.js';
import { VARIABLE_REFUSED } from '../../engine/runtime/refused-attempts.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../problem.js';
import type { AdmissionQueue } from './admission.js';
import { routeOf } from './handler.js';

/** The word a role refusal is kept under (beside the runtime's `not-offered`, `four-eyes`, …). */
const ROLE_REFUSAL = 'role';

/** Operation paths that address one task or job, or an order or instance as a whole, and the path parameter naming it. */
const ADDRESSED: readonly { matches: (op: { method: string; path: string }) => boolean; kind: RefusedRequest['kind']; param: string }[] = [
  { matches: under('/api/tasks/{id}/'), kind: 'task', param: 'id' },
  { matches: under('/api/jobs/{id}/'), kind: 'job', param: 'id' },
  { matches: under('/engine-rest/external-task/{id}/'), kind: 'job', param: 'id' },
  { matches: under('/engine-rest/task/{id}/'), kind: 'task', param: 'id' },
  { matches: under('/v2/jobs/{jobKey}'), kind: 'job', param: 'jobKey' },
  { matches: under('/v2/user-tasks/{userTaskKey}/'), kind: 'task', param: 'userTaskKey' },
  { matches: exactly('post', '/api/orders/{orderNo}/changes'), kind: 'order-change', param: 'orderNo' },
  { matches: exactly('post', '/api/orders/{orderNo}/cancel'), kind: 'order-cancel', param: 'orderNo' },
  { matches: exactly('post', '/api/instances/{id}/cancel'), kind: 'instance-cancel', param: 'id' },
  { matches: exactly('post', '/v2/process-instances/{processInstanceKey}/cancellation'), kind: 'instance-cancel', param: 'processInstanceKey' },
  { matches: exactly('delete', '/engine-rest/process-instance/{id}'), kind: 'instance-cancel', param: 'id' },
  { matches: exactly('post', '/api/incidents/{id}/retry'), kind: 'incident-retry', param: 'id' },
  { matches: exactly('post', '/v2/incidents/{incidentKey}/resolution'), kind: 'incident-retry', param: 'incidentKey' },
];

/** Every operation on `prefix` or below it. */
function under(prefix: string) {
  return (op: { path: string }) => op.path === prefix || op.path.startsWith(prefix);
}

/** The one operation `method` `path`. */
function exactly(method: string, path: string) {
  return (op: { method: string; path: string }) => op.method === method && op.path === path;
}

/** An operation path that sends a message, and the body's fields naming the message and its order (business key, correlation key). */
interface MessageRoute {
  path: string;
  name: string;
  key: string;
  /**
   * The body's field holding the message's variables: a body refused for naming an order field among them (by the
   * schema; on Camunda 7's route, whose runtime refuses the names, for a typed value of one its type refuses) is kept.
   */
  variables: string;
}

const MESSAGE_ROUTES: readonly MessageRoute[] = [
  { path: '/api/messages', name: 'name', key: 'businessKey', variables: 'variables' },
  { path: '/engine-rest/message', name: 'messageName', key: 'businessKey', variables: 'processVariables' },
  { path: '/v2/messages/publication', name: 'name', key: 'correlationKey', variables: 'variables' },
];

/**
 * Operations that name the order they are aimed at only in their body (an order's entry, a start under an order's
 * number): the body's field holding the number, and where the started process is named.
 */
const ADDRESSED_IN_BODY: readonly { path: string; kind: RefusedRequest['kind']; key: string; processKey?: { param: string } | { field: string } }[] = [
  { path: '/api/orders', kind: 'order-entry', key: 'orderNo' },
  { path: '/api/processes/{key}/instances', kind: 'process-start', key: 'businessKey', processKey: { param: 'key' } },
  { path: '/v2/process-instances', kind: 'process-start', key: 'businessId', processKey: { field: 'processDefinitionId' } },
];

/** Reads the JSON body of a request the role check refused before its body was read. */
export type ReadRefusedBody = (req: Request, res: Response) => Promise<unknown>;

/**
 * Keeps a refusal (one about a task, job, order, instance or incident, or a message); `arrivedAt` (performance.now())
 * is when its request arrived, as a write's turn counts from it.
 */
export type KeepRefusal = (refused: RefusedRequest | RefusedMessage, actor: Actor, arrivedAt: number) => Promise<void>;

/**
 * Keeps refusals in a turn of the write queue `writes`. One the queue refuses (full, or no turn in time) or the
 * store cannot keep is logged as a warning with who tried what, and the 403 goes out all the same: a refusal is
 * never turned into a 503 (the caller would only be told to retry what it may not do) nor lost without a trace.
 */
export function refusalsInTurn(writes: AdmissionQueue, runtime: Pick<Runtime, 'recordRefusedRequest' | 'recordRefusedMessage'>, logger: Logger): KeepRefusal {
  return async (refused, actor, arrivedAt) => {
    try {
      await writes.run(() => ('kind' in refused ? runtime.recordRefusedRequest(refused, actor) : runtime.recordRefusedMessage(refused, actor)), arrivedAt);
    } catch (error) {
      const queue = error instanceof HttpProblem && error.status === 503 ? { queue: error.extensions?.reason } : { err: error };
      const about = 'kind' in refused
        ? { kind: refused.kind, id: refused.id, reason: refused.reason }
        : { kind: 'message', name: refused.name, businessKey: refused.businessKey, reason: refused.reason };
      logger.warn({ user: actor.name, via: actor.via, ...about, attempted: refused.attempted, ...queue },
        'a refused request was answered 403 but not kept in the history');
    }
  };
}

/**
 * Express error middleware for an operation (`method`, `path`, `id`) that addresses a task or job, or an order or
 * instance as a whole: a 403 the server gave an authenticated caller is recorded before it is answered.
 * `validParams` throws for path parameters the operation refuses (nothing is looked up for them). Without anything
 * addressed, undefined.
 */
export function recordRoleRefusals(
  op: { id: string; method: string; path: string }, record: KeepRefusal, validParams: (params: Record<string, unknown>) => unknown, readBody: ReadRefusedBody,
) {
  const messages = MESSAGE_ROUTES.find((route) => route.path === op.path);
  if (messages) return recordRefusedMessages(op, messages, record, readBody);
  const inBody = op.method === 'post' ? ADDRESSED_IN_BODY.find((route) => route.path === op.path) : undefined;
  if (inBody) return recordRoleRefusedBodies(op, inBody, record, readBody);
  const addressed = ADDRESSED.find((route) => route.matches(op));
  if (!addressed) return undefined;
  // variables are the worker's, the approver's or the operator's retry's: a change's body (its amount) is the runtime's to refuse and keep
  const sendsVariables = addressed.kind === 'task' || addressed.kind === 'job' || addressed.kind === 'incident-retry';
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (!(error instanceof HttpProblem) || !user) return next(error);
    const refusedVariables = error.status === 403 || !sendsVariables ? undefined : variablesRefused(error, res.locals.refusedBody);
    // a value refused for a variable that is no order field is kept only where the runtime finds it decides a job's
    // order (a task's or a retry's variables are the approver's or operator's to correct)
    const variables = refusedVariables && (refusedVariables.orderField || addressed.kind === 'job') ? refusedVariables : undefined;
    if (error.status !== 403 && !variables) return next(error);
    let id: string;
    try {
      validParams({ ...req.params });
      id = String(req.params[addressed.param]);
    } catch {
      return next(error);
    }
    const refused: RefusedRequest = variables
      ? { kind: addressed.kind, id, reason: VARIABLE_REFUSED, refusal: error.message, attempted: op.id, variables: variables.sent, ...ifDecided(variables) }
      : { kind: addressed.kind, id, reason: ROLE_REFUSAL, refusal: error.message, attempted: op.id };
    answerAfter(record(refused, { ...user, via: routeOf(op.path) }, res.locals.arrivedAt as number), next, error);
  };
}

/**
 * Express error middleware for an operation that names its order in its body (ADDRESSED_IN_BODY): a role refusal is
 * kept in the history of the order whose number the body names, the body read for it as a refused message's is; what
 * else it carried is not kept. Nothing for a body that names no order.
 */
function recordRoleRefusedBodies(op: { id: string; path: string }, route: (typeof ADDRESSED_IN_BODY)[number], record: KeepRefusal, readBody: ReadRefusedBody) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (!(error instanceof HttpProblem) || error.status !== 403 || !user || req.readableEnded) return next(error);
    answerAfter(readBody(req, res).then((body) => {
      const sent = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      const id = sent[route.key];
      if (typeof id !== 'string') return undefined;
      const processKey = !route.processKey ? undefined : 'param' in route.processKey ? req.params[route.processKey.param] : sent[route.processKey.field];
      const refused: RefusedRequest = {
        kind: route.kind, id, ...(typeof processKey === 'string' && { processKey }), reason: ROLE_REFUSAL, refusal: error.message, attempted: op.id,
      };
      return record(refused, { ...user, via: routeOf(op.path) }, res.locals.arrivedAt as number);
    }), next, error);
  };
}

/**
 * The variables of `body` (its field `field`) when the schema refused it (422, or Camunda's 400) for a variable
 * among them (`errors`: `/variables/amount`), as when it names an order field or Camunda 7's types refused a
 * variable's value; `orderField` when one of those named is an order field, else `named` lists them, for the runtime
 * to keep only where one is what an element decides. Otherwise undefined: a malformed body is the caller's mistake,
 * not an attempt.
 */
function variablesRefused(error: HttpProblem, body: unknown, field = 'variables'): { sent: Record<string, unknown>; orderField: boolean; named: string[] } | undefined {
  if ((error.status !== 422 && error.status !== 400) || body === null || typeof body !== 'object') return undefined;
  const sent = (body as Record<string, unknown>)[field];
  if (sent === null || typeof sent !== 'object' || Array.isArray(sent)) return undefined;
  const prefix = `/${field}/`;
  const named = (error.extensions.errors ?? []).flatMap(({ field: pointer }) => {
    // a refusal inside a variable's value (a Camunda 7 Json's number) is one of that variable too
    const name = pointer.startsWith(prefix) ? pointer.slice(prefix.length).split('/')[0] : undefined;
    return name !== undefined && Object.hasOwn(sent, name) ? [name] : [];
  });
  if (named.length === 0) return undefined;
  const orderField = named.some((name) => (ORDER_VARIABLES as readonly string[]).includes(name));
  return { sent: sent as Record<string, unknown>, orderField, named };
}

/** For a refusal of variables none of which is an order field: kept only where the runtime finds one decided. */
function ifDecided(refused: { orderField: boolean; named: string[] }): { ifDecided?: string[] } {
  return refused.orderField ? {} : { ifDecided: [...new Set(refused.named)] };
}

/**
 * Express error middleware for a route that sends a message: a role refusal, or a body the schema refused for naming
 * an order field among its variables, is kept in the history of the order the body's `route.key` field names (the
 * runtime keeps nothing for a key that names no order); the caller gets the refusal either way.
 */
function recordRefusedMessages(op: { id: string; path: string }, route: MessageRoute, record: KeepRefusal, readBody: ReadRefusedBody) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const user = res.locals.user as User | undefined;
    if (!(error instanceof HttpProblem) || !user) return next(error);
    const keep = (refused: RefusedMessage) => record(refused, { ...user, via: routeOf(op.path) }, res.locals.arrivedAt as number);
    const refusal = { refusal: error.message, attempted: op.id };
    if (error.status === 403) {
      // only the role check refuses before the body is read; the runtime keeps its own refusals (engine-message)
      if (req.readableEnded) return next(error);
      return answerAfter(readBody(req, res).then((body) => {
        const refused = messageOf(body, route, { ...refusal, reason: ROLE_REFUSAL });
        return refused && keep(refused);
      }), next, error);
    }
    const body = res.locals.refusedBody as unknown;
    const variables = variablesRefused(error, body, route.variables);
    const refused = variables && messageOf(body, route, { ...refusal, variables: variables.sent, ...ifDecided(variables), reason: VARIABLE_REFUSED });
    if (!refused) return next(error);
    answerAfter(keep(refused), next, error);
  };
}

/**
 * Passes the refusal on once `keeping` has settled: the caller gets it whether the entry was kept or not (a store or a
 * queue that cannot keep it does not turn a 403 into a 500 or a 503, nor a body that cannot be read into a 400).
 */
function answerAfter(keeping: Promise<unknown>, next: NextFunction, error: unknown): void {
  keeping.then(() => next(error), () => next(error));
}

/** The refused message `body` sent on `route`, or undefined when it names no message and key. */
function messageOf(body: unknown, route: MessageRoute, refused: Pick<RefusedMessage, 'reason' | 'refusal' | 'attempted' | 'variables' | 'ifDecided'>): RefusedMessage | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const sent = body as Record<string, unknown>;
  const name = sent[route.name];
  const businessKey = sent[route.key];
  const messageId = sent.messageId;
  if (typeof name !== 'string' || typeof businessKey !== 'string') return undefined;
  return { name, businessKey, ...(typeof messageId === 'string' && { messageId }), ...refused };
}
