// Entry point of `npm start`: configuration from the environment, graceful
// shutdown on SIGTERM/SIGINT.
import { pino } from 'pino';
import { readConfig } from './config.js';
import { startServer } from './start.js';

// Nothing logs tokens or variables; the redaction is a second line of defence.
const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: 'stratum' },
  redact: { paths: ['authorization', '*.authorization', 'token', '*.token', 'variables', '*.variables'], censor: '[redacted]' },
});

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const server = await startServer({ config, logger });
  let stopping = false;
  const stop = (signal: string) => {
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
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'stratum server could not start');
  process.exit(1);
});
