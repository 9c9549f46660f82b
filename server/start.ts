// Opens the store and the engine, deploys the shipped diagrams, and listens.
// main.ts calls this with the environment's configuration; the tests call it
// with a temporary data folder and port 0.
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { loadRateTable, openStore, openStratum, parseRateTable, type RateTable, type Stratum, type Store } from '../engine/index.js';
import type { DeployOptions } from '../engine/api.js';
import { ConfigurationError, isRetryableConflict, StratumError, type Finding } from '../engine/errors.js';
import { createApp } from './app.js';
import { AcceptDrain } from './http/accept-drain.js';
import { STOP_DRAIN_MS, StoppingGate } from './http/stopping-gate.js';
import { logStopRefusal } from './http/request-log.js';
import { startHealthThread, type HealthThread } from './http/health-thread.js';
import { storeAnswers } from './http/store-health.js';
import { validatorSources } from './http/validate.js';
import type { ServerConfig } from './config.js';
import { DEFAULT_HTTP_TIMEOUTS, guardConnections, serverOptions } from './http/client-errors.js';
import demoUsers from './demo-users.json' with { type: 'json' };
import sampleRates from './rates.sample.json' with { type: 'json' };
import { serverRoles } from './auth/authenticate.js';
import { UserDirectory } from './auth/users.js';
import { shareJobSignals } from './job-signals.js';
import { taskGroupCheck } from './routes/library.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The management port's base URL (STRATUM_HEALTH_PORT: /healthz and /metrics only), when there is one. */
  healthUrl?: string;
  stratum: Stratum;
  /** What its /metrics shows; `npm start`'s primary asks a worker for it over the cluster channel (worker-metrics.ts). */
  metrics: Registry;
  /** Stops accepting requests, lets running ones finish, stops the scheduler and closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: ServerConfig;
  logger: Logger;
  /** Runs the timer scheduler (default true; tests fire timers themselves). */
  scheduler?: boolean;
  modelerDir?: string | null;
  /** A worker behind the primary's order router: listens on its own port (not the cluster's shared one) and gives route hints. */
  routed?: boolean;
  /** The API port is open and serving; the start goes on (the management port) before it returns. */
  onListening?: () => void;
}

