// Four eyes: within one order a person decides at most one of the tasks a
// process declares as separated (`separationOfDuties`). The order is its
// business key — every instance that carries it, whatever route started it —
// and, for instances without one, the call tree. Who decided comes from the
// history's task.completed entries, whose actor is the authenticated user.
import type { InstanceRow, StoreTx } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';

export interface EarlierDecision {
  processKey: string;
  elementId: string;
  name: string;
}

type DefinitionOf = (key: string, version: number) => Promise<ExecutableDefinition>;

/**
 * The separated task of the same order that `actor` already completed, other
 * than `elementId` itself (deciding the same step again, e.g. after a rework
 * loop, is not a second pair of eyes missing), or undefined.
 *
 * The caller holds the order's lock (lockWait with `order`): two servers completing separated tasks in two
 * instances of one order would otherwise each read the history before the other's decision commits, and both pass.
 */
export async function earlierSeparatedDecision(
  tx: StoreTx, instance: InstanceRow, elementId: string, actor: string, definitionOf: DefinitionOf,
): Promise<EarlierDecision | undefined> {
  const order = await instancesOfOrder(tx, instance);
  const byId = new Map(order.map((member) => [member.id, member]));
  const completions = (await tx.historyOf([...byId.keys()], { event: 'task.completed', actor }))
    .filter((entry) => entry.elementId);
  for (const entry of completions) {
    const decided = byId.get(entry.instanceId)!;
    if (decided.processKey === instance.processKey && entry.elementId === elementId) continue;
    const definition = await definitionOf(decided.processKey, decided.version);
    if (!definition.model.separatedTasks.includes(entry.elementId!)) continue;
    const name = definition.model.elements.get(entry.elementId!)?.name ?? entry.elementId!;
    return { processKey: decided.processKey, elementId: entry.elementId!, name };
  }
  return undefined;
}

// helpers

async function instancesOfOrder(tx: StoreTx, instance: InstanceRow): Promise<InstanceRow[]> {
  const tree = await tx.findInstances({ rootId: instance.rootId });
  if (instance.businessKey === null) return tree;
  const sameKey = await tx.findInstances({ businessKey: instance.businessKey });
  const all = new Map([...tree, ...sameKey].map((member) => [member.id, member]));
  return [...all.values()];
}
