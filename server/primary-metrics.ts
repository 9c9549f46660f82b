// /metrics of `npm start`'s primary (several workers), on its management port
// and, routed, on the API port: one scrape shows the whole pool. The primary
// asks every listening worker for its registry over the cluster channel
// (worker-metrics.ts) and merges the answers with prom-client's
// AggregatorRegistry.aggregate, each metric by its `aggregator` (sum unless the
// metric names another: server/metrics.ts, and prom-client's process metrics),
// beside its own pool metrics and process metrics (prefixed stratum_primary_,
// so they are not merged with the workers'). A worker that does not answer in
// time is represented by its last answer, and a gone worker's counters and
// histograms stay in the sums (kept-worker-metrics.ts), so no sum goes down;
// stratum_workers_scraped counts the workers that answered this scrape.
// Routed, the order router's own write admission (router-admission.ts) stands
// beside them: its refusals never reach a worker's stratum_admission_*.
// Scrapes that come together share one (shared-scrape.ts): /metrics is public.
import cluster, { type Worker } from 'node:cluster';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry, Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { sendProblem, sendText } from './http/plain-answers.js';
import { PRIMARY_HEADER } from './http/primary-health.js';
import type { RouterAdmission } from './http/router-admission.js';
import type { WorkerRoster } from './http/worker-roster.js';
import { HttpProblem } from './problem.js';
import { KeptWorkerMetrics, type SlotAnswer, type WorkerAnswers } from './kept-worker-metrics.js';
import { sharedScrape } from './shared-scrape.js';
import { askWorker, type WorkerMetrics } from './worker-metrics.js';

/** How long a scrape waits for a worker's metrics by default (STRATUM_METRICS_TIMEOUT_MS). */
const DEFAULT_METRICS_TIMEOUT_MS = 3000;

/** Scrapes within this long of the last one get its answer (shared-scrape.ts: a flood of scrapes costs one a second). */
export const SCRAPE_REUSE_MS = 1000;

/** The primary's own process metrics carry it: the workers' process metrics keep the usual names. */
const PRIMARY_PREFIX = 'stratum_primary_';

export interface PoolMetrics {
  scrape: () => Promise<{ text: string; contentType: string }>;
  /** GET or HEAD /metrics on the routed API port (Node leaves a HEAD answer's body out). */
  answer: (req: IncomingMessage, res: ServerResponse) => void;
  /** Adds the order router's write admission (read when scraped): the router is made after its /metrics answer. */
  watchRouter: (admission: () => RouterAdmission) => void;
}

export function poolMetrics(roster: WorkerRoster, expected: number, timeoutMs = DEFAULT_METRICS_TIMEOUT_MS): PoolMetrics {
  const registry = primaryRegistry(roster, expected);
  const kept = new KeptWorkerMetrics();
  const scrape = sharedScrape(async () => {
    const round = kept.begin();
    const asked = listeningWorkers(roster);
    const [answers, own] = await Promise.all([
      Promise.all(asked.map(async ({ slot, pid, worker }): Promise<SlotAnswer[]> => {
        const metrics = await askWorker(worker, timeoutMs);
        return metrics ? [{ slot, pid, metrics }] : [];
      })),
      registry.getMetricsAsJSON(),
    ]);
    const workers = await kept.merge(roster.states, answers.flat(), round);
    const merged = await mergeScrapes(workers, own);
    return { text: await merged.metrics(), contentType: merged.contentType };
  }, SCRAPE_REUSE_MS);
  return {
    scrape,
    answer: (req, res) => {
      // a body sent with the scrape is read and dropped
      req.resume();
      scrape().then(({ text, contentType }) => {
        if (!res.destroyed) sendText(res, 200, contentType, text, { [PRIMARY_HEADER]: String(process.pid) });
      }, () => {
        if (!res.headersSent && !res.destroyed) sendProblem(res, new HttpProblem(500, 'The metrics could not be collected.'), req.url ?? '/');
      });
    },
    watchRouter: (admission) => watchRouterAdmission(registry, admission),
  };
}

/** The workers' registries merged metric by metric, with the primary's own, stratum_workers_scraped and _stale_seconds. */
export async function mergeScrapes(workers: WorkerAnswers, primary: WorkerMetrics): Promise<Registry> {
  const answered = new Registry();
  new Gauge({
    name: 'stratum_workers_scraped',
    help: 'Server processes that answered the primary within STRATUM_METRICS_TIMEOUT_MS for this answer. Below stratum_workers_listening, a worker\'s last answer stands in for it (its counters frozen; stratum_workers_stale_seconds says how old).',
    registers: [answered],
  }).set(workers.scraped);
  new Gauge({
    name: 'stratum_workers_stale_seconds',
    help: 'Age of the oldest last answer standing in for a listening worker that did not answer this scrape; 0 when every worker in the answer answered it.',
    registers: [answered],
  }).set(workers.staleSeconds);
  return AggregatorRegistry.aggregate([...workers.metrics, primary, await answered.getMetricsAsJSON()]);
}

/** The cluster's workers the roster names as listening now (a starting one could not answer yet), with their slots. */
function listeningWorkers(roster: WorkerRoster): { slot: number; pid: number; worker: Worker }[] {
  const byPid = new Map(Object.values(cluster.workers ?? {}).flatMap((worker) => (worker?.process.pid !== undefined ? [[worker.process.pid, worker] as const] : [])));
  return roster.states.flatMap((state, slot) => {
    const worker = state.state === 'listening' && state.pid !== undefined ? byPid.get(state.pid) : undefined;
    return worker ? [{ slot, pid: state.pid!, worker }] : [];
  });
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

/**
 * The writes the order router holds at each worker (numbered as /healthz numbers them) and those it refused itself
 * (503 `queue-full`, never seen by a worker): names of their own beside the workers' stratum_admission_*.
 */
function watchRouterAdmission(registry: Registry, admission: () => RouterAdmission): void {
  new Gauge({
    name: 'stratum_router_admission_in_flight',
    help: 'Write requests the order router has sent to a worker and not had answered yet, by worker (at most the worker\'s admission concurrency plus its queue).',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      // a gone worker's series goes with it
      this.reset();
      for (const { slot, writes } of admission().inFlight) this.set({ worker: String(slot + 1) }, writes);
    },
  });
  new Counter({
    name: 'stratum_router_admission_rejected_total',
    help: 'Write requests the order router refused with 503 itself, the worker holding all it admits, by reason (queue-full).',
    labelNames: ['reason'],
    registers: [registry],
    // the router keeps the running total; a scrape copies it
    collect() {
      this.reset();
      this.inc({ reason: 'queue-full' }, admission().refused);
    },
  });
}
