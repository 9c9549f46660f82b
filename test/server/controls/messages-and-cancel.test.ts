// Controls that hold, over HTTP against the real server and the shipped
// library: messages are buffered, not lost; orders are cancelled as a whole;
// incidents are listed and retried after a fix. Each row is an attempt with
// the answer it must get and what must (not) have happened.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, IncidentView, InstanceSummary, InstanceView, JobView, MessageResult, TaskView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { removeDataDir, SERVER_FIXTURES, startTestServer, type TestServer } from '../support/real-server.js';
import { anyText, objectWith, textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  for (const [name, xml] of [['price-check.bpmn', PRICE_CHECK], ['deposit-part.bpmn', DEPOSIT_PART], ['deposit-order.bpmn', DEPOSIT_ORDER], ['payment-watch.bpmn', PAYMENT_WATCH], ['picked-approval.bpmn', PICKED_APPROVAL]]) {
    const deployed = await api.request('POST', `/api/deployments?name=${name}`, {
      token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' },
    });
    expect(deployed.status, deployed.text).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const PLANNING = ['procurement-planning', 'production-planning'];
const PROBLEM = 'https://stratum.dev/problems/';

// ---- messages -----------------------------------------------------------------

describe('messages are buffered, not lost', () => {
  it('keeps a PaymentReceived that arrives while the special-change acknowledgements are open (202) and delivers it when the order reaches its catch', async () => {
    const order = await enterOrder('SO-EARLY-PAY', 'prepaid-at-entry', { description: 'blue paint' });
    const early = await pay('SO-EARLY-PAY', { variables: { paidAmount: 10_000 } });
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({ outcome: 'buffered', messageKey: anyText(), reached: [] });
    expect(Date.parse(early.body.expiresAt!) - Date.now()).toBeGreaterThan(59 * 60_000); // the default: one hour

    await acknowledgeAll('SO-EARLY-PAY');
    // no second message: the buffered payment released the order to planning
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    const history = await historyOf(order.id);
    expect(history).toContainEqual(objectWith({ event: 'message.buffered', actor: 'erp', data: objectWith({ messageKey: early.body.messageKey }) }));
    expect(history.filter((entry) => entry.event === 'message.correlated')).toEqual([
      objectWith({ actor: 'erp', data: objectWith({ messageKey: early.body.messageKey, buffered: true }) }),
    ]);
  });

  it('keeps a payment buffered for an order for that order: another process watching the same number cannot take it', async () => {
    const order = await enterOrder('SO-DECOY', 'prepaid-at-entry', { description: 'blue paint' });
    expect((await pay('SO-DECOY')).status).toBe(202);
    // a process started with the order number as a variable, not as its business key, catches PaymentReceived under it
    const watch = await api.post<InstanceView>('/api/processes/payment-watch/instances', TOKENS.erp, { variables: { orderNo: 'SO-DECOY' } });
    expect(watch.status, watch.text).toBe(201);
    expect(watch.body.status).toBe('running');
    await acknowledgeAll('SO-DECOY');
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
  });

  it('gives a payment for an order to that order only, while another process watching the same number already waits for it', async () => {
    const order = await enterOrder('SO-DECOY-FIRST', 'prepaid-at-entry', { description: 'blue paint' });
    const watch = await api.post<InstanceView>('/api/processes/payment-watch/instances', TOKENS.erp, { variables: { orderNo: 'SO-DECOY-FIRST' } });
    expect(watch.body.status).toBe('running');
    const paid = await pay('SO-DECOY-FIRST');
    expect(paid.status, paid.text).toBe(202);
    expect((await instance(watch.body.id)).status).toBe('running');
    await acknowledgeAll('SO-DECOY-FIRST');
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
  });

  it('refuses a second publish with the same messageId while the first is buffered (409 duplicate-message); the order is paid once', async () => {
    const order = await enterOrder('SO-DUP-BUFFERED', 'prepaid-at-entry', { description: 'blue paint' });
    const first = await pay('SO-DUP-BUFFERED', { messageId: 'bank-4711' });
    expect(first.status).toBe(202);
    const again = await pay('SO-DUP-BUFFERED', { messageId: 'bank-4711' });
    expect(again.status).toBe(409);
    expect(problemOf(again)).toMatchObject({ type: `${PROBLEM}duplicate-message`, messageId: 'bank-4711', first: { messageKey: first.body.messageKey, state: 'buffered' } });
    await acknowledgeAll('SO-DUP-BUFFERED');
    const history = await historyOf(order.id);
    expect(history.filter((entry) => entry.event === 'message.correlated')).toHaveLength(1);
    expect(history.filter((entry) => entry.event === 'message.duplicate')).toEqual([objectWith({ actor: 'erp' })]);
  });

  it('keeps a sender\'s resent duplicates small and at most ten in the order\'s history: a 64 KB variable by its name and size', async () => {
    const order = await enterOrder('SO-DUP-LARGE', 'prepaid-at-entry', { description: 'blue paint' });
    const note = 'x'.repeat(64 * 1024);
    expect((await pay('SO-DUP-LARGE', { messageId: 'bank-4713', variables: { note } })).status).toBe(202);
    for (let resend = 0; resend < 12; resend++) expect((await pay('SO-DUP-LARGE', { messageId: 'bank-4713', variables: { note } })).status).toBe(409);
    const duplicates = (await historyOf(order.id)).filter((entry) => entry.event === 'message.duplicate');
    expect(duplicates).toHaveLength(10);
    for (const duplicate of duplicates) {
      expect(duplicate.data).toMatchObject({ variables: {}, omittedVariables: { note: note.length + 2 }, omittedVariableCount: 1 });
    }
    expect(duplicates.map((entry) => entry.data?.lastKept ?? false)).toEqual([...Array<boolean>(9).fill(false), true]);
  });

  it('refuses a retry of a delivered message with the same messageId (409) instead of delivering or buffering it again', async () => {
    const order = await enterOrder('SO-DUP-DELIVERED', 'prepaid-at-entry');
    const paid = await pay('SO-DUP-DELIVERED', { messageId: 'bank-4712' });
    expect(paid.status).toBe(200);
    expect(paid.body.outcome).toBe('delivered');
    expect(paid.body.reached.map((reached) => reached.id)).toEqual([order.id]);
    const retry = await pay('SO-DUP-DELIVERED', { messageId: 'bank-4712' });
    expect(retry.status).toBe(409);
    expect(problemOf(retry)).toMatchObject({ type: `${PROBLEM}duplicate-message`, first: { state: 'delivered' } });
    // the same id for another order is another message
    await enterOrder('SO-DUP-OTHER', 'prepaid-at-entry');
    expect((await pay('SO-DUP-OTHER', { messageId: 'bank-4712' })).status).toBe(200);
  });

  it('buffers a payment without messageId that arrives after the order was paid (Camunda keeps it for its time-to-live)', async () => {
    const order = await enterOrder('SO-PAID-TWICE', 'prepaid-at-entry');
    expect((await pay('SO-PAID-TWICE')).status).toBe(200);
    const second = await pay('SO-PAID-TWICE');
    expect(second.status).toBe(202);
    expect((await historyOf(order.id)).map((entry) => entry.event)).toContain('message.buffered');
  });

  it('tells an unknown business key (404 unknown-business-key) from nothing waiting with time-to-live 0 (404 not-correlated) and a finished order (409 order-finished)', async () => {
    const unknown = await pay('SO-NEVER-ENTERED');
    expect(unknown.status).toBe(404);
    expect(problemOf(unknown).type).toBe(`${PROBLEM}unknown-business-key`);

    const order = await enterOrder('SO-TTL-ZERO', 'prepaid-at-entry', { description: 'blue paint' });
    const notKept = await pay('SO-TTL-ZERO', { timeToLive: 0 });
    expect(notKept.status).toBe(404);
    expect(problemOf(notKept).type).toBe(`${PROBLEM}not-correlated`);
    await acknowledgeAll('SO-TTL-ZERO');
    expect((await instance(order.id)).waiting.map((wait) => wait.message).filter(Boolean).sort()).toEqual(['OrderChanged', 'PaymentReceived']);

    expect((await api.post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: 'customer withdrew' })).status).toBe(200);
    const late = await pay('SO-TTL-ZERO');
    expect(late.status).toBe(409);
    expect(problemOf(late)).toMatchObject({ type: `${PROBLEM}order-finished`, orderStatus: 'cancelled' });
    const refused = (await historyOf(order.id)).filter((entry) => entry.event === 'message.refused');
    expect(refused.map((entry) => [entry.actor, entry.data?.reason])).toEqual([['erp', 'not-correlated'], ['erp', 'order-finished']]);
  });

  it('names a fulfilled order\'s status as the order resource and its events do: orderStatus "fulfilled", not the instance\'s "completed"', async () => {
    await enterCredit('SO-PAID-LATE', 1_000);
    expect(await work([...PLANNING, 'shipping'], 'SO-PAID-LATE')).toEqual([...PLANNING, 'shipping']);
    expect((await api.get<{ status: string }>('/api/orders/SO-PAID-LATE', TOKENS.erp)).body.status).toBe('fulfilled');
    const late = await pay('SO-PAID-LATE');
    expect(late.status).toBe(409);
    expect(problemOf(late)).toMatchObject({ type: `${PROBLEM}order-finished`, orderStatus: 'fulfilled', detail: textContaining('the order is fulfilled') });
  });

  it('still delivers a message with timeToLive 0 when its catch is open (200)', async () => {
    const order = await enterOrder('SO-TTL-ZERO-OPEN', 'prepaid-at-entry');
    const paid = await pay('SO-TTL-ZERO-OPEN', { timeToLive: 0 });
    expect(paid.status).toBe(200);
    expect(paid.body.reached.map((reached) => reached.id)).toEqual([order.id]);
  });

  it('takes timeToLive as milliseconds or an ISO 8601 duration, and refuses others (422)', async () => {
    await enterOrder('SO-TTL', 'prepaid-at-entry', { description: 'blue paint' });
    const iso = await pay('SO-TTL', { timeToLive: 'PT10M' });
    expect(iso.status).toBe(202);
    expect(Date.parse(iso.body.expiresAt!) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Date.parse(iso.body.expiresAt!) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const ms = await pay('SO-TTL', { timeToLive: 90_000 });
    expect(Date.parse(ms.body.expiresAt!) - Date.parse(iso.body.expiresAt!)).toBeLessThan(0);
    for (const timeToLive of ['P1M', 'PT', '1h', -1, 1.5, 'P400D']) {
      expect((await pay('SO-TTL', { timeToLive })).status, String(timeToLive)).toBe(422);
    }
  });

  it('does not deliver a buffered message after its time-to-live; the scheduler purges it and the order history says so', async () => {
    const order = await enterOrder('SO-EXPIRED', 'prepaid-at-entry', { description: 'blue paint' });
    expect((await pay('SO-EXPIRED', { timeToLive: 1 })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await acknowledgeAll('SO-EXPIRED');
    expect(await jobTypesOf(order.id)).toEqual([]);
    expect(await server.stratum.runtime.purgeExpiredMessages()).toBeGreaterThanOrEqual(1);
    expect((await historyOf(order.id)).map((entry) => entry.event)).toContain('message.expired');
  });

  it('delivers buffered messages oldest first, each once', async () => {
    const order = await enterOrder('SO-TWO-BUFFERED', 'prepaid-at-shipment', { description: 'blue paint' });
    const first = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'ShipmentRequested', businessKey: 'SO-TWO-BUFFERED', variables: { dock: 1 } });
    const second = await api.post('/api/messages', TOKENS.erp, { name: 'ShipmentRequested', businessKey: 'SO-TWO-BUFFERED', variables: { dock: 2 } });
    expect([first.status, second.status]).toEqual([202, 202]);
    await acknowledgeAll('SO-TWO-BUFFERED');
    await work(PLANNING, 'SO-TWO-BUFFERED');
    const delivered = (await historyOf(order.id)).filter((entry) => entry.event === 'message.correlated');
    expect(delivered.map((entry) => entry.data?.messageKey)).toEqual([first.body.messageKey]);
    expect((await pay('SO-TWO-BUFFERED')).status).toBe(200);
    expect(await work(['shipping'], 'SO-TWO-BUFFERED')).toEqual(['shipping']);
  });

  it('delivers a payment sent at the same moment as the acknowledgement that opens its catch exactly once', async () => {
    for (let round = 1; round <= 4; round++) {
      const orderNo = `SO-RACE-${round}`;
      const order = await enterOrder(orderNo, 'prepaid-at-entry', { description: 'blue paint' });
      const tasks = await tasksOf(orderNo);
      for (const task of tasks.slice(0, -1)) await acknowledge(task);
      const [message, completion] = await Promise.all([pay(orderNo), acknowledge(tasks.at(-1)!)]);
      expect([200, 202]).toContain(message.status);
      expect(completion).toBe(200);
      expect((await historyOf(order.id)).filter((entry) => entry.event === 'message.correlated')).toHaveLength(1);
      expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    }
  });
});

// ---- cancelling ---------------------------------------------------------------

describe('orders are cancelled as a whole', () => {
  const reason = { reason: 'customer withdrew the order' };

  it('refuses to cancel the approval of an order (409 not-a-root, naming the order), which goes on as before', async () => {
    const order = await enterCredit('SO-CANCEL-CHILD', 700_000);
    const approval = (await instance(order.id)).children[0];
    const tree = (await api.get<{ items: InstanceSummary[] }>('/api/instances?businessKey=SO-CANCEL-CHILD', TOKENS.erp)).body.items;
    for (const child of tree.filter((member) => member.processKey !== 'order-to-cash')) {
      const refused = await api.post(`/api/instances/${child.id}/cancel`, TOKENS.erp, reason);
      expect(refused.status, child.processKey).toBe(409);
      expect(problemOf(refused)).toMatchObject({ type: `${PROBLEM}not-a-root`, rootInstanceId: order.id });
    }
    expect(approval.processKey).toBe('sales-order-management');
    const view = await instance(order.id);
    expect(view.status).toBe('running');
    expect(view.incident).toBeNull();
    expect((await tasksOf('SO-CANCEL-CHILD')).map((task) => task.candidateGroups)).toEqual([['vice-president']]);
  });

  it('needs a reason (422), then cancels the whole call tree and records the reason with who cancelled', async () => {
    const order = await enterCredit('SO-CANCEL-ROOT', 700_000);
    expect((await api.post(`/api/instances/${order.id}/cancel`, TOKENS.erp, {})).status).toBe(422);
    expect((await api.post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: '   ' })).status).toBe(422);
    const cancelled = await api.post<InstanceView>(`/api/instances/${order.id}/cancel`, TOKENS.erp, reason);
    expect(cancelled.status).toBe(200);
    const tree = (await api.get<{ items: InstanceSummary[] }>('/api/instances?businessKey=SO-CANCEL-ROOT', TOKENS.erp)).body.items;
    expect(tree.map((member) => member.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const entries = cancelled.body.history.filter((entry) => entry.event === 'instance.cancelled');
    expect(entries).toHaveLength(3);
    for (const entry of entries) expect(entry).toMatchObject({ actor: 'erp', data: { reason: reason.reason } });
    expect((await api.post(`/api/instances/${order.id}/cancel`, TOKENS.erp, reason)).status).toBe(409);
  });

  it('cancels through Camunda\'s routes too, only with a reason: without one 400 saying how to give it, the order runs on', async () => {
    for (const [method, path, reasoned, label] of [
      ['POST', '/v2/process-instances/{id}/cancellation', { json: reason }, 'SO-CANCEL-C8'],
      ['DELETE', '/engine-rest/process-instance/{id}', { query: `?deleteReason=${encodeURIComponent(reason.reason)}` }, 'SO-CANCEL-C7'],
    ] as const) {
      const order = await enterCredit(label, 700_000);
      const at = path.replace('{id}', order.id);
      const refused = await api.request(method, at, { token: TOKENS.erp, body: '{}', headers: { 'content-type': 'application/json' } });
      expect(refused.status, at).toBe(400);
      expect(problemOf(refused).detail).toMatch(/^Stratum keeps a reason for every cancel/);
      expect((await instance(order.id)).status).toBe('running');
      const cancelled = 'json' in reasoned
        ? await api.request(method, at, { token: TOKENS.erp, json: reasoned.json })
        : await api.request(method, at + reasoned.query, { token: TOKENS.erp });
      expect(cancelled.status, cancelled.text).toBe(204);
      const tree = (await api.get<{ items: InstanceSummary[] }>(`/api/instances?businessKey=${label}`, TOKENS.erp)).body.items;
      expect(tree.map((member) => member.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      const entries = (await historyOf(order.id)).filter((entry) => entry.event === 'instance.cancelled');
      expect(entries).toHaveLength(3);
      for (const entry of entries) expect(entry).toMatchObject({ actor: 'erp', via: method === 'POST' ? 'camunda8' : 'camunda7', data: objectWith({ reason: reason.reason }) });
    }
  });

  it('keeps the shipper\'s report on Camunda 7\'s route of an order cancelled while it shipped: 404 as before, job.refused in the audit', async () => {
    const order = await enterCredit('SO-CANCEL-SHIPPING', 80_000);
    expect(await work(PLANNING, 'SO-CANCEL-SHIPPING')).toEqual(PLANNING);
    const fetched = await api.post<{ id: string; businessKey: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'shipper', maxTasks: 100, topics: [{ topicName: 'shipping', lockDuration: 60_000 }],
    });
    const shipping = fetched.body.find((task) => task.businessKey === 'SO-CANCEL-SHIPPING')!;
    expect((await api.post(`/api/orders/SO-CANCEL-SHIPPING/cancel`, TOKENS.erp, reason)).status).toBe(200);

    const late = await api.post(`/engine-rest/external-task/${encodeURIComponent(shipping.id)}/complete`, TOKENS.erp, { workerId: 'shipper' });
    expect(late.status, late.text).toBe(404);
    const kept = (await historyOf(order.id)).filter((entry) => entry.event === 'job.refused');
    expect(kept).toEqual([objectWith({
      actor: 'erp', via: 'camunda7',
      data: objectWith({ attempted: 'complete', workerId: 'shipper', jobType: 'shipping', lockedBy: 'shipper', reason: 'instance-cancelled', cancelledBy: 'erp' }),
    })]);
    const audit = await api.get<{ items: unknown[] }>('/api/audit/refused?businessKey=SO-CANCEL-SHIPPING&reason=instance-cancelled', TOKENS.operations);
    expect(audit.body.items).toHaveLength(1);
  });
});

// ---- incidents ------------------------------------------------------------------

describe('incidents are listed and retried after a fix', () => {
  it('retries a job that ran out of retries: the order goes on, and the history says who resolved it', async () => {
    const order = await enterCredit('SO-JOB-INCIDENT', 1_000);
    const [job] = await fetchJobs('procurement-planning', 'SO-JOB-INCIDENT');
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'erp-worker' })).status).toBe(200);
    expect((await instance(order.id)).status).toBe('failed');

    const listed = await api.get<IncidentPage>('/api/incidents?businessKey=SO-JOB-INCIDENT', TOKENS.nobody);
    expect(listed.status).toBe(200);
    const rootCause = listed.body.items.find((incident) => incident.kind === 'job')!;
    expect(rootCause).toMatchObject({ jobId: job.id, elementId: anyText(), message: textContaining('ERP down'), causeIncidentId: null, rootInstanceId: order.id });
    // the worker's message says what went wrong; the reason says, for a program, that the job is out of retries
    expect(rootCause.reason).toEqual({ kind: 'job-no-retries', jobType: 'procurement-planning' });
    const following = listed.body.items.filter((incident) => incident.causeIncidentId);
    expect(following.length).toBeGreaterThan(0);
    // a caller that failed only because its child did has no reason of its own: its cause says why
    for (const caller of following) expect(caller).not.toHaveProperty('reason');

    const wrongOne = await api.post(`/api/incidents/${following[0].id}/retry`, TOKENS.operations, {});
    expect(wrongOne.status).toBe(409);
    expect(problemOf(wrongOne)).toMatchObject({ type: `${PROBLEM}not-root-cause`, rootCauseIncidentId: rootCause.id });
    expect((await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.erp, {})).status).toBe(403);

    const retried = await api.post<InstanceView>(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, { retries: 2 });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.status).toBe('running');
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=SO-JOB-INCIDENT', TOKENS.nobody)).body.items).toEqual([]);
    const [again] = await fetchJobs('procurement-planning', 'SO-JOB-INCIDENT');
    expect(again).toMatchObject({ id: job.id, retries: 2 });
    expect(retried.body.history.filter((entry) => entry.event === 'incident.resolved').map((entry) => entry.actor))
      .toEqual(Array(1 + following.length).fill('otto'));
    expect(problemOf(await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, {})).type).toBe(`${PROBLEM}incident-resolved`);
    expect((await api.post(`/api/jobs/${encodeURIComponent(again.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'erp-worker' })).status).toBe(200);
    expect(await work(['production-planning'], 'SO-JOB-INCIDENT')).toEqual(['production-planning']);
    expect(await work(['shipping'], 'SO-JOB-INCIDENT')).toEqual(['shipping']);
    expect((await instance(order.id)).status).toBe('completed');
  });

  it('re-runs a failed step on the state before it with corrected variables; a retry that would fail again is refused (422) and changes nothing', async () => {
    const started = await api.post<InstanceView>('/api/processes/price-check/instances', TOKENS.erp, { businessKey: 'PC-1' });
    expect(started.status).toBe(201);
    const [job] = await fetchJobs('price-check', 'PC-1');
    // the order reached the check without the region its gateway reads: the step fails
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'erp-worker' })).status).toBe(200);
    expect((await instance(started.body.id)).status).toBe('failed');
    const [incident] = (await api.get<IncidentPage>('/api/incidents?processKey=price-check', TOKENS.nobody)).body.items;
    expect(incident).toMatchObject({ kind: 'step', message: textContaining('region'), businessKey: 'PC-1' });

    const unchanged = await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {});
    expect(unchanged.status).toBe(422);
    // the incident it would raise again, with its reason: the gateway's condition reads a variable nobody supplied
    expect(problemOf(unchanged).incident).toEqual({
      elementId: incident.elementId, message: textContaining('region'), reason: { kind: 'condition-failed', flowId: 'F3' },
    });
    expect((await instance(started.body.id)).status).toBe('failed');
    expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { retries: 3 })).status).toBe(422);
    expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: { orderNo: 'X' } })).status).toBe(422);

    const fixed = await api.post<InstanceView>(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: { region: 'EMEA' } });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'completed', variables: { region: 'EMEA', checkedRegion: 'EMEA' } });
    expect(fixed.body.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ variables: { region: 'EMEA' } }) }));
  });

  it('lists an assignment that gave a server role with the instance\'s machine-readable reason; a retry that fails again changes nothing, a fixed one closes it', async () => {
    const started = await api.post<InstanceView>('/api/processes/picked-approval/instances', TOKENS.erp, { businessKey: 'PA-ROLE', variables: { approverGroup: 'integration' } });
    expect(started.status, started.text).toBe(201);
    expect(started.body.status).toBe('failed');
    const serverRole = { kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' };
    expect(started.body.incident?.reason).toEqual(serverRole);

    const listed = await api.get<IncidentPage>('/api/incidents?businessKey=PA-ROLE', TOKENS.nobody);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([objectWith({ kind: 'step', elementId: 'Approve', message: started.body.incident!.message, reason: serverRole })]);
    const [incident] = listed.body.items;

    // another server role group: the retry would fail the same way, so it is refused and the incident keeps its reason
    const again = await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: { approverGroup: 'designer' } });
    expect(again.status, again.text).toBe(422);
    expect(problemOf(again).detail).toContain('"designer"');
    // the refusal names the incident the retry would raise, with its reason, for a program
    expect(problemOf(again).incident).toEqual({ elementId: 'Approve', message: textContaining('"designer"'), reason: { ...serverRole, given: 'designer' } });
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=PA-ROLE', TOKENS.nobody)).body.items).toEqual([objectWith({ id: incident.id, reason: serverRole })]);

    const fixed = await api.post<InstanceView>(`/api/incidents/${incident.id}/retry`, TOKENS.operations, { variables: { approverGroup: 'sales-director' } });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'running', incident: null });
    expect((await tasksOf('PA-ROLE')).map((task) => task.candidateGroups)).toEqual([['sales-director']]);
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=PA-ROLE', TOKENS.nobody)).body.items).toEqual([]);
  });

  it('refuses an operator\'s retry that sets a decision (422 naming it) and leaves the incident open', async () => {
    await enterCredit('SO-RETRY-DECIDES', 1_000);
    const [job] = await fetchJobs('procurement-planning', 'SO-RETRY-DECIDES');
    await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'erp-worker' });
    const rootCause = (await api.get<IncidentPage>('/api/incidents?businessKey=SO-RETRY-DECIDES', TOKENS.nobody)).body.items.find((incident) => incident.kind === 'job')!;

    // credit approval decided automatically (1,000 CNY): nobody may write that a vice-president approved it
    const refused = await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, { variables: { vicePresidentApproved: true } });
    expect(refused.status, refused.text).toBe(422);
    expect(problemOf(refused)).toMatchObject({ detail: textContaining('vicePresidentApproved'), errors: [objectWith({ field: '/variables/vicePresidentApproved' })] });
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=SO-RETRY-DECIDES', TOKENS.nobody)).body.items.map((incident) => incident.id)).toContain(rootCause.id);
    const retried = await api.post<InstanceView>(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, { variables: { plannedWeek: 48 } });
    expect(retried.status, retried.text).toBe(200);
    // set nowhere: only the refused attempt the trail keeps names it (refused-unclaims-and-retries.test.ts)
    const { history, ...order } = retried.body;
    expect(history.filter((entry) => entry.event.endsWith('.refused')).map((entry) => entry.event)).toEqual(['incident.refused']);
    expect(JSON.stringify({ ...order, history: history.filter((entry) => !entry.event.endsWith('.refused')) })).not.toContain('vicePresidentApproved');
  });

  // a decision in a called process whose caller failed otherwise (409 caller-failed) is held-tasks.test.ts's
  it('refuses the failure of a planning job an open change holds (409 order-change-open), so the order does not fail and its change\'s acknowledgements go through', async () => {
    const order = await enterCredit('SO-FAILED-CALLER', 750_000);
    const [review] = await tasksOf('SO-FAILED-CALLER');
    expect((await api.post(`/api/tasks/${encodeURIComponent(review.id)}/complete`, TOKENS.vp, { variables: { approved: true } })).status).toBe(200);
    expect((await api.post('/api/orders/SO-FAILED-CALLER/changes', TOKENS.erp, { description: 'four times the quantity', amount: 3_000_000 })).status).toBe(201);
    // planning had begun before the change: its worker reports the job failed for good, which would fail the order
    // and hold the change's acknowledgements with it; the change holds the job's outcome, its failure too
    const planning = (await instance(order.id)).waiting.find((wait) => wait.jobType === 'procurement-planning')!;
    const failed = await api.post(`/api/jobs/${encodeURIComponent(planning.jobId!)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'erp-worker' });
    expect(failed.status, failed.text).toBe(409);
    expect(problemOf(failed)).toMatchObject({ type: `${PROBLEM}order-change-open` });
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=SO-FAILED-CALLER', TOKENS.nobody)).body.items).toEqual([]);

    await acknowledgeAll('SO-FAILED-CALLER');
    // the acknowledged change reached the order: 3,000,000 needs the sales director
    expect((await tasksOf('SO-FAILED-CALLER')).map((task) => task.candidateGroups)).toEqual([['sales-director']]);
  });

  it('refuses a message for a called instance while its caller has failed (409 caller-failed) instead of delivering it to be lost; after the retry it is delivered', async () => {
    const started = await api.post<InstanceView>('/api/processes/deposit-order/instances', TOKENS.erp, { businessKey: 'DEP-1' });
    expect(started.status, started.text).toBe(201);
    const [booking] = await fetchJobs('deposit-booking', 'DEP-1');
    expect((await api.post(`/api/jobs/${encodeURIComponent(booking.id)}/failure`, TOKENS.erp, { message: 'ledger down', retries: 0, workerId: 'erp-worker' })).status).toBe(200);

    const refused = await api.post('/api/messages', TOKENS.erp, { name: 'DepositReceived', businessKey: 'DEP-1' });
    expect(refused.status, refused.text).toBe(409);
    expect(problemOf(refused)).toMatchObject({ type: `${PROBLEM}caller-failed` });

    const [incident] = (await api.get<IncidentPage>('/api/incidents?businessKey=DEP-1', TOKENS.nobody)).body.items;
    expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {})).status).toBe(200);
    expect((await api.post('/api/messages', TOKENS.erp, { name: 'DepositReceived', businessKey: 'DEP-1' })).status).toBe(200);
    expect(await work(['deposit-booking'], 'DEP-1')).toEqual(['deposit-booking']);
    expect((await instance(started.body.id)).status).toBe('completed');
  });

  it('refuses a payment for a failed order until its incident is retried (409 order-failed naming the incident), not as a finished order\'s; sent again after the retry it is delivered', async () => {
    const order = await enterOrder('SO-PAY-FAILED', 'prepaid-at-shipment');
    const [job] = await fetchJobs('procurement-planning', 'SO-PAY-FAILED');
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'erp-worker' })).status).toBe(200);
    const rootCause = (await api.get<IncidentPage>('/api/incidents?businessKey=SO-PAY-FAILED', TOKENS.nobody)).body.items.find((incident) => incident.kind === 'job')!;

    // the payment waits beside the failed planning job; a Camunda 8 sender gets the same answer as Stratum's route
    for (const [route, body] of [
      ['/api/messages', { name: 'PaymentReceived', businessKey: 'SO-PAY-FAILED', timeToLive: 'PT1H' }],
      ['/v2/messages/publication', { name: 'PaymentReceived', correlationKey: 'SO-PAY-FAILED', timeToLive: 3_600_000 }],
    ] as const) {
      const refused = await api.post(route, TOKENS.erp, body);
      expect(refused.status, route).toBe(409);
      expect(problemOf(refused), route).toMatchObject({
        type: `${PROBLEM}order-failed`, title: 'Order failed', orderStatus: 'failed', instanceId: order.id, incidentId: rootCause.id,
        detail: textContaining(`incident ${rootCause.id}) and takes no message until that incident is retried`),
      });
    }
    const refusals = (await historyOf(order.id)).filter((entry) => entry.event === 'message.refused');
    expect(refusals.map((entry) => [entry.data?.reason, entry.data?.incidentId])).toEqual([['order-failed', rootCause.id], ['order-failed', rootCause.id]]);

    expect((await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, {})).status).toBe(200);
    const paid = await pay('SO-PAY-FAILED');
    expect(paid.status, paid.text).toBe(200);
    expect((await instance(order.id)).waiting.map((wait) => wait.message).filter(Boolean)).not.toContain('PaymentReceived');
  });

  it('closes the incidents of an order that is cancelled instead of retried', async () => {
    const order = await enterCredit('SO-CANCEL-FAILED', 1_000);
    const [job] = await fetchJobs('procurement-planning', 'SO-CANCEL-FAILED');
    await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'erp-worker' });
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=SO-CANCEL-FAILED', TOKENS.nobody)).body.items.length).toBeGreaterThan(0);
    expect((await api.post(`/api/instances/${order.id}/cancel`, TOKENS.erp, { reason: 'cannot be planned' })).status).toBe(200);
    expect((await api.get<IncidentPage>('/api/incidents?businessKey=SO-CANCEL-FAILED', TOKENS.nobody)).body.items).toEqual([]);
  });

  it('answers 404 for an incident that does not exist', async () => {
    expect((await api.post('/api/incidents/no-such-incident/retry', TOKENS.operations, {})).status).toBe(404);
  });

  it('reads one incident by id as the list shows it, still readable once retried (when, and how it was resolved); an unknown id is a 404 problem', async () => {
    await enterCredit('SO-INCIDENT-ITEM', 1_000);
    const [job] = await fetchJobs('procurement-planning', 'SO-INCIDENT-ITEM');
    await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP down', retries: 0, workerId: 'erp-worker' });
    const listed = (await api.get<IncidentPage>('/api/incidents?businessKey=SO-INCIDENT-ITEM', TOKENS.nobody)).body.items;
    const rootCause = listed.find((incident) => incident.kind === 'job')!;

    // any valid token, as the list; the same fields as the list's item
    const open = await api.get<IncidentView>(`/api/incidents/${encodeURIComponent(rootCause.id)}`, TOKENS.nobody);
    expect(open.status, open.text).toBe(200);
    expect(open.body).toEqual(rootCause);
    expect((await api.get(`/api/incidents/${encodeURIComponent(rootCause.id)}`, '')).status).toBe(401);

    expect((await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, {})).status).toBe(200);
    const resolved = await api.get<IncidentView>(`/api/incidents/${encodeURIComponent(rootCause.id)}`, TOKENS.vp);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ ...rootCause, resolvedAt: anyText(), resolution: 'retried' });
    expect(Date.parse(resolved.body.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(rootCause.createdAt));

    const unknown = await api.get('/api/incidents/no-such-incident', TOKENS.nobody);
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^application\/problem\+json/);
    expect(problemOf(unknown).detail).toContain('no-such-incident');
  });

  it('pages incidents with limit and a cursor, and refuses a cursor it did not hand out', async () => {
    for (const key of ['PC-PAGE-1', 'PC-PAGE-2', 'PC-PAGE-3']) {
      const started = await api.post<InstanceView>('/api/processes/price-check/instances', TOKENS.erp, { businessKey: key });
      const [job] = await fetchJobs('price-check', key);
      await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'erp-worker' });
      expect((await instance(started.body.id)).status).toBe('failed');
    }
    const seen: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<IncidentPage> = await api.get<IncidentPage>(`/api/incidents?processKey=price-check&limit=2${cursor ? `&cursor=${cursor}` : ''}`, TOKENS.nobody);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((incident) => incident.businessKey));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((key) => key?.startsWith('PC-PAGE'))).toEqual(['PC-PAGE-1', 'PC-PAGE-2', 'PC-PAGE-3']);
    expect((await api.get('/api/incidents?cursor=abc', TOKENS.nobody)).status).toBe(400);
    expect((await api.get('/api/incidents?limit=0', TOKENS.nobody)).status).toBe(400);
  });
});

