// What an approver reads about a task of their list four eyes would refuse them (TaskView.fourEyes, sent with
// GET /api/tasks?mine=true): the sentence the 403 would give, before they fill in the form. It stays listed, as
// Camunda Tasklist lists every task of one's groups, but cannot be decided or assigned by them.
import type { TaskRefusal } from '../../../engine/api.js';
import { refusalSentence } from './refusals';
import type { TaskView } from './TasklistClient';

/** The sentence for a task four eyes would refuse the reader, or undefined when it would not. */
export function fourEyesSentence(task: TaskView): string | undefined {
  const marked = task.fourEyes;
  if (!marked) return undefined;
  const about = {
    task: { id: task.id, instanceId: task.instanceId, processKey: task.processKey, elementId: task.elementId, name: task.name ?? task.elementId },
    businessKey: task.businessKey, rootInstanceId: '',
  };
  const { reason, decidedTask, changeId } = marked;
  let refusal: TaskRefusal | undefined;
  if (reason === 'four-eyes-starter') refusal = { reason, ...about };
  else if (reason === 'four-eyes-change-requester' && changeId) refusal = { reason, ...about, changeId };
  else if (reason !== 'four-eyes-change-requester' && decidedTask) refusal = { reason, ...about, decidedTask };
  return refusal ? refusalSentence(refusal) : marked.detail;
}
