// What the task list says a completion decided (modeler/src/tasklist/decision-verdict.ts), in the status line after
// one's own decision and in the order's path: approvals approve or reject; the special change's departments
// acknowledge, or do not yet (`acknowledged: false`: the task comes back), which is never "completed".
import { describe, expect, it } from 'vitest';
import { VERDICT_WORDS, verdictOf } from '../../../modeler/src/tasklist/decision-verdict.js';

describe('what a decision is called', () => {
  it('calls an approval approved and a rejection rejected, whatever else was sent', () => {
    expect(verdictOf({ approved: true, comment: 'ok' })).toBe('approved');
    expect(verdictOf({ approved: false, comment: 'credit limit' })).toBe('rejected');
  });

  it('calls a department\'s acknowledgement acknowledged, and acknowledged false not acknowledged', () => {
    expect(verdictOf({ acknowledged: true })).toBe('acknowledged');
    expect(verdictOf({ acknowledged: false, comment: 'paint not in stock' })).toBe('not-acknowledged');
    expect(VERDICT_WORDS['not-acknowledged']).toBe('did not acknowledge');
  });

  it('calls a completion that decides neither completed: a generic form, or an acknowledgement left out', () => {
    expect(verdictOf({})).toBe('completed');
    expect(verdictOf({ approved: 'yes' })).toBe('completed');
  });
});
