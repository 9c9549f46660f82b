// Sales order entry: the engine checks the order (currency, minor units, a
// rate), converts it, keeps it under its orderNo and starts the order process.
// Changes to a running order are recorded and handed to the order process.
import type { OrderChangeRequest, OrderEntry, Runtime } from '../../engine/api.js';
import { notFound } from '../../engine/errors.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { instanceReply } from './instances.js';

export function orderHandlers(runtime: Runtime): Handlers {
  return {
    postOrder: async ({ body, user }: Input<OrderEntry>) => instanceReply(await runtime.enterOrder(body, { user: user!.name })),
    postOrderChange: async ({ params, body, user }: Input<OrderChangeRequest, unknown, { orderNo: string }>) => {
      const result = await runtime.changeOrder(params.orderNo, body, { user: user!.name });
      return { status: result.created ? 201 : 200, json: result };
    },
    getOrderChanges: async ({ params }: Input<unknown, unknown, { orderNo: string }>) => {
      const order = await runtime.orderChanges(params.orderNo);
      if (!order) throw notFound(`no order ${params.orderNo}`);
      return ok(order);
    },
  };
}
