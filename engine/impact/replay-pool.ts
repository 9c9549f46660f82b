// Replay in worker processes: each worker is a child process at the lowest
// CPU priority (nice 19, replay-priority.ts) that replays its share of the
// selected orders (chunks of CHUNK orders dealt round-robin) on its own store
// connection; the results are grouped here in the selection's order, so the
// answer is the one an in-process replay gives. The OS scheduler gives live
// steps a core before the replay, and by default one core has no worker at
// all; the server's event loop only hands out the jobs and merges the results. Workers stay idle for a while for the next replay
// (never holding the server open); a cancelled replay kills its workers at
// once; each worker's heap is capped; a replay that throws in a worker fails
// with its message; a worker that stops before it answers (killed while idle,
// its exit not yet heard, or killed or crashed while replaying) is replaced
// once, and a second stop fails the replay with a refusal saying so.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BpmnFile, ServerRoles } from '../api.js';
import type { StoreReplica } from '../store/types.js';
import type { ReplayReport } from './impact-report.js';
import type { OrderSelection } from './recorded-orders.js';
import { reportOf, type OrderChange } from './replay.js';
import { lowerPriority } from './replay-priority.js';
import type { ReplayJob, ReplayWorkerMessage } from './replay-worker.js';
import { ConfigurationError, StratumError } from '../errors.js';
import { wholeNumberSetting } from '../setting-number.js';

/** Orders a worker takes at a time from the selection. */
const CHUNK = 100;
/** A worker's heap: one page of recorded orders, one order's sandbox and the compared routes fit many times over. */
const WORKER_HEAP_MB = 512;
/**
 * Its young generation's semi-spaces (V8's default is 16 MB on 64-bit): replay
 * allocates many short-lived rows and variables, and fewer scavenges took
 * 15–20 % less CPU per order (0.55–0.64 ms against 0.67–0.83 in alternating runs).
 */
const WORKER_SEMI_SPACE_MB = 32;

/**
 * Worker processes for one replay: `STRATUM_REPLAY_WORKERS` (0: replay in the
 * calling thread), else one fewer than the cores (at least one). Nice 19 gives
 * live steps a core first, but a worker on the core a live step runs on still
 * costs it caches and wake-ups, and its start; one core left to live traffic
 * took 0.6–0.9 s less CPU per 10,000 orders and slowed live entry less in
 * alternating runs (docs/impact.md).
 */
export function defaultReplayWorkers(cores = availableParallelism()): number {
  const configured = process.env.STRATUM_REPLAY_WORKERS;
  if (configured !== undefined && configured.trim() !== '') {
    const workers = wholeNumberSetting(configured);
    if (!Number.isSafeInteger(workers) || workers < 0) throw new ConfigurationError('STRATUM_REPLAY_WORKERS', `STRATUM_REPLAY_WORKERS must be a whole number ≥ 0, not ${configured}`);
    return workers;
  }
  return Math.max(1, cores - 1);
}

/** An idle worker is kept this long for the next replay (a worker's start costs more than a small replay). */
const IDLE_MS = 60_000;

const idle: { worker: ChildProcess; timer: NodeJS.Timeout }[] = [];
const alive = new Set<ChildProcess>();

/** Replay worker processes of this process that have not exited yet (working or idle). */
export function runningReplayWorkers(): number {
  return alive.size;
}

/** Their process ids. */
export function replayWorkerPids(): number[] {
  return [...alive].flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));
}

export interface PoolRun {
  workers: number;
  /** Orders a worker takes at a time (default CHUNK). */
  chunk?: number;
  signal?: AbortSignal;
  /** Told the number of orders replayed so far, as workers report. */
  progress?: (orders: number) => void;
  /** Told how a worker stopped before it answered, as a new one takes its share (once per share at most). */
  onWorkerReplaced?: (stopped: string) => void;
  /** The runtime's server roles, for the workers' replays (replay.ts ReplayRun). */
  serverRoles?: ServerRoles;
}

