/** What a poller waits with: the browser's timers, or vitest's fake ones in a test. */
export interface PollTimer {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RefreshPollerOptions {
  /** From the end of one refresh to the start of the next. */
  everyMs: number;
  /** Whether anyone sees the view; while nobody does, nothing is asked until `wake()`. */
  visible(): boolean;
  /** Whether a refresh would get in the operator's way now; such a turn is skipped, the next one tried. */
  held(): boolean;
  timer?: PollTimer;
}

const BROWSER_TIMER: PollTimer = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps a view current as operators' consoles do: a refresh every few seconds while the view is visible, paused
 * while it is not and at once when it is again. The next wait starts when a refresh ends and a refresh asked for
 * while one runs is that one (or follows it, after a change it did not see), so a slow server never has two in
 * flight and answers cannot arrive out of order. The side panel's tabs use it (Incidents, Instances).
 */
export class RefreshPoller {
  private readonly timer: PollTimer;
  private waiting: unknown;
  private running: Promise<void> | null = null;
  /** Something changed that the refresh in flight did not see: another follows it at once. */
  private changed = false;
  private started = false;

  constructor(private readonly refresh: () => Promise<void>, private readonly options: RefreshPollerOptions) {
    this.timer = options.timer ?? BROWSER_TIMER;
  }

  /** Refreshes now and polls from then on. */
  start(): Promise<void> {
    this.started = true;
    return this.refreshNow();
  }

  /** The view may have become visible: refresh at once (unless held) and poll again. */
  wake(): void {
    if (!this.started || !this.options.visible()) return;
    if (this.options.held()) this.schedule();
    else void this.refreshNow();
  }

  /** A refresh now; while one is in flight, that one. The next turn is counted from its end. */
  refreshNow(): Promise<void> {
    if (this.running) return this.running;
    this.clear();
    // called a microtask later, so even a refresh that throws at once leaves `running` as it should
    this.running = Promise.resolve().then(() => this.refreshUntilCurrent()).finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  /**
   * What the view shows changed in a way a refresh in flight did not see (another process opened): a refresh now,
   * or, while one is in flight, another right after it (never beside it). Resolves when the view is current.
   */
  refreshAfterChange(): Promise<void> {
    if (this.running) this.changed = true;
    return this.refreshNow();
  }

  private async refreshUntilCurrent(): Promise<void> {
    do {
      this.changed = false;
      await this.refresh();
    } while (this.changed);
  }

  private schedule(): void {
    this.clear();
    if (!this.started || this.running || !this.options.visible()) return;
    this.waiting = this.timer.setTimeout(() => this.turn(), this.options.everyMs);
  }

  private turn(): void {
    this.waiting = undefined;
    if (!this.options.visible()) return;
    if (this.options.held()) this.schedule();
    else void this.refreshNow();
  }

  private clear(): void {
    if (this.waiting === undefined) return;
    this.timer.clearTimeout(this.waiting);
    this.waiting = undefined;
  }
}
