// Whole-order lifecycle over HTTP at 8 clients (issue 10's targets): a credit
// order over 1,000,000 posted, approved by the sales director and the
// vice-president, its two planning jobs and its shipping job completed — on
// `npm start` with one worker and with one worker per core (STRATUM_WORKERS),
// against the in-memory ceiling (raw bpmn-engine, every instance in memory) in
// the same run. Throughput per CPU-second of the server processes (so a loaded
// machine weighs less), per wall second, and p50/p99 of each request type; the
// stored engine state, waits and history per waiting order.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { order } from '../test/support/stratum-fixture.js';
import { loadDefinitions } from './engine.bench.js';
import { latencySummary, metricValue, scrapePool, startServerProcess } from './http.bench.js';
import { cpuSecondsOf, treeOf } from './proc.js';
import { closedLoop, JOB_TYPES, LIFECYCLE_AMOUNT as AMOUNT, LifecycleClient, type RequestKind } from './order-lifecycle.js';
import { RawEngineHarness } from './raw-engine-harness.js';
import type { BenchResult } from './report.js';

const ORDERS = Number(process.env.BENCH_WORKERS_ORDERS ?? 80);
const CLIENTS = 8;
const WAITING_ORDERS = 50;

interface Run {
  orders: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** CPU seconds of the process `npm start` runs (the primary with several workers, else the one server). */
  primaryCpuSeconds: number;
  workers: number;
  /** CPU seconds of the workers' main (JavaScript) threads; the rest is V8's and libuv's helper threads, and the primary. */
  mainThreadCpuSeconds: number;
  /** CPU seconds of this process, which runs the 8 clients, on the same cores. */
  clientCpuSeconds: number;
  latencies: Map<RequestKind, number[]>;
  /** Warm-engine lookups of the measured part, summed over the workers (the primary's merged /metrics). */
  engineCache: Record<'hit' | 'miss' | 'stale', number>;
}

/**
 * `stratum_engine_cache_lookups_total` of every worker, summed: each worker counts its own, and with several workers
 * `npm start`'s primary merges them into one answer (routed on the API port, shared-port on the management port).
 */
async function engineCacheLookups(metricsUrl: string, workers: number): Promise<Run['engineCache']> {
  const text = await scrapePool(metricsUrl, workers);
  const count = (result: string) => metricValue(text, `stratum_engine_cache_lookups_total{result="${result}"}`) ?? 0;
  return { hit: count('hit'), miss: count('miss'), stale: count('stale') };
}

