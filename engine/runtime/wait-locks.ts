// Locking the instance a task or job belongs to, then re-reading the wait under
// that lock: of two concurrent completions exactly one finds the wait open.
//
// A completion that checks a rule of the whole order (four eyes reads who decided
// in any of its instances; a job reads the order's open changes) takes the order's
// lock first: the rows it reads are not the rows the other server writes, so no
// row lock or revision check would serialise the two. The order's lock comes
// before any instance row, as in order changes and order entry, so the paths
// never wait for each other in opposite order. (A no-op on SQLite, whose writers
// already run one at a time.)
import { conflict, notFound } from '../errors.js';
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';

export interface LockWaitOptions {
  /** Take the order's lock first (a rule of the whole order is checked). */
  order?: boolean;
  /**
   * The step does not move the process (claiming a task, as Camunda lets people claim one despite an incident), so a
   * task a failed instance holds (its own, or a caller) is locked too; an instance that ended is still refused.
   */
  evenIfHeld?: boolean;
}

export async function lockWait(tx: StoreTx, waitId: string, kind: 'task' | 'job', options: LockWaitOptions = {}): Promise<{ wait: WaitRow; instance: InstanceRow }> {
  const label = kind === 'task' ? 'task' : 'job';
  const first = await tx.getWait(waitId);
  if (!first || first.kind !== kind) {
    if (kind === 'task' && (await tx.findTaskCompletion(waitId))) throw conflict(`task ${waitId} is no longer open`);
    throw notFound(`no open ${label} ${waitId}`);
  }
  // a wait's business key and root never change, so the unlocked read names the right order
  if (options.order) await lockOrderOf(tx, first);
  const instance = await tx.getInstance(first.instanceId, { lock: true });
  // Re-read under the instance lock: a concurrent step may have closed it meanwhile.
  const wait = await tx.getWait(waitId, { lock: true });
  if (!instance || !wait) throw conflict(`${label} ${waitId} is no longer open`);
  if (options.evenIfHeld && (instance.status === 'running' || instance.status === 'failed')) return { wait, instance };
  if (instance.status !== 'running') throw conflict(`${label} ${waitId} belongs to a ${instance.status} instance`);
  await refuseUnderFailedCaller(tx, instance, `${label} ${waitId}`);
  return { wait, instance };
}

/**
 * A caller that failed drops what its called instance hands back (call-activities.ts, returnToParent), and its
 * retry puts it back to wait for that instance: a decision (or a message) that ended the called instance meanwhile
 * would be lost. So nothing moves inside a failed caller's call tree until its incident is retried (or the order
 * cancelled). Messages ask too (messages.ts), and due timers wait (timers.ts).
 */
export async function refuseUnderFailedCaller(tx: StoreTx, instance: InstanceRow, what: string): Promise<void> {
  const caller = await failedCallerOf(tx, instance);
  if (!caller) return;
  throw conflict(`${what} is held: ${instance.processKey} (instance ${instance.id}) was called by ${caller.processKey} (instance ${caller.id}), which has failed at ${caller.incident?.elementId ?? 'a step'}; ` +
    'retry its incident first (GET /api/incidents), or what is decided here would return to nobody', {
    problem: 'caller-failed', instanceId: caller.id,
  });
}

/**
 * The nearest caller of `instance` (its parent, that one's, …) that has failed, if any: only its callers, not a
 * failed sibling or descendant elsewhere in the tree. One query however deep (store/caller-chain.ts); none for
 * an order's own instance, which has no caller.
 */
export async function failedCallerOf(tx: StoreTx, instance: InstanceRow): Promise<InstanceRow | undefined> {
  return instance.parentId ? tx.failedCallerOf(instance.id) : undefined;
}

/**
 * Takes the lock of the order `member` (a wait or an instance) belongs to, before any of its instances' locks: a step
 * that checks a rule of the whole order (four eyes, an open change) holds it while it reads and writes.
 */
async function lockOrderOf(tx: StoreTx, member: { businessKey: string | null; rootId: string }): Promise<void> {
  await tx.lockBusinessKey(orderLockKey(member));
}

/**
 * Locks instance `instanceId` after its order (lockOrderOf), as a cancel and an incident retry do: they lock the order's
 * instances in opposite directions (the cancel from the root down, a retry from a called instance up), and without
 * the order's lock first the two deadlocked on PostgreSQL. An instance's business key and root never change, so the
 * unlocked read names the right order.
 */
export async function lockInstanceAfterOrder(tx: StoreTx, instanceId: string): Promise<InstanceRow> {
  const unlocked = await tx.getInstance(instanceId);
  if (!unlocked) throw notFound(`no instance ${instanceId}`);
  await lockOrderOf(tx, unlocked);
  const instance = await tx.getInstance(instanceId, { lock: true });
  if (!instance) throw notFound(`no instance ${instanceId}`);
  return instance;
}

// helpers

/** The key of an order's lock: its business key, or for instances without one their call tree. */
function orderLockKey(member: { businessKey: string | null; rootId: string }): string {
  return member.businessKey ?? `call-tree:${member.rootId}`;
}
