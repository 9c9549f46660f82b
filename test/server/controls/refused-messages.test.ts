// Business rule: a message adds to the order, never rewrites it (an order field) nor decides for another step (an
// approval's output). A message refused for that, on /api, Camunda 7's /engine-rest or Camunda 8's /v2, is kept in the
// history of the order its business key (correlation key) names as `message.refused` with `reason: variable-refused`,
// who sent it, by which route and what it carried, as a refused job or task completion is (refused-variables.test.ts).
// A key that names no order keeps nothing: anyone may make one up, and the store must not grow for it.
// The engine's own OrderChanged, which only a change request sends, is refused on every route (403) and a forged one
// is kept the same way, under `reason: engine-message`. A sender outside the integration group (an approver posting a
// payment) is refused by the role check before the body is read; the body is read then for the order it names, and
// the attempt kept under `reason: role`, without what it carried.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, OrderView } from '../../../engine/api.js';
import { KEPT_PER_PERSON } from '../../../engine/runtime/refused-attempts.js';
import { TEST_USERS, TOKENS, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

let server: TestServer;
let orderCount = 0;
const api = () => server.api;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify(TEST_USERS));
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const ROUTES = ['api', 'camunda7', 'camunda8'] as const;
type Route = (typeof ROUTES)[number];

async function enterOrder(paymentTerms = 'credit'): Promise<string> {
  const orderNo = `RM-${++orderCount}`;
  const response = await api().post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 80_000, currency: 'CNY', paymentTerms });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function order(orderNo: string): Promise<OrderView> {
  return (await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
}

async function refusedMessages(orderNo: string): Promise<HistoryEntry[]> {
  return (await order(orderNo)).history.filter((entry) => entry.event === 'message.refused');
}

function typed(variables: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value: JSON.stringify(value), type: 'Json' }]));
}

type Send = (key: string, variables: Record<string, unknown>, name?: string, token?: string) => Promise<ApiResponse>;
const SEND: Record<Route, Send> = {
  api: (key, variables, name = 'PaymentReceived', token = TOKENS.erp) => api().post('/api/messages', token, { name, businessKey: key, variables }),
  camunda7: (key, variables, name = 'PaymentReceived', token = TOKENS.erp) =>
    api().post('/engine-rest/message', token, { messageName: name, businessKey: key, processVariables: typed(variables) }),
  camunda8: (key, variables, name = 'PaymentReceived', token = TOKENS.erp) =>
    api().post('/v2/messages/publication', token, { name, correlationKey: key, timeToLive: 0, variables }),
};
const PATHS: Record<Route, string> = { api: '/api/messages', camunda7: '/engine-rest/message', camunda8: '/v2/messages/publication' };

/** A change that claims to be approved already, as a forged OrderChanged would carry it. */
const FORGED_CHANGE = { changeId: 'forged', description: 'x', amount: 9_000_000, reportingAmount: 9_000_000, approvedReportingAmount: 9_000_000 };

