// Business rule: a change of an order that has shipped, ended or failed, and a cancel of a called instance or of an
// order that has ended, are refused with 409 — and kept in the order's history as `change.refused` and
// `cancel.refused`, who sent what and why, as a refused task or job completion is (refused-attempts.ts).
// The answer stays what it was; one person's refusals for one reason are kept up to the bound, on whichever route
// they came; an order or instance that does not exist (404) keeps nothing. A change or cancel the role check refuses
// (an approver lowering the amount they must approve, or cancelling the order) is kept the same way, under `role`.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, JobView, OrderView } from '../../../engine/api.js';
import { KEPT_PER_PERSON } from '../../../engine/runtime/refused-attempts.js';
import { problemOf, TOKENS, type ApiResponse } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anyText, objectWith, textMatching } from '../../support/matchers.js';
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
const PLANNING = ['procurement-planning', 'production-planning'];
const CANCEL_ROUTES = ['/api/orders/{orderNo}/cancel', '/api/instances/{id}/cancel'] as const;
type CancelRoute = (typeof CANCEL_ROUTES)[number];

describe('a change refused for the order\'s state is kept in its history', () => {
  it('answers a change after shipping 409 order-shipped as before, and keeps it as change.refused with who sent what and why', async () => {
    const order = await enterOrder('RC-SHIPPED');
    for (const type of [...PLANNING, 'shipping']) await work(type, 'RC-SHIPPED');
    const refused = await change('RC-SHIPPED', { description: 'other colour', amount: 90_000, changeId: 'crm-late' });
    expect(refused.status).toBe(409);
    expect(problemOf(refused)).toEqual({
      type: `${PROBLEM}order-shipped`, title: 'Order shipped', status: 409, instance: '/api/orders/RC-SHIPPED/changes', reason: 'order-shipped', instanceId: order.id, shippedAt: anyText(),
      detail: textMatching(/^order RC-SHIPPED has shipped \(.*\): a change to goods that have left cannot be acknowledged or approved/),
    });

    expect(await refusedOf('RC-SHIPPED', 'change.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'erp', via: 'api', elementId: null,
      data: { changeId: 'crm-late', description: 'other colour', amount: 90_000, reason: 'order-shipped', refusal: problemOf(refused).detail },
    })]);
    expect((await api().get<{ changes: unknown[] }>('/api/orders/RC-SHIPPED/changes', TOKENS.erp)).body.changes).toEqual([]);
  });

  it('keeps one person\'s changes of a cancelled order up to the bound, the last saying so; every one is answered the same', async () => {
    const order = await enterOrder('RC-CANCELLED');
    expect((await cancel('/api/orders/{orderNo}/cancel', 'RC-CANCELLED', order.id)).status).toBe(200);
    const answers: unknown[] = [];
    for (let attempt = 0; attempt <= KEPT_PER_PERSON; attempt++) {
      const refused = await change('RC-CANCELLED', { description: `attempt ${attempt}` });
      expect(refused.status).toBe(409);
      answers.push(problemOf(refused));
    }
    expect(answers[0]).toEqual({
      type: `${PROBLEM}order-finished`, title: 'Order finished', status: 409, instance: '/api/orders/RC-CANCELLED/changes', reason: 'order-finished', instanceId: order.id, orderStatus: 'cancelled',
      detail: 'order RC-CANCELLED is cancelled: nothing acts on a change any more',
    });
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);

    const kept = await refusedOf('RC-CANCELLED', 'change.refused');
    expect(kept.map((entry) => [entry.actor, entry.data!.description, entry.data!.reason, entry.data!.lastKept])).toEqual(
      Array.from({ length: KEPT_PER_PERSON }, (_, attempt) => ['erp', `attempt ${attempt}`, 'order-finished', attempt === KEPT_PER_PERSON - 1 ? true : undefined]),
    );
  });

  it('keeps nothing for a change of an order that does not exist (404)', async () => {
    const before = await historyRows();
    expect((await change('RC-NO-SUCH-ORDER', { description: 'x' })).status).toBe(404);
    expect(await historyRows()).toBe(before);
  });
});

