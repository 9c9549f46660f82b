// A replay worker process (replay-pool.ts starts it): it runs at the lowest
// CPU priority (replay-priority.ts), opens its own connection to the store,
// builds the candidate library from the files and replays its share of the
// selected orders, so live steps never wait behind a replay, neither in the
// server's event loop nor for a core. It reads only. It stays for the next
// replay while the pool keeps it idle, ends when the server goes away (its IPC
// channel closes), and is killed when a replay it works on is cancelled.
import type { BpmnFile, ServerRoles } from '../api.js';
import { openReplica } from '../store/open.js';
import type { StoreReplica } from '../store/types.js';
import { CandidateLibrary } from './candidate-library.js';
import type { OrderSelection } from './recorded-orders.js';
import { replayChanges, type OrderChange, type ReplayShard } from './replay.js';
import { lowerOwnPriority } from './replay-priority.js';

/** One replay job, sent to an idle worker. */
export interface ReplayJob {
  replica: StoreReplica;
  files: BpmnFile[];
  selection: OrderSelection;
  shard: ReplayShard;
  serverRoles?: ServerRoles;
}

export type ReplayWorkerMessage =
  | { type: 'progress'; orders: number }
  | { type: 'done'; changes: OrderChange[] }
  /** The replay threw: its message, for the caller's error. */
  | { type: 'failed'; message: string };

lowerOwnPriority();

function post(message: ReplayWorkerMessage): void {
  process.send?.(message);
}

async function replay({ replica, files, selection, shard, serverRoles }: ReplayJob): Promise<void> {
  const store = await openReplica(replica);
  try {
    const library = await CandidateLibrary.open(store, files);
    const changes = await replayChanges(store, library, selection, {
      shard, progress: (orders) => post({ type: 'progress', orders }), ...(serverRoles && { serverRoles }),
    });
    post({ type: 'done', changes });
  } finally {
    await store.close();
  }
}

// One job at a time: the pool sends the next only after `done` or `failed`.
process.on('message', (job: ReplayJob) => {
  replay(job).catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
});
// the server ended (or killed its side of the channel): nothing is left to replay for
process.on('disconnect', () => process.exit(0));
