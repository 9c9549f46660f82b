// Camunda 8 workers connect unchanged (issue 13): the published
// @camunda8/orchestration-cluster-api client (8.8.4, the last release that runs
// on Node 20) works a shipped order's planning and shipping jobs against a
// started server through /v2, configured as docs/camunda-workers.md tells a
// user: the REST address, OAuth off, a Stratum bearer token sent with every
// request. The client sends int64 fields (timeout, requestTimeout, timeToLive)
// as JSON strings, which /v2 takes as Camunda's gateway does. Its job worker, whose completion an open
// order change refuses, fails the job; that failure is refused too, and the job keeps its retries. Its
// cancelProcessInstance reaches Stratum's cancel, which needs the `reason` Camunda's request has no field for.
import { ProcessDefinitionId, type CamundaClient, type JobKey, type ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, type ApiClient } from '../support/client.js';
import { camunda8Client, refusal } from '../support/camunda8-client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

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

function camundaClient(token: string = TOKENS.erp): CamundaClient {
  return camunda8Client(server.url, token);
}

async function enter(orderNo: string, fields: Record<string, unknown> = {}) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Acht GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit', ...fields });
  expect(entered.status, entered.text).toBe(201);
}

interface OrderView {
  instanceId: string;
  status: string;
  entered: { amount: number };
  history: { event: string; actor: string | null; data: Record<string, unknown> | null }[];
}

const order = (orderNo: string) => api.json<OrderView>('GET', `/api/orders/${orderNo}`, { token: TOKENS.erp });
const orderStatus = async (orderNo: string) => (await order(orderNo)).status;

