// Stratum beside bpmn-server 2.3.8 (npm `bpmn-server`) on the same process,
// start → user task → end (bench/fixtures/review.bpmn), in one run and in
// this one process: instances started and completed per CPU-second, both
// durable on disk — Stratum through its engine API on SQLite, bpmn-server
// through its engine on its JSON-file store (one file per instance, written
// on every save). bpmn-server's instance locker expects MongoDB (its
// JSONDataStore hands the locker a store without the `db` it calls, so every
// lock attempt fails and each start waits 20 × 1.5 s before it gives up): a
// small in-process lock stands in. bpmn-server logs every store query with
// console.log; console.log is silenced while it runs, which only helps it.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, openStratum } from '../engine/index.js';
import type { BPMNServer as BpmnServerType } from 'bpmn-server';
import { median, type BenchResult } from './report.js';

const INSTANCES = Number(process.env.BENCH_BPMN_SERVER_INSTANCES ?? 100);
const ROUNDS = Number(process.env.BENCH_BPMN_SERVER_ROUNDS ?? 3);
const FIXTURE = fileURLToPath(new URL('./fixtures/review.bpmn', import.meta.url));
const reviewer = { name: 'bench', groups: ['reviewers'] };

interface Side {
  /** Starts one instance, completes its user task and checks that it ended. */
  run(index: number): Promise<void>;
  dispose(): Promise<void>;
}

