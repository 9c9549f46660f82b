// Engine benchmark: Stratum's durable runtime on SQLite against the in-process
// ceiling (bpmn-engine with every instance held in memory), on the shipped
// order library, measured in one run and compared as ratios, per process:
// each level-3 variant is started and then moved by the event it waits for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBpmn } from '../engine/bpmn/moddle.js';
import { compileProcessModels } from '../engine/bpmn/process-model.js';
import { openStore, openStratum, type Stratum } from '../engine/index.js';
import { compileExecutable, type ExecutableDefinition } from '../engine/runtime/definition-cache.js';
import { PostgresStore } from '../engine/store/postgres.js';
import { enter, order, SAMPLE_RATES, shippedDiagrams } from '../test/support/stratum-fixture.js';
import { freshBenchSchema } from './postgres-schema.js';
import { RawEngineHarness } from './raw-engine-harness.js';
import type { FeelTiming } from '../engine/runtime/execution-environment.js';
import { median, type BenchResult } from './report.js';

const ORDERS_PER_ROUND = Number(process.env.BENCH_ORDERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WAITING_ORDERS = Number(process.env.BENCH_WAITING ?? 10_000);
const RAW_HELD_ORDERS = Number(process.env.BENCH_RAW_HELD ?? 300);
const AMOUNT = 1_200_000; // director, then vice-president: the longest approval path

/** What moves an order on after it was posted: the event its level-3 process waits for. */
type Action =
  | { kind: 'task'; group: string; variables: Record<string, unknown> }
  | { kind: 'job'; type: string }
  | { kind: 'message'; name: string };

interface Scenario {
  /** The level-3 process and the path through it. */
  name: string;
  amount: number;
  paymentTerms: string;
  specialChange: unknown;
  action: Action;
  /** What the action leads to, for the report. */
  step: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'credit-order-approval, more than 1,000,000', amount: AMOUNT, paymentTerms: 'credit', specialChange: null,
    action: { kind: 'task', group: 'sales-director', variables: { approved: true } }, step: "director's approval → vice-president's task",
  },
  {
    name: 'credit-order-approval, more than 500,000', amount: 700_000, paymentTerms: 'credit', specialChange: null,
    action: { kind: 'task', group: 'vice-president', variables: { approved: true } }, step: "vice-president's approval → back in sales order management, planning jobs",
  },
  {
    name: 'credit-order-approval, up to 500,000', amount: 300_000, paymentTerms: 'credit', specialChange: null,
    action: { kind: 'job', type: 'procurement-planning' }, step: 'procurement planning job completed → waiting for production planning',
  },
  {
    name: 'prepaid-entry-control', amount: 5_000_000, paymentTerms: 'prepaid-at-entry', specialChange: null,
    action: { kind: 'message', name: 'PaymentReceived' }, step: 'PaymentReceived → planning jobs',
  },
  {
    name: 'prepaid-shipment-control', amount: 5_000_000, paymentTerms: 'prepaid-at-shipment', specialChange: null,
    action: { kind: 'message', name: 'ShipmentRequested' }, step: 'ShipmentRequested → still waiting for PaymentReceived',
  },
  {
    name: 'special-change-notification', amount: 300_000, paymentTerms: 'credit', specialChange: { description: 'paint in RAL 5015' },
    action: { kind: 'task', group: 'procurement', variables: {} }, step: "procurement's acknowledgement → two acknowledgements still open",
  },
];

const orderOf = (scenario: Scenario, orderNo: string) => order(orderNo, scenario.amount, scenario.paymentTerms, scenario.specialChange);

export async function loadDefinitions(): Promise<Map<string, ExecutableDefinition>> {
  const definitions = new Map<string, ExecutableDefinition>();
  for (const file of shippedDiagrams()) {
    for (const model of compileProcessModels((await parseBpmn(file.xml)).definitions)) {
      definitions.set(model.key, await compileExecutable(model.key, 1, file.xml));
    }
  }
  return definitions;
}

/** Opens a runtime that counts its condition evaluations into `feelTiming`. */
type DurableStore = (feelTiming: FeelTiming) => Promise<{ stratum: Stratum; dispose: () => Promise<void> }>;

/** The scale-out store: a fresh schema on the PostgreSQL of STRATUM_BENCH_DATABASE_URL, dropped afterwards. */
async function openPostgres(feelTiming: FeelTiming): Promise<{ stratum: Stratum; dispose: () => Promise<void> }> {
  const schema = await freshBenchSchema('engine');
  if ('skipped' in schema) throw new Error(schema.skipped);
  const store = new PostgresStore({ connectionString: schema.url });
  await store.migrate();
  const stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES }, feelTiming });
  await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
  return {
    stratum,
    dispose: async () => {
      await stratum.close();
      await schema.drop();
    },
  };
}

