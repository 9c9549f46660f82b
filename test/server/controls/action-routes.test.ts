// The audit trail names the route every caller's action came by — Stratum's `/api`, Camunda 7's `/engine-rest`,
// Camunda 8's `/v2` — on the entry that action wrote, and names who caused each order event and by which route.
// A request the role check refuses on a task or job route is kept as a refused attempt too; one without valid
// credentials (401) leaves nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, IncidentView, JobView, OrderEvent, OrderView, TaskView } from '../../../engine/api.js';
import { TEST_USERS, TOKENS, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

/** A process anyone with the integration role may start directly, on Stratum's or Camunda 8's route. */
const PLAIN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_plain_request" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="plain-request" isExecutable="true">
    <bpmn:startEvent id="Asked" />
    <bpmn:sequenceFlow id="F1" sourceRef="Asked" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review the request">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

/** In the integration group only under another name: a second worker account. */
const ADMIN = 'test-action-routes-admin-token';

let server: TestServer;
let orderCount = 0;
const api = () => server.api;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [...TEST_USERS.users, { name: 'root', token: ADMIN, groups: ['integration', 'operations'] }];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  const deployed = await api().request('POST', '/api/deployments?name=plain-request.bpmn', {
    token: TOKENS.designer, body: PLAIN, headers: { 'content-type': 'application/xml' },
  });
  expect(deployed.status, deployed.text).toBe(201);
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

const ROUTES = ['api', 'camunda7', 'camunda8'] as const;
type Route = (typeof ROUTES)[number];

async function enterOrder(amount: number, paymentTerms = 'credit'): Promise<string> {
  const orderNo = `AR-${++orderCount}`;
  const response = await api().post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function history(orderNo: string, event: string): Promise<HistoryEntry[]> {
  const view = await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp);
  return view.body.history.filter((entry) => entry.event === event);
}

async function lockJob(type: string, orderNo: string): Promise<JobView> {
  const [job] = (await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'routes', businessKey: orderNo })).body;
  expect(job, `a ${type} job of ${orderNo}`).toBeDefined();
  return job;
}

function typed(variables: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value: JSON.stringify(value), type: 'Json' }]));
}

const ok = (response: ApiResponse) => expect(response.status, response.text).toBeLessThan(300);

/** Each worker action on each route. */
const JOB_ACTIONS: Record<Route, { complete: (id: string) => Promise<ApiResponse>; fail: (id: string, retries: number) => Promise<ApiResponse>; error: (id: string) => Promise<ApiResponse> }> = {
  api: {
    complete: (id) => api().post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'routes' }),
    fail: (id, retries) => api().post(`/api/jobs/${id}/failure`, TOKENS.erp, { message: 'ERP down', retries, workerId: 'routes' }),
    error: (id) => api().post(`/api/jobs/${id}/bpmn-error`, TOKENS.erp, { errorCode: 'BLOCKED', workerId: 'routes' }),
  },
  camunda7: {
    complete: (id) => api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'routes' }),
    fail: (id, retries) => api().post(`/engine-rest/external-task/${id}/failure`, TOKENS.erp, { workerId: 'routes', errorMessage: 'ERP down', retries }),
    error: (id) => api().post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'routes', errorCode: 'BLOCKED' }),
  },
  camunda8: {
    complete: (id) => api().post(`/v2/jobs/${id}/completion`, TOKENS.erp, {}),
    fail: (id, retries) => api().post(`/v2/jobs/${id}/failure`, TOKENS.erp, { errorMessage: 'ERP down', retries }),
    error: (id) => api().post(`/v2/jobs/${id}/error`, TOKENS.erp, { errorCode: 'BLOCKED' }),
  },
};

const MESSAGES: Record<Route, (name: string, key: string) => Promise<ApiResponse>> = {
  api: (name, key) => api().post('/api/messages', TOKENS.erp, { name, businessKey: key }),
  camunda7: (name, key) => api().post('/engine-rest/message', TOKENS.erp, { messageName: name, businessKey: key, processVariables: typed({}) }),
  camunda8: (name, key) => api().post('/v2/messages/publication', TOKENS.erp, { name, correlationKey: key, timeToLive: 3_600_000 }),
};

