// Cancelling an order: its whole call tree ends as cancelled, its open
// incidents close, and the history names who cancelled and why. A called
// instance alone cannot be cancelled (that would fail its caller).
import type { Actor } from '../api.js';
import { conflict, notFound } from '../errors.js';
import type { InstanceRow } from '../store/types.js';
import { callerEntry, callerOf } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';

export async function cancelOrder(steps: StepExecutor, instanceId: string, actor: Actor, options: { reason?: string }): Promise<void> {
  const caller = callerOf(actor);
  await steps.step('cancel', async (tx, moving) => {
    const instance = await tx.getInstance(instanceId, { lock: true });
    if (!instance) throw notFound(`no instance ${instanceId}`);
    moving(instance);
    // A called instance is part of its order: cancelling it alone would fail the caller.
    if (instance.parentId) {
      throw conflict(`instance ${instanceId} (${instance.processKey}) was called by another instance; cancel the order, instance ${instance.rootId}, instead`, {
        problem: 'not-a-root', rootInstanceId: instance.rootId,
      });
    }
    // A failed order can be cancelled: that is how an incident nobody will retry ends.
    if (instance.status !== 'running' && instance.status !== 'failed') throw conflict(`instance ${instanceId} is ${instance.status}, not running`);
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
      await steps.saveInstance(tx, { ...locked, status: 'cancelled', state: null, endedAt: steps.rows.nowIso() });
      await tx.replaceWaits(locked.id, []);
      await tx.appendHistory([callerEntry(steps.rows.history(locked.id, actor.name, 'instance.cancelled', null, null, { reason }), caller)]);
      await steps.incidents.closeOnCancel(tx, locked.id, actor.name);
    }
  }, caller);
}
