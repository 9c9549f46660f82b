// GET/HEAD /healthz on the public API port of `npm start`'s primary with order
// routing (routing.ts), answered by the primary itself instead of proxied to a
// worker: a worker's event loop carries whole write steps, so during a burst a
// probe queued behind them waited hundreds of milliseconds, and a worker that
// hangs hung the probe. The primary's loop does no engine work. The answer means
// what the management port's does (pool-health.ts): every worker listens and
// beats, and the store answers a read, through a connection of the primary's
// own, opened at the first probe (the workers migrate the store before that).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openReplica } from '../../engine/store/open.js';
import type { Store, StoreReplica } from '../../engine/store/types.js';
import { answerHealth, STALL_MS } from './pool-health.js';
import { storeAnswers } from './store-health.js';
import type { WorkerRoster } from './worker-roster.js';

/** Set on the answers the primary gives itself (its pid); a worker's answers name the worker instead (stratum-worker). */
const PRIMARY_HEADER = 'stratum-primary';

export interface PrimaryHealth {
  answer: (req: IncomingMessage, res: ServerResponse) => void;
  close: () => Promise<void>;
}

export function primaryHealth(roster: WorkerRoster, replica: StoreReplica, stallMs = STALL_MS): PrimaryHealth {
  const beats = new BigInt64Array(roster.beats);
  let store: Store | undefined;
  const storeAnswersHere = async () => {
    try {
      // on SQLite a read of the WAL file does not wait for the workers' writes; on PostgreSQL a pool of two
      store ??= openReplica(replica);
      await storeAnswers(store);
      return true;
    } catch {
      return false;
    }
  };
  const headers = { [PRIMARY_HEADER]: String(process.pid) };
  return {
    answer: (req, res) => {
      // a body sent with the probe is read and dropped
      req.resume();
      void answerHealth(res, req.url ?? '/', { loopStalledMs: 0, workers: { states: roster.states, beats }, stallMs, storeAnswers: storeAnswersHere }, headers);
    },
    close: async () => {
      await store?.close();
      store = undefined;
    },
  };
}
