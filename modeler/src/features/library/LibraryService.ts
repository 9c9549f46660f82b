import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import type { ProcessSummary } from '../../api/client';
import type StatusLine from '../shell/StatusLine';
import { SESSION_READY } from '../session/Session';

export const LIBRARY_CHANGED = 'stratum.library.changed';

/** The deployed processes as the server lists them, refreshed after every deploy. */
export default class LibraryService {
  static $inject = ['config.stratum', 'eventBus', 'statusLine'];

  processes: ProcessSummary[] = [];

  constructor(
    private readonly config: StratumConfig,
    private readonly eventBus: EventBus,
    private readonly statusLine: StatusLine,
  ) {
    eventBus.on(SESSION_READY, () => void this.refresh());
  }

  private loading: Promise<void> | null = null;

  /** Reloads the list; concurrent callers share one request. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      this.processes = await this.config.api.listProcesses();
      this.processes.sort((a, b) => a.level - b.level || a.key.localeCompare(b.key));
      this.eventBus.fire(LIBRARY_CHANGED, { processes: this.processes });
    } catch (error) {
      this.statusLine.error(error, 'Loading the library');
    }
  }

  get(key: string): ProcessSummary | undefined {
    return this.processes.find((process) => process.key === key);
  }

  keys(): string[] {
    return this.processes.map((process) => process.key);
  }
}
