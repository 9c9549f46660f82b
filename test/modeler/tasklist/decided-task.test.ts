// A decided task in the task list's words (decided-task.ts): who decided what, the comment, any other variable sent.
import { describe, expect, it } from 'vitest';
import type { TaskCompletionView } from '../../../engine/api.js';
import { decidedTask } from '../../../modeler/src/tasklist/decided-task.js';

const completion = (variables: Record<string, unknown>, completedBy: string | null = 'dirk', businessKey: string | null = 'SO-1'): TaskCompletionView => ({
  taskId: 't1', instanceId: 'i1', businessKey, processKey: 'p', elementId: 'Approve', name: 'Approve order',
  completedBy, completedAt: '2026-12-06T01:00:00.000Z', variables,
});

describe('decidedTask', () => {
  it('says "You" for the user\'s own decision, with its comment', () => {
    expect(decidedTask(completion({ approved: false, comment: 'too risky' }), 'dirk')).toEqual({
      summary: 'You rejected "Approve order" for order SO-1.',
      verdict: 'rejected',
      facts: [['Order', 'SO-1'], ['Decision', 'Rejected'], ['Comment', 'too risky'], ['Decided by', 'you (dirk)']],
    });
  });

  it('names whoever else decided, and lists a variable beyond the verdict and comment by its name', () => {
    expect(decidedTask(completion({ acknowledged: false, leadTimeDays: 12 }, 'pat', null), 'dirk')).toEqual({
      summary: 'pat did not acknowledge "Approve order".',
      verdict: 'not-acknowledged',
      facts: [['Order', '—'], ['Decision', 'Not acknowledged'], ['leadTimeDays', '12'], ['Decided by', 'pat']],
    });
  });

  it('leaves out an empty comment', () => {
    expect(decidedTask(completion({ approved: true, comment: '  ' }), 'vera').facts).toEqual([['Order', 'SO-1'], ['Decision', 'Approved'], ['Decided by', 'dirk']]);
  });
});
