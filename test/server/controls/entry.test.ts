// Controls that hold (issue 9, items 2 and 5): orders enter one way, one
// order number is one order, and money is money. Each row is an attempt an
// integration (or a user in every group) could make over HTTP against the real
// server, with the refusal it must get. The attempts that once got through are
// marked "reproduced bypass".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import type { InstanceView, JobView, MessageResult, TaskView } from '../../../engine/api.js';
import { expectedRefusalStatus, problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse, type InstancePage } from '../support/client.js';
import { deployFixtures, makeDataDir, removeDataDir, SERVER_FIXTURES, startTestServer, type TestServer } from '../support/real-server.js';
import { arrayWith, objectWith, textContaining } from '../../support/matchers.js';
import { OrderRequest, StartInstanceRequest } from '../../../server/schemas/requests.js';

const ADMIN_TOKEN = 'test-admin-token-every-group';
const EVERY_GROUP = ['designer', 'integration', 'sales-director', 'vice-president', 'procurement', 'production', 'inspection'];

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'root', token: ADMIN_TOKEN, groups: EVERY_GROUP }] }));
  server = await startTestServer({ dataDir });
  api = server.api;
  await deployFixtures(api, 'customer-review.bpmn', 'credit-limit-change.bpmn', 'ledger-followup.bpmn');
  // SO-EXISTING is an order waiting for its payment: prepaid at entry.
  expect((await placeOrder({ orderNo: 'SO-EXISTING', amount: 80_000, paymentTerms: 'prepaid-at-entry' })).status).toBe(201);
  // CR-1 is the business key of a customer review, no order.
  expect((await api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-1' })).status).toBe(201);
});

afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

