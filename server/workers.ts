// `npm start` with several workers (STRATUM_WORKERS, default one per core): the
// primary process forks server processes that share the listening port and the
// store (the SQLite file, or PostgreSQL), and replaces one that dies. The first
// worker starts alone (it migrates the store and deploys the diagrams); the
// others follow once it listens and find both done. Every worker is a whole
// server: steps commit with a revision check, so no worker holds state another
// one needs, and a worker killed mid-step leaves the last committed state.
// With routing (STRATUM_ROUTING=order) the workers listen on private loopback
// ports instead, and the primary's order router (routing.ts) listens on the
// public one and sends each order's requests to one worker. The primary also
// passes fetchable-job signals between workers (job-signals.ts), and, with a
// management port or the order router, keeps the roster its /healthz reads
// (worker-roster.ts; routed, the primary answers the API port's /healthz).
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { WorkerRoster } from './http/worker-roster.js';
import { relayJobSignals } from './job-signals.js';
import type { OrderRouter } from './routing.js';
import { isHeartbeat } from './worker-heartbeat.js';

/** How long the primary waits before replacing a worker that died (a crash loop stays slow). */
const RESTART_DELAY_MS = 500;

export interface WorkerPool {
  /** Resolves once every worker listens; rejects when one exits before it does. */
  ready: Promise<void>;
  /** Stops every worker (SIGTERM: each finishes its requests) and resolves with 0 when all stopped cleanly. */
  stop(signal: StopSignal): Promise<number>;
}

/** The signals that stop a server. */
export type StopSignal = 'SIGTERM' | 'SIGINT';

/** The exit code of a server stopped before it listened: the shell's for a process the signal ended (128 + its number). */
export const STOPPED_WHILE_STARTING: Record<StopSignal, number> = { SIGTERM: 143, SIGINT: 130 };

/** A worker exited before it listened: its own log line says why (a setting, the store's version); the primary adds no stack trace. */
export class WorkerStartFailed extends Error {
  constructor(readonly pid: number | undefined, readonly code: number | null, readonly signal: string | null) {
    super(`worker ${pid} exited before it listened (code ${code}, signal ${signal}); its log line above says why`);
    this.name = 'WorkerStartFailed';
  }
}

/** Marks a worker forked behind the order router (main.ts reads it). */
export const ROUTED_WORKER_ENV = 'STRATUM_ROUTED_WORKER';

/** What a routed worker sends the primary once it listens on its own port (an exclusive listen raises no cluster 'listening'). */
export interface RoutedListening {
  type: 'stratum-listening';
  port: number;
}

/**
 * What the primary sends each routed worker when it stops: answer the fetches that wait ([]) now. The order router
 * then has only requests that finish, and the workers are signalled once they are answered: a worker signalled at
 * once closed its idle kept-alive connections while the router was writing requests to them (502 for a write).
 */
interface ReleaseWaiting {
  type: 'stratum-release-waiting';
}

export const isReleaseWaiting = (message: unknown): message is ReleaseWaiting =>
  typeof message === 'object' && message !== null && (message as ReleaseWaiting).type === 'stratum-release-waiting';

/** The longest the primary waits for the router's requests under way before it signals the workers all the same. */
const ROUTER_DRAIN_MS = 10_000;

const isRoutedListening = (message: unknown): message is RoutedListening =>
  typeof message === 'object' && message !== null && (message as RoutedListening).type === 'stratum-listening';

/** Runs `count` server processes, each with `workerEnv` added to its environment; with `routing`, behind the order router listening on its port and host. */
export function startWorkers(count: number, logger: Logger, routing?: { router: OrderRouter; port: number; host: string }, roster?: WorkerRoster,
  workerEnv: Record<string, string> = {}): WorkerPool {
  let stopping = false;
  const live = new Set<Worker>();
  // a worker's slot in the router's hashing: a replacement takes the slot (and the orders) of the one that died
  const slots = new WeakMap<Worker, number>();
  const listened = new WeakSet<Worker>();
  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ ...workerEnv, ...(routing && { [ROUTED_WORKER_ENV]: '1' }) });
    live.add(worker);
    slots.set(worker, slot);
    // an IPC failure with a worker that is dying (EPIPE): logged, never fatal to the primary; its exit replaces it
    worker.on('error', (error: Error) => logger.warn({ pid: worker.process.pid, err: error }, 'channel to a worker failed'));
    relayJobSignals(worker, live);
    if (roster) {
      roster.forked(slot, worker.process.pid);
      worker.once('listening', () => roster.listening(slot));
      worker.on('message', (message: unknown) => isHeartbeat(message) && roster.heartbeat(slot, message.at));
      worker.once('exit', (code: number | null, signal: string | null) => roster.exited(slot, code, signal, stopping));
    }
    worker.once('listening', () => listened.add(worker));
    if (routing) {
      worker.on('message', (message: unknown) => {
        if (isRoutedListening(message)) {
          if (!stopping) routing.router.add(slot, message.port);
          worker.emit('listening', { address: '127.0.0.1', port: message.port, addressType: 4 });
        }
      });
      worker.once('exit', () => routing.router.remove(slot));
    }
    return worker;
  };
  const listening = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code, signal) => {
        if (stopping) resolve();
        else reject(new WorkerStartFailed(worker.process.pid, code, signal));
      });
    });

  const ready = (async () => {
    // The first worker migrates and deploys alone; the others then start side by side.
    await listening(fork(0));
    if (stopping) return;
    await Promise.all(Array.from({ length: count - 1 }, (_, index) => listening(fork(index + 1))));
    if (stopping) return;
    const port = routing ? await routing.router.listen(routing.port, routing.host) : undefined;
    logger.info({ workers: count, pids: [...live].map((worker) => worker.process.pid), routing: routing ? 'order' : 'off', ...(port !== undefined && { port }) }, 'stratum workers listening');
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
      setTimeout(() => {
        if (!stopping) fork(slots.get(worker) ?? 0);
      }, RESTART_DELAY_MS).unref();
    });
  })();
  cluster.on('exit', (worker) => live.delete(worker));

  /** Stops one worker; resolves true when it stopped cleanly. */
  const stopWorker = async (worker: Worker, signal: StopSignal): Promise<boolean> => {
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      if (worker.isDead()) resolve({ code: worker.process.exitCode, signal: worker.process.signalCode });
      else worker.once('exit', (code: number | null, by: string | null) => resolve({ code, signal: by }));
    });
    // A worker still starting (the first one migrating, or waiting for a store that does not answer) is
    // signalled at once too: it ends its start where it is (main.ts), or the signal ends it before its
    // handlers are in place; either way it served no request and the store keeps what was committed.
    if (!worker.isDead()) worker.process.kill(signal);
    const exit = await exited;
    return exit.code === 0 || (!listened.has(worker) && (exit.signal !== null || exit.code === STOPPED_WHILE_STARTING[signal]));
  };

  return {
    ready,
    stop: async (signal) => {
      stopping = true;
      // routed: no new requests; those under way are answered (long polls with [] at once), then the workers stop
      const closing = routing?.router.close();
      if (closing) {
        for (const worker of live) {
          if (worker.isConnected()) worker.send({ type: 'stratum-release-waiting' } satisfies ReleaseWaiting, undefined, () => undefined);
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, ROUTER_DRAIN_MS)))]);
        clearTimeout(timer);
      }
      const clean = await Promise.all([...live].map((worker) => stopWorker(worker, signal)));
      await ready.catch(() => undefined);
      await closing;
      return clean.every(Boolean) ? 0 : 1;
    },
  };
}
