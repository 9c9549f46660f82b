// Who gives a job's lock back. A job a worker holds is that worker's until its lock ends: a completion, failure or
// BPMN error that does not name it is refused (409 not-locked-by-worker, kept as job.refused). Before, anyone in
// `integration` could unlock it without naming a worker, and then complete it by its id (held by nobody then) while
// its worker was still working on it, or fetch it for themselves; and an unlock ended a failure's back-off early.
// Now the holder gives the lock back (its workerId), or an operator frees a stuck worker's job, on Stratum's route
// and on Camunda 7's, the published client's taskService.unlock included.
import { Client, type Task } from 'camunda-external-task-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView, OrderView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith } from '../../support/matchers.js';

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

// helpers

/** A credit order of 100,000 CNY is approved at once and released to planning. */
async function enterOrder(orderNo: string) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Unlock AG' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
}

async function fetchPlanning(orderNo: string, workerId: string, body: Record<string, unknown> = {}): Promise<JobView[]> {
  const fetched = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'production-planning', businessKey: orderNo, workerId, lockMs: 600_000, ...body });
  expect(fetched.status, fetched.text).toBe(200);
  return fetched.body;
}

const unlock = (jobId: string, token: string, body?: Record<string, unknown>) => api.post(`/api/jobs/${encodeURIComponent(jobId)}/unlock`, token, body);

const historyOf = async (orderNo: string, event: string) =>
  (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.history.filter((entry) => entry.event === event);
const refusals = (orderNo: string) => historyOf(orderNo, 'job.refused');

/** camunda-external-task-client-js with a bearer token; `unlockAs` adds the worker to the one call that sends no body (its unlock). */
function camundaClient(token: string, unlockAs?: string): Client {
  return new Client({
    baseUrl: `${server.url}/engine-rest`,
    workerId: 'camunda7-worker',
    autoPoll: false,
    interceptors: (config: { headers?: Record<string, string>; json?: unknown }) => ({
      ...config,
      ...(unlockAs !== undefined && { json: config.json ?? { workerId: unlockAs } }),
      headers: { ...config.headers, Authorization: `Bearer ${token}` },
    }),
  });
}

describe('POST /api/jobs/{id}/unlock of a job a worker holds', () => {
  it('is refused without the holder\'s workerId and kept in the history, so the job cannot be completed by its id behind its worker', async () => {
    await enterOrder('UL-1');
    const [job] = await fetchPlanning('UL-1', 'holder');
    const nameless = await unlock(job.id, TOKENS.erp);
    expect(nameless.status, nameless.text).toBe(409);
    expect(problemOf(nameless)).toMatchObject({ reason: 'not-locked-by-worker' });
    const another = await unlock(job.id, TOKENS.erp, { workerId: 'thief' });
    expect(another.status, another.text).toBe(409);
    // still the holder's: a completion by its id is refused, and no other worker is handed it
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, {})).status).toBe(409);
    expect(await fetchPlanning('UL-1', 'thief')).toEqual([]);
    expect(await refusals('UL-1')).toEqual([
      objectWith({ actor: 'erp', data: objectWith({ attempted: 'unlock', reason: 'not-locked-by-worker', refusal: problemOf(nameless).detail }) }),
      objectWith({ actor: 'erp', data: objectWith({ attempted: 'unlock', reason: 'not-locked-by-worker', workerId: 'thief' }) }),
      objectWith({ actor: 'erp', data: objectWith({ reason: 'not-locked-by-worker' }) }),
    ]);

    // the holder gives it back: the next worker gets it at once
    expect((await unlock(job.id, TOKENS.erp, { workerId: 'holder' })).status).toBe(204);
    expect((await fetchPlanning('UL-1', 'next')).map((one) => one.id)).toEqual([job.id]);
  });

  it('is done by an operator, who frees a stuck worker\'s job without naming it (kept as job.unlocked); a job nobody holds is unlocked by anyone', async () => {
    await enterOrder('UL-2');
    const [job] = await fetchPlanning('UL-2', 'stuck');
    const freed = await unlock(job.id, TOKENS.operations);
    expect(freed.status, freed.text).toBe(204);
    expect(await historyOf('UL-2', 'job.unlocked')).toEqual([objectWith({
      actor: 'otto', via: 'api', elementId: 'ServiceTask_PlanProduction',
      data: { jobType: 'production-planning', lockedBy: 'stuck', lockExpiresAt: job.lockExpiresAt },
    })]);
    const [again] = await fetchPlanning('UL-2', 'next', { lockMs: 1_000 });
    expect(again.id).toBe(job.id);
    // its lock ran out: nobody holds it, and a call without a worker unlocks it
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await unlock(job.id, TOKENS.erp)).status).toBe(204);
    expect(await refusals('UL-2')).toEqual([]);
    expect(await historyOf('UL-2', 'job.unlocked')).toHaveLength(1);
    // outside both groups: 403
    expect((await unlock(job.id, TOKENS.vp)).status).toBe(403);
  });

  it('does not end the back-off a failure asked for: 409 job-in-back-off, and the job is not handed out early', async () => {
    await enterOrder('UL-3');
    const [job] = await fetchPlanning('UL-3', 'holder');
    const failed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { workerId: 'holder', message: 'MRP busy', retries: 2, retryTimeout: 3_600_000 });
    expect(failed.status, failed.text).toBe(200);
    for (const token of [TOKENS.erp, TOKENS.operations]) {
      const early = await unlock(job.id, token);
      expect(early.status, early.text).toBe(409);
      expect(problemOf(early)).toMatchObject({ title: 'Job in back-off', retryAt: expect.stringMatching(/^\d{4}-/) as unknown });
    }
    expect(await fetchPlanning('UL-3', 'eager')).toEqual([]);
  });
});

