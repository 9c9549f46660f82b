// Views of instances as the API hands them out, read on the store's read side.
import type { InstanceQuery, InstanceSummary, InstanceView } from '../api.js';
import type { Store } from '../store/types.js';
import { subtreeOf, type TreeViews } from './tree-views.js';
import { historyEntry, instanceSummary, waitingElement } from './views.js';
import { readWaitHolds, waitHoldOf } from './wait-holds.js';

export class InstanceReads {
  constructor(
    private readonly store: Store,
    /** Where the view of a write, read because no step kept its tree, keeps the tree it read. */
    private readonly views?: TreeViews,
  ) {}

  getInstance(id: string): Promise<InstanceView | undefined> {
    return this.read(id, false);
  }

  /** The view of an instance a step just committed (it exists: the step wrote it); a root's tree is kept for the next step. */
  async viewOf(id: string): Promise<InstanceView> {
    return (await this.read(id, true))!;
  }

  async findInstances(query: InstanceQuery): Promise<{ items: InstanceSummary[]; total: number }> {
    return this.store.read(async (tx) => {
      const filter = { ...query, limit: query.limit ?? 50, offset: query.offset ?? 0 };
      const [rows, total] = await Promise.all([tx.findInstances(filter), tx.countInstances(query)]);
      return { items: rows.map(instanceSummary), total };
    });
  }

  private read(id: string, keep: boolean): Promise<InstanceView | undefined> {
    return this.store.read(async (tx) => {
      const instance = await tx.getInstance(id);
      if (!instance) return undefined;
      // The whole call tree shares a root id: one query for its instances and one for its waits.
      const wholeTree = await tx.findInstances({ rootId: instance.rootId });
      const tree = subtreeOf(instance, wholeTree);
      const keyOf = new Map(tree.map((member) => [member.id, member.processKey]));
      const waits = (await tx.findWaits({ rootId: instance.rootId })).filter((wait) => keyOf.has(wait.instanceId));
      waits.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const children = tree.filter((member) => member.parentId === instance.id);
      const history = await tx.historyOf(tree.map((member) => member.id));
      // a caller above the viewed instance may hold its waits: the whole tree says
      const holds = await readWaitHolds(tx, wholeTree, waits, instance.businessKey);
      // the view of a root reads its whole tree: enough to keep it
      if (keep && instance.id === instance.rootId) this.views?.keepRead(tree, waits, history);
      return {
        ...instanceSummary(instance),
        variables: instance.variables,
        incident: instance.incident,
        waiting: waits.map((wait) => waitingElement(wait, keyOf.get(wait.instanceId) ?? instance.processKey, waitHoldOf(wait, holds))),
        children: children.map(instanceSummary),
        history: history.map(historyEntry),
      };
    });
  }
}
