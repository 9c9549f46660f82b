// Sales orders: entry (the engine checks the order, converts it, keeps it
// under its orderNo and starts the order process), changes to a running order,
// the order as a resource, lists, and cancel by number.
import type { OrderChangeRequest, OrderEntry, OrderQuery, Orders, Runtime } from '../../engine/api.js';
import { notFound } from '../../engine/errors.js';
import { encodeCursor } from '../../engine/store/page-cursor.js';
import { conditional } from '../http/etag.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink, pageStart } from '../http/pagination.js';
import { withQueryInstants } from '../http/query-instants.js';
import { HttpProblem } from '../problem.js';
import { instanceUrl } from './instances.js';

type OrdersQuery = Omit<OrderQuery, 'after'> & { after?: string };

const orderUrl = (orderNo: string) => `/api/orders/${encodeURIComponent(orderNo)}`;
const changeUrl = (orderNo: string, changeId: string) => `/api/orders/${encodeURIComponent(orderNo)}/changes/${encodeURIComponent(changeId)}`;

export function orderHandlers(runtime: Runtime, orders: Orders): Handlers {
  return {
    // A new order: 201, Location the order (the resource created, RFC 9110 §15.3.2), Content-Location the order's
    // instance, which the body is. A retry: 200, Content-Location the instance, as before.
    postOrder: async ({ body, user }: Input<OrderEntry>) => {
      const { instance, created } = await runtime.enterOrder(body, { user: user!.name, via: user!.via });
      const headers: Record<string, string> = created
        ? { Location: orderUrl(body.orderNo), 'Content-Location': instanceUrl(instance.id) }
        : { 'Content-Location': instanceUrl(instance.id) };
      return { status: created ? 201 : 200, json: instance, headers };
    },
    // 201 with Location for a new change, 200 with Content-Location for a repeat, as an instance's start
    postOrderChange: async ({ params, body, user }: Input<OrderChangeRequest, unknown, { orderNo: string }>) => {
      const result = await runtime.changeOrder(params.orderNo, body, { user: user!.name, via: user!.via });
      const url = changeUrl(params.orderNo, result.change.changeId);
      return { status: result.created ? 201 : 200, json: result, headers: { [result.created ? 'Location' : 'Content-Location']: url } };
    },
    getOrderChanges: async ({ params }: Input<unknown, unknown, { orderNo: string }>) => {
      const order = await runtime.orderChanges(params.orderNo);
      if (!order) throw notFound(`no order ${params.orderNo}`);
      return ok(order);
    },
    getOrderChange: async ({ params }: Input<unknown, unknown, { orderNo: string; changeId: string }>) => {
      const order = await runtime.orderChanges(params.orderNo);
      if (!order) throw notFound(`no order ${params.orderNo}`);
      const change = order.changes.find((candidate) => candidate.changeId === params.changeId);
      if (!change) throw notFound(`order ${params.orderNo} has no change ${params.changeId}`);
      return ok(change);
    },

    listOrders: async ({ query, req }: Input<unknown, OrdersQuery>) => {
      const { after, ...filter } = withQueryInstants(query, ['from', 'to']);
      const start = pageStart(after);
      const { items, next } = await orders.find({ ...filter, ...(start && { after: start }) });
      const cursor = next && encodeCursor(next);
      return { ...ok({ items, limit: query.limit, next: cursor }), headers: nextLink(req, cursor) };
    },

    getOrder: async ({ params, req }: Input<unknown, unknown, { orderNo: string }>) => {
      const order = await orders.get(params.orderNo);
      if (!order) throw new HttpProblem(404, `No order ${params.orderNo}.`);
      return conditional(req, ok(order));
    },

    cancelOrder: async ({ params, body, user }: Input<{ reason: string }, unknown, { orderNo: string }>) =>
      ok(await orders.cancel(params.orderNo, user!, body.reason)),
  };
}
