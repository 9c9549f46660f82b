// Who may start what: a called process (level ≥ 2) starts only from its
// callers' call activities; a process that takes orders starts only through
// order entry; an order number names one order. Every route that starts an
// instance (generic start, message start, order entry) asks here.
import type { ProcessModel } from '../bpmn/process-model.js';
import { StratumError } from '../errors.js';
import { retiredKeys } from '../library/retired.js';
import type { StoreTx, VersionCalls } from '../store/types.js';

/** Keys of the latest versions that call `key` (its callers in the library's call graph). */
export function callersOf(key: string, latest: readonly VersionCalls[]): string[] {
  return latest.filter((row) => row.key !== key && row.calls.includes(key)).map((row) => row.key).sort();
}

/**
 * Refuses a direct start (409: the library's current state forbids it, for
 * every caller alike; a redeploy can change that state, other credentials cannot).
 */
export async function refuseDirectStart(tx: StoreTx, model: ProcessModel): Promise<void> {
  const refusal = await directStartRefusal(tx, model);
  if (refusal) throw refusal;
}

/**
 * Why `model` may not start directly (a generic start, or a message its start event catches), or undefined when
 * it may: a called, retired or order-taking process starts only through its callers or order entry.
 */
export async function directStartRefusal(tx: StoreTx, model: ProcessModel): Promise<StratumError | undefined> {
  // the call graph alone: every start asks, so it never reads the library's XML
  const latest = await tx.latestCalls();
  const callers = callersOf(model.key, latest);
  if (callers.length) {
    return new StratumError(
      'conflict',
      `${model.key} is called by ${callers.join(', ')}: a called process starts only from its callers' call activities, never directly`,
      { reason: 'called-process', calledBy: callers },
    );
  }
  if ((await retiredKeys(tx, latest)).has(model.key)) {
    // no caller any more, but a called process all the same: only its callers' old versions start it
    return new StratumError('conflict', `${model.key} is retired: no latest version calls it any more, and a called process never starts directly`, {
      reason: 'retired-process',
    });
  }
  if (model.takesOrders) {
    return new StratumError(
      'conflict',
      `${model.key} takes orders: orders enter only through order entry (POST /api/orders), which checks and converts them`,
      { reason: 'takes-orders' },
    );
  }
  return undefined;
}

/** Refuses a start under a business key that is an order's number: one order number is one order. */
export async function refuseOrderNumber(tx: StoreTx, businessKey: string): Promise<void> {
  await tx.lockBusinessKey(businessKey);
  const order = await tx.getOrder(businessKey);
  if (order) {
    throw new StratumError(
      'conflict',
      `${businessKey} is the number of an order (instance ${order.instanceId}); no other instance may start under it`,
      { reason: 'order-exists', instanceId: order.instanceId },
    );
  }
}
