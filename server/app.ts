// The express application: one pipeline per operation of OPERATIONS
// (authenticate → authorize → validate → handle → send), problem+json for
// every error, the built modeler as static files.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventEmitter } from 'node:events';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { ImpactAnalysis, Library, Orders, Outbox, ReplayEvent, Runtime, Workers } from '../engine/api.js';
import { authenticate, requireAnyGroup, requireGroup } from './auth/authenticate.js';
import type { User, UserDirectory } from './auth/users.js';
import { requestIdOf } from './http/request-log.js';
import type { AcceptDrain } from './http/accept-drain.js';
import { isApiPath } from './http/api-paths.js';
import { ANALYSIS_WORDS, AdmissionQueue, DEFAULT_ANALYSIS_ADMISSION, type AdmissionLimits } from './http/admission.js';
import { readDeployment } from './http/deployment-body.js';
import { routeOf, type Handler, type Handlers, type Input, type Reply, type StagedHandler } from './http/handler.js';
import { processIdleCollector, type IdleCollector } from './http/idle-collector.js';
import { recordRoleRefusals, refusalsInTurn, type KeepRefusal } from './http/role-refusals.js';
import { assertUtf8Charset, decodeUtf8, isJsonContentType, parseJson, RefusedJsonText } from './http/json-body.js';
import { acceptableTypes, allowedMethods, assertAcceptable } from './http/negotiation.js';
import { requestSchemasOf } from './http/request-schemas.js';
import { compileInTurns, validator, type Validator } from './http/validate.js';
import { Metrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { OPERATIONS, expressPath, takesWriteTurn, type Operation } from './operations.js';
import { asCamunda7Problem, HttpProblem, isCamunda7Path, sendProblem, toHttpProblem } from './problem.js';
import { camunda7Handlers } from './camunda7/external-tasks.js';
import { camunda7IncidentHandlers } from './camunda7/incidents.js';
import { camunda7MessageHandlers } from './camunda7/messages.js';
import { camunda7ProcessInstanceHandlers } from './camunda7/process-instances.js';
import { camunda7UserTaskHandlers } from './camunda7/user-tasks.js';
import { camunda8IncidentHandlers } from './camunda8/incidents.js';
import { camunda8UserTaskHandlers } from './camunda8/user-tasks.js';
import { camunda8Handlers } from './camunda8/jobs.js';
import { camunda8ProcessInstanceHandlers } from './camunda8/process-instances.js';
import { auditHandlers } from './routes/audit.js';
import { incidentHandlers } from './routes/incidents.js';
import { eventHandlers } from './routes/events.js';
import { instanceHandlers } from './routes/instances.js';
import { jobHandlers } from './routes/jobs.js';
import { impactHandlers } from './routes/impact.js';
import { libraryHandlers, taskGroupCheck } from './routes/library.js';
import { meHandlers } from './routes/me.js';
import { messageHandlers } from './routes/messages.js';
import { operationHandlers } from './routes/operations.js';
import { orderHandlers } from './routes/orders.js';
import { taskHandlers } from './routes/tasks.js';
import { guidePages } from './guides/guide-pages.js';
import { formatRouteHints, routeHints, ROUTES_HEADER, WORKER_HEADER } from './routing.js';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * The modeler's and the task list's pages run only the built scripts they load from this server: markup that data
 * slipped into a page (a customer's name, a comment, a name in a diagram from another tool) runs no inline script,
 * event handler or `javascript:` link, and a page talks to no other server, so a token read by such a script
 * could not be sent anywhere. Inline styles stay allowed: bpmn-js and form-js position their nodes with them.
 * Images and fonts: this server's, and the data: URLs of the built stylesheets; blob: for the files the modeler saves.
 */
const MODELER_PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** An API answer is data, never a page: nothing in it runs or loads, and no page frames it. */
const API_ANSWER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

export interface AppOptions {
  stratum: { library: Library; runtime: Runtime; impact: ImpactAnalysis; orders: Orders; workers: Workers; outbox: Outbox; events: EventEmitter };
  users: UserDirectory;
  logger: Logger;
  limits?: { bodyBytes?: number };
  /** Resolves when the store answers; /healthz answers 503 when it rejects. */
  checkHealth?: () => Promise<void>;
  /** Folder of the built modeler (served at /); null to serve none. Default dist/modeler if it exists. */
  modelerDir?: string | null;
  /** Folder of the guides served read-only at /docs/ (the modeler's lint findings link there); null to serve none. Default docs/ if it exists. */
  docsDir?: string | null;
  /** Demo mode (the demo users file): a candidate group nobody is in is only a warning at deploy. */
  demo?: boolean;
  /** Limits of the write admission queue (default DEFAULT_ADMISSION). */
  admission?: AdmissionLimits;
  /** Limits of the queue of what-if analyses, which never take a write's turn (default DEFAULT_ANALYSIS_ADMISSION). */
  analysisAdmission?: AdmissionLimits;
  /** The listening server's accepted connections: a write's turn waits until they are drained (accept-drain.ts). */
  acceptDrain?: AcceptDrain;
  /** A deployment without a note is refused with 422 (config STRATUM_DEPLOY_NOTE; default false here, readConfig decides). */
  requireDeploymentNote?: boolean;
  /** Behind the primary's order router: answers name the order of each instance they list (server/routing.ts). */
  routeHints?: boolean;
  /** Scavenge the young generation when no request is in hand (config STRATUM_IDLE_GC; needs node --expose-gc). */
  idleScavenges?: boolean;
}

export interface StratumApp {
  app: Express;
  metrics: Metrics;
  /** Every write (POST, PUT, PATCH, DELETE) passes through it but long polls, searches and analyses; reads, /healthz and /metrics never do. */
  admission: AdmissionQueue;
  /** Stops listening to engine events. */
  dispose: () => void;
  /**
   * Compiles the request validators no request has needed yet, one per event-loop turn. A validator compiles at
   * its first request anyway; the server calls this once it listens, so that it answers sooner after a start.
   */
  compileValidators: () => Promise<void>;
}

export function createApp(options: AppOptions): StratumApp {
  const { stratum, users, logger } = options;
  const bodyBytes = options.limits?.bodyBytes ?? DEFAULT_BODY_LIMIT;
  const metrics = new Metrics();
  const stopMetrics = metrics.watch(stratum.events, stratum.runtime.caches());
  // an operator's sign that something (the OOM killer, a kill) stops replay workers: the replay itself goes on
  const onReplay = (event: ReplayEvent) => {
    if (event.phase === 'worker-replaced') logger.warn({ stopped: event.stopped }, 'a what-if replay\'s worker process stopped before it answered; a new one replays its share');
  };
  stratum.events.on('replay', onReplay);
  const stopWatching = () => {
    stopMetrics();
    stratum.events.off('replay', onReplay);
  };
  const drain = options.acceptDrain;
  const admission = new AdmissionQueue(options.admission, drain && ((admit, stepMs) => drain.afterDrained(admit, stepMs)));
  metrics.watchAdmission(admission);
  const analyses = new AdmissionQueue(options.analysisAdmission ?? DEFAULT_ANALYSIS_ADMISSION, undefined, ANALYSIS_WORDS);
  metrics.watchAdmission(analyses, 'analysis');
  const handlers: Handlers = {
    ...libraryHandlers(stratum.library, { users, demo: options.demo ?? false }, { requireNote: options.requireDeploymentNote ?? false }),
    ...impactHandlers(stratum.impact, taskGroupCheck({ users, demo: options.demo ?? false })),
    ...orderHandlers(stratum.runtime, stratum.orders),
    ...instanceHandlers(stratum.runtime),
    ...taskHandlers(stratum.runtime),
    ...meHandlers(),
    ...jobHandlers(stratum.runtime, stratum.workers),
    ...messageHandlers(stratum.runtime),
    ...eventHandlers(stratum.outbox),
    ...incidentHandlers(stratum.runtime),
    ...auditHandlers(stratum.runtime),
    ...camunda7Handlers(stratum.runtime, stratum.workers),
    ...camunda7IncidentHandlers(stratum.runtime),
    ...camunda7MessageHandlers(stratum.runtime),
    ...camunda7ProcessInstanceHandlers(stratum.runtime),
    ...camunda7UserTaskHandlers(stratum.runtime),
    ...camunda8Handlers(stratum.runtime, stratum.workers),
    ...camunda8IncidentHandlers(stratum.runtime),
    ...camunda8UserTaskHandlers(stratum.runtime),
    ...camunda8ProcessInstanceHandlers(stratum.runtime),
    ...operationHandlers({
      checkHealth: options.checkHealth ?? (async () => void (await stratum.library.list())),
      metrics,
      openApi: buildOpenApiDocument(),
    }),
  };

  const app = express();
  // paths match as written, as Camunda's REST APIs match them: express's default (`/ENGINE-REST/…`, `/API/orders`
  // served by the same handlers) answered such a path without the API's Cache-Control and a Camunda 7 problem
  // without its `message` and its 400, which only read the path as written
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLogging(logger, metrics));
  app.use(securityHeaders);
  const idle = options.idleScavenges ? processIdleCollector((seconds) => metrics.observeIdleScavenge(seconds)) : undefined;
  if (idle) app.use(workInHand(idle));
  // which of `npm start`'s workers answered (the tests check the routing by it)
  if (cluster.isWorker) {
    app.use((_req: Request, res: Response, next: NextFunction) => {
      res.setHeader(WORKER_HEADER, String(process.pid));
      next();
    });
  }

  const validators: Validator<unknown>[] = [];
  // a role refusal's history entry is a write: it waits in the writes' queue (role-refusals.ts)
  const keepRefusal = refusalsInTurn(admission, stratum.runtime, logger);
  const byPath = new Map<string, Operation[]>();
  for (const op of OPERATIONS) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  for (const [path, ops] of byPath) {
    const route = app.route(expressPath(path));
    for (const op of ops) {
      const handler = handlers[op.id];
      if (!handler) throw new Error(`createApp: no handler for operation ${op.id}`);
      route[op.method](...pipeline(op, handler, users, bodyBytes, queueOf(op, admission, analyses), options.routeHints ?? false, validators, keepRefusal));
    }
    const allowed = allowedMethods(ops.map((op) => op.method));
    // OPTIONS asks what the path allows (public: a CORS preflight carries no token); any other method is not allowed
    route.all((req: Request, res: Response, next: NextFunction) => {
      res.locals.route = path;
      if (req.method === 'OPTIONS') {
        res.setHeader('Allow', allowed.join(', '));
        res.status(204).end();
        return;
      }
      next(new HttpProblem(405, `${path} allows ${allowed.join(', ')}.`, { allow: allowed }, { Allow: allowed.join(', ') }));
    });
  }

  const modelerDir = options.modelerDir === undefined ? defaultModelerDir() : options.modelerDir;
  const docsDir = options.docsDir === undefined ? defaultDocsDir() : options.docsDir;
  if (docsDir) serveDocs(app, docsDir);
  if (modelerDir) serveModeler(app, modelerDir);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpProblem(404, `There is no ${req.method} ${req.path.slice(0, 200)}.`));
  });
  app.use(errorHandler(logger));
  // each validator compiles at its first request; this compiles the others once the server listens
  const compileValidators = () => compileInTurns(validators);
  return { app, metrics, admission, dispose: stopWatching, compileValidators };
}

