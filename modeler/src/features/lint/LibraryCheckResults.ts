import type { Problem } from './ProblemsPanel';

/** Where a check began: what had changed by then, so what changes while it runs is told apart. */
export interface CheckStart {
  changes: number;
  documents: number;
}

/**
 * What *Check the whole library* found, and whether the library changed since (a deploy from here or elsewhere, a
 * draft that came or went): then the findings are kept, marked stale, until checked again. A change while the check
 * runs (or an edit of the open diagram, whose XML it sent) marks its findings stale as they arrive: they were read
 * before it. Not re-run by itself: a check reads every process's XML and asks the server for the impact, and a
 * library that changes elsewhere (another designer, a CI pipeline) would repeat that behind a panel nobody may be
 * reading, and change its lists unasked.
 */
export default class LibraryCheckResults {
  /** The other processes' findings; null until checked. */
  libraryProblems: Problem[] | null = null;
  /** Conditions that still compare with a constant the edits move, in any process, the open one too. */
  relatedProblems: Problem[] = [];
  /** Messages whose catching elements the edits change: what the systems sending them must hear of. */
  messageProblems: Problem[] = [];
  /** The library changed after the check began: its lists describe the library as it was. */
  stale = false;
  private changes = 0;
  private documents = 0;

  /** A check begins: what it records is stale if anything changes before it does. */
  started(): CheckStart {
    return { changes: this.changes, documents: this.documents };
  }

  record(found: { libraryProblems: Problem[]; relatedProblems: Problem[]; messageProblems: Problem[] }, since: CheckStart): void {
    ({ libraryProblems: this.libraryProblems, relatedProblems: this.relatedProblems, messageProblems: this.messageProblems } = found);
    // what the edits of a document no longer open move is not the open one's
    if (since.documents !== this.documents) {
      this.relatedProblems = [];
      this.messageProblems = [];
    }
    this.stale = since.changes !== this.changes;
  }

  libraryChanged(): void {
    this.changes += 1;
    if (this.libraryProblems !== null || this.relatedProblems.length || this.messageProblems.length) this.stale = true;
  }

  /** The open diagram was edited: a check running sent its XML as it was. */
  openDiagramEdited(): void {
    this.changes += 1;
  }

  /** What another document's edits moved is not this one's: checked again with Check the whole library. */
  documentOpened(): void {
    this.documents += 1;
    this.relatedProblems = [];
    this.messageProblems = [];
  }
}
