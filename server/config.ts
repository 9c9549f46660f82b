// Server configuration from the environment (see docs/api.md).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../engine/errors.js';
import { timeToLiveMs } from '../engine/runtime/time-to-live.js';
import { wholeNumberSetting } from '../engine/setting-number.js';
import { DEFAULT_BODY_LIMIT } from './app.js';
import { DEFAULT_ADMISSION, DEFAULT_POSTGRES_WRITE_CONCURRENCY, type AdmissionLimits } from './http/admission.js';
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http/client-errors.js';
import { DEFAULT_PRIMARY_PRIORITY } from './process-priority.js';

export interface ServerConfig {
  port: number;
  host: string;
  /** A management port serving only /healthz and /metrics, on `host` (STRATUM_HEALTH_PORT; none when unset; 0 picks a free one). */
  healthPort?: number;
  dataDir: string;
  databaseUrl?: string;
  /** Users file; undefined = demo mode with server/demo-users.json, loopback only. */
  usersFile?: string;
  demo: boolean;
  diagramsDir: string;
  bodyLimitBytes: number;
  logLevel: string;
  /** Time-to-live of a message that names none (STRATUM_MESSAGE_TTL); the engine's default (one hour) when absent. */
  messageTimeToLiveMs?: number;
  /** The exchange-rate table file; undefined = server/rates.sample.json (sample rates). */
  ratesFile?: string;
  /** The process POST /api/orders starts; it must declare zeebe:property takesOrders=true. */
  orderProcessKey: string;
  /** Write admission queue (default DEFAULT_ADMISSION). */
  admission?: AdmissionLimits;
  /** Deployments need a note (STRATUM_DEPLOY_NOTE=required|optional; default required outside demo mode). */
  requireDeploymentNote?: boolean;
  /** How long a client may take to send headers and a whole request, and keep an idle connection (default DEFAULT_HTTP_TIMEOUTS). */
  timeouts?: HttpTimeouts;
  /** Server processes `npm start` runs on this machine (STRATUM_WORKERS; default one per core). */
  workers?: number;
  /** With several workers, send each order's requests to one of them (STRATUM_ROUTING=order, the default, or off; server/routing.ts). */
  routing?: 'order' | 'off';
  /** With several workers, how many nice steps the primary runs ahead of them (STRATUM_PRIMARY_PRIORITY; default 5, 0 off; process-priority.ts). */
  primaryPriority?: number;
  /** Scavenge the young generation while idle (STRATUM_IDLE_GC=on, the default, or off; server/http/idle-collector.ts). */
  idleScavenges?: boolean;
  /** With several workers, how long the primary's /metrics waits for each worker's metrics (STRATUM_METRICS_TIMEOUT_MS; default 3000). */
  metricsTimeoutMs?: number;
  /** Webhook subscriptions kept as configuration (STRATUM_WEBHOOKS, docs/events.md). */
  webhooksFile?: string;
  /** Webhook receivers inside the network (loopback, private, link-local, metadata) allowed (STRATUM_WEBHOOKS_ALLOW_PRIVATE; default no). */
  webhooksAllowPrivate?: boolean;
  /** Delivered webhook rows are pruned after this many days (STRATUM_WEBHOOKS_RETENTION_DAYS; default 30; 0 keeps them). */
  webhooksRetentionDays?: number;
  /** A replaced webhook secret is signed with beside the new one this many hours (STRATUM_WEBHOOKS_SECRET_GRACE_HOURS; default 24; 0: none). */
  webhooksSecretGraceHours?: number;
  /** Dead letters are pruned this many days after they died (STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS; default 30; 0 keeps them). */
  webhooksDeadLetterRetentionDays?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const port = portOf(env, 'PORT') ?? 3000;
  const healthPort = portOf(env, 'STRATUM_HEALTH_PORT');
  const usersFile = nameOf(env, 'STRATUM_USERS', 'a users file, or leave it unset for demo mode');
  const demo = usersFile === undefined;
  const requestedHost = nameOf(env, 'HOST', 'an address to listen on') ?? (demo ? '127.0.0.1' : '0.0.0.0');
  if (demo && !LOOPBACK.has(requestedHost)) {
    throw new ConfigurationError('HOST', `HOST=${requestedHost} needs a users file: without STRATUM_USERS the server runs in demo mode and binds to loopback only`);
  }
  const workers = parseCount(env, 'STRATUM_WORKERS', availableParallelism(), 1);
  if (healthPort !== undefined && healthPort !== 0 && healthPort === port) throw new ConfigurationError('STRATUM_HEALTH_PORT', `STRATUM_HEALTH_PORT must differ from PORT (${port})`);
  const databaseUrl = nameOf(env, 'DATABASE_URL', 'a postgres:// URL, or leave it unset to use the SQLite file in STRATUM_DATA');
  const ratesFile = nameOf(env, 'STRATUM_RATES', 'the exchange-rate table, or leave it unset for the sample rates');
  const webhooksFile = nameOf(env, 'STRATUM_WEBHOOKS', 'a subscriptions file, or leave it unset');
  // read by the engine as each unassigned task is created: checked here, so a blank value stops the start instead
  nameOf(env, 'STRATUM_DEFAULT_TASK_GROUP', 'the group unassigned tasks are offered to, or leave it unset for task-users');
  return {
    port,
    host: requestedHost,
    ...(healthPort !== undefined && { healthPort }),
    dataDir: nameOf(env, 'STRATUM_DATA', 'the folder of the SQLite file, or leave it unset for ./data') ?? './data',
    ...(databaseUrl !== undefined && { databaseUrl }),
    ...(usersFile !== undefined && { usersFile }),
    demo,
    diagramsDir: nameOf(env, 'STRATUM_DIAGRAMS', 'the folder of the diagrams deployed at start (one that does not exist deploys nothing), or leave it unset for diagrams') ?? 'diagrams',
    requireDeploymentNote: deploymentNote(env.STRATUM_DEPLOY_NOTE, demo),
    bodyLimitBytes: parseSize(env.STRATUM_BODY_LIMIT, DEFAULT_BODY_LIMIT),
    logLevel: logLevelOf(env),
    ...(!isBlank(env.STRATUM_MESSAGE_TTL) && { messageTimeToLiveMs: messageTimeToLive(env.STRATUM_MESSAGE_TTL!) }),
    ...(ratesFile !== undefined && { ratesFile }),
    ...(webhooksFile !== undefined && { webhooksFile }),
    ...(flag(env, 'STRATUM_WEBHOOKS_ALLOW_PRIVATE') && { webhooksAllowPrivate: true }),
    ...(!isBlank(env.STRATUM_WEBHOOKS_RETENTION_DAYS) && { webhooksRetentionDays: parseCount(env, 'STRATUM_WEBHOOKS_RETENTION_DAYS', 30, 0) }),
    ...(!isBlank(env.STRATUM_WEBHOOKS_SECRET_GRACE_HOURS) && { webhooksSecretGraceHours: parseCount(env, 'STRATUM_WEBHOOKS_SECRET_GRACE_HOURS', 24, 0) }),
    ...(!isBlank(env.STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS) && {
      webhooksDeadLetterRetentionDays: parseCount(env, 'STRATUM_WEBHOOKS_DEAD_LETTER_RETENTION_DAYS', 30, 0),
    }),
    orderProcessKey: nameOf(env, 'STRATUM_ORDER_PROCESS', 'the process POST /api/orders starts, or leave it unset for order-to-cash') ?? 'order-to-cash',
    admission: {
      concurrency: parseCount(env, 'STRATUM_WRITE_CONCURRENCY', databaseUrl !== undefined ? DEFAULT_POSTGRES_WRITE_CONCURRENCY : DEFAULT_ADMISSION.concurrency, 1),
      queueLength: parseCount(env, 'STRATUM_WRITE_QUEUE', DEFAULT_ADMISSION.queueLength, 0),
      queueWaitMs: parseCount(env, 'STRATUM_WRITE_QUEUE_WAIT_MS', DEFAULT_ADMISSION.queueWaitMs, 1),
    },
    timeouts: readTimeouts(env),
    workers,
    routing: routingOf(env.STRATUM_ROUTING),
    primaryPriority: primaryPriorityOf(env),
    idleScavenges: onOrOff(env.STRATUM_IDLE_GC, 'STRATUM_IDLE_GC'),
    ...(!isBlank(env.STRATUM_METRICS_TIMEOUT_MS) && { metricsTimeoutMs: parseCount(env, 'STRATUM_METRICS_TIMEOUT_MS', 0, 1) }),
  };
}

