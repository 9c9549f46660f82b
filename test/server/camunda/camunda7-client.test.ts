// Camunda 7 workers connect unchanged (issue 13, item 4): the published
// camunda-external-task-client-js works a shipped order's planning and
// shipping jobs against a started server, with a Stratum bearer token, and the
// controls of issue 9 hold on the /engine-rest routes as on Stratum's own.
import { Client, Variables, type Task, type TaskService } from 'camunda-external-task-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
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

/** What the tests read of a Camunda 7 LockedExternalTaskDto. */
interface LockedExternalTask {
  id: string;
  lockExpirationTime: string;
}

/** The client as a Camunda 7 team configures it, pointed at Stratum with a bearer token of the integration group. */
function camundaClient(token: string = TOKENS.erp): Client {
  return new Client({
    baseUrl: `${server.url}/engine-rest`,
    workerId: 'camunda7-worker',
    asyncResponseTimeout: 10_000,
    interval: 50,
    maxTasks: 5,
    autoPoll: false,
    interceptors: (config: { headers?: Record<string, string> }) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${token}` } }),
  });
}

async function enter(orderNo: string, fields: Record<string, unknown> = {}) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Seven GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit', ...fields });
  expect(entered.status, entered.text).toBe(201);
}

/** The id of the order's open job of `jobType`, read from the order as a worker that did not fetch it knows it. */
async function jobIdOf(orderNo: string, jobType: string): Promise<string> {
  const order = (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
  const job = order.waiting.find((wait) => wait.jobType === jobType);
  expect(job?.jobId, `${orderNo} ${jobType}`).toBeTruthy();
  return job!.jobId!;
}

const orderStatus = async (orderNo: string) => (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.status;

describe('camunda-external-task-client-js against /engine-rest', () => {
  it('works a shipped order\'s planning and shipping jobs unchanged, with typed variables, until the order is fulfilled', async () => {
    await enter('C7-1');
    const client = camundaClient();
    const seen: { topic: string; orderNo: unknown; customer: unknown; businessKey: string | undefined }[] = [];
    const work = (topic: string) => async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      seen.push({ topic, orderNo: task.variables.get('orderNo'), customer: task.variables.get('customer'), businessKey: task.businessKey });
      const done = new Variables();
      done.set(`${topic.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Done`, true);
      await taskService.complete(task, done);
    };
    const errors: unknown[] = [];
    client.on('complete:error', (_task: unknown, error: unknown) => errors.push(error));
    client.on('poll:error', (error: unknown) => errors.push(error));
    for (const topic of ['procurement-planning', 'production-planning', 'shipping']) {
      client.subscribe(topic, { businessKey: 'C7-1', variables: ['orderNo', 'customer'] }, work(topic));
    }
    client.start();
    try {
      for (let round = 0; round < 200 && (await orderStatus('C7-1')) !== 'fulfilled'; round++) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.stop();
    }
    expect(errors).toEqual([]);
    expect(await orderStatus('C7-1')).toBe('fulfilled');
    expect(seen.map((one) => one.topic).sort()).toEqual(['procurement-planning', 'production-planning', 'shipping']);
    expect(seen.every((one) => one.orderNo === 'C7-1' && one.businessKey === 'C7-1')).toBe(true);
    expect(seen[0].customer).toEqual({ name: 'Camunda Seven GmbH' });
    const view = (await api.get<OrderView>('/api/orders/C7-1', TOKENS.erp)).body;
    const completions = view.history.filter((entry) => entry.event === 'job.completed');
    expect(completions).toHaveLength(3);
    // the authenticated user is the actor; the client's workerId is only a label beside it
    expect(completions.every((entry) => entry.actor === 'erp' && entry.data?.workerId === 'camunda7-worker')).toBe(true);
  }, 60_000);

  it('hands a refused completion to the worker as Camunda 7 would: status 400, and the refusal in words in the client\'s error', async () => {
    await enter('C7-REFUSED');
    const client = camundaClient();
    const refusals: { status?: number; engineMsg?: string; message: string }[] = [];
    client.on('complete:error', (_task: unknown, error: { httpStatusCode?: number; engineMsg?: string; message: string }) =>
      refusals.push({ status: error.httpStatusCode, engineMsg: error.engineMsg, message: error.message }));
    client.subscribe('procurement-planning', { businessKey: 'C7-REFUSED' }, async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      // a worker that tries to change the order as entered
      await taskService.complete(task, new Variables().set('amount', 1)).catch(() => undefined);
    });
    client.start();
    try {
      for (let round = 0; round < 100 && !refusals.length; round++) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.stop();
    }
    expect(refusals[0]?.status).toBe(400);
    // the client prints the body's `message` (before: "Error: [object Object]", the problem had none)
    expect(refusals[0]?.engineMsg).toMatch(/amount/);
    expect(refusals[0]?.message).toContain(`Error: ${refusals[0]?.engineMsg}`);
    expect(refusals[0]?.message).not.toContain('[object Object]');
  }, 30_000);

  it('backs a failed task off for the retryTimeout its handleFailure names, as Camunda 7 does, then hands it out again', async () => {
    await enter('C7-BACKOFF');
    const client = new Client({
      baseUrl: `${server.url}/engine-rest`, workerId: 'camunda7-worker', asyncResponseTimeout: 500, interval: 50, maxTasks: 5, autoPoll: false,
      interceptors: (config: { headers?: Record<string, string> }) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${TOKENS.erp}` } }),
    });
    const fetchedAt: number[] = [];
    const errors: unknown[] = [];
    client.on('handleFailure:error', (_task: unknown, error: unknown) => errors.push(error));
    client.on('complete:error', (_task: unknown, error: unknown) => errors.push(error));
    client.subscribe('procurement-planning', { businessKey: 'C7-BACKOFF' }, async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      fetchedAt.push(Date.now());
      // the client's own example: a failure with retries left and a time to wait before the next attempt
      if (fetchedAt.length === 1) await taskService.handleFailure(task, { errorMessage: 'MRP down', errorDetails: 'timeout', retries: 2, retryTimeout: 1500 });
      else await taskService.complete(task);
    });
    client.start();
    try {
      for (let round = 0; round < 100 && fetchedAt.length < 2; round++) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.stop();
    }
    expect(errors).toEqual([]);
    expect(fetchedAt).toHaveLength(2);
    expect(fetchedAt[1] - fetchedAt[0]).toBeGreaterThanOrEqual(1400);
    const failed = (await api.get<OrderView>('/api/orders/C7-BACKOFF', TOKENS.erp)).body.history.find((entry) => entry.event === 'job.failed');
    expect(failed?.data).toMatchObject({ retries: 2, retryAt: expect.stringMatching(/^\d{4}-/) as unknown, workerId: 'camunda7-worker' });
  }, 30_000);
});

