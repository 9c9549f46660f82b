// A task opened by its address that is not offered to the reader (a link a colleague sent, a bookmark from another
// account): the sentence the 403 `not-offered` would give, before they fill in a form the server refuses. Who may
// decide is the server's rule (engine/runtime/task-assignment.ts, mayWork): the assignee, a candidate user, or a
// member of a candidate group.
import { notOfferedSentence } from './refusals';
import type { TaskView } from './TasklistClient';

/** The sentence for a task `user` (in `groups`) may not decide, or undefined when it is theirs to decide. */
export function notOfferedTo(task: Pick<TaskView, 'assignee' | 'candidateUsers' | 'candidateGroups'>, user: string, groups: readonly string[]): string | undefined {
  const offered = task.assignee === user || task.candidateUsers.includes(user) || task.candidateGroups.some((group) => groups.includes(group));
  return offered ? undefined : notOfferedSentence(task);
}
