// The order border when a call activity is reached (order-entry-only at run
// time): a call never starts a process that takes orders, and a process that
// runs inside orders starts only as part of an order. Deployment refuses such
// calls (lint/order-call-tree.ts), but a caller deployed before that check, or
// written into the store by another tool, still runs; without this check its
// call would run an order's approvals and release its planning jobs on
// variables no order entry checked. The call then fails with an incident on
// the call activity, as any call that cannot start its child.
import type { ProcessModel } from '../bpmn/process-model.js';
import type { IncidentReason, InstanceRow, StoreTx } from '../store/types.js';
import { orderProcessesAbove } from './order-border.js';

type ModelOf = (key: string, version: number) => Promise<{ model: ProcessModel }>;

/** What the border reads of the store: the runtime's transaction, or the impact replay's sandbox. */
export type CallBorderView = Pick<StoreTx, 'getInstance' | 'latestCalls'>;

export interface CallRefusal {
  message: string;
  reason: Extract<IncidentReason, { kind: 'order-entry-only' }>;
}

/** Why the call activity `elementId` of `parent` may not start `called` (the version it resolved to), or undefined when it may. */
export async function callBorderRefusal(
  tx: CallBorderView, parent: InstanceRow, elementId: string, called: { key: string; version: number }, modelOf: ModelOf,
): Promise<CallRefusal | undefined> {
  const call = `call activity ${elementId} of ${parent.processKey} calls ${called.key}`;
  if ((await modelOf(called.key, called.version)).model.takesOrders) {
    return {
      message: `${call}, which takes orders: orders enter only through order entry (POST /api/orders), which checks and converts them, ` +
        'so a process that takes orders never starts from a call activity',
      reason: { kind: 'order-entry-only', calledElement: called.key, border: 'takes-orders' },
    };
  }
  // The caller belongs to an order when its root runs a process that takes orders: only order entry starts one
  // (every direct start refuses it, and the check above refuses it as a child). The root's version is read, not
  // the order row, which order entry writes only after the order's first step has reached its first calls.
  const root = parent.id === parent.rootId ? parent : await tx.getInstance(parent.rootId);
  if (!root || (await modelOf(root.processKey, root.version)).model.takesOrders) return undefined;
  const orderProcesses = await latestOrderProcessesAbove(tx, called.key, modelOf);
  if (!orderProcesses.length) return undefined;
  return {
    message: `${call}, which runs inside orders (called from ${orderProcesses.join(', ')}), from an instance that belongs to no order ` +
      `(its root ${root.processKey} does not take orders): it would run an order's approvals and jobs on variables that no order entry checked`,
    reason: { kind: 'order-entry-only', calledElement: called.key, border: 'runs-inside-orders' },
  };
}

// helpers

/**
 * The processes taking orders that call `key` at any depth, in the latest deployed versions' call graph: the
 * border deployment checks (lint/order-call-tree.ts) and the versions calls start, so a library that deploys
 * clean never meets this refusal, and a deployment that moves the border (a process no longer taking orders, an
 * order process no longer calling it) counts for the next retry. An older version of an order process calls only
 * from inside an order, which this check lets through without asking.
 */
async function latestOrderProcessesAbove(tx: CallBorderView, key: string, modelOf: ModelOf): Promise<string[]> {
  const latest = await tx.latestCalls();
  return orderProcessesAbove(key, latest.map((row) => ({ ...row, takesOrders: async () => (await modelOf(row.key, row.version)).model.takesOrders })));
}
