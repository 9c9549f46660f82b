// A call activity that ends without its called instance ending — its caller reached a terminate end event (an
// order rejected or fulfilled ends its change loop) or ended otherwise, or a boundary event interrupted the call —
// ends that instance's call tree with it, as BPMN terminates what an activity it leaves had started. Left running,
// the special-change acknowledgements of an order rejected while a change was open stayed in each department's task
// list, and completing them "acknowledged" a change to an order that had ended.
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { cancelTree, type TreeEnding } from './cancel-tree.js';

/**
 * Cancels the call trees of `caller`'s calls that were waiting before its step (`previousWaits`) and are gone after
 * it (`waits`) while the called instance still runs or has failed (a child that returned has ended already); the
 * history of each member says which call left it, and its open incidents close.
 */
export async function endAbandonedCalls(
  tx: StoreTx, steps: TreeEnding, caller: InstanceRow, previousWaits: WaitRow[], waits: WaitRow[], actor: string | null, at: string,
): Promise<void> {
  const kept = new Set(waits.map((wait) => wait.id));
  const left = previousWaits.filter((wait) => wait.kind === 'call' && wait.childInstanceId !== null && !kept.has(wait.id));
  for (const call of left) {
    await cancelTree(tx, steps, call.childInstanceId!, {
      actor, at, data: { reason: null, callerEnded: { instanceId: caller.id, processKey: caller.processKey, elementId: call.elementId, status: caller.status } },
    });
  }
}
