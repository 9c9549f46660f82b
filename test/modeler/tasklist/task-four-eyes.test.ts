// A task of one's own list that four eyes would refuse (TaskView.fourEyes, GET /api/tasks?mine=true), as the task
// list words it: the sentence the 403 would give, before the approver fills in the form.
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import { fourEyesSentence } from '../../../modeler/src/tasklist/task-four-eyes.js';

const review = {
  id: 'i2:t2', instanceId: 'i2', businessKey: 'SO-1', processKey: 'credit-order-approval', elementId: 'UserTask_ReviewByVicePresident',
  name: 'Review order (vice-president)', candidateGroups: ['vice-president'], assignee: null, candidateUsers: [], claimedBy: null, claimedAt: null,
  createdAt: '2026-12-06T09:00:00.000Z', variables: ['approved', 'comment'], documentation: null, processName: 'Credit order approval', form: null,
  order: null, held: null,
} satisfies TaskView;
const approval = { id: 'i2:t1', instanceId: 'i2', processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' };

describe('fourEyesSentence', () => {
  it('says nothing for a task four eyes leaves to the reader', () => {
    expect(fourEyesSentence(review)).toBeUndefined();
  });

  it('words each mark as the 403 it stands for', () => {
    const detail = 'four eyes: …';
    expect(fourEyesSentence({ ...review, fourEyes: { refused: true, reason: 'four-eyes-other-task', detail, decidedTask: approval } }))
      .toBe('You already decided "Approve order (sales director)" for this order. Four eyes: another person must make this decision.');
    expect(fourEyesSentence({ ...review, fourEyes: { refused: true, reason: 'four-eyes-starter', detail } }))
      .toBe('You started this order. Four eyes: another person must make this decision.');
    expect(fourEyesSentence({ ...review, fourEyes: { refused: true, reason: 'four-eyes-change-requester', detail, changeId: 'C-2' } }))
      .toBe('You requested change C-2 of this order. Four eyes: another person must make this decision.');
  });

  it('falls back to the server\'s sentence for a mark without the members its reason needs', () => {
    expect(fourEyesSentence({ ...review, fourEyes: { refused: true, reason: 'four-eyes-other-task', detail: 'four eyes: bo already decided …' } }))
      .toBe('four eyes: bo already decided …');
  });
});