const INCIDENT_RETRIES: Record<Route, (incident: IncidentView) => Promise<ApiResponse>> = {
  api: (incident) => api().post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {}),
  camunda7: (incident) => api().request('PUT', `/engine-rest/external-task/${incident.jobId}/retries`, { token: TOKENS.operations, body: JSON.stringify({ retries: 1 }), headers: { 'content-type': 'application/json' } }),
  camunda8: (incident) => api().post(`/v2/incidents/${incident.id}/resolution`, TOKENS.operations, {}),
};

const viaOf = (entries: HistoryEntry[]) => entries.map((entry) => [entry.actor, entry.via]);

describe('the route of each caller\'s action in the history', () => {
  it.each(ROUTES)('a job completed, failed and errored through %s', async (route) => {
    const orderNo = await enterOrder(80_000);
    const procurement = await lockJob('procurement-planning', orderNo);
    ok(await JOB_ACTIONS[route].fail(encodeURIComponent(procurement.id), 2));
    const again = await lockJob('procurement-planning', orderNo);
    ok(await JOB_ACTIONS[route].complete(encodeURIComponent(again.id)));
    const production = await lockJob('production-planning', orderNo);
    ok(await JOB_ACTIONS[route].error(encodeURIComponent(production.id)));
    expect(viaOf(await history(orderNo, 'job.failed'))).toEqual([['erp', route]]);
    expect(viaOf(await history(orderNo, 'job.completed'))).toEqual([['erp', route]]);
    expect(viaOf(await history(orderNo, 'job.error-thrown'))).toEqual([['erp', route]]);
    // what the engine wrote in those steps (the erp's) names their route too: no entry of the order is without one
    const all = (await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.history;
    const [completed] = await history(orderNo, 'job.completed');
    const step = all.filter((entry) => entry.at === completed.at);
    expect(step.map((entry) => entry.event)).toContain('element.completed');
    expect(new Set(step.map((entry) => entry.via))).toEqual(new Set([route]));
    expect(all.filter((entry) => entry.via === undefined)).toEqual([]);
  });

  it.each(ROUTES)('a message sent through %s', async (route) => {
    const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
    ok(await MESSAGES[route]('PaymentReceived', orderNo));
    expect(viaOf(await history(orderNo, 'message.correlated'))).toEqual([['erp', route]]);
  });

  it.each(ROUTES)('a message kept for the order (sent through %s) names its sender\'s route when kept and when delivered', async (route) => {
    const orderNo = `AR-${++orderCount}`;
    ok(await api().post('/api/orders', TOKENS.erp, {
      orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 80_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry', specialChange: { description: 'blue paint' },
    }));
    // the bank pays while the departments still acknowledge the special change: the payment is kept
    ok(await MESSAGES[route]('PaymentReceived', orderNo));
    expect(viaOf(await history(orderNo, 'message.buffered'))).toEqual([['erp', route]]);
    const tokens = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection } as Record<string, string>;
    for (const task of (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body) {
      ok(await api().post(`/api/tasks/${task.id}/complete`, tokens[task.candidateGroups[0]], { variables: { acknowledged: true } }));
    }
    // the last acknowledgement (Stratum's route, another user) opened the catch that took the kept payment
    const paid = (await history(orderNo, 'message.correlated')).filter((entry) => entry.data?.name === 'PaymentReceived');
    expect(paid.map((entry) => [entry.actor, entry.via, entry.data?.buffered])).toEqual([['erp', route, true]]);
  });

  it.each(ROUTES)('an incident retried through %s', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    ok(await JOB_ACTIONS[route].fail(encodeURIComponent(job.id), 0));
    // the last failure failed the instance and the order calling it: both entries name the failure's route
    expect(viaOf(await history(orderNo, 'instance.failed'))).toEqual([['erp', route], ['erp', route]]);
    const incidents = (await api().get<{ items: IncidentView[] }>(`/api/incidents?businessKey=${orderNo}`, TOKENS.operations)).body.items;
    const rootCause = incidents.find((incident) => !incident.causeIncidentId)!;
    ok(await INCIDENT_RETRIES[route](rootCause));
    const resolved = await history(orderNo, 'incident.resolved');
    // the retried incident's resolution is the caller's entry; those of the callers that failed with it follow from
    // it, in the same step: they name the retry's route too
    expect(viaOf(resolved.filter((entry) => entry.data?.incidentId === rootCause.id))).toEqual([['otto', route]]);
    expect(viaOf(resolved.filter((entry) => entry.data?.incidentId !== rootCause.id))).toEqual([['otto', route]]);
  });

  it.each(ROUTES)('a job held by an open change, attempted through %s, is refused with its route, its failure too (no retry spent, no incident)', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    ok(await api().post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'matt finish' }));
    expect((await JOB_ACTIONS[route].complete(encodeURIComponent(job.id))).status).toBe(409);
    expect((await JOB_ACTIONS[route].fail(encodeURIComponent(job.id), 0)).status).toBe(409);
    expect((await JOB_ACTIONS[route].error(encodeURIComponent(job.id))).status).toBe(409);
    expect(viaOf(await history(orderNo, 'job.refused'))).toEqual([['erp', route], ['erp', route], ['erp', route]]);
    expect(await history(orderNo, 'job.failed')).toEqual([]);
    expect((await api().get<{ items: unknown[] }>(`/api/incidents?businessKey=${orderNo}`, TOKENS.nobody)).body.items).toEqual([]);
    expect(viaOf(await history(orderNo, 'order.changed'))).toEqual([['erp', 'api']]);
  });

  it('a start through Stratum\'s and Camunda 8\'s route', async () => {
    const started = await api().post<{ id: string; history: HistoryEntry[] }>('/api/processes/plain-request/instances', TOKENS.erp, { businessKey: 'PR-api' });
    ok(started);
    expect(viaOf(started.body.history.filter((entry) => entry.event === 'instance.started'))).toEqual([['erp', 'api']]);
    const created = await api().post<{ processInstanceKey: string }>('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'plain-request', businessId: 'PR-c8' });
    ok(created);
    const view = await api().get<{ history: HistoryEntry[] }>(`/api/instances/${created.body.processInstanceKey}`, TOKENS.erp);
    expect(viaOf(view.body.history.filter((entry) => entry.event === 'instance.started'))).toEqual([['erp', 'camunda8']]);
  });

  it('an order entered, a task claimed, unclaimed, refused and completed, and an order cancelled on Stratum\'s routes', async () => {
    const orderNo = await enterOrder(750_000);
    const [task] = (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.vp)).body;
    ok(await api().post(`/api/tasks/${task.id}/claim`, TOKENS.vp));
    ok(await api().post(`/api/tasks/${task.id}/unclaim`, TOKENS.vp));
    expect((await api().post(`/api/tasks/${task.id}/complete`, TOKENS.director, { variables: { approved: true } })).status).toBe(403);
    ok(await api().post(`/api/tasks/${task.id}/complete`, TOKENS.vp, { variables: { approved: true } }));
    ok(await api().post(`/api/orders/${orderNo}/cancel`, TOKENS.erp, { reason: 'customer withdrew' }));
    for (const [event, actor] of [['task.claimed', 'vera'], ['task.unclaimed', 'vera'], ['task.refused', 'dirk'], ['task.completed', 'vera']]) {
      expect(viaOf(await history(orderNo, event)), event).toEqual([[actor, 'api']]);
    }
    expect(viaOf(await history(orderNo, 'instance.started'))).toContainEqual(['erp', 'api']);
    expect(viaOf(await history(orderNo, 'instance.cancelled'))[0]).toEqual(['erp', 'api']);
  });
});

