// User tasks: approvers list, claim and complete them. The engine checks the
// caller's groups against the task's candidate groups.
import type { Actor, Runtime, TaskListOwner, TaskQuery, TaskView } from '../../engine/api.js';
import { StratumError } from '../../engine/errors.js';
import { GROUPS } from '../auth/authenticate.js';
import type { User } from '../auth/users.js';
import { conditional } from '../http/etag.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink, pageOf, pageStart } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';

interface TasksQuery {
  candidateGroup?: string;
  assignee?: string;
  businessKey?: string;
  instanceId?: string;
  mine?: boolean;
  held?: boolean;
  limit: number;
  after?: string;
}

export function taskHandlers(runtime: Runtime): Handlers {
  return {
    // The body stays an array (clients rely on it); the next page is in the Link header.
    // A task list polls with If-None-Match: nothing new costs a 304.
    listTasks: async ({ query, req, user }: Input<unknown, TasksQuery>) => {
      const { limit, after, mine, ...filter } = query;
      if (filter.assignee === 'me') filter.assignee = user!.name;
      const start = pageStart(after);
      const page = { ...filter, limit: limit + 1, ...(start ? { after: start } : {}) };
      const rows = mine ? await tasksOfGroups(runtime, page, user!) : await runtime.findTasks(page);
      const { items, next } = pageOf(rows, limit);
      // the caller's own list marks what four eyes would refuse them, read once for the page (task-four-eyes.ts)
      if (mine) {
        const refused = await runtime.fourEyesOnTasks(items, user!.name);
        for (const task of items) if (refused.has(task.id)) task.fourEyes = refused.get(task.id);
      }
      return conditional(req, { ...ok(items), headers: nextLink(req, next) });
    },

    getTask: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const task = await runtime.getTask(params.id);
      if (!task) throw new HttpProblem(404, `No open task with id ${params.id}.`);
      return ok(task);
    },

    // a decided task read back (the task list shows it after Back): its `task.completed`, readable as the instance's history is
    getTaskCompletion: async ({ params }: Input<unknown, unknown, { id: string }>) => {
      const completion = await runtime.getTaskCompletion(params.id);
      if (!completion) throw new HttpProblem(404, `No decision recorded for task ${params.id}: it is open, ended without one, or unknown.`);
      return ok(completion);
    },

    // A completion that would fail the instance (say, a gateway reading an
    // `approved` the approver did not send) is refused by the runtime with 422,
    // naming the variables to fix; the task stays open.
    completeTask: async ({ params, body, user }: Input<{ variables?: Record<string, unknown> }, unknown, { id: string }>) =>
      ok(await runtime.completeTask(params.id, body.variables ?? {}, user!)),

    // Camunda's claim: the caller becomes the assignee; only someone who may decide the task now may claim it.
    claimTask: async ({ params, user }: Input<unknown, unknown, { id: string }>) =>
      ok(await runtime.claimTask(params.id, user!)),

    // the claimant gives the task back to its candidates; an operator may free a task someone else claimed
    unclaimTask: async ({ params, user }: Input<unknown, unknown, { id: string }>) =>
      ok(await runtime.unclaimTask(params.id, user!, { asOperator: user!.groups.includes(GROUPS.operations) })),
  };
}

// helpers

/**
 * `mine=true`: the tasks of any of the caller's groups (within `candidateGroup` when given) or offered to them by name
 * that nobody else claimed, and those they hold, in one query of the store (TaskQuery.inListOf, whose rule is
 * engine/store/filters.ts's listBranches). The other filters (`assignee`, `elementId`, `processKey` …) narrow it there.
 */
export function tasksOfGroups(runtime: Runtime, page: TaskQuery, user: User): Promise<TaskView[]> {
  return runtime.findTasks({ ...page, inListOf: listOwner(user) });
}

/** Whose list `inListOf` reads: the caller's name and groups. */
export function listOwner(user: User): TaskListOwner {
  return { name: user.name, groups: user.groups };
}

/**
 * Task `taskId` when it is open and in the caller's own list (tasksOfGroups without filters), else undefined: what a
 * read of one task by a Camunda route shows the caller. The store's own rule, as their list applies it.
 */
export async function taskOfCaller(runtime: Runtime, taskId: string, user: User): Promise<TaskView | undefined> {
  return (await runtime.findTasks({ id: taskId, inListOf: listOwner(user), limit: 1 }))[0];
}

/**
 * A person lists only their own tasks: a `candidateUser` filter naming anyone else is refused (403, `field` named),
 * on Camunda 7's task list and Camunda 8's user task search alike.
 */
export function refuseOtherCandidateUser(candidateUser: string | undefined, user: User, field: string, verb: 'list' | 'search'): void {
  if (candidateUser === undefined || candidateUser === user.name) return;
  throw new HttpProblem(403, `A person lists only their own tasks: ${JSON.stringify(user.name)} may not ${verb} those offered to ${JSON.stringify(candidateUser)}.`, {
    errors: [{ field, message: `not the caller (${user.name})` }],
  });
}

/** Why a Camunda route's assignment to someone else is refused: in Stratum a person claims a task for themselves. */
const ASSIGN_OTHER_REASON = 'assign-to-other';

/**
 * Refuses an assignment of task `taskId` to `assignee`, someone other than the caller (Camunda 7's claim or assignee
 * for another user, Camunda 8's assignment): 403 `assign-to-other`, kept in the order's history as the runtime keeps
 * its refusals (`attempted`: the operation). 404 `notFound` when no such task is open. `field` names the body's field.
 */
export async function refuseAssigningToOther(runtime: Runtime, taskId: string, assignee: string, user: Actor, attempt: { attempted: string; field: string; notFound: string }): Promise<never> {
  const refusal = `In Stratum a person assigns a task only to themselves (a claim): ${JSON.stringify(user.name)} may not assign it to ${JSON.stringify(assignee)}. ` +
    `Let ${JSON.stringify(assignee)} assign it to themselves, or offer the task to their group in the diagram.`;
  const kept = await runtime.recordRefusedRequest({ kind: 'task', id: taskId, reason: ASSIGN_OTHER_REASON, refusal, attempted: attempt.attempted }, user);
  if (!kept && !(await runtime.getTask(taskId))) throw new HttpProblem(404, attempt.notFound);
  // the runtime's kind of refusal, kept here: an HttpProblem 403 would be kept again as a role refusal (role-refusals.ts)
  throw new StratumError('forbidden', refusal, { reason: ASSIGN_OTHER_REASON, errors: [{ field: attempt.field, message: `not the caller (${user.name})` }] });
}
