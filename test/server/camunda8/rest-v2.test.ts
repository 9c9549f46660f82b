// Camunda 8 job workers connect unchanged (issue 13, item 4): the Orchestration
// Cluster REST API's job worker subset (/v2/jobs/activation, completion,
// failure, error, /v2/messages/publication) against a started server, with
// plain fetch in the shapes @camunda8/orchestration-cluster-api sends (that
// client needs Node 22; Stratum runs on 20). The controls of issue 9 hold on
// these routes as on Stratum's own: declared outputs, the hold while an order
// change is open, the message rules, the integration group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, type ApiClient } from '../support/client.js';
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

interface ActivatedJob {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: Record<string, string>;
  worker: string;
  retries: number;
  deadline: number;
  variables: Record<string, unknown>;
  tenantId: string;
}

describe('a Camunda 8 job worker against /v2', () => {
  it('works a shipped order\'s planning and shipping jobs in Camunda 8\'s shapes until the order is fulfilled', async () => {
    await enter('C8-1');
    const before = Date.now();
    const procurement = await activateFor('procurement-planning', 'C8-1', { fetchVariable: ['orderNo', 'customer'] });
    expect(procurement).toMatchObject({
      type: 'procurement-planning', processDefinitionId: 'sales-order-management', worker: 'c8-worker', tenantId: '<default>',
      variables: { orderNo: 'C8-1', customer: { name: 'Camunda Acht GmbH' } },
    });
    expect(Object.keys(procurement.variables).sort()).toEqual(['customer', 'orderNo']);
    expect(typeof procurement.jobKey).toBe('string');
    expect(typeof procurement.processInstanceKey).toBe('string');
    expect(typeof procurement.elementInstanceKey).toBe('string');
    expect(Number.isInteger(procurement.processDefinitionVersion)).toBe(true);
    expect(procurement.retries).toBeGreaterThan(0);
    // the deadline is the lock's end in epoch milliseconds
    expect(procurement.deadline).toBeGreaterThanOrEqual(before + 60_000);
    expect(procurement.deadline).toBeLessThanOrEqual(Date.now() + 60_000);

    for (const job of [procurement, await activateFor('production-planning', 'C8-1')]) {
      const done = await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { [`${job.elementId}Done`]: true } });
      expect(done.status, done.text).toBe(204);
    }
    const shipping = await activateFor('shipping', 'C8-1');
    expect((await c8('POST', `/v2/jobs/${shipping.jobKey}/completion`, {})).status).toBe(204);
    expect(await orderStatus('C8-1')).toBe('fulfilled');
    const completions = (await order('C8-1')).history.filter((entry) => entry.event === 'job.completed');
    expect(completions).toHaveLength(3);
    // the authenticated user is the actor of each step, and the worker that activated the job is named beside it
    expect(completions.every((entry) => entry.actor === 'erp')).toBe(true);
    expect(completions.map((entry) => entry.data?.lockedBy)).toEqual(['c8-worker', 'c8-worker', 'c8-worker']);
  });

  it('long-polls: a waiting activation is answered the moment a job of its type appears; a negative requestTimeout answers at once', async () => {
    const immediate = await c8<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', { type: 'no-such-type', worker: 'c8-worker', timeout: 5000, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(immediate.status).toBe(200);
    expect(immediate.body).toEqual({ jobs: [] });

    const waiting = c8<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', { type: 'procurement-planning', worker: 'c8-poller', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const entered = Date.now();
    await enter('C8-POLL');
    const answered = await waiting;
    const latency = Date.now() - entered;
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body.jobs).toHaveLength(1);
    expect(answered.body.jobs[0]).toMatchObject({ type: 'procurement-planning', worker: 'c8-poller', variables: { orderNo: 'C8-POLL' } });
    // answered with the job, well before the 15 s request timeout
    expect(latency).toBeLessThan(5_000);
  }, 30_000);

  it('fails a job with retries left (activatable again at once) and raises an incident with none', async () => {
    await enter('C8-FAIL');
    const job = await activateFor('procurement-planning', 'C8-FAIL');
    const failed = await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 2, errorMessage: 'MRP down' });
    expect(failed.status, failed.text).toBe(204);
    const again = await activateFor('procurement-planning', 'C8-FAIL');
    expect(again).toMatchObject({ jobKey: job.jobKey, retries: 2 });
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { errorMessage: 'MRP gone' })).status).toBe(204);
    const { items: incidents } = await api.json<{ items: { kind: string; jobId: string | null; message: string }[] }>('GET', '/api/incidents?businessKey=C8-FAIL', { token: TOKENS.nobody });
    const jobIncidents = incidents.filter((incident) => incident.kind === 'job');
    expect(jobIncidents.map((incident) => incident.jobId)).toEqual([job.jobKey]);
    expect(jobIncidents[0]?.message).toContain('MRP gone');
  });

  it('creates a process instance through the start rules: orders only through POST /api/orders, called processes only from their callers', async () => {
    await deployFixtures(api, 'customer-review.bpmn');
    const started = await c8<{ processDefinitionId: string; processDefinitionVersion: number; processInstanceKey: string; tenantId: string; variables: Record<string, unknown> }>(
      'POST', '/v2/process-instances', { processDefinitionId: 'customer-review', variables: { customerId: 'C-4711' }, businessId: 'CR-C8-1', tenantId: '<default>' },
    );
    expect(started.status, started.text).toBe(200);
    expect(started.body).toMatchObject({ processDefinitionId: 'customer-review', processDefinitionVersion: 1, tenantId: '<default>', variables: { customerId: 'C-4711' } });
    const instance = await api.json<{ businessKey: string; history: { actor: string | null }[] }>('GET', `/api/instances/${started.body.processInstanceKey}`, { token: TOKENS.erp });
    expect(instance.businessKey).toBe('CR-C8-1');

    // variables named like an order's are no way in: the process that takes orders is refused as without them
    const takesOrders = await c8('POST', '/v2/process-instances', { processDefinitionId: 'order-to-cash', businessId: 'C8-SIDE-DOOR', variables: { amount: 1 } });
    expect(takesOrders.status).toBe(409);
    expect(takesOrders.body.reason).toBe('takes-orders');
    const sideDoor = await c8('POST', '/v2/process-instances', { processDefinitionId: 'order-to-cash', businessId: 'C8-SIDE-DOOR' });
    expect(sideDoor.status).toBe(409);
    expect(sideDoor.body.reason).toBe('takes-orders');
    const called = await c8('POST', '/v2/process-instances', { processDefinitionId: 'sales-order-management' });
    expect(called.status).toBe(409);
    expect(called.body.reason).toBe('called-process');
    expect((await c8('POST', '/v2/process-instances', { processDefinitionId: 'customer-review', processDefinitionVersion: 1 })).status).toBe(400);
    expect((await c8('POST', '/v2/process-instances', { processDefinitionId: 'no-such-process' })).status).toBe(404);
    expect((await c8('POST', '/v2/process-instances', { processDefinitionId: 'customer-review' }, TOKENS.vp)).status).toBe(403);
  });

  it('answers an unknown job with Camunda\'s problem+json', async () => {
    for (const [path, body] of [['completion', {}], ['failure', { retries: 1 }], ['error', { errorCode: 'X' }]] as const) {
      const answer = await c8('POST', `/v2/jobs/424242/${path}`, body);
      expect(answer.status).toBe(404);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ status: 404, instance: `/v2/jobs/424242/${path}` });
      expect([typeof answer.body.type, typeof answer.body.title, typeof answer.body.detail]).toEqual(['string', 'string', 'string']);
    }
  });
});

