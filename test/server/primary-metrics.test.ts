// How `npm start`'s primary merges its workers' registries into one /metrics
// answer (server/primary-metrics.ts): each metric by its aggregator; and what
// it keeps between scrapes so that no counter of the pool goes down
// (server/kept-worker-metrics.ts).
import { EventEmitter } from 'node:events';
import type { EngineCacheEvent } from '../../engine/api.js';
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from '../../server/http/admission.js';
import { Metrics } from '../../server/metrics.js';
import { KeptWorkerMetrics } from '../../server/kept-worker-metrics.js';
import type { WorkerSlotState } from '../../server/http/worker-roster.js';
import { mergeScrapes } from '../../server/primary-metrics.js';
import { sampleValue as value } from './support/metric-sample.js';

/** A worker's registry after two requests and an engine step, its cache at `entries` engines, its last checkpoint `checkpointMs` long. */
function worker(requests: number, entries: number, checkpointMs: number): Metrics {
  const metrics = new Metrics();
  for (let n = 0; n < requests; n++) metrics.observeRequest('POST', '/api/orders', 201, 0.02 * (n + 1));
  const events = new EventEmitter();
  metrics.watch(events);
  events.emit('step', { action: 'start', processKey: 'order-to-cash', outcome: 'ok', durationMs: 4 });
  events.emit('engine-cache', { result: 'hit', evicted: 0, entries, bytes: entries * 100, budgetBytes: 1000, ceilingBytes: 4000 } satisfies EngineCacheEvent);
  metrics.watchWalCheckpoints(() => ({ runs: { passive: { done: 1, busy: 0 }, truncate: { done: 0, busy: 0 } }, frames: 10, pendingFrames: 0, lastDurationMs: checkpointMs, commitFallbacks: 0 }));
  return metrics;
}