describe('taskService.lock: a task taken by its id (POST /engine-rest/external-task/{id}/lock)', () => {
  it('locks a task the worker did not fetch, for this worker: no other worker fetches or locks it, and the worker completes it as the lock holder', async () => {
    await enter('C7-LOCK');
    const jobId = await jobIdOf('C7-LOCK', 'procurement-planning');
    const client = camundaClient();
    const errors: unknown[] = [];
    client.on('lock:error', (_task: unknown, error: unknown) => errors.push(error));
    await client.taskService.lock(jobId, 60_000);
    expect(errors).toEqual([]);

    const fetched = await api.post<LockedExternalTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'raw', maxTasks: 5, topics: [{ topicName: 'procurement-planning', lockDuration: 60_000, businessKey: 'C7-LOCK' }],
    });
    expect(fetched.body).toEqual([]);
    const taken = await api.post(`/engine-rest/external-task/${encodeURIComponent(jobId)}/lock`, TOKENS.erp, { workerId: 'raw', lockDuration: 60_000 });
    expect(taken.status, taken.text).toBe(409);
    expect(problemOf(taken)).toMatchObject({ reason: 'not-locked-by-worker' });
    // the holder locks it again: a new lock from now, as Camunda 7 renews it
    await client.taskService.lock({ id: jobId } as Task, 120_000);
    expect(errors).toEqual([]);

    await client.taskService.complete({ id: jobId } as Task, new Variables().set('procurementPlanningDone', true));
    const completed = (await api.get<OrderView>('/api/orders/C7-LOCK', TOKENS.erp)).body.history.find((entry) => entry.event === 'job.completed');
    expect(completed?.data).toMatchObject({ workerId: 'camunda7-worker', lockedBy: 'camunda7-worker' });
    // completed: the task is gone, as Camunda 7's 404 for a completed task
    await expect(client.taskService.lock(jobId, 60_000)).rejects.toMatchObject({ httpStatusCode: 404 });
  });

  it('refuses what a fetch would not hand out: another worker\'s lock, an open change, a failed order, a retry not yet due; and a caller outside integration, kept in the history', async () => {
    const lock = (jobId: string, body: Record<string, unknown>, token: string = TOKENS.erp) =>
      api.post(`/engine-rest/external-task/${encodeURIComponent(jobId)}/lock`, token, body);
    expect((await lock('no-such-task', { workerId: 'raw', lockDuration: 60_000 })).status).toBe(404);

    await enter('C7-LOCK-HELD');
    const held = await jobIdOf('C7-LOCK-HELD', 'procurement-planning');
    // Camunda 7's InvalidRequestException (400) for a body it cannot take: no worker, a lock too short
    expect((await lock(held, { lockDuration: 60_000 })).status).toBe(400);
    expect((await lock(held, { workerId: 'raw', lockDuration: 10 })).status).toBe(400);
    const designer = await lock(held, { workerId: 'raw', lockDuration: 60_000 }, TOKENS.designer);
    expect(designer.status).toBe(403);
    const refusedEntries = (await api.get<OrderView>('/api/orders/C7-LOCK-HELD', TOKENS.erp)).body.history.filter((entry) => entry.event === 'job.refused');
    expect(refusedEntries).toEqual([objectWith({ actor: 'dora', via: 'camunda7', data: objectWith({ reason: 'role', attempted: 'camunda7Lock' }) })]);

    // an open change holds the order's jobs: 409 order-change-open, as for a completion
    const changed = await api.post('/api/orders/C7-LOCK-HELD/changes', TOKENS.erp, { description: 'new logo' });
    expect(changed.status, changed.text).toBe(201);
    const duringChange = await lock(held, { workerId: 'raw', lockDuration: 60_000 });
    expect(duringChange.status, duringChange.text).toBe(409);
    expect(problemOf(duringChange)).toMatchObject({ reason: 'order-change-open' });
    // kept in the order's history as a completion the change holds is, with who tried it and by which route
    const heldEntries = (await api.get<OrderView>('/api/orders/C7-LOCK-HELD', TOKENS.erp)).body.history.filter((entry) => entry.event === 'job.refused');
    expect(heldEntries).toEqual([objectWith({ data: objectWith({ reason: 'role' }) }), objectWith({
      actor: 'erp', via: 'camunda7',
      data: objectWith({ attempted: 'lock', jobType: 'procurement-planning', reason: 'order-change-open', refusal: problemOf(duringChange).detail }),
    })]);

    // a failure with a retry timeout: not before the retry is due
    await enter('C7-LOCK-BACKOFF');
    const backOff = await jobIdOf('C7-LOCK-BACKOFF', 'procurement-planning');
    expect((await lock(backOff, { workerId: 'raw', lockDuration: 60_000 })).status).toBe(204);
    const failed = await api.post(`/engine-rest/external-task/${encodeURIComponent(backOff)}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'MRP busy', retries: 2, retryTimeout: 3_600_000 });
    expect(failed.status, failed.text).toBe(204);
    const early = await lock(backOff, { workerId: 'raw', lockDuration: 60_000 });
    expect(early.status, early.text).toBe(409);
    expect(problemOf(early)).toMatchObject({ reason: 'job-not-fetchable', detail: expect.stringContaining('its retry is due at') as unknown });
    // nor completed, failed or thrown for by its id before then (Zeebe refuses a job in back-off the same)
    for (const [action, body] of [['complete', {}], ['failure', { errorMessage: 'MRP down', retries: 0 }], ['bpmnError', { errorCode: 'NO_MRP' }]] as const) {
      const during = await api.post(`/engine-rest/external-task/${encodeURIComponent(backOff)}/${action}`, TOKENS.erp, { workerId: 'raw', ...body });
      expect(during.status, during.text).toBe(409);
      expect(problemOf(during)).toMatchObject({ title: 'Job in back-off', retryAt: expect.stringMatching(/^\d{4}-/) as unknown });
    }
    expect(await orderStatus('C7-LOCK-BACKOFF')).not.toBe('failed');

    // out of retries: the order has failed, and its job is not handed out until the incident is retried
    await enter('C7-LOCK-FAILED');
    const failedJob = await jobIdOf('C7-LOCK-FAILED', 'procurement-planning');
    expect((await lock(failedJob, { workerId: 'raw', lockDuration: 60_000 })).status).toBe(204);
    const failedOut = await api.post(`/engine-rest/external-task/${encodeURIComponent(failedJob)}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'MRP down', retries: 0 });
    expect(failedOut.status, failedOut.text).toBe(204);
    const ofFailed = await lock(failedJob, { workerId: 'raw', lockDuration: 60_000 });
    expect(ofFailed.status, ofFailed.text).toBe(409);
    expect(problemOf(ofFailed).detail).toMatch(/failed instance/);
  });
});

