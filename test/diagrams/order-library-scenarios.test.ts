// The shipped order library run end to end on the runtime, one scenario per
// business rule of DESIGN.md ("Conditions and rules"): orders enter
// order-to-cash exactly as POST /api/orders starts them, approvers complete
// their tasks, workers complete their jobs, systems send messages.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Actor, type InstanceView, type OrderEntry, type Stratum, type TaskView } from '../../engine/index.js';
import { SAMPLE_RATES } from '../support/stratum-fixture.js';

const DIAGRAMS = fileURLToPath(new URL('../../diagrams/', import.meta.url));
const PLANNING = ['procurement-planning', 'production-planning'];

let stratum: Stratum;

beforeEach(async () => {
  stratum = await openStratum({ store: await openStore({ dataDir: ':memory:' }), orderEntry: { rates: SAMPLE_RATES } });
  const files = readdirSync(DIAGRAMS)
    .filter((name) => name.endsWith('.bpmn'))
    .map((name) => ({ name, xml: readFileSync(DIAGRAMS + name, 'utf8') }));
  await stratum.library.deploy(files, { user: 'designer' });
});

afterEach(async () => {
  await stratum.close();
});

// helpers

let orderCount = 0;

interface Order {
  amount: number;
  paymentTerms: 'credit' | 'prepaid-at-entry' | 'prepaid-at-shipment';
  specialChange?: { description: string } | null;
}

/** Enters an order the way POST /api/orders does, in the reporting currency (CNY) so the amount is what the thresholds compare. */
async function enterOrder(order: Order): Promise<{ id: string; orderNo: string }> {
  const orderNo = `SO-${++orderCount}`;
  const entry: OrderEntry = { orderNo, customer: { name: 'Acme Corp' }, currency: 'CNY', specialChange: null, ...order };
  const { instance } = await stratum.runtime.enterOrder(entry, { user: 'erp' });
  return { id: instance.id, orderNo };
}

const erp: Actor = { name: 'erp', groups: ['integration'] };
const actorFor = (task: TaskView): Actor => ({ name: `${task.candidateGroups[0]}-user`, groups: task.candidateGroups });

async function openTasks(orderNo: string): Promise<TaskView[]> {
  return stratum.runtime.findTasks({ businessKey: orderNo });
}

/** The one open task of the order; fails when there is none or more than one. */
async function onlyTask(orderNo: string): Promise<TaskView> {
  const tasks = await openTasks(orderNo);
  expect(tasks.map((task) => task.name)).toHaveLength(1);
  return tasks[0];
}

async function decide(task: TaskView, approved: boolean): Promise<void> {
  await stratum.runtime.completeTask(task.id, { approved, comment: approved ? 'fine' : 'too risky' }, actorFor(task));
}

/** Locks and completes every job of these types; returns the types it found, sorted. */
async function workJobs(types: string[], orderNo: string): Promise<string[]> {
  const done: string[] = [];
  for (const type of types) {
    for (const job of await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 10 })) {
      expect(job.businessKey).toBe(orderNo);
      await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
      done.push(job.type);
    }
  }
  return done.sort();
}

async function jobsWaiting(type: string): Promise<number> {
  // a short lock so that a later fetch in the same scenario sees the job again
  const jobs = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'peek', lockMs: 1, max: 10 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  return jobs.length;
}

/** Planning, then shipping: what every order that goes on does. */
async function planAndShip(orderNo: string): Promise<void> {
  expect(await workJobs(PLANNING, orderNo)).toEqual(PLANNING);
  expect(await workJobs(['shipping'], orderNo)).toEqual(['shipping']);
}

async function instance(id: string): Promise<InstanceView> {
  const view = await stratum.runtime.getInstance(id);
  if (!view) throw new Error(`instance ${id} not found`);
  return view;
}

/** The messages the order waits for, anywhere in its call tree. */
async function messagesAwaited(id: string): Promise<string[]> {
  const waiting = (await instance(id)).waiting;
  return waiting.filter((wait) => wait.type === 'message').map((wait) => wait.message ?? '').sort();
}