describe('a refused cancel is kept in the order\'s history', () => {
  it.each(CANCEL_ROUTES)('answers a cancel of a cancelled order through %s 409 as before, and keeps it as cancel.refused (instance-ended)', async (route) => {
    const orderNo = `RC-AGAIN-${CANCEL_ROUTES.indexOf(route)}`;
    const order = await enterOrder(orderNo);
    expect((await cancel(route, orderNo, order.id)).status).toBe(200);
    const refused = await cancel(route, orderNo, order.id, 'withdrawn twice');
    expect(refused.status).toBe(409);
    expect(problemOf(refused)).toEqual({
      type: `${PROBLEM}conflict`, title: 'Conflict', status: 409, instance: path(route, orderNo, order.id), detail: `instance ${order.id} is cancelled, not running`,
    });
    expect(await refusedOf(orderNo, 'cancel.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'erp', via: 'api', elementId: null,
      data: { cancelReason: 'withdrawn twice', reason: 'instance-ended', refusal: problemOf(refused).detail },
    })]);
  });

  it('answers a cancel of a called instance 409 not-a-root as before, and keeps it on that instance, listed in the order\'s history', async () => {
    const order = await enterOrder('RC-CHILD', 700_000);
    const [approval] = order.children;
    const refused = await api().post(`/api/instances/${approval.id}/cancel`, TOKENS.erp, { reason: 'wrong approver' });
    expect(refused.status).toBe(409);
    expect(problemOf(refused)).toEqual({
      type: `${PROBLEM}not-a-root`, title: 'Not an order', status: 409, instance: `/api/instances/${approval.id}/cancel`, rootInstanceId: order.id,
      detail: `instance ${approval.id} (${approval.processKey}) was called by another instance; cancel the order, instance ${order.id}, instead`,
    });
    expect(await refusedOf('RC-CHILD', 'cancel.refused')).toEqual([objectWith({
      instanceId: approval.id, actor: 'erp', via: 'api',
      data: { cancelReason: 'wrong approver', reason: 'not-a-root', refusal: problemOf(refused).detail },
    })]);
    expect((await api().get<InstanceView>(`/api/instances/${order.id}`, TOKENS.erp)).body.status).toBe('running');
  });

  it('counts one person\'s refused cancels on both routes towards one bound, the last kept saying so', async () => {
    const order = await enterOrder('RC-BOUND');
    expect((await cancel('/api/instances/{id}/cancel', 'RC-BOUND', order.id)).status).toBe(200);
    for (let attempt = 0; attempt <= KEPT_PER_PERSON; attempt++) {
      expect((await cancel(CANCEL_ROUTES[attempt % 2], 'RC-BOUND', order.id, `attempt ${attempt}`)).status).toBe(409);
    }
    const kept = await refusedOf('RC-BOUND', 'cancel.refused');
    expect(kept.map((entry) => [entry.data!.cancelReason, entry.data!.lastKept])).toEqual(
      Array.from({ length: KEPT_PER_PERSON }, (_, attempt) => [`attempt ${attempt}`, attempt === KEPT_PER_PERSON - 1 ? true : undefined]),
    );
  });

  it('keeps nothing for a cancel of an order or instance that does not exist (404)', async () => {
    const before = await historyRows();
    expect((await cancel('/api/orders/{orderNo}/cancel', 'RC-NO-SUCH-ORDER', 'no-such-instance')).status).toBe(404);
    expect((await cancel('/api/instances/{id}/cancel', 'RC-NO-SUCH-ORDER', 'no-such-instance')).status).toBe(404);
    expect(await historyRows()).toBe(before);
  });
});

