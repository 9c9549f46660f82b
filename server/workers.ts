// `npm start` with several workers (STRATUM_WORKERS, default one per core): the
// primary process forks server processes that share the listening port and the
// store (the SQLite file, or PostgreSQL), and replaces one that dies. The first
// worker starts alone (it migrates the store and deploys the diagrams); the
// others follow once it listens and find both done. Every worker is a whole
// server: steps commit with a revision check, so no worker holds state another
// one needs, and a worker killed mid-step leaves the last committed state.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** How long the primary waits before replacing a worker that died (a crash loop stays slow). */
const RESTART_DELAY_MS = 500;

export interface WorkerPool {
  /** Resolves once every worker listens; rejects when one exits before it does. */
  ready: Promise<void>;
  /** Stops every worker (SIGTERM: each finishes its requests) and resolves with 0 when all stopped cleanly. */
  stop(signal: NodeJS.Signals): Promise<number>;
}

/** Runs `count` server processes. */
export function startWorkers(count: number, logger: Logger): WorkerPool {
  let stopping = false;
  const live = new Set<Worker>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    live.add(worker);
    return worker;
  };
  const listening = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code, signal) => {
        if (stopping) resolve();
        else reject(new Error(`worker ${worker.process.pid} exited before it listened (code ${code}, signal ${signal})`));
      });
    });

  const ready = (async () => {
    // The first worker migrates and deploys alone; the others then start side by side.
    await listening(fork());
    if (stopping) return;
    await Promise.all(Array.from({ length: count - 1 }, () => listening(fork())));
    logger.info({ workers: count, pids: [...live].map((worker) => worker.process.pid) }, 'stratum workers listening');
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
      setTimeout(() => {
        if (!stopping) fork();
      }, RESTART_DELAY_MS).unref();
    });
  })();
  cluster.on('exit', (worker) => live.delete(worker));

  return {
    ready,
    stop: async (signal) => {
      stopping = true;
      // A worker still starting has no handler for the signal yet: let every one listen first.
      await ready.catch(() => undefined);
      const exits = [...live].map((worker) =>
        new Promise<number>((resolve) => {
          if (worker.isDead()) resolve(worker.process.exitCode ?? 1);
          else worker.once('exit', (code) => resolve(code ?? 1));
        }));
      for (const worker of live) worker.process.kill(signal);
      const codes = await Promise.all(exits);
      return codes.every((code) => code === 0) ? 0 : 1;
    },
  };
}