// helpers

type Middleware = (req: Request, res: Response, next: NextFunction) => void;
type ErrorMiddleware = (error: unknown, req: Request, res: Response, next: NextFunction) => void;

/**
 * The admission queue a request waits in: a write's (every method but GET: POST, PUT, PATCH and DELETE alike), or the
 * analyses' for a what-if replay; none for a read, a long poll (idle workers must not hold the turns of writes)
 * or a search (a POST that only reads).
 */
function queueOf(op: Operation, writes: AdmissionQueue, analyses: AdmissionQueue): AdmissionQueue | null {
  if (op.analysis) return analyses;
  return takesWriteTurn(op) ? writes : null;
}

/** Express middleware for one operation, in the order the checks must happen. */
function pipeline(
  op: Operation, handler: Handler | StagedHandler, users: UserDirectory, bodyBytes: number, admission: AdmissionQueue | null, routeHintsOn: boolean,
  validators: Validator<unknown>[], keepRefusal: KeepRefusal,
): (Middleware | ErrorMiddleware)[] {
  const produces = acceptableTypes(op);
  const steps: Middleware[] = [
    (req, res, next) => {
      res.locals.route = op.path;
      // before the token check and the body: an answer the client cannot take must not be worked for
      assertAcceptable(req, produces);
      next();
    },
  ];
  if (op.access.kind !== 'public') steps.push(authenticate(users));
  if (op.access.kind === 'group') steps.push(requireGroup(op.access.group));
  if (op.access.kind === 'any-group') steps.push(requireAnyGroup(op.access.groups));

  const schemas = requestSchemasOf(op);
  const checkParams = schemas.path && validator<Record<string, unknown>>(schemas.path, 'path');
  const checkQuery = schemas.query && validator<Record<string, unknown>>(schemas.query, 'query');
  const checkHeaders = schemas.header && validator<Record<string, string>>(schemas.header, 'header');
  const checkBody = schemas.body && validator<unknown>(schemas.body, 'body', op.invalidBodyStatus);
  const headerNames = Object.keys(op.headers ?? {});
  for (const check of [checkParams, checkQuery, checkHeaders, checkBody]) if (check) validators.push(check);
  const readRaw = express.raw({ type: () => true, limit: bodyBytes });

  steps.push((req, res, next) => {
    void (async () => {
      const params = checkParams ? checkParams({ ...req.params }) : {};
      const query = checkQuery ? checkQuery({ ...(req.query as Record<string, unknown>) }) : {};
      const headers: Record<string, string | undefined> = {};
      for (const name of headerNames) {
        // Node joins a repeated header with ", ": `Idempotency-Key: a` twice would be read as the key "a, a"
        const sent = req.headersDistinct[name.toLowerCase()]?.length ?? 0;
        if (op.headers![name].single && sent > 1) {
          throw new HttpProblem(400, `Send one ${name} header; this request has ${sent}.`, { errors: [{ field: `header.${name.toLowerCase()}`, message: `is sent ${sent} times; send it once` }] });
        }
        headers[name.toLowerCase()] = req.get(name);
      }
      if (checkHeaders) checkHeaders(Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)));

      let body: unknown = undefined;
      if (op.body?.kind === 'json') {
        // a body the reader or the schema refuses stays at hand for the refusal's history entry (role-refusals.ts)
        const sent = await readJsonBody(req, res, readRaw, op.body.required).catch((error: unknown) => {
          if (error instanceof RefusedJsonText) res.locals.refusedBody = error.parsed;
          throw error;
        });
        res.locals.refusedBody = sent;
        body = checkBody!(sent);
        res.locals.refusedBody = undefined;
      } else if (op.body?.kind === 'deployment') {
        // read before a turn as a JSON body is: a slow upload must not hold a write's turn
        body = await readDeployment(req, res, bodyBytes, query);
      } else if (!op.body && op.method === 'post' && hasBody(req)) {
        throw new HttpProblem(415, `${op.method.toUpperCase()} ${op.path} takes no body.`);
      }
      const user = res.locals.user as User | undefined;
      const input = { body, query, params, headers, user: user && { ...user, via: routeOf(op.path) }, req };
      // a write takes its turn only once its body is read: a slow client cannot hold a turn,
      // and its wait for a turn counts from its arrival, reading included
      const reply = await answer(handler, input, admission, res.locals.arrivedAt as number);
      if (routeHintsOn) {
        const hints = reply.orders ? formatRouteHints(reply.orders) : reply.json !== undefined ? routeHints(reply.json) : undefined;
        if (hints) res.setHeader(ROUTES_HEADER, hints);
      }
      send(res, reply);
    })().catch(next);
  });
  // a 403 (the role check's, or a handler's) on a task or job route is kept in its history, as is a body the schema
  // refuses for setting an order field; a role refusal of a change, cancel, incident retry or message in the history
  // of the order or instance it names (role-refusals.ts)
  // a body the reader refuses (a key written twice) still names its order: a caller cannot leave no trace by one
  const readRefusedBody = (req: Request, res: Response) => readJsonBody(req, res, readRaw, true).catch((error: unknown) => {
    if (error instanceof RefusedJsonText) return error.parsed;
    throw error;
  });
  const keepRefusals = recordRoleRefusals(op, keepRefusal, checkParams ?? (() => undefined), readRefusedBody);
  return keepRefusals ? [...steps, keepRefusals] : steps;
}

