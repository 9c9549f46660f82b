// How `npm start`'s primary merges its workers' registries into one /metrics
// answer (server/primary-metrics.ts): each metric by its aggregator.
import { EventEmitter } from 'node:events';
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../server/metrics.js';
import { mergeScrapes } from '../../server/primary-metrics.js';

/** A worker's registry after two requests and an engine step, its cache at `entries` engines, its last checkpoint `checkpointMs` long. */
function worker(requests: number, entries: number, checkpointMs: number): Metrics {
  const metrics = new Metrics();
  for (let n = 0; n < requests; n++) metrics.observeRequest('POST', '/api/orders', 201, 0.02 * (n + 1));
  const events = new EventEmitter();
  metrics.watch(events);
  events.emit('step', { action: 'start', processKey: 'order-to-cash', outcome: 'ok', durationMs: 4 });
  events.emit('engine-cache', { result: 'hit', evicted: 0, entries, bytes: entries * 100, budgetBytes: 1000 });
  metrics.watchWalCheckpoints(() => ({ runs: { passive: { done: 1, busy: 0 }, truncate: { done: 0, busy: 0 } }, frames: 10, pendingFrames: 0, lastDurationMs: checkpointMs, commitFallbacks: 0 }));
  return metrics;
}

const value = (text: string, sample: string) => {
  const line = text.split('\n').find((each) => each.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
};

describe('the primary\'s merge of its workers\' metrics', () => {
  it('sums counters, histograms and the gauges of amounts, takes the slowest last checkpoint, and counts the workers in the answer', async () => {
    const workers = [worker(2, 3, 12), worker(3, 4, 40)];
    const scrapes = await Promise.all(workers.map((each) => each.registry.getMetricsAsJSON()));
    const primary = new Registry();
    new Gauge({ name: 'stratum_workers_expected', help: 'expected', registers: [primary] }).set(2);
    const text = await (await mergeScrapes(scrapes, await primary.getMetricsAsJSON())).metrics();

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
    expect(value(text, 'stratum_sqlite_checkpoints_total{mode="passive",result="done"}')).toBe(2);
    expect(value(text, 'stratum_sqlite_checkpoint_last_duration_seconds')).toBe(0.04);
    expect(value(text, 'stratum_workers_expected')).toBe(2);
    expect(value(text, 'stratum_workers_scraped')).toBe(2);
    // prom-client's own choices for the process metrics: the worst event-loop delay, one Node version, no start time
    const lagMax = Math.max(...scrapes.map((scrape) => scrape.find((metric) => metric.name === 'nodejs_eventloop_lag_max_seconds')!.values[0].value));
    expect(value(text, 'nodejs_eventloop_lag_max_seconds')).toBe(lagMax);
    expect(text.match(/^nodejs_version_info\{.*\} 1$/gm)).toHaveLength(1);
    expect(text).not.toMatch(/^process_start_time_seconds/m);
  });

  it('answers with the workers that answered: none gives the primary\'s own metrics and 0 scraped', async () => {
    const primary = new Registry();
    new Gauge({ name: 'stratum_workers_listening', help: 'listening', registers: [primary] }).set(2);
    const text = await (await mergeScrapes([], await primary.getMetricsAsJSON())).metrics();
    expect(value(text, 'stratum_workers_listening')).toBe(2);
    expect(value(text, 'stratum_workers_scraped')).toBe(0);
    expect(text).not.toMatch(/^stratum_http_requests_total/m);
  });
});
