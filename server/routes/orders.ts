// Sales order entry: the engine checks the order (currency, minor units, a
// rate), converts it, keeps it under its orderNo and starts the order process.
import type { OrderEntry, Runtime } from '../../engine/api.js';
import type { Handlers, Input } from '../http/handler.js';
import { instanceReply } from './instances.js';

export function orderHandlers(runtime: Runtime): Handlers {
  return {
    postOrder: async ({ body, user }: Input<OrderEntry>) => instanceReply(await runtime.enterOrder(body, { user: user!.name })),
  };
}
