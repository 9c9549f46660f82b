// Locking the instance a task or job belongs to, then re-reading the wait under
// that lock: of two concurrent completions exactly one finds the wait open.
import { conflict, notFound } from '../errors.js';
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';

export async function lockWait(tx: StoreTx, waitId: string, kind: 'task' | 'job'): Promise<{ wait: WaitRow; instance: InstanceRow }> {
  const label = kind === 'task' ? 'task' : 'job';
  const first = await tx.getWait(waitId);
  if (!first || first.kind !== kind) {
    if (kind === 'task' && (await tx.findTaskCompletion(waitId))) throw conflict(`task ${waitId} is no longer open`);
    throw notFound(`no open ${label} ${waitId}`);
  }
  const instance = await tx.getInstance(first.instanceId, { lock: true });
  // Re-read under the instance lock: a concurrent step may have closed it meanwhile.
  const wait = await tx.getWait(waitId, { lock: true });
  if (!instance || !wait) throw conflict(`${label} ${waitId} is no longer open`);
  if (instance.status !== 'running') throw conflict(`${label} ${waitId} belongs to a ${instance.status} instance`);
  return { wait, instance };
}
