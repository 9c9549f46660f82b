// Routing each order's requests to one worker (STRATUM_ROUTING=order), so that
// the engines of its instances stay warm in that worker's cache. The primary
// process listens on the public port and proxies every request to a worker's
// private loopback port; a request that names an order — its order number in
// the path, the body or `businessKey=`, or a task, job or instance of it — goes
// to the worker the order hashes to (rendezvous hashing over the live workers,
// so a worker's death moves only its own orders). The Camunda 7 and 8 routes
// are read the same way: an external task's or job's id in the path, the
// business key (or correlation key, or businessId) in the body. Task and job
// ids start with their instance's id, and an instance's order is learnt from
// the answers workers give: a worker names, in the `stratum-routes` header, the
// order of each instance its answer lists (tasks, jobs, instances, locked
// external tasks, activated jobs). Incident ids are random, so a retry (or a
// Camunda 8 resolution) names its order only through the incident: the answers
// that list incidents or give one name each incident's order the same way.
// Routing is only an optimisation: every worker can serve every request, steps
// still commit under their revision check, and a request whose order is
// unknown goes to the next worker in turn.
import { createHash } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AcceptDrain } from './http/accept-drain.js';
import { DEFAULT_ADMISSION, type AdmissionLimits } from './http/admission.js';
import type { HttpTimeouts } from './http/client-errors.js';
import { guardConnections, serverOptions } from './http/client-errors.js';
import { withoutByteOrderMark } from './http/json-body.js';
import { answeredOtherMethod, sendProblem } from './http/plain-answers.js';
import { logRouterAnswer, pathPattern, type RequestLogger } from './http/request-log.js';
import { PRIMARY_HEADER } from './http/primary-health.js';
import { WorkerWriteGate, type RouterAdmission } from './http/router-admission.js';
import { STOP_DRAIN_MS, StoppingGate } from './http/stopping-gate.js';
import { OPERATIONS, takesWriteTurn } from './operations.js';
import { HttpProblem } from './problem.js';

/**
 * Internal header from a worker to the primary: `instanceId=businessKey` and `incident:incidentId=businessKey`
 * pairs, comma-separated (ids and keys URI-encoded; instance ids are UUIDs, never `incident:…`).
 */
export const ROUTES_HEADER = 'stratum-routes';
/** Names the worker process that answered (its pid): set by every cluster worker (app.ts). */
export const WORKER_HEADER = 'stratum-worker';

const MAX_HINTS = 100;
/** Instances and incidents whose order the primary remembers (least recently learnt dropped first). */
const MAX_KNOWN_INSTANCES = 100_000;

/** An instance and the order (business key) it belongs to, as a worker tells the router. */
interface InstanceOrder {
  instanceId: string;
  businessKey: string | null;
}

/** An incident and the order (business key) of its instance. */
interface IncidentOrder {
  incidentId: string;
  businessKey: string | null;
}

export type RouteHint = InstanceOrder | IncidentOrder;

/** What the router looks an incident's order up by (beside instance ids, in one map). */
const incidentKey = (incidentId: string) => `incident:${incidentId}`;

/** The `stratum-routes` value naming the order of each instance or incident (those without one left out), or undefined. */
export function formatRouteHints(hints: Iterable<RouteHint>): string | undefined {
  const pairs = new Map<string, string>();
  for (const hint of hints) {
    if (pairs.size >= MAX_HINTS) break;
    if (!hint.businessKey) continue;
    // the colon stays as it is (an encoded id has none): the router reads the pair as an incident's
    if ('incidentId' in hint) pairs.set(incidentKey(encodeURIComponent(hint.incidentId)), hint.businessKey);
    else pairs.set(encodeURIComponent(hint.instanceId), hint.businessKey);
  }
  if (!pairs.size) return undefined;
  return [...pairs].map(([id, key]) => `${id}=${encodeURIComponent(key)}`).join(',');
}

/**
 * The hints of an answer that lists incidents (or gives one): each incident's order first, since its retry names
 * nothing else, then its instance's, as far as the header holds them.
 */
export function incidentRouteHints(incidents: readonly { id: string; instanceId: string; businessKey: string | null }[]): RouteHint[] {
  return [
    ...incidents.map(({ id, businessKey }) => ({ incidentId: id, businessKey })),
    ...incidents.map(({ instanceId, businessKey }) => ({ instanceId, businessKey })),
  ];
}

