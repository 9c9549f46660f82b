// Where an order stands, derived from its call tree rather than stored, so it
// can never disagree with the instances and waits it is read from. An ended
// order takes its root instance's end; a running one the first of these that
// one of its waits (anywhere in the call tree) matches:
//   1. a user task is open (approval, or a special change to acknowledge) → waiting-for-approval
//   2. a planning job is open (procurement-planning, production-planning)   → in-planning
//   3. a catch for PaymentReceived is open                                  → waiting-for-payment
//   4. a shipping job or a catch for ShipmentRequested is open              → shipping
//   5. anything else (a timer, a step in between)                          → in-planning
// A job an open change of the order holds (order-holds.ts) counts for none of
// these: nobody can take it, so the order reads by what it really waits for
// (a raise's payment → waiting-for-payment, a re-approval → waiting-for-approval).
// The names are the shipped library's contract with the outside world (DESIGN.md).
import type { OrderStatus } from '../api.js';
import type { InstanceStatus, StoreTx, WaitRow } from '../store/types.js';
import { heldByOpenChange, openChangesOf, type OpenChangesRead } from './order-holds.js';

const ENDED: Partial<Record<InstanceStatus, OrderStatus>> = {
  completed: 'fulfilled',
  rejected: 'rejected',
  cancelled: 'cancelled',
  failed: 'failed',
};

const RUNNING_RULES: { status: OrderStatus; matches: (wait: WaitRow) => boolean }[] = [
  { status: 'waiting-for-approval', matches: (wait) => wait.kind === 'task' },
  { status: 'in-planning', matches: (wait) => wait.kind === 'job' && (wait.jobType === 'procurement-planning' || wait.jobType === 'production-planning') },
  { status: 'waiting-for-payment', matches: (wait) => wait.kind === 'message' && wait.messageName === 'PaymentReceived' },
  { status: 'shipping', matches: (wait) => (wait.kind === 'job' && wait.jobType === 'shipping') || (wait.kind === 'message' && wait.messageName === 'ShipmentRequested') },
];

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'waiting-for-approval', 'waiting-for-payment', 'in-planning', 'shipping', 'fulfilled', 'rejected', 'cancelled', 'failed',
];

/** An ended order's status (`fulfilled` for a completed root), as refusals name it beside the order resource; undefined while running. */
export function endedOrderStatus(rootStatus: InstanceStatus): OrderStatus | undefined {
  return ENDED[rootStatus];
}

/** `held`: the waits nobody can act on now (a job an open change holds), which decide nothing. */
export function orderStatus(rootStatus: InstanceStatus, waits: readonly WaitRow[], held: (wait: WaitRow) => boolean): OrderStatus {
  const ended = ENDED[rootStatus];
  if (ended) return ended;
  const open = waits.filter((wait) => !held(wait));
  return RUNNING_RULES.find((rule) => open.some(rule.matches))?.status ?? 'in-planning';
}

/**
 * The status of order `orderNo` as every reader derives it (the order resource, its list and its filter, the
 * order events): its changes are read only when a job could decide it, i.e. no user task is open; through
 * `changes` when the transaction's other readers may ask too.
 */
export async function readOrderStatus(
  tx: StoreTx, orderNo: string, rootStatus: InstanceStatus, waits: readonly WaitRow[], changes?: OpenChangesRead,
): Promise<OrderStatus> {
  const jobsDecide = rootStatus === 'running' && !waits.some((wait) => wait.kind === 'task') && waits.some((wait) => wait.kind === 'job');
  const open = jobsDecide ? await (changes ? changes.of(orderNo) : openChangesOf(tx, orderNo)) : [];
  return orderStatus(rootStatus, waits, (wait) => heldByOpenChange(wait, orderNo, open));
}

/** The root statuses an order with `status` can have: the store filters on them before the waits are read. */
export function rootStatusesOf(status: OrderStatus): InstanceStatus[] {
  const ended = Object.entries(ENDED).find(([, orderStatus]) => orderStatus === status);
  return ended ? [ended[0] as InstanceStatus] : ['running'];
}