/** A setting the others make do nothing: main.ts logs each as a warning at start (one line, naming it and why). */
export interface IdleSetting {
  variable: string;
  reason: string;
}

/**
 * Settings the others make do nothing, which the server neither refuses (a leftover of a move, or of a template
 * shared with other servers, harms nothing) nor lets pass unnoticed: the SQLite settings beside DATABASE_URL, which
 * selects PostgreSQL (a SQLite file in STRATUM_DATA is named, since its orders are not where this server reads and
 * writes), and the settings of a pool of workers where there is none, or no primary /metrics to wait for.
 */
export function idleSettings(env: NodeJS.ProcessEnv, config: Pick<ServerConfig, 'workers' | 'routing' | 'healthPort'>): IdleSetting[] {
  return [...idleSqliteSettings(env), ...idlePoolSettings(env, config)];
}

function idleSqliteSettings(env: NodeJS.ProcessEnv): IdleSetting[] {
  if (isBlank(env.DATABASE_URL)) return [];
  const idle: IdleSetting[] = [];
  const dataDir = env.STRATUM_DATA;
  if (dataDir !== undefined && !isBlank(dataDir)) {
    const file = join(dataDir, 'stratum.db');
    idle.push({
      variable: 'STRATUM_DATA',
      reason: existsSync(file)
        ? `STRATUM_DATA=${dataDir} is ignored: DATABASE_URL is set, so the store is PostgreSQL; the SQLite file ${file} there is neither read nor written, and what it holds is not in PostgreSQL`
        : `STRATUM_DATA=${dataDir} is ignored: DATABASE_URL is set, so the store is PostgreSQL, not a SQLite file in that folder`,
    });
  }
  const checkpoint = env.STRATUM_SQLITE_CHECKPOINT;
  if (checkpoint !== undefined && !isBlank(checkpoint)) {
    idle.push({
      variable: 'STRATUM_SQLITE_CHECKPOINT',
      reason: `STRATUM_SQLITE_CHECKPOINT=${checkpoint} is ignored: DATABASE_URL is set, so the store is PostgreSQL, which has no SQLite WAL to checkpoint`,
    });
  }
  return idle;
}

