// Order events over HTTP: pull with GET /api/events?after=, webhooks
// administered by operators (API and STRATUM_WEBHOOKS file), delivered signed
// to a receiver that verifies with the Standard Webhooks package, the
// delivery log, redelivery, and who may do what.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent, TaskView, WebhookDeliveryView, WebhookSubscription, WebhookSubscriptionChange } from '../../../engine/api.js';
import { TEST_USERS, TOKENS, type ApiClient } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('the ERP and Stratum share these 32 bytes').toString('base64')}`;

let server: TestServer;
let api: ApiClient;
let configured: WebhookReceiver;
let receiver: WebhookReceiver;
/** The server's log lines. */
const logged: string[] = [];

beforeAll(async () => {
  configured = await new WebhookReceiver(SECRET).start();
  receiver = await new WebhookReceiver(SECRET).start();
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify(TEST_USERS));
  const webhooksFile = join(dataDir, 'webhooks.json');
  writeFileSync(webhooksFile, JSON.stringify({ subscriptions: [{ id: 'erp-fulfilled', url: configured.url, secret: SECRET, types: ['stratum.order.fulfilled', 'stratum.order.rejected'] }] }));
  server = await startTestServer({ dataDir, webhooksFile, webhooksAllowPrivate: true, logger: pino({ level: 'info' }, { write: (line: string) => logged.push(line) }) });
  api = server.api;
});
afterAll(async () => {
  await server.close();
  await configured.stop();
  await receiver.stop();
  removeDataDir(server.dataDir);
});

async function until(condition: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GET /api/events: order events after a number, and the number to ask after next. */
interface EventPage {
  items: OrderEvent[];
  next: number;
}

/** GET /api/webhooks/{id}/deliveries and /api/webhook-deliveries/dead. */
interface DeliveryPage {
  items: WebhookDeliveryView[];
  next: number | null;
}

async function enter(orderNo: string, amount: number) {
  const response = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Nordwind Logistik' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
}

async function decide(orderNo: string, approved: boolean) {
  const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}&candidateGroup=vice-president`, TOKENS.vp)).body;
  expect((await api.post(`/api/tasks/${task.id}/complete`, TOKENS.vp, { variables: { approved, ...(!approved && { comment: 'Credit limit exceeded.' }) } })).status).toBe(200);
}

