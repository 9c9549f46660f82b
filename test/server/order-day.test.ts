// A day at the company, over HTTP against the real engine and the shipped
// diagrams: the ERP enters orders and works jobs, approvers decide, the bank
// and the warehouse send messages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, MessageResult, TaskView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type InstancePage } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { objectWith, textContaining } from '../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeEach(async () => {
  server = await startTestServer();
  api = server.api;
});

afterEach(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const PLANNING = ['procurement-planning', 'production-planning'];

describe('credit orders: tiered approval', () => {
  it('approves a 500,000 credit order automatically and hands it to the ERP for planning and shipping', async () => {
    const order = await enterOrder('SO-500000', 500_000);
    expect(order.status).toBe('running');
    expect(await tasksOf('SO-500000')).toEqual([]);
    expect(await work(PLANNING, 'SO-500000')).toEqual(PLANNING);
    expect(await work(['shipping'], 'SO-500000')).toEqual(['shipping']);
    const done = await instance(order.id);
    expect(done.status).toBe('completed');
    expect(done.waiting).toEqual([]);
    expect(done.variables.approved).toBe(true);
  });

  it('routes a 500,000.01 credit order to the vice-president only, who approves it', async () => {
    const order = await enterOrder('SO-500000.01', 500_000.01);
    const [review] = await tasksOf('SO-500000.01');
    expect(review.candidateGroups).toEqual(['vice-president']);
    expect(order.waiting).toContainEqual(objectWith({ type: 'task', taskId: review.id, candidateGroups: ['vice-president'] }));
    expect((await api.get('/api/tasks?candidateGroup=sales-director', TOKENS.director)).body).toEqual([]);
    expect(await fetchJobs('procurement-planning')).toEqual([]);

    const undecided = await complete(review.id, TOKENS.vp, { comment: 'forgot to decide' });
    expect(undecided.status).toBe(422);
    expect(problemOf(undecided).errors).toEqual([{ field: '/variables/approved', message: textContaining('is missing') }]);
    expect((await tasksOf('SO-500000.01')).map((task) => task.id)).toEqual([review.id]);

    const byDirector = await complete(review.id, TOKENS.director, { approved: true });
    expect(byDirector.status).toBe(403);
    const approved = await complete(review.id, TOKENS.vp, { approved: true, comment: 'good customer' });
    expect(approved.status).toBe(200);
    expect(await work(PLANNING, 'SO-500000.01')).toEqual(PLANNING);
  });

  it('routes a 1,000,000 credit order to the vice-president only, whose rejection ends it as rejected', async () => {
    const order = await enterOrder('SO-1000000', 1_000_000);
    const [review] = await tasksOf('SO-1000000');
    expect(review.candidateGroups).toEqual(['vice-president']);
    expect((await complete(review.id, TOKENS.vp, { approved: false, comment: 'credit limit' })).status).toBe(200);
    const rejected = await instance(order.id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.waiting).toEqual([]);
    expect(await fetchJobs('procurement-planning')).toEqual([]);
    const listed = await api.get<InstancePage>('/api/instances?businessKey=SO-1000000&status=rejected', TOKENS.vp);
    expect(listed.body.items.map((item) => item.id)).toContain(order.id);
  });

  it('routes a 1,000,000.01 credit order to the sales director, then to the vice-president', async () => {
    const order = await enterOrder('SO-1000000.01', 1_000_000.01);
    const [approval] = await tasksOf('SO-1000000.01');
    expect(approval.candidateGroups).toEqual(['sales-director']);
    expect((await complete(approval.id, TOKENS.vp, { approved: true })).status).toBe(403);
    expect((await complete(approval.id, TOKENS.director, { approved: true })).status).toBe(200);
    expect((await complete(approval.id, TOKENS.director, { approved: true })).status).toBe(409);

    const [review] = await tasksOf('SO-1000000.01');
    expect(review.candidateGroups).toEqual(['vice-president']);
    expect(await fetchJobs('procurement-planning')).toEqual([]);
    expect((await complete(review.id, TOKENS.vp, { approved: true })).status).toBe(200);
    expect(await work(PLANNING, 'SO-1000000.01')).toEqual(PLANNING);
    expect(await work(['shipping'], 'SO-1000000.01')).toEqual(['shipping']);
    expect((await instance(order.id)).status).toBe('completed');
  });

  it('lets only one of two vice-presidents deciding at the same moment win', async () => {
    const order = await enterOrder('SO-RACE', 800_000);
    const [review] = await tasksOf('SO-RACE');
    const decisions = await Promise.all([
      complete(review.id, TOKENS.vp, { approved: true, comment: 'yes' }),
      complete(review.id, TOKENS.vp, { approved: false, comment: 'no' }),
    ]);
    expect(decisions.map((response) => response.status).sort()).toEqual([200, 409]);
    // the approval goes on to planning, the rejection ends the order: whichever won, the order shows it
    const approvedWon = decisions[0].status === 200;
    expect((await instance(order.id)).status).toBe(approvedWon ? 'running' : 'rejected');
  });

  it('ends a 1,000,000.01 credit order as rejected when the sales director rejects it, without asking the vice-president', async () => {
    const order = await enterOrder('SO-DIRECTOR-NO', 1_000_000.01);
    const [approval] = await tasksOf('SO-DIRECTOR-NO');
    expect((await complete(approval.id, TOKENS.director, { approved: false, comment: 'no' })).status).toBe(200);
    expect(await tasksOf('SO-DIRECTOR-NO')).toEqual([]);
    expect((await instance(order.id)).status).toBe('rejected');
  });
});

describe('prepaid orders', () => {
  it('holds an order prepaid at entry back from planning until PaymentReceived', async () => {
    const order = await enterOrder('SO-PREPAID-ENTRY', 5_000_000, 'prepaid-at-entry');
    expect(await tasksOf('SO-PREPAID-ENTRY')).toEqual([]);
    expect(await fetchJobs('procurement-planning')).toEqual([]);
    expect(order.waiting.filter((w) => w.type === 'message').map((w) => w.message).sort()).toEqual(['OrderChanged', 'PaymentReceived']);

    const paid = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-PREPAID-ENTRY', variables: { paidAmount: 5_000_000 } });
    expect(paid.status).toBe(200);
    expect(paid.body.reached.map((reached) => reached.id)).toEqual([order.id]);
    expect(paid.body.reached[0].waiting.some((w) => w.type === 'job')).toBe(true);
    expect(await work(PLANNING, 'SO-PREPAID-ENTRY')).toEqual(PLANNING);

    // nothing waits for a second payment now: it is kept for its time-to-live (Camunda 8), not delivered twice
    const again = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-PREPAID-ENTRY' });
    expect(again.status).toBe(202);
    expect(again.body.reached).toEqual([]);
  });

  it('ships an order prepaid at shipment only after both ShipmentRequested and PaymentReceived', async () => {
    const order = await enterOrder('SO-PREPAID-SHIP', 80_000, 'prepaid-at-shipment');
    expect(await work(PLANNING, 'SO-PREPAID-SHIP')).toEqual(PLANNING);
    const requested = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'ShipmentRequested', businessKey: 'SO-PREPAID-SHIP' });
    expect(requested.status).toBe(200);
    expect(await fetchJobs('shipping')).toEqual([]);
    expect(requested.body.reached[0].waiting.map((w) => w.message).filter(Boolean).sort()).toEqual(['OrderChanged', 'PaymentReceived']);

    expect((await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-PREPAID-SHIP' })).status).toBe(200);
    expect(await work(['shipping'], 'SO-PREPAID-SHIP')).toEqual(['shipping']);
    expect((await instance(order.id)).status).toBe('completed');
  });
});

describe('special change', () => {
  it('needs acknowledgements from procurement, production and inspection before the order goes on', async () => {
    const order = await enterOrder('SO-SPECIAL', 100, 'credit', { description: 'paint in RAL 5015' });
    const acknowledgements = await tasksOf('SO-SPECIAL');
    expect(acknowledgements.map((task) => task.candidateGroups.join()).sort()).toEqual(['inspection', 'procurement', 'production']);
    const tokenOf: Record<string, string> = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection };

    for (const task of acknowledgements) {
      const group = task.candidateGroups[0];
      const wrong = group === 'inspection' ? TOKENS.procurement : TOKENS.inspection;
      expect((await complete(task.id, wrong, {})).status).toBe(403);
      expect(await fetchJobs('procurement-planning')).toEqual([]);
      expect((await complete(task.id, tokenOf[group], {})).status).toBe(200);
    }
    expect(await work(PLANNING, 'SO-SPECIAL')).toEqual(PLANNING);
    expect((await instance(order.id)).variables.specialChange).toEqual({ description: 'paint in RAL 5015' });
  });
});