export async function replayInWorkers(replica: StoreReplica, files: BpmnFile[], selection: OrderSelection, run: PoolRun): Promise<ReplayReport> {
  run.signal?.throwIfAborted();
  const began = performance.now();
  const count = Math.max(1, run.workers);
  const done = new Array<number>(count).fill(0);
  const working = new Set<ChildProcess>();
  // once the replay ends early (cancelled, or one of its shards failed), a worker that stops is not replaced
  const ending = new AbortController();
  const stopAll = () => Promise.all([...working].map(stop));
  const onAbort = () => {
    ending.abort();
    void stopAll();
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // every shard takes its first worker before the first await: a cancel from here on finds them all in `working`
    const results = await Promise.all(Array.from({ length: count }, (_, index) => replayShard({
      replica, files, selection, shard: { index, count, chunk: run.chunk ?? CHUNK }, ...(run.serverRoles && { serverRoles: run.serverRoles }),
    }, {
      working,
      ending: ending.signal,
      ...(run.signal && { signal: run.signal }),
      ...(run.onWorkerReplaced && { onWorkerReplaced: run.onWorkerReplaced }),
      progress: (orders) => {
        done[index] = orders;
        run.progress?.(done.reduce((sum, replayed) => sum + replayed, 0));
      },
    })));
    return reportOf(results.flat(), performance.now() - began);
  } catch (error) {
    // one worker failed or the replay was cancelled: none of the others goes on
    ending.abort();
    await stopAll();
    throw error;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
  }
}

interface ShardRun {
  /** The replay's workers at work now, for a cancel or a failure to kill. */
  working: Set<ChildProcess>;
  /** Aborted when the replay ends early: a worker of it that stops then is not replaced. */
  ending: AbortSignal;
  /** The caller's. */
  signal?: AbortSignal;
  /** Told the orders this shard's worker replayed so far. */
  progress: (orders: number) => void;
  /** PoolRun's. */
  onWorkerReplaced?: (stopped: string) => void;
}

/**
 * One shard on one worker. A worker that stops before it answers (killed from outside while idle, its exit not yet
 * heard; killed or crashed while replaying) is replaced once by a new worker, which replays the shard from its
 * start; when that one stops too, the replay fails with `replay-worker-stopped` (docs/impact.md, "Errors"). A worker
 * stopped by a cancel, or by the replay failing elsewhere, is not replaced; a replay that throws in its worker is
 * not tried again (it would throw again).
 */
async function replayShard(job: ReplayJob, run: ShardRun): Promise<OrderChange[]> {
  const stops: string[] = [];
  for (let worker = takeWorker(); ; worker = newWorker()) {
    run.working.add(worker);
    const outcome = await runJob(worker, job, run);
    run.working.delete(worker);
    if ('changes' in outcome) {
      giveBack(worker);
      return outcome.changes;
    }
    await stop(worker);
    if (run.signal?.aborted) throw abortReason(run.signal);
    stops.push(outcome.stopped);
    if (run.ending.aborted) throw new Error(`a replay worker process stopped (${outcome.stopped}) before it finished`);
    if (stops.length === 2) throw workerStopped(stops);
    run.progress(0);
    run.onWorkerReplaced?.(outcome.stopped);
  }
}

/** What a job on one worker came to: the shard's changes, or how the worker stopped before it answered. */
type JobOutcome = { changes: OrderChange[] } | { stopped: string };

