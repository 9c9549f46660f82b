// Health, metrics and the API description.
import { ok, type Handlers } from '../http/handler.js';
import type { Metrics } from '../metrics.js';
import { HttpProblem } from '../problem.js';

export function operationHandlers(options: { checkHealth: () => Promise<void>; metrics: Metrics; openApi: unknown }): Handlers {
  return {
    health: async () => {
      try {
        await options.checkHealth();
      } catch {
        throw new HttpProblem(503, 'The store does not answer.');
      }
      return ok({ status: 'ok' });
    },
    metrics: async () => ({ status: 200, text: await options.metrics.text(), contentType: options.metrics.contentType }),
    openapi: () => Promise.resolve({ status: 200, json: options.openApi }),
  };
}
