// The impact of a candidate change on the shipped library, before deploying:
// the diff, who calls it, which running orders pick it up, and a replay of the
// recorded orders that names exactly the orders whose route changes.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImpactReport, Stratum } from '../../../engine/index.js';
import { compareRoutes } from '../../../engine/impact/route-comparison.js';
import { director, enter, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { anything, arrayWith, objectWith } from '../../support/matchers.js';
import { approvalTierDmn, candidate, decidedTiers, EXPORT_CONTROL, exportControlBeforeApproval } from './candidates.js';

let fixture: Fixture;
let stratum: Stratum;

/** A Stratum of its own, the shipped library deployed, for each test of the describe block that calls this. */
function freshFixturePerTest() {
  beforeEach(async () => {
    fixture = await openFixture();
    stratum = fixture.stratum;
  });
  afterEach(async () => {
    await fixture.dispose();
  });
}

/**
 * One Stratum for the tests of the describe block that calls this, `prepare`d once: recording the orders is most
 * of such a test's work, and its analyses only read what was recorded (replay isolation below checks that an
 * analysis writes nothing), so each test sees the recording as if made for it alone.
 */
function fixtureSharedBy(prepare: () => Promise<void>) {
  beforeAll(async () => {
    fixture = await openFixture();
    stratum = fixture.stratum;
    await prepare();
  }, 120_000);
  afterAll(async () => {
    await fixture.dispose();
  });
}

describe('on one recording of the orders, which the analyses below only read', () => {
  fixtureSharedBy(recordOrders);

  describe('a threshold change (vice-president review from 400,000 instead of 500,000)', () => {
    it('names exactly the recorded orders between the two values as now waiting for the vice-president', async () => {
      const report = await stratum.impact.analyse([candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'))]);

      const [approval] = report.processes;
      expect(approval.key).toBe('credit-order-approval');
      expect(approval.version).toBe(2);
      expect(approval.diff.elements).toEqual([objectWith({
        elementId: 'Flow_AmountTier_Above500000',
        change: 'changed',
        properties: [{ property: 'condition', before: '=reportingAmount > 500000 and reportingAmount <= 1000000', after: '=reportingAmount > 400000 and reportingAmount <= 1000000' }],
      })]);

      const nowWaiting = groupsOf(report, 'new-wait');
      expect(nowWaiting).toEqual([{ description: 'would now wait for "Review order (vice-president)" (vice-president)', orders: ['SO-420', 'SO-480', 'SO-500'] }]);
      expect(report.replay.blocked).toBe(0);
      expect(report.blocking).toBe(false);
      expect(ordersOf(report, 'unchanged')).toEqual(arrayWith(['SO-350', 'SO-520', 'SO-1200', 'SO-PRE']));
      expect(report.replay.orders).toBe(11);
      expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    });

    it('tells the running orders inside the process (they stay on version 1) from those that will start version 2', async () => {
      const report = await stratum.impact.analyse([candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'))]);
      const { runningOrders, whereUsed } = report.processes[0];
      expect(runningOrders.inside.orders).toEqual([{ orderNo: 'SO-VP', version: 1 }]);
      // a credit order still in its special-change notification will be approved by the new version; a prepaid one never is
      expect(runningOrders.willPickUp.orders).toEqual(['SO-SC-CREDIT']);
      // nor by a change to a prepaid order (the re-approval's condition is false for it, whatever the change)
      expect(runningOrders.couldPickUpOnChange.orders).toEqual([]);
      expect(whereUsed).toEqual([{
        processKey: 'sales-order-management', versions: [1], latestCalls: true,
        // the order-change loop approves a raised amount again with the same process
        elements: [
          { elementId: 'CallActivity_ReapproveChange', name: 'Approve changed amount', versions: [1] },
          { elementId: 'CallActivity_ApproveCreditOrder', name: 'Approve credit order', versions: [1] },
        ],
      }]);
    });
  });

  describe('a change that makes a recorded decision missing', () => {
    it('reports the orders whose recorded vice-president decision lacks what the new version needs as blocking', async () => {
      const report = await stratum.impact.analyse([candidate('credit-order-approval', (xml) => xml
        .replace('<zeebe:output source="=comment" target="vicePresidentComment" />',
          '<zeebe:output source="=comment" target="vicePresidentComment" />\n          <zeebe:output source="=riskAccepted" target="vicePresidentRiskAccepted" />')
        .replace('>=vicePresidentApproved<', '>=vicePresidentApproved and vicePresidentRiskAccepted<'))]);
      expect(report.blocking).toBe(true);
      expect(report.replay.blocked).toBe(2);
      const [blocked] = groupsOf(report, 'blocked');
      expect(blocked.orders).toEqual(['SO-1200', 'SO-520']);
      expect(blocked.description).toMatch(/^would block at "Vice-president approved\?": the decision the new version needs was never recorded/);
    });
  });

  describe('a change whose condition reads a customer field order entry does not require', () => {
    it('blocks the orders whose customer has no id, saying the field is missing for the order, not that a decision was never recorded', async () => {
      const report = await stratum.impact.analyse([candidate('credit-order-approval', (xml) => xml
        .replace('>=reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000<', '>=customer.id = "ACME" and reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000<'))]);
      expect(report.findings).toContainEqual(objectWith({ rule: 'order-field-optional', severity: 'error', elementId: 'Flow_AmountTier_Above500000' }));
      expect(report.blocking).toBe(true);
      const groups = groupsOf(report, 'blocked');
      expect(groups.length).toBeGreaterThan(0);
      for (const { description } of groups) {
        expect(description).toMatch(/^would block at "[^"]+": customer\.id is missing for this order, and order entry does not require it \(.*Key 'id' not found/);
      }
    });

  });

  describe('a new control process called from sales-order-management', () => {
    it('is picked up by no running order (they are inside sales-order-management version 1) and every replayed credit order would wait for it', async () => {
      const report = await stratum.impact.analyse(exportControlBeforeApproval());
      const control = report.processes.find((process) => process.key === 'export-control')!;
      expect(control.previousVersion).toBeNull();
      expect(control.diff.elements.map((element) => element.change)).toEqual(['added', 'added', 'added', 'added', 'added']);
      expect(control.whereUsed).toEqual([objectWith({ processKey: 'sales-order-management', versions: [], latestCalls: true })]);
      expect(control.runningOrders.willPickUp.orders).toEqual([]);
      const management = report.processes.find((process) => process.key === 'sales-order-management')!;
      expect(management.runningOrders.inside.orders.map((running) => running.orderNo).sort())
        .toEqual(['SO-PRE-WAITING', 'SO-SC-CREDIT', 'SO-SC-PRE', 'SO-VP']);
      expect(groupsOf(report, 'new-wait')).toEqual([{
        description: 'would now wait for "Check export" (export-officer)',
        orders: ['SO-1200', 'SO-350', 'SO-420', 'SO-480', 'SO-500', 'SO-520'],
      }]);
      // the running orders keep sales-order-management version 1, which has no such check: SO-VP waits where it waits
      expect(ordersOf(report, 'unchanged')).toContain('SO-VP');
    });
  });

  describe('a listener that never fired', () => {
    it('is no route change: a replayed order also waiting at a moved "Order changed" catch that no recorded change reached is unchanged', async () => {
      // the loop's catch under a new id: every running order would wait there, beside where it actually waits
      const report = await stratum.impact.analyse([candidate('sales-order-management', (xml) => xml.replaceAll('IntermediateCatchEvent_OrderChanged', 'IntermediateCatchEvent_ChangeArrived'))]);
      expect(report.replay.orders).toBe(11);
      expect(report.replay.groups.map((group) => [group.kind, group.count])).toEqual([['unchanged', 11]]);
      expect(report.replay.changed).toBe(0);
    });

  });

  describe('replay isolation', () => {
    it('writes no row, publishes no job and consumes no message', async () => {
      const before = await snapshot();
      await stratum.impact.analyse([
        candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000')),
      ]);
      expect(await snapshot()).toEqual(before);
      // the planning jobs the replay reached are not fetchable; the prepaid order still waits for its payment
      expect(await stratum.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w', max: 100 })).toEqual([]);
      const waiting = await stratum.runtime.findInstances({ businessKey: 'SO-PRE-WAITING' });
      // the order's root: its instances were all started at the same instant of the test's clock, so the list's order among them is the ids'
      const view = await stratum.runtime.getInstance(waiting.items.find((instance) => instance.parentId === null)!.id);
      // (and, like every running order, for changes to it)
      expect(view!.waiting.filter((wait) => wait.type === 'message').map((wait) => wait.message).sort()).toEqual(['OrderChanged', 'PaymentReceived']);
    });
  });
});

describe('a change whose condition reads a customer field order entry does not require', () => {
  freshFixturePerTest();

  it('is refused at deploy, as any error finding', async () => {
    const change = candidate('credit-order-approval', (xml) => xml
      .replace('>=reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000<', '>=customer.id = "ACME" and reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000<'));
    await expect(stratum.library.deploy([change], { user: 'designer' }))
      .rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/customer\.id, which order entry does not guarantee/) as string });
  });
});

describe('a change that separates a task the requester decided', () => {
  freshFixturePerTest();

  it('blocks the orders whose recorded decider started the order: four eyes would refuse them', async () => {
    const { runtime } = stratum;
    const plant = { name: 'pat', groups: ['procurement', 'production', 'inspection'] };
    await enter(runtime, order('SO-PAT', 100_000), plant.name);
    await enter(runtime, order('SO-ERP', 100_000));
    for (const orderNo of ['SO-PAT', 'SO-ERP']) {
      // the ERP's change, not pat's: pat, who entered SO-PAT, may acknowledge it (a special change entered with the order pat may not)
      await runtime.changeOrder(orderNo, { description: 'paint in RAL 5015' }, { user: 'erp' });
      for (const task of await runtime.findTasks({ businessKey: orderNo })) {
        await runtime.completeTask(task.id, { acknowledged: true }, task.candidateGroups.includes('procurement') ? plant : { name: `${task.candidateGroups[0]}-lead`, groups: task.candidateGroups });
      }
    }
    // worked to their end: an ended order replays as if entered now (a running one keeps the notification's version it ran)
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      for (const job of await runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 10 })) await runtime.completeJob(job.id, {}, erp, 'worker');
    }
    const report = await stratum.impact.analyse([candidate('special-change-notification', (xml) => xml.replace('<bpmn:extensionElements>',
      '<bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="UserTask_AcknowledgeProcurement, UserTask_AcknowledgeProduction" /></zeebe:properties>'))]);
    expect(report.processes[0].diff.process).toEqual([objectWith({ property: 'property separationOfDuties', before: null })]);
    const [blocked] = groupsOf(report, 'blocked');
    expect(blocked).toEqual({ description: expect.stringMatching(/four eyes refuses the recorded decider/) as string, orders: ['SO-PAT'] });
  });
});

