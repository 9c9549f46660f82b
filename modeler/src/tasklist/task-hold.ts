// What an approver reads about a task a failed instance holds (TaskView.held): it stays listed, on hold, since
// the server refuses a decision on it (409) until operations retry the incident.
import type { TaskView } from './TasklistClient';

export function holdSentence(held: NonNullable<TaskView['held']>): string {
  return held.reason === 'instance-failed'
    ? 'On hold: the order has an incident that operations must resolve first. You can decide once it is retried.'
    : 'On hold: the process that called this step has an incident that operations must resolve first. You can decide once it is retried.';
}
