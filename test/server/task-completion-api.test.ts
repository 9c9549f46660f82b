// GET /api/tasks/{id}/completion: a decided task read back, as the task list shows it when one comes back (Back)
// to a task already decided — who decided it, when, with what — checked against the OpenAPI document by the
// client. Only a completion has one: an open task, one whose order was cancelled, or an unknown id is 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskCompletionView, TaskView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

async function directorTask(orderNo: string): Promise<TaskView> {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
  return task;
}

const completionOf = (task: TaskView, token: string) =>
  api.get<TaskCompletionView>(`/api/tasks/${encodeURIComponent(task.id)}/completion`, token);

describe('GET /api/tasks/{id}/completion', () => {
  it('names who decided the task, when and with which variables, to anyone signed in, as the instance history does', async () => {
    const task = await directorTask('SO-DONE-1');
    expect(problemOf(await completionOf(task, TOKENS.director)).status).toBe(404);
    const decided = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.director, { variables: { approved: false, comment: 'margin too thin' } });
    expect(decided.status, decided.text).toBe(200);

    const read = await completionOf(task, TOKENS.director);
    expect(read.status, read.text).toBe(200);
    const { completedAt, ...rest } = read.body;
    expect(rest).toEqual({
      taskId: task.id, instanceId: task.instanceId, businessKey: 'SO-DONE-1', processKey: task.processKey, elementId: task.elementId,
      name: task.name, completedBy: 'dirk', variables: { approved: false, comment: 'margin too thin' },
    });
    expect(Date.parse(completedAt)).toBeGreaterThan(Date.parse(task.createdAt) - 1);
    // the open task is gone: GET /api/tasks/{id} is 404, its decision is not
    expect((await api.get(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.director)).status).toBe(404);
    expect((await completionOf(task, TOKENS.vp)).body).toEqual(read.body);
    expect((await completionOf(task, 'not-a-token')).status).toBe(401);
  });

  it('is 404 for a task whose order was cancelled before anyone decided it, and for an unknown id', async () => {
    const task = await directorTask('SO-DONE-2');
    const cancelled = await api.post('/api/orders/SO-DONE-2/cancel', TOKENS.erp, { reason: 'customer withdrew' });
    expect(cancelled.status, cancelled.text).toBe(200);
    const gone = await completionOf(task, TOKENS.director);
    expect(gone.status).toBe(404);
    expect(problemOf(gone).detail).toMatch(/No decision recorded/);
    expect((await api.get('/api/tasks/no-such-task/completion', TOKENS.director)).status).toBe(404);
  });
});