describe('order events and webhooks over HTTP', () => {
  let subscriptionId: string;

  it('lets an operator subscribe (the secret shown once) and refuses the ERP and approvers', async () => {
    const created = await api.post<WebhookSubscription & { secret: string }>('/api/webhooks', TOKENS.operations, { url: receiver.url, secret: SECRET });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ url: receiver.url, types: [], source: 'api', createdBy: 'otto', secret: SECRET });
    subscriptionId = created.body.id;
    expect(created.headers.get('location')).toBe(`/api/webhooks/${encodeURIComponent(subscriptionId)}`);
    const listed = (await api.get<WebhookSubscription[]>('/api/webhooks', TOKENS.operations)).body;
    expect(listed.map((subscription) => subscription.id).sort()).toEqual(['erp-fulfilled', subscriptionId].sort());
    expect(listed.every((subscription) => !('secret' in subscription))).toBe(true);
    expect((await api.post('/api/webhooks', TOKENS.erp, { url: receiver.url })).status).toBe(403);
    expect((await api.get('/api/webhooks', TOKENS.vp)).status).toBe(403);
    const badSecret = await api.post('/api/webhooks', TOKENS.operations, { url: receiver.url, secret: 'whsec_c2hvcnQ=' });
    expect(badSecret.status).toBe(422);
    expect((await api.post('/api/webhooks', TOKENS.operations, { id: 'erp-fulfilled', url: receiver.url })).status).toBe(409);
  });

  it('delivers each status change of an order, signed, in order; the file\'s subscription gets only its types', async () => {
    await enter('HOOK-1', 700_000);
    await decide('HOOK-1', true);
    await enter('HOOK-2', 700_000);
    await decide('HOOK-2', false);
    await until(() => receiver.typesOf('HOOK-1').length === 2 && receiver.typesOf('HOOK-2').length === 2 && configured.received.length === 1);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    expect(receiver.typesOf('HOOK-1')).toEqual(['stratum.order.waiting-for-approval', 'stratum.order.in-planning']);
    expect(receiver.typesOf('HOOK-2')).toEqual(['stratum.order.waiting-for-approval', 'stratum.order.rejected']);
    expect(configured.received.map((entry) => [entry.event.subject, entry.event.type])).toEqual([['HOOK-2', 'stratum.order.rejected']]);
  });

  it('serves the same events to pull consumers after a number, and refuses callers outside integration', async () => {
    const all = await api.get<EventPage>('/api/events?orderNo=HOOK-1', TOKENS.erp);
    expect(all.status, all.text).toBe(200);
    expect(all.body.items.map((event) => event.type)).toEqual(['stratum.order.waiting-for-approval', 'stratum.order.in-planning']);
    const first = all.body.items[0];
    expect(receiver.received.find((entry) => entry.id === first.id)!.event).toEqual(first);
    const after = await api.get<EventPage>(`/api/events?after=${first.stratumseq}&limit=1`, TOKENS.erp);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.next).toBe(after.body.items[0].stratumseq);
    expect((await api.get('/api/events?after=-1', TOKENS.erp)).status).toBe(400);
    expect((await api.get('/api/events', TOKENS.vp)).status).toBe(403);
  });

  it('shows the delivery log and sends a delivery again on request, with the same webhook-id', async () => {
    const log = await api.get<DeliveryPage>(`/api/webhooks/${subscriptionId}/deliveries`, TOKENS.operations);
    expect(log.status, log.text).toBe(200);
    expect(log.body.items).toHaveLength(4);
    expect(log.body.items[0]).toMatchObject({ status: 'delivered', attempts: 1, log: [{ statusCode: 204, error: null }] });
    expect((await api.get<DeliveryPage>('/api/webhook-deliveries/dead', TOKENS.operations)).body.items).toEqual([]);
    // the dead-letter list is dead letters only: a status filter there would be ignored, so it is refused
    expect((await api.get('/api/webhook-deliveries/dead?status=pending', TOKENS.operations)).status).toBe(400);
    const again = await api.post(`/api/webhook-deliveries/${log.body.items[0].id}/redeliver`, TOKENS.operations);
    expect(again.status, again.text).toBe(200);
    await until(() => receiver.received.filter((entry) => entry.id === log.body.items[0].eventId).length === 2);
    expect((await api.post('/api/webhook-deliveries/nope/redeliver', TOKENS.operations)).status).toBe(404);
    expect((await api.post(`/api/webhook-deliveries/${log.body.items[0].id}/redeliver`, TOKENS.erp)).status).toBe(403);
  });

  it('ends a subscription: nothing more is sent to it', async () => {
    expect((await api.request('DELETE', `/api/webhooks/${subscriptionId}`, { token: TOKENS.operations })).status).toBe(204);
    expect((await api.get(`/api/webhooks/${subscriptionId}`, TOKENS.operations)).status).toBe(404);
    const before = receiver.received.length;
    await enter('HOOK-3', 100);
    await until(async () => (await api.get<EventPage>('/api/events?orderNo=HOOK-3', TOKENS.erp)).body.items.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received.length).toBe(before);
  });
});

