// The shipped order library's business rules, driven through the engine API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepEvent } from '../../../engine/api.js';
import { director, enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { anyText, arrayWith, objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

async function tasksFor(orderNo: string) {
  return runtime().findTasks({ businessKey: orderNo });
}

async function jobTypesFor(orderNo: string) {
  const view = (await runtime().findInstances({ businessKey: orderNo, processKey: 'order-to-cash' })).items[0];
  const instance = await runtime().getInstance(view.id);
  return instance!.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort();
}

async function completeJobs(type: string, orderNo: string) {
  const jobs = await runtime().fetchAndLockJobs({ type, workerId: 'erp', max: 10 });
  const mine = jobs.filter((job) => job.businessKey === orderNo);
  for (const job of mine) await runtime().completeJob(job.id, {}, erp, 'erp');
  return mine.length;
}

async function decide(orderNo: string, group: string, approved: boolean) {
  const tasks = (await tasksFor(orderNo)).filter((task) => task.candidateGroups.includes(group));
  expect(tasks, `one open task for ${group}`).toHaveLength(1);
  const actor = { name: group, groups: [group] };
  return runtime().completeTask(tasks[0].id, { approved, comment: approved ? 'ok' : 'too risky' }, actor);
}

async function acknowledge(orderNo: string, group: string) {
  const tasks = (await tasksFor(orderNo)).filter((task) => task.candidateGroups.includes(group));
  expect(tasks, `one open task for ${group}`).toHaveLength(1);
  return runtime().completeTask(tasks[0].id, { acknowledged: true }, { name: group, groups: [group] });
}

async function fulfil(orderNo: string) {
  expect(await completeJobs('procurement-planning', orderNo)).toBe(1);
  expect(await completeJobs('production-planning', orderNo)).toBe(1);
  expect(await completeJobs('shipping', orderNo)).toBe(1);
}

describe('tiered approval of credit orders', () => {
  it('approves a 500,000 credit order automatically and releases it to planning', async () => {
    const { instance } = await enter(runtime(), order('T-500000', 500_000));
    expect(await tasksFor('T-500000')).toEqual([]);
    expect(await jobTypesFor('T-500000')).toEqual(['procurement-planning', 'production-planning']);
    expect(instance.status).toBe('running');
  });

  it('routes a 500,000.01 credit order to the vice-president only', async () => {
    await enter(runtime(), order('T-500000.01', 500_000.01));
    const tasks = await tasksFor('T-500000.01');
    expect(tasks.map((task) => task.candidateGroups)).toEqual([['vice-president']]);
  });

  it('routes a 1,000,000 credit order to the vice-president only', async () => {
    await enter(runtime(), order('T-1000000', 1_000_000));
    expect((await tasksFor('T-1000000')).map((task) => task.candidateGroups)).toEqual([['vice-president']]);
  });

  it('routes a 1,000,000.01 credit order to the sales director, then the vice-president', async () => {
    await enter(runtime(), order('T-1000000.01', 1_000_000.01));
    expect((await tasksFor('T-1000000.01')).map((task) => task.candidateGroups)).toEqual([['sales-director']]);
    await decide('T-1000000.01', 'sales-director', true);
    expect((await tasksFor('T-1000000.01')).map((task) => task.candidateGroups)).toEqual([['vice-president']]);
    await decide('T-1000000.01', 'vice-president', true);
    expect(await tasksFor('T-1000000.01')).toEqual([]);
    expect(await jobTypesFor('T-1000000.01')).toEqual(['procurement-planning', 'production-planning']);
    await fulfil('T-1000000.01');
    const done = (await runtime().findInstances({ businessKey: 'T-1000000.01', processKey: 'order-to-cash' })).items[0];
    expect(done.status).toBe('completed');
  });

  it('ends the order as rejected when the sales director rejects it', async () => {
    const { instance } = await enter(runtime(), order('R-DIR', 2_000_000));
    const after = await decide('R-DIR', 'sales-director', false);
    expect(after.id).toBe(instance.id);
    expect(after.status).toBe('rejected');
    expect(after.waiting).toEqual([]);
    expect(await runtime().findTasks({ businessKey: 'R-DIR' })).toEqual([]);
  });

  it('ends the order as rejected when the vice-president rejects it', async () => {
    await enter(runtime(), order('R-VP', 750_000));
    const after = await decide('R-VP', 'vice-president', false);
    expect(after.status).toBe('rejected');
    expect(await jobTypesFor('R-VP')).toEqual([]);
  });
});

describe('prepaid orders', () => {
  it('exempts a 5,000,000 prepaid order from any approval', async () => {
    await enter(runtime(), order('P-BIG', 5_000_000, 'prepaid-at-entry'));
    expect(await tasksFor('P-BIG')).toEqual([]);
    await enter(runtime(), order('P-BIG-2', 5_000_000, 'prepaid-at-shipment'));
    expect(await tasksFor('P-BIG-2')).toEqual([]);
  });

  it('controlled at order entry: no planning job exists until PaymentReceived', async () => {
    const { instance } = await enter(runtime(), order('P-ENTRY', 80_000, 'prepaid-at-entry'));
    expect(await jobTypesFor('P-ENTRY')).toEqual([]);
    expect(await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'erp' })).toEqual([]);
    // (sales order management stays open for changes while the order runs)
    expect(instance.waiting.map((wait) => wait.message).filter(Boolean).sort()).toEqual(['OrderChanged', 'PaymentReceived']);

    const result = await runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'P-ENTRY' });
    expect(result.reached.map((view) => view.id)).toEqual([instance.id]);
    expect(await jobTypesFor('P-ENTRY')).toEqual(['procurement-planning', 'production-planning']);
    await fulfil('P-ENTRY');
    expect((await runtime().getInstance(instance.id))!.status).toBe('completed');
  });

  for (const [first, second] of [['ShipmentRequested', 'PaymentReceived'], ['PaymentReceived', 'ShipmentRequested']]) {
    it(`controlled at shipment: planning at once, shipping only after ${first} then ${second}`, async () => {
      const orderNo = `P-SHIP-${first}`;
      const { instance } = await enter(runtime(), order(orderNo, 80_000, 'prepaid-at-shipment'));
      expect(await jobTypesFor(orderNo)).toEqual(['procurement-planning', 'production-planning']);
      expect(await completeJobs('procurement-planning', orderNo)).toBe(1);
      expect(await completeJobs('production-planning', orderNo)).toBe(1);
      expect(await jobTypesFor(orderNo)).toEqual([]);

      await runtime().correlateMessage({ name: first, businessKey: orderNo });
      expect(await jobTypesFor(orderNo)).toEqual([]);
      expect(await runtime().fetchAndLockJobs({ type: 'shipping', workerId: 'warehouse' })).toEqual([]);

      await runtime().correlateMessage({ name: second, businessKey: orderNo });
      expect(await jobTypesFor(orderNo)).toEqual(['shipping']);
      expect(await completeJobs('shipping', orderNo)).toBe(1);
      expect((await runtime().getInstance(instance.id))!.status).toBe('completed');
    });
  }

  it('keeps a message nothing waits for yet for a running order, and refuses one for an unknown order', async () => {
    await enter(runtime(), order('P-NONE', 1_000, 'credit'));
    expect(await runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'P-NONE' })).toMatchObject({ outcome: 'buffered', reached: [] });
    await expect(runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'P-NOBODY' }))
      .rejects.toMatchObject({ code: 'not-found', details: { problem: 'unknown-business-key' } });
  });
});

