// A what-if replay hands a worker's BPMN error that its called process does not catch to the caller's call activity,
// as the runtime does (called-error.ts): an order whose procurement planning job threw NOT_PLANNABLE failed in
// reality (nothing caught it); replayed on a candidate with an error boundary event for that code on the call of
// prepaid-entry-control, it takes the boundary event's path, where the replay failed it in the called process. So does
// an error end event's error the called process does not catch (uncaught-error-end.ts): an order shipped in reality,
// replayed on a candidate whose prepaid-entry-control ends in an error end event RETURNED that the call catches, takes
// the boundary event's path, where the order went on as if the called process had completed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { asEnteredNow, candidate } from './candidates.js';

/** The call of prepaid-entry-control catches NOT_PLANNABLE with an error boundary event, which ends the order. */
const planningRefusedCaught = () => candidate('sales-order-management', (xml) => xml
  .replace('  <bpmn:process id="sales-order-management"', '  <bpmn:error id="Error_NotPlannable" name="Not plannable" errorCode="NOT_PLANNABLE" />\n  <bpmn:process id="sales-order-management"')
  .replace('  </bpmn:process>', '    <bpmn:boundaryEvent id="Boundary_NotPlannable" attachedToRef="CallActivity_PrepaidEntryControl"><bpmn:errorEventDefinition errorRef="Error_NotPlannable" /></bpmn:boundaryEvent>\n' +
    '    <bpmn:sequenceFlow id="Flow_NotPlannable" sourceRef="Boundary_NotPlannable" targetRef="End_NotPlannable" />\n' +
    '    <bpmn:endEvent id="End_NotPlannable" name="Not plannable" />\n  </bpmn:process>'));

let dataDir: string;
let store: Store;
let stratum: Stratum;
let recorded: RecordedOrder;
let shipped: RecordedOrder;

/** prepaid-entry-control ends in an error end event RETURNED, which an error boundary event on its call catches. */
const returnedCaught = () => [
  candidate('prepaid-entry-control', (xml) => xml
    .replace('  <bpmn:process id="prepaid-entry-control"', '  <bpmn:error id="Error_Returned" name="Returned" errorCode="RETURNED" />\n  <bpmn:process id="prepaid-entry-control"')
    .replace('<bpmn:incoming>Flow_ShipOrder_Shipped</bpmn:incoming>', '<bpmn:incoming>Flow_ShipOrder_Shipped</bpmn:incoming>\n      <bpmn:errorEventDefinition errorRef="Error_Returned" />')),
  candidate('sales-order-management', (xml) => xml
    .replace('  <bpmn:process id="sales-order-management"', '  <bpmn:error id="Error_Returned" name="Returned" errorCode="RETURNED" />\n  <bpmn:process id="sales-order-management"')
    .replace('  </bpmn:process>', '    <bpmn:boundaryEvent id="Boundary_Returned" attachedToRef="CallActivity_PrepaidEntryControl"><bpmn:errorEventDefinition errorRef="Error_Returned" /></bpmn:boundaryEvent>\n' +
      '    <bpmn:sequenceFlow id="Flow_Returned" sourceRef="Boundary_Returned" targetRef="End_Returned" />\n' +
      '    <bpmn:endEvent id="End_Returned" name="Returned" />\n  </bpmn:process>')),
];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-called-error-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  await enter(stratum.runtime, order('SO-NP', 450_000, 'prepaid-at-entry'));
  await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-NP', actor: 'bank' });
  const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner', businessKey: 'SO-NP' });
  await stratum.runtime.throwJobError(job.id, { errorCode: 'NOT_PLANNABLE', workerId: 'planner' }, erp);
  await enter(stratum.runtime, order('SO-RT', 450_000, 'prepaid-at-entry'));
  await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-RT', actor: 'bank' });
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    const [next] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'planner', businessKey: 'SO-RT' });
    await stratum.runtime.completeJob(next.id, {}, erp, 'planner');
  }
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) {
    if (one.orderNo === 'SO-NP') recorded = asEnteredNow(one);
    if (one.orderNo === 'SO-RT') shipped = asEnteredNow(one);
  }
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a candidate that catches a called process\'s job error at its call activity, in the replay', () => {
  it('takes the error boundary event\'s path of the call activity', async () => {
    expect(recorded.actions).toContainEqual(expect.objectContaining({ kind: 'job-error', errorCode: 'NOT_PLANNABLE' }));
    const library = await CandidateLibrary.open(store, [planningRefusedCaught()]);
    const replayed = await replayOrder(library, recorded);
    expect(replayed.completed).toContain('sales-order-management/Boundary_NotPlannable');
    expect(replayed.completed).toContain('sales-order-management/End_NotPlannable');
    // the call left, its called instance ends with it, production planning's job among what it still waited for
    // (replay-sandbox.ts, endAbandonedCalls), as in the runtime: nothing of it is waited for
    expect(replayed.waiting.filter(({ element }) => element.startsWith('prepaid-entry-control/'))).toEqual([]);
  }, 120_000);
});

describe('a candidate whose called process ends in an error end event its call activity catches, in the replay', () => {
  it('takes the error boundary event\'s path of the call activity, not the call\'s normal flow', async () => {
    const library = await CandidateLibrary.open(store, returnedCaught());
    const replayed = await replayOrder(library, shipped);
    expect(replayed.completed).toContain('prepaid-entry-control/EndEvent_OrderShipped');
    expect(replayed.completed).toContain('sales-order-management/End_Returned');
    expect(replayed.completed).not.toContain('sales-order-management/EndEvent_PrepaidAtEntryFulfilled');
  }, 120_000);

  it('is blocked at the error end event when nothing catches it, as the runtime fails the order there', async () => {
    const library = await CandidateLibrary.open(store, returnedCaught().slice(0, 1));
    const replayed = await replayOrder(library, shipped);
    expect(replayed.status).toBe('blocked');
    expect(replayed.block).toEqual(expect.objectContaining({ element: 'prepaid-entry-control/EndEvent_OrderShipped' }));
    expect(replayed.completed).not.toContain('sales-order-management/EndEvent_PrepaidAtEntryFulfilled');
  }, 120_000);
});
