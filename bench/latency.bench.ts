// Latency at half the maximum throughput (issue 10's target: p99 of every
// request type ≤ 50 ms), on `npm start` as shipped: one worker per core behind
// the order router, on SQLite. First the maximum: the whole-order lifecycle
// (order-lifecycle.ts) by 8 closed-loop clients, as the workers bench drives
// it. Then the same lifecycle open-loop at half that rate: orders arrive on a
// fixed schedule whatever the server answers (a slow answer delays no later
// arrival, so queueing shows in the latencies instead of lowering the load),
// each driven through its lifecycle at once; p50 and p99 of each request type.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, startServerProcess } from './http.bench.js';
import { closedLoop, LifecycleClient, REQUEST_KINDS } from './order-lifecycle.js';
import type { BenchResult } from './report.js';

const CLOSED_ORDERS = Number(process.env.BENCH_LATENCY_ORDERS ?? 80);
const CLIENTS = 8;
/** How long orders arrive in the open loop. */
const OPEN_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 60);
const WORKERS = Number(process.env.BENCH_LATENCY_WORKERS ?? availableParallelism());
const TARGET_P99_MS = 50;

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const round = (value: number) => Math.round(value * 10) / 10;

/** Lifecycles started at `perSecond` for `seconds`, each on its own schedule; resolves once every one has ended. */
async function openLoop(client: LifecycleClient, perSecond: number, seconds: number): Promise<{ orders: number; wallSeconds: number; maxLagMs: number }> {
  const orders = Math.max(1, Math.round(perSecond * seconds));
  const intervalMs = 1000 / perSecond;
  const began = performance.now();
  let maxLagMs = 0;
  const lifecycles: Promise<void>[] = [];
  for (let index = 0; index < orders; index++) {
    const due = began + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // how late this process started an arrival (a busy client would understate the latencies)
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    lifecycles.push(client.lifecycle(`open-${index}`, `open-${index % CLIENTS}`));
  }
  await Promise.all(lifecycles);
  await client.drain();
  return { orders, wallSeconds: (performance.now() - began) / 1000, maxLagMs };
}

export async function runLatencyBench(): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-latency-'));
  const loadBefore = loadAverage();
  const ready = WORKERS > 1 ? 'stratum workers listening' : 'stratum server listening';
  const { url, child } = await startServerProcess(dataDir, { STRATUM_WORKERS: String(WORKERS), STRATUM_ROUTING: 'order' }, ready);
  try {
    const client = new LifecycleClient(url);
    // warm-up: JIT and the per-version definition cache of every worker
    for (let i = 0; i < 4 * WORKERS; i++) await client.post(`warm-${i}`, 100);
    await client.drain();

    client.latencies.clear();
    const closedBegan = performance.now();
    await closedLoop(client, CLIENTS, CLOSED_ORDERS, 'closed');
    const maxOrdersPerSec = CLOSED_ORDERS / ((performance.now() - closedBegan) / 1000);
    await client.assertAllFinished();
    const closedLatencies = new Map(client.latencies);

    client.latencies.clear();
    const refusedBefore = client.refused;
    const openRate = maxOrdersPerSec / 2;
    const open = await openLoop(client, openRate, OPEN_SECONDS);
    await client.assertAllFinished();

    const summary: Record<string, number> = {
      cores: availableParallelism(),
      workers: WORKERS,
      maxOrdersPerSec: Math.round(maxOrdersPerSec * 100) / 100,
      openLoopOrdersPerSec: Math.round(openRate * 100) / 100,
      openLoopOrders: open.orders,
      openLoopWallSeconds: round(open.wallSeconds),
      openLoopMaxArrivalLagMs: round(open.maxLagMs),
      openLoopRefused503: client.refused - refusedBefore,
    };
    let worstP99 = 0;
    for (const kind of REQUEST_KINDS) {
      const values = client.latencies.get(kind) ?? [];
      if (!values.length) continue;
      const p99 = percentile(values, 99);
      worstP99 = Math.max(worstP99, p99);
      summary[`open.${kind}.count`] = values.length;
      summary[`open.${kind}.p50Ms`] = round(percentile(values, 50));
      summary[`open.${kind}.p99Ms`] = round(p99);
      summary[`open.${kind}.maxMs`] = round(Math.max(...values));
      const closed = closedLatencies.get(kind) ?? [];
      if (closed.length) summary[`closed.${kind}.p99Ms`] = round(percentile(closed, 99));
    }
    summary.openLoopWorstP99Ms = round(worstP99);
    summary.openLoopTargetMet = worstP99 <= TARGET_P99_MS ? 1 : 0;
    const loadAfter = loadAverage();
    summary.loadAverage1mBefore = loadBefore[0];
    summary.loadAverage1mAfter = loadAfter[0];
    summary.loadAverage5mAfter = loadAfter[1];
    return {
      name: 'latency',
      description: `npm start on SQLite with STRATUM_WORKERS=${WORKERS} and STRATUM_ROUTING=order. Maximum throughput: ${CLOSED_ORDERS} credit orders over 1,000,000 through their whole lifecycle (POST /api/orders, GET /api/tasks and POST /api/tasks/{id}/complete for the director and the vice-president, then POST /api/jobs/fetch-and-lock and POST /api/jobs/{id}/complete for procurement-planning, production-planning and shipping) by ${CLIENTS} closed-loop clients. Then the same lifecycle open-loop at half that rate for ${OPEN_SECONDS} s: orders arrive on a fixed schedule whatever the answers, each driven through its lifecycle at once; p50, p99 and max per request type (post-order, list-tasks, complete-task, fetch-jobs, complete-job), from sending a request to its whole answer (a 503 is retried after Retry-After and counted in openLoopRefused503). Target: p99 of every type ≤ ${TARGET_P99_MS} ms (openLoopTargetMet). closed.*.p99Ms: the same types during the closed loop, for comparison. openLoopMaxArrivalLagMs: how late the load generator started an arrival. The machine's load average before and after.`,
      summary,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
