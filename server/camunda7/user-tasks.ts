// Camunda 7's task REST API (/engine-rest/task), the subset a tasklist or client needs to work approvals: list and
// count the caller's tasks (by query parameters, or by a TaskQueryDto body as POST), read one, claim it (for
// oneself), give it back, complete it. Each is the runtime's own task call of GET /api/tasks?mine=true,
// GET /api/tasks/{id} and POST /api/tasks/{id}/claim|unclaim|complete, so
// every control holds as there: candidate groups and users, a claim by someone else, four eyes, undeclared or
// protected variables, a rejection without its comment; the runtime keeps its refusals as `task.refused` with
// `via: "camunda7"`. A task's id is Stratum's task id, as an external task's id is its job's.
import type { Runtime, TaskQuery, TaskView } from '../../engine/api.js';
import { GROUPS } from '../auth/authenticate.js';
import type { User } from '../auth/users.js';
import type { Handlers, Input, Reply } from '../http/handler.js';
import { TASK_PAGE } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';
import { listOwner, refuseAssigningToOther, refuseOtherCandidateUser, taskOfCaller, tasksOfGroups } from '../routes/tasks.js';
import { camundaDate, camundaJson, noContent } from './answers.js';
import { definitionIds } from './definition-ids.js';
import { plainVariables, toTypedVariables, type TypedValue } from './typed-variables.js';

type TaskId = { id: string };

interface TaskFilter {
  processInstanceId?: string;
  processInstanceBusinessKey?: string;
  processDefinitionKey?: string;
  taskDefinitionKey?: string;
  assignee?: string;
  candidateGroup?: string;
  candidateUser?: string;
  includeAssignedTasks?: boolean;
  assigned?: boolean;
  unassigned?: boolean;
}

interface TaskPage {
  firstResult?: number;
  maxResults?: number;
}

interface TaskListQuery extends TaskFilter, TaskPage {
  sortBy?: 'created';
  sortOrder?: 'asc';
}

/** Camunda 7's TaskQueryDto as POST /engine-rest/task and …/count take it: a null field is an absent one. */
type TaskQueryBody = { [field in keyof TaskFilter]: TaskFilter[field] | null } & { sorting?: unknown };

/** Where a request's filters come from, as its refusals name their fields. */
type FilterSource = 'query' | 'body';

interface CompleteBody {
  variables?: Record<string, TypedValue>;
  withVariablesInReturn?: boolean;
}

export function camunda7UserTaskHandlers(runtime: Runtime): Handlers {
  const list = async (filter: TaskFilter, page: TaskPage, user: User, source: FilterSource): Promise<Reply> => {
    const first = page.firstResult ?? 0;
    const max = page.maxResults ?? TASK_PAGE.default;
    const query = storeQuery(filter, user, source);
    const found = query ? await tasksOfGroups(runtime, { ...query, limit: first + max }, user) : [];
    const tasks = found.slice(first);
    const definitions = await definitionIds(runtime, tasks);
    // Camunda's TaskDto has no business key: the orders are named beside it, for the router
    return { ...camundaJson(tasks.map((task) => taskDto(task, definitions))), orders: tasks.map(({ instanceId, businessKey }) => ({ instanceId, businessKey })) };
  };
  // counted by the store in one query over the caller's list, as the list reads it
  const count = async (filter: TaskFilter, user: User, source: FilterSource): Promise<Reply> => {
    const query = storeQuery(filter, user, source);
    return camundaJson({ count: query ? await runtime.countTasks({ ...query, inListOf: listOwner(user) }) : 0 });
  };
  return {
    camunda7ListTasks: ({ query, user }: Input<unknown, TaskListQuery>): Promise<Reply> => list(query, query, user!, 'query'),

    // Camunda 7's query in a JSON body: the filters of the GET, the page still in the query
    camunda7QueryTasks: ({ body, query, user }: Input<TaskQueryBody | undefined, TaskPage>): Promise<Reply> => list(filterOfBody(body), query, user!, 'body'),

    camunda7CountTasks: ({ query, user }: Input<unknown, TaskFilter>): Promise<Reply> => count(query, user!, 'query'),

    camunda7QueryTasksCount: ({ body, user }: Input<TaskQueryBody | undefined>): Promise<Reply> => count(filterOfBody(body), user!, 'body'),

    // someone else's task answers as an unknown one: a read shows the caller only their own list
    camunda7GetTask: async ({ params, user }: Input<unknown, unknown, TaskId>): Promise<Reply> => {
      const task = await taskOfCaller(runtime, params.id, user!);
      if (!task) throw new HttpProblem(404, `No open task with id ${params.id} in your task list.`);
      const reply = camundaJson(taskDto(task, await definitionIds(runtime, [task])));
      return { ...reply, orders: [{ instanceId: task.instanceId, businessKey: task.businessKey }] };
    },

    // Camunda's claim for `userId`: in Stratum only for oneself; someone else's claim is a 409 (`task-claimed`)
    camunda7ClaimTask: async ({ params, body, user }: Input<{ userId: string }, unknown, TaskId>): Promise<Reply> => {
      await claimForCaller(runtime, params.id, body.userId, user!, 'camunda7ClaimTask');
      return noContent;
    },

    // Camunda's setAssignee hands the task to anyone, over a claim; in Stratum it is the claim of the one it names
    camunda7SetAssignee: async ({ params, body, user }: Input<{ userId: string }, unknown, TaskId>): Promise<Reply> => {
      await claimForCaller(runtime, params.id, body.userId, user!, 'camunda7SetAssignee');
      return noContent;
    },

    camunda7UnclaimTask: async ({ params, user }: Input<unknown, unknown, TaskId>): Promise<Reply> => {
      await runtime.unclaimTask(params.id, user!, { asOperator: user!.groups.includes(GROUPS.operations) });
      return noContent;
    },

    camunda7CompleteTask: async ({ params, body, user, req }: Input<CompleteBody | undefined, unknown, TaskId>): Promise<Reply> => {
      const variables = plainVariables(body, req);
      if (!body?.withVariablesInReturn) {
        await runtime.completeTask(params.id, variables, user!);
        return noContent;
      }
      // the variables of the task's own instance once it moved on (a called approval's, not the order's), as Camunda
      // answers those of the task's process instance; an unknown task is the completion's 404
      const task = await runtime.getTask(params.id);
      await runtime.completeTask(params.id, variables, user!);
      const instance = task && (await runtime.getInstance(task.instanceId));
      return camundaJson(toTypedVariables(instance?.variables ?? {}));
    },
  };
}

