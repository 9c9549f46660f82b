// User tasks: approvers list, claim and complete them. The engine checks the
// caller's groups against the task's candidate groups.
import type { Actor, Runtime, TaskQuery, TaskView } from '../../engine/api.js';
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
 * `mine=true`: the tasks of any of the caller's groups (within `candidateGroup` when
 * given) or offered to them by name that nobody else claimed, and those they hold. Each query's page is in keyset
 * order, so merging them and keeping the first `limit` rows is the same page one query over all of them would give.
 * The other filters (`assignee`, `elementId`, `processKey` …) narrow each query in the store.
 */
export async function tasksOfGroups(runtime: Runtime, page: TaskQuery, user: User): Promise<TaskView[]> {
  const groups = page.candidateGroup ? user.groups.filter((group) => group === page.candidateGroup) : user.groups;
  const byId = new Map<string, TaskView>();
  for (const group of groups) {
    for (const task of await runtime.findTasks({ ...page, candidateGroup: group, unclaimedOrClaimedBy: user.name })) byId.set(task.id, task);
  }
  if (!page.candidateGroup) {
    // and those offered to the caller by name (Camunda's candidateUsers) that nobody else claimed
    for (const task of await runtime.findTasks({ ...page, candidateUser: user.name, unclaimedOrClaimedBy: user.name })) byId.set(task.id, task);
    // and those assigned to the caller by name (Camunda's assignee) or claimed by them; none of them is held by
    // someone else, so an `assignee` filter naming another person finds none here (it replaced the filter, and the
    // caller's own held tasks answered a list of another's)
    if (page.assignee === undefined || page.assignee === user.name) {
      for (const task of await runtime.findTasks({ ...page, assignee: user.name })) byId.set(task.id, task);
    }
  }
  return [...byId.values()]
    .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
    .slice(0, page.limit);
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

/**
 * Whether `task` is in the caller's own list (tasksOfGroups without filters): offered to one of their groups or to them
 * by name and claimed by nobody else, or held by them. What a read of one task by a Camunda route shows the caller.
 */
export function isTaskOfCaller(task: TaskView, user: User): boolean {
  const holder = task.claimedBy ?? task.assignee;
  if (holder === user.name) return true;
  if (task.claimedBy !== null) return false;
  return task.candidateGroups.some((group) => user.groups.includes(group)) || task.candidateUsers.includes(user.name);
}

// the stores' order: UTF-8 bytes (SQLite's BINARY, PostgreSQL's "C"), which is code point order; not JavaScript's `<`,
// which compares UTF-16 units and puts a character beyond U+FFFF (an id's `𐐀`) before U+E000–U+FFFF (`ﬁ`): a page
// merged so ended at a task the next page's keyset, in the stores' order, had passed, and the task between was skipped
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
