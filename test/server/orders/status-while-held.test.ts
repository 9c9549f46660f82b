// An order's status while an open change holds its jobs (docs/api.md, "Order
// status"): a job that no worker can take does not make the order in-planning
// or shipping; the order reads by what it really waits for, and the order
// resource, its list with its status filter (across pages) and its events all
// say the same. Its `waiting` list says the held jobs wait for the change, not
// that `integration` may act, and so does every other view of them: the
// instance views (read, and handed back by a write) and the order events.
// Real server, shipped library, CNY orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, OrderListItem, OrderStatus, OrderView, OrderWait, TaskView, WaitingElement } from '../../../engine/api.js';
import { TOKENS, type ApiClient } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { freshSchema, schemaUrl } from '../../support/postgres.js';
import { anyText } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  // STRATUM_TEST_STORE=postgres runs the same cases on PostgreSQL
  server = await startTestServer(process.env.STRATUM_TEST_STORE === 'postgres' ? { databaseUrl: schemaUrl(await freshSchema()) } : {});
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const PLANNING = ['procurement-planning', 'production-planning'];
const ACKNOWLEDGERS = ['inspection', 'procurement', 'production'];

describe('a prepaid raise waiting for its payment', () => {
  it('reads waiting-for-payment, not in-planning, while its planning jobs are held; in-planning again once paid', async () => {
    const customer = 'Held Raise KG';
    await enterOrder('HELD-PAY', customer, 'prepaid-at-entry', 400_000);
    await pay('HELD-PAY', 'BANK-HELD-1');
    expect(await statusOf('HELD-PAY')).toBe('in-planning');

    expect((await change('HELD-PAY', { description: 'three times the quantity', amount: 1_200_000, changeId: 'raise-1' })).status).toBe(201);
    expect(await statusOf('HELD-PAY')).toBe('waiting-for-approval'); // the departments acknowledge first
    await acknowledgeAll('HELD-PAY');

    const held = await order('HELD-PAY');
    expect(held.status).toBe('waiting-for-payment');
    // the planning jobs are there, but nobody may take them: they wait for the change; the payment is what to send
    expect(jobsIn(held.waiting)).toEqual(PLANNING.map((jobType) => ({ jobType, mayAct: [], held: { reason: 'order-change-open', changeId: 'raise-1' } })));
    expect(held.waiting.filter((wait) => wait.type === 'message')).toEqual([expect.objectContaining({ message: 'PaymentReceived', mayAct: ['integration'], held: null })]);
    expect(await fetchJobs('procurement-planning', 'HELD-PAY')).toEqual([]);
    // the list and its filter say the same
    expect(await listed(customer)).toEqual([{ orderNo: 'HELD-PAY', status: 'waiting-for-payment' }]);
    expect(await filtered(customer, 'waiting-for-payment')).toEqual(['HELD-PAY']);
    expect(await filtered(customer, 'in-planning')).toEqual([]);

    await pay('HELD-PAY', 'BANK-HELD-2');
    const released = await order('HELD-PAY');
    expect(released.status).toBe('in-planning');
    expect(jobsIn(released.waiting)).toEqual(PLANNING.map((jobType) => ({ jobType, mayAct: ['integration'], held: null })));
    expect(await filtered(customer, 'in-planning')).toEqual(['HELD-PAY']);
    expect(await filtered(customer, 'waiting-for-payment')).toEqual([]);

    // the events an ERP receives follow the same statuses, one per change of status
    expect(await eventStatuses('HELD-PAY')).toEqual(['waiting-for-payment', 'in-planning', 'waiting-for-approval', 'waiting-for-payment', 'in-planning']);
  });

  it('reads waiting-for-payment when a raise of a prepaid-at-shipment order holds both planning and the order\'s own payment', async () => {
    await enterOrder('HELD-SHIP', 'Held Shipment KG', 'prepaid-at-shipment', 400_000);
    expect(await statusOf('HELD-SHIP')).toBe('in-planning'); // planning runs beside the payment wait
    await change('HELD-SHIP', { description: 'twice the quantity', amount: 1_200_000 });
    await acknowledgeAll('HELD-SHIP');
    expect(await statusOf('HELD-SHIP')).toBe('waiting-for-payment');
    expect(await filtered('Held Shipment KG', 'waiting-for-payment')).toEqual(['HELD-SHIP']);
  });

  it('reads waiting-for-payment, not shipping, while a raise holds the shipping job; shipping again once paid', async () => {
    await enterOrder('HELD-SHIPPING', 'Held Shipping Job KG', 'prepaid-at-entry', 400_000);
    await pay('HELD-SHIPPING', 'BANK-SHIPPING-1');
    await work(PLANNING, 'HELD-SHIPPING');
    expect(await statusOf('HELD-SHIPPING')).toBe('shipping');
    await change('HELD-SHIPPING', { description: 'twice the quantity', amount: 1_200_000, changeId: 'raise-s' });
    await acknowledgeAll('HELD-SHIPPING');
    const held = await order('HELD-SHIPPING');
    expect(held.status).toBe('waiting-for-payment');
    expect(jobsIn(held.waiting)).toEqual([{ jobType: 'shipping', mayAct: [], held: { reason: 'order-change-open', changeId: 'raise-s' } }]);
    expect(await filtered('Held Shipping Job KG', 'shipping')).toEqual([]);
    await pay('HELD-SHIPPING', 'BANK-SHIPPING-2');
    expect(await statusOf('HELD-SHIPPING')).toBe('shipping');
    expect(await filtered('Held Shipping Job KG', 'shipping')).toEqual(['HELD-SHIPPING']);
  });

  it('filters a running status across pages as each order resource reads it, held raises included', async () => {
    const customer = 'Held Paging KG';
    await enterOrder('PAGE-PAID', customer, 'prepaid-at-entry', 400_000);
    await pay('PAGE-PAID', 'BANK-PAGE-1');
    await enterOrder('PAGE-UNPAID', customer, 'prepaid-at-entry', 400_000);
    await enterOrder('PAGE-RAISED', customer, 'prepaid-at-entry', 400_000);
    await pay('PAGE-RAISED', 'BANK-PAGE-2');
    await change('PAGE-RAISED', { description: 'twice the quantity', amount: 900_000 });
    await acknowledgeAll('PAGE-RAISED');
    await enterOrder('PAGE-PLANNING', customer, 'credit', 80_000);

    const statuses: Record<string, OrderStatus> = {};
    for (const orderNo of ['PAGE-PAID', 'PAGE-UNPAID', 'PAGE-RAISED', 'PAGE-PLANNING']) statuses[orderNo] = await statusOf(orderNo);
    expect(statuses).toEqual({ 'PAGE-PAID': 'in-planning', 'PAGE-UNPAID': 'waiting-for-payment', 'PAGE-RAISED': 'waiting-for-payment', 'PAGE-PLANNING': 'in-planning' });
    for (const status of ['waiting-for-payment', 'in-planning'] as const) {
      const expected = Object.keys(statuses).filter((orderNo) => statuses[orderNo] === status).reverse(); // newest entered first
      expect(await filtered(customer, status, 1), status).toEqual(expected);
    }
  });
});

