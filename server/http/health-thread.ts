// Starts the management port's thread (health-worker.ts) and answers what only
// the main thread knows: its metrics, the store's health when the thread has no
// connection of its own, and, by a heartbeat, that its event loop runs. In
// `npm start`'s primary it also shares the roster of the worker processes.
import { startThreadModule } from '../../engine/thread-module.js';
import type { StoreReplica } from '../../engine/store/types.js';
import type { HttpTimeouts } from './client-errors.js';
import type { HealthThreadAnswer, HealthThreadReply, HealthThreadRequest, HealthWorkerData } from './health-thread-messages.js';
import { STALL_MS } from './pool-health.js';
import type { WorkerRoster } from './worker-roster.js';

const HEARTBEAT_MS = 100;

export interface HealthThreadOptions {
  port: number;
  host: string;
  replica: StoreReplica | undefined;
  timeouts: HttpTimeouts;
  checkHealth: () => Promise<void>;
  metrics: () => Promise<{ text: string; contentType: string }>;
  /** In `npm start`'s primary: the worker processes /healthz answers for too. */
  roster?: WorkerRoster;
  /** Default STALL_MS; tests lower it. */
  stallMs?: number;
  /** The thread failed or stopped after it started listening (the port no longer answers). */
  onFailure?: (error: Error) => void;
}

export interface HealthThread {
  port: number;
  /** The server begins to stop: /healthz answers 503 from now on, while the port still answers. */
  stopping(): void;
  close(): Promise<void>;
}

export async function startHealthThread(options: HealthThreadOptions): Promise<HealthThread> {
  const heartbeat = new SharedArrayBuffer(8);
  const beat = new BigInt64Array(heartbeat);
  const tick = () => Atomics.store(beat, 0, BigInt(Date.now()));
  tick();
  const data: HealthWorkerData = { port: options.port, host: options.host, replica: options.replica ?? null, heartbeat, stallMs: options.stallMs ?? STALL_MS, timeouts: options.timeouts,
    workers: options.roster?.data ?? null };
  const worker = startThreadModule(new URL('./health-worker.ts', import.meta.url), data);
  const timer = setInterval(tick, HEARTBEAT_MS);
  timer.unref();
  const unwatch = options.roster?.onChange((states) => worker.postMessage({ type: 'workers', states } satisfies HealthThreadRequest));

  worker.on('message', (message: HealthThreadRequest | HealthThreadReply) => {
    if (message.type === 'metrics') {
      void options.metrics().then(
        ({ text, contentType }) => worker.postMessage({ type: 'metrics', id: message.id, ok: true, text, contentType } satisfies HealthThreadAnswer),
        () => worker.postMessage({ type: 'metrics', id: message.id, ok: false } satisfies HealthThreadAnswer),
      );
    } else if (message.type === 'health') {
      void options.checkHealth().then(
        () => worker.postMessage({ type: 'health', id: message.id, ok: true } satisfies HealthThreadAnswer),
        () => worker.postMessage({ type: 'health', id: message.id, ok: false } satisfies HealthThreadAnswer),
      );
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: HealthThreadReply) => {
      if (message.type === 'listening') resolve(message.port);
      if (message.type === 'error') reject(new Error(`STRATUM_HEALTH_PORT ${options.port}: ${message.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the management port's thread exited with ${code}`)));
  }).catch(async (error: unknown) => {
    clearInterval(timer);
    unwatch?.();
    await worker.terminate();
    throw error;
  });
  let closing = false;
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const failed = (error: Error) => {
    if (!closing) options.onFailure?.(error);
  };
  worker.on('error', failed);
  worker.on('exit', (code) => failed(new Error(`the management port's thread exited with ${code}`)));
  worker.on('message', (message: HealthThreadReply) => message.type === 'error' && failed(new Error(message.message)));
  return {
    port,
    stopping: () => worker.postMessage({ type: 'stopping' } satisfies HealthThreadRequest),
    close: async () => {
      closing = true;
      clearInterval(timer);
      unwatch?.();
      worker.postMessage({ type: 'close' } satisfies HealthThreadRequest);
      // a thread that does not finish closing in time is stopped
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