describe('/engine-rest routes keep the controls', () => {
  async function lockOne(orderNo: string, topicName = 'procurement-planning') {
    const fetched = await api.post<LockedExternalTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'raw', maxTasks: 1, topics: [{ topicName, lockDuration: 60_000, businessKey: orderNo }],
    });
    expect(fetched.status, fetched.text).toBe(200);
    expect(fetched.contentType).toBe('application/json');
    return fetched.body[0];
  }

  it('answers in Camunda 7\'s shapes with typed variables', async () => {
    await enter('C7-SHAPE');
    const task = await lockOne('C7-SHAPE');
    expect(task).toMatchObject({
      topicName: 'procurement-planning', workerId: 'raw', businessKey: 'C7-SHAPE', processDefinitionKey: 'sales-order-management', retries: null,
      variables: { orderNo: { type: 'String', value: 'C7-SHAPE' }, amount: { type: 'Integer', value: 120_000 }, customer: { type: 'Json', value: '{"name":"Camunda Seven GmbH"}' } },
    });
    expect(task.lockExpirationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('refuses a worker that sets an order field, a value that does not fit its type, and a caller outside integration', async () => {
    await enter('C7-GUARD');
    const task = await lockOne('C7-GUARD');
    const path = `/engine-rest/external-task/${encodeURIComponent(task.id)}/complete`;
    const setAmount = await api.post(path, TOKENS.erp, { workerId: 'raw', variables: { amount: { value: 1, type: 'Integer' } } });
    expect(setAmount.status).toBe(400);
    const wrongType = await api.post(path, TOKENS.erp, { workerId: 'raw', variables: { planned: { value: 'yes', type: 'Boolean' } } });
    expect(wrongType.status).toBe(400);
    expect(problemOf(wrongType).errors).toEqual([objectWith({ field: '/variables/planned' })]);
    // Camunda 7's error shape beside the problem's: `message`, which Camunda 7 clients print
    expect(problemOf(wrongType)).toMatchObject({ status: 400, message: problemOf(wrongType).detail });
    const noWorker = await api.post(path, TOKENS.erp, {});
    expect([noWorker.status, problemOf(noWorker).message]).toEqual([400, 'The request body is not valid: /workerId is required.']);
    expect((await api.post(path, TOKENS.vp, { workerId: 'raw' })).status).toBe(403);
    expect((await api.post(path, undefined, { workerId: 'raw' })).status).toBe(401);
    expect((await api.post(path, TOKENS.erp, { workerId: 'thief' })).status).toBe(409);
    const fine = await api.post(path, TOKENS.erp, { workerId: 'raw', variables: { planned: { value: true, type: 'boolean' } } });
    expect(fine.status, fine.text).toBe(204);
    const view = (await api.get<OrderView>('/api/orders/C7-GUARD', TOKENS.erp)).body;
    expect(view.entered.amount).toBe(120_000);
  });

  it('refuses filters it cannot honour instead of ignoring them', async () => {
    const tenant = await api.post('/engine-rest/external-task/fetchAndLock', TOKENS.erp, { workerId: 'raw', topics: [{ topicName: 'shipping', lockDuration: 1000, tenantIdIn: ['a'] }] });
    expect(tenant.status).toBe(400);
    expect(problemOf(tenant).errors).toEqual([objectWith({ field: '/topics/0/tenantIdIn' })]);
  });

  it('fails, extends and unlocks like Camunda 7, and correlates a message through the same controls', async () => {
    await enter('C7-MSG', { paymentTerms: 'prepaid-at-entry' });
    const protectedField = await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: 'C7-MSG', processVariables: { amount: { value: 1, type: 'Integer' } } });
    expect(protectedField.status).toBe(400);
    const paid = await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: 'C7-MSG', processVariables: { paidAt: { value: '2026-12-03', type: 'String' } } });
    expect(paid.status, paid.text).toBe(204);
    expect(await orderStatus('C7-MSG')).toBe('in-planning');

    const task = await lockOne('C7-MSG', 'production-planning');
    const base = `/engine-rest/external-task/${encodeURIComponent(task.id)}`;
    expect((await api.post(`${base}/extendLock`, TOKENS.erp, { workerId: 'raw', newDuration: 120_000 })).status).toBe(204);
    expect((await api.post(`${base}/extendLock`, TOKENS.erp, { workerId: 'other', newDuration: 120_000 })).status).toBe(409);
    expect((await api.post(`${base}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'MRP down', retries: 2 })).status).toBe(204);
    const again = await lockOne('C7-MSG', 'production-planning');
    expect(again).toMatchObject({ id: task.id, retries: 2, errorMessage: 'MRP down' });
    expect((await api.post(`${base}/unlock`, TOKENS.erp, { workerId: 'raw' })).status).toBe(204);
    expect((await lockOne('C7-MSG', 'production-planning')).id).toBe(task.id);
  });
});

describe('POST /engine-rest/external-task/{id}/failure of a task declaring more than 100 retries', () => {
  it('takes the count a worker decrementing from 250 sends, up to Camunda 7\'s int limit; more is refused (400)', async () => {
    await deployFixtures(api, 'archive-export.bpmn');
    const started = await api.post('/api/processes/archive-export/instances', TOKENS.erp, { businessKey: 'ARCHIVE-C7' });
    expect(started.status, started.text).toBe(201);
    const lock = async () => {
      const fetched = await api.post<(LockedExternalTask & { retries: number | null })[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
        workerId: 'raw', maxTasks: 1, topics: [{ topicName: 'archive-export', lockDuration: 60_000, businessKey: 'ARCHIVE-C7' }],
      });
      expect(fetched.status, fetched.text).toBe(200);
      return fetched.body[0];
    };
    const task = await lock();
    const base = `/engine-rest/external-task/${encodeURIComponent(task.id)}`;
    const failed = await api.post(`${base}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'archive busy', retries: 249 });
    expect(failed.status, failed.text).toBe(204);
    expect(await lock()).toMatchObject({ id: task.id, retries: 249, errorMessage: 'archive busy' });
    const tooMany = await api.post(`${base}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'x', retries: 2_147_483_648 });
    expect(tooMany.status).toBe(400);
    expect((await api.post(`${base}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'archive busy', retries: 2_147_483_647 })).status).toBe(204);
    expect(await lock()).toMatchObject({ id: task.id, retries: 2_147_483_647 });
  });
});