describe('a credit raise waiting for its re-approval', () => {
  it('reads waiting-for-approval with its planning jobs held for the change, then in-planning with them released once approved', async () => {
    await enterOrder('HELD-CREDIT', 'Held Credit KG', 'credit', 400_000);
    expect(await statusOf('HELD-CREDIT')).toBe('in-planning');
    await change('HELD-CREDIT', { description: 'twice the quantity', amount: 1_200_000, changeId: 'raise-c' });
    await acknowledgeAll('HELD-CREDIT');

    const reapproval = await order('HELD-CREDIT');
    expect(reapproval.status).toBe('waiting-for-approval');
    expect(reapproval.waiting.filter((wait) => wait.type === 'task')).toEqual([expect.objectContaining({ candidateGroups: ['sales-director'], mayAct: ['sales-director'], held: null })]);
    expect(jobsIn(reapproval.waiting)).toEqual(PLANNING.map((jobType) => ({ jobType, mayAct: [], held: { reason: 'order-change-open', changeId: 'raise-c' } })));
    expect(await filtered('Held Credit KG', 'waiting-for-approval')).toEqual(['HELD-CREDIT']);

    await decide('HELD-CREDIT', 'sales-director');
    await decide('HELD-CREDIT', 'vice-president');
    const approved = await order('HELD-CREDIT');
    expect(approved.status).toBe('in-planning');
    expect(jobsIn(approved.waiting)).toEqual(PLANNING.map((jobType) => ({ jobType, mayAct: ['integration'], held: null })));
    expect(await filtered('Held Credit KG', 'in-planning')).toEqual(['HELD-CREDIT']);
  });
});