describe('a change or cancel the role check refuses is kept in the history of what it addressed', () => {
  it('the sales director lowers an order\'s amount below their approval: 403 as before, kept as change.refused (role) without what was sent', async () => {
    const order = await enterOrder('RC-ROLE-CHANGE', 1_200_000);
    const refused = await api().post('/api/orders/RC-ROLE-CHANGE/changes', TOKENS.director, { description: 'below my limit', amount: 900_000 });
    expect(refused.status, refused.text).toBe(403);
    expect(await refusedOf('RC-ROLE-CHANGE', 'change.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'dirk', via: 'api', elementId: null,
      data: { attempted: 'postOrderChange', reason: 'role', refusal: problemOf(refused).detail },
    })]);
    expect((await api().get<{ amount: string; changes: unknown[] }>('/api/orders/RC-ROLE-CHANGE/changes', TOKENS.erp)).body).toMatchObject({ amount: '1200000.00', changes: [] });
  });

  it.each(CANCEL_ROUTES)('the sales director cancels an order through %s: 403 as before, kept as cancel.refused (role), the order still running', async (route) => {
    const orderNo = `RC-ROLE-CANCEL-${CANCEL_ROUTES.indexOf(route)}`;
    const order = await enterOrder(orderNo);
    const refused = await api().post(path(route, orderNo, order.id), TOKENS.director, { reason: 'not worth it' });
    expect(refused.status, refused.text).toBe(403);
    const attempted = route === '/api/orders/{orderNo}/cancel' ? 'cancelOrder' : 'cancelInstance';
    expect(await refusedOf(orderNo, 'cancel.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'dirk', via: 'api', data: { attempted, reason: 'role', refusal: problemOf(refused).detail },
    })]);
    expect((await api().get<InstanceView>(`/api/instances/${order.id}`, TOKENS.erp)).body.status).toBe('running');
  });

  it('keeps one person\'s role-refused cancels on both routes up to the bound, and nothing for what does not exist or a refusal without credentials', async () => {
    const order = await enterOrder('RC-ROLE-BOUND');
    for (let attempt = 0; attempt <= KEPT_PER_PERSON; attempt++) {
      expect((await api().post(path(CANCEL_ROUTES[attempt % 2], 'RC-ROLE-BOUND', order.id), TOKENS.director, { reason: `attempt ${attempt}` })).status).toBe(403);
    }
    const kept = await refusedOf('RC-ROLE-BOUND', 'cancel.refused');
    expect(kept.map((entry) => [entry.data!.reason, entry.data!.lastKept])).toEqual(
      Array.from({ length: KEPT_PER_PERSON }, (_, attempt) => ['role', attempt === KEPT_PER_PERSON - 1 ? true : undefined]),
    );
    const before = await historyRows();
    expect((await api().post('/api/orders/RC-NO-SUCH-ORDER/changes', TOKENS.director, { description: 'x' })).status).toBe(403);
    expect((await api().post('/api/orders/RC-NO-SUCH-ORDER/cancel', TOKENS.director, { reason: 'x' })).status).toBe(403);
    expect((await api().post('/api/instances/no-such-instance/cancel', TOKENS.director, { reason: 'x' })).status).toBe(403);
    expect((await api().post('/api/orders/RC-ROLE-BOUND/cancel', undefined, { reason: 'x' })).status).toBe(401);
    expect(await historyRows()).toBe(before);
  });
});

describe('an entry or start refused under an order\'s number is kept in that order\'s history', () => {
  it('the order entered again with a lower amount: 409 order-exists as before, kept as entry.refused with what was sent; an identical repeat keeps nothing', async () => {
    const order = await enterOrder('RC-AGAIN-ENTRY', 1_200_000);
    const again = { orderNo: 'RC-AGAIN-ENTRY', customer: { name: 'Druckerei Weiss' }, amount: 900_000, currency: 'CNY', paymentTerms: 'credit' };
    const refused = await api().post('/api/orders', TOKENS.erp, again);
    expect(refused.status, refused.text).toBe(409);
    expect(problemOf(refused)).toMatchObject({ reason: 'order-exists', instanceId: order.id });
    expect(await refusedOf('RC-AGAIN-ENTRY', 'entry.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'erp', via: 'api',
      data: { attempted: 'enter-order', ...again, reason: 'order-exists', refusal: problemOf(refused).detail },
    })]);
    expect((await api().post('/api/orders', TOKENS.erp, { ...again, amount: 1_200_000 })).status).toBe(200);
    expect(await refusedOf('RC-AGAIN-ENTRY', 'entry.refused')).toHaveLength(1);
    expect((await api().get<{ amount: string }>('/api/orders/RC-AGAIN-ENTRY', TOKENS.erp)).body.amount).toBe('1200000.00');
  });

  it('a called approval or the order process started directly under the order\'s number, on /api and Camunda 8\'s route: 409 as before, kept as start.refused', async () => {
    const order = await enterOrder('RC-DIRECT', 1_200_000);
    const approval = await api().post('/api/processes/credit-order-approval/instances', TOKENS.erp, { businessKey: 'RC-DIRECT', variables: { directorApproved: true } });
    expect(approval.status, approval.text).toBe(409);
    const camunda8 = await api().post('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'order-to-cash', businessId: 'RC-DIRECT', variables: { amount: 1 } });
    expect(camunda8.status, camunda8.text).toBe(409);
    expect(await refusedOf('RC-DIRECT', 'start.refused')).toEqual([
      objectWith({
        instanceId: order.id, actor: 'erp', via: 'api',
        data: { attempted: 'start', processKey: 'credit-order-approval', variables: { directorApproved: true }, reason: 'called-process', refusal: problemOf(approval).detail },
      }),
      objectWith({ instanceId: order.id, actor: 'erp', via: 'camunda8', data: objectWith({ processKey: 'order-to-cash', reason: 'takes-orders' }) }),
    ]);

    const before = await historyRows();
    expect((await api().post('/api/processes/credit-order-approval/instances', TOKENS.erp, { businessKey: 'RC-NO-SUCH-ORDER' })).status).toBe(409);
    expect((await api().post('/api/processes/credit-order-approval/instances', TOKENS.erp, {})).status).toBe(409);
    expect(await historyRows()).toBe(before);
  });
});

