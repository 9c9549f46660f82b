// Who holds a task, as Camunda Tasklist shows it beside Assign to me / Unassign: its claimant, else the assignee
// the diagram gave it. While someone else has claimed it, only they can decide it (the server refuses the others).
import type { TaskView } from './TasklistClient';

interface ClaimState {
  /** "Unassigned", "Assigned to you", "Assigned to dirk". */
  words: string;
  /** What the button offers: claim a free task, unclaim one's own claim; none otherwise (a diagram's assignee stays). */
  action: 'claim' | 'unclaim' | null;
  /** Whether the task is held for the user (the list marks it). */
  mine: boolean;
  /** Someone else claimed it: the user cannot decide it until it is unclaimed. */
  claimedByOther: string | null;
}

export function claimState(task: Pick<TaskView, 'assignee' | 'claimedBy'>, user: string): ClaimState {
  const holder = task.claimedBy ?? task.assignee;
  const mine = holder === user;
  return {
    words: holder === null ? 'Unassigned' : mine ? 'Assigned to you' : `Assigned to ${holder}`,
    action: holder === null ? 'claim' : task.claimedBy === user ? 'unclaim' : null,
    mine,
    claimedByOther: task.claimedBy !== null && task.claimedBy !== user ? task.claimedBy : null,
  };
}

/** Why the form is disabled while someone else has claimed the task. */
export function claimedByOtherSentence(claimant: string): string {
  return `${claimant} has assigned this task to themselves: only they can decide it until they unassign it.`;
}
