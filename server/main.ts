// Entry point of `npm start`: configuration from the environment, one server
// process per core (STRATUM_WORKERS; workers.ts), graceful shutdown on
// SIGTERM/SIGINT.
import cluster from 'node:cluster';
import { pino } from 'pino';
import { readConfig } from './config.js';
import { startServer } from './start.js';
import { DEFAULT_HTTP_TIMEOUTS } from './http/client-errors.js';
import { createOrderRouter } from './routing.js';
import { ROUTED_WORKER_ENV, startWorkers, type RoutedListening } from './workers.js';

// Nothing logs tokens or variables; the redaction is a second line of defence.
const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: 'stratum' },
  redact: { paths: ['authorization', '*.authorization', 'token', '*.token', 'variables', '*.variables'], censor: '[redacted]' },
});

async function main(): Promise<void> {
  const config = readConfig(process.env);
  if (cluster.isPrimary && (config.workers ?? 1) > 1) {
    const routing = config.routing === 'order'
      ? { router: createOrderRouter(config.timeouts ?? DEFAULT_HTTP_TIMEOUTS, config.bodyLimitBytes), port: config.port, host: config.host }
      : undefined;
    const pool = startWorkers(config.workers!, logger, routing);
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping the workers');
      void pool.stop('SIGTERM').then((code) => process.exit(code));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    await pool.ready;
    return;
  }
  // A worker: SIGINT (a terminal's Ctrl-C) reaches the whole process group; the primary stops the workers.
  // The handlers are in place before the server starts: a signal that comes while it starts (the primary
  // stops its workers as soon as they listen) stops it once it has started, never kills it half-way.
  let stopRequested: string | null = null;
  let stop = (signal: string) => {
    stopRequested ??= signal;
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => (cluster.isWorker ? undefined : stop('SIGINT')));
  // behind the order router: a private loopback port of its own
  const routed = cluster.isWorker && process.env[ROUTED_WORKER_ENV] === '1';
  const server = await startServer({ config: routed ? { ...config, port: 0, host: '127.0.0.1' } : config, logger, routed });
  if (routed) process.send?.({ type: 'stratum-listening', port: server.port } satisfies RoutedListening);
  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (stopRequested) stop(stopRequested);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'stratum server could not start');
  process.exit(1);
});
