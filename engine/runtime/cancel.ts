// Cancelling an order: its whole call tree ends as cancelled, its open
// incidents close, and the history names who cancelled and why. A called
// instance alone cannot be cancelled (that would fail its caller), nor an
// instance that has ended; such a refused cancel is kept in the history of the
// instance it addressed (refused-attempts.ts), which every view of its order lists.
import type { Actor } from '../api.js';
import { conflict, notFound, type StratumError } from '../errors.js';
import { lapseOpenChanges } from '../orders/order-change.js';
import type { InstanceRow } from '../store/types.js';
import { closedWaitsOf } from './closed-waits.js';
import { recordingRefusal, recordRefusedAtInstance } from './refused-attempts.js';
import { callerEntry, callerOf } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';

/** The word a refused cancel of an instance that has ended is kept under (its 409 names none). */
const INSTANCE_ENDED = 'instance-ended';

export async function cancelOrder(steps: StepExecutor, instanceId: string, actor: Actor, options: { reason?: string }): Promise<void> {
  const caller = callerOf(actor);
  await recordingRefusal<void, { error: StratumError; reason: string }>((attempt) => steps.step('cancel', async (tx, moving) => {
    const refuse = (error: StratumError, reason: string) => (attempt.current = { error, reason }).error;
    const instance = await tx.getInstance(instanceId, { lock: true });
    if (!instance) throw notFound(`no instance ${instanceId}`);
    moving(instance);
    // A called instance is part of its order: cancelling it alone would fail the caller.
    if (instance.parentId) {
      throw refuse(conflict(`instance ${instanceId} (${instance.processKey}) was called by another instance; cancel the order, instance ${instance.rootId}, instead`, {
        problem: 'not-a-root', rootInstanceId: instance.rootId,
      }), 'not-a-root');
    }
    // A failed order can be cancelled: that is how an incident nobody will retry ends.
    if (instance.status !== 'running' && instance.status !== 'failed') throw refuse(conflict(`instance ${instanceId} is ${instance.status}, not running`), INSTANCE_ENDED);
    const reason = options.reason ?? null;
    // The tree is walked from the root down, each member's children read only once the member is locked: a step
    // that starts a child holds its parent's row until it commits, so a child started on another server meanwhile
    // is found (and cancelled) rather than left running under a cancelled order.
    const tree: InstanceRow[] = [instance];
    for (let index = 0; index < tree.length; index++) {
      const locked = index === 0 ? instance : await tx.getInstance(tree[index].id, { lock: true });
      if (!locked) continue;
      tree.push(...(await tx.childrenOf(locked.id)));
      if (locked.status !== 'running' && locked.status !== 'failed') continue;
      const closed = closedWaitsOf(await tx.findWaits({ instanceId: locked.id }), steps.rows.nowIso());
      await steps.saveInstance(tx, { ...locked, status: 'cancelled', state: null, endedAt: steps.rows.nowIso() });
      await tx.replaceWaits(locked.id, []);
      await tx.appendHistory([callerEntry(steps.rows.history(locked.id, actor.name, 'instance.cancelled', null, null, {
        reason, ...closed,
      }), caller)]);
      await steps.incidents.closeOnCancel(tx, locked.id, actor.name);
    }
    // the order's changes still open lapse with it
    await lapseOpenChanges(tx, { ...instance, status: 'cancelled' }, actor.name, steps.rows.nowIso());
  }, caller), ({ error, reason }) => recordRefusedAtInstance(steps, {
    event: 'cancel.refused',
    instanceOf: async (tx) => (await tx.getInstance(instanceId))?.id,
    // the reason the caller gave for cancelling; `reason` is the refusal's word, as in every refused entry
    sent: { cancelReason: options.reason },
    reason,
    refusal: error.message,
  }, caller));
}
