// Camunda 8's user task routes (/v2/user-tasks/…): an approver working approvals through a Camunda 8 client gets
// the same controls as on /api/tasks — only the offered group decides, four eyes holds, undeclared and protected
// variables and a rejection without its comment are refused, and the refusals are kept in the order's history with
// `via: "camunda8"`. A person assigns a task only to themselves, and a search lists only what the caller may see.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type UserTaskKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, TaskView } from '../../../engine/api.js';
import { camunda8Client } from '../support/camunda8-client.js';
import { problemOf, TEST_USERS, TOKENS, type ApiClient } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

/** in both approval groups: decides the director's step, then four eyes keeps them from the vice-president's */
const SAM = 'test-c8-user-tasks-both-groups-token';
/** a second sales director beside dirk */
const DANA = 'test-c8-user-tasks-second-director-token';

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [
    ...TEST_USERS.users,
    { name: 'sam', token: SAM, groups: ['sales-director', 'vice-president'] },
    { name: 'dana', token: DANA, groups: ['sales-director'] },
  ];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

/** A credit order over 1,000,000: sales-director approval, then vice-president review. */
async function directorTask(): Promise<TaskView> {
  const orderNo = `C8UT-${++orderCount}`;
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
  expect(task.candidateGroups).toEqual(['sales-director']);
  return task;
}

const key = (task: TaskView) => encodeURIComponent(task.id);
const complete = (task: TaskView, token: string, body: unknown) => api.post(`/v2/user-tasks/${key(task)}/completion`, token, body);
const assign = (task: TaskView, token: string, body: unknown) => api.post(`/v2/user-tasks/${key(task)}/assignment`, token, body);
const openTask = async (task: TaskView) => (await api.get<TaskView>(`/api/tasks/${key(task)}`, TOKENS.erp));

async function refusedHistory(task: TaskView): Promise<HistoryEntry[]> {
  const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
  return instance.history.filter((entry) => entry.event === 'task.refused');
}

interface SearchResult {
  items: { userTaskKey: string; elementId: string; processInstanceKey: string; state: string; candidateGroups: string[]; assignee?: string }[];
  page: { totalItems: number; hasMoreTotalItems: boolean; endCursor?: string };
}
const search = (token: string, body: unknown) => api.post<SearchResult>('/v2/user-tasks/search', token, body);

describe('POST /v2/user-tasks/{userTaskKey}/completion', () => {
  it('completes the task for a member of the offered group (204) and moves the order to the next approval', async () => {
    const task = await directorTask();
    const done = await complete(task, TOKENS.director, { variables: { approved: true } });
    expect(done.status, done.text).toBe(204);
    expect((await openTask(task)).status).toBe(404);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
  });

  it('refuses another group with 403 not-offered, kept as task.refused via camunda8', async () => {
    const task = await directorTask();
    const refused = await complete(task, TOKENS.vp, { variables: { approved: true } });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'not-offered' });
    expect((await openTask(task)).status).toBe(200);
    expect((await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason])).toEqual([['vera', 'camunda8', 'not-offered']]);
  });

  it('refuses with four eyes the decider of the director\'s step at the vice-president\'s review, as on /api', async () => {
    const task = await directorTask();
    expect((await complete(task, SAM, { variables: { approved: true } })).status).toBe(204);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    const refused = await complete(review, SAM, { variables: { approved: true } });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'four-eyes-other-task' });
    expect((await openTask(review)).status).toBe(200);
    expect((await refusedHistory(review)).map((entry) => [entry.actor, entry.via, entry.data?.reason])).toEqual([['sam', 'camunda8', 'four-eyes-other-task']]);
  });

  it('refuses an undeclared variable (422) and an order field (400, kept), and keeps the task open', async () => {
    const task = await directorTask();
    const undeclared = await complete(task, TOKENS.director, { variables: { approved: true, discount: 5 } });
    expect(undeclared.status).toBe(422);
    const orderField = await complete(task, TOKENS.director, { variables: { approved: true, amount: 1 } });
    expect(orderField.status).toBe(400);
    expect((await openTask(task)).status).toBe(200);
    // both kept with what was sent: the undeclared one by the runtime, the order field by the server's schema refusal
    const kept = await refusedHistory(task);
    expect(kept.map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.variables])).toEqual([
      ['dirk', 'camunda8', 'variable-refused', { approved: true, discount: 5 }],
      ['dirk', 'camunda8', 'variable-refused', { approved: true, amount: 1 }],
    ]);
  });

  it('refuses a rejection without the comment that says why, and takes it with one', async () => {
    const task = await directorTask();
    const bare = await complete(task, TOKENS.director, { variables: { approved: false } });
    expect(bare.status).toBe(422);
    expect(JSON.stringify(problemOf(bare))).toMatch(/comment/);
    expect((await openTask(task)).status).toBe(200);
    expect((await complete(task, TOKENS.director, { variables: { approved: false, comment: 'margin too thin' } })).status).toBe(204);
  });
});