describe('/v2 routes keep the controls', () => {
  it('refuses a worker that sets an order field, completes or throws with it, and changes nothing', async () => {
    await enter('C8-GUARD');
    const job = await activateFor('procurement-planning', 'C8-GUARD');
    for (const variables of [{ amount: 1 }, { customer: { name: 'Someone Else' } }]) {
      const refused = await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { variables });
      expect(refused.status).toBe(400);
      expect(refused.contentType).toBe('application/problem+json');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: `/variables/${Object.keys(variables)[0]}` })]);
    }
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/error`, { errorCode: 'NOT_PLANNABLE', variables: { amount: 1 } })).status).toBe(400);
    // past the schema, the engine refuses what the job does not declare: here another element's output
    const foreignOutput = await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { orderStatus: 'fulfilled' } });
    expect(foreignOutput.status).toBe(422);
    expect(foreignOutput.body.errors).toEqual([expect.objectContaining({ field: '/variables/orderStatus' })]);
    const view = await order('C8-GUARD');
    expect(view.entered.amount).toBe(120_000);
    expect(view.history.filter((entry) => entry.event === 'job.completed')).toEqual([]);
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { planned: true } })).status).toBe(204);
  });

  it('refuses callers outside the integration group (403) and without a token (401) on every /v2 route', async () => {
    await enter('C8-ROLE');
    const job = await activateFor('procurement-planning', 'C8-ROLE');
    const calls: [string, unknown][] = [
      ['/v2/jobs/activation', { type: 'procurement-planning', worker: 'thief', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 }],
      [`/v2/jobs/${job.jobKey}/completion`, { variables: { planned: true } }],
      [`/v2/jobs/${job.jobKey}/failure`, { retries: 0, errorMessage: 'sabotage' }],
      [`/v2/jobs/${job.jobKey}/error`, { errorCode: 'NOT_PLANNABLE' }],
      ['/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-ROLE', timeToLive: 60_000 }],
    ];
    for (const [path, body] of calls) {
      for (const token of [TOKENS.vp, TOKENS.procurement, TOKENS.designer]) {
        const refused = await c8('POST', path, body, token);
        expect(refused.status, `${path} ${token}`).toBe(403);
        expect(refused.contentType).toBe('application/problem+json');
      }
      expect((await c8('POST', path, body, null)).status).toBe(401);
    }
    const view = await order('C8-ROLE');
    expect(view.history.filter((entry) => ['job.completed', 'job.failed', 'message.received', 'message.buffered'].includes(entry.event))).toEqual([]);
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { variables: { planned: true } })).status).toBe(204);
  });

  it('refuses what Stratum cannot honour instead of ignoring it: other tenants, a retry back-off over a day, job-local variables', async () => {
    const tenant = await c8('POST', '/v2/jobs/activation', { type: 'shipping', worker: 'w', timeout: 5000, maxJobsToActivate: 1, tenantIds: ['acme'], requestTimeout: -1 });
    expect(tenant.status).toBe(400);
    expect(tenant.body.errors).toEqual([expect.objectContaining({ field: '/tenantIds/0' })]);
    expect((await c8('POST', '/v2/jobs/activation', { type: 'shipping', worker: 'w', timeout: 5000, maxJobsToActivate: 1, tenantIds: ['<default>'], requestTimeout: -1 })).status).toBe(200);
    await enter('C8-UNSUPPORTED');
    const job = await activateFor('procurement-planning', 'C8-UNSUPPORTED');
    const backOff = await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 2, errorMessage: 'later', retryBackOff: '86400001' });
    expect(backOff.status).toBe(400);
    expect(backOff.body.errors).toEqual([expect.objectContaining({ field: '/retryBackOff' })]);
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 2, variables: { planned: false } })).status).toBe(400);
    const withResult = await c8('POST', `/v2/jobs/${job.jobKey}/completion`, { result: { type: 'userTask', denied: true } });
    expect(withResult.status).toBe(400);
    expect((await order('C8-UNSUPPORTED')).history.filter((entry) => entry.event === 'job.failed')).toEqual([]);
  });

  it('backs a failed job off for its retryBackOff, as Zeebe does: not activated before that time, activated after it', async () => {
    await enter('C8-BACKOFF');
    const job = await activateFor('procurement-planning', 'C8-BACKOFF');
    // the client sends int64 fields as decimal text
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 2, errorMessage: 'MRP down', retryBackOff: '1500' })).status).toBe(204);
    const failedAt = Date.now();
    const early = await c8<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', { type: 'procurement-planning', worker: 'w', timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1 });
    expect(early.body.jobs.filter((one) => one.variables.orderNo === 'C8-BACKOFF')).toEqual([]);
    // nor completed, failed or thrown for by its key meanwhile: Zeebe rejects a job in back-off (state FAILED)
    for (const [action, body] of [['completion', {}], ['failure', { retries: 0, errorMessage: 'gone' }], ['error', { errorCode: 'NO_MRP' }]] as const) {
      const during = await c8('POST', `/v2/jobs/${job.jobKey}/${action}`, body);
      expect(during.status, `${action}: ${during.text}`).toBe(409);
      expect(during.body).toMatchObject({ title: 'Job in back-off', retryAt: expect.stringMatching(/^\d{4}-/) as unknown });
    }
    expect((await order('C8-BACKOFF')).history.filter((entry) => ['job.completed', 'job.error-thrown'].includes(entry.event))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1600 - (Date.now() - failedAt)));
    expect(await activateFor('procurement-planning', 'C8-BACKOFF')).toMatchObject({ jobKey: job.jobKey, retries: 2 });
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/completion`, {})).status).toBe(204);
  });

  it('takes a failure whose optional fields are null, as Camunda\'s gateway reads them (absent): a client that sends every field loses no failure', async () => {
    await enter('C8-NULLS');
    const job = await activateFor('procurement-planning', 'C8-NULLS');
    const failed = await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 2, errorMessage: null, retryBackOff: null, variables: null });
    expect(failed.status, failed.text).toBe(204);
    expect(await activateFor('procurement-planning', 'C8-NULLS')).toMatchObject({ jobKey: job.jobKey, retries: 2 });
    // null retries are 0, as Camunda maps them: an incident
    expect((await c8('POST', `/v2/jobs/${job.jobKey}/failure`, { retries: null, errorMessage: 'MRP gone' })).status).toBe(204);
    expect(await orderStatus('C8-NULLS')).toBe('failed');
  });

  it('holds a job while its order has an open change: completion and error are refused (409) until the change is acknowledged', async () => {
    await enter('C8-HOLD');
    for (const type of ['procurement-planning', 'production-planning']) {
      expect((await c8('POST', `/v2/jobs/${(await activateFor(type, 'C8-HOLD')).jobKey}/completion`, {})).status).toBe(204);
    }
    const shipping = await activateFor('shipping', 'C8-HOLD');
    expect((await api.post('/api/orders/C8-HOLD/changes', TOKENS.erp, { description: 'different labels', changeId: 'c8-late' })).status).toBe(201);

    const held = await c8('POST', `/v2/jobs/${shipping.jobKey}/completion`, {});
    expect(held.status).toBe(409);
    expect(held.contentType).toBe('application/problem+json');
    expect(held.body).toMatchObject({ status: 409, reason: 'order-change-open', businessKey: 'C8-HOLD', changeId: 'c8-late' });
    expect((await c8('POST', `/v2/jobs/${shipping.jobKey}/error`, { errorCode: 'NOT_SHIPPED' })).status).toBe(409);
    // nor is the job handed out again meanwhile
    const during = await c8<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', { type: 'shipping', worker: 'c8-worker', timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1 });
    expect(during.body.jobs.filter((job) => job.variables.orderNo === 'C8-HOLD')).toEqual([]);
    expect(await orderStatus('C8-HOLD')).not.toBe('fulfilled');

    const tokenOf: Record<string, string> = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection };
    const tasks = (await api.json<{ id: string; candidateGroups: string[] }[]>('GET', '/api/tasks?businessKey=C8-HOLD', { token: TOKENS.erp }))
      .filter((task) => tokenOf[task.candidateGroups[0] ?? '']);
    expect(tasks).toHaveLength(3);
    for (const task of tasks) {
      expect((await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, tokenOf[task.candidateGroups[0] ?? ''] ?? '', { variables: { acknowledged: true } })).status).toBe(200);
    }
    expect((await c8('POST', `/v2/jobs/${shipping.jobKey}/completion`, {})).status).toBe(204);
    expect(await orderStatus('C8-HOLD')).toBe('fulfilled');
  });

  it('publishes a message through the message rules: order fields, the engine\'s own OrderChanged and unknown orders are refused', async () => {
    await enter('C8-MSG', { paymentTerms: 'prepaid-at-entry' });
    expect(await orderStatus('C8-MSG')).toBe('waiting-for-payment');
    const forged = await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-MSG', timeToLive: 60_000, variables: { amount: 1, paidAt: '2026-12-03' } });
    expect(forged.status).toBe(400);
    expect(forged.contentType).toBe('application/problem+json');
    const ownMessage = await c8('POST', '/v2/messages/publication', { name: 'OrderChanged', correlationKey: 'C8-MSG', timeToLive: 60_000, variables: { change: { description: 'free upgrade' } } });
    expect(ownMessage.status).toBe(403);
    expect((await order('C8-MSG')).entered.amount).toBe(120_000);
    expect(await orderStatus('C8-MSG')).toBe('waiting-for-payment');

    const unknown = await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-NO-SUCH-ORDER', timeToLive: 60_000 });
    expect(unknown.status).toBe(404);
    expect((await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived' })).status).toBe(400);

    const paid = await c8<{ tenantId: string; messageKey: string }>('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-MSG', messageId: 'bank-1', timeToLive: 60_000, variables: { paidAt: '2026-12-03' } });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.contentType).toBe('application/json');
    expect(Object.keys(paid.body).sort()).toEqual(['messageKey', 'tenantId']);
    expect(paid.body.tenantId).toBe('<default>');
    expect(paid.body.messageKey).toMatch(/\S/);
    expect(await orderStatus('C8-MSG')).toBe('in-planning');
    const received = (await order('C8-MSG')).history.filter((entry) => entry.event.startsWith('message.'));
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((entry) => entry.actor === 'erp')).toBe(true);
  });

  it('takes Camunda\'s default time-to-live of 0: a message nothing waits for is refused, with a time-to-live it is kept for the order', async () => {
    await enter('C8-TTL');
    expect(await orderStatus('C8-TTL')).toBe('in-planning');
    const nothingWaits = await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-TTL' });
    expect(nothingWaits.status).toBe(404);
    const kept = await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-TTL', messageId: 'ttl-1', timeToLive: 60_000 });
    expect(kept.status, kept.text).toBe(200);
    const duplicate = await c8('POST', '/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'C8-TTL', messageId: 'ttl-1', timeToLive: 60_000 });
    expect(duplicate.status).toBe(409);
  });
});