interface Measured {
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU milliseconds per instance over the first and the last quarter of the round. */
  firstQuarterCpuMs: number;
  lastQuarterCpuMs: number;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function measure(side: Side): Promise<Measured> {
  const quarter = Math.max(1, Math.floor(INSTANCES / 4));
  const marks: number[] = [];
  const began = performance.now();
  const cpuBefore = cpuNow();
  for (let i = 0; i < INSTANCES; i++) {
    if (i === quarter || i === INSTANCES - quarter) marks.push(cpuNow());
    await side.run(i);
    if (i === quarter - 1) marks.push(cpuNow());
  }
  const cpuAfter = cpuNow();
  await side.dispose();
  return {
    cpuSeconds: cpuAfter - cpuBefore,
    wallSeconds: (performance.now() - began) / 1000,
    firstQuarterCpuMs: ((marks[0] - cpuBefore) * 1000) / quarter,
    lastQuarterCpuMs: ((cpuAfter - marks.at(-1)!) * 1000) / quarter,
  };
}

/** Stratum's engine API on a fresh SQLite file. */
async function openStratumSide(): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-vs-'));
  const stratum = await openStratum({ store: await openStore({ dataDir }) });
  await stratum.library.deploy([{ name: 'review.bpmn', xml: readFileSync(FIXTURE, 'utf8') }], { user: 'bench' });
  return {
    async run(index) {
      const { instance } = await stratum.runtime.start('review', { businessKey: `r-${index}` });
      const taskId = instance.waiting.find((wait) => wait.type === 'task')?.taskId;
      if (!taskId) throw new Error(`stratum: instance ${instance.id} does not wait at the review`);
      const after = await stratum.runtime.completeTask(taskId, { approved: true }, reviewer);
      if (after.status !== 'completed') throw new Error(`stratum: instance ${instance.id} is ${after.status}`);
    },
    async dispose() {
      await stratum.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The part of bpmn-server's execution this bench reads (its own types say `any`). */
interface ItemRow { id: string; elementId: string; status: string }
interface Execution { instance: { id: string; status: string; items: ItemRow[] } }
interface BpmnServerEngine {
  start(name: string, data: Record<string, unknown>): Promise<Execution>;
  invoke(query: Record<string, unknown>, data: Record<string, unknown>): Promise<Execution>;
}

/** bpmn-server with its JSON-file store in a fresh folder, the in-process lock standing in for MongoDB's. */
async function openBpmnServerSide(): Promise<Side> {
  const folder = mkdtempSync(join(tmpdir(), 'bpmn-server-bench-'));
  mkdirSync(join(folder, 'processes'));
  mkdirSync(join(folder, 'data'));
  copyFileSync(FIXTURE, join(folder, 'processes', 'review.bpmn'));
  // bpmn-server installs an uncaughtException handler that swallows every error when it loads: take it off again.
  const handlers = new Set(process.listeners('uncaughtException'));
  const { BPMNServer, Configuration, DefaultAppDelegate, Logger, ModelsDatastore, NoCacheManager, ScriptHandler } = await import('bpmn-server');
  const { JSONDataStore } = await import('bpmn-server/dist/datastore/JSONDataStore.js');
  for (const handler of process.listeners('uncaughtException')) if (!handlers.has(handler)) process.off('uncaughtException', handler);

  const held = new Set<string>();
  const locker = {
    lock: (id: string) => {
      if (held.has(id)) return Promise.reject(new Error(`instance ${id} is locked`));
      held.add(id);
      return Promise.resolve(true);
    },
    release: (id: string) => Promise.resolve(held.delete(id)),
  };
  const log = console.log;
  console.log = () => undefined;
  try {
    const configuration = new Configuration({
      definitionsPath: `${join(folder, 'processes')}/`,
      templatesPath: folder,
      timers: { forceTimersDelay: 1000, precision: 3000 },
      // dataPath: the JSON store's folder; MongoDB: read (never connected) by the models store's constructor
      database: { dataPath: join(folder, 'data'), MongoDB: { db_url: 'mongodb://127.0.0.1:9', db: 'unused' } },
      apiKey: 'bench',
      logger: null,
      definitions: (server: BpmnServerType) => new ModelsDatastore(server),
      appDelegate: (server: BpmnServerType) => new DefaultAppDelegate(server),
      dataStore: (server: BpmnServerType) => Object.assign(new JSONDataStore(server), { locker }),
      cacheManager: (server: BpmnServerType) => new NoCacheManager(server),
      scriptHandler: () => new ScriptHandler(),
    });
    const server = new BPMNServer(configuration, new Logger({ toConsole: false }), { cron: false });
    const engine = server.engine as unknown as BpmnServerEngine;
    return {
      async run(index) {
        console.log = () => undefined;
        try {
          const started = await engine.start('review', { n: index });
          const item = started.instance.items.find((row) => row.elementId === 'Review' && row.status === 'wait');
          if (!item) throw new Error(`bpmn-server: instance ${started.instance.id} does not wait at the review`);
          const after = await engine.invoke({ 'items.id': item.id }, { approved: true });
          if (after.instance.status !== 'end') throw new Error(`bpmn-server: instance ${started.instance.id} is ${after.instance.status}`);
        } finally {
          console.log = log;
        }
      },
      dispose() {
        rmSync(folder, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  } finally {
    console.log = log;
  }
}

export async function runBpmnServerBench(): Promise<BenchResult> {
  // warm-up of both (JIT, module loading, Stratum's definition cache), not measured
  for (const open of [openStratumSide, openBpmnServerSide]) {
    const side = await open();
    for (let i = 0; i < 10; i++) await side.run(i);
    await side.dispose();
  }
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const stratumFirst = round % 2 === 0;
    const order = stratumFirst ? [openStratumSide, openBpmnServerSide] : [openBpmnServerSide, openStratumSide];
    const first = await measure(await order[0]());
    const second = await measure(await order[1]());
    const stratum = stratumFirst ? first : second;
    const bpmnServer = stratumFirst ? second : first;
    rounds.push({
      stratumPerCpuSec: INSTANCES / stratum.cpuSeconds,
      bpmnServerPerCpuSec: INSTANCES / bpmnServer.cpuSeconds,
      ratio: bpmnServer.cpuSeconds / stratum.cpuSeconds,
      stratumPerSec: INSTANCES / stratum.wallSeconds,
      bpmnServerPerSec: INSTANCES / bpmnServer.wallSeconds,
      stratumFirstQuarterCpuMs: stratum.firstQuarterCpuMs,
      stratumLastQuarterCpuMs: stratum.lastQuarterCpuMs,
      bpmnServerFirstQuarterCpuMs: bpmnServer.firstQuarterCpuMs,
      bpmnServerLastQuarterCpuMs: bpmnServer.lastQuarterCpuMs,
    });
    console.log(`bpmn-server: round ${round + 1}/${ROUNDS}`, rounds.at(-1));
  }
  const medianOf = (field: string) => median(rounds.map((entry) => entry[field]));
  return {
    name: 'bpmn-server',
    description: `start → user task → end (bench/fixtures/review.bpmn): ${INSTANCES} instances started and their task completed, one after another, per side and round; medians of ${ROUNDS} rounds, the sides alternating first, in one process. Stratum: engine API (runtime.start, runtime.completeTask with the task id the start returned) on SQLite (WAL, synchronous=NORMAL), a fresh file per round. bpmn-server 2.3.8: engine.start, engine.invoke({'items.id'}) with the item id the start returned, on its JSON-file store (JSONDataStore: one JSON file per instance, written with writeFileSync on every save, every query reads every file), a fresh folder per round; its instance locker expects MongoDB, so a small in-process lock (a Set of locked instance ids) stands in, and its console.log of every store query is silenced while it runs. ratio = bpmn-server's CPU time / Stratum's for the same work (> 1: Stratum does more per CPU-second). Quarter figures: CPU ms per instance over the first and the last quarter of a round (bpmn-server's store reads every instance file on each query, so its cost grows with the instances stored).`,
    summary: {
      stratumPerCpuSec: medianOf('stratumPerCpuSec'),
      bpmnServerPerCpuSec: medianOf('bpmnServerPerCpuSec'),
      ratio: medianOf('ratio'),
      lowestRatio: Math.min(...rounds.map((entry) => entry.ratio)),
      highestRatio: Math.max(...rounds.map((entry) => entry.ratio)),
      stratumPerSec: medianOf('stratumPerSec'),
      bpmnServerPerSec: medianOf('bpmnServerPerSec'),
      instancesPerRound: INSTANCES,
    },
    rounds,
  };
}
