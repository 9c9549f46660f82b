// Orders as a resource (issue 13, item 1): an integrator reads an order by its
// number, lists orders by status, customer and entry time, and cancels by
// number, against the real server with the shipped library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, OrderListItem, OrderView, TaskView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anyText, objectWith } from '../../support/matchers.js';

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

/** GET /api/orders: a page of orders, newest first, and the cursor of the next. */
interface OrderPage {
  items: OrderListItem[];
  limit: number;
  next: string | null;
}

async function enter(orderNo: string, fields: Record<string, unknown> = {}) {
  const entered = await api.post<InstanceView>('/api/orders', TOKENS.erp, {
    orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit', ...fields,
  });
  expect(entered.status, entered.text).toBe(201);
  return entered.body;
}

const order = async (orderNo: string) => {
  const response = await api.get<OrderView>(`/api/orders/${encodeURIComponent(orderNo)}`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
};

async function workJob(type: string, orderNo: string) {
  const fetched = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'erp', max: 10 });
  const job = fetched.body.find((candidate) => candidate.businessKey === orderNo);
  expect(job, `a ${type} job for ${orderNo}`).toBeDefined();
  const done = await api.post(`/api/jobs/${encodeURIComponent(job!.id)}/complete`, TOKENS.erp, { workerId: 'erp' });
  expect(done.status, done.text).toBe(200);
  return job!;
}

