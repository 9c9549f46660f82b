// Orders as a resource: one order by its number, lists by status, customer and
// date, and cancel by number. Everything is read from the store of record in
// one snapshot per order; the status is derived (order-status.ts).
import type { Actor, OrderListItem, OrderQuery, OrderView, Orders, OrderWait, PageAfter, Runtime, WaitHold } from '../api.js';
import { notFound } from '../errors.js';
import type { InstanceRow, OrderRow, Store, StoreTx, WaitRow } from '../store/types.js';
import { historyEntry, waitingElement } from '../runtime/views.js';
import { ORDER_CHANGED_MESSAGE } from './order-change.js';
import { readWaitHolds, waitHoldOf } from '../runtime/wait-holds.js';
import { heldByOpenChange } from './order-holds.js';
import { orderStatus, readOrderStatus, rootStatusesOf } from './order-status.js';
import { orderSummary } from './order-summary.js';

/** A list page reads at most this many orders per requested one when the status is filtered in memory. */
const SCAN_FACTOR = 10;

export class OrderBook implements Orders {
  constructor(
    private readonly store: Store,
    private readonly runtime: Pick<Runtime, 'cancel'>,
  ) {}

  async get(orderNo: string): Promise<OrderView | undefined> {
    return this.store.read(async (tx) => {
      const row = await tx.getOrder(orderNo);
      return row && this.view(tx, row);
    });
  }

  /**
   * An ended status is filtered by the store (the root instance's status); a
   * running one is derived per order, so the store is read in batches until
   * the page is full. A page that had to read SCAN_FACTOR × limit orders ends
   * early with a cursor after the last order read, so a rare status never
   * costs an unbounded request; the client follows `next` as always.
   */
  async find(query: OrderQuery): Promise<{ items: OrderListItem[]; next: PageAfter | null }> {
    return this.store.read(async (tx) => {
      const items: OrderListItem[] = [];
      let after = query.after;
      let scanned = 0;
      const batch = query.limit + 1;
      for (;;) {
        const rows = await tx.findOrders({
          limit: batch,
          ...(after && { after }),
          ...(query.customer !== undefined && { customerName: query.customer }),
          ...(query.from !== undefined && { from: query.from }),
          ...(query.to !== undefined && { to: query.to }),
          ...(query.status && { rootStatuses: rootStatusesOf(query.status) }),
        });
        for (const row of rows) {
          scanned++;
          const item = await this.listItem(tx, row);
          if (!query.status || item.status === query.status) items.push(item);
          if (items.length > query.limit) {
            const last = items[query.limit - 1];
            return { items: items.slice(0, query.limit), next: { createdAt: last.enteredAt, id: last.orderNo } };
          }
          after = { createdAt: row.enteredAt, id: row.orderNo };
          if (scanned >= SCAN_FACTOR * batch && rows.length === batch) return { items, next: after };
        }
        if (rows.length < batch) return { items, next: null };
      }
    });
  }

  async cancel(orderNo: string, actor: Actor, reason: string): Promise<OrderView> {
    const row = await this.store.read((tx) => tx.getOrder(orderNo));
    if (!row) throw notFound(`no order ${orderNo}`);
    await this.runtime.cancel(row.instanceId, actor, { reason });
    return (await this.get(orderNo))!;
  }

  private async listItem(tx: StoreTx, row: OrderRow): Promise<OrderListItem> {
    const root = await tx.getInstance(row.instanceId);
    const waits = root?.status === 'running' ? await tx.findWaits({ rootId: row.instanceId }) : [];
    return {
      ...orderSummary(row),
      status: await readOrderStatus(tx, row.orderNo, root?.status ?? 'running', waits),
      instanceId: row.instanceId,
      enteredAt: row.enteredAt,
    };
  }

  private async view(tx: StoreTx, row: OrderRow): Promise<OrderView> {
    const tree = await tx.findInstances({ rootId: row.instanceId });
    const root = tree.find((instance) => instance.id === row.instanceId);
    const ordered = callTreeOrder(row.instanceId, tree);
    const keyOf = new Map(tree.map((instance) => [instance.id, instance.processKey]));
    const waits = await tx.findWaits({ rootId: row.instanceId });
    const history = await tx.historyOf(ordered.map((instance) => instance.id));
    const holds = await readWaitHolds(tx, tree, waits, row.orderNo);
    return {
      ...orderSummary(row),
      status: orderStatus(root?.status ?? 'running', waits, (wait) => heldByOpenChange(wait, row.orderNo, holds.openChanges)),
      instanceId: row.instanceId,
      enteredAt: row.enteredAt,
      entered: row.order,
      exchangeRate: row.exchangeRate,
      rateDate: row.rateDate,
      enteredBy: row.enteredBy,
      incident: tree.find((instance) => instance.incident)?.incident ?? null,
      // the change loop's catch of the engine's own OrderChanged is no wait of the order: changes come through
      // POST /api/orders/{orderNo}/changes, and nobody may send that message
      waiting: waits.filter((wait) => wait.kind !== 'call' && !(wait.kind === 'message' && wait.messageName === ORDER_CHANGED_MESSAGE))
        .map((wait) => orderWait(wait, keyOf.get(wait.instanceId) ?? '', waitHoldOf(wait, holds))),
      versions: ordered.map((instance) => ({
        instanceId: instance.id, parentId: instance.parentId, processKey: instance.processKey, version: instance.version, status: instance.status,
      })),
      history: history.map(historyEntry),
    };
  }
}

// helpers

/**
 * Who may act on a wait now: a task's candidate groups; a job or a message, the `integration` group (the workers
 * and systems that call the job and message routes); nobody while it is `held` (the runtime would refuse them
 * with 409), which then says what it waits for.
 */
function orderWait(wait: WaitRow, processKey: string, held: WaitHold | null): OrderWait {
  const mayAct = held ? [] : wait.kind === 'task' ? wait.candidateGroups ?? [] : wait.kind === 'job' || wait.kind === 'message' ? ['integration'] : [];
  return { ...waitingElement(wait, processKey, held), mayAct };
}

/** The root first, then each instance after its caller, oldest first among siblings. */
function callTreeOrder(rootId: string, tree: InstanceRow[]): InstanceRow[] {
  const byCreation = [...tree].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const ordered = byCreation.filter((instance) => instance.id === rootId);
  for (let index = 0; index < ordered.length; index++) {
    ordered.push(...byCreation.filter((instance) => instance.parentId === ordered[index].id));
  }
  return ordered;
}