/** Sends one job to a worker and waits for its answer; a replay that throws in the worker rejects. */
function runJob(worker: ChildProcess, job: ReplayJob, run: ShardRun): Promise<JobOutcome> {
  return new Promise<JobOutcome>((resolve, reject) => {
    let replaying = false;
    const stopped = (how: string) => {
      stopListening();
      resolve({ stopped: replaying ? `${how}, while replaying` : `${how}, before it answered` });
    };
    const onMessage = (message: ReplayWorkerMessage) => {
      if (message.type === 'failed') {
        stopListening();
        worker.kill('SIGKILL');
        reject(new Error(`the replay failed in its worker process: ${message.message}`));
        return;
      }
      replaying = true;
      run.progress(message.type === 'done' ? message.changes.length : message.orders);
      if (message.type !== 'done') return;
      stopListening();
      resolve({ changes: message.changes });
    };
    const onError = (error: Error) => stopped(`it could not run: ${error.message}`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => stopped(signal ? `signal ${signal}` : `exit code ${code}`);
    const stopListening = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    // a channel that has closed (the worker died unseen) says so here, not as an 'error'
    worker.send(job, (error: Error | null) => {
      if (error) stopped(`its job could not be sent: ${error.message}`);
    });
  });
}

/** The clear refusal after a shard's second worker stopped too (HTTP 503, `reason: "replay-worker-stopped"`). */
function workerStopped(stops: string[]): StratumError {
  return new StratumError('unavailable',
    `The replay's worker process stopped before it finished, and so did the new one it was given: ${stops.join('; then ')}. `
    + `Killed from outside (the OOM killer, kill) or crashed by this replay; a worker's heap is capped at ${WORKER_HEAP_MB} MB, `
    + 'and its error, if any, is in the server\'s log. Nothing was stored: try again, or replay fewer orders (last, from/to) or none (replay=false).',
    { reason: 'replay-worker-stopped' });
}

/** Kills a worker at once; resolves when it has exited. */
function stop(worker: ChildProcess): Promise<void> {
  // no pid: it never started (its 'error' said so), and no exit will come
  if (worker.pid === undefined || worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGKILL');
  });
}

/** Why the caller aborted, as the error the replay rejects with. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** An idle worker, or a new one. */
function takeWorker(): ChildProcess {
  for (let kept = idle.pop(); kept; kept = idle.pop()) {
    clearTimeout(kept.timer);
    // one that was killed or died while idle, its exit not yet seen, would fail the replay it is given
    if (!usable(kept.worker)) continue;
    kept.worker.ref();
    kept.worker.channel?.ref();
    return kept.worker;
  }
  return newWorker();
}

/** A new worker, counted until it exits. */
function newWorker(): ChildProcess {
  const worker = startWorker();
  alive.add(worker);
  worker.once('exit', () => {
    alive.delete(worker);
    const at = idle.findIndex((entry) => entry.worker === worker);
    if (at >= 0) clearTimeout(idle.splice(at, 1)[0].timer);
  });
  // an idle worker that fails on its own (it should not) only leaves the pool
  worker.on('error', () => undefined);
  return worker;
}

/** Keeps a worker that finished its job for the next replay, for IDLE_MS; it never holds the process open. */
function giveBack(worker: ChildProcess): void {
  worker.unref();
  worker.channel?.unref();
  const entry = {
    worker,
    // out of the pool before the signal: its exit comes later, and a replay taking it meanwhile would fail
    timer: setTimeout(() => {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
      worker.kill();
    }, IDLE_MS),
  };
  entry.timer.unref();
  idle.push(entry);
}

/** Not killed, not exited, its channel open: a job sent to it reaches it. */
function usable(worker: ChildProcess): boolean {
  return !worker.killed && worker.exitCode === null && worker.signalCode === null && worker.connected;
}

/**
 * A worker process at the lowest priority: the compiled replay-worker.js
 * beside this module, or, where the TypeScript sources run (tsx, vitest), the
 * .ts through tsx's loader. Its own options, not the server's (no inspector
 * port or profiler of the parent's).
 */
function startWorker(): ChildProcess {
  const sources = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(sources ? './replay-worker.ts' : './replay-worker.js', import.meta.url));
  const execArgv = [`--max-old-space-size=${WORKER_HEAP_MB}`, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
  if (sources) execArgv.push('--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href);
  const worker = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // the worker lowers all its threads itself as it starts; its main thread goes first, before it loads the engine
  if (worker.pid !== undefined) lowerPriority(worker.pid);
  return worker;
}
