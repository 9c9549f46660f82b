// Views of instances as the API hands them out, read on the store's read side.
import type { InstanceQuery, InstanceSummary, InstanceView } from '../api.js';
import type { InstanceRow, Store } from '../store/types.js';
import { historyEntry, instanceSummary, waitingElement } from './views.js';

export class InstanceReads {
  constructor(private readonly store: Store) {}

  async getInstance(id: string): Promise<InstanceView | undefined> {
    return this.store.read(async (tx) => {
      const instance = await tx.getInstance(id);
      if (!instance) return undefined;
      // The whole call tree shares a root id: one query for its instances and one for its waits.
      const tree = subtreeOf(instance, await tx.findInstances({ rootId: instance.rootId }));
      const keyOf = new Map(tree.map((member) => [member.id, member.processKey]));
      const waits = (await tx.findWaits({ rootId: instance.rootId })).filter((wait) => keyOf.has(wait.instanceId));
      waits.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const children = tree.filter((member) => member.parentId === instance.id);
      const history = await tx.historyOf(tree.map((member) => member.id));
      return {
        ...instanceSummary(instance),
        variables: instance.variables,
        incident: instance.incident,
        waiting: waits.map((wait) => waitingElement(wait, keyOf.get(wait.instanceId) ?? instance.processKey)),
        children: children.map(instanceSummary),
        history: history.map(historyEntry),
      };
    });
  }

  /** The view of an instance a step just committed (it exists: the step wrote it). */
  async viewOf(id: string): Promise<InstanceView> {
    return (await this.getInstance(id))!;
  }

  async findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }> {
    return this.store.read(async (tx) => {
      const filter = { ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 };
      const [rows, total] = await Promise.all([tx.findInstances(filter), tx.countInstances(query)]);
      return { items: rows.map(instanceSummary), total };
    });
  }
}

/** `top` and the instances it called, directly or not, oldest first at each level. */
function subtreeOf(top: InstanceRow, family: InstanceRow[]): InstanceRow[] {
  const childrenOf = new Map<string, InstanceRow[]>();
  for (const member of family) {
    if (!member.parentId) continue;
    const siblings = childrenOf.get(member.parentId) ?? [];
    siblings.push(member);
    childrenOf.set(member.parentId, siblings);
  }
  const byCreation = (a: InstanceRow, b: InstanceRow) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const tree = [top];
  for (let index = 0; index < tree.length; index++) tree.push(...(childrenOf.get(tree[index].id) ?? []).sort(byCreation));
  return tree;
}
