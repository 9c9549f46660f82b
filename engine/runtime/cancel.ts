// Cancelling an order: its whole call tree ends as cancelled, its open
// incidents close, and the history names who cancelled and why. A called
// instance alone cannot be cancelled (that would fail its caller), nor an
// instance that has ended; such a refused cancel is kept in the history of the
// instance it addressed (refused-attempts.ts), which every view of its order lists.
import type { Actor } from '../api.js';
import { conflict, type StratumError } from '../errors.js';
import { lapseOpenChanges } from '../orders/order-change.js';
import { cancelTree } from './cancel-tree.js';
import { recordingRefusal, recordRefusedAtInstance } from './refused-attempts.js';
import { callerOf } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { lockInstanceAfterOrder } from './wait-locks.js';

/** The word a refused cancel of an instance that has ended is kept under (its 409 names none). */
const INSTANCE_ENDED = 'instance-ended';

export async function cancelOrder(steps: StepExecutor, instanceId: string, actor: Actor, options: { reason?: string }): Promise<void> {
  const caller = callerOf(actor);
  await recordingRefusal<void, { error: StratumError; reason: string }>((attempt) => steps.step('cancel', async (tx, moving) => {
    const refuse = (error: StratumError, reason: string) => (attempt.current = { error, reason }).error;
    // the order's lock before any of its rows: a retry asked meanwhile waits for the cancel, and deadlocks with it no more
    const instance = await lockInstanceAfterOrder(tx, instanceId);
    moving(instance);
    // A called instance is part of its order: cancelling it alone would fail the caller.
    if (instance.parentId) {
      throw refuse(conflict(`instance ${instanceId} (${instance.processKey}) was called by another instance; cancel the order, instance ${instance.rootId}, instead`, {
        problem: 'not-a-root', rootInstanceId: instance.rootId,
      }), 'not-a-root');
    }
    // A failed order can be cancelled: that is how an incident nobody will retry ends.
    // `endedAs` stays inside (no answer of /api shows it): Camunda's routes answer an ended instance 404, as Camunda does
    if (instance.status !== 'running' && instance.status !== 'failed') {
      throw refuse(conflict(`instance ${instanceId} is ${instance.status}, not running`, { endedAs: instance.status }), INSTANCE_ENDED);
    }
    // one instant for the whole cancel, as one transaction
    const at = steps.rows.nowIso();
    await cancelTree(tx, steps, instance, { actor: actor.name, at, data: { reason: options.reason ?? null }, caller });
    // the order's changes still open lapse with it
    await lapseOpenChanges(tx, { ...instance, status: 'cancelled' }, actor.name, at);
  }, caller), ({ error, reason }) => recordRefusedAtInstance(steps, {
    event: 'cancel.refused',
    instanceOf: async (tx) => (await tx.getInstance(instanceId))?.id,
    // the reason the caller gave for cancelling; `reason` is the refusal's word, as in every refused entry
    sent: { cancelReason: options.reason },
    reason,
    refusal: error.message,
  }, caller));
}
