// The count above the list, its number written as the reader's browser writes numbers (1.234 in a German
// browser, `locale` undefined: its own); the words stay English, as the page's others do.

/** What the list holds: how many tasks are loaded, whether the server has more, whether a filter chose them. */
export interface ListedTasks {
  loaded: number;
  more: boolean;
  filtered: boolean;
}

/** The list may be cut after the loaded pages: the sentence says so, never letting a page pass for all there is. */
export function taskCountSentence({ loaded, more, filtered }: ListedTasks, locale?: string): string {
  const count = new Intl.NumberFormat(locale).format(loaded);
  const open = filtered ? 'matching open' : 'open';
  if (more) return `Showing the ${count} oldest ${open} tasks; there are more.`;
  return `${count} ${open} ${loaded === 1 ? 'task' : 'tasks'}`;
}