describe('who caused each order event, and by which route', () => {
  it('names the actor and route of the step that wrote it, on every route', async () => {
    const orderNo = await enterOrder(80_000);
    ok(await JOB_ACTIONS.camunda7.complete(encodeURIComponent((await lockJob('procurement-planning', orderNo)).id)));
    ok(await JOB_ACTIONS.api.complete(encodeURIComponent((await lockJob('production-planning', orderNo)).id)));
    ok(await JOB_ACTIONS.camunda8.complete(encodeURIComponent((await lockJob('shipping', orderNo)).id)));
    const page = await api().get<{ items: OrderEvent[] }>('/api/events?after=0&limit=1000', TOKENS.erp);
    const mine = page.body.items.filter((event) => event.subject === orderNo);
    expect(mine.map((event) => [event.type, event.data.actor, event.data.via])).toEqual([
      ['stratum.order.in-planning', 'erp', 'api'],
      // the first planning job leaves the order in planning: no event; the second moves it on
      ['stratum.order.shipping', 'erp', 'api'],
      ['stratum.order.fulfilled', 'erp', 'camunda8'],
    ]);
  });
});

describe('a request the role check refuses on a task or job route', () => {
  const ROLE_REFUSED: Record<Route, (id: string, token: string) => Promise<ApiResponse>> = {
    api: (id, token) => api().post(`/api/jobs/${id}/complete`, token, { variables: { approved: true } }),
    camunda7: (id, token) => api().post(`/engine-rest/external-task/${id}/complete`, token, { workerId: 'routes' }),
    camunda8: (id, token) => api().post(`/v2/jobs/${id}/completion`, token, {}),
  };

  it.each(ROUTES)('is kept as job.refused (reason role) with who tried it through %s', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    const refused = await ROLE_REFUSED[route](encodeURIComponent(job.id), TOKENS.vp);
    expect(refused.status).toBe(403);
    const [entry, ...more] = await history(orderNo, 'job.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'vera', via: route, data: { reason: 'role', jobType: 'procurement-planning' } });
    expect(entry.data!.refusal).toMatch(/integration/);
    // the refusal changed nothing: the worker completes the job
    ok(await JOB_ACTIONS[route].complete(encodeURIComponent(job.id)));
  });

  it('is kept for a Camunda 8 job update whose retries need a role the caller lacks', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    const refused = await api().request('PATCH', `/v2/jobs/${encodeURIComponent(job.id)}`, {
      token: TOKENS.erp, body: JSON.stringify({ changeset: { retries: 5 } }), headers: { 'content-type': 'application/json' },
    });
    expect(refused.status, refused.text).toBe(403);
    const [entry, ...more] = await history(orderNo, 'job.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: 'camunda8', data: { reason: 'role', attempted: 'camunda8UpdateJob' } });
  });

  it('is kept for a Camunda 7 setRetries by a worker without the operations role', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    const refused = await api().request('PUT', `/engine-rest/external-task/${encodeURIComponent(job.id)}/retries`, {
      token: TOKENS.erp, body: JSON.stringify({ retries: 5 }), headers: { 'content-type': 'application/json' },
    });
    expect(refused.status, refused.text).toBe(403);
    const [entry, ...more] = await history(orderNo, 'job.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: 'camunda7', data: { reason: 'role', attempted: 'camunda7SetRetries' } });
  });

  it('writes nothing for a caller without valid credentials, nor for an id that names no job, only for the authenticated caller\'s refusal', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob('procurement-planning', orderNo);
    const id = encodeURIComponent(job.id);
    for (const route of ROUTES) {
      const credentials: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-valid-token' }];
      for (const headers of credentials) {
        const path = { api: `/api/jobs/${id}/complete`, camunda7: `/engine-rest/external-task/${id}/complete`, camunda8: `/v2/jobs/${id}/completion` }[route];
        const response = await api().request('POST', path, { body: JSON.stringify({ workerId: 'routes' }), headers: { 'content-type': 'application/json', ...headers } });
        expect(response.status, `${route} ${response.text}`).toBe(401);
      }
      expect((await ROLE_REFUSED[route]('no-such-job', TOKENS.vp)).status).toBe(403);
    }
    expect(await history(orderNo, 'job.refused')).toEqual([]);
    // the same job, refused to an authenticated user: that is the one entry
    expect((await ROLE_REFUSED.api(id, TOKENS.vp)).status).toBe(403);
    expect(viaOf(await history(orderNo, 'job.refused'))).toEqual([['vera', 'api']]);
  });
});