// helpers

/**
 * The store's filters for Camunda 7's, or undefined when they ask for tasks both held and not (Camunda 7 finds none).
 * `candidateUser` is the caller: everything listed is offered to them (or held by them); anyone else's list is not
 * theirs to read (403). The list is always the caller's own (inListOf): `includeAssignedTasks` keeps what it holds.
 */
function storeQuery(filter: TaskFilter, user: User, source: FilterSource): TaskQuery | undefined {
  refuseOtherCandidateUser(filter.candidateUser, user, fieldOf(source, 'candidateUser'), 'list');
  const assigned = holderFilter(filter, source);
  if (assigned === null) return undefined;
  return {
    ...(filter.processInstanceId !== undefined && { instanceId: filter.processInstanceId }),
    ...(filter.processInstanceBusinessKey !== undefined && { businessKey: filter.processInstanceBusinessKey }),
    ...(filter.processDefinitionKey !== undefined && { processKey: filter.processDefinitionKey }),
    ...(filter.taskDefinitionKey !== undefined && { elementId: filter.taskDefinitionKey }),
    ...(filter.assignee !== undefined && { assignee: filter.assignee }),
    ...(filter.candidateGroup !== undefined && { candidateGroup: filter.candidateGroup }),
    ...(assigned !== undefined && { assigned }),
  };
}

/**
 * Camunda 7's assignment filters as the store's `assigned` (TaskQueryImpl, Task.xml): a candidate filter keeps to the
 * tasks nobody holds unless `includeAssignedTasks`, `unassigned=true` too, `assigned=true` to those someone holds;
 * `false` of either filters nothing. null when both are asked for. `includeAssignedTasks=true` without a candidate
 * filter is refused (400), as Camunda 7's query refuses it (its REST API answers that ProcessEngineException with 500).
 */
function holderFilter(filter: TaskFilter, source: FilterSource): boolean | undefined | null {
  const byCandidate = filter.candidateGroup !== undefined || filter.candidateUser !== undefined;
  if (filter.includeAssignedTasks === true && !byCandidate) {
    throw new HttpProblem(400, 'includeAssignedTasks=true widens a candidate filter: give candidateGroup or candidateUser with it, as Camunda 7 asks.', {
      errors: [{ field: fieldOf(source, 'includeAssignedTasks'), message: 'is only taken beside candidateGroup or candidateUser' }],
    });
  }
  const unheld = filter.unassigned === true || (byCandidate && filter.includeAssignedTasks !== true);
  if (filter.assigned === true) return unheld ? null : true;
  return unheld ? false : undefined;
}

/** A field of the request's filters as the validators name it: `query.candidateUser`, or `/candidateUser` in the body. */
const fieldOf = (source: FilterSource, field: string) => (source === 'query' ? `query.${field}` : `/${field}`);

/** The filters of a TaskQueryDto body: null fields are absent ones, the sort (only `created` `asc`) is the list's own. */
function filterOfBody(body: TaskQueryBody | undefined): TaskFilter {
  const { sorting: _sorting, ...fields } = body ?? {};
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

/** Camunda's claim or setAssignee for `userId`: the runtime's claim when it is the caller, else refused and kept. */
async function claimForCaller(runtime: Runtime, taskId: string, userId: string, user: NonNullable<Input['user']>, attempted: string): Promise<void> {
  if (userId !== user.name) await refuseAssigningToOther(runtime, taskId, userId, user, { attempted, field: '/userId', notFound: `No open task with id ${taskId}.` });
  await runtime.claimTask(taskId, user);
}

/** Camunda 7's TaskDto for one of Stratum's open tasks. */
function taskDto(task: TaskView, definitions: Map<string, string>): Record<string, unknown> {
  return {
    id: task.id,
    name: task.name,
    assignee: task.claimedBy ?? task.assignee,
    owner: null,
    created: camundaDate(task.createdAt),
    lastUpdated: task.claimedAt === null ? null : camundaDate(task.claimedAt),
    due: null,
    followUp: null,
    delegationState: null,
    description: task.documentation,
    executionId: task.id,
    parentTaskId: null,
    priority: 50,
    processDefinitionId: definitions.get(task.instanceId) ?? task.processKey,
    processInstanceId: task.instanceId,
    caseExecutionId: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    taskDefinitionKey: task.elementId,
    suspended: false,
    formKey: null,
    camundaFormRef: task.form?.kind === 'linked' ? { key: task.form.formId, binding: 'latest', version: null } : null,
    tenantId: null,
  };
}
