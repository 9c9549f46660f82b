// Whether a listed task can be completed now, or is held by a failed instance: its own (a job of a parallel branch
// ran out of retries, its other waits stay) or a caller of it (wait-locks.ts refuses both with 409). An approver
// sees the task on hold rather than not at all; the refusal stays the runtime's, this only tells in advance.
import type { TaskHold } from '../api.js';
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
  for (const instance of instances) {
    if (instance.status === 'failed') {
      holds.set(instance.id, { reason: 'instance-failed', instanceId: instance.id, ...(await openIncidentOf(tx, instance.id)) });
      continue;
    }
    if (!instance.parentId) continue;
    let maybeHeld = maybeHeldTrees.get(instance.rootId);
    if (maybeHeld === undefined) {
      maybeHeld = await treeMayHoldTasks(tx, instance.rootId);
      maybeHeldTrees.set(instance.rootId, maybeHeld);
    }
    const caller = maybeHeld ? await tx.failedCallerOf(instance.id) : undefined;
    if (caller) holds.set(instance.id, { reason: 'caller-failed', instanceId: caller.id, ...(await openIncidentOf(tx, caller.id)) });
  }
  return holds;
}

// helpers

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
