// Fires due timers and drops expired buffered messages in the background. Several server processes may run one
// each: the store hands every due timer to one of them (SKIP LOCKED).
import type { EventEmitter } from 'node:events';
import type { Runtime } from '../api.js';

export class TimerScheduler {
  private handle: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly events: EventEmitter,
    private readonly intervalMs: number,
  ) {}

  start() {
    if (this.handle) return;
    this.handle = setInterval(() => this.tick(), this.intervalMs);
    this.handle.unref();
  }

  async stop() {
    clearInterval(this.handle);
    this.handle = undefined;
    await this.running;
  }

  private busy = false;

  private tick() {
    if (this.busy) return; // a slow round must not overlap the next
    this.busy = true;
    this.running = this.runtime
      .fireDueTimers()
      .then(() => this.runtime.purgeExpiredMessages())
      .catch((error) => this.events.emit('scheduler-error', error))
      .finally(() => (this.busy = false));
  }
}
