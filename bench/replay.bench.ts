// Replay benchmark (issue 11): record orders of the shipped library through the
// live runtime (SQLite), copy their recorded rows up to BENCH_REPLAY_ORDERS
// orders, then replay them on a candidate version of credit-order-approval
// (vice-president review from 400,000) and report the replay's orders per
// second beside the live runtime's. In the same run, live steps (order entry)
// are timed alone, while the replay runs (in its worker processes) and alone
// again, so the slowdown is a ratio of one run on one machine load.
// BENCH_REPLAY_STORE=postgres runs the same on a fresh PostgreSQL schema
// (postgres-schema.ts) instead of the default SQLite file. The engine is the
// compiled one `npm start` runs (built-engine.ts), so the replay's worker
// processes start as in production; BENCH_REPLAY_FROM=sources times the
// TypeScript sources under tsx instead.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayEvent, Stratum } from '../engine/index.js';
import type { HistoryRow, InstanceRow, Store, WaitRow } from '../engine/store/types.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../test/support/stratum-fixture.js';
import { builtEngine } from './built-engine.js';
import { freshBenchSchema } from './postgres-schema.js';
import { cpuSecondsOf, treeOf } from './proc.js';
import { median, type BenchResult } from './report.js';

const ORDERS = Number(process.env.BENCH_REPLAY_ORDERS ?? 10_000);
/** Orders recorded live (each decided and worked to its end); the rest are copies of their recorded rows. */
const RECORDED = Math.min(ORDERS, Number(process.env.BENCH_REPLAY_RECORDED ?? 200));
/** Orders replayed in the calling thread, for the worker-against-in-process ratio. */
const IN_PROCESS = Math.min(ORDERS, Number(process.env.BENCH_REPLAY_IN_PROCESS ?? 1000));
/** How long live entry is timed alone, before and after the replay. */
const ALONE_MS = Number(process.env.BENCH_REPLAY_ALONE_MS ?? 8000);
const BATCH = 100;
/** The store: `sqlite` (default, the target's) or `postgres`. */
const STORE = process.env.BENCH_REPLAY_STORE === 'postgres' ? 'postgres' : 'sqlite';
/** `built` (default: dist/, as npm start runs it) or `sources` (the TypeScript under tsx). */
const FROM = process.env.BENCH_REPLAY_FROM === 'sources' ? 'sources' : 'built';