/** Counts the requests in hand for the idle collector; a long poll only waits, so it is not work in hand. */
function workInHand(idle: IdleCollector): Middleware {
  const longPolls = new Set(OPERATIONS.filter((op) => op.longPoll).map((op) => op.path));
  return (req, res, next) => {
    if (!longPolls.has(req.path)) res.once('close', idle.begin());
    next();
  };
}

/** The handler's reply, in a turn of `admission` when it has one (a staged handler's preparation before it). */
async function answer(handler: Handler | StagedHandler, input: Input, admission: AdmissionQueue | null, arrivedAt: number): Promise<Reply> {
  if (typeof handler === 'function') return admission ? admission.run(() => handler(input), arrivedAt) : handler(input);
  const began = performance.now();
  const prepared = await handler.beforeTurn(input);
  // the wait for a turn counts from the arrival, but not the server's own work before it
  const askedAt = arrivedAt + (performance.now() - began);
  return admission ? admission.run(() => handler.inTurn(input, prepared), askedAt) : handler.inTurn(input, prepared);
}

async function readJsonBody(req: Request, res: Response, readRaw: express.RequestHandler, required: boolean): Promise<unknown> {
  if (!hasBody(req)) {
    if (required) throw new HttpProblem(400, 'This call needs a JSON body (Content-Type: application/json).');
    return {};
  }
  if (!isJsonContentType(req)) {
    throw new HttpProblem(415, `Send the body as application/json, not ${(req.get('content-type') ?? 'no content type').slice(0, 100)}.`);
  }
  assertUtf8Charset(req);
  await new Promise<void>((resolve, reject) => readRaw(req, res, (error?: unknown) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve())));
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (bytes.length === 0) {
    if (required) throw new HttpProblem(400, 'This call needs a JSON body.');
    return {};
  }
  return parseJson(decodeUtf8(bytes, 'body'));
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.status(reply.status);
  if (reply.json !== undefined) {
    res.type('application/json').send(JSON.stringify(reply.json));
  } else if (reply.bytes !== undefined && reply.exactContentType) {
    res.setHeader('Content-Type', reply.contentType ?? 'application/octet-stream');
    res.end(Buffer.from(reply.bytes));
  } else if (reply.bytes !== undefined) {
    res.type(reply.contentType ?? 'application/octet-stream').send(Buffer.from(reply.bytes));
  } else if (reply.text !== undefined) {
    res.type(reply.contentType ?? 'text/plain').send(reply.text);
  } else {
    res.end();
  }
}