function historyRows(): number {
  const db = new Database(join(server.dataDir, 'stratum.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM history').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a message refused for what it would set is kept in the order\'s audit trail', () => {
  it.each(ROUTES)('a message setting amount and paymentTerms through %s: refused, kept as message.refused, the order unchanged', async (route) => {
    const orderNo = await enterOrder();
    const sent = { amount: 1, paymentTerms: 'prepaid-at-entry', paidAt: '2026-12-06' };
    const refused = await SEND[route](orderNo, sent);
    expect(refused.status, refused.text).toBeGreaterThanOrEqual(400);
    expect(refused.status, refused.text).toBeLessThan(500);

    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: route, data: { reason: 'variable-refused', name: 'PaymentReceived', businessKey: orderNo, variables: sent } });
    expect(entry.data!.refusal).toMatch(/amount/);
    expect(await order(orderNo)).toMatchObject({ amount: '80000.00', paymentTerms: 'credit' });
  });

  // Camunda 7's types are read before the runtime sees a name: a value its type refuses was answered 400 and kept nothing
  it('a Camunda 7 message whose order field\'s typed value is refused (a Long that is no whole number) is kept the same way', async () => {
    const orderNo = await enterOrder();
    const processVariables = { amount: { type: 'Long', value: '1' }, paidAt: { type: 'String', value: '2026-12-06' } };
    const refused = await api().post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo, processVariables });
    expect(refused.status, refused.text).toBe(400);
    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: 'camunda7', data: { reason: 'variable-refused', name: 'PaymentReceived', businessKey: orderNo, variables: processVariables } });
    expect(entry.data!.refusal).toMatch(/processVariables\/amount: a Long needs a whole number/);

    // a value its type refuses for a variable of the sender's own is its mistake, not an attempt at the order
    const own = await api().post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo, processVariables: { paidAt: { type: 'Date', value: 20261206 } } });
    expect(own.status, own.text).toBe(400);
    expect(await refusedMessages(orderNo)).toHaveLength(1);
    expect(await order(orderNo)).toMatchObject({ amount: '80000.00', paymentTerms: 'credit' });
  });

  // only the runtime knows what the order's elements decide: a value its type refused was answered 400 and kept nothing
  it('a Camunda 7 message whose typed value of another step\'s decision is refused is kept where the runtime finds it decided', async () => {
    const orderNo = await enterOrder();
    const processVariables = { directorApproved: { type: 'Boolean', value: 'true' }, paidAt: { type: 'String', value: '2026-12-06' } };
    const refused = await api().post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo, processVariables });
    expect(refused.status, refused.text).toBe(400);
    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: 'camunda7', data: { reason: 'variable-refused', name: 'PaymentReceived', businessKey: orderNo, variables: processVariables } });
    expect(entry.data!.refusal).toMatch(/processVariables\/directorApproved: a Boolean needs true or false/);

    // a variable no element decides with a value its type refuses is the sender's own mistake
    const own = await api().post('/engine-rest/message', TOKENS.erp, { messageName: 'PaymentReceived', businessKey: orderNo, processVariables: { remittance: { type: 'Boolean', value: 'no' } } });
    expect(own.status, own.text).toBe(400);
    expect(await refusedMessages(orderNo)).toHaveLength(1);
  });

  it.each(ROUTES)('a message setting another step\'s decision through %s is kept the same way', async (route) => {
    const orderNo = await enterOrder();
    const refused = await SEND[route](orderNo, { directorApproved: true });
    expect(refused.status, refused.text).toBeGreaterThanOrEqual(400);
    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: route, data: { reason: 'variable-refused', variables: { directorApproved: true } } });
    expect(entry.data!.refusal).toMatch(/directorApproved/);
  });

  it.each(ROUTES)('a message naming no order through %s is refused and writes no history', async (route) => {
    const before = historyRows();
    expect((await SEND[route]('RM-NO-SUCH-ORDER', { amount: 1 })).status).toBeGreaterThanOrEqual(400);
    expect((await SEND[route]('RM-NO-SUCH-ORDER', { directorApproved: true })).status).toBeGreaterThanOrEqual(400);
    expect(historyRows()).toBe(before);
  });

  it('keeps one sender\'s refused messages on one order up to the bound, the last saying so', async () => {
    const orderNo = await enterOrder();
    for (let attempt = 0; attempt < KEPT_PER_PERSON + 2; attempt++) expect((await SEND.api(orderNo, { directorApproved: attempt })).status).toBe(422);
    const kept = await refusedMessages(orderNo);
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.map((entry) => entry.data!.lastKept ?? false)).toEqual([...Array<boolean>(KEPT_PER_PERSON - 1).fill(false), true]);
  });
  it('keeps each kind of refusal within its own bound: ten variable refusals do not silence a not-correlated one, and each kind stays bounded', async () => {
    const orderNo = await enterOrder();
    const unwaited = () => api().post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: orderNo, timeToLive: 0 });
    for (let attempt = 0; attempt < KEPT_PER_PERSON; attempt++) expect((await SEND.api(orderNo, { directorApproved: attempt })).status).toBe(422);
    const notCorrelated = await unwaited();
    expect(notCorrelated.status, notCorrelated.text).toBe(404);
    const reasons = async () => (await refusedMessages(orderNo)).map((entry) => entry.data!.reason);
    expect((await reasons()).filter((reason) => reason === 'not-correlated')).toHaveLength(1);

    for (let attempt = 1; attempt < KEPT_PER_PERSON + 2; attempt++) expect((await unwaited()).status).toBe(404);
    const kept = await refusedMessages(orderNo);
    const ofReason = (reason: string) => kept.filter((entry) => entry.data!.reason === reason);
    expect(ofReason('not-correlated')).toHaveLength(KEPT_PER_PERSON);
    expect(ofReason('not-correlated').at(-1)!.data!.lastKept).toBe(true);
    expect(ofReason('variable-refused')).toHaveLength(KEPT_PER_PERSON);
    expect(kept).toHaveLength(2 * KEPT_PER_PERSON);
  });
});

