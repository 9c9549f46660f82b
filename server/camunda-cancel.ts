// A cancel through Camunda's routes (Camunda 8's POST /v2/process-instances/{processInstanceKey}/cancellation,
// Camunda 7's DELETE /engine-rest/process-instance/{id}) is the runtime's cancel of POST /api/instances/{id}/cancel:
// the same role, the same refusals kept as `cancel.refused`, the same `instance.cancelled` entries with who cancelled
// and why, the route as `via`. Stratum keeps a reason for every cancel, and Camunda's requests carry none: each route
// takes it in a field of its own (docs/camunda-workers.md), and a cancel without one is refused (400) before the
// runtime sees it, so nobody cancels an order without saying why by choosing a Camunda route. What differs is the
// answer to an instance that has ended: 404, as Camunda answers it (its instance is gone), where /api answers 409.
import type { Actor, InstanceView, Runtime } from '../engine/api.js';
import { StratumError } from '../engine/errors.js';
import type { Reply } from './http/handler.js';
import { HttpProblem } from './problem.js';

/** Cancels the order `instanceId` names (its root instance) with `reason`; 204, the order named for the router. */
export async function cancelAsCamunda(runtime: Pick<Runtime, 'cancel'>, instanceId: string, actor: Actor, reason: string | undefined, howToGiveIt: string): Promise<Reply> {
  if (reason === undefined) {
    throw new HttpProblem(400, `Stratum keeps a reason for every cancel, and this request gives none: ${howToGiveIt}. Nothing was cancelled.`);
  }
  let cancelled: InstanceView;
  try {
    cancelled = await runtime.cancel(instanceId, actor, { reason });
  } catch (error) {
    // kept as cancel.refused (instance-ended) all the same; only the answer's status is Camunda's
    if (error instanceof StratumError && error.code === 'conflict' && typeof error.details?.endedAs === 'string') throw new HttpProblem(404, error.message);
    throw error;
  }
  return { status: 204, orders: [{ instanceId: cancelled.id, businessKey: cancelled.businessKey }] };
}
