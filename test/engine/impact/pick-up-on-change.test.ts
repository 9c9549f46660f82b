// Which running orders will start a changed process: those with a call to it still ahead on their path from
// where they wait (willPickUp), not those that could reach one only if someone requests a change to the order
// (the order-change loop's re-approval of a raise): those are apart (couldPickUpOnChange).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stratum } from '../../../engine/index.js';
import { enter, openFixture, order, type Fixture } from '../../support/stratum-fixture.js';
import { acmeToDirector } from './candidates.js';

let fixture: Fixture;
let stratum: Stratum;

beforeEach(async () => {
  fixture = await openFixture();
  stratum = fixture.stratum;
});

afterEach(async () => {
  await fixture.dispose();
});

const erpUser = { user: 'erp' };

describe('running orders that will start a changed credit approval', () => {
  it('lists an order before its approval call, and apart an order past it that reaches it again only through a change', async () => {
    const { runtime } = stratum;
    // approved automatically on version 1, now at its planning jobs
    await enter(runtime, order('BR-PAST', 300_000));
    // still in its special change's acknowledgements: the approval call is ahead
    await enter(runtime, order('BR-BEFORE', 300_000, 'credit', { description: 'blue paint' }));
    // prepaid: no approval on any path, a change neither
    await enter(runtime, order('BR-PREPAID', 300_000, 'prepaid-at-entry'));
    await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'BR-PREPAID', actor: 'bank' });
    // past its approval, with a change requested that raises it into the vice-president's tier: the change loop's
    // re-approval is ahead once the change is acknowledged
    await enter(runtime, order('BR-RAISED', 300_000));
    await runtime.changeOrder('BR-RAISED', { description: 'more units', amount: 700_000 }, erpUser);
    // past its approval, with a change requested that stays in its tier: no re-approval for this change
    await enter(runtime, order('BR-SMALL-CHANGE', 300_000));
    await runtime.changeOrder('BR-SMALL-CHANGE', { description: 'a few more units', amount: 350_000 }, erpUser);
    expect((await stratum.orders.get('BR-PAST'))!.waiting.map((wait) => wait.jobType).sort()).toEqual(['procurement-planning', 'production-planning']);

    const report = await stratum.impact.analyse([acmeToDirector()]);
    const { runningOrders } = report.processes[0];
    expect(runningOrders.inside.orders).toEqual([]);
    expect([...runningOrders.willPickUp.orders].sort()).toEqual(['BR-BEFORE', 'BR-RAISED']);
    expect(runningOrders.willPickUp.count).toBe(2);
    expect([...runningOrders.couldPickUpOnChange.orders].sort()).toEqual(['BR-PAST', 'BR-SMALL-CHANGE']);
    expect(runningOrders.couldPickUpOnChange.count).toBe(2);
  });

  it('lists apart an order that, once the change is deployed, starts the new version only when a raise is requested', async () => {
    const { runtime } = stratum;
    await enter(runtime, order('BR-300000', 300_000));
    const before = await stratum.impact.analyse([acmeToDirector()]);
    expect(before.processes[0].runningOrders).toMatchObject({ willPickUp: { orders: [] }, couldPickUpOnChange: { orders: ['BR-300000'] } });

    // what deploying then does: the order waits at its planning, and a raise requested then is approved by version 2
    await stratum.library.deploy([acmeToDirector()], { user: 'test', note: 'ACME above 500,000 to the sales director' });
    await runtime.changeOrder('BR-300000', { description: 'more units', amount: 700_000 }, erpUser);
    for (const task of await runtime.findTasks({ businessKey: 'BR-300000' })) {
      await runtime.completeTask(task.id, { acknowledged: true }, { name: task.candidateGroups[0], groups: task.candidateGroups });
    }
    const approval = (await runtime.findTasks({ businessKey: 'BR-300000' })).map((task) => [task.processKey, task.elementId]);
    expect(approval).toEqual([['credit-order-approval', 'UserTask_ApproveBySalesDirector']]);
  });
});
