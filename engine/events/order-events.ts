// Order events: each change of an order's status (order-status.ts) becomes one
// CloudEvent in the outbox, written in the transaction of the step that made
// it, so an event exists exactly when its step committed. The outbox is
// numbered in commit order (PostgreSQL: under a transaction lock taken here,
// last, after the step's row locks); delivery happens elsewhere
// (webhook-delivery.ts) and never holds a step up.
import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { OrderStatus } from '../api.js';
import { OpenChangesRead } from '../orders/order-holds.js';
import { readOrderStatus } from '../orders/order-status.js';
import { orderSummary } from '../orders/order-summary.js';
import { waitingElement } from '../runtime/views.js';
import { readWaitHolds, waitHoldOf } from '../runtime/wait-holds.js';
import type { StepCaller } from '../runtime/step-caller.js';
import type { InstanceRow, StoreTx } from '../store/types.js';

const EVENT_SOURCE = '/stratum/orders';
const ORDER_EVENT_PREFIX = 'stratum.order.';

/** The CloudEvents `type` of an order reaching `status`, e.g. `stratum.order.in-planning`. */
export function orderEventType(status: OrderStatus): string {
  return `${ORDER_EVENT_PREFIX}${status}`;
}

/**
 * Writes an event for each order among `moved` (root ids, with the root's row when the transaction wrote it)
 * whose status differs from its last event's. Returns how many were written. Instances outside an order
 * (started without `POST /api/orders`) have no events. Each names who caused it: `caller`, the step's (its
 * `actor` and the route it came `via`), both null for a step nobody called (a timer), as the history has them.
 */
export async function recordOrderEvents(
  tx: StoreTx, moved: ReadonlyMap<string, InstanceRow | undefined>, now: Date, caller?: StepCaller, changes = new OpenChangesRead(tx),
): Promise<number> {
  let written = 0;
  for (const [rootId, rowWritten] of moved) {
    // a root this transaction wrote is locked by it: its row is what a read would give (on PostgreSQL, without the state's jsonb)
    const root = rowWritten ?? await tx.getInstance(rootId);
    if (!root?.businessKey || root.parentId) continue;
    const order = await tx.getOrder(root.businessKey);
    if (!order) changes.noOrder(root.businessKey);
    if (!order || order.instanceId !== rootId) continue;
    // Last: the numbers follow commit order, and the status is read after any concurrent step of this order committed.
    await tx.outbox.lockOutbox();
    const waits = (await tx.findWaits({ rootId })).filter((wait) => wait.kind !== 'call');
    const status = await readOrderStatus(tx, order.orderNo, root.status, waits, changes);
    const previous = await tx.outbox.lastOrderStatus(order.orderNo);
    if (previous === status) continue;
    const tree = await tx.findInstances({ rootId });
    const keyOf = new Map(tree.map((instance) => [instance.id, instance.processKey]));
    // an event says what holds a wait as the order resource does, so a webhook's reader does not act on a held job
    const holds = await readWaitHolds(tx, tree, waits, order.orderNo, changes.known(order.orderNo));
    const id = randomUUID();
    const at = now.toISOString();
    const event = new CloudEvent({
      specversion: '1.0',
      id,
      source: EVENT_SOURCE,
      type: orderEventType(status),
      subject: order.orderNo,
      time: at,
      datacontenttype: 'application/json',
      data: {
        ...orderSummary(order),
        status,
        previousStatus: previous,
        instanceId: rootId,
        enteredAt: order.enteredAt,
        actor: caller?.actor ?? null,
        via: caller?.via ?? null,
        waiting: waits.map((wait) => waitingElement(wait, keyOf.get(wait.instanceId) ?? root.processKey, waitHoldOf(wait, holds))),
      },
    });
    await tx.outbox.insertOrderEvent({ id, orderNo: order.orderNo, type: event.type, status, at, payload: JSON.stringify(event) });
    written++;
  }
  return written;
}
