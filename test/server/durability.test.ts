// Retries and restarts: the same order twice makes one instance, and waiting
// orders go on after the server is stopped and started on the same data.
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, TaskView } from '../../engine/api.js';
import { problemOf, TEST_USERS, TOKENS, type InstancePage } from './support/client.js';
import { deployFixtures, makeDataDir, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const running: TestServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  dirs.splice(0).forEach(removeDataDir);
});

async function start(dataDir?: string): Promise<TestServer> {
  const server = await startTestServer(dataDir ? { dataDir } : {});
  running.push(server);
  if (!dataDir) dirs.push(server.dataDir);
  return server;
}

const order = (orderNo: string, amount = 750_000) => ({
  orderNo,
  customer: { name: 'Nordwind Logistik AG', id: 'C-4711' },
  amount,
  // the reporting currency: `amount` is what the approval thresholds compare
  currency: 'CNY',
  paymentTerms: 'credit',
});

describe('idempotent order entry', () => {
  it('creates one instance when the same order is posted five times at once', async () => {
    const { api } = await start();
    const responses = await Promise.all(Array.from({ length: 5 }, () => api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-TWICE'))));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const listed = await api.get<InstancePage>('/api/instances?businessKey=SO-TWICE&processKey=order-to-cash', TOKENS.erp);
    expect(listed.body.total).toBe(1);
    expect((await api.get('/api/tasks?businessKey=SO-TWICE', TOKENS.erp)).body).toHaveLength(1);
  });

  it('returns the existing instance (200, Content-Location) for a retry whose keys come in another order', async () => {
    const { api } = await start();
    const first = await api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-RETRY'));
    expect(first.status).toBe(201);
    const { orderNo, customer, amount, currency, paymentTerms } = order('SO-RETRY');
    const retry = await api.post<InstanceView>('/api/orders', TOKENS.erp, { paymentTerms, currency, amount, customer: { id: customer.id, name: customer.name }, orderNo });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('content-location')).toBe(`/api/instances/${first.body.id}`);
  });

  it('refuses the same orderNo with another body (409) and starts nothing', async () => {
    const { api } = await start();
    expect((await api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-CLASH'))).status).toBe(201);
    const clash = await api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-CLASH', 750_000.5));
    expect(clash.status).toBe(409);
    expect(problemOf(clash).detail).toContain('SO-CLASH');
    // the order already there, as a member a retrying client reads rather than a sentence it parses
    const [entered] = (await api.get<InstancePage>('/api/instances?businessKey=SO-CLASH&processKey=order-to-cash', TOKENS.erp)).body.items;
    expect(problemOf(clash)).toMatchObject({ reason: 'order-exists', instanceId: entered.id });
    expect((await api.get<InstancePage>('/api/instances?businessKey=SO-CLASH&processKey=order-to-cash', TOKENS.erp)).body.total).toBe(1);
  });

  it('makes POST /api/processes/{key}/instances idempotent by Idempotency-Key', async () => {
    const { api } = await start();
    // order-to-cash takes orders and starts only through POST /api/orders: another level-1 process
    await deployFixtures(api, 'customer-review.bpmn');
    const body = { businessKey: 'CR-START', variables: { customerId: 'C-4711', reason: 'annual review' } };
    const headers = { 'Idempotency-Key': 'erp-req-0001' };
    const [a, b] = await Promise.all([
      api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, body, { headers }),
      api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, body, { headers }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    const other = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, { ...body, businessKey: 'CR-OTHER' }, { headers });
    // 422, as the IETF draft of the Idempotency-Key header answers a key reused with another payload
    expect(other.status).toBe(422);
    // it names the caller's first instance, as docs/api.md says, in a member and in the detail
    expect(problemOf(other)).toMatchObject({
      type: 'https://stratum.dev/problems/idempotency-key-reused', title: 'Idempotency-Key already used',
      reason: 'idempotency-key-reused', instanceId: a.body.id, detail: expect.stringContaining(a.body.id) as unknown,
    });
    const withoutKey = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, body);
    expect(withoutKey.status).toBe(201);
    expect(withoutKey.body.id).not.toBe(a.body.id);
  });

  it('keeps an Idempotency-Key its caller\'s own: another integration user\'s same key and body start another instance, and neither is answered with the other\'s', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const crmToken = 'test-crm-integration-token';
    writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'crm', token: crmToken, groups: ['integration'] }] }));
    const { api } = await start(dataDir);
    await deployFixtures(api, 'customer-review.bpmn');
    const body = { businessKey: 'CR-SHARED', variables: { customerId: 'C-4711', reason: 'annual review' } };
    const headers = { 'Idempotency-Key': 'req-0001' };
    const post = (token: string, json: typeof body = body) => api.post<InstanceView>('/api/processes/customer-review/instances', token, json, { headers });
    const erp = await post(TOKENS.erp);
    expect(erp.status).toBe(201);
    const crm = await post(crmToken);
    expect(crm.status).toBe(201);
    expect(crm.body.id).not.toBe(erp.body.id);
    // each caller's retry finds its own instance
    const [erpRetry, crmRetry] = [await post(TOKENS.erp), await post(crmToken)];
    expect([erpRetry.status, erpRetry.body.id]).toEqual([200, erp.body.id]);
    expect([crmRetry.status, crmRetry.body.id]).toEqual([200, crm.body.id]);
    // another body under a key the caller used is still refused, naming the caller's own instance only
    const clash = await post(crmToken, { ...body, businessKey: 'CR-OTHER' });
    expect(clash.status).toBe(422);
    expect(problemOf(clash)).toMatchObject({ reason: 'idempotency-key-reused', instanceId: crm.body.id });
    expect(JSON.stringify(clash.body)).not.toContain(erp.body.id);
    const started = await api.get<InstancePage>('/api/instances?businessKey=CR-SHARED&processKey=customer-review', TOKENS.erp);
    expect(started.body.items.map((item) => item.id).sort()).toEqual([erp.body.id, crm.body.id].sort());
  });
});

