// Controls that hold on every route in, for every role, over HTTP against the
// real server and the shipped library: the attempts the other files of this
// folder leave out — Camunda 7 and 8 routes of every kind, Camunda routes that
// Stratum does not serve, Camunda fields it does not take (local variables,
// start instructions, tenants), look-alike order numbers, odd variable types,
// amendments, races between routes.
// Each row is an attempt with the refusal it must get and what must not have
// happened (or what the history must show). "Reproduced bypass": it got through.
//   1. Prepaid at entry: nothing goes to planning before PaymentReceived.
//   2. Prepaid at shipment: the warehouse cannot ship an unpaid order, nor a prepaid order's unpaid raise.
//   3. Approval tiers hold through amendments; prepaid orders stay exempt.
//   4. Four eyes: whoever started a request through a Camunda message does not review it.
//   5. An open change holds the order's jobs on every worker route.
//   6. No Camunda route completes a task or writes a variable around the controls.
//   7. Odd variable types and shapes change nothing.
//   8. Races between routes: one wins, the history says which.
//   9. A special change goes on only once every department has acknowledged it, and never on its requester's word.
//  10. A claim gives no right to decide, and nobody decides around someone else's claim; a claim of a task on
//      hold is taken (it moves nothing), its decision still refused until the incident is retried.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, IncidentView, JobView, OrderChangesView, OrderView, TaskView } from '../../../engine/api.js';
import { expectedRefusalStatus, problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { HELD_APPROVAL_FILES } from '../../support/held-approvals.js';
import { objectWith } from '../../support/matchers.js';
import { refusalMembers } from '../support/task-refusal.js';

/** root: a user in every group (an administrator). */
const ADMIN = 'test-every-route-admin-token';
/** a second vice-president, for two approvers racing on one task */
const VP_TWO = 'test-every-route-second-vp-token';

/** A request reviewed by one separated task, started by its message (from any message route). */
const REVIEWED_REQUEST = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_requested_review" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_review" name="ReviewAsked" />
  <bpmn:process id="requested-review" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="Review" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Asked"><bpmn:messageEventDefinition messageRef="Msg_review" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Asked" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review the request">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="Done" />
    <bpmn:endEvent id="Done" name="Done" />
  </bpmn:process>
</bpmn:definitions>`;

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [
    ...TEST_USERS.users,
    { name: 'root', token: ADMIN, groups: ['designer', 'integration', 'operations', 'sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
    { name: 'viktor', token: VP_TWO, groups: ['vice-president'] },
  ];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=requested-review.bpmn', {
    token: TOKENS.designer, body: REVIEWED_REQUEST, headers: { 'content-type': 'application/xml' },
  });
  expect(deployed.status, deployed.text).toBe(201);
  for (const { name, xml } of HELD_APPROVAL_FILES) {
    const held = await api.request('POST', `/api/deployments?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(held.status, held.text).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

const PLANNING = ['procurement-planning', 'production-planning'];
const ACKNOWLEDGERS = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection } as const;
const APPROVERS = { 'sales-director': TOKENS.director, 'vice-president': TOKENS.vp } as const;

async function enterOrder(amount: number, paymentTerms = 'credit', extra: Record<string, unknown> = {}): Promise<string> {
  const orderNo = `ER-${++orderCount}`;
  const response = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms, ...extra });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function order(orderNo: string): Promise<OrderView> {
  return (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
}

async function jobWaits(orderNo: string): Promise<string[]> {
  return (await order(orderNo)).waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType!).sort();
}