describe('@camunda8/orchestration-cluster-api against /v2', () => {
  it('activates, fails and completes a shipped order\'s planning and shipping jobs until the order is fulfilled', async () => {
    await enter('C8C-1');
    const client = camundaClient();
    const activate = async (type: string) => {
      const { jobs } = await client.activateJobs({ type, worker: 'c8-client', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1, fetchVariable: ['orderNo', 'customer'] });
      expect(jobs.map((job) => job.variables.orderNo)).toEqual(['C8C-1']);
      return jobs[0];
    };

    const procurement = await activate('procurement-planning');
    expect(procurement).toMatchObject({ type: 'procurement-planning', worker: 'c8-client', processDefinitionId: 'sales-order-management', tenantId: '<default>' });
    expect(procurement.variables).toEqual({ orderNo: 'C8C-1', customer: { name: 'Camunda Acht GmbH' } });
    // as Zeebe shows them: the element's retries (Stratum's default 3) from the first activation on
    expect(procurement.retries).toBe(3);
    await client.failJob({ jobKey: procurement.jobKey, retries: 2, errorMessage: 'MRP down' });
    const again = await activate('procurement-planning');
    expect(again.jobKey).toBe(procurement.jobKey);
    expect(again.retries).toBe(2);
    // the enriched job's own helpers answer through the same routes
    await again.complete({ procurementPlanned: true });

    const production = await activate('production-planning');
    await client.completeJob({ jobKey: production.jobKey, variables: { productionPlanned: true } });
    const shipping = await activate('shipping');
    await client.completeJob({ jobKey: shipping.jobKey });

    expect(await orderStatus('C8C-1')).toBe('fulfilled');
    const view = await order('C8C-1');
    expect(view.history.filter((entry) => entry.event === 'job.failed')).toHaveLength(1);
    const completions = view.history.filter((entry) => entry.event === 'job.completed');
    expect(completions).toHaveLength(3);
    expect(completions.every((entry) => entry.actor === 'erp')).toBe(true);
  });

  it('publishes a payment message that moves a prepaid order on, and a forged order field is refused with 400', async () => {
    await enter('C8C-PAY', { paymentTerms: 'prepaid-at-entry' });
    expect(await orderStatus('C8C-PAY')).toBe('waiting-for-payment');
    const client = camundaClient();
    expect(await refusal(client.publishMessage({ name: 'PaymentReceived', correlationKey: 'C8C-PAY', timeToLive: 60_000, variables: { amount: 1 } }))).toBe(400);
    const published = await client.publishMessage({ name: 'PaymentReceived', correlationKey: 'C8C-PAY', messageId: 'bank-c8c-1', timeToLive: 60_000, variables: { paidAt: '2026-12-03' } });
    expect(published.tenantId).toBe('<default>');
    expect(String(published.messageKey)).toMatch(/\S/);
    expect(await orderStatus('C8C-PAY')).toBe('in-planning');
    expect((await order('C8C-PAY')).entered.amount).toBe(120_000);
  });

  it('runs the client\'s own job workers (long polling) over an order from entry to fulfilment', async () => {
    await enter('C8C-WORKER');
    const client = camundaClient();
    const seen: { type: string; orderNo: unknown }[] = [];
    for (const [jobType, output] of [['procurement-planning', 'procurementPlanned'], ['production-planning', 'productionPlanned'], ['shipping', null]] as const) {
      client.createJobWorker({
        jobType, workerName: 'c8-pool', maxParallelJobs: 2, jobTimeoutMs: 30_000, pollTimeoutMs: 2_000, fetchVariables: ['orderNo'],
        jobHandler: (job) => {
          seen.push({ type: job.type, orderNo: (job.variables as Record<string, unknown>).orderNo });
          return job.complete(output ? { [output]: true } : {});
        },
      });
    }
    try {
      for (let round = 0; round < 200 && (await orderStatus('C8C-WORKER')) !== 'fulfilled'; round++) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.stopAllWorkers();
    }
    expect(await orderStatus('C8C-WORKER')).toBe('fulfilled');
    // the pool works every order's jobs (the paid order of the test before too); this order's, each once
    expect(seen.filter((one) => one.orderNo === 'C8C-WORKER').map((one) => one.type).sort()).toEqual(['procurement-planning', 'production-planning', 'shipping']);
  }, 60_000);

  it('refuses the failure of a job an open order change holds (409 order-change-open): the client\'s worker, refused its completion, does not count the job\'s retries down', async () => {
    await enter('C8C-HELD');
    const client = camundaClient();
    for (const type of ['procurement-planning', 'production-planning']) {
      const { jobs } = await client.activateJobs({ type, worker: 'c8-client', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
      for (const job of jobs) await client.completeJob({ jobKey: job.jobKey, variables: {} });
    }
    // the change arrives while the worker ships: its completion is refused (409), and the client's worker then
    // fails the job with one retry fewer, as it does for every error of its handler
    let handled = false;
    let shipping: JobKey | undefined;
    client.createJobWorker({
      jobType: 'shipping', workerName: 'c8-held', maxParallelJobs: 1, jobTimeoutMs: 2_000, pollTimeoutMs: 1_000,
      jobHandler: async (job) => {
        shipping = job.jobKey;
        expect((await api.post('/api/orders/C8C-HELD/changes', TOKENS.erp, { description: 'other labels', changeId: 'c8c-held' })).status).toBe(201);
        try {
          return await job.complete();
        } finally {
          handled = true;
        }
      },
    });
    const attempts = async () => (await order('C8C-HELD')).history.filter((entry) => entry.event === 'job.failed' || entry.data?.attempted === 'failure');
    try {
      for (let round = 0; round < 200 && !(handled && (await attempts()).length); round++) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.stopAllWorkers();
    }
    // the failure is refused as the completion was, and kept beside it in the history; the job keeps its retries
    expect((await attempts()).map((entry) => [entry.event, entry.data?.reason])).toEqual([['job.refused', 'order-change-open']]);
    expect(shipping).toBeDefined();
    expect(await refusal(client.failJob({ jobKey: shipping!, retries: 0, errorMessage: 'carrier down' }))).toBe(409);
    expect(await orderStatus('C8C-HELD')).not.toBe('failed');

    const tokenOf: Record<string, string> = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection };
    const tasks = (await api.json<{ id: string; candidateGroups: string[] }[]>('GET', '/api/tasks?businessKey=C8C-HELD', { token: TOKENS.erp }))
      .filter((task) => tokenOf[task.candidateGroups[0] ?? '']);
    for (const task of tasks) {
      expect((await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, tokenOf[task.candidateGroups[0] ?? ''] ?? '', { variables: { acknowledged: true } })).status).toBe(200);
    }
    // once the change is settled and the worker's lock has run out, the job comes back with the retries it had
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const { jobs } = await client.activateJobs({ type: 'shipping', worker: 'c8-client', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
    expect(jobs.map((job) => [job.jobKey, job.retries])).toEqual([[shipping, 3]]);
    await client.completeJob({ jobKey: shipping! });
    expect(await orderStatus('C8C-HELD')).toBe('fulfilled');
  }, 60_000);

  it('takes the failure of a job that declares more than 100 retries, as Zeebe does: the client\'s worker counts them down', async () => {
    await deployFixtures(api, 'archive-export.bpmn');
    const client = camundaClient();
    const started = await client.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('archive-export') });
    const activate = async () => {
      const { jobs } = await client.activateJobs({ type: 'archive-export', worker: 'c8-client', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
      expect(jobs.map((job) => job.processInstanceKey)).toEqual([started.processInstanceKey]);
      return jobs[0];
    };
    const job = await activate();
    expect(job.retries).toBe(250);
    // what the client's job worker sends when its handler throws: one retry fewer than the job has
    await client.failJob({ jobKey: job.jobKey, retries: job.retries - 1, errorMessage: 'archive busy' });
    expect((await activate()).retries).toBe(249);
  });

  it('cancels an order with cancelProcessInstance only when given Stratum\'s `reason`, which the client has no field for but sends as given', async () => {
    await enter('C8C-CANCEL');
    const client = camundaClient();
    // Stratum's keys are no Java longs: a key the server handed out, as the client passes it on unvalidated
    const key = (await order('C8C-CANCEL')).instanceId as ProcessInstanceKey;
    // Camunda's CancelProcessInstanceRequest has no reason: the client's plain call is refused, and nothing changes
    expect(await refusal(client.cancelProcessInstance({ processInstanceKey: key }))).toBe(400);
    expect(await orderStatus('C8C-CANCEL')).toBe('in-planning');
    // the job's instance is the order's called sales order management: refused, the order is cancelled as a whole
    const { jobs } = await client.activateJobs({ type: 'procurement-planning', worker: 'c8-client', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
    const job = jobs.find((one) => one.variables.orderNo === 'C8C-CANCEL')!;
    expect(job.processInstanceKey).not.toBe(key);
    const ofTheJob = { processInstanceKey: job.processInstanceKey, reason: 'the job is not worth it' };
    expect(await refusal(client.cancelProcessInstance(ofTheJob))).toBe(409);
    expect(await orderStatus('C8C-CANCEL')).toBe('in-planning');
    // with validation off (the client's default) it sends the fields it is given beside the key as the body
    const withReason = { processInstanceKey: key, reason: 'customer withdrew the order' };
    await client.cancelProcessInstance(withReason);
    const view = await order('C8C-CANCEL');
    expect(view.status).toBe('cancelled');
    const cancelled = view.history.filter((entry) => entry.event === 'instance.cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const entry of cancelled) expect(entry).toMatchObject({ actor: 'erp', data: { reason: 'customer withdrew the order' } });
  });

  it('is refused with 401 without a token and 403 outside the integration group', async () => {
    const request = { type: 'shipping', worker: 'c8-client', timeout: 1_000, maxJobsToActivate: 1, requestTimeout: -1 };
    expect(await refusal(camundaClient('not-a-token').activateJobs(request))).toBe(401);
    expect(await refusal(camundaClient(TOKENS.vp).activateJobs(request))).toBe(403);
  });

  it('takes int64 fields as the client sends them, as decimal text, and still refuses one out of range', async () => {
    const tooShort = await api.request<{ errors: { field: string }[] }>('POST', '/v2/jobs/activation', {
      token: TOKENS.erp, json: { type: 'shipping', worker: 'raw', timeout: '999', maxJobsToActivate: 1, requestTimeout: '-1' },
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.errors.map((error) => error.field)).toEqual(['/timeout']);
    const notANumber = await api.request<{ errors: { field: string }[] }>('POST', '/v2/messages/publication', {
      token: TOKENS.erp, json: { name: 'PaymentReceived', correlationKey: 'C8C-PAY', timeToLive: '1e3' },
    });
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.errors.map((error) => error.field)).toEqual(['/timeToLive']);
  });
});