describe('a subscription URL with credentials', () => {
  const withCredentials = () => receiver.url.replace('http://', 'http://erp:s3cr3t-pw@');
  const shown = () => receiver.url.replace('http://', 'http://erp:***@');

  it('never shows the password back (created, one, list) and still sends it to the receiver as Basic authentication', async () => {
    const created = await api.post<WebhookSubscription & { secret: string }>('/api/webhooks', TOKENS.operations, {
      id: 'basic-auth', url: withCredentials(), secret: SECRET, types: ['stratum.order.waiting-for-approval'],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.url).toBe(shown());
    const one = await api.get<WebhookSubscription>('/api/webhooks/basic-auth', TOKENS.operations);
    expect(one.body.url).toBe(shown());
    const list = await api.get<WebhookSubscription[]>('/api/webhooks', TOKENS.operations);
    expect(list.body.find((subscription) => subscription.id === 'basic-auth')?.url).toBe(shown());
    for (const answer of [created.text, one.text, list.text]) expect(answer).not.toContain('s3cr3t-pw');
    await enter('HOOK-BASIC-1', 700_000);
    await until(() => receiver.typesOf('HOOK-BASIC-1').length === 1);
    const arrived = receiver.received.find((entry) => entry.event.subject === 'HOOK-BASIC-1')!;
    expect(arrived.headers.authorization).toBe(`Basic ${Buffer.from('erp:s3cr3t-pw').toString('base64')}`);
  });

  it('keeps the stored credentials when the URL is sent back as shown, and takes new ones when they are sent', async () => {
    const replaced = await api.post<WebhookSubscription>('/api/webhooks', TOKENS.operations, {
      id: 'basic-auth', url: shown(), secret: SECRET, types: ['stratum.order.waiting-for-approval', 'stratum.order.in-planning'],
    });
    expect(replaced.status, replaced.text).toBe(201);
    expect(replaced.body).toMatchObject({ url: shown(), types: ['stratum.order.waiting-for-approval', 'stratum.order.in-planning'] });
    await enter('HOOK-BASIC-2', 700_000);
    await until(() => receiver.typesOf('HOOK-BASIC-2').length === 1);
    expect(receiver.received.find((entry) => entry.event.subject === 'HOOK-BASIC-2')!.headers.authorization)
      .toBe(`Basic ${Buffer.from('erp:s3cr3t-pw').toString('base64')}`);
    const changed = await api.post('/api/webhooks', TOKENS.operations, { id: 'basic-auth', url: receiver.url.replace('http://', 'http://erp:n3w-pw@'), secret: SECRET });
    expect(changed.status, changed.text).toBe(201);
    await enter('HOOK-BASIC-3', 700_000);
    await until(() => receiver.typesOf('HOOK-BASIC-3').length === 1);
    expect(receiver.received.find((entry) => entry.event.subject === 'HOOK-BASIC-3')!.headers.authorization)
      .toBe(`Basic ${Buffer.from('erp:n3w-pw').toString('base64')}`);
    expect((await api.request('DELETE', '/api/webhooks/basic-auth', { token: TOKENS.operations })).status).toBe(204);
  });
});

describe('the audit of a subscription', () => {
  it('lists who created, replaced and deleted it, oldest first, a page at a time, also once it is deleted', async () => {
    expect((await api.post('/api/webhooks', TOKENS.operations, { id: 'audited', url: receiver.url, secret: SECRET })).status).toBe(201);
    expect((await api.post('/api/webhooks', TOKENS.operations, { id: 'audited', url: receiver.url, secret: SECRET, types: ['stratum.order.fulfilled'] })).status).toBe(201);
    expect((await api.request('DELETE', '/api/webhooks/audited', { token: TOKENS.operations })).status).toBe(204);
    const all = await api.get<{ items: WebhookSubscriptionChange[]; next: number | null }>('/api/webhooks/audited/changes', TOKENS.operations);
    expect(all.status, all.text).toBe(200);
    expect(all.body.items.map(({ actor, action, source }) => [actor, action, source])).toEqual([
      ['otto', 'created', 'api'], ['otto', 'replaced', 'api'], ['otto', 'deleted', 'api'],
    ]);
    expect(all.body.items[1].changes).toEqual({ types: { from: [], to: ['stratum.order.fulfilled'] } });
    expect(all.text).not.toContain(SECRET.slice('whsec_'.length));
    const page = await api.get<{ items: WebhookSubscriptionChange[]; next: number | null }>('/api/webhooks/audited/changes?limit=2', TOKENS.operations);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.next).toBe(all.body.items[1].seq);
    expect(page.headers.get('link')).toBe(`</api/webhooks/audited/changes?limit=2&after=${page.body.next}>; rel="next"`);
    // the file's subscription, created at start by the file; the attempt to replace it through the API (409, above) refused
    const file = await api.get<{ items: WebhookSubscriptionChange[] }>('/api/webhooks/erp-fulfilled/changes', TOKENS.operations);
    expect(file.body.items.map(({ actor, action, source, reason }) => [actor, action, source, reason])).toEqual([
      ['system', 'created', 'config', undefined], ['otto', 'refused', 'config', 'config-subscription'],
    ]);
    expect((await api.get('/api/webhooks/never-was/changes', TOKENS.operations)).status).toBe(404);
    expect((await api.get('/api/webhooks/audited/changes', TOKENS.erp)).status).toBe(403);
  });
});

describe('a subscription of the STRATUM_WEBHOOKS file', () => {
  it('is not deleted through the API (it would come back at the next start): 409 naming the file, kept in its audit with who and when', async () => {
    const before = Date.now();
    const refused = await api.request('DELETE', '/api/webhooks/erp-fulfilled', { token: TOKENS.operations });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toMatchObject({ status: 409, reason: 'config-subscription', detail: expect.stringContaining('STRATUM_WEBHOOKS') as string });
    expect((await api.get<WebhookSubscription>('/api/webhooks/erp-fulfilled', TOKENS.operations)).body).toMatchObject({ id: 'erp-fulfilled', source: 'config' });
    const changes = (await api.get<{ items: WebhookSubscriptionChange[] }>('/api/webhooks/erp-fulfilled/changes', TOKENS.operations)).body.items;
    const last = changes.at(-1)!;
    expect(last).toMatchObject({ actor: 'otto', action: 'refused', source: 'config', reason: 'config-subscription' });
    expect(last.changes).toEqual({ url: { from: configured.url, to: null }, types: { from: ['stratum.order.fulfilled', 'stratum.order.rejected'], to: null }, secret: { from: expect.any(String) as string, to: null } });
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(before - 1000);
    // someone outside operations is refused before anything is kept
    expect((await api.request('DELETE', '/api/webhooks/erp-fulfilled', { token: TOKENS.erp })).status).toBe(403);
    expect((await api.get<{ items: WebhookSubscriptionChange[] }>('/api/webhooks/erp-fulfilled/changes', TOKENS.operations)).body.items).toHaveLength(changes.length);
  });
});

