// Camunda 8's Orchestration Cluster REST API (v2), cancelling a process instance: the runtime's cancel of
// POST /api/instances/{id}/cancel (camunda-cancel.ts), with the reason Stratum keeps for every cancel in the body's
// `reason`, a Stratum extension of Camunda's CancelProcessInstanceRequest. A process instance's key is Stratum's
// instance id, as process instance creation and job activation hand it out.
import type { Runtime } from '../../engine/api.js';
import { cancelAsCamunda } from '../camunda-cancel.js';
import type { Handlers, Input } from '../http/handler.js';

/** Camunda's CancelProcessInstanceRequest (`operationReference`, accepted and not kept) and Stratum's `reason`; null as no body. */
type CancellationBody = { reason?: string; operationReference?: number | string } | null;

const HOW_TO_GIVE_IT = 'send it in the body as `reason` ({"reason": "customer withdrew the order"}), a field Stratum adds to Camunda\'s CancelProcessInstanceRequest';

export function camunda8ProcessInstanceHandlers(runtime: Runtime): Handlers {
  return {
    camunda8CancelProcessInstance: ({ params, body, user }: Input<CancellationBody, unknown, { processInstanceKey: string }>) =>
      cancelAsCamunda(runtime, params.processInstanceKey, user!, body?.reason, HOW_TO_GIVE_IT),
  };
}
