// A candidate that fails a replayed order where the runtime would raise an incident blocks it with the
// runtime's reason (replay-blocks.ts), whichever replay plays it: a condition that reads a variable
// nobody supplies is `condition-failed` naming its flow, as the live incident says (the deployment refuses such
// a condition; the analysis plays candidates before any deployment), a gateway none of whose conditions is true and
// that has no default flow is `no-flow-taken` naming the gateway, and a job type expression that reads a variable
// nobody supplies is `job-type-failed`. A call of a process the candidate library does not have is
// `called-element-failed` at the call, which an error boundary event on it does not catch (as at run time), and a
// call of the process taking orders is refused by the order border (`order-entry-only`) as the runtime refuses it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { enter, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { asEnteredNow, candidate } from './candidates.js';

const TIER = '=reportingAmount &gt; 1000000';
/** The director's tier reads a credit limit no order supplies. */
const limitTier = () => candidate('credit-order-approval', (xml) => xml.replace(TIER, '=reportingAmount &gt; creditLimit'));
/** The amount tier has no default flow any more, and its tiers leave out 1,000,000 to 5,000,000. */
const tierGap = () => candidate('credit-order-approval', (xml) => xml
  .replace(' default="Flow_AmountTier_UpTo500000"', '')
  .replace(TIER, '=reportingAmount &gt; 5000000')
  .replace(/(<bpmn:sequenceFlow id="Flow_AmountTier_UpTo500000"[^>]*?) \/>/, '$1><bpmn:conditionExpression>=reportingAmount &lt;= 500000</bpmn:conditionExpression></bpmn:sequenceFlow>'));
/** The paid prepaid order's procurement job type reads a plant no order supplies. */
const plantJobType = () => candidate('prepaid-entry-control', (xml) => xml.replace('type="procurement-planning"', 'type="=&quot;procurement-&quot; + plant"'));

/** The approval call names a process nobody deployed, and an error boundary event on it would end the order. */
const approvalNowhere = () => candidate('sales-order-management', (xml) => xml
  .replace('processId="credit-order-approval" propagateAllChildVariables="true"', 'processId="credit-order-approval-v2" propagateAllChildVariables="true"')
  .replace('  </bpmn:process>', '    <bpmn:boundaryEvent id="Boundary_ApprovalFailed" attachedToRef="CallActivity_ApproveCreditOrder"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>\n' +
    '    <bpmn:sequenceFlow id="Flow_ApprovalFailed" sourceRef="Boundary_ApprovalFailed" targetRef="End_ApprovalFailed" />\n' +
    '    <bpmn:endEvent id="End_ApprovalFailed" name="Approval failed" />\n  </bpmn:process>'));

/** The approval call starts the order process itself, which takes orders (deployment refuses it; the analysis plays it). */
const approvalCallsOrderEntry = () => candidate('sales-order-management', (xml) => xml
  .replace('processId="credit-order-approval" propagateAllChildVariables="true"', 'processId="order-to-cash" propagateAllChildVariables="true"'));

let dataDir: string;
let store: Store;
let stratum: Stratum;
let recorded: RecordedOrder;
let prepaid: RecordedOrder;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-reasons-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  await enter(stratum.runtime, order('SO-TIER', 3_000_000));
  await enter(stratum.runtime, order('SO-PRE', 450_000, 'prepaid-at-entry'));
  await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-PRE', actor: 'bank' });
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) {
    // running: replayed as if entered now, so the candidate's versions play them (a running order keeps its own)
    if (one.orderNo === 'SO-TIER') recorded = asEnteredNow(one);
    if (one.orderNo === 'SO-PRE') prepaid = asEnteredNow(one);
  }
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a candidate whose condition cannot be evaluated, in the replay', () => {
  it('blocks the order on both replays with the runtime\'s condition-failed reason naming the flow', async () => {
    const file = limitTier();
    expect(file.xml).toContain('creditLimit');
    const library = await CandidateLibrary.open(store, [file]);
    const replayed = await replayOrder(library, recorded);
    expect(replayed).toMatchObject({
      status: 'blocked',
      block: { reason: 'step-failed', incident: { kind: 'condition-failed', flowId: 'Flow_AmountTier_Above1000000' } },
    });
    expect(await new FastReplay(library).replay(recorded)).toStrictEqual(replayed);
  }, 120_000);
});

describe('a candidate whose gateway takes none of its flows, in the replay', () => {
  it('blocks the order on both replays with the runtime\'s no-flow-taken reason naming the gateway', async () => {
    const file = tierGap();
    expect(file.xml).toContain('=reportingAmount &lt;= 500000');
    const library = await CandidateLibrary.open(store, [file]);
    const replayed = await replayOrder(library, recorded);
    expect(replayed).toMatchObject({
      status: 'blocked',
      block: { element: 'credit-order-approval/Gateway_AmountTier', reason: 'step-failed', incident: { kind: 'no-flow-taken', elementId: 'Gateway_AmountTier' } },
    });
    expect(await new FastReplay(library).replay(recorded)).toStrictEqual(replayed);
  }, 120_000);
});

describe('a candidate whose job type expression cannot be evaluated, in the replay', () => {
  it('blocks the paid order on both replays with the runtime\'s job-type-failed reason', async () => {
    const library = await CandidateLibrary.open(store, [plantJobType()]);
    const replayed = await replayOrder(library, prepaid);
    expect(replayed).toMatchObject({
      status: 'blocked',
      block: { element: 'prepaid-entry-control/ServiceTask_PlanProcurement', reason: 'step-failed', incident: { kind: 'job-type-failed' } },
    });
    expect(await new FastReplay(library).replay(prepaid)).toStrictEqual(replayed);
  }, 120_000);
});

describe('a candidate whose call activity calls a process the library does not have, in the replay', () => {
  it('blocks the order at the call with the runtime\'s called-element-failed reason, not the error boundary event\'s path', async () => {
    const file = approvalNowhere();
    expect(file.xml).toContain('Boundary_ApprovalFailed');
    const library = await CandidateLibrary.open(store, [file]);
    const replayed = await replayOrder(library, recorded);
    expect(replayed).toMatchObject({
      status: 'blocked',
      block: {
        element: 'sales-order-management/CallActivity_ApproveCreditOrder', reason: 'step-failed',
        incident: { kind: 'called-element-failed', calledElement: 'credit-order-approval-v2' },
      },
    });
    expect(replayed.completed).not.toContain('sales-order-management/Boundary_ApprovalFailed');
  }, 120_000);
});

describe('a candidate whose call activity crosses the order border, in the replay', () => {
  it('blocks the order at the call with the runtime\'s order-entry-only reason instead of starting the order process inside the order', async () => {
    const file = approvalCallsOrderEntry();
    expect(file.xml).toContain('processId="order-to-cash"');
    const library = await CandidateLibrary.open(store, [file]);
    const replayed = await replayOrder(library, recorded);
    expect(replayed).toMatchObject({
      status: 'blocked',
      block: {
        element: 'sales-order-management/CallActivity_ApproveCreditOrder', reason: 'step-failed',
        incident: { kind: 'order-entry-only', calledElement: 'order-to-cash', border: 'takes-orders' },
      },
    });
    // the fast replay leaves an order that meets the border to the sandbox
    expect(await new FastReplay(library).replay(recorded)).toBeUndefined();
  }, 120_000);
});