describe('POST /v2/user-tasks/{userTaskKey}/assignment and DELETE …/assignee', () => {
  it('assigns the task to the caller, refuses it to another holder (409), and unassigns it (204)', async () => {
    const task = await directorTask();
    const taken = await assign(task, TOKENS.director, { assignee: 'dirk', allowOverride: false });
    expect(taken.status, taken.text).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBe('dirk');
    expect((await assign(task, DANA, { assignee: 'dana', allowOverride: false })).status).toBe(409);
    expect((await assign(task, DANA, { assignee: 'dana' })).status).toBe(409);
    expect((await api.request('DELETE', `/v2/user-tasks/${key(task)}/assignee`, { token: DANA })).status).toBe(403);
    expect((await api.request('DELETE', `/v2/user-tasks/${key(task)}/assignee`, { token: TOKENS.director })).status).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBeNull();
  });

  it('refuses to hand the task to someone else (403 assign-to-other), kept in the order\'s history', async () => {
    const task = await directorTask();
    const refused = await assign(task, TOKENS.director, { assignee: 'dana' });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'assign-to-other' });
    expect((await openTask(task)).body.claimedBy).toBeNull();
    expect((await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.attempted]))
      .toEqual([['dirk', 'camunda8', 'assign-to-other', 'camunda8AssignUserTask']]);
    expect((await api.post('/v2/user-tasks/no-such-task/assignment', TOKENS.director, { assignee: 'dana' })).status).toBe(404);
  });
});

describe('POST /v2/user-tasks/search', () => {
  it('lists only the tasks offered to the caller\'s groups or held by them, in Camunda\'s shape', async () => {
    const task = await directorTask();
    const mine = (await search(TOKENS.director, { filter: { processInstanceKey: task.instanceId } })).body;
    expect(mine.items).toEqual([expect.objectContaining({ userTaskKey: task.id, elementId: task.elementId, processInstanceKey: task.instanceId, state: 'CREATED', candidateGroups: ['sales-director'] })]);
    expect(mine.page).toEqual({ totalItems: 1, hasMoreTotalItems: false });
    expect((await search(TOKENS.vp, { filter: { processInstanceKey: task.instanceId } })).body.items).toEqual([]);
    expect((await search(TOKENS.erp, {})).body.items).toEqual([]);
    // a claim takes it out of the other directors' search
    expect((await assign(task, TOKENS.director, { assignee: 'dirk' })).status).toBe(204);
    expect((await search(DANA, { filter: { processInstanceKey: task.instanceId } })).body.items).toEqual([]);
    expect((await search(TOKENS.director, { filter: { assignee: 'dirk', elementId: task.elementId } })).body.items.map((item) => item.userTaskKey)).toContain(task.id);
    expect((await search(TOKENS.director, { filter: { state: 'COMPLETED' } })).body.items).toEqual([]);
  });

  it('pages by limit and after with every match counted in totalItems, and refuses an unknown filter field with 400 rather than ignoring it', async () => {
    await directorTask();
    await directorTask();
    await directorTask();
    // every task of the director's list, counted whatever the page (as Camunda's totalItems)
    const all = (await search(TOKENS.director, { page: { limit: 1000 } })).body;
    expect(all.page).toEqual({ totalItems: all.items.length, hasMoreTotalItems: false });
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const first = (await search(TOKENS.director, { page: { limit: 1 } })).body;
    expect(first.items).toHaveLength(1);
    expect(first.page).toMatchObject({ totalItems: all.items.length, hasMoreTotalItems: true });
    const second = (await search(TOKENS.director, { page: { limit: 1, after: first.page.endCursor } })).body;
    expect(second.items).toHaveLength(1);
    expect(second.items[0].userTaskKey).not.toBe(first.items[0].userTaskKey);
    expect(second.page.totalItems).toBe(all.items.length);
    expect((await search(TOKENS.director, { page: { from: 2, limit: 1 } })).body.page.totalItems).toBe(all.items.length);
    // within a filter: that instance's one task
    expect((await search(TOKENS.director, { filter: { processInstanceKey: second.items[0].processInstanceKey }, page: { limit: 1 } })).body.page.totalItems).toBe(1);
    // by offset, the same second task
    expect((await search(TOKENS.director, { page: { from: 1, limit: 1 } })).body.items.map((item) => item.userTaskKey)).toEqual([second.items[0].userTaskKey]);
    expect((await search(TOKENS.director, { filter: { priority: 50 } })).status).toBe(400);
    expect((await search(TOKENS.director, { page: { from: 1, after: first.page.endCursor } })).status).toBe(400);
    expect((await search(TOKENS.director, { page: { after: 'bm90LWEtY3Vyc29y' } })).status).toBe(400);
  });
});

describe('@camunda8/orchestration-cluster-api against /v2/user-tasks', () => {
  it('finds the director\'s task with searchUserTasks and approves it with completeUserTask', async () => {
    const task = await directorTask();
    const client = camunda8Client(server.url, TOKENS.director);
    const found = await client.searchUserTasks({ filter: { processInstanceKey: task.instanceId } as never }, { consistency: { waitUpToMs: 0 } });
    expect(found.items.map((item) => item.userTaskKey)).toEqual([task.id]);
    await client.assignUserTask({ userTaskKey: task.id as UserTaskKey, assignee: 'dirk' });
    await client.completeUserTask({ userTaskKey: task.id as UserTaskKey, variables: { approved: true } });
    expect((await openTask(task)).status).toBe(404);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
  });
});