/** The `stratum-routes` value for a JSON answer: the order of each instance it lists, or undefined. */
export function routeHints(json: unknown): string | undefined {
  const pairs: InstanceOrder[] = [];
  const visit = (value: unknown, depth: number) => {
    if (pairs.length >= MAX_HINTS || depth > 2 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const entry of value) visit(entry, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const businessKey = record.businessKey;
    if (typeof businessKey === 'string' && businessKey) {
      if (typeof record.instanceId === 'string') pairs.push({ instanceId: record.instanceId, businessKey });
      // an instance view: its own id and its children's
      else if (typeof record.id === 'string' && 'status' in record) pairs.push({ instanceId: record.id, businessKey });
      if (Array.isArray(record.children)) {
        for (const child of record.children as unknown[]) {
          const id = (child as Record<string, unknown> | null)?.id;
          if (typeof id === 'string') pairs.push({ instanceId: id, businessKey });
        }
      }
    }
    for (const field of ['items', 'data', 'tasks', 'jobs', 'instances']) if (Array.isArray(record[field])) visit(record[field], depth + 1);
  };
  visit(json, 0);
  return formatRouteHints(pairs);
}

/** The pairs of a `stratum-routes` value: an instance id, or `incident:` and an incident id, and its order. */
export function parseRouteHints(header: string): [idKey: string, businessKey: string][] {
  const pairs: [string, string][] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    try {
      pairs.push([decodeURIComponent(part.slice(0, at)), decodeURIComponent(part.slice(at + 1))]);
    } catch {
      // a malformed pair is skipped
    }
  }
  return pairs;
}

/** Writes whose body names the order, and the field that does. */
const BODY_KEY_FIELDS = new Map([
  ['/api/orders', 'orderNo'],
  ['/api/messages', 'businessKey'],
  ['/engine-rest/message', 'businessKey'],
  ['/v2/messages/publication', 'correlationKey'],
  ['/v2/process-instances', 'businessId'],
]);

function bodyKeyField(method: string, segments: readonly string[], path: string): string | undefined {
  if (method !== 'POST') return undefined;
  // POST /api/processes/{key}/instances {businessKey}
  if (segments.length === 5 && segments[1] === 'api' && segments[2] === 'processes' && segments[4] === 'instances') return 'businessKey';
  return BODY_KEY_FIELDS.get(path);
}

/**
 * The task or job a path names: /api/tasks/{id}/…, /api/jobs/{id}/…, /engine-rest/external-task/{id}/… and
 * /engine-rest/task/{id}/… (Camunda 7), /v2/jobs/{jobKey}/… and /v2/user-tasks/{userTaskKey}/… (Camunda 8).
 */
function waitIdSegment(segments: readonly string[]): string | undefined {
  const [, root, resource, id] = segments;
  if (root === 'api' && (resource === 'tasks' || resource === 'jobs')) return id;
  if (root === 'engine-rest' && (resource === 'external-task' || resource === 'task')) return id;
  if (root === 'v2' && (resource === 'jobs' || resource === 'user-tasks')) return id;
  return undefined;
}

/**
 * The instance a path names: /api/instances/{id}/…, Camunda 8's /v2/process-instances/{processInstanceKey}/… and
 * Camunda 7's DELETE /engine-rest/process-instance/{id} (Stratum serves no other method there).
 */
function instanceIdSegment(method: string, segments: readonly string[]): string | undefined {
  const [, root, resource, id] = segments;
  if (root === 'api' && resource === 'instances') return id;
  if (root === 'v2' && resource === 'process-instances') return id;
  if (root === 'engine-rest' && resource === 'process-instance' && method === 'DELETE' && segments.length === 4) return id;
  return undefined;
}

/** The incident a path names: /api/incidents/{id}(/retry) and Camunda 8's /v2/incidents/{incidentKey}(/resolution). */
function incidentIdSegment(segments: readonly string[]): string | undefined {
  const [, root, resource, id] = segments;
  return (root === 'api' || root === 'v2') && resource === 'incidents' ? id : undefined;
}

/**
 * The routing key of a request: `order:<number>` when the request names an
 * order (directly, or through an instance or incident whose order is known),
 * `instance:<id>` for an instance whose order is not known, undefined for
 * anything else (an incident whose order is not known among them: its id says
 * nothing of its instance). `orderOf` looks up an instance id, or `incident:`
 * and an incident id, as parseRouteHints gives them.
 */
