// Camunda 8's Orchestration Cluster REST API (v2), the user task subset: complete, assign (to oneself), unassign,
// search. Each is the runtime's own task call of /api/tasks/{id}/complete|claim|unclaim and GET /api/tasks?mine=true,
// so every control holds as there: candidate groups and users, a claim by someone else, four eyes, undeclared or
// protected variables, a rejection without its comment; the runtime keeps its refusals as `task.refused` with
// `via: "camunda8"`. A user task's key is Stratum's task id, as a job's key is the job's id.
import type { PageAfter, Runtime, TaskCountQuery, TaskQuery, TaskView } from '../../engine/api.js';
import { StratumError } from '../../engine/errors.js';
import { decodeCursor, nextCursor } from '../../engine/store/page-cursor.js';
import { GROUPS } from '../auth/authenticate.js';
import type { User } from '../auth/users.js';
import { ok, type Handlers, type Input, type Reply } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import { listOwner, refuseAssigningToOther, refuseOtherCandidateUser, tasksOfGroups } from '../routes/tasks.js';
import { DEFAULT_TENANT } from '../schemas/camunda8.js';

type UserTaskKey = { userTaskKey: string };

interface AssignmentBody {
  assignee: string;
  allowOverride?: boolean | null;
  action?: string | null;
}

/** Camunda 8.8's advanced filter of one field as Stratum takes it (Camunda8UserTaskSearchQuery): the value is `$eq`. */
type AdvancedFilter = string | { $eq?: string; $exists?: boolean; $in?: string[] };

interface SearchBody {
  filter?: {
    state?: AdvancedFilter;
    candidateGroup?: AdvancedFilter;
    candidateUser?: AdvancedFilter;
    assignee?: AdvancedFilter;
    processInstanceKey?: string;
    processDefinitionId?: string;
    elementId?: string;
    userTaskKey?: string;
    tenantId?: AdvancedFilter;
  };
  sort?: { field: 'creationDate'; order?: 'ASC' }[];
  page?: { from?: number; limit?: number; after?: string };
}

/** Camunda's default page size for searches. */
const DEFAULT_LIMIT = 100;

export function camunda8UserTaskHandlers(runtime: Runtime): Handlers {
  return {
    camunda8CompleteUserTask: async ({ params, body, user }: Input<{ variables?: Record<string, unknown> | null } | null, unknown, UserTaskKey>): Promise<Reply> => {
      await runtime.completeTask(params.userTaskKey, body?.variables ?? {}, user!);
      return { status: 204 };
    },

    camunda8AssignUserTask: async ({ params, body, user }: Input<AssignmentBody, unknown, UserTaskKey>): Promise<Reply> => {
      if (body.assignee !== user!.name) {
        await refuseAssigningToOther(runtime, params.userTaskKey, body.assignee, user!, {
          attempted: 'camunda8AssignUserTask', field: '/assignee', notFound: `No open user task with key ${params.userTaskKey}.`,
        });
      }
      // the claim: 409 (`task-claimed`) when someone else holds it, whatever allowOverride says, since nobody takes a
      // task from its holder by assigning it; the holder (or operations) unassigns it first
      await runtime.claimTask(params.userTaskKey, user!);
      return { status: 204 };
    },

    camunda8UnassignUserTask: async ({ params, user }: Input<unknown, unknown, UserTaskKey>): Promise<Reply> => {
      await runtime.unclaimTask(params.userTaskKey, user!, { asOperator: user!.groups.includes(GROUPS.operations) });
      return { status: 204 };
    },

    camunda8SearchUserTasks: async ({ body, user }: Input<SearchBody | null>): Promise<Reply> => {
      const { filter = {}, page = {} } = body ?? {};
      if (page.from !== undefined && page.after !== undefined) throw new HttpProblem(400, 'Page by `from` or by `after`, not both (as Camunda).');
      const limit = page.limit ?? DEFAULT_LIMIT;
      const offset = page.from ?? 0;
      const filters = storeFilters(filter, user!);
      // Stratum lists open tasks only: CREATED; a task in any other state is not listed (nor kept as a task)
      if (!allows(filter.state, 'CREATED')) return ok({ items: [], page: { totalItems: 0, hasMoreTotalItems: false } });
      // the caller's own list, as GET /api/tasks?mine=true: offered to their groups or to them by name, or held by
      // them; every filter narrows the store's queries, and one more row than the page says whether more follow
      const query: TaskQuery = {
        ...filters,
        limit: offset + limit + 1,
        ...(page.after !== undefined && { after: cursorStart(page.after) }),
      };
      const found = await tasksOfGroups(runtime, query, user!);
      const items = found.slice(offset, offset + limit);
      const next = nextCursor(found.slice(offset), limit);
      // every match, as Camunda counts them, whatever the page (a first page that holds them all has counted them; else
      // the store counts the caller's list in one query); hasMoreTotalItems still says whether more follow this page
      const { limit: _page, after: _after, ...matching } = query;
      const totalItems = offset === 0 && page.after === undefined && !next ? items.length : await runtime.countTasks({ ...matching, inListOf: listOwner(user!) });
      return {
        ...ok({
          items: items.map(userTaskResult),
          page: {
            totalItems,
            hasMoreTotalItems: next !== null,
            ...(next && { endCursor: next }),
          },
        }),
        orders: items.map(({ instanceId, businessKey }) => ({ instanceId, businessKey })),
      };
    },
  };
}

