// What the status line (a live region) says after a refresh changed the list: the tasks that came, changed or
// left, by their order number, so a screen reader hears what changed and nothing else.
import type { TaskView } from './TasklistClient';

/** At most this many names in one sentence; the rest are counted. */
const NAMED = 3;

export interface ListNewsOptions {
  /** Whether a task new to the list is news: not when it may only have moved up from a page not loaded. */
  addedAreNews: boolean;
  /** The open task: the detail beside the list says what became of it. */
  openTaskId: string | null;
}

/** The sentence for a refresh from `before` to `after`, `changedIds` showing something else now; '' when none is news. */
export function listNews(before: TaskView[], after: TaskView[], changedIds: readonly string[], options: ListNewsOptions): string {
  const news = (task: TaskView) => task.id !== options.openTaskId;
  const was = new Set(before.map((task) => task.id));
  const is = new Set(after.map((task) => task.id));
  const added = options.addedAreNews && before.length ? after.filter((task) => !was.has(task.id)) : [];
  const changed = after.filter((task) => was.has(task.id) && changedIds.includes(task.id) && news(task));
  const gone = before.filter((task) => !is.has(task.id) && news(task));
  return [
    added.length ? `${added.length} new ${added.length === 1 ? 'task' : 'tasks'}: ${names(added)}.` : '',
    changed.length ? `Changed: ${names(changed)}.` : '',
    gone.length ? `No longer in your list: ${names(gone)}.` : '',
  ].filter(Boolean).join(' ');
}

// helpers

function names(tasks: TaskView[]): string {
  const named = tasks.slice(0, NAMED).map((task) => task.businessKey ?? task.name ?? task.elementId);
  const rest = tasks.length - named.length;
  return rest ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}
