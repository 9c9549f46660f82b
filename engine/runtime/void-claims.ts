// A claim holds a task for someone who may decide it. Once four eyes refuses its claimant — they decided another
// separated task of the order (or another iteration of the same activation, or another of the tasks an instance has
// decided by distinct people) — the claim would hold the task for
// nobody: the others of the group could neither decide nor claim it until an operator unclaimed it. So the step that
// makes the claimant ineligible lets go of their claims on the order's open separated tasks, in its own transaction,
// and the history says so (`task.unclaimed` with `data.reason`, the four-eyes refusal's word).
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { distinctDeciderRefusalOf } from './distinct-deciders.js';
import { fourEyesRefusal, separatedTaskIn, type DefinitionOf } from './four-eyes.js';
import type { InstanceRows } from './instance-rows.js';

/**
 * Unclaims the open separated tasks of `instance`'s order that `actor` has claimed and four eyes now refuses them;
 * the history names `by` (the actor themselves, or the operator whose incident retry brought a claim back).
 * The caller holds the order's lock and has written what made them ineligible in `tx`.
 */
export async function releaseClaimsFourEyesRefuses(
  tx: StoreTx, rows: InstanceRows, instance: InstanceRow, actor: string, definitionOf: DefinitionOf, by: string = actor,
): Promise<void> {
  const scope = instance.businessKey !== null ? { businessKey: instance.businessKey } : { rootId: instance.rootId };
  const held = (await tx.findWaits({ kind: 'task', ...scope, assignee: actor })).filter((wait) => wait.claimedBy === actor);
  for (const found of held) {
    // The tasks are of other instances, whose rows this step does not lock: a step moving one of them on another
    // server (a timer escalating the task, a message) may take the task away or rewrite its row meanwhile. Read
    // again under the task's row lock, that step then waits for this one or this one for it: a task gone is no
    // longer held by anyone, and the claim is let go from the row as it stands, not as read before (a task gone
    // answered the decision that released it with 404 "wait … does not exist" and rolled it back).
    const wait = await tx.getWait(found.id, { lock: true });
    if (wait?.kind !== 'task' || wait.claimedBy !== actor) continue;
    const reason = await refusalOf(tx, wait, actor, definitionOf);
    if (reason === undefined) continue;
    await tx.updateWait({ ...wait, claimedBy: null, claimedAt: null });
    await tx.appendHistory([rows.waitHistory(wait, by, 'task.unclaimed', 'bpmn:UserTask', {
      name: wait.name, claimedBy: wait.claimedBy, claimedAt: wait.claimedAt, reason,
    })]);
  }
}

// helpers

/** The four-eyes reason `actor` may no longer decide `wait` for, or undefined (no four eyes on it, or still theirs). */
async function refusalOf(tx: StoreTx, wait: WaitRow, actor: string, definitionOf: DefinitionOf): Promise<string | undefined> {
  const owner = await tx.getInstance(wait.instanceId);
  if (!owner) return undefined;
  const { model } = await definitionOf(owner.processKey, owner.version);
  const task = await separatedTaskIn(tx, wait, owner, model, definitionOf);
  const refusal = (model.separatedTasks.includes(wait.elementId) ? await fourEyesRefusal(tx, owner, task, actor, definitionOf) : undefined)
    ?? await distinctDeciderRefusalOf(tx, owner, model, task, actor);
  const reason = refusal?.details?.reason;
  return typeof reason === 'string' ? reason : undefined;
}
