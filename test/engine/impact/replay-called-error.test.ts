// A what-if replay hands a worker's BPMN error that its called process does not catch to the caller's call activity,
// as the runtime does (called-error.ts): an order whose procurement planning job threw NOT_PLANNABLE failed in
// reality (nothing caught it); replayed on a candidate with an error boundary event for that code on the call of
// prepaid-entry-control, it takes the boundary event's path, where the replay failed it in the called process.
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

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-called-error-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  await enter(stratum.runtime, order('SO-NP', 450_000, 'prepaid-at-entry'));
  await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-NP', actor: 'bank' });
  const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'planner', businessKey: 'SO-NP' });
  await stratum.runtime.throwJobError(job.id, { errorCode: 'NOT_PLANNABLE', workerId: 'planner' }, erp);
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) {
    if (one.orderNo === 'SO-NP') recorded = asEnteredNow(one);
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
  }, 120_000);
});