export async function startServer({ config, logger, scheduler = true, modelerDir, routed = false, onListening }: StartOptions): Promise<RunningServer> {
  const users = config.usersFile ? usersFile(config.usersFile) : UserDirectory.fromJson(demoUsers, 'server/demo-users.json', { minTokenLength: 4 });
  if (config.demo) {
    logger.warn({ host: config.host }, 'demo mode: STRATUM_USERS is not set, so the demo tokens of server/demo-users.json are accepted; listening on loopback only');
  }
  const rates = readRates(config, logger);
  const store = await openStore({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    // an upgrade says what it did to the operator's data
    onMigrated: ({ from, to }) => logger.info({ fromVersion: from, toVersion: to }, from === 0 ? `store created at schema version ${to}` : `store migrated from schema version ${from} to ${to}`),
    // servers starting together on one database: the others find what the first created or migrated
    onCurrent: (version) => logger.info({ schemaVersion: version }, `store found at schema version ${version}`),
  });
  let stratum: Stratum;
  try {
    stratum = await openStratum({
      store,
      orderEntry: { processKey: config.orderProcessKey, rates },
      speculate: speculates(store, config),
      // an assignment expression never hands a task to a server role's group or to an account that holds nothing else
      serverRoles: serverRoles(users),
      ...(config.messageTimeToLiveMs !== undefined && { messageTimeToLiveMs: config.messageTimeToLiveMs }),
      webhooks: {
        allowPrivateTargets: config.webhooksAllowPrivate ?? false,
        ...(config.webhooksRetentionDays !== undefined && { retentionMs: config.webhooksRetentionDays * 24 * 60 * 60_000 }),
        ...(config.webhooksSecretGraceHours !== undefined && { secretGraceMs: config.webhooksSecretGraceHours * 60 * 60_000 }),
        ...(config.webhooksDeadLetterRetentionDays !== undefined && { deadLetterRetentionMs: config.webhooksDeadLetterRetentionDays * 24 * 60 * 60_000 }),
      },
    });
    // the same candidate-group check as POST /api/deployments: a group nobody is in refuses the folder
    await deployDiagrams(stratum, config.diagramsDir, logger, taskGroupCheck({ users, demo: config.demo })());
    await checkOrderEntry(stratum, logger);
    if (config.webhooksFile) await configureWebhooks(stratum, config.webhooksFile, logger);
    await shareJobSignals(store, stratum.workers);
  } catch (error) {
    await store.close();
    throw error;
  }
  const acceptDrain = new AcceptDrain();
  const { app, metrics, dispose, compileValidators } = createApp({
    stratum,
    users,
    logger,
    limits: { bodyBytes: config.bodyLimitBytes },
    checkHealth: () => storeAnswers(store),
    demo: config.demo,
    ...(config.requireDeploymentNote !== undefined && { requireDeploymentNote: config.requireDeploymentNote }),
    ...(config.admission ? { admission: config.admission } : {}),
    ...(modelerDir !== undefined ? { modelerDir } : {}),
    routeHints: routed,
    acceptDrain,
    idleScavenges: idleScavenges(config, logger),
  });
  const walCheckpoints = store.walCheckpoints?.();
  if (walCheckpoints) metrics.watchWalCheckpoints(() => store.walCheckpoints?.() ?? walCheckpoints);
  // slow clients cannot hold connections open for long; idle ones close silently
  const timeouts = config.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  // stopping, new requests are refused (503) and the listener closes only once the accept queue is drained; express
  // never sees them, so the gate's refusals get their request line and their count in the HTTP metrics
  // (stratum_http_requests_total, status 503) here, as every answer express gives
  const stoppingGate = new StoppingGate();
  const server = createServer(serverOptions(timeouts), stoppingGate.guard(app, (req, res) => logStopRefusal(logger, req, res, performance.now(),
    (method, route, status, seconds) => metrics.observeRequest(method, route, status, seconds))));
  guardConnections(server, timeouts);
  acceptDrain.watch(server);
  let health: HealthThread | undefined;
  try {
    await listen(server, config.port, config.host, routed);
    onListening?.();
    // A listener and an event loop of its own: a probe's connection is not queued behind a burst's
    // on the API port, and its answer does not wait for a write step (health-worker.ts).
    if (config.healthPort !== undefined) {
      health = await startHealthThread({
        port: config.healthPort,
        host: config.host,
        replica: store.replica?.(),
        timeouts,
        checkHealth: () => storeAnswers(store),
        metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
        onFailure: (error) => logger.error({ err: error }, 'the management port (STRATUM_HEALTH_PORT) failed; its probes will fail'),
      });
    }
  } catch (error) {
    server.close();
    dispose();
    await stratum.close();
    throw error;
  }
  compileValidators()
    // `compiled`: schemas the build had no code for (a build without its last step, or sources run as they are)
    .then(() => logger.info(validatorSources(), 'request validators ready'))
    .catch((error: unknown) => logger.error({ err: error }, 'a request schema does not compile; its requests will fail'));
  if (scheduler) stratum.startScheduler();
  stratum.events.on('webhook-error', (error: Error) => logger.error({ err: error }, 'webhook delivery round failed'));
  stratum.outbox.startDelivery();
  const { port } = server.address() as AddressInfo;
  const healthPort = health?.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info({ port, ...(healthPort !== undefined && { healthPort }), host: config.host, store: store.kind }, 'stratum server listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    ...(healthPort !== undefined && { healthUrl: `http://${host}:${healthPort}` }),
    stratum,
    metrics: metrics.registry,
    close: () =>
      (closing ??= (async () => {
        // the management port's /healthz answers 503 from now on: a load balancer stops sending what would be refused
        health?.stopping();
        const answered = stoppingGate.stop();
        // waiting fetches answer [] at once instead of holding the shutdown for their timeout
        stratum.workers.releaseWaiting();
        await answered;
        // the connections the kernel queued meanwhile are accepted and refused, not reset by closing the listener
        await acceptDrain.drained(STOP_DRAIN_MS);
        const stopped = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await health?.close();
        await stopped;
        dispose();
        await stratum.close();
        logger.info('stratum server stopped');
      })()),
  };
}

