// Changes to a running order go through the controls, over HTTP against the
// real server and the shipped library: procurement, production and inspection
// acknowledge every change before the order moves on (no job is handed out
// meanwhile), a raised amount meets the approvers its tier needs, and a change
// after shipping is refused. Orders are in CNY, the reporting currency.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, IncidentView, InstanceView, JobView, MessageResult, OrderChangeResult, OrderChangesView, TaskView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { freshSchema, schemaUrl } from '../../support/postgres.js';
import { DIAGRAMS_DIR } from '../../support/stratum-fixture.js';
import { anyText, arrayWith, objectWith, textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  // STRATUM_TEST_STORE=postgres runs the same cases on PostgreSQL
  server = await startTestServer(process.env.STRATUM_TEST_STORE === 'postgres' ? { databaseUrl: schemaUrl(await freshSchema()) } : {});
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const PLANNING = ['procurement-planning', 'production-planning'];
const PROBLEM = 'https://stratum.dev/problems/';
const ACKNOWLEDGERS = ['inspection', 'procurement', 'production'];

describe('a change is acknowledged before the order moves on', () => {
  it('takes a change during approval: acknowledgements beside the open vice-president review, then approval releases planning', async () => {
    const order = await enterOrder('SO-CH-APPROVAL', 'credit', 600_000);
    const answer = await change('SO-CH-APPROVAL', { description: 'printing in the customer\'s new logo', changeId: 'crm-1' });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.change).toMatchObject({ changeId: 'crm-1', seq: 1, status: 'open', open: true, requestedBy: 'erp', amount: null });
    expect(answer.body.order).toMatchObject({ orderNo: 'SO-CH-APPROVAL', changed: true, amount: '600000.00', changes: [objectWith({ changeId: 'crm-1' })] });
    // what the order now waits for: the review it waited for before, and the three acknowledgements
    expect(taskGroupsIn(answer.body.instance.waiting)).toEqual([...ACKNOWLEDGERS, 'vice-president'].sort());

    await acknowledgeAll('SO-CH-APPROVAL');
    expect((await changesOf('SO-CH-APPROVAL')).changes[0]).toMatchObject({ status: 'accepted', open: false, settledAt: anyText() });
    expect(await decide('SO-CH-APPROVAL', 'vice-president', true)).toBe(200);
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
  });

  it('holds planning while a change made during planning is open, and releases it once all three acknowledged', async () => {
    const order = await enterOrder('SO-CH-PLANNING', 'credit', 80_000);
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    expect((await change('SO-CH-PLANNING', { description: 'thicker packaging' })).status).toBe(201);
    expect(await fetchJobs('procurement-planning', 'SO-CH-PLANNING')).toEqual([]);

    const tasks = await tasksOf('SO-CH-PLANNING');
    expect(tasks.map((task) => task.candidateGroups[0]).sort()).toEqual(ACKNOWLEDGERS);
    expect(await acknowledge(tasks[0])).toBe(200);
    expect(await acknowledge(tasks[1])).toBe(200);
    expect(await fetchJobs('production-planning', 'SO-CH-PLANNING')).toEqual([]); // two of three are not enough
    expect(await acknowledge(tasks[2])).toBe(200);
    expect(await work(PLANNING, 'SO-CH-PLANNING')).toEqual(PLANNING);
  });

  it('holds shipping of a change made after the shipment request but before shipping', async () => {
    const order = await enterOrder('SO-CH-SHIPREQ', 'prepaid-at-shipment', 80_000);
    expect(await work(PLANNING, 'SO-CH-SHIPREQ')).toEqual(PLANNING);
    expect((await message('ShipmentRequested', 'SO-CH-SHIPREQ')).status).toBe(200);
    expect((await message('PaymentReceived', 'SO-CH-SHIPREQ')).status).toBe(200);
    expect(await jobTypesOf(order.id)).toEqual(['shipping']);

    const answer = await change('SO-CH-SHIPREQ', { description: 'ship in two crates' });
    expect(answer.status, answer.text).toBe(201);
    expect(await fetchJobs('shipping', 'SO-CH-SHIPREQ')).toEqual([]);
    await acknowledgeAll('SO-CH-SHIPREQ');
    expect(await work(['shipping'], 'SO-CH-SHIPREQ')).toEqual(['shipping']);
    expect((await instance(order.id)).status).toBe('completed');
  });

  it('refuses a change after the goods have shipped (409 order-shipped, saying why) and records nothing', async () => {
    const order = await enterOrder('SO-CH-SHIPPED', 'credit', 80_000);
    expect(await work([...PLANNING, 'shipping'], 'SO-CH-SHIPPED')).toEqual([...PLANNING, 'shipping']);
    const late = await change('SO-CH-SHIPPED', { description: 'other colour' });
    expect(late.status).toBe(409);
    expect(problemOf(late)).toMatchObject({ type: `${PROBLEM}order-shipped`, reason: 'order-shipped', instanceId: order.id, shippedAt: anyText() });
    expect(problemOf(late).detail).toMatch(/has shipped/);
    expect((await changesOf('SO-CH-SHIPPED')).changes).toEqual([]);
  });

  it('refuses a change to a failed order until its incident is retried (409 order-failed naming the incident), not as a finished order\'s; sent again after the retry it is acknowledged', async () => {
    const order = await enterOrder('SO-CH-FAILED', 'credit', 80_000);
    const [job] = await fetchJobs('procurement-planning', 'SO-CH-FAILED');
    const failure = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'changes-worker' });
    expect(failure.status, failure.text).toBe(200);
    const incidents = await api.get<{ items: IncidentView[] }>('/api/incidents?businessKey=SO-CH-FAILED', TOKENS.erp);
    const rootCause = incidents.body.items.find((incident) => incident.kind === 'job')!;

    const refused = await change('SO-CH-FAILED', { description: 'new logo', changeId: 'crm-failed' });
    expect(refused.status, refused.text).toBe(409);
    expect(problemOf(refused)).toMatchObject({
      type: `${PROBLEM}order-failed`, title: 'Order failed', reason: 'order-failed', orderStatus: 'failed', instanceId: order.id, incidentId: rootCause.id,
      detail: textContaining(`incident ${rootCause.id}) and takes no change until that incident is retried; send it again once it is`),
    });
    expect((await changesOf('SO-CH-FAILED')).changes).toEqual([]);

    expect((await api.post(`/api/incidents/${rootCause.id}/retry`, TOKENS.operations, {})).status).toBe(200);
    const again = await change('SO-CH-FAILED', { description: 'new logo', changeId: 'crm-failed' });
    expect(again.status, again.text).toBe(201);
    await acknowledgeAll('SO-CH-FAILED');
    expect((await changesOf('SO-CH-FAILED')).changes).toEqual([objectWith({ changeId: 'crm-failed', status: 'accepted' })]);
  });

  it('ends the acknowledgements of a change still open when the order is rejected: no department is left to acknowledge a change to an order that has ended', async () => {
    const order = await enterOrder('SO-CH-REJECTED', 'credit', 600_000);
    expect((await change('SO-CH-REJECTED', { description: 'new logo', changeId: 'rej-1' })).status).toBe(201);
    const acknowledgements = (await tasksOf('SO-CH-REJECTED')).filter((task) => ACKNOWLEDGERS.includes(task.candidateGroups[0]));
    expect(acknowledgements).toHaveLength(3);
    expect(await decide('SO-CH-REJECTED', 'vice-president', false)).toBe(200);
    expect((await instance(order.id)).status).toBe('rejected');

    expect(await tasksOf('SO-CH-REJECTED')).toEqual([]);
    const called = await instance(acknowledgements[0].instanceId);
    expect(called).toMatchObject({ processKey: 'special-change-notification', status: 'cancelled' });
    expect(called.history.at(-1)).toMatchObject({ event: 'instance.cancelled', actor: 'vera', data: objectWith({
      callerEnded: objectWith({ status: 'rejected' }),
      closedTasks: arrayWith(acknowledgements.map((task) => objectWith({ taskId: task.id }))),
    }) });
    const late = await api.post(`/api/tasks/${encodeURIComponent(acknowledgements[0].id)}/complete`, TOKEN_OF[acknowledgements[0].candidateGroups[0]], { variables: { acknowledged: true } });
    expect(late.status).toBe(404);
    // the department's late acknowledgement is kept in the ended tree's history, as a late call after a cancel is
    const audit = await api.get<{ items: HistoryEntry[] }>('/api/audit/refused?businessKey=SO-CH-REJECTED', TOKENS.operations);
    expect(audit.body.items).toEqual([objectWith({
      event: 'task.refused', instanceId: called.id, waitId: acknowledgements[0].id,
      data: objectWith({ attempted: 'complete', variables: { acknowledged: true }, reason: 'instance-cancelled', cancelledBy: 'vera' }),
    })]);
    // nothing will settle the change now: it lapses with the order, so a CRM polling it until it is settled stops
    expect((await api.get(`/api/orders/SO-CH-REJECTED/changes/rej-1`, TOKENS.erp)).body).toMatchObject({ status: 'lapsed', open: false, settledAt: anyText() });
    expect((await changesOf('SO-CH-REJECTED')).changes[0].settledBy).toEqual([{ status: 'lapsed', by: 'vera', at: anyText() }]);
  });

  it('lapses the changes still open of a cancelled order, in the history with who cancelled it', async () => {
    const order = await enterOrder('SO-CH-CANCELLED', 'credit', 80_000);
    expect((await change('SO-CH-CANCELLED', { description: 'new logo', changeId: 'can-1' })).status).toBe(201);
    expect((await api.post('/api/orders/SO-CH-CANCELLED/cancel', TOKENS.erp, { reason: 'customer withdrew' })).status).toBe(200);
    expect((await changesOf('SO-CH-CANCELLED')).changes).toEqual([objectWith({ changeId: 'can-1', status: 'lapsed', open: false, settledAt: anyText() })]);
    expect((await historyOf(order.id)).filter((entry) => entry.event === 'order.change-lapsed'))
      .toEqual([objectWith({ actor: 'erp', data: objectWith({ changeId: 'can-1', orderStatus: 'cancelled' }) })]);
    expect(await tasksOf('SO-CH-CANCELLED')).toEqual([]);
  });

  it('keeps two changes open at once: the second is acknowledged after the first, and jobs wait for both', async () => {
    const order = await enterOrder('SO-CH-TWO', 'credit', 80_000);
    expect((await change('SO-CH-TWO', { description: 'first: new logo', changeId: 'a' })).status).toBe(201);
    const second = await change('SO-CH-TWO', { description: 'second: new colour', changeId: 'b' });
    expect(second.status).toBe(201);
    expect(second.body.order.changes.map((one) => [one.changeId, one.open])).toEqual([['a', true], ['b', true]]);

    await acknowledgeAll('SO-CH-TWO');
    expect((await changesOf('SO-CH-TWO')).changes.map((one) => one.status)).toEqual(['accepted', 'open']);
    expect(await fetchJobs('procurement-planning', 'SO-CH-TWO')).toEqual([]);
    await acknowledgeAll('SO-CH-TWO');
    expect((await changesOf('SO-CH-TWO')).changes.map((one) => one.status)).toEqual(['accepted', 'accepted']);
    expect(await work(PLANNING, 'SO-CH-TWO')).toEqual(PLANNING);

    // the history shows each change and each of its acknowledgements, with who and when
    const history = await historyOf(order.id);
    expect(history.filter((entry) => entry.event === 'order.changed').map((entry) => [entry.actor, entry.data?.changeId])).toEqual([['erp', 'a'], ['erp', 'b']]);
    expect(history.filter((entry) => entry.event === 'order.change-acknowledged').map((entry) => entry.data?.changeId)).toEqual(['a', 'b']);
    const acknowledgements = history.filter((entry) => entry.event === 'task.completed').map((entry) => entry.actor);
    expect(acknowledgements.sort()).toEqual(['ines', 'ines', 'paul', 'paul', 'pia', 'pia']);
  });
});

