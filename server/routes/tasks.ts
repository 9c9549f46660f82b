// User tasks: approvers list and complete them. The engine checks the
// caller's groups against the task's candidate groups.
import type { Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink, pageOf, pageStart } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';

interface TasksQuery {
  candidateGroup?: string;
  assignee?: string;
  businessKey?: string;
  instanceId?: string;
  limit: number;
  after?: string;
}

export function taskHandlers(runtime: Runtime): Handlers {
  return {
    // The body stays an array (clients rely on it); the next page is in the Link header.
    listTasks: async ({ query, req, user }: Input<unknown, TasksQuery>) => {
      const { limit, after, ...filter } = query;
      if (filter.assignee === 'me') filter.assignee = user!.name;
      const start = pageStart(after);
      const rows = await runtime.findTasks({ ...filter, limit: limit + 1, ...(start ? { after: start } : {}) });
      const { items, next } = pageOf(rows, limit);
      return { ...ok(items), headers: nextLink(req, next) };
    },

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