describe('the primary\'s merge of its workers\' metrics', () => {
  it('sums counters, histograms and the gauges of amounts, takes the slowest last checkpoint, and counts the workers in the answer', async () => {
    const workers = [worker(2, 3, 12), worker(3, 4, 40)];
    const scrapes = await Promise.all(workers.map((each) => each.registry.getMetricsAsJSON()));
    const primary = new Registry();
    new Gauge({ name: 'stratum_workers_expected', help: 'expected', registers: [primary] }).set(2);
    const text = await (await mergeScrapes({ metrics: scrapes, scraped: 2, staleSeconds: 0 }, await primary.getMetricsAsJSON())).metrics();

    expect(value(text, 'stratum_http_requests_total{method="POST",route="/api/orders",status="201"}')).toBe(5);
    expect(value(text, 'stratum_http_request_duration_seconds_count{method="POST",route="/api/orders",status="201"}')).toBe(5);
    // 0.02 and 0.04 s, then 0.02, 0.04 and 0.06 s: four at or under 0.05
    expect(value(text, 'stratum_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/api/orders",status="201"}')).toBe(4);
    expect(value(text, 'stratum_engine_steps_total{action="start",process_key="order-to-cash",outcome="ok"}')).toBe(2);
    expect(value(text, 'stratum_engine_cache_lookups_total{result="hit"}')).toBe(2);
    // the pool's warm engines, their memory and its budget
    expect(value(text, 'stratum_engine_cache_entries')).toBe(7);
    expect(value(text, 'stratum_engine_cache_bytes')).toBe(700);
    expect(value(text, 'stratum_engine_cache_budget_bytes')).toBe(2000);
    expect(value(text, 'stratum_engine_cache_ceiling_bytes')).toBe(8000);
    expect(value(text, 'stratum_sqlite_checkpoints_total{mode="passive",result="done"}')).toBe(2);
    expect(value(text, 'stratum_sqlite_checkpoint_last_duration_seconds')).toBe(0.04);
    expect(value(text, 'stratum_workers_expected')).toBe(2);
    expect(value(text, 'stratum_workers_scraped')).toBe(2);
    expect(value(text, 'stratum_workers_stale_seconds')).toBe(0);
    // prom-client's own choices for the process metrics: the worst event-loop delay, one Node version, no start time
    const lagMax = Math.max(...scrapes.map((scrape) => scrape.find((metric) => metric.name === 'nodejs_eventloop_lag_max_seconds')!.values[0].value));
    expect(value(text, 'nodejs_eventloop_lag_max_seconds')).toBe(lagMax);
    expect(text.match(/^nodejs_version_info\{.*\} 1$/gm)).toHaveLength(1);
    expect(text).not.toMatch(/^process_start_time_seconds/m);
  });

  it('sums the workers\' analysis queues (running, waiting, refused), beside their write queues', async () => {
    const held: Promise<unknown>[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    /** A worker's analysis queue with `running` analyses held and `waiting` more queued behind them; one refused beyond. */
    const analysing = (running: number, waiting: number): Metrics => {
      const metrics = new Metrics();
      const queue = new AdmissionQueue({ concurrency: running, queueLength: waiting, queueWaitMs: 60_000 }, (admit) => admit());
      for (let n = 0; n < running + waiting + 1; n++) held.push(queue.run(() => gate).catch(() => 'refused'));
      metrics.watchAdmission(new AdmissionQueue(), 'write');
      metrics.watchAdmission(queue, 'analysis');
      return metrics;
    };
    const workers = [analysing(1, 1), analysing(1, 2)];
    try {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const scrapes = await Promise.all(workers.map(json));
      const text = await (await mergeScrapes({ metrics: scrapes, scraped: 2, staleSeconds: 0 }, [])).metrics();
      expect(value(text, 'stratum_analysis_admission_in_flight')).toBe(2);
      expect(value(text, 'stratum_analysis_admission_queue_depth')).toBe(3);
      expect(value(text, 'stratum_analysis_admission_rejected_total{reason="queue-full"}')).toBe(2);
      expect(value(text, 'stratum_admission_in_flight')).toBe(0);
    } finally {
      release();
      await Promise.all(held);
    }
  });

  it('answers with the workers that answered: none gives the primary\'s own metrics and 0 scraped', async () => {
    const primary = new Registry();
    new Gauge({ name: 'stratum_workers_listening', help: 'listening', registers: [primary] }).set(2);
    const text = await (await mergeScrapes({ metrics: [], scraped: 0, staleSeconds: 0 }, await primary.getMetricsAsJSON())).metrics();
    expect(value(text, 'stratum_workers_listening')).toBe(2);
    expect(value(text, 'stratum_workers_scraped')).toBe(0);
    expect(text).not.toMatch(/^stratum_http_requests_total/m);
  });
});

const CREATED = 'stratum_http_requests_total{method="POST",route="/api/orders",status="201"}';
const CREATED_FAST = 'stratum_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/api/orders",status="201"}';

const listening = (...pids: number[]): WorkerSlotState[] => pids.map((pid, slot) => ({ worker: slot + 1, pid, state: 'listening' }));
// a copy, as the cluster channel delivers it (prom-client's JSON shares the counters' live value objects)
const json = async (metrics: Metrics) => structuredClone(await metrics.registry.getMetricsAsJSON());

/** One scrape of `kept`: the answers given (by slot and pid), merged as /metrics would show them. */
async function scrapeKept(kept: KeptWorkerMetrics, states: WorkerSlotState[], answers: [slot: number, pid: number, metrics: Metrics][], now: number, round = kept.begin()): Promise<string> {
  const fresh = await Promise.all(answers.map(async ([slot, pid, metrics]) => ({ slot, pid, metrics: await json(metrics) })));
  return (await mergeScrapes(await kept.merge(states, fresh, round, now), [])).metrics();
}

describe('what the primary keeps between scrapes: no sum of the pool goes down', () => {
  it('a worker that misses a scrape is represented by its last answer (counters and gauges as they were), and stratum_workers_scraped counts the fresh ones', async () => {
    const kept = new KeptWorkerMetrics();
    const [one, two] = [worker(2, 3, 12), worker(3, 4, 40)];
    const both = await scrapeKept(kept, listening(101, 102), [[0, 101, one], [1, 102, two]], 1000);
    expect(value(both, CREATED)).toBe(5);

    one.observeRequest('POST', '/api/orders', 201, 0.01);
    // worker 2 is busy past the timeout: its 3 requests stay in the sum
    const missed = await scrapeKept(kept, listening(101, 102), [[0, 101, one]], 3500);
    expect(value(missed, CREATED)).toBe(6);
    expect(value(missed, CREATED_FAST)).toBe(5);
    expect(value(missed, 'stratum_engine_cache_entries')).toBe(7);
    expect(value(missed, 'stratum_workers_scraped')).toBe(1);
    expect(value(missed, 'stratum_workers_stale_seconds')).toBe(2.5);

    const again = await scrapeKept(kept, listening(101, 102), [[0, 101, one], [1, 102, two]], 4000);
    expect(value(again, 'stratum_workers_scraped')).toBe(2);
    expect(value(again, 'stratum_workers_stale_seconds')).toBe(0);
  });

  it('a replaced or exited worker\'s counters and histograms stay in every later sum; its gauges go with it', async () => {
    const kept = new KeptWorkerMetrics();
    const [one, two] = [worker(2, 3, 12), worker(3, 4, 40)];
    await scrapeKept(kept, listening(101, 102), [[0, 101, one], [1, 102, two]], 1000);

    // worker 1 is killed: the slot shows its exit, then its replacement (pid 201), which counts from zero
    const exited: WorkerSlotState[] = [{ worker: 1, pid: 101, state: 'exited', exit: 'signal SIGKILL' }, listening(101, 102)[1]];
    const gone = await scrapeKept(kept, exited, [[1, 102, two]], 2000);
    expect(value(gone, CREATED)).toBe(5);
    expect(value(gone, 'stratum_engine_cache_entries')).toBe(4);
    const replacement = worker(1, 5, 7);
    for (let round = 0; round < 3; round++) {
      const replaced = await scrapeKept(kept, listening(201, 102), [[0, 201, replacement], [1, 102, two]], 3000 + round);
      expect(value(replaced, CREATED)).toBe(6);
      expect(value(replaced, CREATED_FAST)).toBe(5);
      expect(value(replaced, 'stratum_engine_steps_total{action="start",process_key="order-to-cash",outcome="ok"}')).toBe(3);
      expect(value(replaced, 'stratum_engine_cache_entries')).toBe(9);
      expect(value(replaced, 'stratum_engine_cache_budget_bytes')).toBe(2000);
    }

    // a slot replaced between two scrapes (no scrape saw the exit) retires the same way, into the one total
    const third = worker(4, 1, 1);
    const again = await scrapeKept(kept, listening(301, 102), [[0, 301, third], [1, 102, two]], 5000);
    expect(value(again, CREATED)).toBe(2 + 1 + 4 + 3);
    expect(value(again, 'stratum_engine_cache_entries')).toBe(5);
  });

  it('an answer of an earlier scrape that comes late neither replaces a newer one nor brings back a retired worker', async () => {
    const kept = new KeptWorkerMetrics();
    const one = worker(2, 3, 12);
    const early = kept.begin();
    const earlyAnswer = await json(one);
    one.observeRequest('POST', '/api/orders', 201, 0.01);
    const late = kept.begin();
    expect(value(await scrapeKept(kept, listening(101), [[0, 101, one]], 1000, late), CREATED)).toBe(3);
    const merged = async (states: WorkerSlotState[], round: number) =>
      (await mergeScrapes(await kept.merge(states, [{ slot: 0, pid: 101, metrics: earlyAnswer }], round, 2000), [])).metrics();
    expect(value(await merged(listening(101), early), CREATED)).toBe(3);

    // the worker exits; a scrape retires it, then the earlier scrape's answer of it arrives
    const exited: WorkerSlotState[] = [{ worker: 1, pid: 101, state: 'exited', exit: 'code 1' }];
    expect(value(await scrapeKept(kept, exited, [], 3000), CREATED)).toBe(3);
    expect(value(await merged(exited, early), CREATED)).toBe(3);
  });
});