/**
 * STRATUM_ROUTING, STRATUM_METRICS_TIMEOUT_MS and STRATUM_PRIMARY_PRIORITY with one server process (no primary, no
 * workers to route to, wait for or run ahead of), and STRATUM_METRICS_TIMEOUT_MS where the primary serves no /metrics
 * (the cluster spreading connections, STRATUM_ROUTING=off, and no STRATUM_HEALTH_PORT: each worker answers its own).
 */
function idlePoolSettings(env: NodeJS.ProcessEnv, { workers, routing, healthPort }: Pick<ServerConfig, 'workers' | 'routing' | 'healthPort'>): IdleSetting[] {
  const routingText = env.STRATUM_ROUTING;
  const timeoutText = env.STRATUM_METRICS_TIMEOUT_MS;
  const routingSet = routingText !== undefined && !isBlank(routingText);
  const timeoutSet = timeoutText !== undefined && !isBlank(timeoutText);
  const priorityText = env.STRATUM_PRIMARY_PRIORITY;
  const prioritySet = priorityText !== undefined && !isBlank(priorityText);
  if ((workers ?? 1) === 1) {
    // unset, STRATUM_WORKERS is one per core: a machine of one core runs one server as surely
    const alone = isBlank(env.STRATUM_WORKERS)
      ? 'one server process serves every request itself (STRATUM_WORKERS is unset, one per core, and this machine has one core)'
      : 'one server process serves every request itself (STRATUM_WORKERS=1)';
    return [
      ...(routingSet ? [{ variable: 'STRATUM_ROUTING', reason: `STRATUM_ROUTING=${routingText} is ignored: ${alone}, with no workers to route requests to` }] : []),
      ...(timeoutSet ? [{ variable: 'STRATUM_METRICS_TIMEOUT_MS', reason: `STRATUM_METRICS_TIMEOUT_MS=${timeoutText} is ignored: ${alone}, and answers /metrics with its own, waiting for no worker's` }] : []),
      ...(prioritySet ? [{ variable: 'STRATUM_PRIMARY_PRIORITY', reason: `STRATUM_PRIMARY_PRIORITY=${priorityText} is ignored: ${alone}, with no primary to run ahead of workers` }] : []),
    ];
  }
  if (timeoutSet && routing === 'off' && healthPort === undefined) {
    return [{
      variable: 'STRATUM_METRICS_TIMEOUT_MS',
      reason: `STRATUM_METRICS_TIMEOUT_MS=${timeoutText} is ignored: with STRATUM_ROUTING=off and no STRATUM_HEALTH_PORT the primary serves no /metrics (each worker answers its own), so it waits for none`,
    }];
  }
  return [];
}