/** A POST whose `Idempotency-Key` header is sent once per value, as fetch cannot (it joins them into one). */
function postWithKeys(url: string, path: string, keys: string[], body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: 'POST', path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.setHeader('authorization', `Bearer ${TOKENS.erp}`);
    req.setHeader('content-type', 'application/json');
    req.setHeader('idempotency-key', keys);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('Idempotency-Key on Camunda 8\'s start', () => {
  it('makes POST /v2/process-instances idempotent by the caller\'s Idempotency-Key, one key finding one start on either route, where the header was ignored and each retry started another instance', async () => {
    const { api } = await start();
    await deployFixtures(api, 'customer-review.bpmn');
    const variables = { customerId: 'C-4711', reason: 'annual review' };
    const v2 = (businessId: string, key: string) => api.post<{ processInstanceKey: string }>('/v2/process-instances', TOKENS.erp,
      { processDefinitionId: 'customer-review', businessId, variables }, { headers: { 'Idempotency-Key': key } });
    const [first, again] = [await v2('CR-V2', 'c8-1'), await v2('CR-V2', 'c8-1')];
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body.processInstanceKey).toBe(first.body.processInstanceKey);
    const other = await v2('CR-V2-OTHER', 'c8-1');
    expect([other.status, problemOf(other).reason, problemOf(other).instanceId]).toEqual([422, 'idempotency-key-reused', first.body.processInstanceKey]);

    // a start sent on /api and retried on Camunda 8's route (businessKey as businessId) is one start
    const native = await api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'CR-BOTH', variables }, { headers: { 'Idempotency-Key': 'both-1' } });
    expect(native.status).toBe(201);
    const viaCamunda8 = await v2('CR-BOTH', 'both-1');
    expect([viaCamunda8.status, viaCamunda8.body.processInstanceKey]).toEqual([200, native.body.id]);
    const listed = await api.get<InstancePage>('/api/instances?processKey=customer-review', TOKENS.erp);
    expect(listed.body.items.map((item) => item.businessKey).sort()).toEqual(['CR-BOTH', 'CR-V2']);
  });
});

