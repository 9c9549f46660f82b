import type { Problem } from './ProblemsPanel';

/**
 * What *Check the whole library* found, and whether the library changed since (a deploy from here or elsewhere, a
 * draft that came or went): then the findings are kept, marked stale, until checked again. Not re-run by itself: a
 * check reads every process's XML and asks the server for the impact, and a library that changes elsewhere (another
 * designer, a CI pipeline) would repeat that behind a panel nobody may be reading, and change its lists unasked.
 */
export default class LibraryCheckResults {
  /** The other processes' findings; null until checked. */
  libraryProblems: Problem[] | null = null;
  /** Conditions that still compare with a constant the edits move, in any process, the open one too. */
  relatedProblems: Problem[] = [];
  /** Messages whose catching elements the edits change: what the systems sending them must hear of. */
  messageProblems: Problem[] = [];
  /** The library changed after the check: its lists describe the library as it was. */
  stale = false;

  record(found: { libraryProblems: Problem[]; relatedProblems: Problem[]; messageProblems: Problem[] }): void {
    ({ libraryProblems: this.libraryProblems, relatedProblems: this.relatedProblems, messageProblems: this.messageProblems } = found);
    this.stale = false;
  }

  libraryChanged(): void {
    if (this.libraryProblems !== null || this.relatedProblems.length || this.messageProblems.length) this.stale = true;
  }

  /** What another document's edits moved is not this one's: checked again with Check the whole library. */
  documentOpened(): void {
    this.relatedProblems = [];
    this.messageProblems = [];
  }
}
