// Which of an order's waits an open change holds: while a change of the order
// is open or acknowledged, none of its jobs is handed out (lockJobs, by the
// waits' business key) nor completed (refuseJobWhileChangeOpen, 409
// order-change-open). The order's status and its `waiting` list read the
// same rule, so an order whose planning jobs nobody can take does not read
// `in-planning`, and its jobs do not say `integration` may act.
import type { OrderChangeRow, StoreTx, WaitRow } from '../store/types.js';
import { OPEN_CHANGE_STATUSES } from '../store/order-change-rows.js';

/** The order's changes that hold its jobs, oldest first (the order handles them in that order). */
export async function openChangesOf(tx: StoreTx, orderNo: string): Promise<OrderChangeRow[]> {
  return (await tx.orderChanges(orderNo)).filter((change) => OPEN_CHANGE_STATUSES.includes(change.status));
}

/**
 * Whether `wait` is a job that `open` (the open changes of order `orderNo`) holds: as lockJobs decides it, a
 * job whose business key is the order's, while any change of the order is open.
 */
export function heldByOpenChange(wait: WaitRow, orderNo: string, open: readonly OrderChangeRow[]): boolean {
  return open.length > 0 && wait.kind === 'job' && wait.businessKey === orderNo;
}
