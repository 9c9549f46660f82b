// Whether an instance runs inside an order: its call tree's root is the instance the order's entry started. Only
// then do a task and a job show the order's fields. A generic start may carry variables named like them
// (`orderNo`, `amount`: Camunda semantics), and its task would otherwise look like an order's to an approver.
import type { InstanceRow, OrderRow, StoreTx } from '../store/types.js';

/** The ids of those `instances` that belong to an order; each business key's order read once. */
export async function instancesInOrders(tx: StoreTx, instances: Iterable<InstanceRow>): Promise<Set<string>> {
  const orders = new Map<string, OrderRow | undefined>();
  const inOrders = new Set<string>();
  for (const instance of instances) {
    const key = instance.businessKey;
    if (key === null) continue;
    if (!orders.has(key)) orders.set(key, await tx.getOrder(key));
    if (orders.get(key)?.instanceId === instance.rootId) inOrders.add(instance.id);
  }
  return inOrders;
}
