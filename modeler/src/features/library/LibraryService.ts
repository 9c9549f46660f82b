import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import type { ProcessSummary } from '../../api/client';
import type StatusLine from '../shell/StatusLine';
import type DraftStore from '../workspace/DraftStore';
import { DRAFTS_CHANGED } from '../workspace/DraftStore';
import { SESSION_READY } from '../session/Session';
import { FreshLoads } from './fresh-loads';
import { libraryWithDrafts, type LibraryEntry } from './library-entries';
import { LibraryWatch, onPageReturn, sameLibrary } from './library-watch';

export const LIBRARY_CHANGED = 'stratum.library.changed';

/**
 * The deployed processes as the server lists them, refreshed after every deploy and kept
 * current while others deploy (LibraryWatch), and the library as the designer sees it: those
 * processes with the drafts of this browser (new processes not deployed yet, and edited ones)
 * merged in.
 */
export default class LibraryService {
  static $inject = ['config.stratum', 'eventBus', 'statusLine', 'draftStore'];

  /** Deployed processes only: what the server knows. */
  processes: ProcessSummary[] = [];
  /** Deployed processes and drafts, by level. */
  entries: LibraryEntry[] = [];
  private draftSignature = '';
  private loaded = false;
  /** The next load was asked for (signing in, Refresh, a deploy, a dialog): its failure is said; a look's is not. */
  private sayFailure = false;
  /** The watch's first look after the latest sign-in: the library the modeler opens its first process from. */
  private signInLook: Promise<void> | null = null;

  constructor(
    private readonly config: StratumConfig,
    private readonly eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly drafts: DraftStore,
  ) {
    eventBus.on(SESSION_READY, () => {
      // the first look is the one signing in asks for
      this.sayFailure = true;
      this.signInLook = this.watch.start();
    });
    this.entries = this.merge();
    // a draft's autosave fires often; the library changes only when drafts come, go, rename or call others
    eventBus.on(DRAFTS_CHANGED, () => {
      if (this.signature() !== this.draftSignature) this.changed();
    });
  }

  private readonly loads = new FreshLoads(() => this.load());
  private readonly watch = new LibraryWatch({
    look: () => this.loads.refresh(),
    visible: () => document.visibilityState === 'visible',
    onReturn: onPageReturn,
  });

  /**
   * Reloads the list, as the server has it once refresh is called (FreshLoads). Whatever names the versions deployed
   * elsewhere (the deploy dialog, a file opened from disk) calls it first: the copy may be a look older.
   */
  refresh(): Promise<void> {
    this.sayFailure = true;
    return this.loads.refresh();
  }

  /**
   * Resolves once the library signing in asked for is loaded (the watch's first look), for the modeler's start to open
   * its first process from. Not refresh(): that look is still in flight, and a refresh asked for during a load waits
   * for one more load after it (FreshLoads), a second GET /api/processes at every sign-in.
   */
  loadedAtSignIn(): Promise<void> {
    return this.signInLook ?? this.refresh();
  }

  private async load(): Promise<void> {
    const sayFailure = this.sayFailure;
    this.sayFailure = false;
    try {
      const processes = await this.config.api.listProcesses();
      processes.sort((a, b) => a.level - b.level || a.key.localeCompare(b.key));
      if (this.loaded && sameLibrary(this.processes, processes)) return;
      this.loaded = true;
      this.processes = processes;
      this.changed();
    } catch (error) {
      // a look that failed is tried again at the next one, as the Instances tab's polls are
      if (sayFailure) this.statusLine.error(error, 'Loading the library');
    }
  }

  private changed(): void {
    this.entries = this.merge();
    this.eventBus.fire(LIBRARY_CHANGED, { processes: this.processes });
  }

  private merge(): LibraryEntry[] {
    this.draftSignature = this.signature();
    return libraryWithDrafts(this.processes, this.drafts.all().map(([key, draft]) => ({
      key, name: draft.meta.name, calls: draft.calls, savedAt: draft.savedAt,
    })));
  }

  private signature(): string {
    return JSON.stringify(this.drafts.all().map(([key, draft]) => [key, draft.meta.name, draft.calls]));
  }

  /** A deployed process. */
  get(key: string): ProcessSummary | undefined {
    return this.processes.find((process) => process.key === key);
  }

  /** A deployed process or a draft. */
  find(key: string): LibraryEntry | undefined {
    return this.entries.find((entry) => entry.key === key);
  }

  /** Keys a call activity may name: deployed processes and drafts (deployed together with their caller). */
  keys(): string[] {
    return this.entries.map((entry) => entry.key);
  }
}