// helpers

/**
 * The store's filters for Camunda 8's (the caller's own list narrowed as Camunda 8 answers them, not as Camunda 7:
 * a candidate filter keeps the tasks someone holds). `candidateUser` is the caller: anyone else's list is not theirs
 * to read (403). A group not theirs, in `candidateGroup` or its `$in`, finds nothing (the store's list rule).
 */
function storeFilters(filter: NonNullable<SearchBody['filter']>, user: User): TaskCountQuery {
  const candidateUser = equalTo(filter.candidateUser);
  refuseOtherCandidateUser(candidateUser, user, '/filter/candidateUser', 'search');
  const candidateGroup = equalTo(filter.candidateGroup);
  const assignee = equalTo(filter.assignee);
  const candidateGroups = typeof filter.candidateGroup === 'object' ? filter.candidateGroup.$in : undefined;
  const assigned = typeof filter.assignee === 'object' ? filter.assignee.$exists : undefined;
  return {
    ...(candidateGroup !== undefined && { candidateGroup }),
    ...(candidateGroups !== undefined && { candidateGroups }),
    ...(candidateUser !== undefined && { candidateUser }),
    ...(assignee !== undefined && { assignee }),
    ...(assigned !== undefined && { assigned }),
    ...(filter.processInstanceKey !== undefined && { instanceId: filter.processInstanceKey }),
    ...(filter.processDefinitionId !== undefined && { processKey: filter.processDefinitionId }),
    ...(filter.elementId !== undefined && { elementId: filter.elementId }),
    ...(filter.userTaskKey !== undefined && { id: filter.userTaskKey }),
  };
}

/** The value an advanced filter asks for exactly: the plain value, or its `$eq`. */
function equalTo(filter: AdvancedFilter | undefined): string | undefined {
  return typeof filter === 'object' ? filter.$eq : filter;
}

/** Whether `value` passes a filter of a field every task has (the state): each of its operators holds. */
function allows(filter: AdvancedFilter | undefined, value: string): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return filter === value;
  return (filter.$eq === undefined || filter.$eq === value) && (filter.$in === undefined || filter.$in.includes(value)) && filter.$exists !== false;
}

/** Where `page.after` (an endCursor: Stratum's opaque page cursor, as GET /api/tasks hands it out) says to go on. */
function cursorStart(after: string): PageAfter {
  try {
    return decodeCursor(after, 'page.after');
  } catch (error) {
    if (error instanceof StratumError) throw new HttpProblem(400, error.message, { errors: [{ field: 'page.after', message: error.message }] });
    throw error;
  }
}

/** Camunda 8's UserTaskResult for one of Stratum's open tasks. */
function userTaskResult(task: TaskView): Record<string, unknown> {
  const assignee = task.claimedBy ?? task.assignee;
  return {
    userTaskKey: task.id,
    ...(task.name !== null && { name: task.name }),
    state: 'CREATED',
    ...(assignee !== null && { assignee }),
    elementId: task.elementId,
    candidateGroups: task.candidateGroups,
    candidateUsers: task.candidateUsers,
    processDefinitionId: task.processKey,
    processInstanceKey: task.instanceId,
    creationDate: task.createdAt,
    tenantId: DEFAULT_TENANT,
    ...(task.businessKey !== null && { businessKey: task.businessKey }),
  };
}
