// Business rule: an order is cancelled as a whole, with a reason, by the integration role, whichever API the caller
// speaks. Camunda 8's POST /v2/process-instances/{processInstanceKey}/cancellation and Camunda 7's
// DELETE /engine-rest/process-instance/{id} go through the runtime's cancel of POST /api/instances/{id}/cancel: the
// same refusals, kept as `cancel.refused` with the route as `via`, and the same `instance.cancelled` entries with who
// cancelled and why. Camunda's requests carry no reason: Camunda 8 takes Stratum's `reason` in the body, Camunda 7
// `deleteReason` in the query, and a cancel without one is refused (400) and changes nothing. An instance that has
// ended is answered 404 there, as Camunda answers it; /api answers 409.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceSummary, InstanceView, OrderView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiResponse } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { freshSchema, postgresAdmin, schemaUrl } from '../../support/postgres.js';

let server: TestServer;
let schema: string | undefined;
const api = () => server.api;

beforeAll(async () => {
  // STRATUM_TEST_STORE=postgres runs the same cases on PostgreSQL
  if (process.env.STRATUM_TEST_STORE === 'postgres') schema = await freshSchema();
  server = await startTestServer(schema ? { databaseUrl: schemaUrl(schema) } : {});
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const PROBLEM = 'https://stratum.dev/problems/';
const ROUTES = ['camunda8', 'camunda7'] as const;
type Route = (typeof ROUTES)[number];
const OPERATION: Record<Route, string> = { camunda8: 'camunda8CancelProcessInstance', camunda7: 'camunda7DeleteProcessInstance' };

describe('Camunda\'s cancel routes cancel an order as POST /api/instances/{id}/cancel does', () => {
  it.each(ROUTES)('%s cancels the whole call tree (204) and records the reason, who cancelled and the route on each instance', async (route) => {
    const orderNo = `CC-CANCEL-${route}`;
    const order = await enterOrder(orderNo, 700_000);
    const answer = await cancel(route, order.id, TOKENS.erp, 'customer withdrew the order');
    expect(answer.status, answer.text).toBe(204);
    expect(answer.text).toBe('');

    const tree = await treeOf(orderNo);
    expect(tree.map((member) => member.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const cancelled = (await historyOf(orderNo)).filter((entry) => entry.event === 'instance.cancelled');
    expect(cancelled.map((entry) => entry.instanceId).sort()).toEqual(tree.map((member) => member.id).sort());
    for (const entry of cancelled) expect(entry).toMatchObject({ actor: 'erp', via: route, data: objectWith({ reason: 'customer withdrew the order' }) });
    expect(await openTasks(orderNo)).toEqual([]);
  });

  it('takes Camunda 8\'s operationReference beside the reason, and an order that has failed, as /api does', async () => {
    const order = await enterOrder('CC-FAILED');
    const [job] = (await api().post<{ id: string; businessKey: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'cc', max: 100, lockMs: 60_000 }))
      .body.filter((one) => one.businessKey === 'CC-FAILED');
    expect((await api().post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'cc' })).status).toBe(200);
    expect((await instance(order.id)).status).toBe('failed');
    const answer = await api().post(`/v2/process-instances/${order.id}/cancellation`, TOKENS.erp, { reason: 'nobody will fix it', operationReference: '42' });
    expect(answer.status, answer.text).toBe(204);
    expect((await instance(order.id)).status).toBe('cancelled');
    expect((await api().get<{ items: unknown[] }>('/api/incidents?businessKey=CC-FAILED', TOKENS.operations)).body.items).toEqual([]);
  });
});

describe('a cancel without a reason is refused and changes nothing', () => {
  it('Camunda 8: 400 saying to send `reason` in the body, for no body, an empty one, null or only operationReference', async () => {
    const order = await enterOrder('CC-NO-REASON-8');
    const before = await historyRows();
    const path = `/v2/process-instances/${order.id}/cancellation`;
    for (const body of [undefined, '{}', 'null', '{"operationReference":1}']) {
      const answer = await api().request('POST', path, { token: TOKENS.erp, ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }) });
      expect(answer.status, `${body} ${answer.text}`).toBe(400);
      expect(problemOf(answer)).toMatchObject({ type: `${PROBLEM}bad-request`, status: 400, detail: textContaining('send it in the body as `reason`') });
    }
    // a blank reason is no reason either, nor one that is no text: the schema refuses them
    for (const body of [{ reason: '   ' }, { reason: ['customer withdrew'] }, { reason: 'x'.repeat(2001) }, { reason: 'withdrawn', tenantId: 'other' }, ['withdrawn']]) {
      expect((await api().post(path, TOKENS.erp, body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await instance(order.id)).status).toBe('running');
    expect(await historyRows()).toBe(before);
  });

  it('Camunda 7: 400 with Camunda 7\'s message saying to give deleteReason, also for an empty one', async () => {
    const order = await enterOrder('CC-NO-REASON-7');
    const before = await historyRows();
    const answer = await api().request('DELETE', `/engine-rest/process-instance/${order.id}`, { token: TOKENS.erp });
    expect(answer.status, answer.text).toBe(400);
    expect(problemOf(answer)).toMatchObject({ status: 400, message: textContaining('query parameter deleteReason') });
    expect(problemOf(answer).message).toBe(problemOf(answer).detail);
    const empty = await api().request('DELETE', `/engine-rest/process-instance/${order.id}?deleteReason=`, { token: TOKENS.erp });
    expect(empty.status, empty.text).toBe(400);
    expect(problemOf(empty).message).toBe(problemOf(empty).detail);
    expect((await instance(order.id)).status).toBe('running');
    expect(await historyRows()).toBe(before);
  });

  it('Camunda 7: refuses what it would not honour (skipSubprocesses, failIfNotExists=false, an unknown parameter) with 400, and takes the defaults written out', async () => {
    const order = await enterOrder('CC-C7-PARAMS');
    const path = `/engine-rest/process-instance/${order.id}?deleteReason=withdrawn`;
    for (const extra of ['&skipSubprocesses=true', '&failIfNotExists=false', '&skipCustomListeners=true', '&skipIoMappings=true', '&cascade=true', '&deleteReason=twice']) {
      const answer = await api().request('DELETE', path + extra, { token: TOKENS.erp });
      expect(answer.status, `${extra} ${answer.text}`).toBe(400);
    }
    expect((await instance(order.id)).status).toBe('running');
    const answer = await api().request('DELETE', `${path}&skipCustomListeners=false&skipIoMappings=false&skipSubprocesses=false&failIfNotExists=true`, { token: TOKENS.erp });
    expect(answer.status, answer.text).toBe(204);
    expect((await instance(order.id)).status).toBe('cancelled');
  });
});

describe('Camunda\'s cancel routes refuse what /api refuses, and keep it as cancel.refused with the route', () => {
  it.each(ROUTES)('%s: the sales director is refused (403), kept as cancel.refused (role), the order runs on', async (route) => {
    const orderNo = `CC-ROLE-${route}`;
    const order = await enterOrder(orderNo);
    const refused = await cancel(route, order.id, TOKENS.director, 'not worth it');
    expect(refused.status, refused.text).toBe(403);
    expect(await entriesOf(orderNo, 'cancel.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'dirk', via: route, data: { attempted: OPERATION[route], reason: 'role', refusal: problemOf(refused).detail },
    })]);
    expect((await instance(order.id)).status).toBe('running');
  });

  it.each(ROUTES)('%s: a called instance is refused 409 not-a-root naming the order, kept on that instance, the order runs on', async (route) => {
    const orderNo = `CC-CHILD-${route}`;
    const order = await enterOrder(orderNo, 700_000);
    const [approval] = order.children;
    const refused = await cancel(route, approval.id, TOKENS.erp, 'wrong approver');
    expect(refused.status, refused.text).toBe(409);
    expect(problemOf(refused)).toMatchObject({
      type: `${PROBLEM}not-a-root`, status: 409, rootInstanceId: order.id,
      detail: `instance ${approval.id} (${approval.processKey}) was called by another instance; cancel the order, instance ${order.id}, instead`,
    });
    expect(await entriesOf(orderNo, 'cancel.refused')).toEqual([objectWith({
      instanceId: approval.id, actor: 'erp', via: route, data: { cancelReason: 'wrong approver', reason: 'not-a-root', refusal: problemOf(refused).detail },
    })]);
    expect((await treeOf(orderNo)).map((member) => member.status)).toEqual(['running', 'running', 'running']);
  });

  it.each(ROUTES)('%s: an order that has ended is answered 404 as Camunda answers it (/api: 409), and kept as cancel.refused (instance-ended)', async (route) => {
    const orderNo = `CC-ENDED-${route}`;
    const order = await enterOrder(orderNo);
    expect((await api().post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: 'customer withdrew' })).status).toBe(200);
    const refused = await cancel(route, order.id, TOKENS.erp, 'withdrawn twice');
    expect(refused.status, refused.text).toBe(404);
    expect(problemOf(refused)).toMatchObject({ type: `${PROBLEM}not-found`, status: 404, detail: `instance ${order.id} is cancelled, not running` });
    const viaApi = await api().post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: 'withdrawn thrice' });
    expect(viaApi.status).toBe(409);
    expect((await entriesOf(orderNo, 'cancel.refused')).map((entry) => [entry.via, entry.data])).toEqual([
      [route, { cancelReason: 'withdrawn twice', reason: 'instance-ended', refusal: problemOf(refused).detail }],
      ['api', { cancelReason: 'withdrawn thrice', reason: 'instance-ended', refusal: problemOf(viaApi).detail }],
    ]);
    // cancelled once, by the first cancel
    expect((await entriesOf(orderNo, 'instance.cancelled')).filter((entry) => entry.instanceId === order.id)).toEqual([objectWith({ via: 'api', actor: 'erp' })]);
  });

  it.each(ROUTES)('%s: an unknown key is 404 and a malformed one 400, in the route\'s shape, and neither keeps anything', async (route) => {
    const before = await historyRows();
    const unknown = await cancel(route, 'no-such-instance', TOKENS.erp, 'x');
    expect(unknown.status, unknown.text).toBe(404);
    expect(problemOf(unknown).detail).toBe('no instance no-such-instance');
    for (const key of ['x'.repeat(201), '%20padded%20', '12%0A34']) {
      const malformed = await cancel(route, key, TOKENS.erp, 'x');
      expect(malformed.status, `${key} ${malformed.text}`).toBe(400);
      if (route === 'camunda7') expect(problemOf(malformed).message).toBe(problemOf(malformed).detail);
    }
    expect(await historyRows()).toBe(before);
  });
});

