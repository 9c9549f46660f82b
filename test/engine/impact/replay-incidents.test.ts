// Incidents in the replay: an order whose incident was retried and then went on replays the retry as the
// runtime ran it, and an order whose incident was closed by its cancel replays the cancel as the runtime ran it
// (docs/impact.md, "How replay works"), on both replays alike. Against the deployed files such an order is
// unchanged; a candidate that changes what follows the retry still reports that change; a candidate that no
// longer raises the incident has nothing for the retry (or the cancel's closing) to act on, and says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type BpmnFile, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder, type ReplayedRoute } from '../../../engine/impact/replay-sandbox.js';
import { replayOrders } from '../../../engine/impact/replay.js';
import { compareRoutes } from '../../../engine/impact/route-comparison.js';
import type { Store } from '../../../engine/store/types.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { candidate } from './candidates.js';

const ops = { name: 'otto', groups: ['operations'] };

let dataDir: string;
let store: Store;
let stratum: Stratum;
let jobRetried: RecordedOrder;
let stepRetried: RecordedOrder;
let jobCancelled: RecordedOrder;
let stepCancelled: RecordedOrder;
let cancelledWaiting: RecordedOrder;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-retries-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy([...shippedDiagrams(), { name: 'stock-order.bpmn', xml: stockOrder('=stockLevel &gt; 0') }], { user: 'test' });
  const { runtime } = stratum;

  // a prepaid order whose procurement job ran out of retries (ERP down), retried by operations, then planned and shipped
  await enter(runtime, order('SO-RETRIED', 450_000, 'prepaid-at-entry'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-RETRIED', actor: 'bank' });
  const [procurement] = await runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'worker' });
  await runtime.failJob(procurement.id, { message: 'ERP down', retries: 0, workerId: 'worker' }, erp);
  const { items: [jobIncident] } = await runtime.findIncidents({ businessKey: 'SO-RETRIED' });
  expect(jobIncident).toMatchObject({ kind: 'job', elementId: 'ServiceTask_PlanProcurement' });
  await runtime.retryIncident(jobIncident.id, { variables: { erpNote: 'ERP back' } }, ops);
  await completeJobs('SO-RETRIED', ['procurement-planning', 'production-planning', 'shipping']);

  // an order whose stock check's worker sent no stock level: the gateway's condition failed (a step incident),
  // retried with the level, then shipped
  await runtime.start('stock-order', { businessKey: 'ST-1', actor: 'erp' });
  await completeJobs('ST-1', ['stock-check']);
  const { items: [stepIncident] } = await runtime.findIncidents({ businessKey: 'ST-1' });
  expect(stepIncident).toMatchObject({ kind: 'step', elementId: 'Gateway_InStock' });
  await runtime.retryIncident(stepIncident.id, { variables: { stockLevel: 5 } }, ops);
  await completeJobs('ST-1', ['shipping']);

  // a prepaid order whose procurement job ran out of retries, cancelled by operations instead of retried
  await enter(runtime, order('SO-GAVE-UP', 450_000, 'prepaid-at-entry'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-GAVE-UP', actor: 'bank' });
  const [abandoned] = await runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'worker', businessKey: 'SO-GAVE-UP' });
  await runtime.failJob(abandoned.id, { message: 'ERP down', retries: 0, workerId: 'worker' }, erp);
  const { items: [abandonedIncident] } = await runtime.findIncidents({ businessKey: 'SO-GAVE-UP' });
  await runtime.cancel(abandonedIncident.rootInstanceId, ops, { reason: 'customer withdrew' });

  // a stock order whose gateway failed (no stock level), cancelled instead of retried
  const { instance: stepFailed } = await runtime.start('stock-order', { businessKey: 'ST-GAVE-UP', actor: 'erp' });
  await completeJobs('ST-GAVE-UP', ['stock-check']);
  expect((await runtime.findIncidents({ businessKey: 'ST-GAVE-UP' })).items).toEqual([expect.objectContaining({ kind: 'step', elementId: 'Gateway_InStock' })]);
  await runtime.cancel(stepFailed.id, ops, { reason: 'customer withdrew' });

  // a stock order cancelled while it waited for shipping: no incident
  const { instance: waiting } = await runtime.start('stock-order', { businessKey: 'ST-WITHDRAWN', actor: 'erp' });
  for (const job of await runtime.fetchAndLockJobs({ type: 'stock-check', workerId: 'worker', businessKey: 'ST-WITHDRAWN' })) {
    await runtime.completeJob(job.id, { stockLevel: 5 }, erp, 'worker');
  }
  await runtime.cancel(waiting.id, ops, { reason: 'customer withdrew' });

  jobRetried = await recorded('order-to-cash', 'SO-RETRIED');
  stepRetried = await recorded('stock-order', 'ST-1');
  expect(jobRetried.actual.status).toBe('completed');
  expect(stepRetried.actual.status).toBe('completed');
  jobCancelled = await recorded('order-to-cash', 'SO-GAVE-UP');
  stepCancelled = await recorded('stock-order', 'ST-GAVE-UP');
  cancelledWaiting = await recorded('stock-order', 'ST-WITHDRAWN');
  for (const one of [jobCancelled, stepCancelled, cancelledWaiting]) expect(one.actual.status).toBe('cancelled');
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a job incident retried, then completed', () => {
  it('reads the retry from the history, with its variables', () => {
    expect(jobRetried.actions.filter((action) => action.kind === 'retry')).toEqual([expect.objectContaining({
      kind: 'retry', processKey: 'prepaid-entry-control', elementId: 'ServiceTask_PlanProcurement', job: true,
      variables: { erpNote: 'ERP back' }, actor: 'otto',
    })]);
  });

  it('is unchanged against the deployed files, on both replays alike', async () => {
    const { engine, change } = await bothReplays([], jobRetried);
    expect(engine.status).toBe('completed');
    expect(engine.completed).toContain('prepaid-entry-control/ServiceTask_ShipOrder');
    expect(change).toEqual({ kind: 'unchanged', description: 'unchanged' });
  }, 120_000);

  it('still reports a change after the retry: a new task before shipping is a new wait', async () => {
    const { change } = await bothReplays([confirmBeforeShipping()], jobRetried);
    expect(change).toEqual({ kind: 'new-wait', description: 'would now wait for "Confirm shipment" (sales)' });
  }, 120_000);

  it('refuses a retry\'s variable the candidate decides, as the runtime refuses it', async () => {
    // shipping now decides erpNote: an operator's retry may not set it
    const decided = candidate('prepaid-entry-control', (xml) => xml.replace('<zeebe:taskDefinition type="shipping" />',
      '<zeebe:taskDefinition type="shipping" />\n        <zeebe:ioMapping><zeebe:output source="=trackingNo" target="erpNote" /></zeebe:ioMapping>'));
    const { engine, change } = await bothReplays([decided], jobRetried);
    expect(engine.block).toMatchObject({ element: 'prepaid-entry-control/ServiceTask_PlanProcurement', reason: 'decision-refused' });
    expect(engine.block!.message).toContain('erpNote');
    expect(change.kind).toBe('blocked');
  }, 120_000);
});

