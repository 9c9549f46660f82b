// Which of an order's waits an open change holds: while a change of the order
// is open or acknowledged, none of its jobs is handed out (lockJobs, by the
// waits' business key) nor completed (refuseJobWhileChangeOpen, 409
// order-change-open). The order's status and its `waiting` list read the
// same rule, so an order whose planning jobs nobody can take does not read
// `in-planning`, and its jobs do not say `integration` may act; every view of
// the waits says so (runtime/wait-holds.ts).
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
export function heldByOpenChange(wait: Pick<WaitRow, 'kind' | 'businessKey'>, orderNo: string, open: readonly OrderChangeRow[]): boolean {
  return open.length > 0 && wait.kind === 'job' && wait.businessKey === orderNo;
}

/**
 * The open changes of orders as one transaction reads them after its last write, each order's at most once: its
 * order events (the status) and the view of its write (`held`) both ask.
 */
export class OpenChangesRead {
  private readonly read = new Map<string, OrderChangeRow[]>();

  constructor(private readonly tx: StoreTx) {}

  async of(orderNo: string): Promise<OrderChangeRow[]> {
    let open = this.read.get(orderNo);
    if (!open) {
      open = await openChangesOf(this.tx, orderNo);
      this.read.set(orderNo, open);
    }
    return open;
  }

  /** No order has number `orderNo` (its order events found none): it has no changes, and nothing need read them. */
  noOrder(orderNo: string): void {
    this.read.set(orderNo, []);
  }

  /** The open changes of `orderNo` if this transaction read them already (or knows there are none). */
  known(orderNo: string): OrderChangeRow[] | undefined {
    return this.read.get(orderNo);
  }
}