describe('a forged OrderChanged, the engine\'s own message, is refused and kept in the order\'s audit trail', () => {
  it.each(ROUTES)('through %s: 403 engine-message, kept as message.refused with what it carried, the order unchanged', async (route) => {
    const orderNo = await enterOrder();
    const before = await order(orderNo);
    const refused = await SEND[route](orderNo, { change: FORGED_CHANGE }, 'OrderChanged');
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body).toMatchObject({ reason: 'engine-message' });

    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: 'erp', via: route,
      data: { reason: 'engine-message', name: 'OrderChanged', businessKey: orderNo, variables: { change: FORGED_CHANGE }, attempted: 'correlate' },
    });
    expect(entry.data!.refusal).toMatch(/engine's own message/);
    const after = await order(orderNo);
    expect(after.history.filter((kept) => kept.event !== 'message.refused')).toEqual(before.history);
    expect((await api().get<{ changes: unknown[] }>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body.changes).toEqual([]);
  });

  it.each(ROUTES)('through %s, naming no order: refused and writes no history', async (route) => {
    const before = historyRows();
    expect((await SEND[route]('RM-NO-SUCH-ORDER', { change: FORGED_CHANGE }, 'OrderChanged')).status).toBe(403);
    expect(historyRows()).toBe(before);
  });

  it('keeps one sender\'s forgeries on one order up to the bound, beside their other refused messages', async () => {
    const orderNo = await enterOrder();
    for (let attempt = 0; attempt < KEPT_PER_PERSON; attempt++) expect((await SEND.api(orderNo, { directorApproved: attempt })).status).toBe(422);
    for (let attempt = 0; attempt < KEPT_PER_PERSON + 2; attempt++) {
      expect((await SEND[ROUTES[attempt % ROUTES.length]](orderNo, { change: { ...FORGED_CHANGE, changeId: `forged-${attempt}` } }, 'OrderChanged')).status).toBe(403);
    }
    const forged = (await refusedMessages(orderNo)).filter((entry) => entry.data!.reason === 'engine-message');
    expect(forged).toHaveLength(KEPT_PER_PERSON);
    expect(forged.map((entry) => entry.data!.lastKept ?? false)).toEqual([...Array<boolean>(KEPT_PER_PERSON - 1).fill(false), true]);
  });
});

describe('a message the role check refuses is kept in the history of the order it names', () => {
  it.each(ROUTES)('the sales director posts a payment through %s: 403, kept as message.refused (role) without what it carried, the order still unpaid', async (route) => {
    const orderNo = await enterOrder('prepaid-at-entry');
    const before = await order(orderNo);
    const refused = await SEND[route](orderNo, { paidAmount: 80_000 }, 'PaymentReceived', TOKENS.director);
    expect(refused.status, refused.text).toBe(403);

    const [entry, ...more] = await refusedMessages(orderNo);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'dirk', via: route, data: { reason: 'role', name: 'PaymentReceived', businessKey: orderNo } });
    expect(entry.data!.refusal).toMatch(/integration/);
    expect(entry.data!.attempted).toEqual(expect.any(String));
    expect(entry.data).not.toHaveProperty('variables');
    const after = await order(orderNo);
    expect(after.history.filter((kept) => kept.event !== 'message.refused')).toEqual(before.history);
    expect(after.waiting).toEqual(before.waiting);
  });

  it.each(ROUTES)('through %s, a role refusal naming no order, or with a body that is not JSON, writes no history and is still 403', async (route) => {
    const rows = historyRows();
    expect((await SEND[route]('RM-NO-SUCH-ORDER', {}, 'PaymentReceived', TOKENS.director)).status).toBe(403);
    const notJson = await api().request('POST', PATHS[route], { token: TOKENS.director, body: '{"name": "PaymentReceived", ', headers: { 'content-type': 'application/json' } });
    expect(notJson.status, notJson.text).toBe(403);
    expect(historyRows()).toBe(rows);
  });

  // the role check's 403 stands either way; the body was read for its order and refused there, so nothing was kept
  it.each(ROUTES)('through %s, a role-refused body writing a key twice or a number a double does not hold is kept as one without them is', async (route) => {
    const orderNo = await enterOrder('prepaid-at-entry');
    const [name, key, variables] = route === 'api' ? ['name', 'businessKey', 'variables'] : route === 'camunda7' ? ['messageName', 'businessKey', 'processVariables'] : ['name', 'correlationKey', 'variables'];
    const texts = [
      `{"${name}":"PaymentReceived","${key}":"${orderNo}","${variables}":{},"${variables}":{}}`,
      `{"${name}":"PaymentReceived","${key}":"${orderNo}","${variables}":{"paidAmount":{"value":80000.000000000000001}}}`,
    ];
    for (const text of texts) {
      const refused = await api().request('POST', PATHS[route], { token: TOKENS.director, body: text, headers: { 'content-type': 'application/json' } });
      expect(refused.status, refused.text).toBe(403);
    }
    const kept = await refusedMessages(orderNo);
    expect(kept.map((entry) => [entry.actor, entry.via, entry.data!.reason, entry.data!.businessKey])).toEqual([
      ['dirk', route, 'role', orderNo], ['dirk', route, 'role', orderNo],
    ]);
  });

  it('keeps one person\'s role refusals on one order up to the bound, and an unauthenticated message keeps nothing', async () => {
    const orderNo = await enterOrder('prepaid-at-entry');
    for (let attempt = 0; attempt < KEPT_PER_PERSON + 2; attempt++) {
      expect((await SEND[ROUTES[attempt % ROUTES.length]](orderNo, {}, 'PaymentReceived', TOKENS.director)).status).toBe(403);
    }
    const rows = historyRows();
    expect((await api().post('/api/messages', undefined, { name: 'PaymentReceived', businessKey: orderNo })).status).toBe(401);
    expect(historyRows()).toBe(rows);
    const kept = await refusedMessages(orderNo);
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.map((entry) => entry.data!.lastKept ?? false)).toEqual([...Array<boolean>(KEPT_PER_PERSON - 1).fill(false), true]);
  });
});