describe('Idempotency-Key sent twice', () => {
  it('refuses a start with two Idempotency-Key headers (400), where Node read them as the one key "a, b" and started an instance a retry with either key missed', async () => {
    const { api, url } = await start();
    await deployFixtures(api, 'customer-review.bpmn');
    const body = { businessKey: 'CR-TWO-KEYS', variables: { customerId: 'C-4711', reason: 'annual review' } };
    const path = '/api/processes/customer-review/instances';
    for (const keys of [['a', 'b'], ['a', 'a']]) {
      const twice = await postWithKeys(url, path, keys, body);
      expect(twice.status, keys.join()).toBe(400);
      expect(twice.body).toMatchObject({ detail: 'Send one Idempotency-Key header; this request has 2.', errors: [{ field: 'header.idempotency-key' }] });
    }
    expect((await api.get<InstancePage>('/api/instances?businessKey=CR-TWO-KEYS', TOKENS.erp)).body.total).toBe(0);
    // one header is one key, a comma in it included
    expect((await postWithKeys(url, path, ['a'], body)).status).toBe(201);
    expect((await postWithKeys(url, path, ['a'], body)).status).toBe(200);
    expect((await postWithKeys(url, path, ['a, b'], body)).status).toBe(201);
    expect((await api.get<InstancePage>('/api/instances?businessKey=CR-TWO-KEYS', TOKENS.erp)).body.total).toBe(2);
  });
});

describe('restart', () => {
  it('answers a start retried with its Idempotency-Key after a restart with the instance it started, and another body under the key with 422', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const body = { businessKey: 'CR-RESTART', variables: { customerId: 'C-4711', reason: 'annual review' } };
    const headers = { 'Idempotency-Key': 'erp-before-restart' };
    const before = await start(dataDir);
    await deployFixtures(before.api, 'customer-review.bpmn');
    const first = await before.api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, body, { headers });
    expect(first.status).toBe(201);
    await before.close();

    const after = await start(dataDir);
    const retry = await after.api.post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, body, { headers });
    expect([retry.status, retry.body.id]).toEqual([200, first.body.id]);
    const other = await after.api.post('/api/processes/customer-review/instances', TOKENS.erp, { ...body, businessKey: 'CR-OTHER' }, { headers });
    expect([other.status, problemOf(other).instanceId]).toEqual([422, first.body.id]);
    expect((await after.api.get<InstancePage>('/api/instances?processKey=customer-review', TOKENS.erp)).body.total).toBe(1);
  });

  it('lets waiting orders go on after the server is stopped and started on the same data folder', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const before = await start(dataDir);
    const review = await before.api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-BEFORE-RESTART'));
    const prepaid = await before.api.post<InstanceView>('/api/orders', TOKENS.erp, { ...order('SO-PAY-LATER', 9_000_000), paymentTerms: 'prepaid-at-entry' });
    expect([review.status, prepaid.status]).toEqual([201, 201]);
    const versionsBefore = (await before.api.get('/api/processes', TOKENS.erp)).body;
    await before.close();

    const after = await start(dataDir);
    // the shipped diagrams deploy again at start: unchanged, so no new versions
    expect((await after.api.get('/api/processes', TOKENS.erp)).body).toEqual(versionsBefore);
    const [task] = (await after.api.get<TaskView[]>('/api/tasks?businessKey=SO-BEFORE-RESTART', TOKENS.vp)).body;
    expect(task.candidateGroups).toEqual(['vice-president']);
    expect((await after.api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } })).status).toBe(200);
    expect((await after.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-PAY-LATER' })).status).toBe(200);

    const jobs = (await after.api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'erp', max: 10 })).body;
    expect(jobs.map((job) => job.businessKey).sort()).toEqual(['SO-BEFORE-RESTART', 'SO-PAY-LATER']);
    // and the retry of an order entered before the restart still finds it
    const retry = await after.api.post<InstanceView>('/api/orders', TOKENS.erp, order('SO-BEFORE-RESTART'));
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(review.body.id);
  });
});
