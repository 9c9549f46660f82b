// A task completion's 403, read the way an integrator reads it: the problem's
// `reason` and the members beside it (docs/api.md, "Task refusals"). The
// expected facts come from the server's own task and instance views, never
// from the refusal itself.
import { expect } from 'vitest';
import type { InstanceSummary, RefusedTask, TaskView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type ApiResponse } from './client.js';

/** The members of a 403 beyond RFC 9457's own; its type and title stay the plain 403's. */
export function refusalMembers(response: ApiResponse): Record<string, unknown> {
  expect(response.status, response.text).toBe(403);
  const { type, title, status, detail, instance, ...members } = problemOf(response);
  expect({ type, title, status }).toEqual({ type: 'https://stratum.dev/problems/forbidden', title: 'Forbidden', status: 403 });
  expect(detail).toBeTypeOf('string');
  expect(instance).toBeDefined();
  return members;
}

/** The refused task as a refusal names it, read from `GET /api/tasks/{id}` while it is open. */
export async function taskFacts(api: ApiClient, taskId: string): Promise<RefusedTask> {
  return refusedTask(await openTask(api, taskId));
}

/** What a four-eyes refusal of `taskId` says about the task and its order: the task, its business key and root instance. */
export async function fourEyesFacts(api: ApiClient, taskId: string) {
  const task = await openTask(api, taskId);
  const page = (await api.get<{ items: InstanceSummary[] }>(`/api/instances?businessKey=${encodeURIComponent(task.businessKey!)}`, TOKENS.erp)).body;
  const roots = page.items.filter((instance) => instance.parentId === null);
  expect(roots, `one root instance of ${task.businessKey}`).toHaveLength(1);
  return { task: refusedTask(task), businessKey: task.businessKey, rootInstanceId: roots[0].id };
}

// helpers

async function openTask(api: ApiClient, taskId: string): Promise<TaskView> {
  const response = await api.get<TaskView>(`/api/tasks/${encodeURIComponent(taskId)}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

function refusedTask(task: TaskView): RefusedTask {
  return { id: task.id, instanceId: task.instanceId, processKey: task.processKey, elementId: task.elementId, name: task.name ?? task.elementId };
}