describe('a wait a failed instance holds', () => {
  it('says so in the order\'s waiting list, with the incident to retry, and nobody may act on it meanwhile', async () => {
    await enterOrder('HELD-FAILED', 'Held Failure KG', 'credit', 80_000);
    const [job] = await fetchJobs('procurement-planning', 'HELD-FAILED');
    const failed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'planning system down', retries: 0, workerId: 'held-worker' });
    expect(failed.status, failed.text).toBe(200);

    const view = await order('HELD-FAILED');
    expect(view.status).toBe('failed');
    const production = view.waiting.find((wait) => wait.jobType === 'production-planning');
    expect(production).toMatchObject({ mayAct: [], held: { reason: 'instance-failed', instanceId: job.instanceId, incidentId: anyText() } });
    // the failed job itself (its own incident, job-no-retries, which fails its instance) reads the same way: held by
    // that incident, which fetch-and-lock and every completion route refuse until it is retried
    const incidents = await api.get<{ items: { id: string; jobId: string | null; reason?: { kind: string } }[] }>('/api/incidents', TOKENS.erp);
    const ofJob = incidents.body.items.find((incident) => incident.jobId === job.id)!;
    expect(ofJob.reason).toMatchObject({ kind: 'job-no-retries' });
    const procurement = view.waiting.find((wait) => wait.jobType === 'procurement-planning');
    expect(procurement).toMatchObject({ mayAct: [], held: { reason: 'instance-failed', instanceId: job.instanceId, incidentId: ofJob.id } });
    expect(await fetchJobs('procurement-planning', 'HELD-FAILED')).toEqual([]);
  });
});

describe('every view of the order\'s waits', () => {
  it('says the planning jobs wait for an open change: the change\'s answer, each instance view and the order\'s event, as the order does; none once approved', async () => {
    const entered = await enterOrder('VIEW-CREDIT', 'Held Views KG', 'credit', 400_000);
    // without a hold every wait says so: null
    expect(heldOf(entered.waiting)).toEqual([['procurement-planning', null], ['production-planning', null]]);
    const byChange = { reason: 'order-change-open', changeId: 'raise-v' };

    const changed = await change('VIEW-CREDIT', { description: 'twice the quantity', amount: 1_200_000, changeId: 'raise-v' });
    expect(heldOf((changed.body as { instance: InstanceView }).instance.waiting)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);
    await acknowledgeAll('VIEW-CREDIT');
    const root = await instance(entered.id);
    expect(heldOf(root.waiting)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);
    // the approval the order waits for is not held: an approver acts on it now
    expect(root.waiting.filter((wait) => wait.type === 'task').map((wait) => [wait.candidateGroups, wait.held])).toEqual([[['sales-director'], null]]);
    // the called instance that waits for the jobs says the same of them
    const planner = root.waiting.find((wait) => wait.type === 'job')!.instanceId;
    expect(planner).not.toBe(entered.id);
    expect(heldOf((await instance(planner)).waiting)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);
    // the event of the change (waiting-for-approval) tells a webhook's reader the same
    const [changeEvent] = (await orderEvents('VIEW-CREDIT')).filter((event) => event.data.previousStatus === 'in-planning');
    expect(changeEvent.data.status).toBe('waiting-for-approval');
    expect(heldOf(changeEvent.data.waiting)).toEqual([['procurement-planning', byChange], ['production-planning', byChange]]);

    await decide('VIEW-CREDIT', 'sales-director');
    await decide('VIEW-CREDIT', 'vice-president');
    expect(heldOf((await instance(entered.id)).waiting)).toEqual([['procurement-planning', null], ['production-planning', null]]);
    const released = (await orderEvents('VIEW-CREDIT')).at(-1)!;
    expect(released.data.status).toBe('in-planning');
    expect(heldOf(released.data.waiting)).toEqual([['procurement-planning', null], ['production-planning', null]]);
  });

  it('says a failed instance holds its jobs: the failure\'s answer, the order\'s instance and its failed event', async () => {
    const entered = await enterOrder('VIEW-FAILED', 'Held Views Failure KG', 'credit', 80_000);
    const [job] = await fetchJobs('procurement-planning', 'VIEW-FAILED');
    const failed = await api.post<InstanceView>(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'planning system down', retries: 0, workerId: 'held-worker' });
    expect(failed.status, failed.text).toBe(200);
    const byFailure = { reason: 'instance-failed', instanceId: job.instanceId, incidentId: anyText() };
    // the failed job stays, held with the other: the incident's retry runs it again
    const both = [['procurement-planning', byFailure], ['production-planning', byFailure]];
    expect(heldOf(failed.body.waiting)).toEqual(both);
    expect(heldOf((await instance(entered.id)).waiting)).toEqual(both);
    const last = (await orderEvents('VIEW-FAILED')).at(-1)!;
    expect(last.data.status).toBe('failed');
    expect(heldOf(last.data.waiting)).toEqual(both);
  });
});

