// Whether the task list lets the reader decide a task opened by its address, and why not (task-offer.ts).
import { describe, expect, it } from 'vitest';
import { notOfferedTo } from '../../../modeler/src/tasklist/task-offer.js';

describe('a task not offered to the reader (task-offer.ts)', () => {
  const review = { assignee: null, candidateUsers: [], candidateGroups: ['vice-president'] };

  it('is theirs to decide when they are in a candidate group, a candidate user or the assignee', () => {
    expect(notOfferedTo(review, 'vera', ['vice-president'])).toBeUndefined();
    expect(notOfferedTo({ ...review, candidateUsers: ['bo'] }, 'bo', [])).toBeUndefined();
    expect(notOfferedTo({ ...review, assignee: 'dana' }, 'dana', ['sales-director'])).toBeUndefined();
  });

  it('says for whom it is otherwise, as the 403 not-offered does', () => {
    expect(notOfferedTo(review, 'dana', ['sales-director'])).toBe('This task is for vice-president, and you are in none of these groups.');
    expect(notOfferedTo({ ...review, assignee: 'bo', candidateUsers: ['vera'] }, 'dana', ['sales-director']))
      .toBe('This task is assigned to bo, offered to vera, for vice-president, and you are not among them.');
  });
});
