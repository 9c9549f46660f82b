// User tasks: approvers list and complete them. The engine checks the
// caller's groups against the task's candidate groups.
import type { Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';

/** Groups whose tasks are decisions: completing one without `approved` would fail the order's gateway. */
export const DEFAULT_DECISION_GROUPS = ['sales-director', 'vice-president'];

export function taskHandlers(runtime: Runtime, decisionGroups: string[] = DEFAULT_DECISION_GROUPS): Handlers {
  return {
    listTasks: async ({ query }: Input<unknown, { candidateGroup?: string; businessKey?: string; instanceId?: string }>) =>
      ok(await runtime.findTasks(query)),

    getTask: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const task = await runtime.getTask(params.id);
      if (!task) throw new HttpProblem(404, `No open task with id ${params.id}.`);
      return ok(task);
    },

    completeTask: async ({ params, body, user }: Input<{ variables?: Record<string, unknown> }, unknown, { id: string }>) => {
      const variables = body.variables ?? {};
      const task = await runtime.getTask(params.id);
      // Strict FEEL fails the instance when `approved` is missing, so a forgotten decision is refused here, not after.
      // (a caller outside the candidate groups gets the engine's 403 first)
      const isCandidate = task?.candidateGroups.some((group) => user!.groups.includes(group)) ?? false;
      if (task && isCandidate && task.candidateGroups.some((group) => decisionGroups.includes(group)) && typeof variables.approved !== 'boolean') {
        throw new HttpProblem(422, `Task ${task.name ?? task.elementId} is a decision: send variables.approved as true or false.`, {
          errors: [{ field: '/variables/approved', message: 'is required for approval tasks (true or false)' }],
        });
      }
      return ok(await runtime.completeTask(params.id, variables, user!));
    },
  };
}