// helpers

async function enterOrder(orderNo: string, customer: string, paymentTerms: string, amount: number) {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: customer }, amount, currency: 'CNY', paymentTerms });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function change(orderNo: string, body: Record<string, unknown>) {
  const response = await api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, body);
  expect(response.status, response.text).toBe(201);
  return response;
}

async function pay(orderNo: string, messageId: string) {
  const response = await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: orderNo, messageId });
  expect(response.status, response.text).toBe(200);
}

async function order(orderNo: string): Promise<OrderView> {
  const response = await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

async function statusOf(orderNo: string): Promise<OrderStatus> {
  return (await order(orderNo)).status;
}

function jobsIn(waiting: OrderWait[]) {
  return waiting.filter((wait) => wait.type === 'job').map(({ jobType, mayAct, held }) => ({ jobType, mayAct, held }))
    .sort((a, b) => a.jobType!.localeCompare(b.jobType!));
}

async function listed(customer: string): Promise<{ orderNo: string; status: OrderStatus }[]> {
  const response = await api.get<{ items: OrderListItem[] }>(`/api/orders?customer=${encodeURIComponent(customer)}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body.items.map(({ orderNo, status }) => ({ orderNo, status }));
}

/** Every page of the customer's orders with `status`, `limit` at a time, following `next`. */
async function filtered(customer: string, status: OrderStatus, limit = 50): Promise<string[]> {
  const found: string[] = [];
  let next: string | null = null;
  do {
    const query: string = `customer=${encodeURIComponent(customer)}&status=${status}&limit=${limit}${next ? `&after=${next}` : ''}`;
    const response = await api.get<{ items: OrderListItem[]; next: string | null }>(`/api/orders?${query}`, TOKENS.erp);
    expect(response.status, response.text).toBe(200);
    expect(response.body.items.every((item) => item.status === status)).toBe(true);
    found.push(...response.body.items.map((item) => item.orderNo));
    next = response.body.next;
  } while (next);
  return found;
}

async function instance(id: string): Promise<InstanceView> {
  const response = await api.get<InstanceView>(`/api/instances/${encodeURIComponent(id)}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

interface OrderEventItem { data: { status: string; previousStatus: string | null; waiting: WaitingElement[] } }

async function orderEvents(orderNo: string): Promise<OrderEventItem[]> {
  const response = await api.get<{ items: OrderEventItem[] }>(`/api/events?orderNo=${orderNo}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body.items;
}

/** Each job a view waits for, by type, with what holds it. */
function heldOf(waiting: WaitingElement[]) {
  return waiting.filter((wait) => wait.type === 'job').sort((a, b) => (a.jobType ?? '').localeCompare(b.jobType ?? '')).map((wait) => [wait.jobType, wait.held]);
}

async function eventStatuses(orderNo: string): Promise<string[]> {
  const response = await api.get<{ items: { data: { status: string } }[] }>(`/api/events?orderNo=${orderNo}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body.items.map((event) => event.data.status);
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
}

const TOKEN_OF: Record<string, string> = {
  procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection,
  'sales-director': TOKENS.director, 'vice-president': TOKENS.vp,
};

async function acknowledgeAll(orderNo: string) {
  const tasks = (await tasksOf(orderNo)).filter((task) => ACKNOWLEDGERS.includes(task.candidateGroups[0]));
  expect(tasks).toHaveLength(3);
  for (const task of tasks) {
    const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKEN_OF[task.candidateGroups[0]], { variables: { acknowledged: true } });
    expect(response.status, response.text).toBe(200);
  }
}

async function decide(orderNo: string, group: string) {
  const tasks = (await tasksOf(orderNo)).filter((task) => task.candidateGroups.includes(group));
  expect(tasks).toHaveLength(1);
  const response = await api.post(`/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, TOKEN_OF[group], { variables: { approved: true } });
  expect(response.status, response.text).toBe(200);
}

async function work(types: string[], businessKey: string) {
  for (const type of types) {
    const [job] = await fetchJobs(type, businessKey);
    const response = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'held-worker' });
    expect(response.status, response.text).toBe(200);
  }
}

async function fetchJobs(type: string, businessKey: string): Promise<JobView[]> {
  const response = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'held-worker', max: 100, lockMs: 60_000, businessKey });
  expect(response.status, response.text).toBe(200);
  return response.body;
}