/**
 * API answers are current state and may name customers: no caching, no content sniffing. No answer may be framed
 * (a page of another site laying the task list's approve button under its own), nor hand its address (a task's
 * id in the task list's) to another site. An API answer is data: opened in a tab (a deployed .bpmn is XML, which
 * a browser renders, with any XHTML script a file from another tool holds), nothing in it runs or loads.
 */
const securityHeaders: Middleware = (req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  if (!res.locals.static && (isApiPath(req.path) || req.path === '/healthz' || req.path === '/metrics')) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', API_ANSWER_POLICY);
  }
  next();
};

/** One JSON log line per request (no tokens, no bodies) and the HTTP metrics. */
function requestLogging(logger: Logger, metrics: Metrics): Middleware {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.locals.arrivedAt = performance.now();
    const offered = req.get('x-request-id');
    const requestId = requestIdOf(offered);
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals.route as string | undefined) ?? (res.locals.static ? 'static' : 'unmatched');
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
      const user = res.locals.user as User | undefined;
      logger.info(
        { requestId, method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10, user: user?.name },
        'request',
      );
    });
    next();
  };
}

function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    const found = toHttpProblem(fromExpressError(error));
    if (found.status >= 500 && !(error instanceof HttpProblem)) {
      logger.error({ requestId: res.locals.requestId, route: res.locals.route, err: error }, 'request failed');
    }
    const problem = isCamunda7Path(req.path) ? asCamunda7Problem(found) : found;
    sendProblem(res, problem, req.originalUrl.length <= 500 ? req.originalUrl : undefined);
  };
}

