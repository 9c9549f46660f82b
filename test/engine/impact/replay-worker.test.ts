// Replay in worker processes: the same groups, with the same order numbers in
// the same order, as a replay in the calling thread; the workers run at the
// lowest CPU priority, every thread of them; a cancelled replay ends its
// workers at once; a replay that fails in a worker says so; a worker killed
// while idle is replaced unseen, one that stops twice is a refusal that says so.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { textMatching } from '../../support/matchers.js';
import { coldReplayPool, killingEveryReplayWorker } from '../../support/replay-workers.js';
import { openStore, type ReplayEvent, type Store } from '../../../engine/index.js';
import { ImpactAnalyser } from '../../../engine/impact/impact-analyser.js';
import { pinSelection, recordedOrders, type OrderSelection } from '../../../engine/impact/recorded-orders.js';
import { replayInWorkers, replayWorkerPids, runningReplayWorkers } from '../../../engine/impact/replay-pool.js';
import { REPLAY_NICE } from '../../../engine/impact/replay-priority.js';
import { DIAGRAMS_DIR, enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { approvalTierDmn, decidedTiers } from './candidates.js';

let fixture: Fixture;
/** A second connection to the fixture's database, for analysers with their own replay settings. */
let store: Store;

beforeEach(async () => {
  fixture = await openFixture();
  store = await openStore({ dataDir: fixture.dataDir });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await store.close();
  await fixture.dispose();
});

const lowered = () => [{
  name: 'credit-order-approval.bpmn',
  xml: readFileSync(`${DIAGRAMS_DIR}credit-order-approval.bpmn`, 'utf8').replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'),
}];

describe('a cancelled replay', () => {
  it('terminates its workers as soon as the caller aborts, and says it was cancelled', { timeout: 120_000 }, async () => {
    await recordOrders(['RW-1', 350_000], ['RW-2', 450_000], ['RW-3', 700_000]);
    const events = new EventEmitter();
    const seen: ReplayEvent[] = [];
    events.on('replay', (event: ReplayEvent) => seen.push(event));
    const caller = new AbortController();
    let workersWhenAborted = 0;
    // aborted just after the replay started its workers, before one of them could finish
    events.once('replay', () => setTimeout(() => {
      workersWhenAborted = runningReplayWorkers();
      caller.abort(new Error('the client went away'));
    }, 0));
    const analyser = new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 2, events });

    await expect(analyser.analyse(lowered(), { signal: caller.signal })).rejects.toThrow('the client went away');
    expect(workersWhenAborted).toBe(2);
    expect(runningReplayWorkers()).toBe(0);
    expect(seen.map(({ phase, workers, outcome }) => ({ phase, workers, outcome })))
      .toEqual([{ phase: 'started', workers: 2, outcome: undefined }, { phase: 'ended', workers: 2, outcome: 'cancelled' }]);
  });

  it('stops a replay in the calling thread at the next order', async () => {
    await recordOrders(['RW-4', 350_000]);
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const analyser = new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0 });
    await expect(analyser.analyse(lowered(), { signal: caller.signal })).rejects.toThrow('gone');
  });
});