describe('a start under an order\'s number with an Idempotency-Key the caller used before is kept as without one', () => {
  it('reuses the key of an allowed start for a start under the order\'s number: 409 order-exists, kept as start.refused, where the key\'s 422 left no trace', async () => {
    await deployFixtures(api(), 'customer-review.bpmn');
    const order = await enterOrder('RC-KEY-REUSED', 1_200_000);
    const headers = { 'Idempotency-Key': 'rc-review-1' };
    const review = await api().post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'RC-REVIEW-1' }, { headers });
    expect(review.status, review.text).toBe(201);
    const underOrder = await api().post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'RC-KEY-REUSED', variables: { customerId: 'C-1' } }, { headers });
    expect(underOrder.status, underOrder.text).toBe(409);
    expect(problemOf(underOrder)).toMatchObject({ reason: 'order-exists' });
    expect(await refusedOf('RC-KEY-REUSED', 'start.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'erp', via: 'api',
      data: { attempted: 'start', processKey: 'customer-review', variables: { customerId: 'C-1' }, reason: 'order-exists', refusal: problemOf(underOrder).detail },
    })]);
    // the key still answers its own start, and another body under it that the rules allow is still the key's 422
    const retry = await api().post<InstanceView>('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'RC-REVIEW-1' }, { headers });
    expect([retry.status, retry.body.id]).toEqual([200, (review.body as InstanceView).id]);
    const other = await api().post('/api/processes/customer-review/instances', TOKENS.erp, { businessKey: 'RC-REVIEW-2' }, { headers });
    expect([other.status, problemOf(other).reason]).toEqual([422, 'idempotency-key-reused']);
  });
});