describe('the ERP worker', () => {
  it('fetches and locks jobs, fails one with retries left, completes it on the second try, and a failure without retries raises an incident', async () => {
    await enterOrder('SO-WORKER-1', 10);
    const second = await enterOrder('SO-WORKER-2', 20);

    const locked = await fetchJobs('procurement-planning', 'erp-worker-1');
    expect(locked.map((job) => job.businessKey).sort()).toEqual(['SO-WORKER-1', 'SO-WORKER-2']);
    expect(locked[0].variables.orderNo).toBe(locked[0].businessKey);
    // locked: another worker gets nothing
    expect(await fetchJobs('procurement-planning', 'erp-worker-2')).toEqual([]);

    const first = locked.find((job) => job.businessKey === 'SO-WORKER-1')!;
    const failed = await api.post(`/api/jobs/${encodeURIComponent(first.id)}/failure`, TOKENS.erp, { message: 'ERP timeout', retries: 2, workerId: 'erp-worker-1' });
    expect(failed.status).toBe(200);
    const retried = await fetchJobs('procurement-planning', 'erp-worker-2');
    expect(retried.map((job) => job.id)).toEqual([first.id]);
    expect(retried[0].retries).toBe(2);
    const completed = await api.post(`/api/jobs/${encodeURIComponent(first.id)}/complete`, TOKENS.erp, { variables: { plannedWeek: 48 }, workerId: 'erp-worker-2' });
    expect(completed.status).toBe(200);
    expect((await instance(first.instanceId)).variables.plannedWeek).toBe(48);
    expect((await api.post(`/api/jobs/${encodeURIComponent(first.id)}/complete`, TOKENS.erp, {})).status).toBeOneOf([404, 409]);

    const other = locked.find((job) => job.businessKey === 'SO-WORKER-2')!;
    const broken = await api.post(`/api/jobs/${encodeURIComponent(other.id)}/failure`, TOKENS.erp, { message: 'article unknown in ERP', retries: 0, workerId: 'erp-worker-1' });
    expect(broken.status).toBe(200);
    const incident = await instance(second.id);
    expect(incident.status).toBe('failed');
    expect(incident.incident?.message).toContain('article unknown in ERP');
    const failedChild = await instance(other.instanceId);
    expect(failedChild.status).toBe('failed');
    expect(failedChild.incident?.message).toContain('article unknown in ERP');

    expect((await api.post('/api/jobs/no-such-job/complete', TOKENS.erp, {})).status).toBe(404);
  });
});

