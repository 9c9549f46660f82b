// The count above the task list, its number as the reader's browser writes numbers (task-count.ts).
import { describe, expect, it } from 'vitest';
import { taskCountSentence } from '../../../modeler/src/tasklist/task-count.js';

describe('taskCountSentence', () => {
  it('groups the digits as a German browser does', () => {
    expect(taskCountSentence({ loaded: 1_234, more: false, filtered: false }, 'de-DE')).toBe('1.234 open tasks');
    expect(taskCountSentence({ loaded: 1_050, more: true, filtered: false }, 'de-DE')).toBe('Showing the 1.050 oldest open tasks; there are more.');
    expect(taskCountSentence({ loaded: 12_500, more: false, filtered: true }, 'de-DE')).toBe('12.500 matching open tasks');
  });

  it('groups them as an American browser does', () => {
    expect(taskCountSentence({ loaded: 1_234, more: false, filtered: false }, 'en-US')).toBe('1,234 open tasks');
    expect(taskCountSentence({ loaded: 1_050, more: true, filtered: true }, 'en-US')).toBe('Showing the 1,050 oldest matching open tasks; there are more.');
  });

  it('says one task, and no tasks, in words that fit the number', () => {
    expect(taskCountSentence({ loaded: 1, more: false, filtered: false }, 'de-DE')).toBe('1 open task');
    expect(taskCountSentence({ loaded: 0, more: false, filtered: true }, 'de-DE')).toBe('0 matching open tasks');
  });
});