export function routeKeyOf(method: string, url: string, orderOf: (idKey: string) => string | undefined, body?: Buffer): string | undefined {
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  const segments = path.split('/');
  const decode = (segment: string | undefined) => {
    if (!segment) return undefined;
    try {
      return decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  };
  if (segments[1] === 'api' && segments[2] === 'orders') {
    const orderNo = decode(segments[3]);
    if (orderNo) return `order:${orderNo}`;
  }
  // a task's or job's id is `<instance id>:…` (fetch-and-lock, fetchAndLock and activation have no colon)
  const waitId = decode(waitIdSegment(segments));
  const instanceId = waitId?.includes(':') ? waitId.slice(0, waitId.indexOf(':')) : decode(instanceIdSegment(method, segments));
  if (instanceId) {
    const order = orderOf(instanceId);
    return order === undefined ? `instance:${instanceId}` : `order:${order}`;
  }
  const incidentId = decode(incidentIdSegment(segments));
  const incidentOrder = incidentId && orderOf(incidentKey(incidentId));
  if (incidentOrder) return `order:${incidentOrder}`;
  const field = bodyKeyField(method, segments, path);
  if (field && body?.length) {
    try {
      const parsed = JSON.parse(withoutByteOrderMark(body.toString('utf8'))) as Record<string, unknown> | null;
      const value = parsed?.[field];
      if (typeof value === 'string' && value) return `order:${value}`;
    } catch {
      // the worker answers the bad body
    }
  }
  if (question >= 0) {
    const businessKey = new URLSearchParams(url.slice(question + 1)).get('businessKey');
    if (businessKey) return `order:${businessKey}`;
  }
  return undefined;
}

/** Rendezvous (highest random weight) hashing: the same key picks the same worker while it lives. */
export function chooseWorker(key: string, workers: readonly number[]): number | undefined {
  let best: number | undefined;
  let bestWeight = -1n;
  for (const worker of workers) {
    const weight = createHash('sha1').update(`${worker}\0${key}`).digest().readBigUInt64BE(0);
    if (weight > bestWeight) {
      bestWeight = weight;
      best = worker;
    }
  }
  return best;
}

interface Target {
  port: number;
  agent: Agent;
  writes: WorkerWriteGate;
}

/**
 * The operations with a write method that take no write's turn in a worker (long polls, searches, analyses:
 * takesWriteTurn), by method and path pattern: the router leaves them out of its bound as the worker does.
 */
const UNQUEUED_WRITES = OPERATIONS.filter((op) => op.method !== 'get' && !takesWriteTurn(op))
  .map((op) => ({ method: op.method.toUpperCase(), path: pathPattern(op.path) }));
/** The methods of the operations that take a write's turn (POST, PUT, PATCH, DELETE). */
const WRITE_METHODS = new Set(OPERATIONS.filter(takesWriteTurn).map((op) => op.method.toUpperCase()));


/** A write a worker admits through its queue (takesWriteTurn): the router bounds them too. */
function isAdmittedWrite(method: string, url: string): boolean {
  if (!WRITE_METHODS.has(method)) return false;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return !UNQUEUED_WRITES.some((op) => op.method === method && op.path.test(path));
}

export interface OrderRouterOptions {
  timeouts: HttpTimeouts;
  /** Bytes of a body the router reads to find the order (the worker enforces its own limit). */
  bodyLimit: number;
  /** The workers' write admission limits: the router holds at most running + queued writes at each worker. */
  admission?: AdmissionLimits;
  /** Answers GET and HEAD /healthz in the primary itself (primary-health.ts) instead of a worker. */
  healthz?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Answers GET and HEAD /metrics in the primary itself: every worker's, merged (primary-metrics.ts). */
  metrics?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Logs the answers the router gives itself (request-log.ts); the workers log the rest. */
  logger?: RequestLogger;
}

export interface OrderRouter {
  /** A worker listens on `port` (a private loopback port), under a slot that keeps its place in the hashing. */
  add(slot: number, port: number): void;
  /** The worker of `slot` is gone: its orders go to the others. */
  remove(slot: number): void;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
  /** The writes held at each worker and those the router refused itself: read by the primary's /metrics. */
  admission: () => RouterAdmission;
}

/** The primary's proxy. */
export function createOrderRouter({ timeouts, bodyLimit, admission = DEFAULT_ADMISSION, healthz, metrics, logger }: OrderRouterOptions): OrderRouter {
  // when each request arrived, for the line of an answer the router gives itself
  const arrivals = new WeakMap<IncomingMessage, number>();
  const answerHere = (req: IncomingMessage, res: ServerResponse, stopping = false) => {
    if (logger) logRouterAnswer(logger, req, res, arrivals.get(req) ?? performance.now(), stopping);
  };
  const targets = new Map<number, Target>();
  const orders = new Map<string, string>();
  let turn = 0;
  // stopping (SIGTERM): the gate refuses new requests; those under way are answered, each closing its connection
  let closing = false;
  // refusals of the gates of workers gone or replaced: the total on /metrics never goes down
  let retiredRefusals = 0;
  const drop = (slot: number) => {
    const target = targets.get(slot);
    if (!target) return;
    target.agent.destroy();
    retiredRefusals += target.writes.refused;
    targets.delete(slot);
  };
  const learn = (header: string | string[] | undefined) => {
    if (typeof header !== 'string') return;
    for (const [id, order] of parseRouteHints(header)) {
      orders.delete(id);
      orders.set(id, order);
      if (orders.size > MAX_KNOWN_INSTANCES) orders.delete(orders.keys().next().value!);
    }
  };
  const pick = (key: string | undefined, avoid: ReadonlySet<number>): number | undefined => {
    const slots = [...targets.keys()].filter((slot) => !avoid.has(slot)).sort((a, b) => a - b);
    if (!slots.length) return undefined;
    if (key !== undefined) return chooseWorker(key, slots);
    return slots[turn++ % slots.length];
  };

  /** `body`: the whole body, read here (a refused request can go to another worker); else `prefix` and the rest streamed. */
  const forward = (req: IncomingMessage, res: ServerResponse, key: string | undefined, body: Buffer | null, prefix: Buffer, avoid: Set<number>) => {
    // stopping, it goes on all the same: the gate let it in before the stop (its body may have come after)
    const slot = pick(key, avoid);
    const target = slot === undefined ? undefined : targets.get(slot);
    if (slot === undefined || !target) {
      answerHere(req, res);
      sendProblem(res, new HttpProblem(503, 'No server process is available; try again.', {}, { 'Retry-After': '1' }), req.url ?? '/');
      return;
    }
    // a write beyond what the worker admits is refused here, at once, as the worker would refuse it
    const entry = isAdmittedWrite(req.method ?? 'GET', req.url ?? '/') ? target.writes.enter() : undefined;
    if (entry && 'refusal' in entry) {
      answerHere(req, res);
      sendProblem(res, entry.refusal, req.url ?? '/');
      return;
    }
    const upstream = httpRequest({
      host: '127.0.0.1', port: target.port, method: req.method, path: req.url, agent: target.agent,
      headers: { ...withoutHopByHop(req.headers), ...repeatedHeaders(req), 'x-forwarded-for': req.socket.remoteAddress ?? '' },
    });
    let answered = false;
    upstream.on('response', (answer) => {
      answered = true;
      entry?.leave();
      learn(answer.headers[ROUTES_HEADER]);
      const headers = withoutHopByHop(answer.headers);
      delete headers[ROUTES_HEADER];
      // the client's kept-alive connection ends with this answer: the router takes no request after it
      if (closing) res.shouldKeepAlive = false;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      entry?.leave();
      if (answered) {
        res.destroy();
        return;
      }
      // refused: the worker is gone and never saw the request, so another one may serve it
      // (a read is safe to send again whatever happened to it)
      const retry = error.code === 'ECONNREFUSED' || req.method === 'GET' || req.method === 'HEAD';
      if (retry && body !== null && avoid.size < targets.size) {
        avoid.add(slot);
        forward(req, res, key, body, prefix, avoid);
        return;
      }
      // no worker took it (each refused the connection): never served, so a plain "try again"
      if (!res.headersSent && error.code === 'ECONNREFUSED') {
        answerHere(req, res);
        sendProblem(res, new HttpProblem(503, 'No server process is available; try again.', {}, { 'Retry-After': '1' }), req.url ?? '/');
        return;
      }
      // it may have been served (a worker killed mid-request): the client's retry (an orderNo, an Idempotency-Key) decides
      if (!res.headersSent) answerHere(req, res);
      if (!res.headersSent) sendProblem(res, new HttpProblem(502, 'The server process handling the request stopped, perhaps after serving it; send it again: an order with the same orderNo and body, or a start with the same Idempotency-Key, is still one.'), req.url ?? '/');
      else res.destroy();
    });
    // however it ends (a destroyed request may end without an error)
    upstream.on('close', () => entry?.leave());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body !== null) {
      upstream.end(body);
    } else {
      upstream.write(prefix);
      req.pipe(upstream);
    }
  };

  // stopping, a request that arrives is refused (503) until those under way are answered and the accept queue is drained
  const stoppingGate = new StoppingGate();
  const acceptDrain = new AcceptDrain();
  // the 503s of the stop are the router's own answers too, told apart by `stopping: true`
  const proxied = stoppingGate.guard((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const orderOf = (id: string) => orders.get(id);
    // the body is read before choosing the worker (it may name the order; a refused request is sent again)
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > bodyLimit) {
        // too large to keep here: streamed to a worker, which refuses it (413)
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        forward(req, res, routeKeyOf(method, url, orderOf), null, Buffer.concat(chunks), new Set());
      }
    };
    const onEnd = () => {
      const body = Buffer.concat(chunks);
      forward(req, res, routeKeyOf(method, url, orderOf, body), body, body, new Set());
    };
    req.on('data', onData);
    req.on('end', onEnd);
  }, (req, res) => answerHere(req, res, true));
  const server: Server = createServer(serverOptions(timeouts), (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const probe = isPath(url, '/healthz') ? { path: '/healthz', answer: healthz } : isPath(url, '/metrics') ? { path: '/metrics', answer: metrics } : undefined;
    if (probe?.answer) {
      // a path the primary answers itself is the primary's for every method: OPTIONS and a 405 too, never a worker's
      req.resume();
      if (!answeredOtherMethod(res, method, probe.path, url, { [PRIMARY_HEADER]: String(process.pid) })) probe.answer(req, res);
      return;
    }
    if (logger) arrivals.set(req, performance.now());
    proxied(req, res);
  });
  guardConnections(server, timeouts);
  acceptDrain.watch(server);

  return {
    add(slot, port) {
      drop(slot);
      targets.set(slot, { port, agent: workerAgent(timeouts), writes: new WorkerWriteGate(admission) });
    },
    remove: drop,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog: 4096 }, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    // Stops taking requests, and resolves once every request under way is answered. The workers' connections are
    // left to the requests on them: destroying them here cut off the answers of requests the workers were
    // finishing (502, though an order had been created), and the workers answer waiting fetches [] as they stop.
    // The port closes last: the connections still in its accept queue are refused (503), not reset.
    close: async () => {
      closing = true;
      await stoppingGate.stop();
      await acceptDrain.drained(STOP_DRAIN_MS);
      await new Promise<void>((resolve) => {
        server.close(() => {
          for (const target of targets.values()) target.agent.destroy();
          resolve();
        });
        server.closeIdleConnections();
      });
    },
    admission: () => {
      const gates = [...targets].sort(([a], [b]) => a - b);
      return {
        inFlight: gates.map(([slot, { writes }]) => ({ slot, writes: writes.inFlight })),
        refused: gates.reduce((sum, [, { writes }]) => sum + writes.refused, retiredRefusals),
      };
    },
  };
}