// ---- helpers -----------------------------------------------------------------------

/** A job, then a gateway that reads `region`, which nothing supplies: completing the job fails the instance. */
const PRICE_CHECK = readFileSync(`${SERVER_FIXTURES}price-check.bpmn`, 'utf8');

/** A process that waits for one message (`correlationKey`: its zeebe:subscription, else the business key), then ends. */
const messageCatch = (key: string, message: string, catchName: string, correlationKey?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_${key}" name="${message}">${correlationKey ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements>` : ''}</bpmn:message>
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Caught" />
    <bpmn:intermediateCatchEvent id="Caught" name="${catchName}"><bpmn:messageEventDefinition messageRef="Msg_${key}" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Caught" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

/** An approval offered to the group a start variable names: naming a server role's group fails the instance. */
const PICKED_APPROVAL = readFileSync(new URL('../../fixtures/engine/picked-approval.bpmn', import.meta.url), 'utf8');
/** Watches for a payment under the order number it is started with (a variable, not its business key). */
const PAYMENT_WATCH = messageCatch('payment-watch', 'PaymentReceived', 'Payment seen', '=orderNo');

/** Called by deposit-order: waits for the deposit, then ends. */
const DEPOSIT_PART = messageCatch('deposit-part', 'DepositReceived', 'Deposit received');

/** Calls deposit-part beside a booking job, and goes on when both are done. */
const DEPOSIT_ORDER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_deposit" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="deposit-order" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Split" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Part" />
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Book" />
    <bpmn:callActivity id="Part" name="Await deposit"><bpmn:extensionElements><zeebe:calledElement processId="deposit-part" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:serviceTask id="Book" name="Book"><bpmn:extensionElements><zeebe:taskDefinition type="deposit-booking" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Part" targetRef="Join" />
    <bpmn:sequenceFlow id="F5" sourceRef="Book" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="F6" sourceRef="Join" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

interface IncidentPage {
  items: IncidentView[];
  nextCursor: string | null;
}

async function enterOrder(orderNo: string, paymentTerms: string, specialChange?: { description: string }) {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, {
    orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 80_000, currency: 'CNY', paymentTerms, ...(specialChange && { specialChange }),
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function enterCredit(orderNo: string, amount: number) {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

function pay(orderNo: string, extra: Record<string, unknown> = {}) {
  return api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: orderNo, ...extra });
}

async function instance(id: string) {
  return (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body;
}

async function historyOf(id: string): Promise<HistoryEntry[]> {
  return (await instance(id)).history;
}

async function jobTypesOf(id: string): Promise<string[]> {
  return (await instance(id)).waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType!).sort();
}

async function tasksOf(orderNo: string): Promise<{ id: string; candidateGroups: string[] }[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
}

const TOKEN_OF: Record<string, string> = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection };

async function acknowledge(task: { id: string; candidateGroups: string[] }): Promise<number> {
  return (await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKEN_OF[task.candidateGroups[0]], { variables: {} })).status;
}

async function acknowledgeAll(orderNo: string) {
  const tasks = await tasksOf(orderNo);
  expect(tasks).toHaveLength(3);
  for (const task of tasks) expect(await acknowledge(task)).toBe(200);
}

async function fetchJobs(type: string, businessKey: string) {
  const jobs = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'erp-worker', max: 100 })).body;
  // put back the jobs of other orders: complete none of them
  return jobs.filter((job) => job.businessKey === businessKey);
}

async function work(types: string[], businessKey: string): Promise<string[]> {
  const done: string[] = [];
  for (const type of types) {
    for (const job of await fetchJobs(type, businessKey)) {
      const completed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'erp-worker' });
      expect(completed.status, completed.text).toBe(200);
      done.push(type);
    }
  }
  return done;
}
