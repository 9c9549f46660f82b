// Messages from the outside world (PaymentReceived, ShipmentRequested),
// correlated by business key: delivered (200) or buffered for the order (202).
import type { MessageRequest, Runtime } from '../../engine/api.js';
import { type Handlers, type Input } from '../http/handler.js';

export function messageHandlers(runtime: Runtime): Handlers {
  return {
    correlateMessage: async ({ body, user }: Input<Omit<MessageRequest, 'actor' | 'via'>>) => {
      const result = await runtime.correlateMessage({ ...body, actor: user!.name, via: user!.via });
      return { status: result.outcome === 'buffered' ? 202 : 200, json: result };
    },
  };
}