describe('the history says what each change changed, from what', () => {
  it('keeps the amount in force when each change was requested: as entered, as an approved raise set it, not as a rejected one would have', async () => {
    const order = await enterOrder('SO-CH-FROM', 'credit', 400_000);
    const first = await change('SO-CH-FROM', { description: 'twice the quantity', amount: 800_000, changeId: 'from-raise' });
    expect(first.status, first.text).toBe(201);
    await acknowledgeAll('SO-CH-FROM');
    expect(await decide('SO-CH-FROM', 'vice-president', true)).toBe(200);
    expect((await change('SO-CH-FROM', { description: 'ten times the quantity', amount: 4_000_000, changeId: 'from-too-much' })).status).toBe(201);
    await acknowledgeAll('SO-CH-FROM');
    expect(await decide('SO-CH-FROM', 'sales-director', false)).toBe(200);
    expect((await change('SO-CH-FROM', { description: 'new logo', changeId: 'from-logo' })).status).toBe(201);
    await acknowledgeAll('SO-CH-FROM');
    expect((await changesOf('SO-CH-FROM')).changes.map((one) => [one.changeId, one.status])).toEqual([['from-raise', 'approved'], ['from-too-much', 'rejected'], ['from-logo', 'accepted']]);

    const changed = (await historyOf(order.id)).filter((entry) => entry.event === 'order.changed').map((entry) => entry.data);
    expect(changed).toEqual([
      objectWith({ changeId: 'from-raise', amount: '800000.00', previousAmount: '400000.00', previousReportingAmount: '400000.00', currency: 'CNY' }),
      objectWith({ changeId: 'from-too-much', amount: '4000000.00', previousAmount: '800000.00', previousReportingAmount: '800000.00' }),
      objectWith({ changeId: 'from-logo', amount: null, previousAmount: '800000.00', previousReportingAmount: '800000.00' }),
    ]);
  });
});