describe('POST /engine-rest/external-task/{id}/unlock', () => {
  it('takes the holder\'s workerId (the published client\'s unlock sends none: an interceptor adds it) or an operator', async () => {
    await enterOrder('UL-C7');
    const fetched = await api.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'camunda7-worker', maxTasks: 1, topics: [{ topicName: 'production-planning', lockDuration: 600_000, businessKey: 'UL-C7' }],
    });
    expect(fetched.status, fetched.text).toBe(200);
    const task = { id: fetched.body[0].id } as Task;

    // as published: no body, so no worker; another worker's name is refused the same
    await expect(camundaClient(TOKENS.erp).taskService.unlock(task)).rejects.toMatchObject({ httpStatusCode: 409 });
    await expect(camundaClient(TOKENS.erp, 'someone-else').taskService.unlock(task)).rejects.toMatchObject({ httpStatusCode: 409 });
    expect(await refusals('UL-C7')).toEqual([
      objectWith({ actor: 'erp', via: 'camunda7', data: objectWith({ attempted: 'unlock', reason: 'not-locked-by-worker' }) }),
      objectWith({ actor: 'erp', via: 'camunda7', data: objectWith({ attempted: 'unlock', reason: 'not-locked-by-worker', workerId: 'someone-else' }) }),
    ]);
    expect(await fetchPlanning('UL-C7', 'thief')).toEqual([]);

    // the holder, its workerId added by the interceptor: a routine give-back, not kept
    await camundaClient(TOKENS.erp, 'camunda7-worker').taskService.unlock(task);
    expect(await historyOf('UL-C7', 'job.unlocked')).toEqual([]);
    const [again] = await fetchPlanning('UL-C7', 'next');
    expect(again.id).toBe(task.id);
    // an operator's client as published
    await camundaClient(TOKENS.operations).taskService.unlock(task);
    expect(await historyOf('UL-C7', 'job.unlocked')).toEqual([objectWith({ actor: 'otto', via: 'camunda7', data: objectWith({ lockedBy: 'next' }) })]);
    expect((await fetchPlanning('UL-C7', 'after-operator')).map((one) => one.id)).toEqual([task.id]);
    expect((await api.post('/engine-rest/external-task/no-such-task/unlock', TOKENS.erp)).status).toBe(404);
  });
});
