// Engine benchmark: Stratum's durable runtime on SQLite against the in-process
// ceiling (bpmn-engine with every instance held in memory), on the shipped
// order library, measured in one run and compared as ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBpmn } from '../engine/bpmn/moddle.js';
import { compileProcessModels } from '../engine/bpmn/process-model.js';
import { openStore, openStratum, type Stratum } from '../engine/index.js';
import { compileExecutable, type ExecutableDefinition } from '../engine/runtime/definition-cache.js';
import { feelTiming } from '../engine/runtime/execution-environment.js';
import { order, shippedDiagrams } from '../test/support/stratum-fixture.js';
import { RawEngineHarness } from './raw-engine-harness.js';
import { median, type BenchResult } from './report.js';

const ORDERS_PER_ROUND = Number(process.env.BENCH_ORDERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WAITING_ORDERS = Number(process.env.BENCH_WAITING ?? 10_000);
const RAW_HELD_ORDERS = Number(process.env.BENCH_RAW_HELD ?? 300);
const AMOUNT = 1_200_000; // director, then vice-president: the longest approval path

async function loadDefinitions(): Promise<Map<string, ExecutableDefinition>> {
  const definitions = new Map<string, ExecutableDefinition>();
  for (const file of shippedDiagrams()) {
    for (const model of compileProcessModels((await parseBpmn(file.xml)).definitions)) {
      definitions.set(model.key, await compileExecutable(model.key, 1, file.xml));
    }
  }
  return definitions;
}

async function openDurable(): Promise<{ stratum: Stratum; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
  const stratum = await openStratum({ store: await openStore({ dataDir }) });
  await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
  return { stratum, dispose: async () => { await stratum.close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

const perSecond = (count: number, ms: number) => (count * 1000) / ms;

async function timed(work: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

function heapAfterGc(): { heapUsedMb: number; rssMb: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { heapUsedMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 };
}

/** Raw ceiling: instances live in memory, call activities bridged in memory. */
async function measureRaw(definitions: Map<string, ExecutableDefinition>, prefix: string) {
  const raw = new RawEngineHarness(definitions);
  const roots: Awaited<ReturnType<RawEngineHarness['start']>>[] = [];
  const startMs = await timed(async () => {
    for (let i = 0; i < ORDERS_PER_ROUND; i++) roots.push(await raw.start('order-to-cash', order(`${prefix}-${i}`, AMOUNT).variables));
  });
  const completeMs = await timed(async () => {
    for (const root of roots) await raw.completeTask(root, 'sales-director', { approved: true });
  });
  return { startMs, completeMs };
}

/** Durable: every step committed to SQLite, no instance kept in memory. */
async function measureDurable(prefix: string, director: { name: string; groups: string[] }) {
  const durable = await openDurable();
  const runtime = durable.stratum.runtime;
  feelTiming.evaluations = 0;
  feelTiming.totalMs = 0;
  const startMs = await timed(async () => {
    for (let i = 0; i < ORDERS_PER_ROUND; i++) await runtime.start('order-to-cash', order(`${prefix}-${i}`, AMOUNT));
  });
  const tasks = await runtime.findTasks({ candidateGroup: 'sales-director' });
  const completeMs = await timed(async () => {
    for (const task of tasks) await runtime.completeTask(task.id, { approved: true }, director);
  });
  const feelSharePercent = (feelTiming.totalMs / (startMs + completeMs)) * 100;
  await durable.dispose();
  return { startMs, completeMs, completed: tasks.length, feelEvaluations: feelTiming.evaluations, feelSharePercent };
}

export async function runEngineBench(): Promise<BenchResult> {
  const definitions = await loadDefinitions();
  const director = { name: 'bench-director', groups: ['sales-director'] };
  const rounds: Record<string, number>[] = [];

  // Warm-up (JIT, definition cache), not measured.
  const warmRaw = new RawEngineHarness(definitions);
  for (let i = 0; i < 5; i++) await warmRaw.start('order-to-cash', order(`warm-${i}`, AMOUNT).variables);
  const warmDurable = await openDurable();
  for (let i = 0; i < 5; i++) await warmDurable.stratum.runtime.start('order-to-cash', order(`warm-${i}`, AMOUNT));
  await warmDurable.dispose();

  for (let round = 0; round < ROUNDS; round++) {
    // Each side runs on a heap cleared of the other's instances, and the sides
    // alternate going first, so neither pays for the other's garbage or warm-up.
    const runRaw = () => measureRaw(definitions, `raw-${round}`);
    const runDurable = () => measureDurable(`dur-${round}`, director);
    heapAfterGc();
    const rawFirst = round % 2 === 0;
    const first = rawFirst ? await runRaw() : await runDurable();
    heapAfterGc();
    const second = rawFirst ? await runDurable() : await runRaw();
    const raw = (rawFirst ? first : second) as Awaited<ReturnType<typeof measureRaw>>;
    const durable = (rawFirst ? second : first) as Awaited<ReturnType<typeof measureDurable>>;

    rounds.push({
      rawStartPerSec: perSecond(ORDERS_PER_ROUND, raw.startMs),
      durableStartPerSec: perSecond(ORDERS_PER_ROUND, durable.startMs),
      rawCompletePerSec: perSecond(ORDERS_PER_ROUND, raw.completeMs),
      durableCompletePerSec: perSecond(durable.completed, durable.completeMs),
      startRatio: raw.startMs / durable.startMs,
      completeRatio: raw.completeMs / durable.completeMs,
      // a whole order's life here: posted, then approved by the director
      lifecycleRatio: (raw.startMs + raw.completeMs) / (durable.startMs + durable.completeMs),
      feelEvaluations: durable.feelEvaluations,
      feelSharePercent: durable.feelSharePercent,
    });
    console.log(`engine round ${round + 1}/${ROUNDS}`, rounds.at(-1));
  }

  // Memory: durable waiting orders cost store rows, not heap.
  const durable = await openDurable();
  const checkpoints: { waitingOrders: number; heapUsedMb: number; rssMb: number }[] = [{ waitingOrders: 0, ...heapAfterGc() }];
  const marks = [WAITING_ORDERS / 10, WAITING_ORDERS / 4, WAITING_ORDERS / 2, WAITING_ORDERS].map(Math.round);
  for (let i = 1; i <= WAITING_ORDERS; i++) {
    await durable.stratum.runtime.start('order-to-cash', order(`wait-${i}`, AMOUNT));
    if (marks.includes(i)) {
      checkpoints.push({ waitingOrders: i, ...heapAfterGc() });
      console.log('durable waiting orders', checkpoints.at(-1));
    }
  }
  await durable.dispose();
  const first = checkpoints[1]!;
  const last = checkpoints.at(-1)!;
  const durableHeapKbPerOrder = ((last.heapUsedMb - first.heapUsedMb) * 1024) / (last.waitingOrders - first.waitingOrders);

  // Raw: the same orders held in memory.
  const before = heapAfterGc();
  const raw = new RawEngineHarness(definitions);
  for (let i = 0; i < RAW_HELD_ORDERS; i++) await raw.start('order-to-cash', order(`held-${i}`, AMOUNT).variables);
  const after = heapAfterGc();
  const rawHeapKbPerOrder = ((after.heapUsedMb - before.heapUsedMb) * 1024) / RAW_HELD_ORDERS;

  const summary = {
    startRatio: median(rounds.map((r) => r.startRatio!)),
    completeRatio: median(rounds.map((r) => r.completeRatio!)),
    lifecycleRatio: median(rounds.map((r) => r.lifecycleRatio!)),
    durableStartPerSec: median(rounds.map((r) => r.durableStartPerSec!)),
    rawStartPerSec: median(rounds.map((r) => r.rawStartPerSec!)),
    durableCompletePerSec: median(rounds.map((r) => r.durableCompletePerSec!)),
    rawCompletePerSec: median(rounds.map((r) => r.rawCompletePerSec!)),
    feelSharePercent: median(rounds.map((r) => r.feelSharePercent!)),
    durableHeapKbPerWaitingOrder: durableHeapKbPerOrder,
    rawHeapKbPerWaitingOrder: rawHeapKbPerOrder,
  };
  return {
    name: 'engine',
    description: `Shipped library, ${AMOUNT} credit order (3 instances per order). Start = POST to the director's task; complete = director approval to the vice-president's task. Ratios are durable throughput / raw throughput, per round; medians of ${ROUNDS} rounds of ${ORDERS_PER_ROUND} orders.`,
    summary,
    rounds,
    memory: { durable: checkpoints, raw: { heldOrders: RAW_HELD_ORDERS, before, after } },
  };
}
