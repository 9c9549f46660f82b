// Every operation × {no token, wrong group, right group}, over real HTTP.
// The HTTP layer runs against an in-memory engine stand-in here; the
// scenario tests run the same rules against the real engine.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../server/operations.js';
import type { IncidentView, InstanceView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type RequestOptions } from './support/client.js';
import { startFakeServer } from './support/fake-server.js';

const XML = '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="order-to-cash" isExecutable="true"/></definitions>';
const ORDER = { orderNo: 'SO-1', customer: { name: 'ACME' }, amount: 10, currency: 'EUR', paymentTerms: 'credit' };

let server: Awaited<ReturnType<typeof startFakeServer>>;
let api: ApiClient;
let instanceId: string;
/** The order whose job ran out of retries: it has an incident. */
let failingInstanceId: string;
let incidentId: string;
const taskIds: string[] = [];
const jobIds: string[] = [];

interface Case {
  method: string;
  path: () => string;
  options?: () => RequestOptions;
  /** Tokens refused with 403 (none for operations any valid token may call). */
  wrong: string[];
  right: string;
  expected: number;
}

const json = (value: unknown) => () => ({ json: value });

const CASES: Record<string, Case> = {
  listProcesses: { method: 'GET', path: () => '/api/processes', wrong: [], right: TOKENS.nobody, expected: 200 },
  getProcess: { method: 'GET', path: () => '/api/processes/order-to-cash', wrong: [], right: TOKENS.director, expected: 200 },
  getProcessXml: { method: 'GET', path: () => '/api/processes/order-to-cash/versions/1/xml', wrong: [], right: TOKENS.erp, expected: 200 },
  deploy: {
    method: 'POST', path: () => '/api/deployments?name=order.bpmn',
    options: () => ({ body: XML.replace('isExecutable', 'name="Order" isExecutable'), headers: { 'content-type': 'application/xml' } }),
    wrong: [TOKENS.erp, TOKENS.nobody, TOKENS.director], right: TOKENS.designer, expected: 201,
  },
  // any valid token reaches the handler, which answers 404 for a deployment that stored nothing
  getDeployment: { method: 'GET', path: () => '/api/deployments/none', wrong: [], right: TOKENS.nobody, expected: 404 },
  analyseImpact: {
    method: 'POST', path: () => '/api/impact?name=order.bpmn',
    options: () => ({ body: XML, headers: { 'content-type': 'application/xml' } }),
    wrong: [TOKENS.erp, TOKENS.nobody, TOKENS.director], right: TOKENS.designer, expected: 200,
  },
  diffVersions: { method: 'GET', path: () => '/api/processes/order-to-cash/versions/1/diff?to=1', wrong: [], right: TOKENS.erp, expected: 200 },
  listDecisions: { method: 'GET', path: () => '/api/decisions', wrong: [], right: TOKENS.nobody, expected: 200 },
  // the fake library deploys no decisions: any valid token reaches the handler, which answers 404
  getDecision: { method: 'GET', path: () => '/api/decisions/dish', wrong: [], right: TOKENS.nobody, expected: 404 },
  getDecisionXml: { method: 'GET', path: () => '/api/decisions/dish/versions/1/xml', wrong: [], right: TOKENS.erp, expected: 404 },
  listGroups: { method: 'GET', path: () => '/api/groups', wrong: [TOKENS.erp, TOKENS.nobody, TOKENS.director], right: TOKENS.designer, expected: 200 },
  startInstance: { method: 'POST', path: () => '/api/processes/order-to-cash/instances', options: json({ businessKey: 'X-1' }), wrong: [TOKENS.designer, TOKENS.director], right: TOKENS.erp, expected: 201 },
  postOrder: { method: 'POST', path: () => '/api/orders', options: json({ ...ORDER, orderNo: 'SO-2' }), wrong: [TOKENS.designer, TOKENS.vp, TOKENS.nobody], right: TOKENS.erp, expected: 201 },
  postOrderChange: { method: 'POST', path: () => '/api/orders/SO-1/changes', options: json({ description: 'new logo' }), wrong: [TOKENS.designer, TOKENS.procurement, TOKENS.nobody], right: TOKENS.erp, expected: 201 },
  getOrderChanges: { method: 'GET', path: () => '/api/orders/SO-1/changes', wrong: [], right: TOKENS.nobody, expected: 200 },
  // any valid token reaches the handler, which answers 404 for a change the order does not have
  getOrderChange: { method: 'GET', path: () => '/api/orders/SO-1/changes/CRM-NONE', wrong: [], right: TOKENS.nobody, expected: 404 },
  listInstances: { method: 'GET', path: () => '/api/instances', wrong: [], right: TOKENS.nobody, expected: 200 },
  getInstance: { method: 'GET', path: () => `/api/instances/${instanceId}`, wrong: [], right: TOKENS.vp, expected: 200 },
  cancelInstance: { method: 'POST', path: () => `/api/instances/${instanceId}/cancel`, options: json({ reason: 'customer withdrew' }), wrong: [TOKENS.designer, TOKENS.director, TOKENS.operations], right: TOKENS.erp, expected: 200 },
  listIncidents: { method: 'GET', path: () => '/api/incidents?businessKey=SO-6', wrong: [], right: TOKENS.nobody, expected: 200 },
  listRefusedAttempts: { method: 'GET', path: () => '/api/audit/refused?actor=dirk', wrong: [TOKENS.director, TOKENS.erp, TOKENS.designer, TOKENS.nobody], right: TOKENS.operations, expected: 200 },
  getIncident: { method: 'GET', path: () => `/api/incidents/${incidentId}`, wrong: [], right: TOKENS.nobody, expected: 200 },
  retryIncident: { method: 'POST', path: () => `/api/incidents/${incidentId}/retry`, options: json({ retries: 2 }), wrong: [TOKENS.erp, TOKENS.designer, TOKENS.vp], right: TOKENS.operations, expected: 200 },
  listTasks: { method: 'GET', path: () => '/api/tasks?candidateGroup=sales-director', wrong: [], right: TOKENS.director, expected: 200 },
  getTask: { method: 'GET', path: () => `/api/tasks/${taskIds[1]}`, wrong: [], right: TOKENS.nobody, expected: 200 },
  getMe: { method: 'GET', path: () => '/api/me', wrong: [], right: TOKENS.nobody, expected: 200 },
  completeTask: {
    method: 'POST', path: () => `/api/tasks/${taskIds[0]}/complete`, options: json({ variables: { approved: true } }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer], right: TOKENS.director, expected: 200,
  },
  // after completeTask: its decision, readable as the instance's history is
  getTaskCompletion: { method: 'GET', path: () => `/api/tasks/${taskIds[0]}/completion`, wrong: [], right: TOKENS.nobody, expected: 200 },
  // the engine refuses whom the task is not offered to (the fake as the runtime does)
  claimTask: { method: 'POST', path: () => `/api/tasks/${taskIds[1]}/claim`, wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer], right: TOKENS.director, expected: 200 },
  // after claimTask: only its claimant (or operations) gives it back
  unclaimTask: { method: 'POST', path: () => `/api/tasks/${taskIds[1]}/unclaim`, wrong: [TOKENS.vp, TOKENS.designer], right: TOKENS.director, expected: 200 },
  fetchAndLockJobs: { method: 'POST', path: () => '/api/jobs/fetch-and-lock', options: json({ type: 'shipping', workerId: 'w1' }), wrong: [TOKENS.designer, TOKENS.director], right: TOKENS.erp, expected: 200 },
  completeJob: { method: 'POST', path: () => `/api/jobs/${jobIds[0]}/complete`, options: json({ variables: { planned: true } }), wrong: [TOKENS.designer, TOKENS.procurement], right: TOKENS.erp, expected: 200 },
  failJob: { method: 'POST', path: () => `/api/jobs/${jobIds[1]}/failure`, options: json({ message: 'ERP down', retries: 2 }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 200 },
  throwJobError: { method: 'POST', path: () => `/api/jobs/${jobIds[2]}/bpmn-error`, options: json({ errorCode: 'ARTICLE_BLOCKED' }), wrong: [TOKENS.designer, TOKENS.production], right: TOKENS.erp, expected: 200 },
  correlateMessage: { method: 'POST', path: () => '/api/messages', options: json({ name: 'PaymentReceived', businessKey: 'SO-1' }), wrong: [TOKENS.designer, TOKENS.vp], right: TOKENS.erp, expected: 200 },
  // the fake engine keeps no order resource and no job locks: the right caller reaches the engine and gets its 404
  listOrders: { method: 'GET', path: () => '/api/orders?status=in-planning', wrong: [], right: TOKENS.nobody, expected: 200 },
  getOrder: { method: 'GET', path: () => '/api/orders/SO-1', wrong: [], right: TOKENS.nobody, expected: 404 },
  cancelOrder: { method: 'POST', path: () => '/api/orders/SO-1/cancel', options: json({ reason: 'customer withdrew' }), wrong: [TOKENS.designer, TOKENS.vp, TOKENS.operations], right: TOKENS.erp, expected: 404 },
  extendJobLock: { method: 'POST', path: () => '/api/jobs/missing/extend-lock', options: json({ workerId: 'w1', lockMs: 5000 }), wrong: [TOKENS.designer, TOKENS.production], right: TOKENS.erp, expected: 404 },
  unlockJob: { method: 'POST', path: () => '/api/jobs/missing/unlock', wrong: [TOKENS.designer, TOKENS.production], right: TOKENS.erp, expected: 404 },
  // order events for integration; webhooks for operators (the fake keeps no subscriptions: the right caller gets its 404)
  listOrderEvents: { method: 'GET', path: () => '/api/events?after=0', wrong: [TOKENS.designer, TOKENS.vp, TOKENS.operations], right: TOKENS.erp, expected: 200 },
  listWebhooks: { method: 'GET', path: () => '/api/webhooks', wrong: [TOKENS.erp, TOKENS.designer, TOKENS.vp], right: TOKENS.operations, expected: 200 },
  createWebhook: { method: 'POST', path: () => '/api/webhooks', options: json({ url: 'http://127.0.0.1:9/hooks' }), wrong: [TOKENS.erp, TOKENS.designer, TOKENS.director], right: TOKENS.operations, expected: 201 },
  getWebhook: { method: 'GET', path: () => '/api/webhooks/missing', wrong: [TOKENS.erp, TOKENS.vp], right: TOKENS.operations, expected: 404 },
  deleteWebhook: { method: 'DELETE', path: () => '/api/webhooks/missing', wrong: [TOKENS.erp, TOKENS.designer], right: TOKENS.operations, expected: 404 },
  listWebhookDeliveries: { method: 'GET', path: () => '/api/webhooks/missing/deliveries', wrong: [TOKENS.erp, TOKENS.vp], right: TOKENS.operations, expected: 404 },
  listWebhookChanges: { method: 'GET', path: () => '/api/webhooks/missing/changes', wrong: [TOKENS.erp, TOKENS.designer], right: TOKENS.operations, expected: 404 },
  listDeadLetters: { method: 'GET', path: () => '/api/webhook-deliveries/dead', wrong: [TOKENS.erp, TOKENS.designer], right: TOKENS.operations, expected: 200 },
  redeliverWebhook: { method: 'POST', path: () => '/api/webhook-deliveries/missing/redeliver', wrong: [TOKENS.erp, TOKENS.procurement], right: TOKENS.operations, expected: 404 },
  camunda7FetchAndLock: {
    method: 'POST', path: () => '/engine-rest/external-task/fetchAndLock', options: json({ workerId: 'w1', topics: [{ topicName: 'no-such-topic', lockDuration: 5000 }] }),
    wrong: [TOKENS.designer, TOKENS.director], right: TOKENS.erp, expected: 200,
  },
  camunda7Complete: { method: 'POST', path: () => '/engine-rest/external-task/missing/complete', options: json({ workerId: 'w1' }), wrong: [TOKENS.designer, TOKENS.procurement], right: TOKENS.erp, expected: 404 },
  camunda7Failure: { method: 'POST', path: () => '/engine-rest/external-task/missing/failure', options: json({ workerId: 'w1', retries: 1 }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  camunda7BpmnError: { method: 'POST', path: () => '/engine-rest/external-task/missing/bpmnError', options: json({ workerId: 'w1', errorCode: 'X' }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  camunda7ExtendLock: { method: 'POST', path: () => '/engine-rest/external-task/missing/extendLock', options: json({ workerId: 'w1', newDuration: 5000 }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  camunda7Lock: { method: 'POST', path: () => '/engine-rest/external-task/missing/lock', options: json({ workerId: 'w1', lockDuration: 5000 }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  camunda7Unlock: { method: 'POST', path: () => '/engine-rest/external-task/missing/unlock', wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  camunda7Message: { method: 'POST', path: () => '/engine-rest/message', options: json({ messageName: 'PaymentReceived', businessKey: 'SO-1' }), wrong: [TOKENS.designer, TOKENS.vp], right: TOKENS.erp, expected: 204 },
  // the integration role reaches the handler, which answers 404 for an instance it does not know
  camunda7DeleteProcessInstance: { method: 'DELETE', path: () => '/engine-rest/process-instance/missing?deleteReason=withdrawn', wrong: [TOKENS.designer, TOKENS.director, TOKENS.operations], right: TOKENS.erp, expected: 404 },
  camunda7ListIncidents: { method: 'GET', path: () => `/engine-rest/incident?incidentId=${incidentId}`, wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda7CountIncidents: { method: 'GET', path: () => '/engine-rest/incident/count', wrong: [], right: TOKENS.nobody, expected: 200 },
  // Camunda 7's task routes are the runtime's task calls, as /api/tasks: the engine refuses whom the task is not
  // offered to, and anyone naming another user (assign-to-other)
  camunda7ListTasks: { method: 'GET', path: () => '/engine-rest/task', wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda7CountTasks: { method: 'GET', path: () => '/engine-rest/task/count', wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda7QueryTasks: { method: 'POST', path: () => '/engine-rest/task', options: json({ candidateGroup: 'sales-director' }), wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda7QueryTasksCount: { method: 'POST', path: () => '/engine-rest/task/count', options: json({ unassigned: true }), wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda7GetTask: { method: 'GET', path: () => `/engine-rest/task/${taskIds[1]}`, wrong: [], right: TOKENS.director, expected: 200 },
  camunda7ClaimTask: {
    method: 'POST', path: () => `/engine-rest/task/${taskIds[4]}/claim`, options: json({ userId: 'dirk' }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer, TOKENS.operations], right: TOKENS.director, expected: 204,
  },
  // after camunda7ClaimTask: a no-op for its holder
  camunda7SetAssignee: {
    method: 'POST', path: () => `/engine-rest/task/${taskIds[4]}/assignee`, options: json({ userId: 'dirk' }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer], right: TOKENS.director, expected: 204,
  },
  // only its holder (or operations) gives it back
  camunda7UnclaimTask: { method: 'POST', path: () => `/engine-rest/task/${taskIds[4]}/unclaim`, wrong: [TOKENS.vp, TOKENS.designer], right: TOKENS.director, expected: 204 },
  camunda7CompleteTask: {
    method: 'POST', path: () => `/engine-rest/task/${taskIds[5]}/complete`, options: json({ variables: { approved: { value: true, type: 'Boolean' } } }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer], right: TOKENS.director, expected: 204,
  },
  // the operations role reaches the handler, which answers 404 for a task it does not know
  camunda7SetRetries: { method: 'PUT', path: () => '/engine-rest/external-task/missing/retries', options: json({ retries: 1 }), wrong: [TOKENS.erp, TOKENS.designer, TOKENS.vp, TOKENS.nobody], right: TOKENS.operations, expected: 404 },
  camunda8ActivateJobs: {
    method: 'POST', path: () => '/v2/jobs/activation', options: json({ type: 'no-such-type', worker: 'w1', timeout: 5000, maxJobsToActivate: 1, requestTimeout: -1 }),
    wrong: [TOKENS.designer, TOKENS.director], right: TOKENS.erp, expected: 200,
  },
  camunda8GetIncident: { method: 'GET', path: () => `/v2/incidents/${incidentId}`, wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda8SearchIncidents: { method: 'POST', path: () => '/v2/incidents/search', options: json({ filter: { state: 'ACTIVE' } }), wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda8SearchProcessInstanceIncidents: { method: 'POST', path: () => `/v2/process-instances/${failingInstanceId}/incidents/search`, options: json({}), wrong: [], right: TOKENS.nobody, expected: 200 },
  // the operations role reaches the handler, which answers 404 for a key it does not know
  camunda8ResolveIncident: { method: 'POST', path: () => '/v2/incidents/missing/resolution', options: json({}), wrong: [TOKENS.erp, TOKENS.designer, TOKENS.vp, TOKENS.nobody], right: TOKENS.operations, expected: 404 },
  // the runtime's task calls, as /api/tasks: the engine refuses whom the task is not offered to, and anyone naming another assignee
  camunda8CompleteUserTask: {
    method: 'POST', path: () => `/v2/user-tasks/${taskIds[2]}/completion`, options: json({ variables: { approved: true } }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer], right: TOKENS.director, expected: 204,
  },
  camunda8AssignUserTask: {
    method: 'POST', path: () => `/v2/user-tasks/${taskIds[3]}/assignment`, options: json({ assignee: 'dirk' }),
    wrong: [TOKENS.vp, TOKENS.erp, TOKENS.designer, TOKENS.operations], right: TOKENS.director, expected: 204,
  },
  // after camunda8AssignUserTask: only its holder (or operations) gives it back
  camunda8UnassignUserTask: { method: 'DELETE', path: () => `/v2/user-tasks/${taskIds[3]}/assignee`, wrong: [TOKENS.vp, TOKENS.designer], right: TOKENS.director, expected: 204 },
  camunda8SearchUserTasks: { method: 'POST', path: () => '/v2/user-tasks/search', options: json({ filter: { state: 'CREATED' } }), wrong: [], right: TOKENS.nobody, expected: 200 },
  camunda8CompleteJob: { method: 'POST', path: () => '/v2/jobs/missing/completion', options: json({ variables: {} }), wrong: [TOKENS.designer, TOKENS.procurement], right: TOKENS.erp, expected: 404 },
  camunda8FailJob: { method: 'POST', path: () => '/v2/jobs/missing/failure', options: json({ retries: 1, errorMessage: 'down' }), wrong: [TOKENS.designer], right: TOKENS.erp, expected: 404 },
  // retries are the operator's: the worker's token is refused too (by the handler); the operator reaches the engine's 404
  camunda8UpdateJob: { method: 'PATCH', path: () => '/v2/jobs/missing', options: json({ changeset: { retries: 2 } }), wrong: [TOKENS.erp, TOKENS.designer, TOKENS.vp, TOKENS.nobody], right: TOKENS.operations, expected: 404 },
  camunda8ThrowJobError: { method: 'POST', path: () => '/v2/jobs/missing/error', options: json({ errorCode: 'X' }), wrong: [TOKENS.designer, TOKENS.vp], right: TOKENS.erp, expected: 404 },
  camunda8CreateProcessInstance: { method: 'POST', path: () => '/v2/process-instances', options: json({ processDefinitionId: 'order-to-cash', businessId: 'C8-X-1' }), wrong: [TOKENS.designer, TOKENS.director], right: TOKENS.erp, expected: 200 },
  camunda8CancelProcessInstance: {
    method: 'POST', path: () => '/v2/process-instances/missing/cancellation', options: json({ reason: 'withdrawn' }),
    wrong: [TOKENS.designer, TOKENS.director, TOKENS.operations], right: TOKENS.erp, expected: 404,
  },
  camunda8PublishMessage: {
    method: 'POST', path: () => '/v2/messages/publication', options: json({ name: 'PaymentReceived', correlationKey: 'SO-1', timeToLive: 60_000 }),
    wrong: [TOKENS.designer, TOKENS.vp], right: TOKENS.erp, expected: 200,
  },
  health: { method: 'GET', path: () => '/healthz', wrong: [], right: '', expected: 200 },
  metrics: { method: 'GET', path: () => '/metrics', wrong: [], right: '', expected: 200 },
  openapi: { method: 'GET', path: () => '/api/openapi.json', wrong: [], right: '', expected: 200 },
};

beforeAll(async () => {
  server = await startFakeServer();
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=otc.bpmn', { token: TOKENS.designer, body: XML, headers: { 'content-type': 'application/xml' } });
  expect(deployed.status).toBe(201);
  const first = await api.post<InstanceView>('/api/orders', TOKENS.erp, ORDER);
  expect(first.status).toBe(201);
  const second = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-3' });
  const third = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-4' });
  const fourth = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-5' });
  const fifth = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-7' });
  const sixth = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-8' });
  const seventh = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-9' });
  // each operation gets resources of its own, so the order of the tests does not matter
  instanceId = second.body.id;
  const failing = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-6' });
  failingInstanceId = failing.body.id;
  const failingJob = failing.body.waiting.find((w) => w.type === 'job')!.jobId;
  expect((await api.post(`/api/jobs/${failingJob}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0 })).status).toBe(200);
  incidentId = (await api.get<{ items: IncidentView[] }>('/api/incidents?businessKey=SO-6', TOKENS.nobody)).body.items[0].id;
  for (const order of [first, third, fourth, fifth, sixth, seventh]) {
    taskIds.push(order.body.waiting.find((w) => w.type === 'task')!.taskId!);
    jobIds.push(order.body.waiting.find((w) => w.type === 'job')!.jobId!);
  }
});

afterAll(() => server.close());

describe('authorization matrix', () => {
  it('covers every operation of the API', () => {
    expect(Object.keys(CASES).sort()).toEqual(OPERATIONS.map((op) => op.id).sort());
  });

  for (const op of OPERATIONS) {
    const testCase = CASES[op.id];
    if (op.access.kind === 'public') {
      it(`${op.id}: answers without a token`, async () => {
        const response = await api.request(testCase.method, testCase.path(), testCase.options?.() ?? {});
        expect(response.status).toBe(testCase.expected);
      });
      continue;
    }
    it(`${op.id}: refuses a request without a token (401, WWW-Authenticate: Bearer)`, async () => {
      const response = await api.request(testCase.method, testCase.path(), testCase.options?.() ?? {});
      expect(response.status).toBe(401);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
    it(`${op.id}: refuses an unknown token and a malformed Authorization header (401)`, async () => {
      for (const authorization of ['Bearer not-a-real-token', 'Basic ZXJwOmRlbW8=', `Bearer ${TOKENS.erp}x`, `bearer${TOKENS.erp}`]) {
        const response = await api.request(testCase.method, testCase.path(), { ...testCase.options?.(), headers: { ...testCase.options?.().headers, authorization } });
        expect(response.status, authorization).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });
    for (const token of testCase.wrong) {
      it(`${op.id}: refuses ${token} (403)`, async () => {
        const response = await api.request(testCase.method, testCase.path(), { ...testCase.options?.(), token });
        expect(response.status).toBe(403);
        expect(problemOf(response).detail).toBeTruthy();
      });
    }
    it(`${op.id}: serves ${testCase.right} (${testCase.expected})`, async () => {
      const response = await api.request(testCase.method, testCase.path(), { ...testCase.options?.(), token: testCase.right });
      expect(response.status, response.text).toBe(testCase.expected);
    });
  }
});

describe('the Authorization scheme', () => {
  // RFC 9110 §11.1: the auth-scheme is case-insensitive; HTTP libraries send `bearer` as often as `Bearer`.
  it('takes "Bearer" in any case, followed by one or more spaces', async () => {
    for (const authorization of [`bearer ${TOKENS.erp}`, `BEARER ${TOKENS.erp}`, `Bearer  ${TOKENS.erp}`]) {
      const response = await api.request('GET', '/api/me', { headers: { authorization } });
      expect(response.status, authorization).toBe(200);
      expect(response.body).toMatchObject({ name: 'erp' });
    }
  });

  // Node keeps the first of two Authorization headers and drops the second without a word: a proxy adding its own
  // credentials after a caller's would have the caller's served
  it('refuses a request with two Authorization headers (400 invalid_request), whichever comes first', async () => {
    for (const [first, second] of [[TOKENS.nobody, TOKENS.operations], [TOKENS.operations, TOKENS.nobody]]) {
      const answer = await rawRequest(`GET /api/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${first}\r\nAuthorization: Bearer ${second}\r\nConnection: close\r\n\r\n`);
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(answer).toMatch(/^WWW-Authenticate: Bearer realm="stratum", error="invalid_request"$/mi);
      expect(answer).toContain('"detail":"Send one Authorization header; this request has 2."');
    }
  });
});

/** The whole answer to `request`, written as is (fetch joins repeated headers into one). */
function rawRequest(request: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}