async function expectFulfilled(id: string): Promise<void> {
  const view = await instance(id);
  expect(view.incident).toBeNull();
  expect(view.status).toBe('completed');
  expect(view.variables.orderStatus).toBe('fulfilled');
  expect(view.waiting).toEqual([]);
}

async function expectRejected(id: string, orderNo: string): Promise<void> {
  const view = await instance(id);
  expect(view.incident).toBeNull();
  expect(view.status).toBe('rejected');
  expect(view.variables.orderStatus).toBe('rejected');
  expect(view.waiting).toEqual([]);
  expect(await openTasks(orderNo)).toEqual([]);
  expect(await jobsWaiting('procurement-planning')).toBe(0);
  expect(await jobsWaiting('shipping')).toBe(0);
}

describe('the shipped library', () => {
  it('deploys as order-to-cash (level 1) → sales-order-management (level 2) → four level-3 processes', async () => {
    const levels = Object.fromEntries((await stratum.library.list()).map((p) => [p.key, p.level]));
    expect(levels).toEqual({
      'order-to-cash': 1,
      'sales-order-management': 2,
      'credit-order-approval': 3,
      'prepaid-entry-control': 3,
      'prepaid-shipment-control': 3,
      'special-change-notification': 3,
    });
  });
});

describe('credit orders: tiered approval', () => {
  it('approves a 500,000 credit order automatically and releases it to planning at once', async () => {
    const { id, orderNo } = await enterOrder({ amount: 500_000, paymentTerms: 'credit' });
    expect(await openTasks(orderNo)).toEqual([]);
    await planAndShip(orderNo);
    await expectFulfilled(id);
    expect((await instance(id)).variables.approved).toBe(true);
  });

  it('routes a 500,000.01 credit order to vice-president review only', async () => {
    const { id, orderNo } = await enterOrder({ amount: 500_000.01, paymentTerms: 'credit' });
    const review = await onlyTask(orderNo);
    expect(review.name).toBe('Review order (vice-president)');
    expect(review.candidateGroups).toEqual(['vice-president']);
    expect(await jobsWaiting('procurement-planning')).toBe(0);
    await decide(review, true);
    await planAndShip(orderNo);
    await expectFulfilled(id);
  });

  it('routes a 1,000,000 credit order to vice-president review only ("more than" is strict)', async () => {
    const { orderNo } = await enterOrder({ amount: 1_000_000, paymentTerms: 'credit' });
    expect((await onlyTask(orderNo)).candidateGroups).toEqual(['vice-president']);
  });

  it('routes a 1,000,000.01 credit order to the sales director, then to vice-president review', async () => {
    const { id, orderNo } = await enterOrder({ amount: 1_000_000.01, paymentTerms: 'credit' });
    const approval = await onlyTask(orderNo);
    expect(approval.name).toBe('Approve order (sales director)');
    expect(approval.candidateGroups).toEqual(['sales-director']);
    await decide(approval, true);

    const review = await onlyTask(orderNo);
    expect(review.candidateGroups).toEqual(['vice-president']);
    expect(await jobsWaiting('procurement-planning')).toBe(0);
    await decide(review, true);
    await planAndShip(orderNo);
    await expectFulfilled(id);
  });

  it('lets only the named group decide: a sales director cannot complete the vice-president review', async () => {
    const { orderNo } = await enterOrder({ amount: 750_000, paymentTerms: 'credit' });
    const review = await onlyTask(orderNo);
    await expect(
      stratum.runtime.completeTask(review.id, { approved: true }, { name: 'sam', groups: ['sales-director'] }),
    ).rejects.toThrow();
    expect((await onlyTask(orderNo)).id).toBe(review.id);
  });

  it('rejects the order when the sales director rejects it, without asking the vice-president', async () => {
    const { id, orderNo } = await enterOrder({ amount: 2_000_000, paymentTerms: 'credit' });
    await decide(await onlyTask(orderNo), false);
    await expectRejected(id, orderNo);
  });

  it('rejects the order when the vice-president rejects it', async () => {
    const { id, orderNo } = await enterOrder({ amount: 2_000_000, paymentTerms: 'credit' });
    await decide(await onlyTask(orderNo), true);
    await decide(await onlyTask(orderNo), false);
    await expectRejected(id, orderNo);
  });
});

