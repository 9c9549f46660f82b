// Entry point of `npm start`: configuration from the environment, one server
// process per core (STRATUM_WORKERS; workers.ts), graceful shutdown on
// SIGTERM/SIGINT. With several workers the primary serves the management port
// (STRATUM_HEALTH_PORT) for all of them, and, routed, /healthz and /metrics on
// the API port; its /metrics merges every worker's (primary-metrics.ts).
import cluster from 'node:cluster';
import { pino } from 'pino';
import { replicaOf } from '../engine/store/open.js';
import type { StoreReplica } from '../engine/store/types.js';
import { ConfigurationError, NewerStoreError } from '../engine/errors.js';
import { idleSettings, logLevelOf, readConfig, type ServerConfig } from './config.js';
import { startServer } from './start.js';
import { DEFAULT_HTTP_TIMEOUTS } from './http/client-errors.js';
import { startHealthThread, type HealthThread } from './http/health-thread.js';
import { primaryHealth } from './http/primary-health.js';
import { WorkerRoster } from './http/worker-roster.js';
import { poolMetrics, type PoolMetrics } from './primary-metrics.js';
import { applyWorkerNice, DEFAULT_PRIMARY_PRIORITY, prioritizePrimary, workerEnv, type PoolPriorities } from './process-priority.js';
import { createOrderRouter } from './routing.js';
import { sendHeartbeats } from './worker-heartbeat.js';
import { answerMetricsRequests } from './worker-metrics.js';
import { isReleaseWaiting, ROUTED_WORKER_ENV, startWorkers, STOPPED_WHILE_STARTING, WorkerStartFailed, type RoutedListening, type StopSignal } from './workers.js';

// Nothing logs tokens or variables; the redaction is a second line of defence.
// A LOG_LEVEL pino does not know would throw here, before anything could say so: main() refuses it in one line.
const logger = pino({
  level: safeLogLevel(),
  base: { service: 'stratum' },
  redact: { paths: ['authorization', '*.authorization', 'token', '*.token', 'variables', '*.variables'], censor: '[redacted]' },
});

