// What the status line says after a refresh changed the list (list-news.ts): its counts written as the reader's
// browser writes numbers, as the count above the list is (task-count.ts).
import { describe, expect, it } from 'vitest';
import { listNews } from '../../../modeler/src/tasklist/list-news.js';
import type { TaskView } from '../../../modeler/src/tasklist/TasklistClient.js';

const task = (n: number) => ({ id: `t${n}`, businessKey: `SO-${n}`, name: 'Approve order', elementId: 'approve' }) as TaskView;
const tasks = (from: number, count: number) => Array.from({ length: count }, (_, i) => task(from + i));

describe('listNews', () => {
  const before = tasks(1, 2);
  const after = [...before, ...tasks(100, 1_234)];

  it('groups the digits of the new tasks and of the rest as a German browser does', () => {
    expect(listNews(before, after, [], { addedAreNews: true, openTaskId: null, locale: 'de-DE' }))
      .toBe('1.234 new tasks: SO-100, SO-101, SO-102 and 1.231 more.');
    expect(listNews(after, before, [], { addedAreNews: true, openTaskId: null, locale: 'de-DE' }))
      .toBe('No longer in your list: SO-100, SO-101, SO-102 and 1.231 more.');
  });

  it('groups them as an American browser does', () => {
    expect(listNews(before, after, [], { addedAreNews: true, openTaskId: null, locale: 'en-US' }))
      .toBe('1,234 new tasks: SO-100, SO-101, SO-102 and 1,231 more.');
    expect(listNews(after, after, after.map((changed) => changed.id), { addedAreNews: true, openTaskId: null, locale: 'en-US' }))
      .toBe('Changed: SO-1, SO-2, SO-100 and 1,233 more.');
  });

  it('writes a small count as it is, in words that fit it', () => {
    expect(listNews(before, [...before, task(7)], [], { addedAreNews: true, openTaskId: null, locale: 'de-DE' })).toBe('1 new task: SO-7.');
  });
});