describe('special change', () => {
  it('needs procurement, production and inspection acknowledgements before the order goes on', async () => {
    const orderNo = 'S-1';
    await enter(runtime(), order(orderNo, 10_000, 'prepaid-at-entry', { description: 'blue paint' }));
    const groups = async () => (await tasksFor(orderNo)).flatMap((task) => task.candidateGroups).sort();
    expect(await groups()).toEqual(['inspection', 'procurement', 'production']);
    // the payment arrives early: it is kept, not lost, and not delivered before the acknowledgements
    expect(await runtime().correlateMessage({ name: 'PaymentReceived', businessKey: orderNo, messageId: 'pay-1' })).toMatchObject({ outcome: 'buffered' });

    for (const group of ['procurement', 'production']) {
      await acknowledge(orderNo, group);
      expect(await jobTypesFor(orderNo)).toEqual([]);
      await expect(runtime().correlateMessage({ name: 'PaymentReceived', businessKey: orderNo, messageId: 'pay-1' }))
        .rejects.toMatchObject({ code: 'conflict', details: { problem: 'duplicate-message' } });
    }
    await acknowledge(orderNo, 'inspection');
    expect(await tasksFor(orderNo)).toEqual([]);
    expect(await jobTypesFor(orderNo)).toEqual(['procurement-planning', 'production-planning']);
  });
});