const ORDER = { orderNo: 'SO-X', customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' };
let orderCount = 0;

function placeOrder(fields: Record<string, unknown> = {}, token: string = TOKENS.erp) {
  return api.post<InstanceView>('/api/orders', token, { ...ORDER, orderNo: `SO-${++orderCount}`, ...fields });
}

const creditOrderVariables = (orderNo: string, amount: number) => ({
  orderNo, customer: { name: 'Bypass GmbH' }, amount, currency: 'CNY', paymentTerms: 'credit', specialChange: null,
});

interface Attempt {
  attempt: string;
  send: () => Promise<ApiResponse>;
  status: number;
  /** The problem's `reason`, when the refusal has one. */
  reason?: string;
  /** JSON pointers the problem's `errors` must name. */
  fields?: string[];
  /** The detail must say this. */
  detail?: RegExp;
}

function start(key: string, body: unknown, token: string = TOKENS.erp, headers: Record<string, string> = {}) {
  return () => api.post(`/api/processes/${key}/instances`, token, body, { headers });
}

async function expectRefused(row: Attempt) {
  const response = await row.send();
  // 422 is 400 on Camunda 7's routes, as Camunda 7 answers a refused input
  expect(response.status, JSON.stringify(response.body)).toBe(expectedRefusalStatus(response, row.status));
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  const problem = problemOf(response);
  if (row.reason) expect(problem.reason).toBe(row.reason);
  if (row.fields) expect(problem.errors?.map((error) => error.field)).toEqual(arrayWith(row.fields));
  if (row.detail) expect(problem.detail).toMatch(row.detail);
}

/** Deploys one BPMN file as a designer would. */
async function deploy(name: string, xml: string) {
  const deployed = await api.request('POST', `/api/deployments?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
  expect(deployed.status, deployed.text).toBe(201);
}

async function instancesUnder(businessKey: string) {
  return (await api.get<InstancePage>(`/api/instances?businessKey=${encodeURIComponent(businessKey)}`, TOKENS.erp)).body;
}

async function openTaskGroups(orderNo: string): Promise<string[][]> {
  const tasks = (await api.get<TaskView[]>(`/api/tasks?businessKey=${encodeURIComponent(orderNo)}`, TOKENS.erp)).body;
  return tasks.map((task) => task.candidateGroups);
}

// the table

const ONE_WAY_IN: Attempt[] = [
  {
    attempt: 'reproduced bypass: start sales-order-management directly with a 2,000,000 credit order',
    send: start('sales-order-management', { businessKey: 'BY-1', variables: creditOrderVariables('BY-1', 2_000_000) }),
    status: 409, reason: 'called-process', detail: /called by order-to-cash/,
  },
  {
    attempt: 'reproduced bypass: start prepaid-shipment-control directly, so planning is released without approval',
    send: start('prepaid-shipment-control', { businessKey: 'BY-2', variables: { ...creditOrderVariables('BY-2', 2_000_000), paymentTerms: 'prepaid-at-shipment' } }),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'start credit-order-approval directly with a small amount, to be approved automatically',
    send: start('credit-order-approval', { businessKey: 'BY-3', variables: { ...creditOrderVariables('BY-3', 1), reportingAmount: 1 } }),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'start prepaid-entry-control directly, waiting for a payment that releases planning',
    send: start('prepaid-entry-control', { businessKey: 'BY-4', variables: creditOrderVariables('BY-4', 10) }),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'start special-change-notification directly, with no variables at all',
    send: start('special-change-notification', {}),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'start a called process as a user in every group (designer, integration, approvers)',
    send: start('sales-order-management', { businessKey: 'BY-5', variables: creditOrderVariables('BY-5', 2_000_000) }, ADMIN_TOKEN),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'reproduced bypass: start order-to-cash with a negative amount, to be approved automatically',
    send: start('order-to-cash', { businessKey: 'BY-6', variables: creditOrderVariables('BY-6', -2_000_000) }),
    status: 409, reason: 'takes-orders', detail: /POST \/api\/orders/,
  },
  {
    attempt: 'start order-to-cash generically with a valid order, skipping the money checks',
    send: start('order-to-cash', { businessKey: 'BY-7', variables: creditOrderVariables('BY-7', 100) }),
    status: 409, reason: 'takes-orders',
  },
  {
    attempt: 'start order-to-cash with an Idempotency-Key, as a retry',
    send: start('order-to-cash', { businessKey: 'BY-8', variables: creditOrderVariables('BY-8', 100) }, TOKENS.erp, { 'Idempotency-Key': 'retry-1' }),
    status: 409, reason: 'takes-orders',
  },
  {
    attempt: 'start order-to-cash as a user in every group',
    send: start('order-to-cash', { businessKey: 'BY-9', variables: creditOrderVariables('BY-9', 100) }, ADMIN_TOKEN),
    status: 409, reason: 'takes-orders',
  },
  {
    attempt: 'start order-to-cash with no business key and no variables',
    send: start('order-to-cash', {}),
    status: 409, reason: 'takes-orders',
  },
  {
    attempt: 'create order-to-cash through Camunda 8 as a user in every group',
    send: () => api.post('/v2/process-instances', ADMIN_TOKEN, { processDefinitionId: 'order-to-cash', businessId: 'BY-10' }),
    status: 409, reason: 'takes-orders',
  },
  {
    attempt: 'create order-to-cash through Camunda 8 by its processDefinitionKey instead of its id',
    send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionKey: 'order-to-cash:1', businessId: 'BY-11' }),
    status: 400,
  },
  {
    attempt: 'create credit-order-approval through Camunda 8 with a small amount',
    send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'credit-order-approval', businessId: 'BY-12', variables: { reportingAmount: 1 } }),
    // a variable named like an order field is no way in: the called process is refused as without it
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'create credit-order-approval through Camunda 8 without variables',
    send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'credit-order-approval', businessId: 'BY-13' }),
    status: 409, reason: 'called-process',
  },
  {
    attempt: 'create credit-order-approval through Camunda 8 pinned to its version 1',
    send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'credit-order-approval', processDefinitionVersion: 1, businessId: 'BY-14' }),
    status: 400,
  },
];

const ONE_ORDER_PER_NUMBER: Attempt[] = [
  {
    attempt: 'reproduced bypass: enter a second, different order under an existing order number',
    send: () => api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-EXISTING', amount: 2_000_000, paymentTerms: 'prepaid-at-entry' }),
    status: 409, reason: 'order-exists', detail: /SO-EXISTING/,
  },
  {
    attempt: 'start another level-1 process under an existing order number, so that its messages reach both',
    send: start('customer-review', { businessKey: 'SO-EXISTING' }),
    status: 409, reason: 'order-exists',
  },
  {
    attempt: 'start another level-1 process under an existing order number, with an Idempotency-Key',
    send: start('customer-review', { businessKey: 'SO-EXISTING' }, TOKENS.erp, { 'Idempotency-Key': 'review-1' }),
    status: 409, reason: 'order-exists',
  },
  {
    attempt: 'create another level-1 process under an existing order number through Camunda 8 (businessId)',
    send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'customer-review', businessId: 'SO-EXISTING' }),
    status: 409, reason: 'order-exists',
  },
  {
    attempt: 'another integration user reuses the Idempotency-Key of an allowed start for a start under an order number',
    send: async () => {
      const first = await api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-IDEM' }, { headers: { 'Idempotency-Key': 'shared-1' } });
      expect(first.status).toBe(201);
      // the key is erp's own: root's start is a request of its own, and the order number refuses it
      return api.post('/api/processes/customer-review/instances', ADMIN_TOKEN, { businessKey: 'SO-EXISTING' }, { headers: { 'Idempotency-Key': 'shared-1' } });
    },
    status: 409, reason: 'order-exists',
  },
  {
    attempt: 'the same user reuses an Idempotency-Key of an allowed start for a start under an order number',
    send: async () => {
      const first = await api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-IDEM-2' }, { headers: { 'Idempotency-Key': 'own-1' } });
      expect(first.status).toBe(201);
      return api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'SO-EXISTING' }, { headers: { 'Idempotency-Key': 'own-1' } });
    },
    // the entry rules answer first, as without the key (kept as start.refused), where the key's 422 left no trace
    status: 409, reason: 'order-exists',
  },
  {
    attempt: 'the same user reuses an Idempotency-Key of an allowed start for another start the entry rules allow',
    send: async () => {
      const first = await api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-IDEM-3' }, { headers: { 'Idempotency-Key': 'own-2' } });
      expect(first.status).toBe(201);
      return api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-IDEM-4' }, { headers: { 'Idempotency-Key': 'own-2' } });
    },
    status: 422, reason: 'idempotency-key-reused', detail: /already used for a different request/,
  },
  {
    attempt: 'enter an order under a number another process already runs under',
    send: () => api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'CR-1' }),
    status: 409, reason: 'business-key-taken', detail: /CR-1/,
  },
];

const DECLARED_START_VARIABLES: Attempt[] = [
  {
    attempt: 'start a process with a variable its start event does not declare',
    send: start('credit-limit-change', { variables: { customerId: 'C-1', requestedLimit: 5_000, approved: true } }),
    status: 422, fields: ['/variables/approved'],
  },
  {
    attempt: 'hand in the output target instead of the declared start variable',
    send: start('credit-limit-change', { variables: { customerId: 'C-1', creditLimit: 5_000 } }),
    status: 422, fields: ['/variables/creditLimit'],
  },
];

const MONEY: Attempt[] = [
  { attempt: 'a currency of three capital letters that ISO 4217 does not know', send: () => placeOrder({ currency: 'ABC' }), status: 422, fields: ['/currency'] },
  { attempt: 'gold (XAU), an ISO 4217 code that is no money', send: () => placeOrder({ currency: 'XAU' }), status: 422, fields: ['/currency'] },
  { attempt: 'the ISO 4217 testing code XTS', send: () => placeOrder({ currency: 'XTS' }), status: 422, fields: ['/currency'] },
  { attempt: 'a lower-case currency code', send: () => placeOrder({ currency: 'cny' }), status: 422, fields: ['/currency'] },
  {
    attempt: 'an ISO 4217 currency without a rate in the rate table (Icelandic króna)',
    send: () => placeOrder({ currency: 'ISK', amount: 1_000 }),
    status: 422, fields: ['/currency'], detail: /no exchange rate from ISK to CNY/,
  },
  { attempt: 'yen with decimals (JPY has none)', send: () => placeOrder({ currency: 'JPY', amount: 600_000.5 }), status: 422, fields: ['/amount'], detail: /\/amount must have at most 0 decimals/ },
  { attempt: 'Kuwaiti dinar with four decimals (KWD has three)', send: () => placeOrder({ currency: 'KWD', amount: 1.0001 }), status: 422, fields: ['/amount'] },
  { attempt: 'euro with three decimals (EUR has two)', send: () => placeOrder({ currency: 'EUR', amount: 100.001 }), status: 422, fields: ['/amount'] },
  { attempt: 'a negative amount', send: () => placeOrder({ amount: -2_000_000 }), status: 422, fields: ['/amount'] },
  { attempt: 'an amount of zero', send: () => placeOrder({ amount: 0 }), status: 422, fields: ['/amount'] },
  { attempt: 'an amount as text', send: () => placeOrder({ amount: '100' }), status: 422, fields: ['/amount'] },
  {
    attempt: 'reproduced bypass: an amount written over 1,000,000 with more digits than a JSON number holds (1000000.00000000001 CNY, read as 1,000,000 and sent to the vice-president alone)',
    send: () => rawOrder({ orderNo: `SO-${++orderCount}`, amount: 1_000_000 }, '1000000.00000000001'),
    status: 422, fields: ['/amount'], detail: /would be read as 1000000/,
  },
  {
    attempt: 'a change raising an order to more than 1,000,000 by more digits than a JSON number holds',
    send: () => api.request('POST', '/api/orders/SO-EXISTING/changes', {
      token: TOKENS.erp, body: '{"description":"a little more","amount":1000000.00000000001}', headers: { 'content-type': 'application/json' },
    }),
    status: 422, fields: ['/amount'], detail: /would be read as 1000000/,
  },
];

/** An order whose amount is written as `amountText` in the body, as a client that does not write JSON through a double would. */
function rawOrder(fields: Record<string, unknown>, amountText: string) {
  const body = JSON.stringify({ ...ORDER, ...fields }).replace(/"amount":[^,}]+/, `"amount":${amountText}`);
  return api.request('POST', '/api/orders', { token: TOKENS.erp, body, headers: { 'content-type': 'application/json' } });
}

describe('orders enter one way', () => {
  it.each(ONE_WAY_IN)('refuses: $attempt', expectRefused);

  it('started nothing for any of those attempts', async () => {
    for (const key of ['BY-1', 'BY-2', 'BY-3', 'BY-4', 'BY-5', 'BY-6', 'BY-7', 'BY-8', 'BY-9', 'BY-10', 'BY-11', 'BY-12', 'BY-13', 'BY-14']) {
      expect((await instancesUnder(key)).total, key).toBe(0);
    }
    const called = await api.get<InstancePage>('/api/instances?processKey=special-change-notification', TOKENS.erp);
    expect(called.body.total).toBe(0);
  });

  it('still starts a level-1 process that takes no orders, with any variables (Camunda semantics)', async () => {
    const response = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-2', variables: { amount: -5, anything: 'goes' } });
    expect(response.status).toBe(201);
    expect(response.body.variables).toEqual({ amount: -5, anything: 'goes' });
  });

  it('never shows a generic instance started with variables named like an order\'s as an order: its task carries no order to the approver', async () => {
    const order = { orderNo: 'SO-LOOKALIKE', customer: 'ACME', amount: 2_000_000, currency: 'CNY', reportingAmount: 2_000_000 };
    const started = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-LOOKALIKE', variables: order });
    expect(started.status, started.text).toBe(201);
    const tasks = await api.get<TaskView[]>('/api/tasks?businessKey=CR-LOOKALIKE', TOKENS.vp);
    expect(tasks.body).toEqual([objectWith({ processKey: 'customer-review', order: null })]);
    const one = await api.get<TaskView>(`/api/tasks/${encodeURIComponent(tasks.body[0].id)}`, TOKENS.vp);
    expect(one.body.order).toBeNull();
    // a real order's task still shows its order
    expect((await placeOrder({ orderNo: 'SO-REAL-1', amount: 600_000 })).status).toBe(201);
    const real = await api.get<TaskView[]>('/api/tasks?businessKey=SO-REAL-1', TOKENS.vp);
    expect(real.body).toEqual([objectWith({ order: objectWith({ orderNo: 'SO-REAL-1', amount: 600_000 }) })]);
  });

  it('starts a generic instance with variables named like an order\'s on Camunda 8\'s route as on the native one, and never shows it as an order', async () => {
    const lookalike = { orderNo: 'SO-LOOKALIKE-C8', customer: 'ACME', amount: 2_000_000, currency: 'CNY', reportingAmount: 2_000_000 };
    const started = await api.post<{ processInstanceKey: string; variables: Record<string, unknown> }>('/v2/process-instances', TOKENS.erp, {
      processDefinitionId: 'customer-review', businessId: 'CR-LOOKALIKE-C8', variables: lookalike,
    });
    expect(started.status, started.text).toBe(200);
    expect(started.body.variables).toEqual(lookalike);
    const tasks = await api.get<TaskView[]>('/api/tasks?businessKey=CR-LOOKALIKE-C8', TOKENS.vp);
    expect(tasks.body).toEqual([objectWith({ processKey: 'customer-review', order: null })]);
    // nor does it open a side door: an order number as businessId, or the process that takes orders, is refused as before
    const asOrder = await api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'customer-review', businessId: 'SO-REAL-1', variables: lookalike });
    expect([asOrder.status, (asOrder.body as { reason?: string }).reason]).toEqual([409, 'order-exists']);
  });

  it('starts the OpenAPI document\'s example of a generic start as written, beside the order of its order example', async () => {
    const [order] = OrderRequest.examples as Record<string, unknown>[];
    expect((await api.post('/api/orders', TOKENS.erp, order)).status).toBe(201);
    const [start] = StartInstanceRequest.examples as Record<string, unknown>[];
    const response = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, start);
    expect(response.status, response.text).toBe(201);
  });
});

describe('one order number is one order', () => {
  it.each(ONE_ORDER_PER_NUMBER)('refuses: $attempt', expectRefused);

  it('keeps one instance under the order number, so one PaymentReceived releases one order', async () => {
    const under = await instancesUnder('SO-EXISTING');
    expect(under.items.filter((instance) => instance.parentId === null)).toHaveLength(1);
    const paid = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-EXISTING' });
    expect(paid.status).toBe(200);
    expect(paid.body.reached).toHaveLength(1);
    expect(paid.body.reached[0].variables).toMatchObject({ orderNo: 'SO-EXISTING', amount: 80_000 });
  });

  it('lets a message that nothing waits for start no second process under an order number', async () => {
    // ledger-followup starts on PaymentReceived; SO-EXISTING's payment has been received already:
    // the running order keeps the message for later instead
    const again = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-EXISTING' });
    expect(again.status).toBe(202);
    expect(again.body.outcome).toBe('buffered');
    expect((await api.get<InstancePage>('/api/instances?processKey=ledger-followup&businessKey=SO-EXISTING', TOKENS.erp)).body.total).toBe(0);
    // under a key that is no order number the message start works as before
    const elsewhere = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'LEDGER-1' });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.reached[0].processKey).toBe('ledger-followup');
  });

  it('enters one of two different orders posted at once under one number; the other gets a 409', async () => {
    const [a, b] = await Promise.all([
      api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-RACE', amount: 100 }),
      api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-RACE', amount: 200 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await instancesUnder('SO-RACE')).items.filter((instance) => !instance.parentId)).toHaveLength(1);
  });

  it('enters a repeated identical order once (200 with the same instance)', async () => {
    const first = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-AGAIN' });
    const again = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-AGAIN' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
  });

  it('takes "specialChange": null as no special change: the same order as one without the field, and a special change is another', async () => {
    const withNull = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-NULL-CHANGE', specialChange: null });
    const without = await api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-NULL-CHANGE' });
    expect([withNull.status, without.status]).toEqual([201, 200]);
    expect(without.body.id).toBe(withNull.body.id);
    expect(withNull.body.variables).toMatchObject({ specialChange: null });
    const changed = await api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-NULL-CHANGE', specialChange: { description: 'Blue paint' } });
    expect(changed.status).toBe(409);
  });
});

describe('a start event declares the start variables', () => {
  it.each(DECLARED_START_VARIABLES)('refuses: $attempt', expectRefused);

  it('starts with exactly the outputs of the declared variables; a declared variable left out is null', async () => {
    const full = await api.post<InstanceView>('/api/processes/credit-limit-change/instances', TOKENS.erp, { variables: { customerId: 'C-1', requestedLimit: 5_000 } });
    expect(full.status, full.text).toBe(201);
    expect(full.body.variables).toEqual({ customerId: 'C-1', creditLimit: 5_000 });
    const partial = await api.post<InstanceView>('/api/processes/credit-limit-change/instances', TOKENS.erp, { variables: { customerId: 'C-2' } });
    expect(partial.status, partial.text).toBe(201);
    expect(partial.body.variables).toEqual({ customerId: 'C-2', creditLimit: null });
  });

  it('gives order-to-cash exactly the order fields and the converted amount, nothing else', async () => {
    const response = await placeOrder({ orderNo: 'SO-VARS', currency: 'EUR', amount: 1_000 });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body.variables).sort()).toEqual(arrayWith(
      ['amount', 'currency', 'customer', 'exchangeRate', 'orderNo', 'paymentTerms', 'rateDate', 'reportingAmount', 'reportingCurrency', 'specialChange'],
    ));
    expect(response.body.variables).toMatchObject({
      orderNo: 'SO-VARS', amount: 1_000, currency: 'EUR', reportingAmount: 8_245, reportingCurrency: 'CNY', exchangeRate: 8.245, rateDate: '2026-01-02', specialChange: null,
    });
  });
});

describe('money is money', () => {
  it.each(MONEY)('refuses: $attempt', expectRefused);

  it('reproduced bypass: 499,999.99 KWD (about 11.6 million CNY) goes to the sales director, not automatic approval', async () => {
    const response = await placeOrder({ orderNo: 'SO-KWD', currency: 'KWD', amount: 499_999.99 });
    expect(response.status, response.text).toBe(201);
    expect(response.body.variables).toMatchObject({ amount: 499_999.99, currency: 'KWD', reportingCurrency: 'CNY', exchangeRate: 23.185, reportingAmount: 11_592_499.77 });
    expect(await openTaskGroups('SO-KWD')).toEqual([['sales-director']]);
  });

  it('reproduced bypass: 600,000 JPY (28,740 CNY) is approved automatically, not sent to vice-president review', async () => {
    const response = await placeOrder({ orderNo: 'SO-JPY', currency: 'JPY', amount: 600_000 });
    expect(response.status, response.text).toBe(201);
    expect(response.body.variables).toMatchObject({ reportingAmount: 28_740, exchangeRate: 0.0479 });
    expect(await openTaskGroups('SO-JPY')).toEqual([]);
    const jobs = response.body.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort();
    expect(jobs).toEqual(['procurement-planning', 'production-planning']);
  });

  it('accepts Kuwaiti dinar with three decimals', async () => {
    const response = await placeOrder({ orderNo: 'SO-KWD-3', currency: 'KWD', amount: 10.125 });
    expect(response.status, response.text).toBe(201);
    expect(response.body.variables).toMatchObject({ amount: 10.125, reportingAmount: 234.75 });
  });

  it('compares the converted amount at the 500,000.00 CNY threshold: 60,642.81 EUR is approved automatically, 60,642.82 EUR goes to the vice-president', async () => {
    // × 8.245: 499,999.96845 → 499,999.97 CNY; 500,000.0509 → 500,000.05 CNY
    const below = await placeOrder({ orderNo: 'SO-EUR-LOW', currency: 'EUR', amount: 60_642.81 });
    const above = await placeOrder({ orderNo: 'SO-EUR-HIGH', currency: 'EUR', amount: 60_642.82 });
    expect(below.body.variables.reportingAmount).toBe(499_999.97);
    expect(above.body.variables.reportingAmount).toBe(500_000.05);
    expect(await openTaskGroups('SO-EUR-LOW')).toEqual([]);
    expect(await openTaskGroups('SO-EUR-HIGH')).toEqual([['vice-president']]);
  });

  it('never lets an approver, a worker or a message change the converted amount', async () => {
    const tasks = (await api.get<TaskView[]>('/api/tasks?businessKey=SO-KWD', TOKENS.erp)).body;
    const lowered = await api.post(`/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, TOKENS.director, { variables: { approved: true, reportingAmount: 1 } });
    expect(lowered.status).toBe(422);
    const message = await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-KWD', variables: { exchangeRate: 0.0001 } });
    expect(message.status).toBe(422);
    const [job] = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'w', max: 1 })).body;
    const worked = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'w', variables: { reportingCurrency: 'JPY' } });
    expect(worked.status).toBe(422);
  });
});