// helpers

async function enterOrder(orderNo: string, amount: number, paymentTerms = 'credit', specialChange?: { description: string }) {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, {
    orderNo,
    customer: { name: 'Hoffmann Maschinenbau GmbH', country: 'DE' },
    amount,
    // the reporting currency: `amount` is what the approval thresholds compare
    currency: 'CNY',
    paymentTerms,
    ...(specialChange ? { specialChange } : {}),
  });
  expect(response.status, response.text).toBe(201);
  expect(response.headers.get('location')).toBe(`/api/orders/${encodeURIComponent(orderNo)}`);
  expect(response.headers.get('content-location')).toBe(`/api/instances/${response.body.id}`);
  expect(response.body.businessKey).toBe(orderNo);
  return response.body;
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  const response = await api.get<TaskView[]>(`/api/tasks?businessKey=${encodeURIComponent(orderNo)}`, TOKENS.director);
  expect(response.status).toBe(200);
  return response.body;
}

function complete(taskId: string, token: string, variables: Record<string, unknown>) {
  return api.post<InstanceView>(`/api/tasks/${encodeURIComponent(taskId)}/complete`, token, { variables });
}

async function fetchJobs(type: string, workerId = 'erp'): Promise<JobView[]> {
  const response = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId, max: 10 });
  expect(response.status).toBe(200);
  return response.body;
}

/** The ERP locks and completes every job of these types; returns the types it found for the order. */
async function work(types: string[], orderNo: string): Promise<string[]> {
  const done: string[] = [];
  for (const type of types) {
    for (const job of await fetchJobs(type)) {
      expect(job.businessKey).toBe(orderNo);
      const response = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'erp' });
      expect(response.status, response.text).toBe(200);
      done.push(job.type);
    }
  }
  return done.sort();
}

async function instance(id: string) {
  const response = await api.get<InstanceView>(`/api/instances/${encodeURIComponent(id)}`, TOKENS.director);
  expect(response.status).toBe(200);
  return response.body;
}