async function main(): Promise<void> {
  const config = readConfig(process.env);
  // once, by the process the operator started (the primary, or one server alone): a setting that does nothing says so
  if (cluster.isPrimary) for (const { variable, reason } of idleSettings(process.env, config)) logger.warn({ variable }, reason);
  if (cluster.isPrimary && (config.workers ?? 1) > 1) {
    // before the management port's thread and the workers are made: both start at the primary's priority
    const priorities = prioritizePool(config.primaryPriority ?? DEFAULT_PRIMARY_PRIORITY);
    const byOrder = config.routing === 'order';
    // the workers' roster: what the primary's /healthz reads, on the management port and on the routed API port
    const roster = config.healthPort !== undefined || byOrder ? new WorkerRoster(config.workers!) : undefined;
    const apiHealth = byOrder ? primaryHealth(roster!, storeReplica(config)) : undefined;
    // /metrics of the whole pool, the workers' merged: on the management port, and routed on the API port
    const metrics = roster && poolMetrics(roster, config.workers!, config.metricsTimeoutMs);
    const router = byOrder
      ? createOrderRouter({
        timeouts: config.timeouts ?? DEFAULT_HTTP_TIMEOUTS, bodyLimit: config.bodyLimitBytes, admission: config.admission, healthz: apiHealth!.answer, metrics: metrics!.answer, logger,
      })
      : undefined;
    // the router's own refusals never reach a worker: its /metrics shows them beside the workers'
    if (router) metrics!.watchRouter(router.admission);
    const routing = router ? { router, port: config.port, host: config.host } : undefined;
    // listening before the first worker forks: a probe meanwhile is answered 503, naming the worker that starts
    const health = config.healthPort !== undefined ? await startManagementPort(config, roster!, metrics!) : undefined;
    const pool = startWorkers(config.workers!, logger, routing, roster, workerEnv(priorities));
    let stopping = false;
    const stop = (signal: StopSignal) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping the workers');
      // /healthz answers 503 from now on, on the management port and the routed API port, while the workers drain
      health?.stopping();
      apiHealth?.stopping();
      void pool.stop('SIGTERM').then(async (code) => {
        await Promise.all([health?.close(), apiHealth?.close()]);
        process.exit(code);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    await pool.ready;
    return;
  }
  if (cluster.isWorker) applyOwnNice();
  // A worker: SIGINT (a terminal's Ctrl-C) reaches the whole process group; the primary stops the workers.
  // A signal while the server starts (migrating, deploying, or waiting for a store that does not answer) ends
  // the start at once: the migration and each deployment run in one transaction, which the store rolls back
  // when the process's connection ends, so the store keeps what was committed and nothing half-done.
  // Once its port is open the server serves requests: a signal from then on is the graceful stop, which lets the
  // start finish (the management port's thread) and then closes, within the same 10 s bound.
  let listening = false;
  let stopping = false;
  const stop = (signal: StopSignal): void => {
    if (!listening) {
      logger.warn({ signal }, 'stopped while starting; the store keeps what was committed before');
      process.exit(STOPPED_WHILE_STARTING[signal]);
    }
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // `starting` is set by now (startServer reports the open port); a start that fails after it is main()'s to report
    void starting.then((server) => server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    ), () => undefined);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => (cluster.isWorker ? undefined : stop('SIGINT')));
  // behind the order router: a private loopback port of its own
  const routed = cluster.isWorker && process.env[ROUTED_WORKER_ENV] === '1';
  // a worker's management port is the primary's: it beats for the primary's /healthz instead (as it does behind
  // the order router, whose /healthz the primary answers)
  const { healthPort, ...shared } = config;
  const own: ServerConfig = cluster.isWorker ? shared : config;
  const starting = startServer({ config: routed ? { ...own, port: 0, host: '127.0.0.1' } : own, logger, routed, onListening: () => (listening = true) });
  const server = await starting;
  if (cluster.isWorker && (healthPort !== undefined || routed)) sendHeartbeats();
  // the primary's /metrics (a management port, or routed) asks each worker for its own
  answerMetricsRequests(server.metrics);
  if (routed) process.send?.({ type: 'stratum-listening', port: server.port } satisfies RoutedListening);
  // the primary stops: waiting fetches answer [] now, so the router's requests end before this worker is signalled
  if (routed) process.on('message', (message: unknown) => isReleaseWaiting(message) && server.stratum.workers.releaseWaiting());
}

/** The primary's priority and its workers' (process-priority.ts), logged; one the system refuses is logged, never fatal. */
function prioritizePool(gap: number): PoolPriorities | undefined {
  try {
    const priorities = prioritizePrimary(gap);
    logger.info({ primaryNice: priorities.primary, workersNice: priorities.workers, by: priorities.by }, 'primary priority');
    return priorities;
  } catch (error) {
    logger.warn({ err: error }, 'primary priority not set; the primary and its workers run at the priority they were started with');
    return undefined;
  }
}

/** A worker's priority, as the primary chose it (process-priority.ts); one the system refuses is logged, never fatal. */
function applyOwnNice(): void {
  try {
    applyWorkerNice(process.env);
  } catch (error) {
    logger.warn({ err: error }, 'worker priority not set; it runs at the primary\'s');
  }
}

/**
 * The primary's management port, in a thread of its own: the primary's event loop passes every connection of the
 * shared port to a worker (the cluster's round-robin), or proxies every request (the order router).
 */
async function startManagementPort(config: ServerConfig, roster: WorkerRoster, metrics: PoolMetrics): Promise<HealthThread> {
  const health = await startHealthThread({
    port: config.healthPort!,
    host: config.host,
    // the primary's main thread opens no store for it: the thread connects to the one the workers use
    replica: storeReplica(config),
    timeouts: config.timeouts ?? DEFAULT_HTTP_TIMEOUTS,
    checkHealth: () => Promise.reject(new Error('the primary has no store of its own')),
    metrics: metrics.scrape,
    roster,
    onFailure: (error) => logger.error({ err: error }, 'the management port (STRATUM_HEALTH_PORT) failed; its probes will fail'),
  });
  logger.info({ healthPort: health.port, host: config.host }, 'management port listening');
  return health;
}

/** How the primary reaches the store its workers open and migrate. */
function storeReplica(config: ServerConfig): StoreReplica {
  return replicaOf({ ...(config.databaseUrl !== undefined && { databaseUrl: config.databaseUrl }), dataDir: config.dataDir });
}

/** LOG_LEVEL, or `info` when it names no level (readConfig then stops the start, naming it). */
function safeLogLevel(): string {
  try {
    return logLevelOf(process.env);
  } catch {
    return 'info';
  }
}

main().catch((error: unknown) => {
  // a setting or the store's version at fault: one line that names it and says why; a stack trace would only hide the message
  if (error instanceof ConfigurationError) {
    logger.fatal({ variable: error.variable, ...error.details }, `stratum server could not start: ${error.message}`);
  } else if (error instanceof NewerStoreError) {
    logger.fatal({ storeVersion: error.storeVersion, buildVersion: error.buildVersion }, `stratum server could not start: ${error.message}`);
  } else if (error instanceof WorkerStartFailed) {
    logger.fatal({ pid: error.pid, code: error.code, signal: error.signal }, `stratum server could not start: ${error.message}`);
  } else logger.fatal({ err: error }, 'stratum server could not start');
  process.exit(1);
});