/** Errors from body-parser, multer and the router carry their own codes. */
function fromExpressError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof HttpProblem) return error;
  const e = error as { type?: string; code?: string; status?: number; name?: string; message?: string; expose?: boolean };
  if (e.name === 'MulterError') {
    const tooLarge = ['LIMIT_FILE_SIZE', 'LIMIT_FILE_COUNT', 'LIMIT_PART_COUNT', 'LIMIT_FIELD_VALUE', 'LIMIT_FIELD_COUNT', 'LIMIT_FIELD_KEY'];
    return new HttpProblem(tooLarge.includes(e.code ?? '') ? 413 : 400, `The upload was refused: ${e.message}${e.code === 'LIMIT_UNEXPECTED_FILE' ? ' (files go in parts named "files")' : ''}.`);
  }
  switch (e.type) {
    case 'entity.too.large':
      return new HttpProblem(413, 'The body is larger than the server accepts.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, e.message ?? 'Unsupported encoding.');
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpProblem(400, 'The body was incomplete.');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpProblem(e.status, e.expose && e.message ? e.message.slice(0, 300) : 'The request was refused.');
  }
  // busboy reports malformed multipart as plain errors
  if (e.message && /^(Malformed|Unexpected end of form|Multipart: Boundary not found)/i.test(e.message)) {
    return new HttpProblem(400, `The multipart body is malformed: ${e.message}`);
  }
  return error;
}