describe('prepaid orders: exempt from multi-level approval, controlled by payment', () => {
  it('holds a 5,000,000 order prepaid at entry back from planning until PaymentReceived, with no approval', async () => {
    const { id, orderNo } = await enterOrder({ amount: 5_000_000, paymentTerms: 'prepaid-at-entry' });
    expect(await openTasks(orderNo)).toEqual([]);
    expect(await jobsWaiting('procurement-planning')).toBe(0);
    expect(await jobsWaiting('production-planning')).toBe(0);
    expect(await messagesAwaited(id)).toEqual(['OrderChanged', 'PaymentReceived']);

    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: orderNo });
    await planAndShip(orderNo);
    await expectFulfilled(id);
  });

  it('releases a 5,000,000 order prepaid at shipment to planning at once, with no approval', async () => {
    const { orderNo } = await enterOrder({ amount: 5_000_000, paymentTerms: 'prepaid-at-shipment' });
    expect(await openTasks(orderNo)).toEqual([]);
    expect(await workJobs(PLANNING, orderNo)).toEqual(PLANNING);
  });

  it('does not ship an order prepaid at shipment on the shipment request alone: it waits for the payment', async () => {
    const { id, orderNo } = await enterOrder({ amount: 80_000, paymentTerms: 'prepaid-at-shipment' });
    await workJobs(PLANNING, orderNo);
    await stratum.runtime.correlateMessage({ name: 'ShipmentRequested', businessKey: orderNo });
    expect(await jobsWaiting('shipping')).toBe(0);
    expect(await messagesAwaited(id)).toEqual(['OrderChanged', 'PaymentReceived']);

    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: orderNo });
    expect(await workJobs(['shipping'], orderNo)).toEqual(['shipping']);
    await expectFulfilled(id);
  });

  it('does not ship an order prepaid at shipment on the payment alone: it waits for the shipment request', async () => {
    const { id, orderNo } = await enterOrder({ amount: 80_000, paymentTerms: 'prepaid-at-shipment' });
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: orderNo });
    await workJobs(PLANNING, orderNo);
    expect(await jobsWaiting('shipping')).toBe(0);

    await stratum.runtime.correlateMessage({ name: 'ShipmentRequested', businessKey: orderNo });
    expect(await workJobs(['shipping'], orderNo)).toEqual(['shipping']);
    await expectFulfilled(id);
  });
});

describe('special change', () => {
  it('has procurement, production and inspection acknowledge a special change before the order goes on', async () => {
    const { id, orderNo } = await enterOrder({
      amount: 1_200_000,
      paymentTerms: 'credit',
      specialChange: { description: 'paint in RAL 5015' },
    });
    const acknowledgements = await openTasks(orderNo);
    expect(acknowledgements.map((task) => task.candidateGroups.join()).sort()).toEqual(['inspection', 'procurement', 'production']);

    for (const task of acknowledgements.slice(0, 2)) await stratum.runtime.completeTask(task.id, {}, actorFor(task));
    const [last] = await openTasks(orderNo);
    expect(last.id).toBe(acknowledgements[2].id);
    await stratum.runtime.completeTask(last.id, {}, actorFor(last));

    // only now does the order go on: here, to the sales director (more than 1,000,000 on credit)
    const approval = await onlyTask(orderNo);
    expect(approval.candidateGroups).toEqual(['sales-director']);
    await decide(approval, true);
    await decide(await onlyTask(orderNo), true);
    await planAndShip(orderNo);
    await expectFulfilled(id);
  });

  it('skips the notification when the order has no special change', async () => {
    const { id, orderNo } = await enterOrder({ amount: 100, paymentTerms: 'credit', specialChange: null });
    expect(await openTasks(orderNo)).toEqual([]);
    await planAndShip(orderNo);
    await expectFulfilled(id);
  });
});