describe('POST /api/orders', () => {
  it('answers a new order with Location naming the order and Content-Location its instance, and a retry with Content-Location', async () => {
    const body = { orderNo: 'SO/LOC 1', customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit' };
    const created = await api.post<InstanceView>('/api/orders', TOKENS.erp, body);
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe('/api/orders/SO%2FLOC%201');
    expect(created.headers.get('content-location')).toBe(`/api/instances/${created.body.id}`);
    // following Location reaches the order, as an integrator following the docs would
    const followed = await api.get<OrderView>(created.headers.get('location')!, TOKENS.erp);
    expect([followed.status, followed.body.orderNo, followed.body.instanceId]).toEqual([200, 'SO/LOC 1', created.body.id]);

    const again = await api.post<InstanceView>('/api/orders', TOKENS.erp, body);
    expect([again.status, again.headers.get('location'), again.headers.get('content-location')]).toEqual([200, null, `/api/instances/${created.body.id}`]);
  });
});

describe('GET /api/orders/{orderNo}', () => {
  it('shows a credit order above 500,000 waiting for the vice president, with both amounts, who may act and the versions of its call tree', async () => {
    await enter('ORD-VP', { amount: 600_000 });
    const view = await order('ORD-VP');
    expect(view).toMatchObject({
      orderNo: 'ORD-VP', status: 'waiting-for-approval', customer: 'Hoffmann Maschinenbau GmbH',
      amount: '600000.00', currency: 'CNY', reportingAmount: '600000.00', reportingCurrency: 'CNY', paymentTerms: 'credit',
      entered: { orderNo: 'ORD-VP', amount: 600_000, currency: 'CNY', customer: { name: 'Hoffmann Maschinenbau GmbH' } },
      enteredBy: 'erp', incident: null,
    });
    expect(view.waiting).toEqual([objectWith({ type: 'task', candidateGroups: ['vice-president'], mayAct: ['vice-president'], processKey: 'credit-order-approval' })]);
    expect(view.versions.map((one) => one.processKey)).toEqual(['order-to-cash', 'sales-order-management', 'credit-order-approval']);
    expect(view.versions.every((one) => one.version >= 1)).toBe(true);
    expect(view.history.some((entry) => entry.event === 'instance.started' && entry.instanceId === view.versions[2].instanceId)).toBe(true);
  });

  it('follows a prepaid-at-entry order from waiting for payment through planning and shipping to fulfilled', async () => {
    await enter('ORD-PREPAID', { paymentTerms: 'prepaid-at-entry', amount: 2_000_000 });
    expect((await order('ORD-PREPAID')).status).toBe('waiting-for-payment');
    expect((await order('ORD-PREPAID')).waiting).toEqual([objectWith({ type: 'message', message: 'PaymentReceived', mayAct: ['integration'] })]);
    expect((await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'ORD-PREPAID' })).status).toBe(200);
    expect((await order('ORD-PREPAID')).status).toBe('in-planning');
    const job = await workJob('procurement-planning', 'ORD-PREPAID');
    // a job shows its order as a task does: the order's fields as entered and converted
    expect(job.order).toMatchObject({
      orderNo: 'ORD-PREPAID', customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 2_000_000, currency: 'CNY',
      paymentTerms: 'prepaid-at-entry', reportingAmount: 2_000_000, reportingCurrency: 'CNY',
    });
    await workJob('production-planning', 'ORD-PREPAID');
    expect((await order('ORD-PREPAID')).status).toBe('shipping');
    await workJob('shipping', 'ORD-PREPAID');
    expect((await order('ORD-PREPAID')).status).toBe('fulfilled');
  });

  it('is rejected when the vice president rejects it', async () => {
    await enter('ORD-REJECT', { amount: 700_000 });
    const [task] = (await api.get<TaskView[]>('/api/tasks?businessKey=ORD-REJECT', TOKENS.vp)).body;
    expect(task.order).toMatchObject({ orderNo: 'ORD-REJECT', customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 700_000, currency: 'CNY', paymentTerms: 'credit' });
    expect((await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: false, comment: 'too risky' } })).status).toBe(200);
    expect((await order('ORD-REJECT')).status).toBe('rejected');
  });

  it('answers a CRM\'s poll with 304 while the order and its instance are unchanged, and with the new state once a step moved it', async () => {
    const entered = await enter('ORD-POLL', { amount: 700_000 });
    for (const path of ['/api/orders/ORD-POLL', `/api/instances/${entered.id}`]) {
      const first = await api.get(path, TOKENS.erp);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const unchanged = await api.get(path, TOKENS.erp, { headers: { 'If-None-Match': etag! } });
      expect([unchanged.status, unchanged.text, unchanged.headers.get('etag')], path).toEqual([304, '', etag]);
    }
    const polls = await Promise.all(['/api/orders/ORD-POLL', `/api/instances/${entered.id}`].map(async (path) => (await api.get(path, TOKENS.erp)).headers.get('etag')!));
    const [task] = (await api.get<TaskView[]>('/api/tasks?businessKey=ORD-POLL', TOKENS.vp)).body;
    expect((await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } })).status).toBe(200);
    const moved = await api.get<OrderView>('/api/orders/ORD-POLL', TOKENS.erp, { headers: { 'If-None-Match': polls[0] } });
    expect([moved.status, moved.body.status]).toEqual([200, 'in-planning']);
    expect(moved.headers.get('etag')).not.toBe(polls[0]);
    expect((await api.get(`/api/instances/${entered.id}`, TOKENS.erp, { headers: { 'If-None-Match': polls[1] } })).status).toBe(200);
  });

  it('answers 404 for an unknown number and 401 without a token', async () => {
    expect((await api.get('/api/orders/NOPE-1', TOKENS.erp)).status).toBe(404);
    expect((await api.get('/api/orders/NOPE-1')).status).toBe(401);
  });
});

describe('POST /api/orders/{orderNo}/cancel', () => {
  it('cancels the whole order with the reason and the caller in its history, once', async () => {
    await enter('ORD-CANCEL', { amount: 900_000 });
    const cancelled = await api.post<OrderView>('/api/orders/ORD-CANCEL/cancel', TOKENS.erp, { reason: 'customer withdrew' });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.waiting).toEqual([]);
    expect(cancelled.body.versions.every((one) => one.status === 'cancelled')).toBe(true);
    const entries = cancelled.body.history.filter((entry) => entry.event === 'instance.cancelled');
    expect(entries).toHaveLength(3);
    expect(entries.every((entry) => entry.actor === 'erp' && entry.data?.reason === 'customer withdrew')).toBe(true);
    expect((await api.post('/api/orders/ORD-CANCEL/cancel', TOKENS.erp, { reason: 'again' })).status).toBe(409);
  });

  it('refuses an unknown order, a missing reason and a caller outside integration', async () => {
    expect((await api.post('/api/orders/NOPE-2/cancel', TOKENS.erp, { reason: 'x' })).status).toBe(404);
    await enter('ORD-KEEP');
    expect((await api.post('/api/orders/ORD-KEEP/cancel', TOKENS.erp, {})).status).toBe(422);
    expect((await api.post('/api/orders/ORD-KEEP/cancel', TOKENS.vp, { reason: 'x' })).status).toBe(403);
    expect((await order('ORD-KEEP')).status).not.toBe('cancelled');
  });
});