describe('a step incident (a condition on a variable the worker did not send) retried with variables', () => {
  it('reads the retry from the history, with its variables', () => {
    expect(stepRetried.actions.filter((action) => action.kind === 'retry')).toEqual([expect.objectContaining({
      kind: 'retry', processKey: 'stock-order', elementId: 'Gateway_InStock', job: false, variables: { stockLevel: 5 },
    })]);
  });

  it('is unchanged against the deployed files, on both replays alike', async () => {
    const { engine, change } = await bothReplays([], stepRetried);
    expect(engine.status).toBe('completed');
    expect(engine.completed).toContain('stock-order/ServiceTask_Ship');
    expect(change).toEqual({ kind: 'unchanged', description: 'unchanged' });
  }, 120_000);

  it('still reports a change after the retry: the retry\'s stock level now goes to backorder', async () => {
    const { change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=stockLevel &gt; 10') }], stepRetried);
    expect(change).toEqual({ kind: 'route-changed', description: 'would now pass "Backordered"; would skip "Ship", "Shipped"' });
  }, 120_000);

  it('skips the retry when the candidate no longer raises the incident, and the route shows it', async () => {
    // the gateway no longer reads the stock level (FEEL fails on a null however it is compared): every order goes to
    // backorder, where it waits for sales
    const { engine, change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=false', true) }], stepRetried);
    expect(engine.status).toBe('running');
    expect(engine.unused).toEqual([
      { kind: 'retry', element: 'stock-order/Gateway_InStock' },
      { kind: 'job', element: 'stock-order/ServiceTask_Ship' },
    ]);
    expect(change).toEqual({ kind: 'new-wait', description: 'would now wait for "Confirm backorder" (sales)' });
  }, 120_000);

  it('blocks where the candidate fails the retried step again, as the runtime refuses such a retry', async () => {
    const { engine, change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=stockLevel &gt; minimum') }], stepRetried);
    expect(engine.block).toMatchObject({ element: 'stock-order/Gateway_InStock', reason: 'step-failed', incident: { kind: 'condition-failed' } });
    expect(change.kind).toBe('blocked');
  }, 120_000);
});

describe('a job incident closed by the order\'s cancel', () => {
  it('reads the incident the cancel closed, not its callers\' that follow from it', () => {
    expect(jobCancelled.actions.filter((action) => action.kind === 'cancel')).toEqual([expect.objectContaining({
      kind: 'cancel', incidents: [{ processKey: 'prepaid-entry-control', elementId: 'ServiceTask_PlanProcurement', job: true }],
    })]);
  });

  it('is unchanged against the deployed files, cancelled, on both replays alike', async () => {
    const { engine, change } = await bothReplays([], jobCancelled);
    expect(engine.status).toBe('cancelled');
    expect(engine.unused).toEqual([]);
    expect(change).toEqual({ kind: 'unchanged', description: 'unchanged' });
  }, 120_000);
});

describe('a step incident closed by the order\'s cancel', () => {
  it('reads the incident the cancel closed', () => {
    expect(stepCancelled.actions.filter((action) => action.kind === 'cancel')).toEqual([expect.objectContaining({
      kind: 'cancel', incidents: [{ processKey: 'stock-order', elementId: 'Gateway_InStock', job: false }],
    })]);
  });

  it('is unchanged against the deployed files, cancelled, on both replays alike', async () => {
    const { engine, change } = await bothReplays([], stepCancelled);
    expect(engine.status).toBe('cancelled');
    expect(change).toEqual({ kind: 'unchanged', description: 'unchanged' });
  }, 120_000);

  it('says the order would no longer fail where the candidate does not fail: it would have gone on until the cancel', async () => {
    // every order goes to backorder, where it waits for sales until the cancel
    const { engine, change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=false', true) }], stepCancelled);
    expect(engine.status).toBe('cancelled');
    expect(engine.unused).toEqual([{ kind: 'cancel', element: 'stock-order/Gateway_InStock' }]);
    expect(change).toEqual({ kind: 'route-changed', description: 'would no longer fail at "In stock?" before it was cancelled' });
  }, 120_000);

  it('says what else differs where the candidate ends the order before the cancel', async () => {
    const { engine, change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=false') }], stepCancelled);
    expect(engine.status).toBe('completed');
    expect(change).toEqual({ kind: 'route-changed', description: 'would now pass "Backordered"' });
  }, 120_000);

  it('still blocks an order cancelled without an incident where the candidate fails a step', async () => {
    const { engine, change } = await bothReplays([{ name: 'stock-order.bpmn', xml: stockOrder('=stockLevel &gt; minimum') }], cancelledWaiting);
    expect(engine.block).toMatchObject({ element: 'stock-order/Gateway_InStock', reason: 'step-failed' });
    expect(change.kind).toBe('blocked');
  }, 120_000);
});

describe('the replay of every order, grouped', () => {
  it('reports the deployed files unchanged for every recorded order, on the fast path and on bpmn-engine alike', async () => {
    const library = await CandidateLibrary.open(store, []);
    for (const processKey of ['order-to-cash', 'stock-order']) {
      const fast = await replayOrders(store, library, { processKey });
      const engine = await replayOrders(store, library, { processKey }, { fast: false });
      expect(fast.paths.engine).toBe(0);
      expect(fast.groups).toEqual([expect.objectContaining({ kind: 'unchanged' })]);
      expect(engine.groups).toEqual(fast.groups);
    }
  }, 120_000);
});

// helpers

async function completeJobs(businessKey: string, types: string[]) {
  for (const type of types) {
    for (const job of await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', businessKey, max: 10 })) {
      await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
    }
  }
}

async function recorded(processKey: string, orderNo: string): Promise<RecordedOrder> {
  for await (const { order: one } of recordedOrders(store, { processKey })) if (one.orderNo === orderNo) return one;
  throw new Error(`no recorded order ${orderNo}`);
}

/** The order replayed on bpmn-engine and on the fast path (which must give the same route record), and its change. */
async function bothReplays(files: BpmnFile[], one: RecordedOrder): Promise<{ engine: ReplayedRoute; change: ReturnType<typeof compareRoutes> }> {
  const library = await CandidateLibrary.open(store, files);
  const engine = await replayOrder(library, one);
  expect(await new FastReplay(library).replay(one)).toStrictEqual(engine);
  const report = await replayOrders(store, library, { processKey: one.processKey, last: 50 }, { fast: false });
  const group = report.groups.find((candidateGroup) => candidateGroup.orders.includes(one.orderNo))!;
  return { engine, change: { kind: group.kind, description: group.description, ...(group.block && { block: group.block }) } };
}

/** prepaid-entry-control with a sales confirmation between planning and shipping. */
function confirmBeforeShipping(): BpmnFile {
  return candidate('prepaid-entry-control', (xml) => xml
    .replace('<bpmn:sequenceFlow id="Flow_PlanningComplete_ShipOrder" sourceRef="Gateway_PlanningComplete" targetRef="ServiceTask_ShipOrder" />',
      `<bpmn:sequenceFlow id="Flow_PlanningComplete_Confirm" sourceRef="Gateway_PlanningComplete" targetRef="UserTask_ConfirmShipment" />
    <bpmn:userTask id="UserTask_ConfirmShipment" name="Confirm shipment">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_Confirm_ShipOrder" sourceRef="UserTask_ConfirmShipment" targetRef="ServiceTask_ShipOrder" />`));
}

/**
 * A stock check whose worker reports the stock level, then shipping when the gateway's condition holds, else a
 * backorder (`confirmBackorder`: sales confirms it first).
 */
function stockOrder(inStock: string, confirmBackorder = false): string {
  const backorder = confirmBackorder
    ? `<bpmn:sequenceFlow id="Flow_Backorder" sourceRef="Gateway_InStock" targetRef="UserTask_ConfirmBackorder" />
    <bpmn:userTask id="UserTask_ConfirmBackorder" name="Confirm backorder">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F4" sourceRef="UserTask_ConfirmBackorder" targetRef="End_Backordered" />`
    : '<bpmn:sequenceFlow id="Flow_Backorder" sourceRef="Gateway_InStock" targetRef="End_Backordered" />';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_stock" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="stock-order" name="Stock order" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="ServiceTask_CheckStock" />
    <bpmn:serviceTask id="ServiceTask_CheckStock" name="Check stock">
      <bpmn:extensionElements><zeebe:taskDefinition type="stock-check" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="ServiceTask_CheckStock" targetRef="Gateway_InStock" />
    <bpmn:exclusiveGateway id="Gateway_InStock" name="In stock?" default="Flow_Backorder" />
    <bpmn:sequenceFlow id="Flow_Ship" sourceRef="Gateway_InStock" targetRef="ServiceTask_Ship">
      <bpmn:conditionExpression>${inStock}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    ${backorder}
    <bpmn:serviceTask id="ServiceTask_Ship" name="Ship">
      <bpmn:extensionElements><zeebe:taskDefinition type="shipping" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F3" sourceRef="ServiceTask_Ship" targetRef="End_Shipped" />
    <bpmn:endEvent id="End_Shipped" name="Shipped" />
    <bpmn:endEvent id="End_Backordered" name="Backordered" />
  </bpmn:process>
</bpmn:definitions>`;
}
