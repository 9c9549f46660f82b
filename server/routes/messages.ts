// Messages from the outside world (PaymentReceived, ShipmentRequested),
// correlated by business key: delivered (200) or buffered for the order (202).
import type { MessageRequest, Runtime } from '../../engine/api.js';
import { type Handlers, type Input } from '../http/handler.js';

export function messageHandlers(runtime: Runtime): Handlers {
  return {
    correlateMessage: async ({ body, user }: Input<Omit<MessageRequest, 'actor' | 'via'>>) => {
      const { outcome, messageKey, reached, expiresAt } = await runtime.correlateMessage({ ...body, actor: user!.name, via: user!.via });
      // the roots it reached, as documented (MessageResult); `moved` is for the routes that answer per instance
      return { status: outcome === 'buffered' ? 202 : 200, json: { outcome, messageKey, reached, ...(expiresAt !== undefined && { expiresAt }) } };
    },
  };
}