describe('GET /api/orders', () => {
  it('filters by status, customer and entry time', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    await enter('LIST-A', { customer: { name: 'Acme AG' }, amount: 600_000 });
    await enter('LIST-B', { customer: { name: 'Acme AG' }, paymentTerms: 'prepaid-at-entry' });
    await enter('LIST-C', { customer: { name: 'Zeta SA' }, amount: 600_000 });
    const numbers = async (query: string) => {
      const page = await api.get<OrderPage>(`/api/orders?${query}`, TOKENS.vp);
      expect(page.status, page.text).toBe(200);
      return page.body.items.map((item) => item.orderNo);
    };
    expect(await numbers('customer=Acme%20AG')).toEqual(['LIST-B', 'LIST-A']);
    expect(await numbers('customer=Acme%20AG&status=waiting-for-payment')).toEqual(['LIST-B']);
    expect(await numbers(`status=waiting-for-approval&from=${encodeURIComponent(before)}`)).toEqual(['LIST-C', 'LIST-A']);
    expect(await numbers(`to=${encodeURIComponent(before)}&customer=Acme%20AG`)).toEqual([]);
    expect(await numbers('status=cancelled')).toEqual(['ORD-CANCEL']);
    expect((await api.get('/api/orders?status=lost', TOKENS.vp)).status).toBe(400);
    expect((await api.get('/api/orders?after=not-a-cursor!', TOKENS.vp)).status).toBe(400);
    // instants RFC 3339 has and the stores do not: the 400 of a query parameter naming it, once a 422 from the store
    for (const query of ['from=2026-12-31T23:59:60Z', 'to=2026-12-07t08:00:00z', 'from=2026-12-07T08:00:00.0000000001Z']) {
      const refused = await api.get(`/api/orders?${query}`, TOKENS.vp);
      expect(refused.status, `${query}: ${refused.text}`).toBe(400);
      expect(JSON.stringify(problemOf(refused).errors), query).toContain(`query.${query.split('=')[0]}`);
    }
  });

  it('pages without repeating or skipping an order while new orders are entered', async () => {
    const customer = { name: 'Paging KG' };
    for (let n = 1; n <= 5; n++) await enter(`PAGE-${n}`, { customer });
    const seen: string[] = [];
    let next: string | null = null;
    let extra = 0;
    do {
      const page: ApiResponse<OrderPage> = await api.get<OrderPage>(`/api/orders?customer=Paging%20KG&limit=2${next ? `&after=${next}` : ''}`, TOKENS.erp);
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.items.map((item) => item.orderNo));
      next = page.body.next;
      // orders entered between pages are newer than the first page: they never shift the pages after it
      if (extra < 2) await enter(`PAGE-NEW-${++extra}`, { customer });
    } while (next);
    expect(seen).toEqual(['PAGE-5', 'PAGE-4', 'PAGE-3', 'PAGE-2', 'PAGE-1']);
  });

  it('ends a page early with a cursor when a running status is rare, and the cursor finds the rest', async () => {
    const customer = { name: 'Rare GmbH' };
    await enter('RARE-1', { customer, paymentTerms: 'prepaid-at-entry' });
    for (let n = 1; n <= 25; n++) await enter(`COMMON-${n}`, { customer, amount: 600_000 });
    const first = await api.get<OrderPage>('/api/orders?customer=Rare%20GmbH&status=waiting-for-payment&limit=1', TOKENS.erp);
    expect(first.body.items).toEqual([]);
    expect(first.body.next).toEqual(anyText());
    let page = first;
    const found: string[] = [];
    while (page.body.next) {
      page = await api.get<OrderPage>(`/api/orders?customer=Rare%20GmbH&status=waiting-for-payment&limit=1&after=${page.body.next}`, TOKENS.erp);
      found.push(...page.body.items.map((item) => item.orderNo));
    }
    expect(found).toEqual(['RARE-1']);
  });
});