function readTimeouts(env: NodeJS.ProcessEnv): HttpTimeouts {
  const timeouts = {
    headersTimeoutMs: parseCount(env, 'STRATUM_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs, 1),
    requestTimeoutMs: parseCount(env, 'STRATUM_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs, 1),
    keepAliveTimeoutMs: parseCount(env, 'STRATUM_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.keepAliveTimeoutMs, 1),
  };
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    throw new ConfigurationError('STRATUM_HEADERS_TIMEOUT_MS', `STRATUM_HEADERS_TIMEOUT_MS (${timeouts.headersTimeoutMs}) must not exceed STRATUM_REQUEST_TIMEOUT_MS (${timeouts.requestTimeoutMs}): the headers are part of the request`);
  }
  return timeouts;
}

/** pino's levels: LOG_LEVEL names one of them. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LOG_LEVEL: one of pino's levels (default `info`); pino itself would throw a stack trace at `loud`. */
export function logLevelOf(env: NodeJS.ProcessEnv): string {
  const value = env.LOG_LEVEL?.trim();
  if (value === undefined || value === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigurationError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  return value;
}

/** A TCP port number in decimal digits from the environment (0: any free port), or undefined when unset. */
function portOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || isBlank(text)) return undefined;
  const port = wholeNumberSetting(text);
  if (!Number.isInteger(port) || port > 65535) throw new ConfigurationError(name, `${name} must be a port number, not ${text}`);
  return port;
}

/** STRATUM_PRIMARY_PRIORITY: nice steps, 0 to 19 (a larger gap than the whole range of nice values means nothing more). */
function primaryPriorityOf(env: NodeJS.ProcessEnv): number {
  const steps = parseCount(env, 'STRATUM_PRIMARY_PRIORITY', DEFAULT_PRIMARY_PRIORITY, 0);
  if (steps > 19) throw new ConfigurationError('STRATUM_PRIMARY_PRIORITY', `STRATUM_PRIMARY_PRIORITY must be a whole number from 0 to 19 (nice steps), not ${env.STRATUM_PRIMARY_PRIORITY}`);
  return steps;
}

/** A whole number in decimal digits of at least `min` from the environment, or `fallback` when unset. */
function parseCount(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || isBlank(text)) return fallback;
  const value = wholeNumberSetting(text);
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigurationError(name, `${name} must be a whole number of at least ${min}, not ${text}`);
  return value;
}

/**
 * A setting that names something (a file, folder, URL, address, group or process): undefined when unset; set but
 * blank, it stops the start naming the variable, as a blank value is a mistake (a template left unfilled), never
 * a choice the default should quietly stand in for.
 */
function nameOf(env: NodeJS.ProcessEnv, name: string, expected: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (isBlank(value)) throw new ConfigurationError(name, `${name} is set but blank: name ${expected}`);
  return value;
}

/** Unset, empty or only whitespace: for a number, a size, a duration or a word (on/off …) the default applies. */
function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}

/** `5242880`, `512kb`, `5mb` → bytes. */
export function parseSize(text: string | undefined, fallback: number): number {
  if (text === undefined || isBlank(text)) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!match) throw new ConfigurationError('STRATUM_BODY_LIMIT', `STRATUM_BODY_LIMIT must be a size like 5mb or 1048576, not ${text}`);
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 1024) throw new ConfigurationError('STRATUM_BODY_LIMIT', `STRATUM_BODY_LIMIT must be at least 1kb, not ${text}`);
  return bytes;
}

/** `3600000` or `PT1H` → ms, as a message's timeToLive. */
function messageTimeToLive(text: string): number {
  try {
    return timeToLiveMs(/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim(), 'STRATUM_MESSAGE_TTL');
  } catch (error) {
    throw new ConfigurationError('STRATUM_MESSAGE_TTL', (error as Error).message);
  }
}

/** A boolean variable: `1`/`true`, or `0`/`false` (and unset: false). */
function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  if (value === undefined || isBlank(value) || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigurationError(name, `${name} must be 1, true, 0 or false, not ${JSON.stringify(value)}`);
}

/** STRATUM_DEPLOY_NOTE: `required` or `optional`; unset, a note is required unless in demo mode. */
function deploymentNote(value: string | undefined, demo: boolean): boolean {
  if (value === undefined || isBlank(value)) return !demo;
  if (value === 'required') return true;
  if (value === 'optional') return false;
  throw new ConfigurationError('STRATUM_DEPLOY_NOTE', `STRATUM_DEPLOY_NOTE must be required or optional, not ${JSON.stringify(value)}`);
}

/** `on` (or unset) or `off`. */
function onOrOff(value: string | undefined, name: string): boolean {
  if (value === undefined || value.trim() === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigurationError(name, `${name} must be on or off, not ${JSON.stringify(value)}`);
}

/** STRATUM_ROUTING: `order` (default: a proxy in the primary sends each order's requests to one worker) or `off` (the cluster spreads connections). */
function routingOf(value: string | undefined): 'order' | 'off' {
  if (value === undefined || value.trim() === '' || value === 'order') return 'order';
  if (value === 'off') return 'off';
  throw new ConfigurationError('STRATUM_ROUTING', `STRATUM_ROUTING must be order or off, not ${JSON.stringify(value)}`);
}
