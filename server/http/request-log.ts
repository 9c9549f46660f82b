// The request log line: one per request, with the route's template (never the path, which may name an order),
// no tokens and no bodies. Workers write it from express (app.ts); the order router writes it for the answers it
// gives itself, which never reach a worker (a write refused at a worker's limit, no worker to take a request, a
// request that arrives while it stops), and a stopping server for the requests its gate refuses before express.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPERATIONS } from '../operations.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What the lines are written to (pino's logger in the server). */
export interface RequestLogger {
  info(fields: Record<string, unknown>, msg: string): void;
}

/** The caller's `X-Request-Id` when it is a plain token, else a new one. */
export function requestIdOf(offered: string | undefined): string {
  return offered && REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** `/v2/process-instances/{processInstanceKey}/incidents/search` → a pattern any one segment fills each parameter of. */
export function pathPattern(template: string): RegExp {
  const segments = template.split('/').map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

const ROUTES = OPERATIONS.map((op) => ({ method: op.method.toUpperCase(), template: op.path, pattern: pathPattern(op.path) }));

/** The template of the operation `method` and `url` name, as the workers' lines say it; `unmatched` for none. */
function routeOf(method: string, url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return ROUTES.find((route) => route.method === method && route.pattern.test(path))?.template ?? 'unmatched';
}

/** Logs the router's own answer to `req` once it is sent, as a worker's line (`answeredBy: router`); `arrivedAt` from performance.now(). */
export function logRouterAnswer(logger: RequestLogger, req: IncomingMessage, res: ServerResponse, arrivedAt: number, stopping = false): void {
  logAnswer(logger, req, res, arrivedAt, stopping ? { answeredBy: 'router', stopping: true } : { answeredBy: 'router' });
}

/** Told of an answer as the HTTP metrics count it (Metrics.observeRequest): method, route template, status, seconds. */
export type AnswerObserver = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Logs the 503 a stopping server's gate (stopping-gate.ts) answers `req` with, before express would see it:
 * `stopping: true`; and tells `observe`, so that it is counted in the HTTP metrics as every answer express gives is.
 */
export function logStopRefusal(logger: RequestLogger, req: IncomingMessage, res: ServerResponse, arrivedAt: number, observe?: AnswerObserver): void {
  logAnswer(logger, req, res, arrivedAt, { stopping: true }, observe);
}

// helpers

/** `req`'s line in the shape of app.ts's with `fields` beside, once its answer is sent; the answer carries its X-Request-Id as the API's do. */
function logAnswer(logger: RequestLogger, req: IncomingMessage, res: ServerResponse, arrivedAt: number, fields: Record<string, unknown>, observe?: AnswerObserver): void {
  const method = req.method ?? 'GET';
  const offered = req.headers['x-request-id'];
  const requestId = requestIdOf(typeof offered === 'string' ? offered : undefined);
  if (!res.headersSent) res.setHeader('X-Request-Id', requestId);
  res.on('finish', () => {
    const elapsedMs = performance.now() - arrivedAt;
    const route = routeOf(method, req.url ?? '/');
    observe?.(method, route, res.statusCode, elapsedMs / 1000);
    logger.info({ requestId, method, route, status: res.statusCode, durationMs: Math.round(elapsedMs * 10) / 10, ...fields }, 'request');
  });
}
