// A call activity that ends without its called instance ending — its caller reached a terminate end event (an
// order rejected or fulfilled ends its change loop) or ended otherwise, or a boundary event interrupted the call —
// ends that instance's call tree with it, as BPMN terminates what an activity it leaves had started. Left running,
// the special-change acknowledgements of an order rejected while a change was open stayed in each department's task
// list, and completing them "acknowledged" a change to an order that had ended.
import type { HistoryRow, InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { closedWaitsOf } from './closed-waits.js';
import type { Incidents } from './incidents.js';
import type { InstanceRows } from './instance-rows.js';

/** What of the step executor ending a call tree needs. */
interface CallEnding {
  readonly rows: InstanceRows;
  readonly incidents: Incidents;
  saveInstance(tx: StoreTx, row: InstanceRow): Promise<number>;
}

/**
 * Cancels the call trees of `caller`'s calls that were waiting before its step (`previousWaits`) and are gone after
 * it (`waits`) while the called instance still runs or has failed (a child that returned has ended already); the
 * history of each member says which call left it, and its open incidents close.
 */
export async function endAbandonedCalls(
  tx: StoreTx, steps: CallEnding, caller: InstanceRow, previousWaits: WaitRow[], waits: WaitRow[], actor: string | null, at: string,
): Promise<void> {
  const kept = new Set(waits.map((wait) => wait.id));
  const left = previousWaits.filter((wait) => wait.kind === 'call' && wait.childInstanceId !== null && !kept.has(wait.id));
  for (const call of left) {
    const tree = [call.childInstanceId!];
    for (let index = 0; index < tree.length; index++) {
      const member = await tx.getInstance(tree[index], { lock: true });
      if (!member) continue;
      tree.push(...(await tx.childrenOf(member.id)).map((child) => child.id));
      if (member.status !== 'running' && member.status !== 'failed') continue;
      // the jobs and tasks it closes are named as a cancel names them, so a late call about one is kept (late-calls.ts)
      const closed = closedWaitsOf(await tx.findWaits({ instanceId: member.id }), at);
      await steps.saveInstance(tx, { ...member, status: 'cancelled', state: null, endedAt: at });
      await tx.replaceWaits(member.id, []);
      const entry: HistoryRow = {
        ...steps.rows.history(member.id, actor, 'instance.cancelled', null, null, {
          reason: null, callerEnded: { instanceId: caller.id, processKey: caller.processKey, elementId: call.elementId, status: caller.status },
          ...closed,
        }),
        at,
      };
      await tx.appendHistory([entry]);
      await steps.incidents.closeOnCancel(tx, member.id, actor ?? 'engine');
    }
  }
}