/** Why PostgreSQL cannot be used, or null: a schema is made and dropped. */
async function postgresUnreachable(): Promise<string | null> {
  const schema = await freshBenchSchema('probe');
  if ('skipped' in schema) return schema.skipped;
  await schema.drop();
  return null;
}

async function openDurable(feelTiming: FeelTiming): Promise<{ stratum: Stratum; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
  const stratum = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES }, feelTiming });
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
async function measureRaw(definitions: Map<string, ExecutableDefinition>, scenario: Scenario, prefix: string) {
  const raw = new RawEngineHarness(definitions);
  const roots: Awaited<ReturnType<RawEngineHarness['start']>>[] = [];
  const startMs = await timed(async () => {
    for (let i = 0; i < ORDERS_PER_ROUND; i++) roots.push(await raw.start('order-to-cash', orderOf(scenario, `${prefix}-${i}`).variables));
  });
  const { action } = scenario;
  const actionMs = await timed(async () => {
    for (const root of roots) {
      if (action.kind === 'task') await raw.completeTask(root, action.group, action.variables);
      else if (action.kind === 'job') await raw.completeJob(root, action.type);
      else await raw.correlate(root, action.name);
    }
  });
  return { startMs, actionMs, acted: roots.length };
}

/** Durable: every step committed to SQLite, no instance kept in memory. */
async function measureDurable(scenario: Scenario, prefix: string, open: DurableStore) {
  const feelTiming: FeelTiming = { evaluations: 0, totalMs: 0 };
  const durable = await open(feelTiming);
  const runtime = durable.stratum.runtime;
  const orderNos = Array.from({ length: ORDERS_PER_ROUND }, (_, i) => `${prefix}-${i}`);
  const startMs = await timed(async () => {
    for (const orderNo of orderNos) await enter(runtime, orderOf(scenario, orderNo));
  });
  // What the action needs is looked up before timing, as a worker or approver would have it at hand.
  const { action } = scenario;
  let act: (() => Promise<unknown>)[];
  if (action.kind === 'task') {
    const actor = { name: 'bench', groups: [action.group] };
    act = (await runtime.findTasks({ candidateGroup: action.group })).map((task) => () => runtime.completeTask(task.id, action.variables, actor));
  } else if (action.kind === 'job') {
    const jobs = await runtime.fetchAndLockJobs({ type: action.type, workerId: 'bench', max: ORDERS_PER_ROUND });
    act = jobs.map((job) => () => runtime.completeJob(job.id, {}, { name: 'bench', groups: ['integration'] }, 'bench'));
  } else {
    act = orderNos.map((businessKey) => () => runtime.correlateMessage({ name: action.name, businessKey }));
  }
  if (act.length !== ORDERS_PER_ROUND) throw new Error(`${scenario.name}: ${act.length} of ${ORDERS_PER_ROUND} orders wait for the action`);
  const actionMs = await timed(async () => {
    for (const step of act) await step();
  });
  const feelSharePercent = (feelTiming.totalMs / (startMs + actionMs)) * 100;
  await durable.dispose();
  return { startMs, actionMs, acted: act.length, feelEvaluations: feelTiming.evaluations, feelSharePercent };
}

/** Rounds of one scenario; each side runs on a heap cleared of the other's instances, the sides alternating first. */
async function measureScenario(definitions: Map<string, ExecutableDefinition>, scenario: Scenario, index: number, open: DurableStore = openDurable) {
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const runRaw = () => measureRaw(definitions, scenario, `raw-${index}-${round}`);
    const runDurable = () => measureDurable(scenario, `dur-${index}-${round}`, open);
    heapAfterGc();
    const rawFirst = round % 2 === 0;
    const first = rawFirst ? await runRaw() : await runDurable();
    heapAfterGc();
    const second = rawFirst ? await runDurable() : await runRaw();
    const raw = (rawFirst ? first : second);
    const durable = (rawFirst ? second : first) as Awaited<ReturnType<typeof measureDurable>>;
    rounds.push({
      rawStartPerSec: perSecond(ORDERS_PER_ROUND, raw.startMs),
      durableStartPerSec: perSecond(ORDERS_PER_ROUND, durable.startMs),
      rawActionPerSec: perSecond(raw.acted, raw.actionMs),
      durableActionPerSec: perSecond(durable.acted, durable.actionMs),
      startRatio: raw.startMs / durable.startMs,
      actionRatio: raw.actionMs / durable.actionMs,
      // an order's life here: posted, then moved on by the action
      lifecycleRatio: (raw.startMs + raw.actionMs) / (durable.startMs + durable.actionMs),
      feelEvaluations: durable.feelEvaluations,
      feelSharePercent: durable.feelSharePercent,
    });
    console.log(`engine: ${scenario.name}, round ${round + 1}/${ROUNDS}`, rounds.at(-1));
  }
  const medianOf = (field: string) => median(rounds.map((r) => r[field]));
  return {
    process: scenario.name,
    action: scenario.step,
    startRatio: medianOf('startRatio'),
    actionRatio: medianOf('actionRatio'),
    lifecycleRatio: medianOf('lifecycleRatio'),
    durableStartPerSec: medianOf('durableStartPerSec'),
    rawStartPerSec: medianOf('rawStartPerSec'),
    durableActionPerSec: medianOf('durableActionPerSec'),
    rawActionPerSec: medianOf('rawActionPerSec'),
    feelSharePercent: medianOf('feelSharePercent'),
    rounds,
  };
}