async function lifecycleOverHttp(workers: number, routing: 'order' | 'off' = 'off'): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-workers-'));
  // sharing the port, the workers' merged /metrics is on the primary's management port only
  const shared = workers > 1 && routing === 'off';
  // with several workers: once the primary says every one listens
  const { url, child, healthUrl } = await startServerProcess(
    dataDir, { STRATUM_WORKERS: String(workers), STRATUM_ROUTING: routing, ...(shared && { STRATUM_HEALTH_PORT: '0' }) }, workers > 1 ? 'stratum workers listening' : 'stratum server listening',
  );
  const metricsUrl = shared ? healthUrl! : url;
  const client = new LifecycleClient(url);
  try {
    // warm-up: JIT and the per-version definition cache of every worker
    for (let i = 0; i < 4 * workers; i++) await client.post(`warm-${workers}-${i}`, 100);
    await client.drain();
    client.latencies.clear();

    const cacheBefore = await engineCacheLookups(metricsUrl, workers);
    const pids = treeOf(child.pid!);
    const cpuBefore = cpuSecondsOf(pids);
    const primaryBefore = cpuSecondsOf([child.pid!]);
    // with several workers the primary only proxies: its main thread is not one a worker's JavaScript runs on
    const workerPids = workers > 1 ? pids.filter((pid) => pid !== child.pid) : pids;
    const mainBefore = cpuSecondsOf(workerPids, true);
    const clientBefore = process.cpuUsage();
    const began = performance.now();
    await closedLoop(client, CLIENTS, ORDERS, `http-${workers}`);
    const wallSeconds = (performance.now() - began) / 1000;
    const cpuSeconds = cpuSecondsOf(pids) - cpuBefore;
    const primaryCpuSeconds = cpuSecondsOf([child.pid!]) - primaryBefore;
    const mainThreadCpuSeconds = cpuSecondsOf(workerPids, true) - mainBefore;
    const clientUsage = process.cpuUsage(clientBefore);
    const clientCpuSeconds = (clientUsage.user + clientUsage.system) / 1e6;
    await client.assertAllFinished();
    const cacheAfter = await engineCacheLookups(metricsUrl, workers);
    const engineCache = { hit: cacheAfter.hit - cacheBefore.hit, miss: cacheAfter.miss - cacheBefore.miss, stale: cacheAfter.stale - cacheBefore.stale };
    return { orders: ORDERS, workers, wallSeconds, cpuSeconds, primaryCpuSeconds, mainThreadCpuSeconds, clientCpuSeconds, latencies: client.latencies, engineCache };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ceiling: the same lifecycle in bpmn-engine with every instance in memory, CPU of this process. */
async function lifecycleInMemory(): Promise<{ orders: number; cpuSeconds: number }> {
  const definitions = await loadDefinitions();
  const run = async (count: number, prefix: string) => {
    const raw = new RawEngineHarness(definitions);
    for (let i = 0; i < count; i++) {
      const root = await raw.start('order-to-cash', order(`${prefix}-${i}`, AMOUNT).variables);
      await raw.completeTask(root, 'sales-director', { approved: true });
      await raw.completeTask(root, 'vice-president', { approved: true });
      for (const type of JOB_TYPES) await raw.completeJob(root, type);
    }
  };
  await run(10, 'warm');
  const before = process.cpuUsage();
  await run(ORDERS, 'raw');
  const used = process.cpuUsage(before);
  return { orders: ORDERS, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Bytes stored per order waiting at the director's approval: engine state, waits and history (SQLite). */
async function storedPerWaitingOrder(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-size-'));
  const { url, child } = await startServerProcess(dataDir, { STRATUM_WORKERS: '1' });
  try {
    for (let i = 0; i < WAITING_ORDERS; i++) {
      const { specialChange: _none, ...body } = order(`size-${i}`, AMOUNT).entry;
      const response = await fetch(`${url}/api/orders`, {
        method: 'POST', headers: { authorization: 'Bearer demo-integration', 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`order ${i}: ${response.status}`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const db = new Database(join(dataDir, 'stratum.db'), { readonly: true });
  const sum = (sql: string) => Number((db.prepare(sql).get() as { bytes: number | null }).bytes ?? 0);
  const state = sum('SELECT SUM(LENGTH(state)) AS bytes FROM instances');
  const variables = sum('SELECT SUM(LENGTH(variables)) AS bytes FROM instances');
  const waits = sum(`SELECT SUM(LENGTH(id) + LENGTH(instance_id) + LENGTH(COALESCE(variables, '')) + 200) AS bytes FROM waits`);
  const history = sum(`SELECT SUM(LENGTH(instance_id) + LENGTH(event) + LENGTH(COALESCE(element_id, '')) + LENGTH(COALESCE(element_type, '')) + LENGTH(COALESCE(data, '')) + 40) AS bytes FROM history`);
  const pageBytes = Number((db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number));
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  const kb = (bytes: number) => Math.round((bytes / WAITING_ORDERS / 1024) * 10) / 10;
  return {
    stateKbPerWaitingOrder: kb(state),
    variablesKbPerWaitingOrder: kb(variables),
    waitsKbPerWaitingOrder: kb(waits),
    historyKbPerWaitingOrder: kb(history),
    databaseKbPerWaitingOrder: kb(pageBytes),
  };
}

/**
 * Orders per second the CPU measured per order allows: every core busy with the server and the clients, and each
 * worker's main thread (where its JavaScript runs) at most one core. From CPU time only, so a loaded machine changes
 * it far less than it changes the wall-clock throughput.
 */
function cpuBoundOrdersPerSec(run: Run, cores: number): number {
  const allPerOrder = (run.cpuSeconds + run.clientCpuSeconds) / run.orders;
  const mainThreadPerOrder = run.mainThreadCpuSeconds / run.orders;
  return Math.min(cores / allPerOrder, run.workers / mainThreadPerOrder);
}

function hitRate(run: Run): number {
  const { hit, miss, stale } = run.engineCache;
  return hit / (hit + miss + stale || 1);
}

export async function runWorkersBench(): Promise<BenchResult> {
  const cores = availableParallelism();
  const ceiling = await lifecycleInMemory();
  const one = await lifecycleOverHttp(1);
  const many = await lifecycleOverHttp(cores);
  const routed = await lifecycleOverHttp(cores, 'order');
  const size = await storedPerWaitingOrder();
  const perCpu = (run: { orders: number; cpuSeconds: number }) => run.orders / run.cpuSeconds;
  const msPerOrder = (run: Run, seconds: number) => Math.round((seconds / run.orders) * 10_000) / 10;
  const summary = {
    cores,
    ceilingOrdersPerCpuSec: perCpu(ceiling),
    oneWorkerOrdersPerCpuSec: perCpu(one),
    oneWorkerCeilingRatio: perCpu(one) / perCpu(ceiling),
    oneWorkerOrdersPerSec: one.orders / one.wallSeconds,
    workersOrdersPerSec: many.orders / many.wallSeconds,
    workersOrdersPerCpuSec: perCpu(many),
    workersSpeedup: one.wallSeconds / many.wallSeconds,
    routedOrdersPerSec: routed.orders / routed.wallSeconds,
    routedOrdersPerCpuSec: perCpu(routed),
    routedSpeedup: one.wallSeconds / routed.wallSeconds,
    routedVsSpreadPerCpu: perCpu(routed) / perCpu(many),
    // where the CPU of an order goes (ms per order), and what the cores allow
    'oneWorker.serverCpuMsPerOrder': msPerOrder(one, one.cpuSeconds),
    'oneWorker.mainThreadCpuMsPerOrder': msPerOrder(one, one.mainThreadCpuSeconds),
    'oneWorker.clientCpuMsPerOrder': msPerOrder(one, one.clientCpuSeconds),
    'routed.workersCpuMsPerOrder': msPerOrder(routed, routed.cpuSeconds - routed.primaryCpuSeconds),
    'routed.primaryCpuMsPerOrder': msPerOrder(routed, routed.primaryCpuSeconds),
    'routed.workerMainThreadsCpuMsPerOrder': msPerOrder(routed, routed.mainThreadCpuSeconds),
    'routed.clientCpuMsPerOrder': msPerOrder(routed, routed.clientCpuSeconds),
    routedSpeedupCpuBound: cpuBoundOrdersPerSec(routed, cores) / cpuBoundOrdersPerSec(one, cores),
    oneWorkerEngineCacheHitRate: hitRate(one),
    workersEngineCacheHitRate: hitRate(many),
    routedEngineCacheHitRate: hitRate(routed),
    ...latencySummary(one.latencies, 'oneWorker.'),
    ...latencySummary(many.latencies, 'workers.'),
    ...latencySummary(routed.latencies, 'routed.'),
    ...size,
    loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  };
  return {
    name: 'workers',
    description: `${ORDERS} credit orders of ${AMOUNT} through their whole lifecycle (POST /api/orders, the director's and the vice-president's approval, procurement-planning, production-planning and shipping jobs) by ${CLIENTS} concurrent clients over HTTP against npm start on SQLite with STRATUM_WORKERS=1, STRATUM_WORKERS=${cores} (one per core; the cluster spreads connections) and STRATUM_WORKERS=${cores} with STRATUM_ROUTING=order (routed: the primary proxies each order's requests to one worker); ceiling = the same lifecycle in raw bpmn-engine with every instance in memory, in this process. Per-CPU figures count the server processes' CPU time (primary and workers), so other load on the machine weighs less; CPU ms per order: the one worker's in all and on its main thread, the routed run's workers' and primary's, and the clients' (this process, on the same cores); routedSpeedupCpuBound: the routed workers' throughput over one worker's as the CPU measured per order bounds them (every core busy with the server and the clients, and no main thread over one core): what the cores allow, however the server spends its time; speedup = wall time with one worker / with ${cores}; engine cache hit rate = warm-engine hits / lookups over the measured orders, summed over the workers (one scrape of the primary's merged /metrics: the API port routed, the management port STRATUM_HEALTH_PORT shared-port). Stored size: ${WAITING_ORDERS} orders waiting at the director's approval, bytes per order of engine state, variables, waits (approximate row size), history (approximate row size) and the whole database file. loadAverage1m: the machine's load when the run ended.`,
    summary,
  };
}
