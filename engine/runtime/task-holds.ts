// Whether a listed task can be completed now, or is held by a failed instance: its own (a job of a parallel branch
// ran out of retries, its other waits stay) or a caller of it (wait-locks.ts refuses both with 409). An approver
// sees the task on hold rather than not at all; the refusal stays the runtime's, this only tells in advance.
import type { TaskHold } from '../api.js';
import { MAX_CALLERS } from '../store/caller-chain.js';
import type { InstanceRow, StoreTx } from '../store/types.js';

/**
 * The holds of a page's instances, each asked once, cheap answers first as lockJobs asks them
 * (store/caller-chain.ts, noFailedInstanceAbove): the instance's own status (already read); an order's own
 * instance has no caller; the order's root has not failed and no incident of the order is open (a read by primary
 * key and one by root_id); only then the walk up to the nearest failed caller.
 */
export async function taskHolds(tx: StoreTx, instances: Iterable<InstanceRow>): Promise<Map<string, TaskHold>> {
  const holds = new Map<string, TaskHold>();
  const maybeHeldTrees = new Map<string, boolean>();
  const incidentOf = incidentReader(tx);
  for (const instance of instances) {
    let caller: InstanceRow | undefined;
    if (instance.status !== 'failed' && instance.parentId) {
      let maybeHeld = maybeHeldTrees.get(instance.rootId);
      if (maybeHeld === undefined) {
        maybeHeld = await treeMayHoldTasks(tx, instance.rootId);
        maybeHeldTrees.set(instance.rootId, maybeHeld);
      }
      caller = maybeHeld ? await tx.failedCallerOf(instance.id) : undefined;
    }
    const hold = await holdOf(instance, caller, incidentOf);
    if (hold) holds.set(instance.id, hold);
  }
  return holds;
}

/** What a view of a whole call tree shows of an instance: its id, caller and status. */
export type TreeMember = Pick<InstanceRow, 'id' | 'parentId' | 'status'>;

/**
 * The holds of `waitingIn` (instances of `tree`, a whole call tree as read or kept) as taskHolds gives them, the
 * callers found in `tree` rather than read: only a held instance's open incident is read, one query per failed
 * instance that holds any (none while nothing in the tree has failed).
 */
export async function callTreeHolds(tx: StoreTx, tree: Iterable<TreeMember>, waitingIn: ReadonlySet<string>): Promise<Map<string, TaskHold>> {
  const byId = new Map<string, TreeMember>();
  for (const member of tree) byId.set(member.id, member);
  const holds = new Map<string, TaskHold>();
  if (![...byId.values()].some((member) => member.status === 'failed')) return holds;
  const incidentOf = incidentReader(tx);
  for (const instanceId of waitingIn) {
    const instance = byId.get(instanceId);
    if (!instance) continue;
    const hold = await holdOf(instance, instance.status === 'failed' ? undefined : failedCallerIn(byId, instance), incidentOf);
    if (hold) holds.set(instanceId, hold);
  }
  return holds;
}

// helpers

/** openIncidentOf, read once per instance: several waiting instances are often held by one failed caller. */
function incidentReader(tx: StoreTx): (instanceId: string) => Promise<{ incidentId?: string }> {
  const read = new Map<string, Promise<{ incidentId?: string }>>();
  return (instanceId) => {
    let incident = read.get(instanceId);
    if (!incident) {
      incident = openIncidentOf(tx, instanceId);
      read.set(instanceId, incident);
    }
    return incident;
  };
}

/** The rule both ask: a failed instance holds its own waits; else its nearest failed caller (`caller`) holds them. */
async function holdOf(
  instance: TreeMember, caller: TreeMember | undefined, incidentOf: (instanceId: string) => Promise<{ incidentId?: string }>,
): Promise<TaskHold | undefined> {
  if (instance.status === 'failed') return { reason: 'instance-failed', instanceId: instance.id, ...(await incidentOf(instance.id)) };
  if (caller) return { reason: 'caller-failed', instanceId: caller.id, ...(await incidentOf(caller.id)) };
  return undefined;
}

/** The nearest failed caller of `instance` among `tree`, as store/caller-chain.ts walks up (as far up as it looks). */
function failedCallerIn(tree: ReadonlyMap<string, TreeMember>, instance: TreeMember): TreeMember | undefined {
  let caller = instance.parentId ? tree.get(instance.parentId) : undefined;
  for (let depth = 1; caller && depth <= MAX_CALLERS; depth++) {
    if (caller.status === 'failed') return caller;
    caller = caller.parentId ? tree.get(caller.parentId) : undefined;
  }
  return undefined;
}

/** A failure climbs to the root unless a caller catches it, and every failed instance keeps an open incident. */
async function treeMayHoldTasks(tx: StoreTx, rootId: string): Promise<boolean> {
  const root = await tx.getInstance(rootId);
  if (root?.status === 'failed') return true;
  return (await tx.findIncidents({ rootId, open: true, limit: 1 })).length > 0;
}

async function openIncidentOf(tx: StoreTx, instanceId: string): Promise<{ incidentId?: string }> {
  const [incident] = await tx.findIncidents({ instanceId, open: true, limit: 1 });
  return incident ? { incidentId: incident.id } : {};
}
