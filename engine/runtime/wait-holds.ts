// Why a wait is held, said the same way by every view of it: the order resource, an instance's view (read, or
// the view a write hands back), and an order event's `waiting`. A failed instance holds every wait of its own and
// of the instances it called (task-holds.ts; wait-locks.ts refuses them with 409), and an open change of the
// order holds its jobs (order-holds.ts; 409 order-change-open). An integrator reading any of them sees a held job
// as held, not as something to act on and be refused.
import type { WaitHold } from '../api.js';
import { heldByOpenChange, openChangesOf } from '../orders/order-holds.js';
import type { OrderChangeRow, StoreTx, WaitRow } from '../store/types.js';
import { callTreeHolds, type TreeMember } from './task-holds.js';

/** What a view knows of a wait to say what holds it. */
export type HeldWait = Pick<WaitRow, 'instanceId' | 'kind' | 'businessKey'>;

/** What may hold the waits of one call tree, read once per view (readWaitHolds). */
export interface WaitHolds {
  /** The failed instance holding each instance of the tree that is held. */
  instances: ReadonlyMap<string, WaitHold>;
  /** The tree's business key (its order's number), or null. */
  orderNo: string | null;
  /** The open changes of that order, oldest first; none read unless the tree waits for a job of it. */
  openChanges: readonly OrderChangeRow[];
}

export const NO_HOLDS: WaitHolds = { instances: new Map(), orderNo: null, openChanges: [] };

/**
 * What holds `wait`: a failed instance (its own, or a caller), else, for a job of the order, its oldest open change
 * (the one the 409 names); null when it can be acted on now.
 */
export function waitHoldOf(wait: HeldWait, holds: WaitHolds): WaitHold | null {
  const byInstance = holds.instances.get(wait.instanceId);
  if (byInstance) return byInstance;
  if (holds.orderNo === null || !heldByOpenChange(wait, holds.orderNo, holds.openChanges)) return null;
  return { reason: 'order-change-open', changeId: holds.openChanges[0].changeId };
}

/**
 * Reads what may hold `waits` of call tree `tree` (every instance of it, as read or kept), whose business key is
 * `orderNo`. The order's changes are read only when one of the waits is a job of it (one query, the changes
 * themselves say whether the key is an order's), or taken from `knownOpenChanges` when the caller read them
 * already; a failed instance's open incident only when the tree has one.
 */
export async function readWaitHolds(
  tx: StoreTx,
  tree: Iterable<TreeMember>,
  waits: readonly HeldWait[],
  orderNo: string | null,
  knownOpenChanges?: readonly OrderChangeRow[],
): Promise<WaitHolds> {
  if (!waits.length) return NO_HOLDS;
  const instances = await callTreeHolds(tx, tree, new Set(waits.map((wait) => wait.instanceId)));
  const jobOfOrder = orderNo !== null && waits.some((wait) => wait.kind === 'job' && wait.businessKey === orderNo);
  const openChanges = jobOfOrder ? knownOpenChanges ?? await openChangesOf(tx, orderNo) : [];
  return { instances, orderNo, openChanges };
}
