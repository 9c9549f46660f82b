// A worker thread of the replay (replay-pool.ts starts it): opens its own
// connection to the store, builds the candidate library from the files and
// replays its share of the selected orders, so the server's event loop and
// its live steps never wait behind a replay. It reads only. It stays for the
// next replay while the pool keeps it idle, and is terminated when a replay
// it works on is cancelled.
import { parentPort } from 'node:worker_threads';
import type { BpmnFile } from '../api.js';
import { openReplica } from '../store/open.js';
import type { StoreReplica } from '../store/types.js';
import { CandidateLibrary } from './candidate-library.js';
import type { OrderSelection } from './recorded-orders.js';
import { replayChanges, type OrderChange, type ReplayShard } from './replay.js';

/** One replay job, sent to an idle worker. */
export interface ReplayJob {
  replica: StoreReplica;
  files: BpmnFile[];
  selection: OrderSelection;
  shard: ReplayShard;
}

export type ReplayWorkerMessage = { type: 'progress'; orders: number } | { type: 'done'; changes: OrderChange[] };

async function replay({ replica, files, selection, shard }: ReplayJob): Promise<void> {
  const post = (message: ReplayWorkerMessage) => parentPort!.postMessage(message);
  const store = openReplica(replica);
  try {
    const library = await CandidateLibrary.open(store, files);
    const changes = await replayChanges(store, library, selection, { shard, progress: (orders) => post({ type: 'progress', orders }) });
    post({ type: 'done', changes });
  } finally {
    await store.close();
  }
}

// One job at a time: the pool sends the next only after `done`.
parentPort!.on('message', (job: ReplayJob) => {
  replay(job).catch((error: unknown) => {
    // an uncaught error ends the worker and reaches the pool as its `error` event
    setImmediate(() => {
      throw error;
    });
  });
});