describe('a subscription URL with a token in its query', () => {
  const TOKEN = 'tok-s3cr3t-value';
  let tokened: WebhookReceiver;
  beforeAll(async () => {
    tokened = await new WebhookReceiver(SECRET).start();
  });
  afterAll(async () => {
    await tokened.stop();
  });
  const deliveredTo = (orderNo: string) => tokened.received.find((entry) => entry.event.subject === orderNo)?.path;

  it('never shows the token (answers, audit, delivery log, log lines), delivers to the real URL, and keeps the token when the masked URL comes back', async () => {
    const created = await api.post<WebhookSubscription>('/api/webhooks', TOKENS.operations, {
      id: 'tokened', url: `${tokened.url}?token=${TOKEN}&v=1`, secret: SECRET, types: ['stratum.order.waiting-for-approval'],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.url).toBe(`${tokened.url}?token=***&v=1`);
    await enter('HOOK-TOKEN-1', 700_000);
    await until(() => deliveredTo('HOOK-TOKEN-1') !== undefined);
    expect(deliveredTo('HOOK-TOKEN-1')).toBe(`/hooks?token=${TOKEN}&v=1`);

    // sent back as shown, with another version: the token stays
    const replaced = await api.post<WebhookSubscription>('/api/webhooks', TOKENS.operations, { id: 'tokened', url: `${tokened.url}?token=***&v=2`, secret: SECRET, types: ['stratum.order.waiting-for-approval'] });
    expect(replaced.status, replaced.text).toBe(201);
    await enter('HOOK-TOKEN-2', 700_000);
    await until(() => deliveredTo('HOOK-TOKEN-2') !== undefined);
    expect(deliveredTo('HOOK-TOKEN-2')).toBe(`/hooks?token=${TOKEN}&v=2`);

    // the masked token for another receiver (the same one by another name) is refused: it would hand the token over
    const elsewhere = await api.post('/api/webhooks', TOKENS.operations, { id: 'tokened', url: `${tokened.url.replace('127.0.0.1', 'localhost')}?token=***&v=2`, secret: SECRET });
    expect(elsewhere.status, elsewhere.text).toBe(422);
    expect(JSON.parse(elsewhere.text)).toMatchObject({ reason: 'masked-credential', errors: [{ field: '/url' }] });

    // a receiver that echoes the URL in its error: the delivery log has the token masked
    tokened.mode = 'echo';
    await enter('HOOK-TOKEN-3', 700_000);
    const logOf = () => api.get<DeliveryPage>('/api/webhooks/tokened/deliveries', TOKENS.operations);
    await until(async () => (await logOf()).body.items.some((delivery) => delivery.orderNo === 'HOOK-TOKEN-3' && delivery.lastStatus === 401));
    tokened.mode = 'ok';
    const log = await logOf();
    expect(log.body.items.find((delivery) => delivery.orderNo === 'HOOK-TOKEN-3')!.lastError).toBe('HTTP 401: unknown caller: POST /hooks?token=***&v=2');

    const changes = await api.get<{ items: WebhookSubscriptionChange[] }>('/api/webhooks/tokened/changes', TOKENS.operations);
    expect(changes.body.items.map((change) => change.changes.url)).toEqual([
      { from: null, to: `${tokened.url}?token=***&v=1` }, { from: `${tokened.url}?token=***&v=1`, to: `${tokened.url}?token=***&v=2` },
    ]);
    const shown = [
      created.text, replaced.text, elsewhere.text, changes.text, log.text,
      (await api.get('/api/webhooks/tokened', TOKENS.operations)).text, (await api.get('/api/webhooks', TOKENS.operations)).text,
      (await api.get('/api/webhook-deliveries/dead', TOKENS.operations)).text, ...logged,
    ];
    for (const text of shown) expect(text).not.toContain(TOKEN);
    expect((await api.request('DELETE', '/api/webhooks/tokened', { token: TOKENS.operations })).status).toBe(204);
  });
});