describe('a replay in worker processes', () => {
  // the suite runs replays at the server's priority (vite.config.ts): these are the product's default, nice 19
  beforeEach(() => {
    vi.stubEnv('STRATUM_REPLAY_NICE', '');
  });

  // two workers start from the TypeScript sources under vitest: slow on a loaded machine (load 29 on 2 cores: 64 s)
  it('groups the orders exactly as a replay in the calling thread, orders dealt in small chunks to two workers', { timeout: 300_000 }, async () => {
    await recordOrders(['RW-10', 350_000], ['RW-11', 420_000], ['RW-12', 520_000], ['RW-13', 1_200_000], ['RW-14', 450_000]);
    // one order still waiting for the vice-president
    await enter(fixture.stratum.runtime, order('RW-15', 700_000));
    // no idle worker another file started at another priority
    await coldReplayPool();

    const events = new EventEmitter();
    const workers: number[] = [];
    events.on('replay', (event: ReplayEvent) => workers.push(event.workers));
    const inWorkers = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 2, replayChunk: 2, events }).analyse(lowered());
    const inProcess = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0 }).analyse(lowered());

    expect(workers).toEqual([2, 2]);
    const { durationMs: _workerMs, ...workerReplay } = inWorkers.replay;
    const { durationMs: _processMs, ...processReplay } = inProcess.replay;
    expect(workerReplay).toEqual(processReplay);
    expect(workerReplay.orders).toBe(6);
    expect(workerReplay.groups.find((group) => group.kind === 'new-wait')!.orders).toEqual(['RW-14', 'RW-11']);

    // the workers, idle now, kept for the next replay: at the lowest priority, every thread of them
    const pids = replayWorkerPids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      expect(getPriority(pid)).toBe(REPLAY_NICE);
      const tasks = `/proc/${pid}/task`;
      if (!existsSync(tasks)) continue;
      const threads = readdirSync(tasks);
      expect(threads.length).toBeGreaterThan(1);
      for (const thread of threads) expect(niceOf(`${tasks}/${thread}/stat`), `thread ${thread} of worker ${pid}`).toBe(REPLAY_NICE);
    }
  });

  it('evaluates business rule tasks on the decisions after the change, as the calling thread does', { timeout: 300_000 }, async () => {
    await fixture.stratum.library.deploy([decidedTiers(), approvalTierDmn()], { user: 'test', note: 'approval tiers as a decision table' });
    await recordOrders(['RW-30', 350_000], ['RW-31', 420_000], ['RW-32', 520_000], ['RW-33', 480_000]);
    // the change is the decision alone: its vice-president tier from 400,000
    const change = [approvalTierDmn((xml) => xml.replace('&gt; 500000', '&gt; 400000'))];

    const events = new EventEmitter();
    const workers: number[] = [];
    events.on('replay', (event: ReplayEvent) => workers.push(event.workers));
    const inWorkers = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 2, replayChunk: 1, events }).analyse(change);
    const inProcess = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0 }).analyse(change);

    const { durationMs: _workerMs, ...workerReplay } = inWorkers.replay;
    const { durationMs: _processMs, ...processReplay } = inProcess.replay;
    expect(workers).toEqual([2, 2]);
    expect(workerReplay).toEqual(processReplay);
    expect(workerReplay.paths).toEqual({ fast: 0, engine: 4 });
    expect(workerReplay.groups.map(({ kind, orders }) => ({ kind, orders })))
      .toEqual([{ kind: 'new-wait', orders: ['RW-33', 'RW-31'] }, { kind: 'unchanged', orders: ['RW-32', 'RW-30'] }]);
  });

  it('deals every worker the same orders while new ones come in: the selection is pinned to the newest order when the replay starts', async () => {
    await recordOrders(['RW-20', 350_000], ['RW-21', 450_000], ['RW-22', 700_000]);
    const pinned = await pinSelection(store, { processKey: 'order-to-cash', last: 2 });
    // entered after the pin, before a worker reads its first page
    fixture.clock.advance(1000);
    await enter(fixture.stratum.runtime, order('RW-23', 420_000));
    const numbers = async (selection: OrderSelection) => {
      const seen: string[] = [];
      for await (const { order: one } of recordedOrders(store, selection)) seen.push(one.orderNo);
      return seen;
    };
    expect(await numbers(pinned)).toEqual(['RW-22', 'RW-21']);
    expect(await numbers({ processKey: 'order-to-cash', last: 2 })).toEqual(['RW-23', 'RW-22']);
    expect(await numbers(await pinSelection(store, { processKey: 'order-to-cash', last: 2 }))).toEqual(['RW-23', 'RW-22']);
  });

  it('never hands a replay the idle worker whose idle time has just ended, its exit still to come', { timeout: 120_000 }, async () => {
    const replica = { kind: 'sqlite' as const, dataDir: fixture.dataDir, busyTimeoutMs: 1000 };
    const selection = { processKey: 'order-to-cash' };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      expect((await replayInWorkers(replica, lowered(), selection, { workers: 1 })).orders).toBe(0);
      // its idle time ends: the pool kills it, and the next replay asks for a worker before its exit is seen
      vi.advanceTimersByTime(60_000);
      expect((await replayInWorkers(replica, lowered(), selection, { workers: 1 })).orders).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replays on a new worker when the idle worker it was handed was killed from outside, its exit not yet heard', { timeout: 120_000 }, async () => {
    await recordOrders(['RW-40', 350_000], ['RW-41', 450_000]);
    const replica = { kind: 'sqlite' as const, dataDir: fixture.dataDir, busyTimeoutMs: 1000 };
    const selection = { processKey: 'order-to-cash' };
    await coldReplayPool();
    expect((await replayInWorkers(replica, lowered(), selection, { workers: 1 })).orders).toBe(2);
    const [idle] = replayWorkerPids();
    // the OOM killer, `kill`: the pool hears of it an event-loop turn or more later, after this replay took the worker
    process.kill(idle, 'SIGKILL');

    const replaced: string[] = [];
    const report = await replayInWorkers(replica, lowered(), selection, { workers: 1, onWorkerReplaced: (stopped) => replaced.push(stopped) });
    expect(report.orders).toBe(2);
    expect(replaced).toEqual([textMatching(/, before it answered$/)]);
    expect(report.groups.find((group) => group.kind === 'new-wait')!.orders).toEqual(['RW-41']);
    const [replacement] = replayWorkerPids();
    expect(replacement).not.toBe(idle);
    // started as every worker is: at the lowest priority
    expect(getPriority(replacement)).toBe(REPLAY_NICE);
  });

  it('fails with a refusal naming the stop when the worker dies during the replay, and the new one it is given too', { timeout: 120_000 }, async () => {
    await recordOrders(['RW-42', 350_000], ['RW-43', 450_000]);
    await coldReplayPool();
    const replaced: string[] = [];
    // each worker of the replay killed as soon as it has its job (the replay crashing it, running out of memory):
    // long before it has loaded the engine and could answer
    const killer = killingEveryReplayWorker();
    try {
      const replay = replayInWorkers({ kind: 'sqlite', dataDir: fixture.dataDir, busyTimeoutMs: 1000 }, lowered(), { processKey: 'order-to-cash' }, {
        workers: 1, onWorkerReplaced: (stopped) => replaced.push(stopped),
      });
      await expect(replay).rejects.toThrow(
        /^The replay's worker process stopped before it finished, and so did the new one it was given: signal SIGKILL, before it answered; then signal SIGKILL, before it answered\. .*heap is capped at 512 MB/,
      );
      await expect(replay).rejects.toMatchObject({ code: 'unavailable', details: { reason: 'replay-worker-stopped' } });
    } finally {
      killer.stop();
    }
    // the one it was handed and one new one, no third
    expect(killer.killed).toHaveLength(2);
    expect(replaced).toHaveLength(1);
    expect(runningReplayWorkers()).toBe(0);
  });

  it('gives a cancelled replay no new worker: the worker the cancel killed is not replaced', { timeout: 120_000 }, async () => {
    await recordOrders(['RW-45', 350_000]);
    await coldReplayPool();
    const caller = new AbortController();
    const replay = replayInWorkers({ kind: 'sqlite', dataDir: fixture.dataDir, busyTimeoutMs: 1000 }, lowered(), { processKey: 'order-to-cash' }, {
      workers: 1, signal: caller.signal,
    });
    expect(runningReplayWorkers()).toBe(1);
    caller.abort(new Error('the designer closed the dialog'));

    await expect(replay).rejects.toThrow('the designer closed the dialog');
    expect(runningReplayWorkers()).toBe(0);
    // a new worker would have been started in the turn the killed worker's exit was heard
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runningReplayWorkers()).toBe(0);
  });

  it('runs its workers at the priority STRATUM_REPLAY_NICE sets, 0 the server\'s own', { timeout: 120_000 }, async () => {
    await recordOrders(['RW-46', 350_000]);
    const selection = { processKey: 'order-to-cash' };
    for (const [setting, nice] of [['7', 7], ['0', getPriority()]] as const) {
      await coldReplayPool();
      vi.stubEnv('STRATUM_REPLAY_NICE', setting);
      expect((await replayInWorkers({ kind: 'sqlite', dataDir: fixture.dataDir, busyTimeoutMs: 1000 }, lowered(), selection, { workers: 1 })).orders).toBe(1);
      const [pid] = replayWorkerPids();
      expect(getPriority(pid), `STRATUM_REPLAY_NICE=${setting}`).toBe(nice);
      const tasks = `/proc/${pid}/task`;
      if (existsSync(tasks)) for (const thread of readdirSync(tasks)) expect(niceOf(`${tasks}/${thread}/stat`), `thread ${thread}`).toBe(nice);
    }
    await coldReplayPool();
  });

  it('fails with the worker\'s error when the replay throws in its process', { timeout: 120_000 }, async () => {
    // a folder with no Stratum database in it: the worker's store has no tables to read
    const empty = mkdtempSync(join(tmpdir(), 'stratum-replay-empty-'));
    try {
      await expect(replayInWorkers({ kind: 'sqlite', dataDir: empty, busyTimeoutMs: 1000 }, lowered(), { processKey: 'order-to-cash' }, { workers: 1 }))
        .rejects.toThrow(/^the replay failed in its worker process: .*no such table/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

// helpers

/** A thread's nice value from /proc/<pid>/task/<tid>/stat (field 19; the name in field 2 may hold spaces). */
function niceOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Credit orders entered, their vice-president tasks approved and their jobs worked to the end. */
async function recordOrders(...orders: [string, number][]) {
  const { runtime } = fixture.stratum;
  for (const [orderNo, amount] of orders) {
    await enter(runtime, order(orderNo, amount));
    fixture.clock.advance(1000);
  }
  for (const task of await runtime.findTasks({ candidateGroup: 'vice-president' })) {
    await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (const job of await runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 50 })) await runtime.completeJob(job.id, {}, erp, 'worker');
  }
}
