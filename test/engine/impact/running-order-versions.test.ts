// A running order's replay keeps the versions its instances started on: the runtime
// never moves a running instance to a new version, and a call already made started the
// version it started. Only the calls it has not made yet start the library's latest.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImpactReport, Stratum } from '../../../engine/index.js';
import { DIAGRAMS_DIR, director, enter, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { acmeToDirector, candidate } from './candidates.js';

let fixture: Fixture;
let stratum: Stratum;

beforeEach(async () => {
  fixture = await openFixture();
  stratum = fixture.stratum;
});

afterEach(async () => {
  await fixture.dispose();
});

describe('a running order replayed on a change of a process it already called', () => {
  it('keeps the version its instance runs: the order waiting at the vice-president in version 1 is unchanged, the one that has not called it yet will start the new one', async () => {
    const { runtime } = stratum;
    // F-1 waits for the vice-president in credit-order-approval version 1; F-2 is still in its special change's acknowledgements
    await enter(runtime, order('F-1', 750_000));
    await enter(runtime, order('F-2', 750_000, 'credit', { description: 'blue paint' }));
    expect((await runtime.findTasks({ businessKey: 'F-1' })).map((task) => task.elementId)).toEqual(['UserTask_ReviewByVicePresident']);

    const report = await stratum.impact.analyse([acmeToDirector()]);
    const [approval] = report.processes;
    expect(approval.runningOrders.inside.orders).toEqual([{ orderNo: 'F-1', version: 1 }]);
    expect(approval.runningOrders.willPickUp.orders).toEqual(['F-2']);
    // F-1's replay runs its credit approval on version 1, where it waits for the vice-president as it does
    expect(groups(report)).toEqual([{ kind: 'unchanged', orders: ['F-1', 'F-2'] }]);
    expect(report.replay.changed).toBe(0);

    // what deploying then does: F-1 finishes on version 1, F-2 starts version 2 and goes to the sales director
    await stratum.library.deploy([acmeToDirector()], { user: 'test', note: 'ACME above 500,000 to the sales director' });
    for (const task of await runtime.findTasks({ businessKey: 'F-1' })) await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
    for (const task of await runtime.findTasks({ businessKey: 'F-2' })) {
      // one person per department: each acknowledgement comes from another (distinctDeciders)
      await runtime.completeTask(task.id, { acknowledged: true }, { name: task.candidateGroups[0], groups: task.candidateGroups });
    }
    const f2 = await runtime.findTasks({ businessKey: 'F-2' });
    expect(f2.map((task) => [task.processKey, task.elementId])).toEqual([['credit-order-approval', 'UserTask_ApproveBySalesDirector']]);
    expect((await runtime.findTasks({ businessKey: 'F-1' })).some((task) => task.processKey === 'credit-order-approval')).toBe(false);

    // replayed again on the library as deployed: each stays on the version it started, so a later change moves neither
    const again = await stratum.impact.analyse([candidate('special-change-notification', (xml) => xml
      .replace('name="Acknowledge special change (procurement)"', 'name="Acknowledge the special change (procurement)"'))]);
    expect(again.replay).toMatchObject({ changed: 0, ranOnOlderVersion: { count: 0 } });
    await runtime.completeTask(f2[0].id, { approved: true, comment: 'fine' }, director);
  });
});

describe('a running order that called the changed process twice', () => {
  it('replays each call on the version that call started: the approval on version 1, the re-approval of its raise on version 2', async () => {
    const { runtime } = stratum;
    // approved automatically by version 1, then version 2 deployed, then its amount raised: the re-approval starts version 2
    await enter(runtime, order('R-1', 400_000));
    await stratum.library.deploy([acmeToDirector()], { user: 'test', note: 'ACME above 500,000 to the sales director' });
    await runtime.changeOrder('R-1', { description: 'more units', amount: 800_000, changeId: 'C-1' }, { user: 'erp' });
    for (const group of ['procurement', 'production', 'inspection']) {
      const [task] = (await runtime.findTasks({ businessKey: 'R-1' })).filter((one) => one.candidateGroups.includes(group));
      await runtime.completeTask(task.id, { acknowledged: true }, { name: group, groups: [group] });
    }
    const waiting = await runtime.findTasks({ businessKey: 'R-1', processKey: 'credit-order-approval' });
    expect(waiting.map((task) => task.elementId)).toEqual(['UserTask_ApproveBySalesDirector']);

    // version 3 takes ACME back to the vice-president: the re-approval already runs version 2, where it stays
    const report = await stratum.impact.analyse([{ name: 'credit-order-approval.bpmn', xml: readFileSync(`${DIAGRAMS_DIR}credit-order-approval.bpmn`, 'utf8') }]);
    expect(report.processes[0]).toMatchObject({ version: 3, runningOrders: { inside: { orders: [{ orderNo: 'R-1', version: 2 }] } } });
    expect(groups(report)).toEqual([{ kind: 'unchanged', orders: ['R-1'] }]);
    expect(report.replay.baselineReplays).toBe(0);
  });
});

function groups(report: ImpactReport) {
  return report.replay.groups.map(({ kind, orders }) => ({ kind, orders: [...orders].sort() }));
}