describe('a listener that never fired', () => {
  it('is a new wait where the order now stops there instead of where it actually waits', () => {
    const actual = { status: 'running' as const, completed: [], waiting: [{ element: 'p/UserTask_Review', kind: 'task' as const }] };
    const names = (element: string) => ({ label: `"${element}"`, type: 'bpmn:IntermediateCatchEvent' });
    const listener = { element: 'p/Catch_Changed', kind: 'message' as const, name: 'Changed', listening: true as const };
    expect(compareRoutes(actual, { status: 'running', completed: [], unused: [], waiting: [listener, { element: 'p/UserTask_Review', kind: 'task', name: 'Review' }] }, names).kind).toBe('unchanged');
    expect(compareRoutes(actual, { status: 'running', completed: [], unused: [], waiting: [listener] }, names))
      .toEqual({ kind: 'new-wait', description: 'would now wait for "p/Catch_Changed"' });
    // a catch that is not a listener (no loop back to it, or its message was recorded) is a new wait even beside the route
    const { listening: _, ...plain } = listener;
    expect(compareRoutes(actual, { status: 'running', completed: [], unused: [], waiting: [plain, { element: 'p/UserTask_Review', kind: 'task', name: 'Review' }] }, names).kind).toBe('new-wait');
  });
});

describe('a change after an earlier one was deployed (orders that ran on an older version)', () => {
  const viceFrom400000 = candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'));
  const nowVicePresident = 'would now wait for "Review order (vice-president)" (vice-president)';

  // the recorded orders, then the vice-president's review from 400,000 deployed (change A): orders from 400,000 to
  // 500,000 ran before it
  fixtureSharedBy(async () => {
    await recordOrders();
    await stratum.library.deploy([viceFrom400000], { user: 'test', note: 'vice-president from 400,000' });
  });

  it('does not blame the earlier change on an unrelated one: renaming a task elsewhere changes no order', async () => {
    const report = await stratum.impact.analyse([candidate('special-change-notification', (xml) => xml
      .replace('name="Acknowledge special change (procurement)"', 'name="Acknowledge the special change (procurement)"'))]);
    expect(report.replay).toMatchObject({ orders: 11, changed: 0, blocked: 0 });
    expect(report.replay.groups.map((group) => group.kind)).toEqual(['unchanged']);
    // what the deployed library would do to them differs from what happened: shown apart, not as this change's
    const { ranOnOlderVersion } = report.replay;
    expect(ranOnOlderVersion.count).toBe(3);
    expect(ranOnOlderVersion.groups.map(({ kind, description, orders }) => ({ kind, description, orders: [...orders].sort() })))
      .toEqual([{ kind: 'new-wait', description: nowVicePresident, orders: ['SO-420', 'SO-480', 'SO-500'] }]);
    expect(report.blocking).toBe(false);
  });

  it('reports only what the change alters against the deployed library: a lower threshold names the orders it newly sends to review', async () => {
    const report = await stratum.impact.analyse([{
      name: 'credit-order-approval.bpmn', xml: viceFrom400000.xml.replace('reportingAmount &gt; 400000', 'reportingAmount &gt; 300000'),
    }]);
    expect(groupsOf(report, 'new-wait')).toEqual([{ description: nowVicePresident, orders: ['SO-350'] }]);
    expect(report.replay.changed).toBe(1);
    expect(report.replay.ranOnOlderVersion.count).toBe(3);
    expect(ordersOf(report, 'unchanged')).toEqual(arrayWith(['SO-420', 'SO-480', 'SO-500']));
    // only the four orders the change's replay moves off their recorded route were replayed a second time
    expect(report.replay.baselineReplays).toBe(4);
  });

  it('names an order that ran on an older version when the change alters its route against the deployed library too', async () => {
    // the orders from 400,000 to 1,000,000 go to the sales director instead of the vice-president
    const report = await stratum.impact.analyse([{
      name: 'credit-order-approval.bpmn',
      xml: viceFrom400000.xml.replace('sourceRef="Gateway_AmountTier" targetRef="Gateway_VicePresidentReview"', 'sourceRef="Gateway_AmountTier" targetRef="UserTask_ApproveBySalesDirector"'),
    }]);
    expect(groupsOf(report, 'new-wait')).toEqual([{
      description: 'would now wait for "Approve order (sales director)" (sales-director)', orders: ['SO-420', 'SO-480', 'SO-500', 'SO-520'],
    }]);
    // SO-VP waits for the vice-president in credit-order-approval version 1, where it stays
    expect(ordersOf(report, 'unchanged')).toContain('SO-VP');
    // SO-520 ran as the deployed library runs it; the others before the vice-president's review from 400,000
    expect(report.replay.ranOnOlderVersion.groups.flatMap((group) => group.orders).sort()).toEqual(['SO-420', 'SO-480', 'SO-500']);
  });
});