async function events(orderNo: string, event: string): Promise<HistoryEntry[]> {
  return (await order(orderNo)).history.filter((entry) => entry.event === event);
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${encodeURIComponent(orderNo)}`, TOKENS.erp)).body;
}

async function openGroups(orderNo: string): Promise<string[]> {
  return (await tasksOf(orderNo)).map((task) => task.candidateGroups.join(','));
}

async function decide(orderNo: string, group: keyof typeof APPROVERS, approved: boolean) {
  const [task] = (await tasksOf(orderNo)).filter((candidate) => candidate.candidateGroups.includes(group));
  const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, APPROVERS[group], { variables: { approved, ...(!approved && { comment: 'Credit limit exceeded.' }) } });
  expect(response.status, response.text).toBe(200);
}

/** Acknowledges the three departments' tasks of the order, except those of the instances in `besides`. */
async function acknowledgeAll(orderNo: string, besides: ReadonlySet<string> = new Set()) {
  const tasks = (await tasksOf(orderNo)).filter((task) => task.candidateGroups[0] in ACKNOWLEDGERS && !besides.has(task.instanceId));
  expect(tasks).toHaveLength(3);
  for (const task of tasks) {
    const token = ACKNOWLEDGERS[task.candidateGroups[0] as keyof typeof ACKNOWLEDGERS];
    const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, token, { variables: { acknowledged: true } });
    expect(response.status, response.text).toBe(200);
  }
}

async function change(orderNo: string, body: Record<string, unknown>) {
  const response = await api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'as the customer asked', ...body });
  expect(response.status, response.text).toBe(201);
}

async function changeStatuses(orderNo: string): Promise<string[]> {
  return (await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body.changes.map((one) => one.status);
}

/** Locks the order's jobs of `type` through Stratum's own route (only this order's). */
async function fetchJobs(type: string, orderNo: string): Promise<JobView[]> {
  return (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'every-route', max: 100, businessKey: orderNo })).body;
}

async function work(types: string[], orderNo: string) {
  for (const type of types) {
    const [job] = await fetchJobs(type, orderNo);
    expect(job, `a ${type} job of ${orderNo}`).toBeDefined();
    const response = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'every-route' });
    expect(response.status, response.text).toBe(200);
  }
}

/**
 * What each worker route hands out of the order's jobs of `type`: Stratum's, Camunda 7's (by business key) and
 * Camunda 8's (which has no filter). Each route's jobs are given back before the next route asks, those of other
 * orders that Camunda 8 locked too.
 */
async function fetchedOnEveryRoute(type: string, orderNo: string): Promise<Record<string, number>> {
  // given back by an operator: each route locked them for a worker of its own
  const unlock = async (ids: string[]) => {
    for (const id of ids) expect((await api.post(`/api/jobs/${encodeURIComponent(id)}/unlock`, TOKENS.operations)).status).toBe(204);
  };
  const stratum = await fetchJobs(type, orderNo);
  await unlock(stratum.map((job) => job.id));
  const camunda7 = await api.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
    workerId: 'every-route', maxTasks: 100, topics: [{ topicName: type, lockDuration: 60_000, businessKey: orderNo }],
  });
  expect(camunda7.status, camunda7.text).toBe(200);
  await unlock(camunda7.body.map((job) => job.id));
  const camunda8 = await api.post<{ jobs: { jobKey: string; variables: Record<string, unknown> }[] }>('/v2/jobs/activation', TOKENS.erp, {
    type, maxJobsToActivate: 100, timeout: 60_000, requestTimeout: -1,
  });
  expect(camunda8.status, camunda8.text).toBe(200);
  await unlock(camunda8.body.jobs.map((job) => job.jobKey));
  const mine = camunda8.body.jobs.filter((job) => job.variables.orderNo === orderNo);
  return { stratum: stratum.length, camunda7: camunda7.body.length, camunda8: mine.length };
}

const NONE_ON_ANY_ROUTE = { stratum: 0, camunda7: 0, camunda8: 0 };

/** One message, sent through Stratum's, Camunda 7's or Camunda 8's route (plain variables; Camunda 7 types them as Json). */
const MESSAGE_ROUTES = {
  stratum: (name: string, key: string, variables?: Record<string, unknown>) =>
    api.post('/api/messages', TOKENS.erp, { name, businessKey: key, ...(variables && { variables }) }),
  camunda7: (name: string, key: string, variables?: Record<string, unknown>) =>
    api.post('/engine-rest/message', TOKENS.erp, { messageName: name, businessKey: key, ...(variables && { processVariables: typed(variables) }) }),
  camunda8: (name: string, key: string, variables?: Record<string, unknown>) =>
    api.post('/v2/messages/publication', TOKENS.erp, { name, correlationKey: key, timeToLive: 3_600_000, ...(variables && { variables }) }),
};

function typed(variables: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value: JSON.stringify(value), type: 'Json' }]));
}

/** Every job route a worker completes or errors a job through, with `variables` (Camunda 7 typed as Json). */
function jobRoutes(jobId: string, variables: Record<string, unknown>): [string, () => Promise<ApiResponse>][] {
  const job = encodeURIComponent(jobId);
  return [
    ['Stratum complete', () => api.post(`/api/jobs/${job}/complete`, TOKENS.erp, { workerId: 'every-route', variables })],
    ['Stratum bpmn-error', () => api.post(`/api/jobs/${job}/bpmn-error`, TOKENS.erp, { workerId: 'every-route', errorCode: 'BLOCKED', variables })],
    ['Camunda 7 complete', () => api.post(`/engine-rest/external-task/${job}/complete`, TOKENS.erp, { workerId: 'every-route', variables: typed(variables) })],
    ['Camunda 7 bpmnError', () => api.post(`/engine-rest/external-task/${job}/bpmnError`, TOKENS.erp, { workerId: 'every-route', errorCode: 'BLOCKED', variables: typed(variables) })],
    ['Camunda 8 completion', () => api.post(`/v2/jobs/${job}/completion`, TOKENS.erp, { variables })],
    ['Camunda 8 error', () => api.post(`/v2/jobs/${job}/error`, TOKENS.erp, { errorCode: 'BLOCKED', variables })],
  ];
}

function expectRefused(response: ApiResponse, status: number, detail?: RegExp, what = '') {
  // 422 is 400 on Camunda 7's routes, as Camunda 7 answers a refused input
  expect(response.status, `${what} ${response.text}`).toBe(expectedRefusalStatus(response, status));
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  if (detail) expect(problemOf(response).detail, what).toMatch(detail);
}

interface IncidentPage {
  items: IncidentView[];
}

interface Row {
  attempt: string;
  run: () => Promise<void>;
}

// 1. Prepaid at entry.
const prepaidAtEntry: Row[] = [
  {
    attempt: 'a worker asks for planning before the payment on Stratum\'s, Camunda 7\'s and Camunda 8\'s route',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-entry');
      for (const type of PLANNING) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual(NONE_ON_ANY_ROUTE);
      expect(await jobWaits(orderNo)).toEqual([]);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');

      const paid = await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo);
      expect(paid.status, paid.text).toBe(200);
      for (const type of PLANNING) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual({ stratum: 1, camunda7: 1, camunda8: 1 });
      expect(await events(orderNo, 'message.correlated')).toEqual([objectWith({ actor: 'erp', data: objectWith({ name: 'PaymentReceived', businessKey: orderNo }) })]);
    },
  },
  {
    attempt: 'a payment for another order, or under a number no order has, on every message route',
    run: async () => {
      const unpaid = await enterOrder(2_000_000, 'prepaid-at-entry');
      const other = await enterOrder(2_000_000, 'prepaid-at-entry');
      for (const [route, send] of Object.entries(MESSAGE_ROUTES)) {
        const elsewhere = await send('PaymentReceived', other);
        expect([200, 202, 204], `${route}: ${elsewhere.text}`).toContain(elsewhere.status);
        expectRefused(await send('PaymentReceived', `${unpaid}-X`), 404, undefined, route);
        expectRefused(await send('PaymentReceived', unpaid.toLowerCase()), 404, undefined, route);
      }
      expect(await jobWaits(other)).toEqual(PLANNING);
      expect(await jobWaits(unpaid)).toEqual([]);
      for (const type of PLANNING) expect(await fetchedOnEveryRoute(type, unpaid), type).toEqual(NONE_ON_ANY_ROUTE);
      expect(await events(unpaid, 'message.correlated')).toEqual([]);
    },
  },
  {
    attempt: 'a payment without a business key, or with an empty one, on every message route',
    run: async () => {
      const unpaid = await enterOrder(80_000, 'prepaid-at-entry');
      const attempts = [
        () => api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived' }),
        () => api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: '' }),
        () => api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived' }),
        () => api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: '' }),
        () => api.post('/v2/messages/publication', TOKENS.erp, { name: 'PaymentReceived' }),
        () => api.post('/v2/messages/publication', TOKENS.erp, { name: 'PaymentReceived', correlationKey: '' }),
      ];
      for (const [index, send] of attempts.entries()) {
        const response = await send();
        expect([400, 422], `attempt ${index}: ${response.text}`).toContain(response.status);
      }
      expect(await jobWaits(unpaid)).toEqual([]);
    },
  },
  {
    attempt: 'create prepaid-entry-control or prepaid-shipment-control through Camunda 8, to have planning released without an order',
    run: async () => {
      for (const key of ['prepaid-entry-control', 'prepaid-shipment-control']) {
        const response = await api.post('/v2/process-instances', ADMIN, { processDefinitionId: key, businessId: `ER-DIRECT-${key}` });
        expectRefused(response, 409, /called by sales-order-management/, key);
        expect(problemOf(response).reason).toBe('called-process');
        expect((await api.get<{ total: number }>(`/api/instances?businessKey=ER-DIRECT-${key}`, TOKENS.erp)).body.total).toBe(0);
      }
    },
  },
  {
    attempt: 'a Camunda 7 payment under another order\'s number that reaches for the unpaid one with correlationKeys, localCorrelationKeys, processInstanceId, all, processVariablesLocal or a tenant',
    run: async () => {
      const unpaid = await enterOrder(2_000_000, 'prepaid-at-entry');
      const other = await enterOrder(80_000);
      const { instanceId } = await order(unpaid);
      const byNumber = { orderNo: { value: unpaid, type: 'String' } };
      for (const extra of [
        { correlationKeys: byNumber }, { localCorrelationKeys: byNumber }, { processInstanceId: instanceId },
        { processVariablesLocal: { paid: { value: true, type: 'Boolean' } } }, { processVariablesToTriggeredScope: { paid: { value: true, type: 'Boolean' } } }, { tenantId: 'other' },
      ]) {
        const response = await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: other, ...extra });
        expectRefused(response, 422, /not supported/i, JSON.stringify(extra));
        expect(problemOf(response).errors, JSON.stringify(extra)).toEqual([objectWith({ field: `/${Object.keys(extra)[0]}` })]);
      }
      // Camunda's all: true and withoutTenantId are honoured: they widen nothing past the business key
      for (const extra of [{ all: true }, { withoutTenantId: true }]) {
        const response = await api.post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: other, ...extra });
        expect(response.status, `${JSON.stringify(extra)} ${response.text}`).toBe(204);
      }
      expect(await jobWaits(unpaid)).toEqual([]);
      expect(await events(unpaid, 'message.correlated')).toEqual([]);
      expect(await events(unpaid, 'message.buffered')).toEqual([]);
      expect(await events(other, 'message.buffered')).toHaveLength(2); // kept for the order they name, and only there
    },
  },
  {
    attempt: 'a payment kept for another process under a number no order has yet, then an order entered under that number (the process running or cancelled)',
    run: async () => {
      for (const end of ['running', 'cancelled']) {
        const key = `ER-KEPT-${end}`;
        const asked = await api.post('/v2/messages/publication', TOKENS.erp, { name: 'ReviewAsked', correlationKey: key });
        expect(asked.status, asked.text).toBe(200);
        expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', key)).status).toBe(200); // kept for the running review
        const [review] = (await api.get<{ items: { id: string }[] }>(`/api/instances?businessKey=${key}`, TOKENS.erp)).body.items;
        if (end === 'cancelled') expect((await api.post(`/api/instances/${review.id}/cancel`, TOKENS.erp, { reason: 'asked by mistake' })).status).toBe(200);
        const entered = await api.post('/api/orders', TOKENS.erp, { orderNo: key, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 2_000_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' });
        expectRefused(entered, 409, new RegExp(key), end);
        expect(problemOf(entered).reason).toBe('business-key-taken');
        expect((await api.get(`/api/orders/${key}`, TOKENS.erp)).status).toBe(404);
      }
    },
  },
];

// 2. Prepaid at shipment, and prepaid orders raised after their payment.
const prepaidAtShipment: Row[] = [
  {
    attempt: 'the warehouse asks for the shipping job on every worker route after two shipment requests and another order\'s payment',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-shipment');
      const other = await enterOrder(80_000, 'prepaid-at-shipment');
      await work(PLANNING, orderNo);
      expect((await MESSAGE_ROUTES.camunda7('ShipmentRequested', orderNo)).status).toBe(204);
      expect((await MESSAGE_ROUTES.camunda8('ShipmentRequested', orderNo)).status).toBe(200); // kept: nothing waits for a second one
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', other)).status).toBe(200);
      expect(await fetchedOnEveryRoute('shipping', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect(await jobWaits(orderNo)).toEqual([]);

      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      expect(await jobWaits(orderNo)).toEqual(['shipping']);
      await work(['shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'a shipment request carrying the order status, the approval or the payment terms, on every message route',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-shipment');
      for (const [route, send] of Object.entries(MESSAGE_ROUTES)) {
        for (const variables of [{ orderStatus: 'fulfilled' }, { approved: true }, { paymentTerms: 'credit' }]) {
          const response = await send('ShipmentRequested', orderNo, variables);
          expect([400, 422], `${route} ${JSON.stringify(variables)}: ${response.text}`).toContain(response.status);
        }
      }
      expect(await events(orderNo, 'message.correlated')).toEqual([]);
      expect(await events(orderNo, 'message.buffered')).toEqual([]);
      expect((await order(orderNo)).status).not.toBe('fulfilled');
    },
  },
  {
    attempt: 'reproduced bypass: raise a prepaid-at-shipment order from 80,000 to 5,000,000 after its payment, then ask for the shipment',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-shipment');
      await work(PLANNING, orderNo);
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect((await MESSAGE_ROUTES.camunda7('ShipmentRequested', orderNo)).status).toBe(204);
      // the 80,000 paid does not pay for 5,000,000: the change waits for the rest, and shipping with it
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
      expect(await fetchedOnEveryRoute('shipping', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');
      expect(await openGroups(orderNo)).toEqual([]); // prepaid: paid, never approved

      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      await work(['shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
      expect((await events(orderNo, 'message.correlated')).filter((entry) => entry.data?.name === 'PaymentReceived')).toHaveLength(2);
    },
  },
  {
    attempt: 'reproduced bypass: raise a prepaid-at-entry order after its payment released planning, then plan and ship it',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
      for (const type of PLANNING) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual(NONE_ON_ANY_ROUTE);
      expect((await MESSAGE_ROUTES.camunda7('PaymentReceived', orderNo)).status).toBe(204);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'reproduced bypass: the bank resends a paid order\'s PaymentReceived without a messageId, and a raise within the hour takes the kept copy as its payment',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-shipment');
      await work(PLANNING, orderNo);
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200); // nothing waits: kept for an hour
      expect(await events(orderNo, 'message.buffered')).toHaveLength(1);
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      // the copy was received before the raise was requested: it is not the raise's payment
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
      expect(await fetchedOnEveryRoute('shipping', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');

      expect((await MESSAGE_ROUTES.camunda7('PaymentReceived', orderNo)).status).toBe(204);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      await work(['shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'pay for a raise while its acknowledgements are still open: the payment is kept and pays the raise once they are in',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(202);
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'a raise paid with a payment kept while its acknowledgements were open is in force: a later change without an amount asks no payment',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(202);
      await acknowledgeAll(orderNo);
      await change(orderNo, { description: 'deliver to the second gate' });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'pay an unpaid prepaid order while its raise is being acknowledged: that payment is the order\'s first, and the raise waits for its own',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200); // the order's own catch waits
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
      for (const type of PLANNING) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual(NONE_ON_ANY_ROUTE);
      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
    },
  },
  {
    attempt: 'raise a prepaid order before its payment arrives: the one payment pays the order as it then stands, and no more is asked',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      await change(orderNo, { description: 'sixty times the quantity', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
    },
  },
  {
    attempt: 'lower a paid prepaid order, or change it without an amount: nothing more is due, and the order goes on',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-shipment');
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await change(orderNo, { description: 'half the quantity', amount: 40_000 });
      await acknowledgeAll(orderNo);
      await change(orderNo, { description: 'other labels' });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work(PLANNING, orderNo);
      expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      expect(await jobWaits(orderNo)).toEqual(['shipping']);
    },
  },
  ...(['prepaid-at-entry', 'prepaid-at-shipment'] as const).map((terms): Row => ({
    attempt: `reproduced bypass: lower an unpaid ${terms} order of 5,000,000 to 80,000, pay that, then raise it back to 5,000,000 and ship it`,
    run: async () => {
      const orderNo = await enterOrder(5_000_000, terms);
      await change(orderNo, { description: 'a sixtieth of the quantity', amount: 80_000 });
      await acknowledgeAll(orderNo);
      // the one payment pays the order as it then stands: 80,000
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await work(PLANNING, orderNo);
      await change(orderNo, { description: 'the whole quantity again', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      if (terms === 'prepaid-at-shipment') expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      // 5,000,000 was entered, but never in force when a payment came: the raise is paid for before anything ships
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'acknowledged']);
      expect(await fetchedOnEveryRoute('shipping', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');

      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work(['shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  })),
  ...(['prepaid-at-entry', 'prepaid-at-shipment'] as const).map((terms): Row => ({
    attempt: `reproduced bypass: lower an unpaid ${terms} order of 5,000,000 to 80,000, ask to raise it back to 5,000,000 while still unpaid, pay while the raise is being acknowledged, then ship it`,
    run: async () => {
      const orderNo = await enterOrder(5_000_000, terms);
      await change(orderNo, { description: 'a sixtieth of the quantity', amount: 80_000 });
      await acknowledgeAll(orderNo);
      // asked for before any payment, when 5,000,000 was the highest amount in force so far
      await change(orderNo, { description: 'the whole quantity again', amount: 5_000_000 });
      // the order's own catch waits: this payment pays the order as it now stands, 80,000, not the raise still open
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      await acknowledgeAll(orderNo);
      if (terms === 'prepaid-at-shipment') expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'acknowledged']);
      for (const type of [...PLANNING, 'shipping']) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual(NONE_ON_ANY_ROUTE);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');

      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  })),
  ...(['prepaid-at-entry', 'prepaid-at-shipment'] as const).map((terms): Row => ({
    attempt: `reproduced bypass: lower an unpaid ${terms} order of 5,000,000 with a special change at entry to 80,000, pay that while the payment is kept (nothing waits for it yet), raise it back to 5,000,000, then let the order take the kept payment`,
    run: async () => {
      const orderNo = await enterOrder(5_000_000, terms, { specialChange: { description: 'paint in RAL 5015' } });
      // the special change at entry is being acknowledged: the order's payment catch is not open yet
      const atEntry = new Set((await tasksOf(orderNo)).map((task) => task.instanceId));
      await change(orderNo, { description: 'a sixtieth of the quantity', amount: 80_000 });
      await acknowledgeAll(orderNo, atEntry);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      // sent while the order stood at 80,000: kept, since nothing waits for it
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(202);
      await change(orderNo, { description: 'the whole quantity again', amount: 5_000_000 });
      await acknowledgeAll(orderNo, atEntry);
      await acknowledgeAll(orderNo);
      // the order took the kept payment, which paid 80,000: the raise waits for a payment of its own
      const payments = (await events(orderNo, 'message.correlated')).filter((entry) => entry.data!.name === 'PaymentReceived');
      expect(payments).toEqual([objectWith({ data: objectWith({ buffered: true }) })]);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'acknowledged']);
      expect(await fetchedOnEveryRoute('procurement-planning', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');

      expect((await MESSAGE_ROUTES.camunda8('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work(PLANNING, orderNo);
      if (terms === 'prepaid-at-shipment') expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      await work(['shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  })),
  {
    attempt: 'reproduced bypass: ask to lower an unpaid order of 5,000,000 to 80,000 and, before that is acknowledged, to raise it back; pay once the lowering is in force, then ship it',
    run: async () => {
      const orderNo = await enterOrder(5_000_000, 'prepaid-at-shipment');
      await change(orderNo, { description: 'a sixtieth of the quantity', amount: 80_000 });
      // asked for while 5,000,000 is still the amount in force: the lowering before it is open
      await change(orderNo, { description: 'the whole quantity again', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'open']);
      // the order stands at 80,000 when this payment comes
      expect((await MESSAGE_ROUTES.camunda7('PaymentReceived', orderNo)).status).toBe(204);
      await acknowledgeAll(orderNo);
      expect((await MESSAGE_ROUTES.stratum('ShipmentRequested', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'acknowledged']);
      for (const type of [...PLANNING, 'shipping']) expect(await fetchedOnEveryRoute(type, orderNo), type).toEqual(NONE_ON_ANY_ROUTE);

      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(200);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
  {
    attempt: 'pay a prepaid-at-entry order of 5,000,000 while its special change at entry is acknowledged (the payment kept), lower it to 80,000 before it takes the payment, then raise it back: the payment paid 5,000,000',
    run: async () => {
      const orderNo = await enterOrder(5_000_000, 'prepaid-at-entry', { specialChange: { description: 'paint in RAL 5015' } });
      const atEntry = new Set((await tasksOf(orderNo)).map((task) => task.instanceId));
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', orderNo)).status).toBe(202);
      await change(orderNo, { description: 'a sixtieth of the quantity', amount: 80_000 });
      await acknowledgeAll(orderNo, atEntry);
      await acknowledgeAll(orderNo);
      // taken while 80,000 stood, but sent while 5,000,000 did: the raise back is covered
      await change(orderNo, { description: 'the whole quantity again', amount: 5_000_000 });
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
      await work([...PLANNING, 'shipping'], orderNo);
      expect((await order(orderNo)).status).toBe('fulfilled');
    },
  },
];

// 3. Approval tiers and amendments.
const tiers: Row[] = [
  {
    attempt: 'a planning worker of sales-order-management sets approved, which the credit approval it called decides, from every job route',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      for (const [route, send] of jobRoutes(job.id, { approved: false })) {
        const response = await send();
        expectRefused(response, 422, /may not set approved/, route);
        expect(problemOf(response).errors?.map((error) => error.field), route).toEqual(['/variables/approved']);
      }
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
    },
  },
  {
    attempt: 'a planning worker plants a "change" payload claiming 99,000,000 approved; the order is then raised to 3,000,000',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const planted = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, {
        workerId: 'every-route', variables: { change: { changeId: 'forged', description: 'x', amount: 1, reportingAmount: 1, approvedReportingAmount: 99_000_000 } },
      });
      expect(planted.status, planted.text).toBe(200); // an undeclared variable of its own: allowed, and read by nothing
      await change(orderNo, { amount: 3_000_000 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
    },
  },
  {
    attempt: 'forge the approved tier the next change is compared with (approvedReportingAmount), or the instant a raise\'s payment must be received since (changeRequestedAt), from every job route, every message route and an operator\'s retry',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const forgedSince = { changeRequestedAt: '2000-01-01T00:00:00.000Z' };
      for (const [route, send] of [...jobRoutes(job.id, { approvedReportingAmount: 99_000_000 }), ...jobRoutes(job.id, forgedSince)]) {
        expectRefused(await send(), 422, /approvedReportingAmount|changeRequestedAt/, route);
      }
      const prepaid = await enterOrder(400_000, 'prepaid-at-entry');
      for (const [route, send] of Object.entries(MESSAGE_ROUTES)) {
        expectRefused(await send('PaymentReceived', prepaid, { approvedReportingAmount: 99_000_000 }), 422, /approvedReportingAmount/, route);
        expectRefused(await send('PaymentReceived', prepaid, { changeId: 'C-1', changeReportingAmount: 1 }), 422, /changeId/, route);
        expectRefused(await send('PaymentReceived', prepaid, forgedSince), 422, /changeRequestedAt/, route);
      }
      // an operator's retry of the order's incident
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'every-route' })).status).toBe(200);
      const [incident] = (await api.get<IncidentPage>(`/api/incidents?businessKey=${orderNo}`, TOKENS.operations)).body.items.filter((one) => one.kind === 'job');
      expectRefused(await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: { approvedReportingAmount: 99_000_000 } }), 422, /approvedReportingAmount/);
      expectRefused(await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: forgedSince }), 422, /changeRequestedAt/);
      expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {})).status).toBe(200);

      await work(['procurement-planning'], orderNo);
      await change(orderNo, { amount: 3_000_000 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      // the forged tier moved nothing: it is only in the refused attempts the trail keeps
      const { history } = await order(orderNo);
      expect(history.filter((entry) => entry.event === 'job.refused').map((entry) => entry.data!.reason)).toContain('variable-refused');
      expect(JSON.stringify(history.filter((entry) => !entry.event.endsWith('.refused')))).not.toContain('99000000');
    },
  },
  {
    attempt: 'lower an order approved automatically to 100, then raise it step by step: each raise past a tier meets its approvers',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      await change(orderNo, { amount: 100 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual([]);
      await change(orderNo, { amount: 900_000 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['vice-president']);
      await decide(orderNo, 'vice-president', true);
      await change(orderNo, { amount: 3_000_000 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      expect(await changeStatuses(orderNo)).toEqual(['accepted', 'approved', 'acknowledged']);
    },
  },
  {
    attempt: 'raise to 3,000,000, have it rejected, then ask for the same raise again',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      await change(orderNo, { amount: 3_000_000 });
      await acknowledgeAll(orderNo);
      await decide(orderNo, 'sales-director', false);
      await change(orderNo, { amount: 3_000_000 });
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      expect((await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body).toMatchObject({ amount: '400000.00' });
    },
  },
  {
    attempt: 'ask for two raises at once, so that the second is judged against the first before the first is decided',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      await change(orderNo, { amount: 3_000_000 });
      await change(orderNo, { amount: 2_900_000 });
      await acknowledgeAll(orderNo);
      await decide(orderNo, 'sales-director', false);
      await acknowledgeAll(orderNo);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      expect(await fetchJobs('procurement-planning', orderNo)).toEqual([]);
    },
  },
  {
    attempt: 'turn a 5,000,000 credit order into a prepaid one (exempt from approval) on every message route and every job route',
    run: async () => {
      const orderNo = await enterOrder(5_000_000);
      for (const [route, send] of Object.entries(MESSAGE_ROUTES)) {
        const response = await send('PaymentReceived', orderNo, { paymentTerms: 'prepaid-at-entry' });
        expect([400, 422], `${route}: ${response.text}`).toContain(response.status);
      }
      // the order's own jobs wait for approval: a worker of another order's job tries it
      const small = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', small);
      for (const [route, send] of jobRoutes(job.id, { paymentTerms: 'prepaid-at-entry' })) {
        const response = await send();
        expect([400, 422], `${route}: ${response.text}`).toContain(response.status);
      }
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
      expect((await order(orderNo)).entered).toMatchObject({ paymentTerms: 'credit' });
      expect(await events(orderNo, 'message.buffered')).toEqual([]);
    },
  },
  {
    attempt: 'a raise sent as text, negative, zero, beyond the maximum, a ten-billionth over 1,000,000, or with a currency or payment terms of its own',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      for (const body of [
        { amount: '5000000' }, { amount: -5_000_000 }, { amount: 0 }, { amount: 1e14 }, { amount: 1_000_000.0000000001 },
        { amount: 5_000_000, currency: 'JPY' }, { amount: 5_000_000, paymentTerms: 'prepaid-at-entry' },
      ]) {
        const response = await api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'as the customer asked', ...body });
        expectRefused(response, 422, /\/amount|\/currency|\/paymentTerms/, JSON.stringify(body));
      }
      expect(await changeStatuses(orderNo)).toEqual([]);
      expect(await tasksOf(orderNo)).toEqual([]);
      expect(await events(orderNo, 'order.changed')).toEqual([]);
    },
  },
  {
    attempt: 'an order or a change under a look-alike of an order\'s number: a Unicode hyphen, a fullwidth letter, a zero-width space, a trailing space, lower case',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      const lookAlikes = [orderNo.replace('-', '\u2010'), orderNo.replace('E', '\uFF25'), `${orderNo}\u200B`, `${orderNo} `];
      for (const lookAlike of lookAlikes) {
        const entered = await api.post('/api/orders', TOKENS.erp, { orderNo: lookAlike, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 2_000_000, currency: 'CNY', paymentTerms: 'credit' });
        expectRefused(entered, 422, /\/orderNo/, JSON.stringify(lookAlike));
      }
      for (const lookAlike of [...lookAlikes, orderNo.toLowerCase()]) {
        const changed = await api.post(`/api/orders/${encodeURIComponent(lookAlike)}/changes`, TOKENS.erp, { description: 'sixty times the quantity', amount: 5_000_000 });
        expect([400, 404], `${JSON.stringify(lookAlike)}: ${changed.text}`).toContain(changed.status);
      }
      expect(await changeStatuses(orderNo)).toEqual([]);
      // lower case is another number: an order of its own, with its own payment
      const lower = orderNo.toLowerCase();
      expect((await api.post('/api/orders', TOKENS.erp, { orderNo: lower, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 80_000, currency: 'CNY', paymentTerms: 'prepaid-at-entry' })).status).toBe(201);
      expect((await MESSAGE_ROUTES.stratum('PaymentReceived', lower)).status).toBe(200);
      expect(await jobWaits(lower)).toEqual(PLANNING);
      expect(await jobWaits(orderNo)).toEqual([]);
    },
  },
];

// 4. Four eyes.
const fourEyes: Row[] = (['camunda7', 'camunda8'] as const).map((route) => ({
  attempt: `an administrator asks for a review through ${route === 'camunda7' ? 'Camunda 7\'s' : 'Camunda 8\'s'} message route, then reviews it`,
  run: async () => {
    const businessKey = `RR-${route}`;
    const started = route === 'camunda7'
      ? await api.post('/engine-rest/message', ADMIN, { messageName: 'ReviewAsked', businessKey })
      : await api.post('/v2/messages/publication', ADMIN, { name: 'ReviewAsked', correlationKey: businessKey });
    expect(started.status, started.text).toBeLessThan(300);
    const [review] = await tasksOf(businessKey);
    const refused = await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, ADMIN, {});
    expectRefused(refused, 403, new RegExp(`four eyes: root started order ${businessKey}`));
    expect(refusalMembers(refused)).toMatchObject({ reason: 'four-eyes-starter' });
    // and on the task route of the same family, where there is one (Camunda 8's; Camunda 7's task routes are not served)
    if (route === 'camunda8') {
      const refusedOnV2 = await api.post(`/v2/user-tasks/${encodeURIComponent(review.id)}/completion`, ADMIN, {});
      expectRefused(refusedOnV2, 403, new RegExp(`four eyes: root started order ${businessKey}`));
      expect(refusalMembers(refusedOnV2)).toMatchObject({ reason: 'four-eyes-starter' });
    }
    expect((await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, TOKENS.director, {})).status).toBe(200);
  },
}));

// 5. An open change holds the order's jobs.
const heldByChange: Row[] = [
  {
    attempt: 'Camunda 7 and 8 workers fetch, complete or error the order\'s jobs while a change is open',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [locked] = await fetchJobs('procurement-planning', orderNo);
      await change(orderNo, { description: 'matt finish' });
      expect(await fetchedOnEveryRoute('production-planning', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      for (const [route, send] of jobRoutes(locked.id, {})) {
        const response = await send();
        expectRefused(response, 409, /is held/, route);
        expect(problemOf(response).reason, route).toBe('order-change-open');
      }
      expect(await events(orderNo, 'job.completed')).toEqual([]);
      await acknowledgeAll(orderNo);
      expect((await api.post(`/v2/jobs/${encodeURIComponent(locked.id)}/completion`, TOKENS.erp, {})).status).toBe(204);
      expect(await events(orderNo, 'job.completed')).toEqual([objectWith({ actor: 'erp' })]);
    },
  },
  {
    attempt: 'send the engine\'s own OrderChanged through Camunda 7, with a change that claims to be approved',
    run: async () => {
      const orderNo = await enterOrder(400_000);
      const forged = await api.post('/engine-rest/message', TOKENS.erp, {
        messageName: 'OrderChanged', businessKey: orderNo,
        processVariables: { change: { type: 'Json', value: JSON.stringify({ changeId: 'forged', description: 'x', amount: 9_000_000, reportingAmount: 9_000_000, approvedReportingAmount: 9_000_000 }) } },
      });
      expectRefused(forged, 403, /engine's own message/);
      expect(await tasksOf(orderNo)).toEqual([]);
      expect(await changeStatuses(orderNo)).toEqual([]);
      // refused, and the forgery is in the order's audit trail (refused-messages.test.ts covers each route)
      expect(await events(orderNo, 'message.refused')).toEqual([objectWith({ actor: 'erp', via: 'camunda7', data: objectWith({ reason: 'engine-message' }) })]);
    },
  },
  {
    attempt: 'a change and the shipping job\'s Camunda 8 completion posted at the same moment',
    run: async () => {
      for (let round = 0; round < 3; round++) {
        const orderNo = await enterOrder(80_000);
        await work(PLANNING, orderNo);
        const [shipping] = await fetchJobs('shipping', orderNo);
        const [changed, shipped] = await Promise.all([
          api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'other labels' }),
          api.post(`/v2/jobs/${encodeURIComponent(shipping.id)}/completion`, TOKENS.erp, {}),
        ]);
        const view = await order(orderNo);
        if (changed.status === 201) {
          expectRefused(shipped, 409, /is held/);
          expect(view.history.some((entry) => entry.event === 'job.completed' && entry.data?.jobType === 'shipping')).toBe(false);
        } else {
          expect(shipped.status).toBe(204);
          expectRefused(changed, 409, /has shipped/);
          expect(await changeStatuses(orderNo)).toEqual([]);
        }
      }
    },
  },
];

// 6. Camunda routes Stratum does not serve.
const unserved: Row[] = [
  {
    attempt: 'the vice-president, or the integration, completes an approval through Camunda 7\'s form submission (not served); the integration completes or claims it, or the vice-president hands it to the integration, through Camunda 7\'s and Camunda 8\'s user task routes (refused as on /api/tasks)',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [task] = await tasksOf(orderNo);
      const id = encodeURIComponent(task.id);
      for (const token of [TOKENS.vp, TOKENS.erp]) {
        const path = `/engine-rest/task/${id}/submit-form`;
        expectRefused(await api.request('POST', path, { token, json: { variables: { approved: { value: true, type: 'Boolean' } } } }), 404, undefined, path);
      }
      // Camunda 7's and 8's task routes are the runtime's task calls: the integration is not offered the
      // vice-president's approval, and the vice-president may not hand it to the integration
      for (const [token, method, path, body, reason] of [
        [TOKENS.erp, 'POST', `/engine-rest/task/${id}/complete`, { variables: { approved: { value: true, type: 'Boolean' } } }, 'not-offered'],
        [TOKENS.erp, 'POST', `/engine-rest/task/${id}/claim`, { userId: 'erp' }, 'not-offered'],
        [TOKENS.vp, 'POST', `/engine-rest/task/${id}/claim`, { userId: 'erp' }, 'assign-to-other'],
        [TOKENS.vp, 'POST', `/engine-rest/task/${id}/assignee`, { userId: 'erp' }, 'assign-to-other'],
        [TOKENS.erp, 'POST', `/v2/user-tasks/${id}/completion`, { variables: { approved: true } }, 'not-offered'],
        [TOKENS.erp, 'POST', `/v2/user-tasks/${id}/assignment`, { assignee: 'erp' }, 'not-offered'],
        [TOKENS.vp, 'POST', `/v2/user-tasks/${id}/assignment`, { assignee: 'erp' }, 'assign-to-other'],
      ] as const) {
        const refused = await api.request(method, path, { token, json: body });
        expectRefused(refused, 403, undefined, path);
        expect(refusalMembers(refused)).toMatchObject({ reason });
      }
      expect(await tasksOf(orderNo)).toEqual([objectWith({ id: task.id, candidateGroups: ['vice-president'], claimedBy: null })]);
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      expect((await events(orderNo, 'task.refused')).map((entry) => [entry.actor, entry.via, entry.data?.reason])).toEqual([
        ['erp', 'camunda7', 'not-offered'], ['erp', 'camunda7', 'not-offered'], ['vera', 'camunda7', 'assign-to-other'], ['vera', 'camunda7', 'assign-to-other'],
        ['erp', 'camunda8', 'not-offered'], ['erp', 'camunda8', 'not-offered'], ['vera', 'camunda8', 'assign-to-other'],
      ]);
    },
  },
  {
    attempt: 'set the approval, the amount or the status through Camunda 7\'s and Camunda 8\'s variable, modification and start routes',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      const view = await order(orderNo);
      const root = encodeURIComponent(view.instanceId);
      for (const [method, path, body] of [
        ['PUT', `/v2/element-instances/${root}/variables`, { variables: { approved: true, reportingAmount: 1 } }],
        ['POST', `/engine-rest/process-instance/${root}/variables`, { modifications: { approved: { value: true, type: 'Boolean' } } }],
        ['PUT', `/engine-rest/process-instance/${root}/variables/reportingAmount`, { value: 1, type: 'Double' }],
        ['POST', `/engine-rest/execution/${root}/localVariables`, { modifications: { approved: { value: true, type: 'Boolean' } } }],
        ['POST', `/engine-rest/process-instance/${root}/modification`, { instructions: [{ type: 'startBeforeActivity', activityId: 'EndEvent_OrderClosed' }] }],
        ['POST', `/v2/process-instances/${root}/modification`, { activateInstructions: [{ elementId: 'EndEvent_OrderClosed' }] }],
        ['POST', '/engine-rest/process-definition/key/credit-order-approval/start', { businessKey: 'ER-START', variables: { reportingAmount: { value: 1, type: 'Double' } } }],
        ['POST', '/v2/messages/correlation', { name: 'PaymentReceived', correlationKey: orderNo, variables: { approved: true } }],
        ['POST', '/engine-rest/signal', { name: 'PaymentReceived' }],
        ['POST', '/v2/signals/broadcast', { signalName: 'PaymentReceived' }],
      ] as const) {
        expectRefused(await api.request(method, path, { token: ADMIN, json: body }), 404, undefined, path);
      }
      const after = await order(orderNo);
      expect(after.status).toBe('waiting-for-approval');
      expect(after.entered).toMatchObject({ amount: 3_000_000 });
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
    },
  },
  {
    attempt: 'an operator resolves an incident with variables through Camunda 8, or sets a task\'s retries with variables through Camunda 7',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'every-route' })).status).toBe(200);
      const [incident] = (await api.get<IncidentPage>(`/api/incidents?businessKey=${orderNo}`, TOKENS.operations)).body.items.filter((one) => one.kind === 'job');
      expectRefused(await api.post(`/v2/incidents/${encodeURIComponent(incident.id)}/resolution`, TOKENS.operations, { variables: { approved: false } }), 400);
      expectRefused(await api.request('PUT', `/engine-rest/external-task/${encodeURIComponent(job.id)}/retries`, {
        token: TOKENS.operations, json: { retries: 1, variables: { orderStatus: { value: 'rejected', type: 'String' } } },
      }), 400);
      const open = (await api.get<IncidentPage>(`/api/incidents?businessKey=${orderNo}`, TOKENS.operations)).body.items;
      expect(open.map((one) => one.id)).toContain(incident.id);
      expect(JSON.stringify((await order(orderNo)).history)).not.toContain('"orderStatus":"rejected"');
    },
  },
  {
    attempt: 'the approval as variables where Camunda\'s routes take none: Camunda 7 localVariables and failure variables, Camunda 8 failure variables, a job update\'s changeset, a completion\'s result, Stratum\'s failure',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const id = encodeURIComponent(job.id);
      const approved = { approved: { value: true, type: 'Boolean' } };
      for (const [method, path, body, status] of [
        ['POST', `/engine-rest/external-task/${id}/complete`, { workerId: 'every-route', localVariables: approved }, 400],
        ['POST', `/engine-rest/external-task/${id}/failure`, { workerId: 'every-route', retries: 1, variables: approved }, 400],
        ['POST', `/engine-rest/external-task/${id}/failure`, { workerId: 'every-route', retries: 1, localVariables: approved }, 400],
        ['POST', `/v2/jobs/${id}/failure`, { retries: 1, variables: { approved: true } }, 400],
        ['PATCH', `/v2/jobs/${id}`, { changeset: { retries: 2, variables: { approved: true } } }, 400],
        ['POST', `/v2/jobs/${id}/completion`, { result: { type: 'userTask', denied: false, corrections: { approved: true } } }, 400],
        ['POST', `/api/jobs/${id}/failure`, { message: 'MRP down', retries: 1, variables: { approved: true } }, 422],
      ] as const) {
        expectRefused(await api.request(method, path, { token: path.startsWith('/v2/jobs/') && method === 'PATCH' ? ADMIN : TOKENS.erp, json: body }), status, /localVariables|not allowed|more than 0/, `${method} ${path}`);
      }
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
      expect(await events(orderNo, 'job.completed')).toEqual([]);
      expect(await events(orderNo, 'job.failed')).toEqual([]);
      // the gateway reading the approval process's own `approved` (flow.taken) is the engine's, not a caller's write
      const written = (await order(orderNo)).history.filter((entry: { event: string }) => entry.event !== 'flow.taken');
      expect(JSON.stringify(written)).not.toContain('"approved":true');
    },
  },
  {
    attempt: 'create the order process or a control process through Camunda 8 with startInstructions, another tenant, awaitCompletion, or its id in capitals',
    run: async () => {
      for (const [body, status] of [
        [{ processDefinitionId: 'order-to-cash', startInstructions: [{ elementId: 'CallActivity_ManageSalesOrder' }] }, 400],
        [{ processDefinitionId: 'prepaid-shipment-control', startInstructions: [{ elementId: 'ServiceTask_ShipOrder' }] }, 400],
        [{ processDefinitionId: 'credit-order-approval', tenantId: 'other' }, 400],
        [{ processDefinitionId: 'prepaid-entry-control', awaitCompletion: true }, 400],
        [{ processDefinitionId: 'ORDER-TO-CASH' }, 404],
        [{ processDefinitionId: 'Prepaid-Entry-Control' }, 404],
      ] as const) {
        expectRefused(await api.post('/v2/process-instances', ADMIN, { ...body, businessId: 'ER-C8-TRICK' }), status, undefined, JSON.stringify(body));
      }
      expect((await api.get<{ total: number }>('/api/instances?businessKey=ER-C8-TRICK', TOKENS.erp)).body.total).toBe(0);
    },
  },
  {
    attempt: 'cancel, delete, suspend or migrate an order\'s called instance (its prepaid control) through Camunda 7\'s and Camunda 8\'s routes, with and without a reason',
    run: async () => {
      const orderNo = await enterOrder(2_000_000, 'prepaid-at-entry');
      const control = (await order(orderNo)).versions.find((one) => one.processKey === 'prepaid-entry-control')!;
      const root = (await order(orderNo)).versions.find((one) => one.parentId === null)!;
      const child = encodeURIComponent(control.instanceId);
      // the routes Stratum serves refuse a cancel without a reason (400), and the called instance with one (409 not-a-root)
      for (const [method, path, body, status] of [
        ['DELETE', `/engine-rest/process-instance/${child}`, undefined, 400],
        ['DELETE', `/engine-rest/process-instance/${child}?deleteReason=x`, undefined, 409],
        // Camunda 7's batch delete is not served: its path reads as DELETE /engine-rest/process-instance/{id}'s, which allows DELETE only
        ['POST', '/engine-rest/process-instance/delete', { processInstanceIds: [control.instanceId], deleteReason: 'x' }, 405],
        ['PUT', `/engine-rest/process-instance/${child}/suspended`, { suspended: true }, 404],
        ['POST', `/v2/process-instances/${child}/cancellation`, {}, 400],
        ['POST', `/v2/process-instances/${child}/cancellation`, { reason: 'x' }, 409],
        ['POST', `/v2/process-instances/${child}/migration`, { targetProcessDefinitionKey: 'sales-order-management:1', mappingInstructions: [] }, 404],
      ] as const) {
        const answer = await api.request(method, path, { token: ADMIN, ...(body && { json: body }) });
        expectRefused(answer, status, undefined, `${method} ${path}`);
        if (status === 409) expect(problemOf(answer)).toMatchObject({ type: 'https://stratum.dev/problems/not-a-root', rootInstanceId: root.instanceId });
      }
      expect((await order(orderNo)).history.filter((entry) => entry.event === 'cancel.refused').map((entry) => [entry.instanceId, entry.via, entry.data?.reason]))
        .toEqual([[control.instanceId, 'camunda7', 'not-a-root'], [control.instanceId, 'camunda8', 'not-a-root']]);
      const after = await order(orderNo);
      expect(after.status).toBe('waiting-for-payment');
      expect(after.versions.find((one) => one.instanceId === control.instanceId)?.status).toBe('running');
      expect(await jobWaits(orderNo)).toEqual([]);
    },
  },
];

// 7. Odd types and shapes.
const oddTypes: Row[] = [
  {
    attempt: 'the vice-president approves with "true", 1, null, [true] or {"value": true} instead of true',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [task] = await tasksOf(orderNo);
      for (const approved of ['true', 1, null, [true], { value: true }]) {
        const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved } });
        expectRefused(response, 422, undefined, JSON.stringify(approved));
        // Camunda 8's completion: the same schema refuses it, with Camunda's 400
        expectRefused(await api.post(`/v2/user-tasks/${encodeURIComponent(task.id)}/completion`, TOKENS.vp, { variables: { approved } }), 400, undefined, JSON.stringify(approved));
      }
      expect(await openGroups(orderNo)).toEqual(['vice-president']);
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      expect(await jobWaits(orderNo)).toEqual([]);
    },
  },
  {
    attempt: 'a Camunda 7 worker sends the order fields as other types: amount as a String, paymentTerms as Json, reportingAmount as a Long',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      for (const variables of [
        { amount: { value: '2000000', type: 'String' } },
        { paymentTerms: { value: '"prepaid-at-entry"', type: 'Json' } },
        { reportingAmount: { value: 1, type: 'Long' } },
        { orderNo: { value: null, type: 'Null' } },
      ]) {
        const response = await api.post(`/engine-rest/external-task/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'every-route', variables });
        expectRefused(response, 422, /order field|may not set/, JSON.stringify(variables));
      }
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
    },
  },
  {
    attempt: 'reproduced bypass: a Camunda 7 worker completes a job with a Json value nested 5,000 deep (a 500, past the body\'s nesting limit)',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
      const completion = await api.post(`/engine-rest/external-task/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, {
        workerId: 'every-route', variables: { plan: { value: deep, type: 'Json' } },
      });
      expectRefused(completion, 422, /nesting/);
      expect(problemOf(completion).errors?.[0].field).toMatch(/^\/variables\/plan\//);
      const error = await api.post(`/engine-rest/external-task/${encodeURIComponent(job.id)}/bpmnError`, TOKENS.erp, {
        workerId: 'every-route', errorCode: 'BLOCKED', variables: { plan: { value: deep, type: 'Object', valueInfo: { serializationDataFormat: 'application/json' } } },
      });
      expectRefused(error, 422, /nesting/);
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
      expect(await events(orderNo, 'job.completed')).toEqual([]);
      // as deep as a plain variable may go is still taken
      const fine = await api.post(`/engine-rest/external-task/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, {
        workerId: 'every-route', variables: { plan: { value: `${'['.repeat(29)}${']'.repeat(29)}`, type: 'Json' } },
      });
      expect(fine.status, fine.text).toBe(204);
    },
  },
  {
    attempt: 'reproduced bypass: a Camunda 7 message carries a Json value nested 5,000 deep',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      const response = await api.post('/engine-rest/message', TOKENS.erp, {
        messageName: 'PaymentReceived', businessKey: orderNo, processVariables: { remittance: { value: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, type: 'Json' } },
      });
      expectRefused(response, 422, /nesting/);
      expect(problemOf(response).errors?.[0].field).toMatch(/^\/processVariables\/remittance\//);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');
      expect(await events(orderNo, 'message.correlated')).toEqual([]);
    },
  },
  {
    attempt: 'reproduced bypass: a Camunda 7 worker hides __proto__ and constructor.prototype inside a Json or Object value',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      for (const variables of [
        { plan: { value: '{"__proto__": {"approved": true}}', type: 'Json' } },
        { plan: { value: '[{"constructor": {"prototype": {"approved": true}}}]', type: 'Object', valueInfo: { serializationDataFormat: 'application/json' } } },
      ]) {
        const response = await api.post(`/engine-rest/external-task/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'every-route', variables });
        expectRefused(response, 422, /reserved key/, JSON.stringify(variables));
      }
      expect(await events(orderNo, 'job.completed')).toEqual([]);
      expect(Object.prototype).not.toHaveProperty('approved');
    },
  },
];

// 8. Races between routes.
const races: Row[] = [
  {
    attempt: 'one planning job completed at once through Stratum\'s, Camunda 7\'s and Camunda 8\'s route',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const id = encodeURIComponent(job.id);
      const answers = await Promise.all([
        api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'every-route', variables: { plannedWeek: 1 } }),
        api.post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'every-route', variables: { plannedWeek: { value: 2, type: 'Integer' } } }),
        api.post(`/v2/jobs/${id}/completion`, TOKENS.erp, { variables: { plannedWeek: 3 } }),
      ]);
      expect(answers.filter((answer) => answer.status < 300), answers.map((answer) => answer.status).join()).toHaveLength(1);
      for (const answer of answers.filter((one) => one.status >= 300)) expect([404, 409]).toContain(answer.status);
      const completions = await events(orderNo, 'job.completed');
      expect(completions).toHaveLength(1);
      expect(completions[0]).toMatchObject({ actor: 'erp', data: objectWith({ jobType: 'procurement-planning' }) });
    },
  },
  {
    attempt: 'two vice-presidents decide the same review at once, one approving and one rejecting',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [task] = await tasksOf(orderNo);
      const [vera, viktor] = await Promise.all([
        api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } }),
        api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, VP_TWO, { variables: { approved: false, comment: 'Credit limit exceeded.' } }),
      ]);
      expect([vera.status, viktor.status].sort()).toEqual([200, 409]);
      const winner = vera.status === 200 ? 'vera' : 'viktor';
      const decisions = await events(orderNo, 'task.completed');
      expect(decisions).toEqual([objectWith({ actor: winner })]);
      expect((await order(orderNo)).status).toBe(winner === 'vera' ? 'in-planning' : 'rejected');
    },
  },
];

// 9. Special-change acknowledgements.
const SPECIAL_CHANGE = { specialChange: { description: 'paint in RAL 5015' } };
const DEPARTMENTS = Object.keys(ACKNOWLEDGERS).sort();

/** Completes the order's open acknowledgement task of `group` through Stratum's task route (the task list's). */
async function acknowledge(orderNo: string, group: keyof typeof ACKNOWLEDGERS, variables: Record<string, unknown>): Promise<string> {
  const [task] = (await tasksOf(orderNo)).filter((candidate) => candidate.candidateGroups.includes(group));
  expect(task, `an open ${group} task of ${orderNo}`).toBeDefined();
  const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, ACKNOWLEDGERS[group], { variables });
  expect(response.status, response.text).toBe(200);
  return task.id;
}

/** What each department's completions wrote, in order: `procurement: [false, true]`. */
async function acknowledgements(orderNo: string): Promise<Record<string, unknown[]>> {
  const written: Record<string, unknown[]> = {};
  for (const entry of await events(orderNo, 'task.completed')) {
    const writes = (entry.data?.writes ?? {}) as Record<string, unknown>;
    for (const group of DEPARTMENTS) if (`${group}Acknowledged` in writes) (written[group] ??= []).push(writes[`${group}Acknowledged`]);
  }
  return written;
}

const acknowledgementsHeld: Row[] = [
  {
    attempt: 'each department answers acknowledged false on Stratum\'s task route: it gets its task again, the order is held until all three acknowledge',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'credit', SPECIAL_CHANGE);
      const first: Record<string, string> = {};
      for (const group of DEPARTMENTS) first[group] = await acknowledge(orderNo, group as keyof typeof ACKNOWLEDGERS, { acknowledged: false, comment: 'no drawing yet' });
      const again = await tasksOf(orderNo);
      expect(again.map((task) => task.candidateGroups[0]).sort()).toEqual(DEPARTMENTS);
      for (const task of again) expect(task.id, 'a new task, not the completed one').not.toBe(first[task.candidateGroups[0]]);
      expect(await jobWaits(orderNo)).toEqual([]);
      expect(await fetchedOnEveryRoute('procurement-planning', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      // procurement and production acknowledge as callers always have, with nothing; inspection is still out
      await acknowledge(orderNo, 'procurement', {});
      await acknowledge(orderNo, 'production', { acknowledged: true });
      expect(await openGroups(orderNo)).toEqual(['inspection']);
      expect(await jobWaits(orderNo)).toEqual([]);
      await acknowledge(orderNo, 'inspection', { acknowledged: true, comment: 'drawing received' });
      expect(await openGroups(orderNo)).toEqual([]);
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
      expect(await acknowledgements(orderNo)).toEqual({ inspection: [false, true], procurement: [false, null], production: [false, true] });
    },
  },
  {
    attempt: 'acknowledge with false, then with a text "false" or "no", or on Camunda 7\'s and Camunda 8\'s user task routes',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-shipment', SPECIAL_CHANGE);
      await acknowledge(orderNo, 'production', {});
      await acknowledge(orderNo, 'inspection', {});
      await acknowledge(orderNo, 'procurement', { acknowledged: false, comment: 'supplier not asked yet' });
      const [task] = await tasksOf(orderNo);
      expect(task.candidateGroups).toEqual(['procurement']);
      const id = encodeURIComponent(task.id);
      for (const acknowledged of ['false', 'no', 0]) {
        // a condition must yield a boolean: the completion that would fail the order is refused, not taken as acknowledged
        expectRefused(await api.post(`/api/tasks/${id}/complete`, TOKENS.procurement, { variables: { acknowledged } }), 422, undefined, String(acknowledged));
      }
      for (const acknowledged of ['false', 'no', 0]) {
        // the same on Camunda 8's completion, which is the runtime's
        expectRefused(await api.post(`/v2/user-tasks/${id}/completion`, TOKENS.procurement, { variables: { acknowledged } }), 422, undefined, String(acknowledged));
      }
      for (const acknowledged of ['false', 'no', 0]) {
        // and on Camunda 7's, whose typed values are the runtime's too
        const typed = { value: acknowledged, type: typeof acknowledged === 'number' ? 'Integer' : 'String' };
        expectRefused(await api.post(`/engine-rest/task/${id}/complete`, TOKENS.procurement, { variables: { acknowledged: typed } }), 422, undefined, String(acknowledged));
      }
      expectRefused(await api.post(`/engine-rest/task/${id}/submit-form`, TOKENS.procurement, { variables: { acknowledged: { value: true, type: 'Boolean' } } }), 404);
      expect(await tasksOf(orderNo)).toEqual([objectWith({ id: task.id, candidateGroups: ['procurement'] })]);
      expect(await jobWaits(orderNo)).toEqual([]);
      expect(await acknowledgements(orderNo)).toEqual({ inspection: [null], procurement: [false], production: [null] });
      const acknowledged = await api.post(`/v2/user-tasks/${id}/completion`, TOKENS.procurement, { variables: { acknowledged: true } });
      expect(acknowledged.status, acknowledged.text).toBe(204);
      expect(await jobWaits(orderNo)).toEqual(PLANNING);
    },
  },
  {
    attempt: 'a change to a running order acknowledged with a false: the change stays open and the order\'s jobs held until that department acknowledges',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      await change(orderNo, { description: 'matt finish' });
      await acknowledge(orderNo, 'production', {});
      await acknowledge(orderNo, 'procurement', { acknowledged: false, comment: 'supplier not asked yet' });
      await acknowledge(orderNo, 'inspection', {});
      expect(await openGroups(orderNo)).toEqual(['procurement']);
      expect(await changeStatuses(orderNo)).toEqual(['open']);
      expect(await fetchedOnEveryRoute('procurement-planning', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      expect(await events(orderNo, 'order.change-acknowledged')).toEqual([]);
      await acknowledge(orderNo, 'procurement', { acknowledged: true });
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
      expect(await acknowledgements(orderNo)).toEqual({ inspection: [null], procurement: [false, true], production: [null] });
      await work(PLANNING, orderNo);
    },
  },
  {
    attempt: 'reproduced bypass: a worker or a message on any route sets a variable named false, null or and, which a condition reads in place of the FEEL word (a not acknowledged read as acknowledged)',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      for (const name of ['false', 'null', 'and']) {
        for (const [route, send] of jobRoutes(job.id, { [name]: true })) expectRefused(await send(), 422, /FEEL word/, `${route} ${name}`);
        for (const [route, send] of Object.entries(MESSAGE_ROUTES)) {
          expectRefused(await send('PaymentReceived', orderNo, { [name]: true }), 422, /FEEL word/, `${route} ${name}`);
        }
      }
      expect(await events(orderNo, 'message.buffered')).toEqual([]);
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'every-route' })).status).toBe(200);
      await change(orderNo, { description: 'matt finish' });
      await acknowledge(orderNo, 'procurement', { acknowledged: false, comment: 'supplier not asked yet' });
      await acknowledge(orderNo, 'production', { acknowledged: false, comment: 'tooling not ready' });
      await acknowledge(orderNo, 'inspection', { acknowledged: false, comment: 'test plan missing' });
      expect((await openGroups(orderNo)).sort()).toEqual(DEPARTMENTS);
      expect(await changeStatuses(orderNo)).toEqual(['open']);
    },
  },
];

// 9b. Nobody acknowledges their own change: its requester is refused on every route that decides or claims a task.
const ownChange: Row[] = [
  {
    attempt: 'reproduced bypass: the administrator, in all three departments, requests a change and acknowledges it on every task route, or claims it',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const requested = await api.post(`/api/orders/${orderNo}/changes`, ADMIN, { description: 'matt finish', changeId: 'C-OWN' });
      expect(requested.status, requested.text).toBe(201);
      const tasks = await tasksOf(orderNo);
      expect(tasks.map((task) => task.candidateGroups[0]).sort()).toEqual(DEPARTMENTS);
      // the task list says so in advance, as the completion will
      const mine = (await api.get<TaskView[]>(`/api/tasks?mine=true&businessKey=${orderNo}`, ADMIN)).body;
      expect(mine.map((task) => task.fourEyes)).toEqual(tasks.map(() => objectWith({ refused: true, reason: 'four-eyes-change-requester', changeId: 'C-OWN' })));
      for (const task of tasks) {
        const id = encodeURIComponent(task.id);
        const completed = await api.post(`/api/tasks/${id}/complete`, ADMIN, { variables: { acknowledged: true } });
        expectRefused(completed, 403, new RegExp(`four eyes: root requested change C-OWN of order ${orderNo}, so another person must decide "${task.name!.replace(/[()]/g, '\\$&')}"`));
        expect(refusalMembers(completed)).toMatchObject({ reason: 'four-eyes-change-requester', changeId: 'C-OWN' });
        expect(refusalMembers(await api.post(`/api/tasks/${id}/claim`, ADMIN, undefined))).toMatchObject({ reason: 'four-eyes-change-requester', changeId: 'C-OWN' });
        expectRefused(await api.post(`/engine-rest/task/${id}/submit-form`, ADMIN, { variables: { acknowledged: { value: true, type: 'Boolean' } } }), 404);
        // Camunda 7's and 8's user task routes are the runtime's: four eyes refuses them as it refuses /api/tasks
        for (const [path, body] of [
          [`/engine-rest/task/${id}/complete`, { variables: { acknowledged: { value: true, type: 'Boolean' } } }],
          [`/engine-rest/task/${id}/claim`, { userId: 'root' }],
          [`/v2/user-tasks/${id}/completion`, { variables: { acknowledged: true } }],
          [`/v2/user-tasks/${id}/assignment`, { assignee: 'root' }],
        ] as const) {
          const refused = await api.post(path, ADMIN, body);
          expectRefused(refused, 403, undefined, path);
          expect(refusalMembers(refused)).toMatchObject({ reason: 'four-eyes-change-requester', changeId: 'C-OWN' });
        }
      }
      expect((await tasksOf(orderNo)).map((task) => [task.id, task.claimedBy])).toEqual(tasks.map((task) => [task.id, null]));
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      expect((await events(orderNo, 'task.refused')).map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.attempted ?? 'complete'])).toEqual(
        tasks.flatMap(() => [
          ['root', 'api', 'four-eyes-change-requester', 'complete'], ['root', 'api', 'four-eyes-change-requester', 'claim'],
          ['root', 'camunda7', 'four-eyes-change-requester', 'complete'], ['root', 'camunda7', 'four-eyes-change-requester', 'claim'],
          ['root', 'camunda8', 'four-eyes-change-requester', 'complete'], ['root', 'camunda8', 'four-eyes-change-requester', 'claim'],
        ]),
      );
      expect(await changeStatuses(orderNo)).toEqual(['open']);
      expect(await fetchedOnEveryRoute('procurement-planning', orderNo)).toEqual(NONE_ON_ANY_ROUTE);
      await acknowledgeAll(orderNo);
      expect(await changeStatuses(orderNo)).toEqual(['accepted']);
    },
  },
];

// 10. Claims.
const claimOf = (task: TaskView, token: string, verb: 'claim' | 'unclaim' = 'claim') => api.post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/${verb}`, token, undefined);
const claimedBy = async (task: TaskView) => (await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.erp)).body.claimedBy;

const claims: Row[] = [
  {
    attempt: 'an administrator asks for a review through a message, then claims it to decide it',
    run: async () => {
      const businessKey = 'RR-claim';
      expect((await api.post('/v2/messages/publication', ADMIN, { name: 'ReviewAsked', correlationKey: businessKey })).status).toBeLessThan(300);
      const [review] = await tasksOf(businessKey);
      const refused = await claimOf(review, ADMIN);
      expectRefused(refused, 403, new RegExp(`four eyes: root started order ${businessKey}`));
      expect(refusalMembers(refused)).toMatchObject({ reason: 'four-eyes-starter' });
      expect(await claimedBy(review)).toBeNull();
      expect((await api.get<TaskView[]>('/api/tasks?assignee=me', ADMIN)).body.map((task) => task.id)).not.toContain(review.id);
      expectRefused(await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, ADMIN, {}), 403, /four eyes/);
      expect((await claimOf(review, TOKENS.director)).status).toBe(200);
      expect((await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, TOKENS.director, {})).status).toBe(200);
    },
  },
  {
    attempt: 'an administrator decides the director\'s approval, then claims the vice-president\'s review of the same order',
    run: async () => {
      const orderNo = await enterOrder(1_500_000);
      const [approval] = await tasksOf(orderNo);
      expect((await api.post(`/api/tasks/${encodeURIComponent(approval.id)}/complete`, ADMIN, { variables: { approved: true } })).status).toBe(200);
      const [review] = await tasksOf(orderNo);
      expect(refusalMembers(await claimOf(review, ADMIN))).toMatchObject({ reason: 'four-eyes-other-task' });
      expect(await claimedBy(review)).toBeNull();
      expect(await events(orderNo, 'task.claimed')).toEqual([]);
    },
  },
  {
    attempt: 'a vice-president claims a sales director\'s approval they are not offered',
    run: async () => {
      const orderNo = await enterOrder(1_500_000);
      const [approval] = await tasksOf(orderNo);
      expect(refusalMembers(await claimOf(approval, TOKENS.vp))).toMatchObject({ reason: 'not-offered', offeredTo: objectWith({ candidateGroups: ['sales-director'] }) });
      expect(await claimedBy(approval)).toBeNull();
      expectRefused(await api.post(`/api/tasks/${encodeURIComponent(approval.id)}/complete`, TOKENS.vp, { variables: { approved: true } }), 403);
      expect(await openGroups(orderNo)).toEqual(['sales-director']);
    },
  },
  {
    attempt: 'a second vice-president decides, or unclaims, a review the first has claimed',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claimOf(review, TOKENS.vp)).status).toBe(200);
      const refused = await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, VP_TWO, { variables: { approved: false, comment: 'Credit limit exceeded.' } });
      expectRefused(refused, 403, /claimed by vera/);
      expect(refusalMembers(refused)).toMatchObject({ reason: 'not-offered', claimedBy: 'vera' });
      expectRefused(await claimOf(review, VP_TWO, 'unclaim'), 403, /claimed by vera/);
      expectRefused(await claimOf(review, VP_TWO), 409, /claimed by vera/);
      expect(await claimedBy(review)).toBe('vera');
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      expect((await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, TOKENS.vp, { variables: { approved: true } })).status).toBe(200);
      expect(await events(orderNo, 'task.completed')).toEqual([objectWith({ actor: 'vera' })]);
      expect((await order(orderNo)).status).toBe('in-planning');
    },
  },
  {
    attempt: 'two vice-presidents claim the same review at once',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      const [vera, viktor] = await Promise.all([claimOf(review, TOKENS.vp), claimOf(review, VP_TWO)]);
      expect([vera.status, viktor.status].sort()).toEqual([200, 409]);
      const winner = vera.status === 200 ? 'vera' : 'viktor';
      expect(await claimedBy(review)).toBe(winner);
      expect(await events(orderNo, 'task.claimed')).toEqual([objectWith({ actor: winner })]);
    },
  },
];