function defaultModelerDir(): string | null {
  const dir = resolve('dist/modeler');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

function defaultDocsDir(): string | null {
  const dir = resolve('docs');
  return existsSync(join(dir, 'validation.md')) ? dir : null;
}

/**
 * The guides (docs/*.md) read-only at /docs/, so the documentation links of the modeler's lint findings
 * (`/docs/validation.md#feel-condition-syntax-error`) lead to their section, also offline: as an HTML page to a
 * browser (guides/guide-pages.ts), as the Markdown in plain text to anyone else; docs/images as they are.
 */
function serveDocs(app: Express, dir: string): void {
  const mark: Middleware = (_req, res, next) => {
    res.locals.static = true;
    next();
  };
  const guides = express.static(dir, {
    index: false,
    dotfiles: 'ignore',
    redirect: false,
    setHeaders: (res, path) => {
      if (path.endsWith('.md')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    },
  });
  app.use('/docs', mark, guidePages(dir), guides);
}

/** Static files of the modeler, tasks.html for /tasks, and index.html for other page GETs outside the API (client-side routes). */
function serveModeler(app: Express, dir: string): void {
  const mark: Middleware = (req, res, next) => {
    res.locals.static = true;
    // a miss under the API roots goes on to its 404 problem, which keeps the API's policy
    if (!isApiPath(req.path)) res.setHeader('Content-Security-Policy', MODELER_PAGE_POLICY);
    next();
  };
  app.use(mark, express.static(dir, { index: 'index.html', fallthrough: true }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    // a path with a file extension is a missing asset, not a page of the modeler
    const isPage =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !isApiPath(req.path) &&
      !/\.[A-Za-z0-9]+$/.test(req.path) &&
      req.accepts('html') === 'html';
    if (!isPage) return next();
    const page = req.path === '/tasks' ? 'tasks.html' : 'index.html';
    res.sendFile(join(dir, page), (error) => (error ? next(error) : undefined));
  });
}
