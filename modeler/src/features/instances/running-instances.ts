import type { InstanceList } from '../../api/client';
import { RefreshPoller, type PollTimer } from '../shell/refresh-poller';

const LISTED = 20;
/** While the Instances tab is on screen, new orders and finished ones show within this time. */
const POLL_MS = 3000;

/** What the tab lists: the running instances of the open process, or nothing (no process open, or one not deployed). */
export type RunningListing = { processKey: string; list: InstanceList } | null;

interface RunningInstancesOptions {
  /** GET /api/instances (the client's `listInstances`). */
  listInstances(query: { processKey: string; status: 'running'; limit: number }): Promise<InstanceList>;
  /** The open process if the server has it (it is in the library), else null. */
  openProcess(): string | null;
  show(listing: RunningListing): void;
  /** A list the operator or a change asked for failed; a poll's failure is not said, the next poll tries again. */
  failed(error: unknown, processKey: string): void;
  /** Whether anyone sees the list; while nobody does, nothing is polled. */
  visible(): boolean;
  timer?: PollTimer;
}

/**
 * The running instances of the open process, as GET /api/instances?processKey=…&status=running counts them, kept
 * current: every few seconds while the tab is seen, at once when another process opens or the library changes.
 * One list request at a time (RefreshPoller), so a slow server gets no pile of them, and an answer for a process
 * no longer open is dropped: the open one's list follows it.
 */
export class RunningInstances {
  private readonly poller: RefreshPoller;
  /** The process the last list was asked for (null: none). */
  private listedFor: string | null = null;
  /** The next list was asked for by the operator or a change: its failure is said. */
  private sayFailure = false;

  constructor(private readonly options: RunningInstancesOptions) {
    this.poller = new RefreshPoller(() => this.list(), { everyMs: POLL_MS, visible: () => options.visible(), held: () => false, timer: options.timer });
  }

  /** Lists now and polls from then on. */
  start(): Promise<void> {
    return this.poller.start();
  }

  /** The list may have come into sight: listed at once, and polled again. */
  wake(): void {
    this.poller.wake();
  }

  /** Lists again now, or right after the list in flight, which may be of the process open before. */
  listAgain(): Promise<void> {
    this.sayFailure = true;
    return this.poller.refreshAfterChange();
  }

  /** A document opened: another process's instances are listed at once. */
  documentOpened(): void {
    if (this.options.openProcess() !== this.listedFor) void this.listAgain();
  }

  private async list(): Promise<void> {
    const sayFailure = this.sayFailure;
    this.sayFailure = false;
    const processKey = this.listedFor = this.options.openProcess();
    if (!processKey) {
      this.options.show(null);
      return;
    }
    try {
      const list = await this.options.listInstances({ processKey, status: 'running', limit: LISTED });
      if (this.options.openProcess() !== processKey) return;
      this.options.show({ processKey, list });
    } catch (error) {
      if (this.options.openProcess() !== processKey) return;
      this.options.show(null);
      if (sayFailure) this.options.failed(error, processKey);
    }
  }
}