describe('the operator\'s rate table', () => {
  it('uses only rates dated on or before the day of the order', async () => {
    const dataDir = makeDataDir();
    const ratesFile = join(dataDir, 'rates.json');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    writeFileSync(ratesFile, JSON.stringify({
      reportingCurrency: 'CNY',
      rates: [{ currency: 'USD', rate: '7', date: '2026-01-02' }, { currency: 'USD', rate: '100', date: tomorrow }, { currency: 'GBP', rate: '9', date: tomorrow }],
    }));
    const dated = await startTestServer({ dataDir, ratesFile });
    try {
      const usd = await dated.api.post<InstanceView>('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-USD', currency: 'USD', amount: 1_000 });
      expect(usd.status).toBe(201);
      expect(usd.body.variables).toMatchObject({ reportingAmount: 7_000, exchangeRate: 7, rateDate: '2026-01-02' });
      const gbp = await dated.api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-GBP', currency: 'GBP', amount: 1_000 });
      expect(gbp.status).toBe(422);
      expect(problemOf(gbp).errors).toEqual([{ field: '/currency', message: textContaining('no exchange rate from GBP to CNY') }]);
    } finally {
      await dated.close();
      removeDataDir(dataDir);
    }
  });

  it('refuses to start with a rate table that is not valid, naming the entry', async () => {
    const dataDir = makeDataDir();
    const ratesFile = join(dataDir, 'rates.json');
    writeFileSync(ratesFile, JSON.stringify({ reportingCurrency: 'CNY', rates: [{ currency: 'EUR', rate: 'eight', date: '2026-01-02' }] }));
    try {
      await expect(startTestServer({ dataDir, ratesFile })).rejects.toThrow(/rates\[0\]\.rate must be a positive decimal/);
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('refuses to start when the configured order process is deployed but does not declare takesOrders', async () => {
    const dataDir = makeDataDir();
    try {
      await expect(startTestServer({ dataDir, diagramsDir: SERVER_FIXTURES, orderProcessKey: 'customer-review' }))
        .rejects.toThrow(/STRATUM_ORDER_PROCESS=customer-review: .*does not declare that it takes orders/);
    } finally {
      removeDataDir(dataDir);
    }
  });
});

// last: it changes the library's call graph for the rows above
describe('levels are the call graph', () => {
  it('refuses a process once a newly deployed process calls it: level 2 is a fact of the call graph, not a flag', async () => {
    const caller = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="review-campaign" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call" />
    <bpmn:callActivity id="Call" name="Review customer"><bpmn:extensionElements><zeebe:calledElement processId="credit-limit-change" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
    await deploy('review-campaign.bpmn', caller);
    await expectRefused({
      attempt: 'start the now-called credit-limit-change',
      send: start('credit-limit-change', { variables: { customerId: 'C-9', requestedLimit: 1 } }),
      status: 409, reason: 'called-process', detail: /called by review-campaign/,
    });
  });
});

describe('a retired process never starts directly, on any route', () => {
  const kickoff = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="K" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_kickoff" name="campaign-kickoff" />
  <bpmn:process id="campaign-kickoff" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:startEvent id="Kicked"><bpmn:messageEventDefinition messageRef="Msg_kickoff" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Plan" />
    <bpmn:sequenceFlow id="F2" sourceRef="Kicked" targetRef="Plan" />
    <bpmn:userTask id="Plan" name="Plan the campaign"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Plan" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
  const campaign = (calls: boolean) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="C" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="marketing-campaign" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="${calls ? 'Call' : 'End'}" />
    ${calls ? `<bpmn:callActivity id="Call" name="Kick off"><bpmn:extensionElements><zeebe:calledElement processId="campaign-kickoff" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="End" />` : ''}
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
  /** Every route a message takes in; none may start the process its start event catches. */
  const messages = (businessKey: string) => [
    () => api.post('/api/messages', TOKENS.erp, { name: 'campaign-kickoff', businessKey }),
    () => api.post('/engine-rest/message', TOKENS.erp, { messageName: 'campaign-kickoff', businessKey }),
    () => api.post('/v2/messages/publication', TOKENS.erp, { name: 'campaign-kickoff', correlationKey: businessKey, timeToLive: 0 }),
  ];

  it('refuses it through a generic start, Camunda 8\'s create-instance and every message route, called or retired', async () => {
    await deploy('campaign-kickoff.bpmn', kickoff);
    await deploy('marketing-campaign.bpmn', campaign(true));
    for (const [stage, reason] of [['called', 'called-process'], ['retired', 'retired-process']] as const) {
      if (stage === 'retired') await deploy('marketing-campaign.bpmn', campaign(false));
      await expectRefused({ attempt: `start the ${stage} campaign-kickoff`, send: start('campaign-kickoff', { businessKey: `KO-${stage}` }), status: 409, reason });
      await expectRefused({
        attempt: `create a ${stage} campaign-kickoff through Camunda 8`,
        send: () => api.post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'campaign-kickoff', businessId: `KO-C8-${stage}` }),
        status: 409, reason,
      });
      // nothing waits for the message and no process may start from it: as for any unknown business key
      for (const [route, send] of messages(`KO-MSG-${stage}`).entries()) {
        const answer = await send();
        expect(answer.status, `${stage}, message route ${route}: ${JSON.stringify(answer.body)}`).toBe(404);
      }
      expect((await instancesUnder(`KO-MSG-${stage}`)).items, `a message started the ${stage} process`).toEqual([]);
    }
  });
});

