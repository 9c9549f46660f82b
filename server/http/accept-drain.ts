// Node 20's libuv accepts ONE connection per event-loop iteration (libuv pull
// request 3696), and on SQLite each iteration of a busy server carries one whole
// write step, a stretch of CPU work. A burst of new connections therefore waited
// in the kernel's accept queue, where no admission limit sees or refuses it: the
// burst bench's 1,000 posts were accepted at about 20 a second, up to 44 s after
// they were sent, although each was answered within 2.5 s once accepted.
// So the next write step waits until an iteration accepted no connection: the
// accept queue is drained, and each request read (and queued or refused), first,
// for at most as long as a step takes: during a burst the loop is shared half and
// half between accepting and writing, and queued writes still get their turns.
import type { Server } from 'node:net';

/** Bounds of the time spent draining between two write steps (the step's own duration in between). */
const MIN_DRAIN_MS = 5;
const MAX_DRAIN_MS = 250;

export class AcceptDrain {
  private accepted = 0;

  /** `maxDrainMs`: the most a write waits for the accept queue to drain, however long a step takes (default 250 ms). */
  constructor(private readonly maxDrainMs = MAX_DRAIN_MS) {}

  /** Counts the connections `server` accepts. */
  watch(server: Server): void {
    server.on('connection', () => this.accepted++);
  }

  /**
   * Calls `next` in the first check phase (setImmediate) whose iteration accepted no
   * connection, or once `budgetMs` (a write step's duration; at least 5 ms, at most `maxDrainMs`) have passed.
   * The connection accepted last was read in that iteration's poll phase, so its
   * request met the admission queue before `next`.
   * There is always one poll phase before `next`: the pending I/O of other requests.
   */
  afterDrained(next: () => void, budgetMs: number): void {
    this.whenDrained(next, Math.min(this.maxDrainMs, Math.max(MIN_DRAIN_MS, budgetMs)));
  }

  /**
   * Resolves in the first check phase whose iteration accepted no connection, or after `maxMs`: a stopping server
   * (stopping-gate.ts) closes its listener then, with no connection left in the accept queue to be reset.
   */
  drained(maxMs: number): Promise<void> {
    return new Promise((resolve) => this.whenDrained(resolve, maxMs));
  }

  private whenDrained(next: () => void, maxMs: number): void {
    const started = performance.now();
    // what the current phase accepted is not read yet: the first check never passes
    let seen = -1;
    const check = () => {
      if (this.accepted === seen || performance.now() - started >= maxMs) {
        next();
        return;
      }
      seen = this.accepted;
      setImmediate(check);
    };
    setImmediate(check);
  }
}
