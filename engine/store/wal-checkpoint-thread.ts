// The background WAL checkpointer of a SQLite store (wal-checkpointer.ts), in
// a thread of its own with a connection of its own: the checkpoint's copying
// and fsyncs happen here, not inside a commit on the server's event loop.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { walFrames } from './wal-size.js';
import { STAT, type WalCheckpointSettings } from './wal-checkpoint-settings.js';

export interface WalCheckpointThreadData {
  path: string;
  settings: WalCheckpointSettings;
  /** Float64Array indexed by STAT, written here, read by the store's thread. */
  stats: SharedArrayBuffer;
}

type Mode = 'PASSIVE' | 'TRUNCATE';

const data = workerData as WalCheckpointThreadData;
const port = parentPort!;
const { pages, limitPages, intervalMs, escalationWaitMs } = data.settings;
const stats = new Float64Array(data.stats);
const db = new Database(data.path, { fileMustExist: true });
// only the escalated checkpoint waits (PASSIVE never calls the busy handler); it waits in this thread
db.pragma(`busy_timeout = ${escalationWaitMs}`);
const pageSize = db.pragma('page_size', { simple: true }) as number;
/** The WAL's frames at the last look. */
let lastSeen = 0;
/** What the last checkpoint found: the WAL's frames, and how many of them were copied by then. */
let last = { log: 0, checkpointed: 0 };

const timer = setInterval(check, intervalMs);
port.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});

function check(): void {
  const frames = walFrames(data.path, pageSize);
  const grew = frames > lastSeen;
  lastSeen = frames;
  // From the limit on the store's commits checkpoint themselves (wal-checkpointer.ts), as with SQLite's
  // autocheckpoint, until the WAL starts over: a checkpoint here would only make theirs find it busy.
  if (frames >= limitPages && grew) return;
  // Halfway to the limit (or past it, with writes stopped) the WAL has not started over for a while (readers
  // or writers never left a gap): TRUNCATE waits a little for the write lock and the readers, copies the
  // rest and empties the file.
  if (frames >= limitPages / 2) checkpoint('TRUNCATE', frames);
  // Past the threshold, and then every round until all is copied: only a WAL copied to its end lets the next
  // commit start it over from the beginning (and cut it back).
  else if (frames >= pages && !(last.log === frames && last.checkpointed === frames)) checkpoint('PASSIVE', frames);
}

function checkpoint(mode: Mode, frames: number): void {
  const started = performance.now();
  let result: { busy: number; log: number; checkpointed: number };
  try {
    [result] = db.pragma(`wal_checkpoint(${mode})`) as [typeof result];
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw error;
    stats[mode === 'PASSIVE' ? STAT.passiveBusy : STAT.truncateBusy]++;
    return;
  }
  // an emptied WAL reports 0 and 0: it had at least the frames seen before, all copied; -1 and -1: another
  // process's checkpoint ran
  const emptied = mode === 'TRUNCATE' && !result.busy;
  const now = emptied ? { log: frames, checkpointed: frames } : { log: result.log, checkpointed: result.checkpointed };
  if (now.log >= 0) {
    // the same WAL as at the last checkpoint (it did not start over since) had `last.checkpointed` copied already
    stats[STAT.frames] += now.log >= last.log ? Math.max(0, now.checkpointed - last.checkpointed) : now.checkpointed;
    last = emptied ? { log: 0, checkpointed: 0 } : now;
    stats[STAT.pendingFrames] = now.log - now.checkpointed;
  }
  if (result.busy) {
    // another process's checkpoint runs, or (TRUNCATE) the lock or a reader did not come free in time: a
    // TRUNCATE then copied what it could, as PASSIVE does
    stats[mode === 'PASSIVE' ? STAT.passiveBusy : STAT.truncateBusy]++;
    return;
  }
  stats[mode === 'PASSIVE' ? STAT.passive : STAT.truncate]++;
  stats[STAT.lastDurationMs] = performance.now() - started;
}
