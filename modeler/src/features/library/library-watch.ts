import type { ProcessSummary } from '../../api/client';
import { RefreshPoller, type PollTimer } from '../shell/refresh-poller';

/**
 * How often an open modeler looks at the library while its page is seen. Other designers and CI pipelines deploy
 * now and then, not every second: a look is one small GET, and the deploy dialog looks again when it opens.
 */
export const LIBRARY_LOOK_MS = 30_000;

interface LibraryWatchOptions {
  /** Loads the library as the server has it now (LibraryService's FreshLoads). */
  look(): Promise<void>;
  /** Whether the page is seen (`document.visibilityState`); while it is not, nothing is asked. */
  visible(): boolean;
  /** Calls `back` whenever the designer may come back to the page: it is shown again, or its window gets the focus. */
  onReturn(back: () => void): void;
  timer?: PollTimer;
}

/**
 * Keeps the browser's copy of the library current while someone else deploys (another designer, a CI pipeline calling
 * POST /api/deployments): a look every LIBRARY_LOOK_MS while the page is seen, none while it is hidden, and one at once
 * when the designer comes back to it. One look at a time (RefreshPoller), so a page shown and focused in one go, or a
 * slow server, never has two in flight.
 */
export class LibraryWatch {
  private readonly poller: RefreshPoller;

  constructor(options: LibraryWatchOptions) {
    this.poller = new RefreshPoller(() => options.look(), {
      everyMs: LIBRARY_LOOK_MS, visible: () => options.visible(), held: () => false, timer: options.timer,
    });
    options.onReturn(() => this.poller.wake());
  }

  /** Looks now and from then on. */
  start(): Promise<void> {
    return this.poller.start();
  }
}

/** The page's returns in the browser: shown again (another tab was in front), or its window focused (another window was). */
export function onPageReturn(back: () => void): void {
  document.addEventListener('visibilitychange', back);
  window.addEventListener('focus', back);
}

/**
 * Whether two answers of GET /api/processes (sorted alike) list the same library. A look that finds nothing new must
 * change nothing on screen: the library's listeners re-render the tree, lint again and reload the History tab.
 */
export function sameLibrary(before: readonly ProcessSummary[], after: readonly ProcessSummary[]): boolean {
  return before.length === after.length && JSON.stringify(before) === JSON.stringify(after);
}