/** An approval whose own instance failed in its other branch (a job out of retries): `held` instance-failed. */
async function heldApproval(businessKey: string): Promise<{ task: TaskView; incident: IncidentView }> {
  expect((await api.post('/api/processes/held-approval/instances', TOKENS.erp, { businessKey })).status).toBe(201);
  const [check] = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'held-approval-check', businessKey, workerId: 'every-route', max: 1 })).body;
  expect((await api.post(`/api/jobs/${encodeURIComponent(check.id)}/failure`, TOKENS.erp, { message: 'down', retries: 0, workerId: 'every-route' })).status).toBe(200);
  const [task] = await tasksOf(businessKey);
  expect(task.held).toMatchObject({ reason: 'instance-failed' });
  const { items: [incident] } = (await api.get<{ items: IncidentView[] }>(`/api/incidents?businessKey=${businessKey}`, TOKENS.operations)).body;
  return { task, incident };
}

async function instanceEvents(task: TaskView, event: string): Promise<HistoryEntry[]> {
  const instance = (await api.get<{ history: HistoryEntry[] }>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
  return instance.history.filter((entry) => entry.event === event);
}

const heldClaims: Row[] = [
  {
    attempt: 'a director claims an approval on hold, then decides it on every task route before the retry',
    run: async () => {
      const businessKey = 'HELD-CLAIM-1';
      const { task, incident } = await heldApproval(businessKey);
      const claimed = await claimOf(task, TOKENS.director);
      expect(claimed.status, claimed.text).toBe(200);
      expect(claimed.body).toMatchObject({ claimedBy: 'dirk', held: objectWith({ reason: 'instance-failed' }) });
      const id = encodeURIComponent(task.id);
      expectRefused(await api.post(`/api/tasks/${id}/complete`, TOKENS.director, {}), 409, /failed instance/);
      // Camunda 7's and 8's completions are the runtime's: held as the /api one is
      expectRefused(await api.post(`/engine-rest/task/${id}/complete`, TOKENS.director, { variables: {} }), 409, /failed instance/);
      expectRefused(await api.post(`/v2/user-tasks/${id}/completion`, TOKENS.director, { variables: {} }), 409, /failed instance/);
      expect(await instanceEvents(task, 'task.completed')).toEqual([]);
      expect(await instanceEvents(task, 'task.claimed')).toEqual([objectWith({ actor: 'dirk', elementId: 'Approve' })]);
      expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {})).status).toBe(200);
      expect((await api.post(`/api/tasks/${id}/complete`, TOKENS.director, {})).status).toBe(200);
      expect(await instanceEvents(task, 'task.completed')).toEqual([objectWith({ actor: 'dirk' })]);
    },
  },
  {
    attempt: 'a vice-president claims a held approval they are not offered; an administrator claims it over the director, or unclaims it',
    run: async () => {
      const { task } = await heldApproval('HELD-CLAIM-2');
      expect(refusalMembers(await claimOf(task, TOKENS.vp))).toMatchObject({ reason: 'not-offered', offeredTo: objectWith({ candidateGroups: ['sales-director'] }) });
      expect(await claimedBy(task)).toBeNull();
      expectRefused(await claimOf(task, TOKENS.director, 'unclaim'), 409, /is not claimed/);
      expect((await claimOf(task, TOKENS.director)).status).toBe(200);
      const taken = await claimOf(task, ADMIN);
      expectRefused(taken, 409, /claimed by dirk/);
      expect(problemOf(taken)).toMatchObject({ assignee: 'dirk' });
      expectRefused(await claimOf(task, TOKENS.vp, 'unclaim'), 403, /claimed by dirk/);
      expect(await claimedBy(task)).toBe('dirk');
      expect((await claimOf(task, TOKENS.director, 'unclaim')).status).toBe(200);
      expect(await instanceEvents(task, 'task.unclaimed')).toEqual([objectWith({ actor: 'dirk' })]);
    },
  },
  {
    attempt: 'a director claims an approval of an order cancelled while it was on hold',
    run: async () => {
      const { task } = await heldApproval('HELD-CLAIM-3');
      expect((await api.post(`/api/instances/${encodeURIComponent(task.instanceId)}/cancel`, TOKENS.erp, { reason: 'customer withdrew' })).status).toBeLessThan(300);
      expectRefused(await claimOf(task, TOKENS.director), 404, /no open task/);
      expect(await instanceEvents(task, 'task.claimed')).toEqual([]);
    },
  },
];