/** Whether to scavenge while idle: as configured, when node exposes its collector (`npm start` runs it with --expose-gc). */
function idleScavenges(config: Pick<ServerConfig, 'idleScavenges'>, logger: Logger): boolean {
  if (config.idleScavenges === false) return false;
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return true;
  logger.info('no scavenges while idle: node runs without --expose-gc, which npm start passes');
  return false;
}

/**
 * Whether steps are computed ahead of the write lock (step-executor.ts). That keeps the lock for writes only,
 * which matters while other processes wait for it: several workers on one SQLite file, or servers sharing
 * PostgreSQL. One server alone on its SQLite file has nobody waiting, and would only run each step's reads
 * twice (about 5 ms of CPU per whole order, a fourteenth of it).
 */
function speculates(store: Store, config: Pick<ServerConfig, 'workers'>): boolean {
  return !(store.kind === 'sqlite' && config.workers === 1);
}

/** Deploys every *.bpmn of `dir` as one deployment by user `system`; a missing folder is skipped. */
export async function deployDiagrams(stratum: Stratum, dir: string, logger: Logger, taskGroups?: DeployOptions['taskGroups']): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.bpmn')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.info({ dir }, 'no diagrams folder; nothing deployed at start');
      return;
    }
    throw error;
  }
  if (names.length === 0) return;
  const files = await Promise.all(names.map(async (name) => ({ name, xml: await readFile(join(dir, name), 'utf8') })));
  // Servers sharing one PostgreSQL database deploy the same files as they start; the loser of that
  // race gets a conflict, and its retry finds the XML deployed (a no-op).
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await stratum.library.deploy(files, { user: 'system', note: `deployed at start from ${dir}`, ...(taskGroups && { taskGroups }) });
      logger.info({ dir, deployed: result.deployed, warnings: result.warnings.length }, 'diagrams deployed');
      return;
    } catch (error) {
      if (isRetryableConflict(error) && attempt < 5) {
        logger.info({ dir, attempt }, 'another server deployed the diagrams at the same time; trying again');
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      // a refusal of the folder's files: one line naming the setting and the first error, the findings with it
      if (error instanceof StratumError && error.details?.findings) throw diagramsRefused(dir, error.details.findings);
      throw error;
    }
  }
}

/** The start refused because the diagrams folder does not deploy: its first error named, every finding carried. */
function diagramsRefused(dir: string, findings: Finding[]): ConfigurationError {
  const errors = findings.filter((finding) => finding.severity === 'error');
  // file:elementId, as `stratum validate` names where a finding is
  const where = (finding: Finding) => [finding.file, finding.elementId].filter(Boolean).join(':');
  const first = errors[0] ?? findings[0];
  const described = first ? `${where(first) ? `${where(first)}: ` : ''}${first.message} (${first.rule})` : 'refused';
  const more = errors.length > 1 ? `; ${errors.length - 1} more error${errors.length === 2 ? '' : 's'} in findings` : '';
  return new ConfigurationError('STRATUM_DIAGRAMS', `STRATUM_DIAGRAMS=${dir}: the diagrams do not deploy: ${described}${more}`, { findings });
}

/**
 * STRATUM_WEBHOOKS: `{"subscriptions": [{"id", "url", "secret", "types"?}]}`. The file's subscriptions
 * replace those an earlier file made; a subscription removed from the file ends.
 */
