// A worker process's heartbeat to `npm start`'s primary, when the primary serves
// /healthz (the management port, STRATUM_HEALTH_PORT, or the API port behind the
// order router): a message over the cluster channel each second from the
// worker's event loop, so a worker whose loop is stuck stops beating and the
// primary's /healthz names it (worker-roster.ts). One small message a second per
// worker; nothing is written to the store.
import cluster from 'node:cluster';

const HEARTBEAT_MS = 1000;

interface Heartbeat {
  type: 'stratum-heartbeat';
  /** When the worker's event loop sent it (epoch ms). */
  at: number;
}

export const isHeartbeat = (message: unknown): message is Heartbeat =>
  typeof message === 'object' && message !== null && (message as Heartbeat).type === 'stratum-heartbeat'
  && typeof (message as Heartbeat).at === 'number';

/** In a cluster worker: beats until the process ends. */
export function sendHeartbeats(): void {
  if (!cluster.isWorker || !process.send) return;
  const beat = () => {
    // a failed send (the primary is gone) is no error of the worker's
    if (process.connected) process.send!({ type: 'stratum-heartbeat', at: Date.now() } satisfies Heartbeat, undefined, {}, () => undefined);
  };
  beat();
  setInterval(beat, HEARTBEAT_MS).unref();
}
