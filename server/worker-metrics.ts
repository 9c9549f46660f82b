// A worker's metrics for `npm start`'s primary, over the cluster channel: the
// primary's /metrics (management port, and the routed API port) asks every
// listening worker for its registry as JSON (prom-client's getMetricsAsJSON,
// what its AggregatorRegistry merges) and answers with those that answered in
// time (primary-metrics.ts). A worker answers from its event loop, so one that
// is stuck or stopped does not answer; the scrape goes on without it (its last
// answer stands in: kept-worker-metrics.ts).
import cluster, { type Worker } from 'node:cluster';
import type { Registry } from 'prom-client';

/** One worker's registry, as getMetricsAsJSON gives it. */
export type WorkerMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

interface MetricsRequest {
  type: 'stratum-metrics-request';
  id: number;
}

interface MetricsAnswer {
  type: 'stratum-metrics';
  id: number;
  metrics: WorkerMetrics;
}

const isRequest = (message: unknown): message is MetricsRequest =>
  typeof message === 'object' && message !== null && (message as MetricsRequest).type === 'stratum-metrics-request'
  && typeof (message as MetricsRequest).id === 'number';

const isAnswer = (message: unknown): message is MetricsAnswer =>
  typeof message === 'object' && message !== null && (message as MetricsAnswer).type === 'stratum-metrics'
  && typeof (message as MetricsAnswer).id === 'number' && Array.isArray((message as MetricsAnswer).metrics);

/** In a cluster worker: answers the primary's requests with `registry`'s metrics until the process ends. */
export function answerMetricsRequests(registry: Registry): void {
  if (!cluster.isWorker || !process.send) return;
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    void registry.getMetricsAsJSON().then((metrics) => {
      // a failed send (the primary is gone) is no error of the worker's
      if (process.connected) process.send!({ type: 'stratum-metrics', id: message.id, metrics } satisfies MetricsAnswer, undefined, {}, () => undefined);
    }, () => undefined);
  });
}

let asked = 0;
const pending = new Map<number, (metrics: WorkerMetrics) => void>();
const listening = new WeakSet<Worker>();

/** In the primary: a worker's metrics, or undefined when it does not answer within `timeoutMs`. */
export function askWorker(worker: Worker, timeoutMs: number): Promise<WorkerMetrics | undefined> {
  if (!worker.isConnected()) return Promise.resolve(undefined);
  if (!listening.has(worker)) {
    listening.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isAnswer(message)) return;
      pending.get(message.id)?.(message.metrics);
    });
  }
  const id = ++asked;
  return new Promise((resolve) => {
    const done = (metrics: WorkerMetrics | undefined) => {
      clearTimeout(timer);
      pending.delete(id);
      worker.off('exit', gone);
      resolve(metrics);
    };
    const gone = () => done(undefined);
    const timer = setTimeout(gone, timeoutMs);
    pending.set(id, done);
    worker.once('exit', gone);
    worker.send({ type: 'stratum-metrics-request', id } satisfies MetricsRequest, undefined, {}, (error: Error | null) => error && gone());
  });
}