describe('two cancels of one order, on /api and on Camunda 8\'s route at once', () => {
  it('let exactly one win: the order is cancelled once, and the other is refused as an ended order and kept', async () => {
    for (let round = 0; round < 4; round++) {
      const orderNo = `CC-RACE-${round}`;
      const order = await enterOrder(orderNo, 700_000);
      // alternate which request leaves first
      const requests = [
        () => api().post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: 'by the ERP' }),
        () => api().post(`/v2/process-instances/${order.id}/cancellation`, TOKENS.erp, { reason: 'by the Camunda client' }),
      ];
      if (round % 2) requests.reverse();
      const answers = await Promise.all(requests.map((send) => send()));
      const [viaApi, viaCamunda] = round % 2 ? [answers[1], answers[0]] : answers;
      const outcome = [viaApi.status, viaCamunda.status];
      expect([[200, 404], [409, 204]], `${round} ${viaApi.text} ${viaCamunda.text}`).toContainEqual(outcome);
      const winner = viaApi.status === 200 ? 'api' : 'camunda8';
      const loser = winner === 'api' ? 'camunda8' : 'api';

      const tree = await treeOf(orderNo);
      expect(tree.map((member) => member.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      const cancelled = await entriesOf(orderNo, 'instance.cancelled');
      expect(cancelled.map((entry) => entry.instanceId).sort()).toEqual(tree.map((member) => member.id).sort());
      for (const entry of cancelled) expect(entry.via).toBe(winner);
      expect((await entriesOf(orderNo, 'cancel.refused')).map((entry) => [entry.instanceId, entry.via, entry.data?.reason])).toEqual([[order.id, loser, 'instance-ended']]);
    }
  });
});

