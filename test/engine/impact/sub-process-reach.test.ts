// A change reaches the running orders that can still get into an embedded sub-process, or are inside it, before a
// call activity or a business rule task there; and those in the scope of an event sub-process whose call it changes
// (flow-graph.ts): packing-order's "Fulfil" rates the risk, calls packing, seals the parcel; a lost parcel is
// claimed by packing-claim while it runs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BpmnFile, Stratum } from '../../../engine/index.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const fixtureFile = (path: string): BpmnFile => ({ name: path.split('/').pop()!, xml: readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8') });
const renamed = (path: string, from: string, to: string): BpmnFile => {
  const file = fixtureFile(path);
  expect(file.xml).toContain(from);
  return { ...file, xml: file.xml.replace(from, to) };
};

let fixture: Fixture;
let stratum: Stratum;

beforeAll(async () => {
  fixture = await openFixture({ deployShipped: false });
  stratum = fixture.stratum;
  await stratum.library.deploy(['impact/packing-order.bpmn', 'impact/packing.bpmn', 'impact/packing-claim.bpmn', 'dmn/release-risk.dmn'].map(fixtureFile), { user: 'test' });
  // P-BEFORE waits before the sub-process, P-INSIDE in it before the task and the call, P-AFTER in it after them,
  // P-SHIP after the sub-process
  const steps = ['take-order', 'prepare-packing', 'pack', 'seal-parcel'];
  for (const [orderNo, done] of [['P-BEFORE', 0], ['P-INSIDE', 1], ['P-AFTER', 3], ['P-SHIP', 4]] as const) {
    await stratum.runtime.start('packing-order', { businessKey: orderNo, variables: { orderNo, amount: 800 } });
    for (const type of steps.slice(0, done)) await completeJob(type, orderNo);
  }
}, 60_000);

afterAll(async () => {
  await fixture.dispose();
});

describe('running orders and an embedded sub-process', () => {
  it('lists for a called process the orders before the sub-process and inside it before the call', async () => {
    expect(await willPickUp(renamed('impact/packing.bpmn', 'name="Pack" isExecutable', 'name="Pack it" isExecutable'))).toEqual(['P-BEFORE', 'P-INSIDE']);
  });

  it('lists for a changed decision the orders that can still reach the business rule task inside the sub-process', async () => {
    const report = await stratum.impact.analyse([renamed('dmn/release-risk.dmn', '&gt; 1000', '&gt; 500')], { replay: false });
    const orders = report.decisions[0].runningOrders.willEvaluate.orders;
    expect(orders.map((order) => order.orderNo).sort()).toEqual(['P-BEFORE', 'P-INSIDE']);
    expect(orders.find((order) => order.orderNo === 'P-INSIDE')).toMatchObject({
      waitingAt: [{ processKey: 'packing-order', elementId: 'ServiceTask_Prepare', name: 'Prepare packing' }],
      reaches: [{ processKey: 'packing-order', elementId: 'BusinessRuleTask_RateRisk', name: 'Rate risk' }],
    });
  });

  it('lists for the call of an event sub-process every order that is or will be in its scope, not one past it', async () => {
    expect(await willPickUp(renamed('impact/packing-claim.bpmn', 'name="Claim" isExecutable', 'name="Claim it" isExecutable'))).toEqual(['P-AFTER', 'P-BEFORE', 'P-INSIDE']);
  });
});

// helpers

async function willPickUp(file: BpmnFile): Promise<string[]> {
  const [process] = (await stratum.impact.analyse([file], { replay: false })).processes;
  return [...process.runningOrders.willPickUp.orders].sort();
}

async function completeJob(type: string, businessKey: string): Promise<void> {
  const jobs = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', businessKey, max: 10 });
  expect(jobs).toHaveLength(1);
  await stratum.runtime.completeJob(jobs[0].id, {}, erp, 'worker');
}