describe('task completion', () => {
  it('lets exactly one of two concurrent completions win; the other learns the task is no longer open', async () => {
    await enter(runtime(), order('RACE', 700_000));
    const [task] = await tasksFor('RACE');
    const results = await Promise.allSettled([
      runtime().completeTask(task.id, { approved: true }, vicePresident),
      runtime().completeTask(task.id, { approved: false, comment: 'Credit limit exceeded.' }, { name: 'vera', groups: ['vice-president'] }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'conflict', message: textContaining('no longer open') });
  });

  it('refuses a completion by someone in none of the candidate groups', async () => {
    await enter(runtime(), order('FORBID', 700_000));
    const [task] = await tasksFor('FORBID');
    await expect(runtime().completeTask(task.id, { approved: true }, director)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await tasksFor('FORBID')).toHaveLength(1);
  });

  it('records who completed a task, and with which variables, in the history', async () => {
    const { instance } = await enter(runtime(), order('AUDIT', 700_000));
    const [task] = await tasksFor('AUDIT');
    const after = await runtime().completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
    const entry = after.history.find((row) => row.event === 'task.completed');
    expect(entry).toMatchObject({ actor: 'victor', elementId: task.elementId, data: { variables: { approved: true, comment: 'fine' } } });
    expect(after.id).toBe(instance.id);
  });

  it('refuses a completion without the approved decision and keeps the task open, instead of failing the order', async () => {
    const { instance } = await enter(runtime(), order('NO-DECISION', 700_000));
    const [task] = await tasksFor('NO-DECISION');
    const error = await refusalOf(runtime().completeTask(task.id, { comment: 'looks fine' }, vicePresident));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('approved') });
    expect(error.details?.variables).toEqual([{ name: 'approved', problem: 'is missing' }]);
    expect(await tasksFor('NO-DECISION')).toHaveLength(1);
    const after = await runtime().getInstance(instance.id);
    expect(after!.status).toBe('running');
    expect(after!.history.map((entry) => entry.event)).not.toContain('task.completed');
  });

  it('shows an instance with what it called: the view of a level-2 instance holds its subtree, not its parent', async () => {
    const { instance: root } = await enter(runtime(), order('SUBTREE', 1_200_000));
    const rootView = (await runtime().getInstance(root.id))!;
    const [level2] = rootView.children;
    expect(level2.processKey).toBe('sales-order-management');

    const view = (await runtime().getInstance(level2.id))!;
    expect(view.children.map((child) => child.processKey)).toEqual(['credit-order-approval']);
    // (the waits began in the same step, so their order is by id)
    expect(view.waiting).toHaveLength(3);
    expect(view.waiting).toEqual(arrayWith([
      objectWith({ type: 'call', processKey: 'sales-order-management' }),
      objectWith({ type: 'message', processKey: 'sales-order-management', message: 'OrderChanged' }),
      objectWith({ type: 'task', processKey: 'credit-order-approval', candidateGroups: ['sales-director'] }),
    ]));
    const historyIds = new Set(view.history.map((entry) => entry.instanceId));
    expect(historyIds.has(root.id)).toBe(false);
    expect(historyIds).toEqual(new Set([level2.id, view.children[0].id]));
    expect(rootView.waiting).toHaveLength(4);
  });

  it('answers not-found for a task id that never existed', async () => {
    await expect(runtime().completeTask('nope', {}, vicePresident)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('external jobs', () => {
  it('never hands a locked job to a second worker until its lock expires', async () => {
    await enter(runtime(), order('JOB-1', 100));
    const first = await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w1', lockMs: 60_000 });
    expect(first).toHaveLength(1);
    expect(first[0].variables).toMatchObject({ orderNo: 'JOB-1', amount: 100 });
    expect(await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w2' })).toEqual([]);
    fixture.clock.advance(61_000);
    expect(await runtime().fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w2' })).toHaveLength(1);
  });

  it('makes a failed job fetchable again while retries remain, and raises an incident at zero', async () => {
    const { instance } = await enter(runtime(), order('JOB-2', 100));
    const [job] = await runtime().fetchAndLockJobs({ type: 'production-planning', workerId: 'w1' });
    await runtime().failJob(job.id, { message: 'ERP down', retries: 2, workerId: 'w1' }, erp);
    const [again] = await runtime().fetchAndLockJobs({ type: 'production-planning', workerId: 'w1' });
    expect(again).toMatchObject({ id: job.id, retries: 2 });
    await runtime().failJob(again.id, { message: 'still down', retries: 0, workerId: 'w1' }, erp);
    expect(await runtime().fetchAndLockJobs({ type: 'production-planning', workerId: 'w1' })).toEqual([]);
    const root = await runtime().getInstance(instance.id);
    expect(root!.status).toBe('failed');
    const child = (await runtime().findInstances({ businessKey: 'JOB-2', processKey: 'sales-order-management' })).items[0];
    expect((await runtime().getInstance(child.id))!.incident).toMatchObject({ elementId: anyText(), message: textContaining('still down') });
  });
});

describe('step events (for metrics)', () => {
  it('reports every step with the process key it moved, never an instance id, and failures as such', async () => {
    const steps: { action: string; processKey: string; outcome: string }[] = [];
    fixture.stratum.events.on('step', ({ action, processKey, outcome }: StepEvent) => steps.push({ action, processKey, outcome }));
    const { instance } = await enter(runtime(), order('EV-1', 700_000));
    const [task] = await tasksFor('EV-1');
    await runtime().completeTask(task.id, { approved: true }, director).catch(() => undefined);
    await runtime().cancel(instance.id, { name: 'ops', groups: [] });
    await runtime().cancel(instance.id, { name: 'ops', groups: [] }).catch(() => undefined);
    expect(steps).toEqual([
      { action: 'start', processKey: 'order-to-cash', outcome: 'ok' },
      { action: 'complete-task', processKey: 'credit-order-approval', outcome: 'error' },
      { action: 'cancel', processKey: 'order-to-cash', outcome: 'ok' },
      { action: 'cancel', processKey: 'order-to-cash', outcome: 'conflict' },
    ]);
  });
});

describe('business keys and call activities', () => {
  it('gives every child instance the order number as business key', async () => {
    await enter(runtime(), order('BK-1', 700_000));
    const all = await runtime().findInstances({ businessKey: 'BK-1' });
    expect(all.items.map((item) => item.processKey).sort()).toEqual(['credit-order-approval', 'order-to-cash', 'sales-order-management']);
  });

  it('cancels the whole call tree when the order is cancelled', async () => {
    const { instance } = await enter(runtime(), order('CANCEL', 700_000));
    const after = await runtime().cancel(instance.id, { name: 'ops', groups: [] });
    expect(after.status).toBe('cancelled');
    const all = await runtime().findInstances({ businessKey: 'CANCEL' });
    expect(all.items.every((item) => item.status === 'cancelled')).toBe(true);
    expect(await tasksFor('CANCEL')).toEqual([]);
  });
});