/**
 * The router's connections to one worker. A kept-alive connection is closed here after half the worker's own
 * keep-alive timeout idle, so the router never sends a request on a connection the worker is closing: that
 * race reset the connection under the request, and a write (which may have been served, so is not sent again)
 * was answered 502 although the worker was well.
 */
function workerAgent(timeouts: HttpTimeouts): Agent {
  return new Agent({ keepAlive: true, maxSockets: 256, timeout: Math.max(1, Math.floor(timeouts.keepAliveTimeoutMs / 2)) });
}

/** `path` (`/healthz`, `/metrics`), with or without a query. */
function isPath(url: string, path: string): boolean {
  return url === path || url.startsWith(`${path}?`);
}

/** Headers about one connection, which the router's own connections replace. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];
/** Headers that frame the message, which Node's parser has already settled and the router's request sets again. */
const FRAMING = ['host', 'content-length', 'transfer-encoding'];

/**
 * Every header a request repeats, each value apart: req.headers keeps the first Authorization of two and joins two
 * Idempotency-Keys into one "a, b", where the worker refuses either when it sees them as sent.
 */
function repeatedHeaders(req: IncomingMessage): Record<string, string[]> {
  const repeated: Record<string, string[]> = {};
  for (const [name, sent] of Object.entries(req.headersDistinct)) {
    if (sent && sent.length > 1 && !HOP_BY_HOP.includes(name) && !FRAMING.includes(name)) repeated[name] = sent;
  }
  return repeated;
}

function withoutHopByHop(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}
