// Claiming a user task, as Camunda's claim and unclaim: one of its candidates takes it, so the others sharing the
// group do not work it twice; only the claimant may then decide it, until they (or an operator) give it back.
// A claim gives no right to decide: only someone who may decide the task now (offered to them, and four eyes would
// not refuse them) may claim it. A task the diagram assigns to someone is theirs already and is not claimed.
import type { Actor, TaskRefusal } from '../api.js';
import { conflict, forbidden } from '../errors.js';
import type { InstanceRow, WaitRow } from '../store/types.js';

/** Who a task is held for now: its claimant, else the assignee the diagram gave it; null while it is free. */
export function holderOf(wait: WaitRow): string | null {
  return wait.claimedBy ?? wait.assignee;
}

/** The word a claim of a task someone else holds is refused and kept under. */
export const TASK_CLAIMED = 'task-claimed';

/** The 409 for a claim of a task someone else holds (`details.problem` `task-claimed`, `assignee` the holder). */
export function heldByAnother(wait: WaitRow, holder: string): Error {
  const how = wait.claimedBy ? `claimed by ${holder}` : `assigned to ${holder} in its process`;
  return conflict(`task ${wait.id} is ${how}; ${wait.claimedBy ? 'they (or an operator) can unclaim it' : 'it cannot be claimed'}`, {
    problem: TASK_CLAIMED, assignee: holder,
  });
}

/**
 * The 403 for deciding (or unclaiming) a task claimed by someone else: a `not-offered` refusal whose `offeredTo` is
 * the claimant alone, as the task is offered now.
 */
export function claimedByAnother(wait: WaitRow, instance: InstanceRow, name: string, actor: Actor, doing: string): Error {
  const claimant = wait.claimedBy!;
  const task = { id: wait.id, instanceId: instance.id, processKey: instance.processKey, elementId: wait.elementId, name };
  return forbidden(`task ${wait.id} is claimed by ${claimant}; ${actor.name} may not ${doing} it until ${claimant} (or an operator) unclaims it`, {
    reason: 'not-offered', task, offeredTo: { assignee: claimant, candidateUsers: [], candidateGroups: [] }, claimedBy: claimant,
  } satisfies TaskRefusal);
}

/** The 409 for unclaiming a task nobody claimed (`details.problem` `task-not-claimed`). */
export function notClaimed(wait: WaitRow): Error {
  const why = wait.assignee ? `; the process assigns it to ${wait.assignee}` : '';
  return conflict(`task ${wait.id} is not claimed${why}`, { problem: 'task-not-claimed' });
}
