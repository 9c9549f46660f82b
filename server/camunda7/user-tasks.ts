// Camunda 7's task REST API (/engine-rest/task), the subset a tasklist or client needs to work approvals: list and
// count the caller's tasks, read one, claim it (for oneself), give it back, complete it. Each is the runtime's own
// task call of GET /api/tasks?mine=true, GET /api/tasks/{id} and POST /api/tasks/{id}/claim|unclaim|complete, so
// every control holds as there: candidate groups and users, a claim by someone else, four eyes, undeclared or
// protected variables, a rejection without its comment; the runtime keeps its refusals as `task.refused` with
// `via: "camunda7"`. A task's id is Stratum's task id, as an external task's id is its job's.
import type { Runtime, TaskQuery, TaskView } from '../../engine/api.js';
import { GROUPS } from '../auth/authenticate.js';
import type { User } from '../auth/users.js';
import type { Handlers, Input, Reply } from '../http/handler.js';
import { TASK_PAGE } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';
import { listOwner, refuseAssigningToOther, taskOfCaller, tasksOfGroups } from '../routes/tasks.js';
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
}

interface TaskListQuery extends TaskFilter {
  sortBy?: 'created';
  sortOrder?: 'asc';
  firstResult?: number;
  maxResults?: number;
}

interface CompleteBody {
  variables?: Record<string, TypedValue>;
  withVariablesInReturn?: boolean;
}

export function camunda7UserTaskHandlers(runtime: Runtime): Handlers {
  return {
    camunda7ListTasks: async ({ query, user }: Input<unknown, TaskListQuery>): Promise<Reply> => {
      const first = query.firstResult ?? 0;
      const max = query.maxResults ?? TASK_PAGE.default;
      const found = await tasksOfGroups(runtime, { ...storeQuery(query, user!), limit: first + max }, user!);
      const tasks = found.slice(first);
      const definitions = await definitionIds(runtime, tasks);
      // Camunda's TaskDto has no business key: the orders are named beside it, for the router
      return { ...camundaJson(tasks.map((task) => taskDto(task, definitions))), orders: tasks.map(({ instanceId, businessKey }) => ({ instanceId, businessKey })) };
    },

    // counted by the store in one query over the caller's list, as the list reads it
    camunda7CountTasks: async ({ query, user }: Input<unknown, TaskFilter>): Promise<Reply> =>
      camundaJson({ count: await runtime.countTasks({ ...storeQuery(query, user!), inListOf: listOwner(user!) }) }),

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
 * The store's filters for Camunda 7's. `candidateUser` is the caller: everything listed is offered to them (or held by
 * them); anyone else's list is not theirs to read (403).
 */
function storeQuery(filter: TaskFilter, user: User): TaskQuery {
  if (filter.candidateUser !== undefined && filter.candidateUser !== user.name) {
    throw new HttpProblem(403, `A person lists only their own tasks: ${JSON.stringify(user.name)} may not list those offered to ${JSON.stringify(filter.candidateUser)}.`, {
      errors: [{ field: 'query.candidateUser', message: `not the caller (${user.name})` }],
    });
  }
  return {
    ...(filter.processInstanceId !== undefined && { instanceId: filter.processInstanceId }),
    ...(filter.processInstanceBusinessKey !== undefined && { businessKey: filter.processInstanceBusinessKey }),
    ...(filter.processDefinitionKey !== undefined && { processKey: filter.processDefinitionKey }),
    ...(filter.taskDefinitionKey !== undefined && { elementId: filter.taskDefinitionKey }),
    ...(filter.assignee !== undefined && { assignee: filter.assignee }),
    ...(filter.candidateGroup !== undefined && { candidateGroup: filter.candidateGroup }),
  };
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