async function configureWebhooks(stratum: Stratum, file: string, logger: Logger): Promise<void> {
  let parsed: { subscriptions?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as { subscriptions?: unknown };
  } catch (error) {
    throw new ConfigurationError('STRATUM_WEBHOOKS', `STRATUM_WEBHOOKS=${file}: the subscriptions file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const invalid = (message: string) => new ConfigurationError('STRATUM_WEBHOOKS', `STRATUM_WEBHOOKS=${file}: ${message}`);
  if (!Array.isArray(parsed?.subscriptions)) throw invalid('expected {"subscriptions": [{"id", "url", "secret", "types"?}]}');
  const subscriptions = parsed.subscriptions.map((entry: unknown, index: number) => {
    const { id, url, secret, types } = (entry ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => typeof value === 'string' && value.length > 0;
    if (!text(id) || !text(secret) || !text(url) || !/^https?:\/\//.test(url as string)
      || (types !== undefined && !(Array.isArray(types) && types.every(text)))) {
      throw invalid(`subscription ${index + 1} needs an id, an http(s) url, a whsec_ secret and optionally a list of event types`);
    }
    return { id: id as string, url: url as string, secret: secret as string, ...(types !== undefined && { types: types as string[] }) };
  });
  try {
    await stratum.outbox.configure(subscriptions);
  } catch (error) {
    // a URL inside the network, a malformed secret, a type no event has: the file is at fault, named as such
    if (error instanceof StratumError) throw invalid(`${error.message}${error.details?.errors?.[0] ? ` (${error.details.errors[0].field})` : ''}`);
    throw error;
  }
  logger.info({ file, subscriptions: subscriptions.map((subscription) => subscription.id) }, 'webhook subscriptions configured');
}

/** The users file; one that cannot be read or is invalid stops the start, naming STRATUM_USERS. */
function usersFile(path: string): UserDirectory {
  try {
    return UserDirectory.fromFile(path);
  } catch (error) {
    throw new ConfigurationError('STRATUM_USERS', `STRATUM_USERS=${path}: ${(error as Error).message}`);
  }
}

/** The operator's rate table; one it cannot use stops the start, naming STRATUM_RATES. */
function rateFile(path: string): RateTable {
  try {
    return loadRateTable(path);
  } catch (error) {
    throw new ConfigurationError('STRATUM_RATES', `STRATUM_RATES=${(error as Error).message}`);
  }
}

function readRates(config: ServerConfig, logger: Logger): RateTable {
  const file = config.ratesFile ?? 'server/rates.sample.json';
  const rates = config.ratesFile ? rateFile(config.ratesFile) : parseRateTable(sampleRates, file);
  const latest = [...rates.rates.values()].map((list) => list[0].date).sort().at(-1) ?? null;
  const fields = { file, reportingCurrency: rates.reportingCurrency.code, currencies: rates.rates.size + 1, latestRateDate: latest };
  if (config.ratesFile) logger.info(fields, 'exchange rates loaded');
  else logger.warn(fields, 'STRATUM_RATES is not set: orders are converted at the SAMPLE rates of server/rates.sample.json, which are not market data');
  return rates;
}

/**
 * The configured order process must declare that it takes orders; if it is
 * deployed and does not, the server does not start. Not deployed yet (an empty
 * diagrams folder) only warns: POST /api/orders answers 503 until it is.
 */
async function checkOrderEntry(stratum: Stratum, logger: Logger): Promise<void> {
  const status = await stratum.runtime.orderEntryStatus();
  if (status.ready) {
    logger.info({ orderProcess: status.processKey, reportingCurrency: status.reportingCurrency }, 'order entry ready');
    return;
  }
  const deployed = await stratum.library.get(status.processKey);
  if (!deployed) {
    logger.warn({ orderProcess: status.processKey }, `${status.problem}; POST /api/orders answers 503 until it is deployed`);
    return;
  }
  throw new ConfigurationError('STRATUM_ORDER_PROCESS', `STRATUM_ORDER_PROCESS=${status.processKey}: ${status.problem}`);
}

// helpers

/** Connections the kernel may hold for accept (Linux caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

/** `exclusive`: a cluster worker's own port, not one shared through the primary. */
function listen(server: Server, port: number, host: string, exclusive = false): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // node's default backlog (511) drops the SYNs of a larger burst, and each client then
    // waits out TCP's retransmission backoff (1 s, 3 s, 7 s …) before it is even read
    server.listen({ port, host, backlog: LISTEN_BACKLOG, exclusive }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
