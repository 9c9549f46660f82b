// User tasks: approvers list and complete them. The engine checks the
// caller's groups against the task's candidate groups.
import type { Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';

export function taskHandlers(runtime: Runtime): Handlers {
  return {
    listTasks: async ({ query }: Input<unknown, { candidateGroup?: string; businessKey?: string; instanceId?: string }>) =>
      ok(await runtime.findTasks(query)),

    getTask: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const task = await runtime.getTask(params.id);
      if (!task) throw new HttpProblem(404, `No open task with id ${params.id}.`);
      return ok(task);
    },

    // A completion that would fail the instance (say, a gateway reading an
    // `approved` the approver did not send) is refused by the runtime with 422,
    // naming the variables to fix; the task stays open.
    completeTask: async ({ params, body, user }: Input<{ variables?: Record<string, unknown> }, unknown, { id: string }>) =>
      ok(await runtime.completeTask(params.id, body.variables ?? {}, user!)),
  };
}