describe('an entry or start under an order\'s number that the role check refuses is kept in that order\'s history', () => {
  it('the sales director enters an order again and starts its approval, on /api and Camunda 8\'s route: 403 as before, kept under role without what was sent', async () => {
    const order = await enterOrder('RC-ROLE-ENTRY', 1_200_000);
    const entry = await api().post('/api/orders', TOKENS.director, { orderNo: 'RC-ROLE-ENTRY', customer: { name: 'Druckerei Weiss' }, amount: 1, currency: 'CNY', paymentTerms: 'credit' });
    expect(entry.status, entry.text).toBe(403);
    const start = await api().post('/api/processes/credit-order-approval/instances', TOKENS.director, { businessKey: 'RC-ROLE-ENTRY', variables: { directorApproved: true } });
    expect(start.status, start.text).toBe(403);
    const camunda8 = await api().post('/v2/process-instances', TOKENS.director, { processDefinitionId: 'credit-order-approval', businessId: 'RC-ROLE-ENTRY' });
    expect(camunda8.status, camunda8.text).toBe(403);
    expect(await refusedOf('RC-ROLE-ENTRY', 'entry.refused')).toEqual([objectWith({
      instanceId: order.id, actor: 'dirk', via: 'api', data: { attempted: 'postOrder', reason: 'role', refusal: problemOf(entry).detail },
    })]);
    expect(await refusedOf('RC-ROLE-ENTRY', 'start.refused')).toEqual([
      objectWith({ instanceId: order.id, actor: 'dirk', via: 'api', data: { attempted: 'startInstance', processKey: 'credit-order-approval', reason: 'role', refusal: problemOf(start).detail } }),
      objectWith({ instanceId: order.id, actor: 'dirk', via: 'camunda8', data: objectWith({ processKey: 'credit-order-approval', reason: 'role' }) }),
    ]);

    // a body the reader refuses (a key written twice) is still read for the order it names
    const twice = await api().request('POST', '/v2/process-instances', {
      token: TOKENS.director, body: '{"processDefinitionId":"credit-order-approval","businessId":"RC-ROLE-ENTRY","variables":{},"variables":{}}', headers: { 'content-type': 'application/json' },
    });
    expect(twice.status, twice.text).toBe(403);
    expect(await refusedOf('RC-ROLE-ENTRY', 'start.refused')).toHaveLength(3);

    const before = await historyRows();
    expect((await api().post('/api/orders', TOKENS.director, { orderNo: 'RC-ROLE-NEW', customer: { name: 'x' }, amount: 1, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(403);
    expect((await api().post('/api/processes/credit-order-approval/instances', TOKENS.director, { businessKey: 'RC-NO-SUCH-ORDER' })).status).toBe(403);
    expect((await api().post('/api/processes/credit-order-approval/instances', TOKENS.director, {})).status).toBe(403);
    expect(await historyRows()).toBe(before);
  });
});

describe('a retry of an incident the role check refuses is kept in the failed instance\'s history', () => {
  it('the ERP retries its own failed job\'s incident on /api and on Camunda 8\'s route: 403 as before, kept as incident.refused (role), the order still failed', async () => {
    const order = await enterOrder('RC-ROLE-INCIDENT');
    const [job] = (await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'rc-worker', businessKey: 'RC-ROLE-INCIDENT' })).body;
    expect((await api().post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'rc-worker' })).status).toBe(200);
    const [incident] = (await api().get<{ items: { id: string; instanceId: string }[] }>('/api/incidents?businessKey=RC-ROLE-INCIDENT', TOKENS.erp)).body.items;

    const viaApi = await api().post(`/api/incidents/${encodeURIComponent(incident.id)}/retry`, TOKENS.erp, { retries: 3 });
    expect(viaApi.status, viaApi.text).toBe(403);
    const viaCamunda8 = await api().post(`/v2/incidents/${encodeURIComponent(incident.id)}/resolution`, TOKENS.erp, {});
    expect(viaCamunda8.status, viaCamunda8.text).toBe(403);
    expect(await refusedOf('RC-ROLE-INCIDENT', 'incident.refused')).toEqual([
      objectWith({ instanceId: incident.instanceId, actor: 'erp', via: 'api', data: { attempted: 'retryIncident', incidentId: incident.id, reason: 'role', refusal: problemOf(viaApi).detail } }),
      objectWith({ instanceId: incident.instanceId, actor: 'erp', via: 'camunda8', data: objectWith({ attempted: 'camunda8ResolveIncident', incidentId: incident.id, reason: 'role' }) }),
    ]);
    expect((await api().get<InstanceView>(`/api/instances/${order.id}`, TOKENS.erp)).body.status).toBe('failed');
    // and an auditor finds both across orders
    const audit = await api().get<{ items: { event: string; actor: string; via: string }[] }>('/api/audit/refused?event=incident.refused&businessKey=RC-ROLE-INCIDENT', TOKENS.operations);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.items.map((item) => [item.event, item.actor, item.via])).toEqual([['incident.refused', 'erp', 'camunda8'], ['incident.refused', 'erp', 'api']]);

    const before = await historyRows();
    expect((await api().post('/api/incidents/no-such-incident/retry', TOKENS.erp, {})).status).toBe(403);
    expect(await historyRows()).toBe(before);
  });
});