describe('the changes view says who moved each change on, and when', () => {
  it('names the last acknowledgement, the approver who approved and the director who rejected, with the instant of each', async () => {
    await enterOrder('SO-CH-WHO', 'credit', 400_000);
    expect((await change('SO-CH-WHO', { description: 'twice the quantity', amount: 800_000, changeId: 'who-raise' })).status).toBe(201);
    await acknowledgeAll('SO-CH-WHO');
    expect(await decide('SO-CH-WHO', 'vice-president', true)).toBe(200);
    expect((await change('SO-CH-WHO', { description: 'ten times the quantity', amount: 4_000_000, changeId: 'who-too-much' })).status).toBe(201);
    await acknowledgeAll('SO-CH-WHO');
    expect(await decide('SO-CH-WHO', 'sales-director', false)).toBe(200);
    expect((await change('SO-CH-WHO', { description: 'new logo', changeId: 'who-logo' })).status).toBe(201);
    await acknowledgeAll('SO-CH-WHO');

    const { changes } = await changesOf('SO-CH-WHO');
    const [raise, tooMuch, logo] = changes;
    expect(raise.settledBy!.map((step) => step.status)).toEqual(['acknowledged', 'approved']);
    expect(raise.settledBy![1]).toMatchObject({ by: 'vera', at: raise.settledAt });
    expect(tooMuch.settledBy!.map((step) => [step.status, step.status === 'rejected' ? step.by : 'acknowledger'])).toEqual([['acknowledged', 'acknowledger'], ['rejected', 'dirk']]);
    expect(tooMuch.settledBy![1].at).toBe(tooMuch.settledAt);
    expect(logo.settledBy!.map((step) => step.status)).toEqual(['acknowledged', 'accepted']);
    for (const one of changes) {
      const acknowledged = one.settledBy![0];
      expect(acknowledged.by, JSON.stringify(one.settledBy)).not.toBeNull();
      expect(['paul', 'pia', 'ines']).toContain(acknowledged.by);
      expect(Date.parse(acknowledged.at)).toBeGreaterThanOrEqual(Date.parse(one.requestedAt));
    }
  });
});

