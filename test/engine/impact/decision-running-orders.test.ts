// A changed decision reaches the running orders that can still reach a business rule task calling it: a task
// evaluates the latest version of its decision when it is reached, so those orders will evaluate the new version,
// and an order that has passed the task, or whose route a condition already false keeps away from it, will not.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BpmnFile, ImpactReport, Stratum } from '../../../engine/index.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const fixtureFile = (path: string): BpmnFile => ({ name: path.split('/').pop()!, xml: readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8') });
const releaseRisk = (change: (xml: string) => string = (xml) => xml): BpmnFile => {
  const file = fixtureFile('dmn/release-risk.dmn');
  return { ...file, xml: change(file.xml) };
};
/** The risk table with its high tier from 500 instead of 1,000. */
const lowerThreshold = (xml: string) => xml.replace('&gt; 1000', '&gt; 500');

let fixture: Fixture;
let stratum: Stratum;

beforeAll(async () => {
  fixture = await openFixture({ deployShipped: false });
  stratum = fixture.stratum;
  await stratum.library.deploy([fixtureFile('impact/release-order.bpmn'), fixtureFile('impact/release-rating.bpmn'), releaseRisk()], { user: 'test', note: 'releases rated by risk' });
  // R-TAKE waits in release-order, before the call that starts release-rating
  await start('R-TAKE', true);
  // R-PREPARE and R-UNRATED wait in release-rating before the gateway: one needs a rating, one does not
  for (const [orderNo, needsRating] of [['R-PREPARE', true], ['R-UNRATED', false]] as const) {
    await start(orderNo, needsRating);
    await completeJobs('take-order', orderNo);
  }
  // R-SHIP was rated (by version 1) and waits to be shipped
  await start('R-SHIP', true);
  await completeJobs('take-order', 'R-SHIP');
  await completeJobs('prepare-release', 'R-SHIP');
}, 60_000);

afterAll(async () => {
  await fixture.dispose();
});

describe('the running orders a changed decision reaches', () => {
  it('names the orders that can still reach a business rule task calling it, where they wait and the task they reach', async () => {
    const report = await stratum.impact.analyse([releaseRisk(lowerThreshold)], { replay: false });
    const [decision] = report.decisions;
    expect(decision).toMatchObject({ id: 'release-risk', version: 2, previousVersion: 1 });
    const rateRisk = { processKey: 'release-rating', elementId: 'BusinessRuleTask_RateRisk', name: 'Rate risk' };
    expect(byOrder(decision)).toEqual({
      // in its own instance of release-rating
      'R-PREPARE': { waitingAt: [{ processKey: 'release-rating', elementId: 'ServiceTask_Prepare', name: 'Prepare release' }], reaches: [rateRisk] },
      // in the release-rating its call will start
      'R-TAKE': { waitingAt: [{ processKey: 'release-order', elementId: 'ServiceTask_TakeOrder', name: 'Take order' }], reaches: [rateRisk] },
    });
    expect(decision.runningOrders.willEvaluate.count).toBe(2);
  });

  it('leaves out the order that has passed the task and the one whose route a condition already false keeps from it', async () => {
    const report = await stratum.impact.analyse([releaseRisk(lowerThreshold)], { replay: false });
    const listed = report.decisions[0].runningOrders.willEvaluate.orders.map((order) => order.orderNo);
    expect(listed).not.toContain('R-SHIP');
    expect(listed).not.toContain('R-UNRATED');
    // both are running orders: the processes' running orders count them
    const [rating] = (await stratum.impact.analyse([{ ...fixtureFile('impact/release-rating.bpmn'), xml: fixtureFile('impact/release-rating.bpmn').xml.replace('name="Ship"', 'name="Ship it"') }], { replay: false })).processes;
    expect(rating.runningOrders.inside.orders.map((order) => order.orderNo).sort()).toEqual(['R-PREPARE', 'R-SHIP', 'R-UNRATED']);
  });

  it('follows a call to the version the change brings: a task the candidate adds is reached by the orders that will start it', async () => {
    // the candidate rates the releases that need no rating too, with a task of its own on the "no" branch
    const rating = fixtureFile('impact/release-rating.bpmn');
    const rateUnrated = { ...rating, xml: rating.xml
      .replace('sourceRef="Gateway_NeedsRating" targetRef="ServiceTask_Ship"', 'sourceRef="Gateway_NeedsRating" targetRef="BusinessRuleTask_RateUnrated"')
      .replace('<bpmn:serviceTask id="ServiceTask_Ship"', `<bpmn:businessRuleTask id="BusinessRuleTask_RateUnrated" name="Rate unrated release">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="release-risk" resultVariable="risk" /></bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="Flow_RatedUnrated" sourceRef="BusinessRuleTask_RateUnrated" targetRef="ServiceTask_Ship" />
    <bpmn:serviceTask id="ServiceTask_Ship"`) };
    const report = await stratum.impact.analyse([rateUnrated, releaseRisk(lowerThreshold)], { replay: false });
    const reached = byOrder(report.decisions[0]);
    // R-TAKE will start version 2 (the call's latest binding), from its start: both tasks
    expect(reached['R-TAKE'].reaches.map((task) => task.elementId).sort()).toEqual(['BusinessRuleTask_RateRisk', 'BusinessRuleTask_RateUnrated']);
    // the others run version 1, which has no such task: R-UNRATED still reaches none
    expect(reached['R-PREPARE'].reaches.map((task) => task.elementId)).toEqual(['BusinessRuleTask_RateRisk']);
    expect(Object.keys(reached).sort()).toEqual(['R-PREPARE', 'R-TAKE']);
  });

  it('counts none for a decision no business rule task calls', async () => {
    const report = await stratum.impact.analyse([releaseRisk((xml) => xml.replaceAll('release-risk', 'release-priority'))], { replay: false });
    expect(report.decisions.map((decision) => [decision.id, decision.runningOrders])).toEqual([['release-priority', { willEvaluate: { count: 0, orders: [] } }]]);
  });
});

// helpers

async function start(orderNo: string, needsRating: boolean): Promise<void> {
  await stratum.runtime.start('release-order', { businessKey: orderNo, variables: { amount: 800, needsRating } });
}

async function completeJobs(type: string, businessKey: string): Promise<void> {
  const jobs = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', businessKey, max: 10 });
  expect(jobs).toHaveLength(1);
  for (const job of jobs) await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
}

function byOrder(decision: ImpactReport['decisions'][number]) {
  return Object.fromEntries(decision.runningOrders.willEvaluate.orders.map(({ orderNo, ...reached }) => [orderNo, reached]));
}