// helpers

type Order = InstanceView;

async function enterOrder(orderNo: string, amount = 80_000): Promise<Order> {
  const response = await api().post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** A cancel by `route`: Camunda 8 with the reason in the body, Camunda 7 with it as deleteReason. */
function cancel(route: Route, instanceId: string, token: string, reason: string): Promise<ApiResponse> {
  return route === 'camunda8'
    ? api().post(`/v2/process-instances/${instanceId}/cancellation`, token, { reason })
    : api().request('DELETE', `/engine-rest/process-instance/${instanceId}?deleteReason=${encodeURIComponent(reason)}`, { token });
}

async function instance(id: string): Promise<InstanceView> {
  return api().json<InstanceView>('GET', `/api/instances/${id}`, { token: TOKENS.erp });
}

/** The order's call tree, the order first. */
async function treeOf(orderNo: string): Promise<InstanceSummary[]> {
  return (await api().json<{ items: InstanceSummary[] }>('GET', `/api/instances?businessKey=${orderNo}`, { token: TOKENS.erp })).items;
}

async function historyOf(orderNo: string): Promise<HistoryEntry[]> {
  return (await api().json<OrderView>('GET', `/api/orders/${orderNo}`, { token: TOKENS.erp })).history;
}

async function entriesOf(orderNo: string, event: string): Promise<HistoryEntry[]> {
  return (await historyOf(orderNo)).filter((entry) => entry.event === event);
}

async function openTasks(orderNo: string): Promise<unknown[]> {
  return api().json<unknown[]>('GET', `/api/tasks?businessKey=${orderNo}`, { token: TOKENS.erp });
}

/** Every history entry of the store, of every order. */
async function historyRows(): Promise<number> {
  if (schema) return Number((await postgresAdmin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.stratum_history`)).rows[0].n);
  const db = new Database(join(server.dataDir, 'stratum.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM history').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