describe('the changes view lists every acknowledgement of each change', () => {
  const USER_OF: Record<string, string> = { procurement: 'paul', production: 'pia', inspection: 'ines' };

  it('names who acknowledged in each group and when, each change its own three, an open change those so far, and not a "not yet"', async () => {
    await enterOrder('SO-CH-ACKS', 'credit', 80_000);
    expect((await change('SO-CH-ACKS', { description: 'thicker packaging', changeId: 'acks-1' })).status).toBe(201);
    const tasks = await tasksOf('SO-CH-ACKS');
    const procurement = tasks.find((task) => task.candidateGroups[0] === 'procurement')!;
    // "not acknowledged yet": the task comes back, and it is no acknowledgement
    const notYet = await api.post(`/api/tasks/${encodeURIComponent(procurement.id)}/complete`, TOKENS.procurement, { variables: { acknowledged: false, comment: 'supplier not asked yet' } });
    expect(notYet.status, notYet.text).toBe(200);
    expect(await acknowledge(tasks.find((task) => task.candidateGroups[0] === 'production')!)).toBe(200);
    const open = (await changesOf('SO-CH-ACKS')).changes[0];
    expect(open.acknowledgedBy!.map((one) => [one.groups, one.by])).toEqual([[['production'], 'pia']]);

    const rest = (await tasksOf('SO-CH-ACKS')).filter((task) => ACKNOWLEDGERS.includes(task.candidateGroups[0]));
    expect(rest.map((task) => task.candidateGroups[0]).sort()).toEqual(['inspection', 'procurement']);
    for (const task of rest) expect(await acknowledge(task)).toBe(200);
    expect((await change('SO-CH-ACKS', { description: 'new colour', changeId: 'acks-2' })).status).toBe(201);
    await acknowledgeAll('SO-CH-ACKS');

    const { changes } = await changesOf('SO-CH-ACKS');
    expect(changes.map((one) => one.status)).toEqual(['accepted', 'accepted']);
    for (const one of changes) {
      const acknowledged = one.settledBy!.find((step) => step.status === 'acknowledged')!;
      expect(one.acknowledgedBy!.map((ack) => [ack.groups[0], ack.by]).sort(), one.changeId).toEqual(ACKNOWLEDGERS.map((group) => [group, USER_OF[group]]));
      for (const ack of one.acknowledgedBy!) {
        expect(ack.task).toMatch(/^UserTask_Acknowledge/);
        expect(ack.name).toMatch(/^Acknowledge special change/);
        expect(Date.parse(ack.at)).toBeGreaterThanOrEqual(Date.parse(one.requestedAt));
        expect(Date.parse(ack.at)).toBeLessThanOrEqual(Date.parse(acknowledged.at));
      }
      // the last acknowledgement is the one settledBy names
      expect(one.acknowledgedBy!.at(-1)!.by).toBe(acknowledged.by);
    }
  });

  it('lists only the acknowledgements of the change, not the order\'s own credit approval started (with its changeId) while it is open', async () => {
    await enterOrder('SO-CH-ACKS-APPROVAL', 'credit', 600_000, { specialChange: { description: 'paint in RAL 5015' } });
    const atEntry = new Set((await tasksOf('SO-CH-ACKS-APPROVAL')).map((task) => task.instanceId));
    expect((await change('SO-CH-ACKS-APPROVAL', { description: 'new logo', changeId: 'acks-approval' })).status).toBe(201);
    // the entry-time special change is acknowledged first, so the credit approval starts while the change is open
    await acknowledgeAll('SO-CH-ACKS-APPROVAL', (task) => atEntry.has(task.instanceId));
    expect(await decide('SO-CH-ACKS-APPROVAL', 'vice-president', true)).toBe(200);
    await acknowledgeAll('SO-CH-ACKS-APPROVAL');

    const [only] = (await changesOf('SO-CH-ACKS-APPROVAL')).changes;
    expect(only.status).toBe('accepted');
    expect(only.acknowledgedBy!.map((ack) => [ack.groups[0], ack.by]).sort()).toEqual(ACKNOWLEDGERS.map((group) => [group, USER_OF[group]]));
  });
});

