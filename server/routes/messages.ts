// Messages from the outside world (PaymentReceived, ShipmentRequested),
// correlated by business key.
import type { Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';

export function messageHandlers(runtime: Runtime): Handlers {
  return {
    correlateMessage: async ({ body, user }: Input<{ name: string; businessKey: string; variables?: Record<string, unknown> }>) =>
      ok(await runtime.correlateMessage({ ...body, actor: user!.name })),
  };
}
