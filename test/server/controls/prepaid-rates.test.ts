// A prepaid order's payment is money in the order's currency: a raise is paid for when the new amount is more than
// what was paid in that currency, whatever the exchange rate did since. The approval tiers compare amounts in the
// reporting currency (docs/money.md); what a payment covers does not. Each server here is the real one on one data
// folder, restarted with the operator's new rate table as docs/money.md says to load new rates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderChangesView, OrderView, TaskView } from '../../../engine/api.js';
import { TOKENS } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

const ACKNOWLEDGERS = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection } as const;
const PLANNING = ['procurement-planning', 'production-planning'];

let dataDir: string;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  removeDataDir(dataDir);
});

/** (Re)starts the server on the data folder with EUR at `eurRate` CNY. */
async function startWithEuroAt(eurRate: string): Promise<TestServer> {
  await server?.close();
  const ratesFile = join(dataDir, 'rates.json');
  writeFileSync(ratesFile, JSON.stringify({ reportingCurrency: 'CNY', rates: [{ currency: 'EUR', rate: eurRate, date: '2026-01-02' }] }));
  server = await startTestServer({ dataDir, ratesFile });
  return server;
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  return (await server!.api.get<TaskView[]>(`/api/tasks?businessKey=${encodeURIComponent(orderNo)}`, TOKENS.erp)).body;
}

async function acknowledgeAll(orderNo: string) {
  const tasks = (await tasksOf(orderNo)).filter((task) => task.candidateGroups[0] in ACKNOWLEDGERS);
  expect(tasks).toHaveLength(3);
  for (const task of tasks) {
    const token = ACKNOWLEDGERS[task.candidateGroups[0] as keyof typeof ACKNOWLEDGERS];
    const response = await server!.api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, token, { variables: { acknowledged: true } });
    expect(response.status, response.text).toBe(200);
  }
}

async function change(orderNo: string, body: Record<string, unknown>) {
  const response = await server!.api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'as the customer asked', ...body });
  expect(response.status, response.text).toBe(201);
}

async function changeStatuses(orderNo: string): Promise<string[]> {
  return (await server!.api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body.changes.map((one) => one.status);
}

async function pay(orderNo: string) {
  const response = await server!.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: orderNo });
  expect(response.status, response.text).toBe(200);
}

/** The order's jobs of `type` that a worker is handed now (given back at once). */
async function fetchable(type: string, orderNo: string): Promise<{ id: string }[]> {
  const response = await server!.api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'rates', max: 10, businessKey: orderNo });
  expect(response.status, response.text).toBe(200);
  for (const job of response.body) expect((await server!.api.post(`/api/jobs/${encodeURIComponent(job.id)}/unlock`, TOKENS.erp, { workerId: 'rates' })).status).toBe(204);
  return response.body;
}

async function work(types: string[], orderNo: string) {
  for (const type of types) {
    const [job] = await server!.api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'rates', max: 1, businessKey: orderNo }).then((response) => response.body);
    expect(job, `a ${type} job of ${orderNo}`).toBeDefined();
    const response = await server!.api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'rates' });
    expect(response.status, response.text).toBe(200);
  }
}

describe('a prepaid order\'s raise is paid for in the order\'s currency', () => {
  it.each(['prepaid-at-entry', 'prepaid-at-shipment'])('reproduced bypass: a %s order paid at 121,000 EUR is raised to 124,000 EUR after the euro fell from 8.245 to 8 CNY (992,000 CNY, below the 997,645 CNY paid then): the raise waits for its payment', async (terms) => {
    dataDir = makeDataDir();
    const orderNo = 'SO-EUR-1';
    let api = (await startWithEuroAt('8.245')).api;
    const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 121_000, currency: 'EUR', paymentTerms: terms });
    expect(entered.status, entered.text).toBe(201);
    await pay(orderNo);
    await work(PLANNING, orderNo);

    // the treasury's new rates
    api = (await startWithEuroAt('8')).api;
    await change(orderNo, { description: '3,000 EUR more of the same', amount: 124_000 });
    const changes = (await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body;
    expect(changes).toMatchObject({ amount: '121000.00', reportingAmount: '997645.00', changes: [{ amount: '124000.00', reportingAmount: '992000.00' }] });
    await acknowledgeAll(orderNo);
    if (terms === 'prepaid-at-shipment') expect((await api.post('/api/messages', TOKENS.erp, { name: 'ShipmentRequested', businessKey: orderNo })).status).toBe(200);
    // 121,000 EUR were paid: the 3,000 EUR more are not, whatever they are worth in yuan
    expect(await changeStatuses(orderNo)).toEqual(['acknowledged']);
    expect(await fetchable('shipping', orderNo)).toEqual([]);
    expect((await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.status).toBe('waiting-for-payment');

    await pay(orderNo);
    expect(await changeStatuses(orderNo)).toEqual(['accepted']);
    await work(['shipping'], orderNo);
    expect((await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.status).toBe('fulfilled');
  });

  it('a paid order lowered, or changed without an amount, after the euro rose owes nothing more', async () => {
    dataDir = makeDataDir();
    const orderNo = 'SO-EUR-2';
    let api = (await startWithEuroAt('8')).api;
    const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 121_000, currency: 'EUR', paymentTerms: 'prepaid-at-shipment' });
    expect(entered.status, entered.text).toBe(201);
    await pay(orderNo);

    api = (await startWithEuroAt('8.245')).api;
    // 120,000 EUR are 989,400 CNY now, more than the 968,000 CNY paid then: still less than the 121,000 EUR paid
    await change(orderNo, { description: '1,000 EUR less', amount: 120_000 });
    await acknowledgeAll(orderNo);
    await change(orderNo, { description: 'other labels' });
    await acknowledgeAll(orderNo);
    expect(await changeStatuses(orderNo)).toEqual(['accepted', 'accepted']);
    await work(PLANNING, orderNo);
    expect((await api.post('/api/messages', TOKENS.erp, { name: 'ShipmentRequested', businessKey: orderNo })).status).toBe(200);
    await work(['shipping'], orderNo);
    expect((await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.status).toBe('fulfilled');
  });
});
