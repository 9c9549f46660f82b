// Long polling across `npm start`'s workers on SQLite. A SQLite store announces
// a job made fetchable only inside its own process, so a fetch waiting on one
// worker would not hear of a job another worker created (PostgreSQL's
// LISTEN/NOTIFY reaches every server already). Each worker sends the job types
// it made fetchable to the primary, which passes them on to the other workers;
// there they wake the waiting fetches, which then try their query as usual.
import cluster, { type Worker } from 'node:cluster';
import type { Store, Workers } from '../engine/index.js';

interface JobSignal {
  type: 'stratum-job-fetchable';
  jobType: string;
}

const isJobSignal = (message: unknown): message is JobSignal =>
  typeof message === 'object' && message !== null && (message as JobSignal).type === 'stratum-job-fetchable'
  && typeof (message as JobSignal).jobType === 'string';

/** In a cluster worker on SQLite: tells the primary of this worker's fetchable jobs, and listens for the others'. */
export async function shareJobSignals(store: Store, workers: Workers): Promise<void> {
  if (!cluster.isWorker || store.kind !== 'sqlite' || !process.send) return;
  await store.watchJobs((jobType) => {
    if (process.connected) process.send!({ type: 'stratum-job-fetchable', jobType } satisfies JobSignal);
  });
  process.on('message', (message: unknown) => {
    if (isJobSignal(message)) workers.jobsFetchable(message.jobType);
  });
}

/** In the primary: passes a worker's job signals on to every other live worker. */
export function relayJobSignals(from: Worker, workers: Iterable<Worker>): void {
  from.on('message', (message: unknown) => {
    if (!isJobSignal(message)) return;
    for (const worker of workers) {
      // A worker killed a moment ago still looks connected: the write then fails (EPIPE), and without a
      // callback that failure is an 'error' event that took the primary down. Its exit replaces it.
      if (worker !== from && worker.isConnected()) worker.send(message, ignoreSendFailure);
    }
  });
}

/** A signal lost with the worker it was for: that worker's replacement asks the store afresh. */
function ignoreSendFailure(): void {}
