// /metrics of `npm start`'s primary (several workers), on its management port
// and, routed, on the API port: one scrape shows the whole pool. The primary
// asks every listening worker for its registry over the cluster channel
// (worker-metrics.ts) and merges the answers with prom-client's
// AggregatorRegistry.aggregate, each metric by its `aggregator` (sum unless the
// metric names another: server/metrics.ts, and prom-client's process metrics),
// beside its own pool metrics and process metrics (prefixed stratum_primary_,
// so they are not merged with the workers'). A worker that does not answer in
// time is left out of that answer; stratum_workers_scraped counts those in it.
import cluster, { type Worker } from 'node:cluster';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry, Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { sendProblem } from './http/pool-health.js';
import { PRIMARY_HEADER } from './http/primary-health.js';
import type { WorkerRoster } from './http/worker-roster.js';
import { HttpProblem } from './problem.js';
import { askWorkers, type WorkerMetrics } from './worker-metrics.js';

/** How long a scrape waits for a worker's metrics by default (STRATUM_METRICS_TIMEOUT_MS). */
const DEFAULT_METRICS_TIMEOUT_MS = 3000;

/** The primary's own process metrics carry it: the workers' process metrics keep the usual names. */
const PRIMARY_PREFIX = 'stratum_primary_';

export interface PoolMetrics {
  scrape: () => Promise<{ text: string; contentType: string }>;
  /** GET or HEAD /metrics on the routed API port (Node leaves a HEAD answer's body out). */
  answer: (req: IncomingMessage, res: ServerResponse) => void;
}

export function poolMetrics(roster: WorkerRoster, expected: number, timeoutMs = DEFAULT_METRICS_TIMEOUT_MS): PoolMetrics {
  const registry = primaryRegistry(roster, expected);
  const scrape = async () => {
    const [workers, own] = await Promise.all([askWorkers(listeningWorkers(roster), timeoutMs), registry.getMetricsAsJSON()]);
    const merged = await mergeScrapes(workers, own);
    return { text: await merged.metrics(), contentType: merged.contentType };
  };
  return {
    scrape,
    answer: (req, res) => {
      // a body sent with the scrape is read and dropped
      req.resume();
      scrape().then(({ text, contentType }) => {
        if (res.destroyed) return;
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', [PRIMARY_HEADER]: String(process.pid) });
        res.end(text);
      }, () => {
        if (!res.headersSent && !res.destroyed) sendProblem(res, new HttpProblem(500, 'The metrics could not be collected.'), req.url ?? '/');
      });
    },
  };
}

/** The workers' registries merged metric by metric, with the primary's own and stratum_workers_scraped. */
export async function mergeScrapes(workers: readonly WorkerMetrics[], primary: WorkerMetrics): Promise<Registry> {
  const answered = new Registry();
  new Gauge({
    name: 'stratum_workers_scraped',
    help: 'Server processes whose metrics are in this answer: those that answered the primary within STRATUM_METRICS_TIMEOUT_MS. Below stratum_workers_listening, the sums leave a worker out (its counters seem to drop).',
    registers: [answered],
  }).set(workers.length);
  return AggregatorRegistry.aggregate([...workers, primary, await answered.getMetricsAsJSON()]);
}

/** The cluster's workers the roster names as listening now (a starting one could not answer yet). */
function listeningWorkers(roster: WorkerRoster): Worker[] {
  const pids = new Set(roster.states.flatMap((slot) => (slot.state === 'listening' && slot.pid !== undefined ? [slot.pid] : [])));
  return Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && pids.has(worker.process.pid ?? -1));
}

function primaryRegistry(roster: WorkerRoster, expected: number): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PRIMARY_PREFIX });
  new Gauge({
    name: 'stratum_workers_expected',
    help: 'Server processes the primary keeps running (STRATUM_WORKERS).',
    registers: [registry],
    collect() {
      this.set(expected);
    },
  });
  new Gauge({
    name: 'stratum_workers_listening',
    help: 'Server processes that listen now (a replaced one counts once its replacement listens).',
    registers: [registry],
    collect() {
      this.set(roster.states.filter((slot) => slot.state === 'listening').length);
    },
  });
  let counted = 0;
  new Counter({
    name: 'stratum_worker_restarts_total',
    help: 'Server processes that died and were replaced.',
    registers: [registry],
    collect() {
      this.inc(roster.restarts - counted);
      counted = roster.restarts;
    },
  });
  return registry;
}
