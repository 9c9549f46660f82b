// Replay in worker threads: each worker replays its share of the selected
// orders (chunks of CHUNK orders dealt round-robin) on its own store
// connection, and the results are grouped here in the selection's order, so
// the answer is the one an in-process replay gives. The server's event loop
// only hands out the jobs and merges the results. Workers stay idle for a
// while for the next replay (never holding the process open); a cancelled
// replay terminates its workers at once; each worker's heap is capped.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BpmnFile } from '../api.js';
import type { StoreReplica } from '../store/types.js';
import type { OrderSelection } from './recorded-orders.js';
import { reportOf, type OrderChange, type ReplayReport } from './replay.js';
import type { ReplayJob, ReplayWorkerMessage } from './replay-worker.js';

/** Orders a worker takes at a time from the selection. */
const CHUNK = 100;
/** A worker's heap: one page of recorded orders, one order's sandbox and the compared routes fit many times over. */
const WORKER_HEAP_MB = 512;

/**
 * Worker threads for one replay: `STRATUM_REPLAY_WORKERS` (0: replay in the
 * calling thread), else one core fewer than the machine has, at least one —
 * the server's own thread keeps a core for live steps.
 */
export function defaultReplayWorkers(): number {
  const configured = process.env.STRATUM_REPLAY_WORKERS;
  if (configured !== undefined && configured.trim() !== '') {
    const workers = Number(configured);
    if (!Number.isInteger(workers) || workers < 0) throw new Error(`STRATUM_REPLAY_WORKERS must be a whole number ≥ 0, not ${configured}`);
    return workers;
  }
  return Math.max(1, availableParallelism() - 1);
}

/** An idle worker is kept this long for the next replay (a worker's start costs more than a small replay). */
const IDLE_MS = 60_000;

const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
let running = 0;

/** Replay worker threads of this process that have not exited yet (working or idle). */
export function runningReplayWorkers(): number {
  return running;
}

export interface PoolRun {
  workers: number;
  /** Orders a worker takes at a time (default CHUNK). */
  chunk?: number;
  signal?: AbortSignal;
  /** Told the number of orders replayed so far, as workers report. */
  progress?: (orders: number) => void;
}

export async function replayInWorkers(replica: StoreReplica, files: BpmnFile[], selection: OrderSelection, run: PoolRun): Promise<ReplayReport> {
  run.signal?.throwIfAborted();
  const began = performance.now();
  const count = Math.max(1, run.workers);
  const done = new Array<number>(count).fill(0);
  const workers = Array.from({ length: count }, () => takeWorker());
  const stopAll = () => Promise.all(workers.map((worker) => worker.terminate()));
  const onAbort = () => void stopAll();
  run.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const results = await Promise.all(workers.map((worker, index) => new Promise<OrderChange[]>((resolve, reject) => {
      const onMessage = (message: ReplayWorkerMessage) => {
        done[index] = message.type === 'done' ? message.changes.length : message.orders;
        run.progress?.(done.reduce((sum, orders) => sum + orders, 0));
        if (message.type !== 'done') return;
        stopListening();
        giveBack(worker);
        resolve(message.changes);
      };
      const onExit = (code: number) => {
        stopListening();
        reject(run.signal?.aborted ? abortReason(run.signal) : new Error(`a replay worker stopped (exit code ${code}) before it finished`));
      };
      const stopListening = () => {
        worker.off('message', onMessage);
        worker.off('error', reject);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', reject);
      worker.on('exit', onExit);
      worker.postMessage({ replica, files, selection, shard: { index, count, chunk: run.chunk ?? CHUNK } } satisfies ReplayJob);
    })));
    return reportOf(results.flat(), performance.now() - began);
  } catch (error) {
    // one worker failed or the replay was cancelled: none of the others goes on
    await stopAll();
    throw error;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
  }
}

/** Why the caller aborted, as the error the replay rejects with. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** An idle worker, or a new one. */
function takeWorker(): Worker {
  const kept = idle.pop();
  if (kept) {
    clearTimeout(kept.timer);
    kept.worker.ref();
    return kept.worker;
  }
  const worker = startWorker({ resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  running++;
  worker.once('exit', () => {
    running--;
    const at = idle.findIndex((entry) => entry.worker === worker);
    if (at >= 0) clearTimeout(idle.splice(at, 1)[0].timer);
  });
  // an idle worker that fails on its own (it should not) only leaves the pool
  worker.on('error', () => undefined);
  return worker;
}

/** Keeps a worker that finished its job for the next replay, for IDLE_MS; it never holds the process open. */
function giveBack(worker: Worker): void {
  worker.unref();
  const timer = setTimeout(() => void worker.terminate(), IDLE_MS);
  timer.unref();
  idle.push({ worker, timer });
}

/**
 * The worker beside this module: the compiled .js; or, where the TypeScript
 * sources run (tsx, vitest), the .ts through tsx's require hook, which unlike
 * its ESM loader also works inside a worker thread on Node 20.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./replay-worker.js', import.meta.url), options);
  const require = createRequire(import.meta.url);
  const source = fileURLToPath(new URL('./replay-worker.ts', import.meta.url));
  return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(source)});`, { ...options, eval: true });
}
