// What Check the whole library found describes the library as it was: once the library changes (a deploy from here
// or elsewhere, a draft that comes or goes) the Problems panel marks it stale until it is checked again. A change
// while the check runs (or an edit of the open diagram, whose XML it sent) marks its findings stale as they arrive.
import { describe, expect, it } from 'vitest';
import LibraryCheckResults from '../../../../modeler/src/features/lint/LibraryCheckResults.js';
import type { Problem } from '../../../../modeler/src/features/lint/ProblemsPanel.js';

const related: Problem = { elementId: 'Flow_ApprovalTierRaised_Yes', processKey: 'sales-order-management', rule: 'related-conditions', severity: 'warning', message: '…' };

describe('what Check the whole library found', () => {
  it('is stale once the library changes after the check, and fresh again once checked again', () => {
    const results = new LibraryCheckResults();
    results.record({ libraryProblems: [], relatedProblems: [related], messageProblems: [] }, results.started());
    expect(results.stale).toBe(false);
    results.libraryChanged();
    expect(results.stale).toBe(true);
    // kept, marked: the designer sees what was found and that it may no longer hold
    expect(results.relatedProblems).toEqual([related]);
    results.record({ libraryProblems: [], relatedProblems: [], messageProblems: [] }, results.started());
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
    results.record({ libraryProblems: [other], relatedProblems: [related], messageProblems: [related] }, results.started());
    results.documentOpened();
    expect(results).toMatchObject({ libraryProblems: [other], relatedProblems: [], messageProblems: [] });
  });

  it('is stale as it arrives when the library changed while the check ran, a first check too', () => {
    const results = new LibraryCheckResults();
    const check = results.started();
    results.libraryChanged();
    results.record({ libraryProblems: [], relatedProblems: [related], messageProblems: [] }, check);
    expect(results.stale).toBe(true);
    expect(results.relatedProblems).toEqual([related]);
  });

  it('is stale as it arrives when the open diagram was edited while the check ran, not when it is edited after', () => {
    const results = new LibraryCheckResults();
    const check = results.started();
    results.openDiagramEdited();
    results.record({ libraryProblems: [], relatedProblems: [related], messageProblems: [] }, check);
    expect(results.stale).toBe(true);

    results.record({ libraryProblems: [], relatedProblems: [related], messageProblems: [] }, results.started());
    results.openDiagramEdited();
    expect(results.stale).toBe(false);
  });

  it('keeps none of what the edits of a document opened away from during the check move', () => {
    const results = new LibraryCheckResults();
    const check = results.started();
    results.documentOpened();
    const other: Problem = { ...related, rule: 'default-flow' };
    results.record({ libraryProblems: [other], relatedProblems: [related], messageProblems: [related] }, check);
    expect(results).toMatchObject({ libraryProblems: [other], relatedProblems: [], messageProblems: [], stale: false });
  });
});
