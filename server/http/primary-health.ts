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
export const PRIMARY_HEADER = 'stratum-primary';

export interface PrimaryHealth {
  answer: (req: IncomingMessage, res: ServerResponse) => void;
  /** The primary begins to stop: /healthz answers 503 from now on, while the router drains. */
  stopping: () => void;
  close: () => Promise<void>;
}

/** How long a probe's SQLite read retries while the file is busy (a checkpoint, a recovery), the event loop free meanwhile. */
const BUSY_RETRY_MS = 1000;
const BUSY_RETRY_EVERY_MS = 2;

export function primaryHealth(roster: WorkerRoster, replica: StoreReplica, stallMs = STALL_MS): PrimaryHealth {
  const beats = new BigInt64Array(roster.beats);
  // better-sqlite3 is synchronous: SQLite's busy handler would sleep the primary's whole event loop, and with it
  // every request it proxies, so a busy file is tried again from a timer instead (a read seldom meets one: WAL
  // readers do not wait for writers). PostgreSQL: a pool of two.
  const own: StoreReplica = replica.kind === 'sqlite' ? { ...replica, busyTimeoutMs: 0 } : replica;
  let store: Store | undefined;
  const storeAnswersHere = async () => {
    const giveUpAt = performance.now() + BUSY_RETRY_MS;
    for (;;) {
      try {
        store ??= await openReplica(own);
        await storeAnswers(store);
        return true;
      } catch (error) {
        if (!isBusy(error) || performance.now() >= giveUpAt) return false;
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_EVERY_MS));
      }
    }
  };
  const headers = { [PRIMARY_HEADER]: String(process.pid) };
  let stopping = false;
  return {
    answer: (req, res) => {
      // a body sent with the probe is read and dropped
      req.resume();
      void answerHealth(res, req.url ?? '/', { stopping, loopStalledMs: 0, workers: { states: roster.states, beats }, stallMs, storeAnswers: storeAnswersHere }, headers);
    },
    stopping: () => {
      stopping = true;
    },
    close: async () => {
      await store?.close();
      store = undefined;
    },
  };
}

// helpers

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');