describe('a file deployed as it is', () => {
  freshFixturePerTest();

  it('is no change: no new version, no running order picks anything up, and the replay finds no route changed', async () => {
    await enter(stratum.runtime, order('SO-SAME-1', 1_200_000));
    const xml = readFileSync(new URL('../../../diagrams/credit-order-approval.bpmn', import.meta.url), 'utf8');
    const report = await stratum.impact.analyse([{ name: 'credit-order-approval.bpmn', xml }]);
    expect(report.processes).toEqual([]);
    expect(report).toMatchObject({ blocking: false, replay: { changed: 0, blocked: 0 } });
    // as deploying it is
    const deployed = await stratum.library.deploy([{ name: 'credit-order-approval.bpmn', xml }], { user: 'test', note: 'same file' });
    expect(deployed.deployed).toEqual([{ key: 'credit-order-approval', version: 1, changed: false }]);
  });
});

describe('the diff between deployed versions', () => {
  freshFixturePerTest();

  it('names the changed condition with its text before and after', async () => {
    await stratum.library.deploy([candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 1000000', 'reportingAmount &gt; 2000000'))], { user: 'test', note: 'director from 2M' });
    const diff = await stratum.impact.diff('credit-order-approval', 1, 2);
    expect(diff!.elements).toEqual([objectWith({
      elementId: 'Flow_AmountTier_Above1000000', change: 'changed',
      properties: [{ property: 'condition', before: '=reportingAmount > 1000000', after: '=reportingAmount > 2000000' }],
    })]);
    expect(await stratum.impact.diff('credit-order-approval', 1, 3)).toBeUndefined();
  });
});

// helpers

function groupsOf(report: ImpactReport, kind: string) {
  return report.replay.groups.filter((group) => group.kind === kind).map(({ description, orders }) => ({ description, orders: [...orders].sort() }));
}

function ordersOf(report: ImpactReport, kind: string): string[] {
  return groupsOf(report, kind).flatMap((group) => group.orders);
}

/**
 * Recorded orders: credit orders below, between and above the thresholds
 * (decided and worked to the end), a prepaid order paid and shipped, and
 * running orders at different points.
 */
async function recordOrders() {
  const { runtime } = stratum;
  for (const [orderNo, amount] of [['SO-350', 350_000], ['SO-420', 420_000], ['SO-480', 480_000], ['SO-500', 500_000], ['SO-520', 520_000], ['SO-1200', 1_200_000]] as const) {
    await enter(runtime, order(orderNo, amount));
  }
  await enter(runtime, order('SO-PRE', 450_000, 'prepaid-at-entry'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-PRE', actor: 'bank' });
  await decideAll('sales-director', director);
  await decideAll('vice-president', vicePresident);
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (const job of await runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 50 })) await runtime.completeJob(job.id, {}, erp, 'worker');
  }
  fixture.clock.advance(60_000);
  // running: waiting for the vice-president, in special-change notification (credit and prepaid), waiting for payment
  await enter(runtime, order('SO-VP', 700_000));
  await enter(runtime, order('SO-SC-CREDIT', 450_000, 'credit', { description: 'blue paint' }));
  await enter(runtime, order('SO-SC-PRE', 450_000, 'prepaid-at-entry', { description: 'red paint' }));
  await enter(runtime, order('SO-PRE-WAITING', 300_000, 'prepaid-at-entry'));
}

async function decideAll(group: string, actor: { name: string; groups: string[] }) {
  for (const task of await stratum.runtime.findTasks({ candidateGroup: group })) {
    await stratum.runtime.completeTask(task.id, { approved: true, comment: 'fine' }, actor);
  }
}

/** Everything the store holds about every order and the library, as the API shows it. */
async function snapshot() {
  const { items } = await stratum.runtime.findInstances({ limit: 500 });
  const views = await Promise.all(items.map((item) => stratum.runtime.getInstance(item.id)));
  return { views, library: await stratum.library.list(), tasks: await stratum.runtime.findTasks({}) };
}

describe('retired processes', () => {
  freshFixturePerTest();

  it('shows a process no latest version calls any more as retired while its running orders finish on it, and refuses to start it directly', async () => {
    await enter(stratum.runtime, order('SO-SC', 300_000, 'credit', { description: 'green paint' }));
    const review = EXPORT_CONTROL.replaceAll('export-control', 'special-change-review').replace('Export control', 'Special change review');
    await stratum.library.deploy([
      // both calls, the order's own special change and the change loop's: the notification is then truly called by nobody
      candidate('sales-order-management', (xml) => xml.replaceAll('processId="special-change-notification"', 'processId="special-change-review"')),
      { name: 'special-change-review.bpmn', xml: review },
    ], { user: 'test', note: 'special changes reviewed by one officer' });

    const list = await stratum.library.list();
    const retired = list.filter((process) => process.retired).map((process) => process.key);
    expect(retired).toEqual(['special-change-notification']);
    // the order that was inside it still finishes on it
    const tasks = await stratum.runtime.findTasks({ businessKey: 'SO-SC' });
    expect(tasks.map((task) => task.processKey)).toEqual(['special-change-notification', 'special-change-notification', 'special-change-notification']);
    await expect(stratum.runtime.start('special-change-notification', { variables: {} })).rejects.toMatchObject({ details: { reason: 'retired-process' } });
  });
});

describe('a change with a .dmn file', () => {
  freshFixturePerTest();

  it('lints the decision beside the process: a business rule task calling it is no error, and nothing blocks', async () => {
    const bpmn = readFileSync(new URL('../../fixtures/engine/decision-call.bpmn', import.meta.url), 'utf8');
    const dmn = readFileSync(new URL('../../fixtures/dmn/benchmark-decision.dmn', import.meta.url), 'utf8');
    const withDecision = await stratum.impact.analyse([{ name: 'decision-call.bpmn', xml: bpmn }, { name: 'benchmark-decision.dmn', xml: dmn }], { replay: false });
    expect(withDecision.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(withDecision.blocking).toBe(false);
    const without = await stratum.impact.analyse([{ name: 'decision-call.bpmn', xml: bpmn }], { replay: false });
    expect(without.findings).toContainEqual(objectWith({ elementId: 'Decide', rule: 'supported-elements', severity: 'error' }));
    expect(without.blocking).toBe(true);
  });

  it('replays a business rule task of the candidate on the deployed decision: no order blocks, and each goes where the decision sends it', async () => {
    // the deployed decision already sends orders of more than 400,000 to the vice-president; the shipped process does not call it yet
    await stratum.library.deploy([approvalTierDmn(lowerTier)], { user: 'test', note: 'approval tiers as a decision table' });
    await recordOrders();
    const report = await stratum.impact.analyse([decidedTiers()]);

    expect(report.replay.blocked).toBe(0);
    expect(groupsOf(report, 'new-wait')).toEqual([{ description: 'would now wait for "Review order (vice-president)" (vice-president)', orders: ['SO-420', 'SO-480', 'SO-500'] }]);
    // the others pass the decision and then go where they went
    expect(groupsOf(report, 'route-changed')).toEqual([{ description: 'would now pass "Decide approval tier"', orders: ['SO-1200', 'SO-350', 'SO-520'] }]);
    // SO-VP's approval runs version 1, without the decision
    expect(ordersOf(report, 'unchanged')).toContain('SO-VP');
  });

  it('replays a business rule task of the candidate on the decision the change brings along', async () => {
    await recordOrders();
    const report = await stratum.impact.analyse([decidedTiers(), approvalTierDmn(lowerTier)]);

    expect(report.decisions).toEqual([objectWith({ id: 'approval-tier', version: 1, previousVersion: null })]);
    expect(report.replay.blocked).toBe(0);
    expect(groupsOf(report, 'new-wait')).toEqual([{ description: 'would now wait for "Review order (vice-president)" (vice-president)', orders: ['SO-420', 'SO-480', 'SO-500'] }]);
  });

  it('replays a change of the decision alone: the orders it sends across the moved threshold change, the others do not', async () => {
    await stratum.library.deploy([decidedTiers(), approvalTierDmn()], { user: 'test', note: 'approval tiers as a decision table' });
    await recordOrders();
    const report = await stratum.impact.analyse([approvalTierDmn(lowerTier)]);

    expect(report.processes).toEqual([]);
    expect(report.decisions).toEqual([{
      id: 'approval-tier', name: 'Approval tier', version: 2, previousVersion: 1, fileName: 'approval-tier.dmn',
      whereUsed: [{
        processKey: 'credit-order-approval', versions: [2], latestCalls: true,
        elements: [{ elementId: 'BusinessRuleTask_DecideTier', name: 'Decide approval tier', versions: [2] }],
      }],
      runningOrders: anything(),
    }]);
    // running: the credit order in its special-change notification is approved after it, and the one waiting for the
    // vice-president is past the task but would be approved again if its amount changed; the prepaid ones never are
    const decideTier = { processKey: 'credit-order-approval', elementId: 'BusinessRuleTask_DecideTier', name: 'Decide approval tier' };
    const orderChanged = { processKey: 'sales-order-management', elementId: 'IntermediateCatchEvent_OrderChanged', name: 'Order changed' };
    const { count, orders } = report.decisions[0].runningOrders.willEvaluate;
    expect(count).toBe(2);
    // entered at the same instant: in no particular order, nor are an order's waits
    expect(orders.map((running) => ({ ...running, waitingAt: [...running.waitingAt].sort((a, b) => a.elementId.localeCompare(b.elementId)) }))
      .sort((a, b) => a.orderNo.localeCompare(b.orderNo))).toEqual([
      { orderNo: 'SO-SC-CREDIT', waitingAt: [{ processKey: 'sales-order-management', elementId: 'CallActivity_NotifySpecialChange', name: 'Notify special change' }, orderChanged], reaches: [decideTier] },
      { orderNo: 'SO-VP', waitingAt: [orderChanged], reaches: [decideTier] },
    ]);
    expect(groupsOf(report, 'new-wait')).toEqual([{ description: 'would now wait for "Review order (vice-president)" (vice-president)', orders: ['SO-420', 'SO-480', 'SO-500'] }]);
    expect(report.replay.changed).toBe(3);
    expect(ordersOf(report, 'unchanged')).toEqual(arrayWith(['SO-350', 'SO-520', 'SO-1200', 'SO-PRE', 'SO-VP']));
    expect(report.blocking).toBe(false);
  });

  it('replays a task that pins its decision on the version the runtime would evaluate: bound by deployment, a newer table changes no order', async () => {
    const pinned = decidedTiers();
    await stratum.library.deploy([{ ...pinned, xml: pinned.xml.replace('resultVariable="approvalTier" />', 'resultVariable="approvalTier" bindingType="deployment" />') }, approvalTierDmn()],
      { user: 'test', note: 'approval tiers pinned to the table deployed with them' });
    await recordOrders();
    const report = await stratum.impact.analyse([approvalTierDmn(lowerTier)]);

    expect(report.replay.blocked).toBe(0);
    expect(groupsOf(report, 'new-wait')).toEqual([]);
    expect(report.replay.groups.map((group) => group.kind)).toEqual(['unchanged']);
    // nor will a running order evaluate the new table (the latest binding's test above counts two)
    expect(report.decisions[0].runningOrders.willEvaluate.count).toBe(0);
  });

  it('names no decision of a .dmn file deployed as it is: deploying it again keeps every decision at its version', async () => {
    await stratum.library.deploy([approvalTierDmn()], { user: 'test', note: 'approval tiers as a decision table' });
    const report = await stratum.impact.analyse([approvalTierDmn()]);

    expect(report.decisions).toEqual([]);
    // as deploying it is
    const deployed = await stratum.library.deploy([approvalTierDmn()], { user: 'test', note: 'same file' });
    expect(deployed.decisions).toEqual([{ id: 'approval-tier', version: 1, changed: false }]);
  });

  it('blocks the orders whose business rule task calls a decision that is not deployed, as the runtime fails them', async () => {
    await stratum.library.deploy([approvalTierDmn()], { user: 'test', note: 'approval tiers as a decision table' });
    await enter(stratum.runtime, order('SO-600', 600_000));
    // approved and worked to its end: an ended order replays as if entered now, on the candidate's approval
    await decideAll('vice-president', vicePresident);
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      for (const job of await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 10 })) await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
    }
    const report = await stratum.impact.analyse([decidedTiers('approval-level')]);

    expect(report.replay.groups).toEqual([objectWith({
      kind: 'blocked',
      orders: ['SO-600'],
      block: objectWith({
        element: 'credit-order-approval/BusinessRuleTask_DecideTier', reason: 'step-failed',
        message: 'decision approval-level is not deployed', incident: { kind: 'decision-not-found', decisionId: 'approval-level' },
      }),
    })]);
  });
});

/** The approval decision table with its vice-president tier from 400,000 instead of 500,000. */
function lowerTier(xml: string): string {
  return xml.replace('&gt; 500000', '&gt; 400000');
}