describe('a retry of an incident the runtime refuses is kept in the history of the instance whose incident it named', () => {
  it('an operator setting a decision, retrying an incident that only follows from another or one already retried: refused as before, kept as incident.refused with its reason and what it would have set', async () => {
    await enterOrder('RC-RETRY');
    const [job] = (await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'rc-worker', businessKey: 'RC-RETRY' })).body;
    expect((await api().post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'rc-worker' })).status).toBe(200);
    const incidents = (await api().get<{ items: { id: string; instanceId: string; causeIncidentId: string | null }[] }>('/api/incidents?businessKey=RC-RETRY', TOKENS.operations)).body.items;
    const rootCause = incidents.find((incident) => incident.causeIncidentId === null)!;
    const following = incidents.find((incident) => incident.causeIncidentId !== null)!;
    expect([rootCause, following].every(Boolean)).toBe(true);

    // the retry's variables may fix what the step lacked, never make a decision nobody made
    const lowered = await api().post(`/api/incidents/${encodeURIComponent(rootCause.id)}/retry`, TOKENS.operations, { variables: { vicePresidentApproved: true, mrpSlot: 'B' } });
    expect(lowered.status, lowered.text).toBe(422);
    // the caller's incident follows from the child's: retried on /api and on Camunda 8's route
    const notRoot = await api().post(`/api/incidents/${encodeURIComponent(following.id)}/retry`, TOKENS.operations, {});
    expect([notRoot.status, problemOf(notRoot).type]).toEqual([409, `${PROBLEM}not-root-cause`]);
    const notRootC8 = await api().post(`/v2/incidents/${encodeURIComponent(following.id)}/resolution`, TOKENS.operations, {});
    expect(notRootC8.status, notRootC8.text).toBe(409);
    // retried, then retried again
    expect((await api().post(`/api/incidents/${encodeURIComponent(rootCause.id)}/retry`, TOKENS.operations, { retries: 2 })).status).toBe(200);
    const again = await api().post(`/api/incidents/${encodeURIComponent(rootCause.id)}/retry`, TOKENS.operations, { retries: 2 });
    expect([again.status, problemOf(again).type]).toEqual([409, `${PROBLEM}incident-resolved`]);

    expect(await refusedOf('RC-RETRY', 'incident.refused')).toEqual([
      objectWith({ instanceId: rootCause.instanceId, actor: 'otto', via: 'api', data: {
        attempted: 'retry', incidentId: rootCause.id, variables: { vicePresidentApproved: true, mrpSlot: 'B' }, reason: 'variable-refused', refusal: problemOf(lowered).detail,
      } }),
      objectWith({ instanceId: following.instanceId, actor: 'otto', via: 'api', data: { attempted: 'retry', incidentId: following.id, reason: 'not-root-cause', refusal: problemOf(notRoot).detail } }),
      objectWith({ instanceId: following.instanceId, actor: 'otto', via: 'camunda8', data: objectWith({ incidentId: following.id, reason: 'not-root-cause' }) }),
      objectWith({ instanceId: rootCause.instanceId, actor: 'otto', via: 'api', data: { attempted: 'retry', incidentId: rootCause.id, retries: 2, reason: 'incident-resolved', refusal: problemOf(again).detail } }),
    ]);
    // nothing of the refused retry reached the order: it went on from the one retry (closing both incidents), without the decision
    const order = (await api().get<OrderView>('/api/orders/RC-RETRY', TOKENS.erp)).body;
    expect(order.history.filter((entry) => entry.event === 'incident.resolved' && entry.data?.resolution === 'retried')).toHaveLength(2);
    const tree = (await api().get<InstanceView>(`/api/instances/${rootCause.instanceId}`, TOKENS.erp)).body;
    expect(tree.variables).not.toHaveProperty('vicePresidentApproved');
    const audit = await api().get<{ items: { data: { reason: string } }[] }>('/api/audit/refused?event=incident.refused&businessKey=RC-RETRY', TOKENS.operations);
    expect(audit.body.items.map((item) => item.data.reason)).toEqual(['incident-resolved', 'not-root-cause', 'not-root-cause', 'variable-refused']);
  });
});

// helpers

async function enterOrder(orderNo: string, amount = 80_000): Promise<InstanceView> {
  const response = await api().post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

function change(orderNo: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return api().post(`/api/orders/${orderNo}/changes`, TOKENS.erp, body);
}

function cancel(route: CancelRoute, orderNo: string, instanceId: string, reason = 'customer withdrew'): Promise<ApiResponse> {
  return api().post(path(route, orderNo, instanceId), TOKENS.erp, { reason });
}

function path(route: CancelRoute, orderNo: string, instanceId: string): string {
  return route.replace('{orderNo}', orderNo).replace('{id}', instanceId);
}

/** The order's history (its whole call tree) as GET /api/orders/{orderNo} lists it, of one event. */
async function refusedOf(orderNo: string, event: string): Promise<HistoryEntry[]> {
  return (await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.history.filter((entry) => entry.event === event);
}

async function work(type: string, businessKey: string): Promise<void> {
  const fetched = await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'rc-worker', max: 100, lockMs: 1000 });
  const jobs = fetched.body.filter((job) => job.businessKey === businessKey);
  expect(jobs, type).toHaveLength(1);
  const completed = await api().post(`/api/jobs/${encodeURIComponent(jobs[0].id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'rc-worker' });
  expect(completed.status, completed.text).toBe(200);
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
