// Open tasks as the API shows them: each wait with its instance (for the order)
// and its process version's model (for what the task asks), each read once, and
// whether a failed instance holds it (task-holds.ts), asked once per instance.
import type { TaskView } from '../api.js';
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { instancesInOrders } from './order-membership.js';
import { taskHolds } from './task-holds.js';
import { taskView } from './views.js';

type DefinitionOf = (key: string, version: number) => Promise<ExecutableDefinition>;

export async function taskViews(tx: StoreTx, waits: WaitRow[], definitionOf: DefinitionOf): Promise<TaskView[]> {
  const instances = new Map<string, InstanceRow>();
  for (const id of new Set(waits.map((wait) => wait.instanceId))) {
    const instance = await tx.getInstance(id);
    if (instance) instances.set(id, instance);
  }
  const holds = await taskHolds(tx, instances.values());
  const inOrders = await instancesInOrders(tx, instances.values());
  const views: TaskView[] = [];
  for (const wait of waits) {
    const instance = instances.get(wait.instanceId);
    const definition = instance ? await definitionOf(instance.processKey, instance.version) : undefined;
    views.push(taskView(wait, instance, definition?.model, holds.get(wait.instanceId) ?? null, inOrders.has(wait.instanceId)));
  }
  return views;
}