describePostgres('one order number is one order on two servers sharing PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const url = schemaUrl(await freshSchema());
    [a, b] = await Promise.all([startTestServer({ databaseUrl: url }), startTestServer({ databaseUrl: url })]);
    await deployFixtures(a.api, 'customer-review.bpmn');
  });

  afterAll(async () => {
    for (const each of [a, b]) {
      if (!each) continue;
      await each.close();
      removeDataDir(each.dataDir);
    }
  });

  it('enters one of two different orders posted at once to two servers under one number', async () => {
    const [first, second] = await Promise.all([
      a.api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-PG-RACE', amount: 100 }),
      b.api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: 'SO-PG-RACE', amount: 200 }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
  });

  it('lets either an order or another process, never both, take a number posted at once to two servers', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `SO-PG-KEY-${round}`;
      const [order, review] = await Promise.all([
        a.api.post('/api/orders', TOKENS.erp, { ...ORDER, orderNo: key }),
        b.api.post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: key }),
      ]);
      expect([order.status, review.status].sort(), key).toEqual([201, 409]);
      const roots = (await a.api.get<InstancePage>(`/api/instances?businessKey=${key}`, TOKENS.erp)).body.items.filter((instance) => !instance.parentId);
      expect(roots, key).toHaveLength(1);
    }
  });
});