describe('bypass attempts on every route', () => {
  describe('1. prepaid at entry: nothing goes to planning before PaymentReceived', () => {
    it.each(prepaidAtEntry)('$attempt', ({ run }) => run());
  });
  describe('2. prepaid at shipment: the warehouse cannot ship an unpaid order, nor an unpaid raise', () => {
    it.each(prepaidAtShipment)('$attempt', ({ run }) => run());
  });
  describe('3. approval tiers hold through amendments; prepaid orders stay exempt', () => {
    it.each(tiers)('$attempt', ({ run }) => run());
  });
  describe('4. four eyes: whoever asked through a Camunda message does not decide', () => {
    it.each(fourEyes)('$attempt', ({ run }) => run());
  });
  describe('5. an open change holds the order\'s jobs on every worker route', () => {
    it.each(heldByChange)('$attempt', ({ run }) => run());
  });
  describe('6. no Camunda route completes a task or writes a variable around the controls', () => {
    it.each(unserved)('$attempt', ({ run }) => run());
  });
  describe('7. odd variable types and shapes change nothing', () => {
    it.each(oddTypes)('$attempt', ({ run }) => run());
  });
  describe('8. races between routes: one wins, the history says which', () => {
    it.each(races)('$attempt', ({ run }) => run());
  });
  describe('9. a special change goes on only once every department has acknowledged it', () => {
    it.each(acknowledgementsHeld)('$attempt', ({ run }) => run());
    it.each(ownChange)('$attempt', ({ run }) => run());
  });
  describe('10. a claim gives no right to decide, and nobody decides around someone else\'s claim', () => {
    it.each(claims)('$attempt', ({ run }) => run());
    it.each(heldClaims)('$attempt', ({ run }) => run());
  });
});