export async function runEngineBench(): Promise<BenchResult> {
  const definitions = await loadDefinitions();

  // Warm-up (JIT, definition cache), not measured.
  const warmRaw = new RawEngineHarness(definitions);
  const warmDurable = await openDurable({ evaluations: 0, totalMs: 0 });
  for (const [index, scenario] of SCENARIOS.entries()) {
    await warmRaw.start('order-to-cash', orderOf(scenario, `warm-${index}`).variables);
    await enter(warmDurable.stratum.runtime, orderOf(scenario, `warm-${index}`));
  }
  await warmDurable.dispose();

  const processes = [];
  for (const [index, scenario] of SCENARIOS.entries()) processes.push(await measureScenario(definitions, scenario, index));

  // The scale-out store on the longest approval path: every step is a few round trips to PostgreSQL.
  const unreachable = await postgresUnreachable();
  const postgres = unreachable
    ? { skipped: unreachable }
    : await measureScenario(definitions, SCENARIOS[0], SCENARIOS.length, openPostgres);
  if (unreachable) console.log(`engine: PostgreSQL skipped (${unreachable})`);
  // Memory: durable waiting orders cost store rows, not heap.
  const durable = await openDurable({ evaluations: 0, totalMs: 0 });
  const checkpoints: { waitingOrders: number; heapUsedMb: number; rssMb: number }[] = [{ waitingOrders: 0, ...heapAfterGc() }];
  const marks = [WAITING_ORDERS / 10, WAITING_ORDERS / 4, WAITING_ORDERS / 2, WAITING_ORDERS].map(Math.round);
  for (let i = 1; i <= WAITING_ORDERS; i++) {
    await enter(durable.stratum.runtime, order(`wait-${i}`, AMOUNT));
    if (marks.includes(i)) {
      checkpoints.push({ waitingOrders: i, ...heapAfterGc() });
      console.log('durable waiting orders', checkpoints.at(-1));
    }
  }
  await durable.dispose();
  const first = checkpoints[1];
  const last = checkpoints.at(-1)!;
  const durableHeapKbPerOrder = ((last.heapUsedMb - first.heapUsedMb) * 1024) / (last.waitingOrders - first.waitingOrders);

  // Raw: the same orders held in memory.
  const before = heapAfterGc();
  const raw = new RawEngineHarness(definitions);
  for (let i = 0; i < RAW_HELD_ORDERS; i++) await raw.start('order-to-cash', order(`held-${i}`, AMOUNT).variables);
  const after = heapAfterGc();
  const rawHeapKbPerOrder = ((after.heapUsedMb - before.heapUsedMb) * 1024) / RAW_HELD_ORDERS;

  const headline = processes[0]; // the longest approval path, as in earlier results
  const summary = {
    startRatio: headline.startRatio,
    completeRatio: headline.actionRatio,
    lifecycleRatio: headline.lifecycleRatio,
    durableStartPerSec: headline.durableStartPerSec,
    rawStartPerSec: headline.rawStartPerSec,
    durableCompletePerSec: headline.durableActionPerSec,
    rawCompletePerSec: headline.rawActionPerSec,
    lowestStartRatio: Math.min(...processes.map((entry) => entry.startRatio)),
    lowestActionRatio: Math.min(...processes.map((entry) => entry.actionRatio)),
    highestActionRatio: Math.max(...processes.map((entry) => entry.actionRatio)),
    feelSharePercent: median(processes.map((entry) => entry.feelSharePercent)),
    ...('startRatio' in postgres && { postgresStartRatio: postgres.startRatio, postgresActionRatio: postgres.actionRatio }),
    durableHeapKbPerWaitingOrder: durableHeapKbPerOrder,
    rawHeapKbPerWaitingOrder: rawHeapKbPerOrder,
  };
  return {
    name: 'engine',
    description: `Shipped library, one scenario per level-3 process (3 or 4 instances per order). Start = order posted to its first committed wait; action = the event that order waits for (a task completion, a job completion or a message) to its next wait. Ratios are durable throughput / raw throughput, per round; medians of ${ROUNDS} rounds of ${ORDERS_PER_ROUND} orders. The summary's start/complete figures are the first process (more than 1,000,000: director, then vice-president); \`postgres\` is that process on the PostgreSQL store.`,
    summary,
    processes,
    postgres,
    memory: { durable: checkpoints, raw: { heldOrders: RAW_HELD_ORDERS, before, after } },
  };
}
