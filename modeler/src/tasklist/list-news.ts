// What the status line (a live region) says after a refresh changed the list: the tasks that came, changed or
// left, by their order number, so a screen reader hears what changed and nothing else. Its counts are written as
// the reader's browser writes numbers, as the count above the list is (task-count.ts); the words stay English.
import type { TaskView } from './TasklistClient';

/** At most this many names in one sentence; the rest are counted. */
const NAMED = 3;

export interface ListNewsOptions {
  /** Whether a task new to the list is news: not when it may only have moved up from a page not loaded. */
  addedAreNews: boolean;
  /** The open task: the detail beside the list says what became of it. */
  openTaskId: string | null;
  /** Whose way of writing numbers the counts take (1.234 in a German browser); undefined: the browser's own. */
  locale?: string;
}

/** The sentence for a refresh from `before` to `after`, `changedIds` showing something else now; '' when none is news. */
export function listNews(before: TaskView[], after: TaskView[], changedIds: readonly string[], options: ListNewsOptions): string {
  const news = (task: TaskView) => task.id !== options.openTaskId;
  const was = new Set(before.map((task) => task.id));
  const is = new Set(after.map((task) => task.id));
  const added = options.addedAreNews && before.length ? after.filter((task) => !was.has(task.id)) : [];
  const changed = after.filter((task) => was.has(task.id) && changedIds.includes(task.id) && news(task));
  const gone = before.filter((task) => !is.has(task.id) && news(task));
  const count = (n: number) => new Intl.NumberFormat(options.locale).format(n);
  return [
    added.length ? `${count(added.length)} new ${added.length === 1 ? 'task' : 'tasks'}: ${names(added, count)}.` : '',
    changed.length ? `Changed: ${names(changed, count)}.` : '',
    gone.length ? `No longer in your list: ${names(gone, count)}.` : '',
  ].filter(Boolean).join(' ');
}

// helpers

function names(tasks: TaskView[], count: (n: number) => string): string {
  const named = tasks.slice(0, NAMED).map((task) => task.businessKey ?? task.name ?? task.elementId);
  const rest = tasks.length - named.length;
  return rest ? `${named.join(', ')} and ${count(rest)} more` : named.join(', ');
}