export async function runReplayBench(): Promise<BenchResult> {
  const { openStore, openStratum } = FROM === 'built' ? await builtEngine() : await import('../engine/index.js');
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-replay-'));
  const schema = STORE === 'postgres' ? await freshBenchSchema('replay') : undefined;
  if (schema && 'skipped' in schema) throw new Error(`BENCH_REPLAY_STORE=postgres: ${schema.skipped}`);
  const config = schema ? { databaseUrl: schema.url } : { dataDir };
  const store = await openStore(config);
  const stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  try {
    await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
    const recordStarted = performance.now();
    for (let done = 0; done < RECORDED; done += BATCH) await recordBatch(stratum, done, Math.min(BATCH, RECORDED - done));
    const liveOrdersPerSecond = RECORDED / ((performance.now() - recordStarted) / 1000);
    await copyRecordedOrders(store, ORDERS - RECORDED);

    const candidate = shippedDiagrams().find((file) => file.name === 'credit-order-approval.bpmn')!;
    const files = [{ ...candidate, xml: candidate.xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000') }];

    // the replay in the calling thread, on the first IN_PROCESS orders (no worker)
    const inProcess = await openStratum({ store: await openStore(config), orderEntry: { rates: SAMPLE_RATES }, replayWorkers: 0 });
    const inProcessReport = await inProcess.impact.analyse(files, { last: IN_PROCESS });
    await inProcess.close();

    // live entry alone, during a replay of all orders in its worker, alone again
    const aloneBefore = await probeLive(stratum, 'before', deadline(ALONE_MS));
    const ended = new Promise<ReplayEvent>((resolve) => stratum.events.on('replay', (event: ReplayEvent) => event.phase === 'ended' && resolve(event)));
    const analyseStarted = performance.now();
    let replayDone = false;
    const replaying = stratum.impact.analyse(files, { last: ORDERS }).finally(() => (replayDone = true));
    const during = await probeLive(stratum, 'during', () => replayDone);
    const report = await replaying;
    const analyseSeconds = (performance.now() - analyseStarted) / 1000;
    const replayEvent = await ended;
    // the workers stay idle for the next replay: what they used is still in their /proc entries
    const replayCpuSeconds = childCpuSeconds();
    const aloneAfter = await probeLive(stratum, 'after', deadline(ALONE_MS));

    const alonePerSecond = (aloneBefore.perSecond + aloneAfter.perSecond) / 2;
    const aloneMedianMs = (aloneBefore.medianMs + aloneAfter.medianMs) / 2;
    const loadAfter = loadavg();
    const summary = {
      orders: report.replay.orders,
      recordedLive: RECORDED,
      replayWorkers: replayEvent.workers,
      builtEngine: FROM === 'built',
      replaySeconds: round(report.replay.durationMs / 1000),
      replayWorkerCpuSeconds: round(replayCpuSeconds),
      replayCpuMsPerOrder: round((replayCpuSeconds * 1000) / report.replay.orders),
      analyseSeconds: round(analyseSeconds),
      replayOrdersPerSecond: Math.round(report.replay.orders / (report.replay.durationMs / 1000)),
      fastPathOrders: report.replay.paths.fast,
      enginePathOrders: report.replay.paths.engine,
      inProcessOrders: inProcessReport.replay.orders,
      inProcessOrdersPerSecond: Math.round(inProcessReport.replay.orders / (inProcessReport.replay.durationMs / 1000)),
      liveOrdersPerSecond: round(liveOrdersPerSecond),
      liveEntryPerSecondAlone: round(alonePerSecond),
      liveEntryPerSecondDuringReplay: round(during.perSecond),
      liveSlowdownPercent: Math.round((1 - during.perSecond / alonePerSecond) * 100),
      liveEntryMedianMsAlone: round(aloneMedianMs),
      liveEntryMedianMsDuringReplay: round(during.medianMs),
      liveCpuMsPerEntryAlone: round((aloneBefore.cpuMsPerEntry + aloneAfter.cpuMsPerEntry) / 2),
      liveCpuMsPerEntryDuringReplay: during.cpuMsPerEntry,
      loadAverageBefore: round(loadBefore[0]),
      loadAverageAfter: round(loadAfter[0]),
      cores: availableParallelism(),
    };
    return {
      name: STORE === 'postgres' ? 'replay-postgres' : 'replay',
      description: `${ORDERS} recorded orders of the shipped library (credit orders of 100,000 … 1,090,000: auto-approved ones planned and shipped, ` +
        `vice-president ones approved; ${RECORDED} recorded through the live runtime, the rest copies of their rows under new order numbers) ` +
        'replayed on credit-order-approval with the vice-president from 400,000, in the replay\'s worker processes (nice 19). In-process: the first ' +
        `${IN_PROCESS} in the calling thread. Live: the recorded orders entered, decided and worked through the runtime on ${STORE === 'postgres' ? 'PostgreSQL' : 'SQLite'} (orders/s); ` +
        `live entry (one order entered, sequentially) timed alone for ${ALONE_MS / 1000} s before and after the replay and during it, in the same run. ` +
        `Engine: ${FROM === 'built' ? 'the compiled dist/ (built first when stale), as npm start runs it' : 'the TypeScript sources under tsx'}. ` +
        'replayWorkerCpuSeconds: the worker processes\' CPU (user + system, /proc) including their start; liveCpuMsPerEntry*: the bench process\'s CPU per live entry (the analysis around the replay included during it).',
      summary,
      probes: { aloneBefore, during, aloneAfter },
      groups: report.replay.groups.map((group) => ({ kind: group.kind, description: group.description, count: group.count })),
    };
  } finally {
    await stratum.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema && !('skipped' in schema)) await schema.drop();
  }
}

/** Enters a batch of credit orders, decides their vice-president tasks and works their jobs to the end. */
async function recordBatch(stratum: Stratum, offset: number, count: number) {
  const { runtime } = stratum;
  for (let index = 0; index < count; index++) {
    const number = offset + index;
    await enter(runtime, order(`RB-${number}`, 100_000 + (number % 100) * 10_000));
  }
  for (const task of await runtime.findTasks({ candidateGroup: 'vice-president', limit: 500 })) {
    await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (;;) {
      const jobs = await runtime.fetchAndLockJobs({ type, workerId: 'bench', max: 100 });
      if (jobs.length === 0) break;
      for (const job of jobs) await runtime.completeJob(job.id, {}, erp, 'bench');
    }
  }
}

/**
 * Copies the recorded orders' rows (instances, history, waits) under new ids
 * and order numbers until `count` more orders are recorded: what replay reads
 * is the same as for orders run live, without running 10,000 orders live first.
 */
async function copyRecordedOrders(store: Store, count: number) {
  const originals = await store.read(async (tx) => {
    const roots = await tx.findInstances({ processKey: 'order-to-cash', rootOnly: true });
    const trees: { tree: InstanceRow[]; history: HistoryRow[]; waits: WaitRow[] }[] = [];
    for (const root of roots) {
      const tree = await tx.findInstances({ rootId: root.id });
      trees.push({ tree, history: await tx.historyOf(tree.map((instance) => instance.id)), waits: await tx.findWaits({ rootId: root.id }) });
    }
    return trees;
  });
  for (let copied = 0; copied < count;) {
    await store.transaction(async (tx) => {
      for (let inBatch = 0; inBatch < 200 && copied < count; inBatch++, copied++) {
        const { tree, history, waits } = originals[copied % originals.length];
        const orderNo = `RC-${copied}`;
        const ids = new Map(tree.map((instance) => [instance.id, randomUUID()]));
        const id = (old: string | null) => (old === null ? null : ids.get(old) ?? old);
        const renumber = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(`"${tree[0].businessKey}"`, `"${orderNo}"`)) as T;
        for (const instance of tree) {
          await tx.insertInstance(renumber({
            ...instance, id: id(instance.id)!, rootId: id(instance.rootId)!, parentId: id(instance.parentId), businessKey: orderNo,
          }));
        }
        await tx.appendHistory(history.map((row) => renumber({ ...row, instanceId: id(row.instanceId)!, waitId: null })));
        for (const instance of tree) {
          const own = waits.filter((wait) => wait.instanceId === instance.id);
          if (own.length === 0) continue;
          await tx.replaceWaits(id(instance.id)!, own.map((wait) => ({
            ...wait, id: `${id(instance.id)}:${wait.executionId}`, instanceId: id(instance.id)!, rootId: id(wait.rootId)!, businessKey: orderNo,
            childInstanceId: id(wait.childInstanceId),
          })));
        }
      }
    });
  }
}

/** Enters orders one after another until `stop()`; entries per second and the median entry time. */
async function probeLive(stratum: Stratum, label: string, stop: () => boolean) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const times: number[] = [];
  while (!stop() || times.length === 0) {
    const began = performance.now();
    await enter(stratum.runtime, order(`PROBE-${label}-${times.length}`, 300_000));
    times.push(performance.now() - began);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  // this process's CPU (its every thread, and the analysis's own work beside the replay during it) per entry
  const cpuMsPerEntry = round((used.user + used.system) / 1000 / times.length);
  return { entries: times.length, seconds: round(seconds), perSecond: round(times.length / seconds), medianMs: round(median(times)), cpuMsPerEntry };
}

/** CPU seconds (user and system) of this process's living descendants: the replay's workers. */
function childCpuSeconds(): number {
  return cpuSecondsOf(treeOf(process.pid).slice(1));
}

/** A stop condition that holds `ms` from now. */
function deadline(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() >= end;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
