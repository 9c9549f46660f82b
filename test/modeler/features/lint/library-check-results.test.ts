// What Check the whole library found describes the library as it was: once the library changes (a deploy from here
// or elsewhere, a draft that comes or goes) the Problems panel marks it stale until it is checked again.
import { describe, expect, it } from 'vitest';
import LibraryCheckResults from '../../../../modeler/src/features/lint/LibraryCheckResults.js';
import type { Problem } from '../../../../modeler/src/features/lint/ProblemsPanel.js';

const related: Problem = { elementId: 'Flow_ApprovalTierRaised_Yes', processKey: 'sales-order-management', rule: 'related-conditions', severity: 'warning', message: '…' };

describe('what Check the whole library found', () => {
  it('is stale once the library changes after the check, and fresh again once checked again', () => {
    const results = new LibraryCheckResults();
    results.record({ libraryProblems: [], relatedProblems: [related], messageProblems: [] });
    expect(results.stale).toBe(false);
    results.libraryChanged();
    expect(results.stale).toBe(true);
    // kept, marked: the designer sees what was found and that it may no longer hold
    expect(results.relatedProblems).toEqual([related]);
    results.record({ libraryProblems: [], relatedProblems: [], messageProblems: [] });
    expect(results.stale).toBe(false);
  });

  it('is not stale when the library was never checked', () => {
    const results = new LibraryCheckResults();
    results.libraryChanged();
    expect(results.stale).toBe(false);
  });

  it('forgets what another document\'s edits moved when a document opens, keeping the other processes\' findings', () => {
    const results = new LibraryCheckResults();
    const other: Problem = { ...related, rule: 'default-flow' };
    results.record({ libraryProblems: [other], relatedProblems: [related], messageProblems: [related] });
    results.documentOpened();
    expect(results).toMatchObject({ libraryProblems: [other], relatedProblems: [], messageProblems: [] });
  });
});
