// Camunda 7's REST API, deleting a process instance: the runtime's cancel of POST /api/instances/{id}/cancel
// (camunda-cancel.ts), with the reason Stratum keeps for every cancel in the query parameter `deleteReason`, named
// after the `deleteReason` of Camunda 7's batch delete (POST /process-instance/delete). Camunda 7's other parameters
// are taken at their defaults only (the schema refuses the rest): Stratum runs no listeners or I/O mappings to skip,
// always cancels the called instances with their order, and answers an instance that does not exist 404.
import type { Runtime } from '../../engine/api.js';
import { cancelAsCamunda } from '../camunda-cancel.js';
import type { Handlers, Input } from '../http/handler.js';

const HOW_TO_GIVE_IT = 'give it as the query parameter deleteReason (DELETE /engine-rest/process-instance/{id}?deleteReason=customer%20withdrew)';

export function camunda7ProcessInstanceHandlers(runtime: Runtime): Handlers {
  return {
    camunda7DeleteProcessInstance: ({ params, query, user }: Input<unknown, { deleteReason?: string }, { id: string }>) =>
      cancelAsCamunda(runtime, params.id, user!, query.deleteReason, HOW_TO_GIVE_IT),
  };
}
