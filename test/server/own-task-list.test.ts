// A person's own task list is one query of the store on every route that reads it: GET /api/tasks?mine=true,
// Camunda 7's list, count and read of one task, Camunda 8's search (also for one userTaskKey). Each asks the store
// with the caller's name and groups (findTasks({ inListOf })), and the count counts in the store (countTasks),
// where the server ran a query per group, by name and for held tasks and merged them, the count read the list 1,000
// tasks at a time, and a read of one task applied the rule again in memory. What each answers stays as before
// (tasklist-api, camunda7/user-tasks, camunda8/user-tasks and the store contract pin that).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../../engine/api.js';
import { TEST_USERS, TOKENS, type ApiClient } from './support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

/** In both approval groups, with a list of three parts of their groups' and two more: by name and held. */
const SAM = 'test-own-list-both-groups-token';

let server: TestServer;
let api: ApiClient;
let task: TaskView;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'sam', token: SAM, groups: ['sales-director', 'vice-president'] }] }));
  server = await startTestServer({ dataDir });
  api = server.api;
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo: 'SO-OWN-1', customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  [task] = (await api.get<TaskView[]>('/api/tasks?businessKey=SO-OWN-1', TOKENS.erp)).body;
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

/** The runtime's task reads while `request` runs: each findTasks query, and how many counts and single reads. */
async function readsOf(request: () => Promise<unknown>): Promise<{ finds: unknown[]; counts: unknown[]; gets: number }> {
  const { runtime } = server.stratum;
  const find = vi.spyOn(runtime, 'findTasks');
  const count = vi.spyOn(runtime, 'countTasks');
  const get = vi.spyOn(runtime, 'getTask');
  await request();
  return { finds: find.mock.calls.map(([query]) => query), counts: count.mock.calls.map(([query]) => query), gets: get.mock.calls.length };
}

const sam = { name: 'sam', groups: ['sales-director', 'vice-president'] };

describe("a person's own task list", () => {
  it('GET /api/tasks?mine=true asks the store once, whatever the number of their groups', async () => {
    let body: TaskView[] = [];
    const reads = await readsOf(async () => ({ body } = await api.get<TaskView[]>('/api/tasks?mine=true&businessKey=SO-OWN-1', SAM)));
    expect(body.map((each) => each.id)).toEqual([task.id]);
    expect(reads.finds).toEqual([expect.objectContaining({ businessKey: 'SO-OWN-1', inListOf: sam })]);
  });

  it("Camunda 7's count is one count of the store, reading no task", async () => {
    let count: unknown;
    const reads = await readsOf(async () => ({ body: count } = await api.get('/engine-rest/task/count?processInstanceBusinessKey=SO-OWN-1', SAM)));
    expect(count).toEqual({ count: 1 });
    expect(reads).toEqual({ finds: [], counts: [{ businessKey: 'SO-OWN-1', inListOf: sam }], gets: 0 });
    // and it counts as the list lists, for the caller's filters
    expect((await api.get('/engine-rest/task/count?processInstanceBusinessKey=SO-OWN-1&candidateGroup=vice-president', SAM)).body).toEqual({ count: 0 });
    expect((await api.get('/engine-rest/task/count?processInstanceBusinessKey=SO-OWN-1', TOKENS.vp)).body).toEqual({ count: 0 });
  });

  it("Camunda 7's count by a body is the same one count, its candidate filter asking the store for the tasks nobody holds", async () => {
    let count: unknown;
    const reads = await readsOf(async () => ({ body: count } = await api.post('/engine-rest/task/count', SAM, { processInstanceBusinessKey: 'SO-OWN-1', candidateUser: 'sam' })));
    expect(count).toEqual({ count: 1 });
    expect(reads).toEqual({ finds: [], counts: [{ businessKey: 'SO-OWN-1', assigned: false, inListOf: sam }], gets: 0 });
  });

  it("Camunda 7's read of one task asks the store for that task in the caller's list, once", async () => {
    const path = `/engine-rest/task/${encodeURIComponent(task.id)}`;
    let status = 0;
    const reads = await readsOf(async () => ({ status } = await api.get(path, SAM)));
    expect(status).toBe(200);
    expect(reads).toEqual({ finds: [{ id: task.id, inListOf: sam, limit: 1 }], counts: [], gets: 0 });
    expect((await api.get(path, TOKENS.vp)).status).toBe(404);
  });

  it("Camunda 8's search for one userTaskKey asks the store for that task in the caller's list, once", async () => {
    let keys: string[] = [];
    const reads = await readsOf(async () => {
      const found = await api.post<{ items: { userTaskKey: string }[] }>('/v2/user-tasks/search', SAM, { filter: { userTaskKey: task.id } });
      keys = found.body.items.map((item) => item.userTaskKey);
    });
    expect(keys).toEqual([task.id]);
    expect(reads).toEqual({ finds: [expect.objectContaining({ id: task.id, inListOf: sam })], counts: [], gets: 0 });
    expect((await api.post<{ items: unknown[] }>('/v2/user-tasks/search', TOKENS.vp, { filter: { userTaskKey: task.id } })).body.items).toEqual([]);
  });

  it("Camunda 8's advanced filters narrow the store's one query of the caller's list, and totalItems is one count of it", async () => {
    const filter = { processInstanceKey: task.instanceId, candidateGroup: { $in: ['sales-director', 'procurement'] }, assignee: { $exists: false }, candidateUser: { $eq: 'sam' } };
    let body: { items: unknown[]; page: { totalItems: number } } = { items: [], page: { totalItems: -1 } };
    const reads = await readsOf(async () => ({ body } = await api.post('/v2/user-tasks/search', SAM, { filter, page: { from: 1, limit: 1 } })));
    // the director's task is offered to the group, not to sam by name
    expect(body).toMatchObject({ items: [], page: { totalItems: 0 } });
    const narrowed = { instanceId: task.instanceId, candidateGroups: ['sales-director', 'procurement'], assigned: false, candidateUser: 'sam' };
    expect(reads).toEqual({ finds: [{ ...narrowed, inListOf: sam, limit: 3 }], counts: [{ ...narrowed, inListOf: sam }], gets: 0 });
    const { candidateUser: _byName, ...ofGroups } = filter;
    expect((await api.post('/v2/user-tasks/search', SAM, { filter: ofGroups })).body).toMatchObject({ items: [expect.objectContaining({ userTaskKey: task.id })], page: { totalItems: 1 } });
  });
});