// helpers

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  reason?: string;
  businessKey?: string;
  changeId?: string;
}

interface Answer<T> {
  status: number;
  contentType: string;
  text: string;
  body: T;
}

interface OrderView {
  status: string;
  entered: { amount: number };
  history: { event: string; actor: string | null; data?: Record<string, unknown> }[];
}

/**
 * A request as @camunda8/orchestration-cluster-api sends it (JSON, `accept: application/json`, a bearer token),
 * over fetch; the answer is checked against Stratum's OpenAPI document like every test client's.
 */
async function c8<T = Problem>(method: string, path: string, body: unknown, token: string | null = TOKENS.erp): Promise<Answer<T>> {
  const answer = await api.request<T>(method, path, { json: body, headers: { accept: 'application/json' }, ...(token && { token }) });
  return { status: answer.status, contentType: answer.contentType.split(';')[0] ?? '', text: answer.text, body: answer.body };
}

/** Activates `type` jobs and returns the order's one; other orders' jobs are given back at once. */
async function activateFor(type: string, orderNo: string, extra: Record<string, unknown> = {}): Promise<ActivatedJob> {
  const answer = await c8<{ jobs: ActivatedJob[] }>('POST', '/v2/jobs/activation', { type, worker: 'c8-worker', timeout: 60_000, maxJobsToActivate: 100, requestTimeout: -1, ...extra });
  expect(answer.status, answer.text).toBe(200);
  const { jobs } = answer.body;
  const mine = jobs.filter((job) => job.variables.orderNo === orderNo);
  for (const other of jobs.filter((job) => job.variables.orderNo !== orderNo)) {
    expect((await api.post(`/api/jobs/${encodeURIComponent(other.jobKey)}/unlock`, TOKENS.erp, { workerId: 'c8-worker' })).status).toBe(204);
  }
  expect(mine, `${type} of ${orderNo}`).toHaveLength(1);
  return mine[0];
}

async function enter(orderNo: string, fields: Record<string, unknown> = {}) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Acht GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit', ...fields });
  expect(entered.status, entered.text).toBe(201);
}

function order(orderNo: string): Promise<OrderView> {
  return api.json<OrderView>('GET', `/api/orders/${orderNo}`, { token: TOKENS.erp });
}

const orderStatus = async (orderNo: string) => (await order(orderNo)).status;