describe('a changed amount is approved again when its tier rises', () => {
  it('asks the director and the vice-president when 400,000 approved automatically grows to 1,200,000, before planning continues', async () => {
    const order = await enterOrder('SO-CH-RAISE', 'credit', 400_000);
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    const answer = await change('SO-CH-RAISE', { description: 'twice the quantity', amount: 1_200_000 });
    expect(answer.body.change).toMatchObject({ amount: '1200000.00', reportingAmount: '1200000.00', status: 'open' });
    await acknowledgeAll('SO-CH-RAISE');
    expect((await changesOf('SO-CH-RAISE')).changes[0].status).toBe('acknowledged');
    expect(await fetchJobs('procurement-planning', 'SO-CH-RAISE')).toEqual([]);

    expect(await decide('SO-CH-RAISE', 'sales-director', true)).toBe(200);
    expect(await fetchJobs('procurement-planning', 'SO-CH-RAISE')).toEqual([]);
    expect(await decide('SO-CH-RAISE', 'vice-president', true)).toBe(200);
    const order2 = await changesOf('SO-CH-RAISE');
    expect(order2).toMatchObject({ amount: '1200000.00', reportingAmount: '1200000.00', changes: [objectWith({ status: 'approved' })] });
    expect(await work([...PLANNING, 'shipping'], 'SO-CH-RAISE')).toEqual([...PLANNING, 'shipping']);

    // the order as entered never changed: the approved amount is the change's
    const view = await instance(order.id);
    expect(view.variables).toMatchObject({ amount: 400_000, reportingAmount: 400_000 });
    expect(view.history.map((entry) => entry.event)).toEqual(arrayWith(['order.changed', 'order.change-acknowledged', 'order.change-approved']));
  });

  it('leaves the order as approved when the director rejects the raised amount; the change is marked rejected and the order goes on', async () => {
    const order = await enterOrder('SO-CH-REJECT', 'credit', 400_000);
    await change('SO-CH-REJECT', { description: 'twice the quantity', amount: 1_200_000 });
    await acknowledgeAll('SO-CH-REJECT');
    expect(await decide('SO-CH-REJECT', 'sales-director', false)).toBe(200);
    expect(await changesOf('SO-CH-REJECT')).toMatchObject({ amount: '400000.00', changes: [objectWith({ status: 'rejected', open: false })] });
    expect((await instance(order.id)).status).toBe('running');
    expect(await work(PLANNING, 'SO-CH-REJECT')).toEqual(PLANNING);
  });

  it('settles a raise approved after the order\'s own approval ended: that approval hands back the changeId it started with, an earlier change\'s', async () => {
    const entered = await enterOrder('SO-CH-STALE', 'credit', 600_000, { specialChange: { description: 'paint in RAL 5015' } });
    const atEntry = new Set((await tasksOf('SO-CH-STALE')).map((task) => task.instanceId));
    // a first change is handled while the special change of the entry is still being acknowledged
    expect((await change('SO-CH-STALE', { description: 'new logo', changeId: 'first' })).status).toBe(201);
    await acknowledgeAll('SO-CH-STALE', (task) => !atEntry.has(task.instanceId));
    // so the order's own approval starts with changeId "first" among the variables it will hand back
    await acknowledgeAll('SO-CH-STALE', (task) => atEntry.has(task.instanceId));
    expect((await change('SO-CH-STALE', { description: 'ten times the quantity', amount: 5_000_000, changeId: 'raise' })).status).toBe(201);
    await acknowledgeAll('SO-CH-STALE');
    expect(await decide('SO-CH-STALE', 'vice-president', true)).toBe(200); // the order as entered: 600,000
    expect(await decide('SO-CH-STALE', 'sales-director', true)).toBe(200); // the raise
    expect(await decide('SO-CH-STALE', 'vice-president', true)).toBe(200);

    expect(await changesOf('SO-CH-STALE')).toMatchObject({
      amount: '5000000.00', changes: [objectWith({ changeId: 'first', status: 'accepted' }), objectWith({ changeId: 'raise', status: 'approved', open: false })],
    });
    const history = await historyOf(entered.id);
    expect(history.filter((entry) => entry.event === 'order.change-approved').map((entry) => entry.data?.changeId)).toEqual(['raise']);
    expect(await work([...PLANNING, 'shipping'], 'SO-CH-STALE')).toEqual([...PLANNING, 'shipping']);
  });

  it('needs no approval for a lower amount', async () => {
    const order = await enterOrder('SO-CH-LOWER', 'credit', 400_000);
    await change('SO-CH-LOWER', { description: 'half the quantity', amount: 300_000 });
    await acknowledgeAll('SO-CH-LOWER');
    expect(await tasksOf('SO-CH-LOWER')).toEqual([]);
    expect(await changesOf('SO-CH-LOWER')).toMatchObject({ amount: '300000.00', changes: [objectWith({ status: 'accepted' })] });
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    expect(await work(PLANNING, 'SO-CH-LOWER')).toEqual(PLANNING);
  });

  it('keeps prepaid orders exempt: a raised amount is acknowledged and paid for, never approved', async () => {
    const order = await enterOrder('SO-CH-PREPAID', 'prepaid-at-entry', 400_000);
    await change('SO-CH-PREPAID', { description: 'twice the quantity', amount: 1_200_000 });
    await acknowledgeAll('SO-CH-PREPAID');
    expect(await tasksOf('SO-CH-PREPAID')).toEqual([]);
    // in force once paid: the order's one payment, still outstanding, pays for it as it now stands
    expect(await changesOf('SO-CH-PREPAID')).toMatchObject({ amount: '400000.00', changes: [objectWith({ status: 'acknowledged' })] });
    expect((await message('PaymentReceived', 'SO-CH-PREPAID')).status).toBe(200);
    expect(await changesOf('SO-CH-PREPAID')).toMatchObject({ amount: '1200000.00', changes: [objectWith({ status: 'accepted' })] });
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
  });

  it('never lets the payment of the old amount pay a raise: a payment resent with its reference after the raise is a duplicate, on every route', async () => {
    const order = await enterOrder('SO-CH-RESEND', 'prepaid-at-entry', 400_000);
    // the bank's payment, with its reference, and kept no longer than it takes to deliver it
    const paid = await api.post<MessageResult>('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-CH-RESEND', messageId: 'BANK-7781', timeToLive: 0 });
    expect(paid.status, paid.text).toBe(200);
    expect(await jobTypesOf(order.id)).toEqual(PLANNING);
    await change('SO-CH-RESEND', { description: 'three times the quantity', amount: 1_200_000 });
    await acknowledgeAll('SO-CH-RESEND');

    // the bank resends the first payment after the raise was requested: it pays nothing
    const resent = await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-CH-RESEND', messageId: 'BANK-7781' });
    expect(resent.status, resent.text).toBe(409);
    expect(problemOf(resent)).toMatchObject({ type: `${PROBLEM}duplicate-message`, messageId: 'BANK-7781', first: objectWith({ state: 'delivered', expiresAt: null }) });
    const viaZeebe = await api.post('/v2/messages/publication', TOKENS.erp, { name: 'PaymentReceived', correlationKey: 'SO-CH-RESEND', messageId: 'BANK-7781' });
    expect(viaZeebe.status, viaZeebe.text).toBe(409);
    expect(await changesOf('SO-CH-RESEND')).toMatchObject({ amount: '400000.00', changes: [objectWith({ status: 'acknowledged' })] });
    expect(await fetchJobs('procurement-planning', 'SO-CH-RESEND')).toEqual([]);
    expect((await historyOf(order.id)).filter((entry) => entry.event === 'message.duplicate')).toHaveLength(2);

    // a payment of its own pays the raise
    expect((await api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-CH-RESEND', messageId: 'BANK-7790' })).status).toBe(200);
    expect(await changesOf('SO-CH-RESEND')).toMatchObject({ amount: '1200000.00', changes: [objectWith({ status: 'accepted' })] });
  });

  it('refuses an amount with more decimals than the order\'s currency has (422 naming /amount)', async () => {
    await enterOrder('SO-CH-CENTS', 'credit', 80_000);
    const refused = await change('SO-CH-CENTS', { description: 'odd price', amount: 1000.125 });
    expect(refused.status).toBe(422);
    expect(problemOf(refused).errors).toEqual([objectWith({ field: '/amount' })]);
    expect((await changesOf('SO-CH-CENTS')).changes).toEqual([]);
  });
});

describe('changes are requested once and only through the route', () => {
  it('answers the same changeId twice with the recorded change (200), and refuses it with another body (409)', async () => {
    const order = await enterOrder('SO-CH-IDEM', 'credit', 80_000);
    const first = await change('SO-CH-IDEM', { description: 'new logo', changeId: 'crm-7' });
    const again = await change('SO-CH-IDEM', { description: 'new logo', changeId: 'crm-7' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ created: false, change: { changeId: 'crm-7', seq: 1 } });
    const other = await change('SO-CH-IDEM', { description: 'another logo', changeId: 'crm-7' });
    expect(other.status).toBe(409);
    expect(problemOf(other)).toMatchObject({ type: `${PROBLEM}change-exists`, reason: 'change-exists', changeId: 'crm-7' });
    expect(await tasksOf('SO-CH-IDEM')).toHaveLength(3);
    expect((await historyOf(order.id)).filter((entry) => entry.event === 'order.changed')).toHaveLength(1);
  });

  it('refuses a changeId of one or two dots (422 naming /changeId), whose Location a URL resolves to the changes or the order itself, and records nothing', async () => {
    const order = await enterOrder('SO-CH-DOTS', 'credit', 80_000);
    for (const changeId of ['.', '..']) {
      const refused = await change('SO-CH-DOTS', { description: 'new logo', changeId });
      expect(refused.status, changeId).toBe(422);
      expect(problemOf(refused).errors).toEqual([objectWith({ field: '/changeId', message: expect.stringContaining('relative segment') as unknown })]);
    }
    expect((await changesOf('SO-CH-DOTS')).changes).toEqual([]);
    expect((await historyOf(order.id)).filter((entry) => entry.event.startsWith('order.change') || entry.event === 'change.refused')).toEqual([]);
    // dots within a changeId name it as any other characters do
    const dotted = await change('SO-CH-DOTS', { description: 'new logo', changeId: '...' });
    expect([dotted.status, dotted.headers.get('location')]).toEqual([201, '/api/orders/SO-CH-DOTS/changes/...']);
  });

  it('names the recorded change in Location (201) and Content-Location (200 for a repeat), a URL that answers the change', async () => {
    await enterOrder('SO/CH-LOC', 'credit', 80_000);
    const first = await change(encodeURIComponent('SO/CH-LOC'), { description: 'new logo', changeId: 'crm 8/1' });
    expect(first.status, first.text).toBe(201);
    const location = first.headers.get('location');
    expect(location).toBe('/api/orders/SO%2FCH-LOC/changes/crm%208%2F1');
    const again = await change(encodeURIComponent('SO/CH-LOC'), { description: 'new logo', changeId: 'crm 8/1' });
    expect([again.status, again.headers.get('content-location'), again.headers.get('location')]).toEqual([200, location, null]);
    const read = await api.get<OrderChangesView['changes'][number]>(location!, TOKENS.vp);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toEqual(first.body.change);
    // a change the engine named: its UUID
    const named = await change(encodeURIComponent('SO/CH-LOC'), { description: 'thicker packaging' });
    expect(named.headers.get('location')).toBe(`/api/orders/SO%2FCH-LOC/changes/${named.body.change.changeId}`);
    expect((await api.get(`/api/orders/SO%2FCH-LOC/changes/crm-none`, TOKENS.vp)).status).toBe(404);
    expect((await api.get('/api/orders/SO-NONE/changes/crm-7', TOKENS.vp)).status).toBe(404);
  });

  it('refuses OrderChanged from a client: only the engine sends it (403)', async () => {
    await enterOrder('SO-CH-FORGED', 'credit', 80_000);
    const forged = await message('OrderChanged', 'SO-CH-FORGED', { change: { changeId: 'x', description: 'y', reportingAmount: 1, approvedReportingAmount: 1 } });
    expect(forged.status).toBe(403);
    expect(await tasksOf('SO-CH-FORGED')).toEqual([]);
  });

  it('answers 404 for an unknown order, and refuses the route to other callers than integration (403)', async () => {
    expect((await change('SO-CH-NONE', { description: 'x' })).status).toBe(404);
    expect((await api.post('/api/orders/SO-CH-NONE/changes', TOKENS.procurement, { description: 'x' })).status).toBe(403);
  });
});

describe('an open change cannot be walked around', () => {
  it('refuses to complete a shipping job locked before the change, or completed by its id unfetched, until the change is acknowledged (409 order-change-open)', async () => {
    const order = await enterOrder('SO-CH-LOCKED', 'credit', 80_000);
    expect(await work(PLANNING, 'SO-CH-LOCKED')).toEqual(PLANNING);
    const [shipping] = await fetchJobs('shipping', 'SO-CH-LOCKED', 60_000);
    expect(shipping).toBeDefined();
    expect((await change('SO-CH-LOCKED', { description: 'different labels', changeId: 'late-1' })).status).toBe(201);

    const byWorker = await api.post(`/api/jobs/${encodeURIComponent(shipping.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'changes-worker' });
    expect(byWorker.status).toBe(409);
    expect(problemOf(byWorker)).toMatchObject({ type: `${PROBLEM}order-change-open`, reason: 'order-change-open', businessKey: 'SO-CH-LOCKED', changeId: 'late-1' });
    expect(problemOf(byWorker).detail).toMatch(/open change late-1 \(open\)/);
    const byId = await api.post(`/api/jobs/${encodeURIComponent(shipping.id)}/complete`, TOKENS.erp, { variables: {} });
    expect(byId.status).toBe(409);
    const thrown = await api.post(`/api/jobs/${encodeURIComponent(shipping.id)}/bpmn-error`, TOKENS.erp, { errorCode: 'NOT_SHIPPED' });
    expect(thrown.status).toBe(409);
    expect((await instance(order.id)).history.filter((entry) => entry.event === 'job.completed' && entry.data?.jobType === 'shipping')).toEqual([]);

    await acknowledgeAll('SO-CH-LOCKED');
    const shipped = await api.post(`/api/jobs/${encodeURIComponent(shipping.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'changes-worker' });
    expect(shipped.status, shipped.text).toBe(200);
    expect((await instance(order.id)).status).toBe('completed');
  });

  it('keeps shipping closed on every route until the director and the vice-president approved a raised amount', async () => {
    const order = await enterOrder('SO-CH-RAISE-SHIP', 'credit', 400_000);
    expect(await work(PLANNING, 'SO-CH-RAISE-SHIP')).toEqual(PLANNING);
    const shippingJob = (await instance(order.id)).waiting.find((wait) => wait.jobType === 'shipping');
    expect(shippingJob).toBeDefined();
    await change('SO-CH-RAISE-SHIP', { description: 'three times the quantity', amount: 1_200_000 });
    await acknowledgeAll('SO-CH-RAISE-SHIP');

    const shut = async () => {
      expect(await fetchJobs('shipping', 'SO-CH-RAISE-SHIP')).toEqual([]);
      expect((await api.post(`/api/jobs/${encodeURIComponent(shippingJob!.jobId!)}/complete`, TOKENS.erp, { variables: {} })).status).toBe(409);
      // a message cannot stand in for the approval: OrderChanged is the engine's, and no other message moves the change loop
      expect((await message('OrderChanged', 'SO-CH-RAISE-SHIP', { change: { changeId: 'forged', description: 'x', reportingAmount: 1, approvedReportingAmount: 2_000_000 } })).status).toBe(403);
    };
    await shut();
    // the approvers' tasks are theirs: integration, the other approver and the acknowledgers are refused
    const [directorTask] = (await tasksOf('SO-CH-RAISE-SHIP')).filter((task) => task.candidateGroups.includes('sales-director'));
    for (const token of [TOKENS.erp, TOKENS.vp, TOKENS.procurement]) {
      expect((await api.post(`/api/tasks/${encodeURIComponent(directorTask.id)}/complete`, token, { variables: { approved: true } })).status).toBe(403);
    }
    await shut();
    expect(await decide('SO-CH-RAISE-SHIP', 'sales-director', true)).toBe(200);
    await shut();
    expect(await decide('SO-CH-RAISE-SHIP', 'vice-president', true)).toBe(200);
    expect(await work(['shipping'], 'SO-CH-RAISE-SHIP')).toEqual(['shipping']);
    expect((await instance(order.id)).status).toBe('completed');
  });

  it('lets only the acknowledging group acknowledge, and reads changes for any signed-in user but nobody anonymous', async () => {
    await enterOrder('SO-CH-ROLES', 'credit', 80_000);
    await change('SO-CH-ROLES', { description: 'matt finish' });
    const procurementTask = (await tasksOf('SO-CH-ROLES')).find((task) => task.candidateGroups.includes('procurement'))!;
    for (const token of [TOKENS.production, TOKENS.erp, TOKENS.director]) {
      expect((await api.post(`/api/tasks/${encodeURIComponent(procurementTask.id)}/complete`, token, { variables: { acknowledged: true } })).status).toBe(403);
    }
    expect((await changesOf('SO-CH-ROLES')).changes[0].status).toBe('open');
    for (const token of [TOKENS.director, TOKENS.designer, TOKENS.vp]) {
      expect((await api.post('/api/orders/SO-CH-ROLES/changes', token, { description: 'x' })).status).toBe(403);
    }
    expect((await api.get('/api/orders/SO-CH-ROLES/changes', TOKENS.procurement)).status).toBe(200);
    expect((await api.request('GET', '/api/orders/SO-CH-ROLES/changes', {})).status).toBe(401);
  });

  it('refuses a change to an order whose process version has no change loop (409 order-not-changeable), instead of holding it for ever', async () => {
    // a version of the order process that listens for another message: the orders it starts cannot take OrderChanged
    const xml = readFileSync(`${DIAGRAMS_DIR}sales-order-management.bpmn`, 'utf8').replace('name="OrderChanged"', 'name="OrderAmended"');
    const deployed = await api.request('POST', '/api/deployments?name=sales-order-management.bpmn&note=no%20change%20loop', {
      token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' },
    });
    expect(deployed.status, deployed.text).toBeLessThan(300);
    const order = await enterOrder('SO-CH-OLD', 'credit', 80_000);
    const refused = await change('SO-CH-OLD', { description: 'new logo' });
    expect(refused.status).toBe(409);
    expect(problemOf(refused)).toMatchObject({ type: `${PROBLEM}order-not-changeable`, reason: 'order-not-changeable', instanceId: order.id });
    expect((await changesOf('SO-CH-OLD')).changes).toEqual([]);
    expect(await work(PLANNING, 'SO-CH-OLD')).toEqual(PLANNING);
  });
});

// helpers

/** `more`: further fields of the order (a special change). */
async function enterOrder(orderNo: string, paymentTerms: string, amount: number, more: Record<string, unknown> = {}) {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms, ...more });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

function change(orderNo: string, body: Record<string, unknown>) {
  return api.post<OrderChangeResult>(`/api/orders/${orderNo}/changes`, TOKENS.erp, body);
}

async function changesOf(orderNo: string) {
  const response = await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

function message(name: string, businessKey: string, variables?: Record<string, unknown>) {
  return api.post<MessageResult>('/api/messages', TOKENS.erp, { name, businessKey, ...(variables && { variables }) });
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

function taskGroupsIn(waiting: { type: string; candidateGroups?: string[] }[]): string[] {
  return waiting.filter((wait) => wait.type === 'task').map((wait) => wait.candidateGroups![0]).sort();
}

async function tasksOf(orderNo: string): Promise<{ id: string; instanceId: string; candidateGroups: string[] }[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
}

const TOKEN_OF: Record<string, string> = {
  procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection,
  'sales-director': TOKENS.director, 'vice-president': TOKENS.vp,
};

async function acknowledge(task: { id: string; candidateGroups: string[] }): Promise<number> {
  const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKEN_OF[task.candidateGroups[0]], { variables: { acknowledged: true } });
  return response.status;
}

/** `which`: the acknowledgements of one special change, where the order has two open. */
async function acknowledgeAll(orderNo: string, which: (task: { instanceId: string }) => boolean = () => true) {
  const tasks = (await tasksOf(orderNo)).filter((task) => ACKNOWLEDGERS.includes(task.candidateGroups[0]) && which(task));
  expect(tasks).toHaveLength(3);
  for (const task of tasks) expect(await acknowledge(task)).toBe(200);
}

/** The approver of `group` decides the order's one open task of that group. */
async function decide(orderNo: string, group: string, approved: boolean): Promise<number> {
  const tasks = (await tasksOf(orderNo)).filter((task) => task.candidateGroups.includes(group));
  expect(tasks).toHaveLength(1);
  const response = await api.post(`/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, TOKEN_OF[group], { variables: { approved, ...(!approved && { comment: 'Credit limit exceeded.' }) } });
  expect(response.status, response.text).toBe(200);
  return response.status;
}

/** Fetches the order's jobs of `type`; other orders' jobs it locks are left alone (each test has its own orders). */
async function fetchJobs(type: string, businessKey: string, lockMs = 1000) {
  const response = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'changes-worker', max: 100, lockMs });
  expect(response.status, response.text).toBe(200);
  return response.body.filter((job) => job.businessKey === businessKey);
}

async function work(types: string[], businessKey: string): Promise<string[]> {
  const done: string[] = [];
  for (const type of types) {
    for (const job of await fetchJobs(type, businessKey)) {
      const completed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'changes-worker' });
      expect(completed.status, completed.text).toBe(200);
      done.push(type);
    }
  }
  return done;
}
