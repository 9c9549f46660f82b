// The fast replay against the engine replay, order by order: for the shipped
// library and the candidate variants of the impact tests, every recorded
// order (run live through the runtime) and a hundred generated ones
// (prepaid and credit, amounts around every threshold, special changes,
// order changes, rejections, refused and missing decisions, decisions by the
// order's starter or a change's requester, two acknowledgements of one special change by one person, cancels, failed jobs, incident retries and cancels, running orders cut short) must give
// exactly the route record the bpmn-engine sandbox gives. Generated orders
// are seeded, so a failure repeats.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type BpmnFile, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedAction, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import { replayOrders } from '../../../engine/impact/replay.js';
import type { Store } from '../../../engine/store/types.js';
import { director, enter, erp, order, SAMPLE_RATES, SERVER_ROLES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';
import { candidate, exportControlBeforeApproval } from './candidates.js';

// Each is replayed on bpmn-engine once per variant, the suite's costliest loop: 200 took 4 minutes of a CI run's CPU,
// and a hundred still reach every outcome each variant must (the kinds checked below fail the test if one is lost).
const GENERATED = 100;

let dataDir: string;
let store: Store;
let stratum: Stratum;
let recorded: RecordedOrder[];
let generated: RecordedOrder[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-fast-replay-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  await recordOrders();
  recorded = [];
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash', last: 100 })) recorded.push(one);
  generated = generateOrders(recorded.find((one) => one.orderNo === 'SO-350')!, GENERATED);
}, 600_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The outcomes the generated orders reach on every variant (a variant adds its own), so the comparison covers each. */
const OUTCOMES = ['blocked:decision-refused', 'cancelled', 'completed', 'failed', 'running'];

/** Each variant's candidate files, and the outcomes its replay must reach besides OUTCOMES. */
const VARIANTS: Record<string, () => BpmnFile[]> = {
  'the shipped library unchanged': () => [],
  'the vice-president from 400,000': () => [candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000'))],
  'a new control process called from sales-order-management': exportControlBeforeApproval,
  'a decision the new version needs that was never recorded': () => [candidate('credit-order-approval', (xml) => xml
    .replace('<zeebe:output source="=comment" target="vicePresidentComment" />',
      '<zeebe:output source="=comment" target="vicePresidentComment" />\n          <zeebe:output source="=riskAccepted" target="vicePresidentRiskAccepted" />')
    .replace('>=vicePresidentApproved<', '>=vicePresidentApproved and vicePresidentRiskAccepted<'))],
  'an assignment expression giving the director\'s task to a server role\'s account': () => [candidate('credit-order-approval', (xml) => xml
    .replace('<zeebe:assignmentDefinition candidateGroups="sales-director" />',
      '<zeebe:assignmentDefinition assignee="=if reportingAmount &gt; 1000000 then &quot;erp&quot; else null" candidateGroups="sales-director" />'))],
};

const VARIANT_OUTCOMES: Record<string, string[]> = {
  'the shipped library unchanged': ['blocked:four-eyes', 'blocked:four-eyes-change-requester', 'blocked:four-eyes-distinct-deciders', 'rejected'],
  'the vice-president from 400,000': ['blocked:four-eyes', 'blocked:four-eyes-change-requester', 'blocked:four-eyes-distinct-deciders', 'rejected'],
  // credit orders stop at the new check unless the generated order recorded it
  'a new control process called from sales-order-management': [],
  'a decision the new version needs that was never recorded': ['blocked:step-failed'],
  'an assignment expression giving the director\'s task to a server role\'s account': ['blocked:assignment-refused'],
};

describe.each(Object.entries(VARIANTS))('on %s', (name, files) => {
  it('gives every recorded and generated order exactly the engine replay\'s route record', async () => {
    const library = await CandidateLibrary.open(store, files());
    // the server's roles, as the impact analysis passes them: an assignment expression giving one blocks on both
    const fast = new FastReplay(library, SERVER_ROLES);
    const orders = [...recorded, ...generated];
    let declined = 0;
    const kinds = new Set<string>();
    for (const one of orders) {
      const expected = await replayOrder(library, one, SERVER_ROLES);
      const got = await fast.replay(one);
      if (got === undefined) {
        // only a worker's BPMN error is left to the engine in this library
        expect(one.actions.some((action) => action.kind === 'job-error'), one.orderNo).toBe(true);
        declined++;
        continue;
      }
      expect({ order: one.orderNo, route: got }).toStrictEqual({ order: one.orderNo, route: expected });
      kinds.add(expected.status === 'blocked' ? `blocked:${expected.block!.reason}` : expected.status);
      // four eyes' reasons are the live 403's
      if (expected.block?.fourEyes) kinds.add(`blocked:${expected.block.fourEyes.reason}`);
    }
    expect(declined).toBeLessThan(orders.length / 10);
    expect([...kinds].sort()).toEqual(expect.arrayContaining([...OUTCOMES, ...VARIANT_OUTCOMES[name]]));
  }, 900_000);
});

describe('four eyes for whoever requested a change of the order', () => {
  it('reads the change requests with the recorded actions, in the order they happened', () => {
    const changed = recorded.find((one) => one.orderNo === 'SO-CHG')!;
    const kinds = changed.actions.map((action) => action.kind);
    expect(changed.actions.filter((action) => action.kind === 'change')).toEqual([expect.objectContaining({ kind: 'change', requestedBy: 'erp' })]);
    expect(kinds.indexOf('change')).toBeLessThan(kinds.indexOf('message'));
  });

  it('blocks a decision the change\'s requester made after it, on both paths alike, and not one made before', async () => {
    const library = await CandidateLibrary.open(store, []);
    const fast = new FastReplay(library);
    const template = recorded.find((one) => one.orderNo === 'SO-350')!;
    const at = template.startedAt;
    const change = { changeId: 'C-2', description: 'more units', amount: 700_000, reportingAmount: 700_000, approvedReportingAmount: 350_000 };
    const review = { kind: 'task', processKey: 'credit-order-approval', elementId: 'UserTask_ReviewByVicePresident', variables: { approved: true }, actor: 'victor', at } as const;
    const acknowledge = (group: string) => ({ kind: 'task', processKey: 'special-change-notification', elementId: `UserTask_Acknowledge${group}`, variables: { acknowledged: true }, actor: group.toLowerCase(), at } as const);
    const changedBy = (requestedBy: string, decisionBefore: boolean): RecordedOrder => ({
      ...template, orderNo: 'SO-C2', rootId: 'c2', startVariables: { ...template.startVariables, orderNo: 'SO-C2', amount: 720_000, reportingAmount: 720_000 },
      actions: [
        ...(decisionBefore ? [review] : []),
        { kind: 'change', changeId: 'C-2', requestedBy, at },
        { kind: 'message', processKey: 'sales-order-management', elementId: 'IntermediateCatchEvent_OrderChanged', name: 'OrderChanged', variables: { change: { ...change, amount: 1_500_000, reportingAmount: 1_500_000, approvedReportingAmount: 720_000 } }, at },
        acknowledge('Procurement'), acknowledge('Production'), acknowledge('Inspection'),
        { kind: 'task', processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', variables: { approved: true }, actor: 'dora', at },
        ...(decisionBefore ? [] : [review]),
      ],
    });
    const byVictor = changedBy('victor', false);
    const engine = await replayOrder(library, byVictor);
    expect(engine.block).toMatchObject({
      reason: 'four-eyes', element: 'credit-order-approval/UserTask_ReviewByVicePresident',
      message: 'four eyes: victor requested change C-2 of order SO-C2, so another person must decide "Review order (vice-president)"',
      fourEyes: { reason: 'four-eyes-change-requester', decider: 'victor', changeId: 'C-2' },
    });
    expect(await fast.replay(byVictor)).toStrictEqual(engine);
    // victor reviewed the order as entered before requesting the change: that decision stands, the re-approval's is by someone else
    const before = changedBy('victor', true);
    const beforeRoute = await replayOrder(library, before);
    expect(beforeRoute.status).toBe('running');
    expect(beforeRoute.waiting.map((wait) => wait.element)).toContain('credit-order-approval/UserTask_ReviewByVicePresident');
    expect(await fast.replay(before)).toStrictEqual(beforeRoute);
    expect((await replayOrder(library, changedBy('erp', false))).status).not.toBe('blocked');
  }, 120_000);
});

describe('a prepaid raise\'s payment, kept from before the change or sent after it', () => {
  it('replays as the runtime took them: a resent payment from before the raise leaves it waiting, one sent after pays it', async () => {
    const library = await CandidateLibrary.open(store, []);
    const fast = new FastReplay(library);
    const waitingAt = (one: { waiting: { element: string }[] }) => one.waiting.map((wait) => wait.element).sort();
    const resent = recorded.find((one) => one.orderNo === 'SO-RAISE-RESENT')!;
    expect(waitingAt(resent.actual)).toContain('sales-order-management/IntermediateCatchEvent_RaisePaymentReceived');
    const paid = recorded.find((one) => one.orderNo === 'SO-RAISE-PAID')!;
    expect(paid.actual.completed).toContain('sales-order-management/IntermediateThrowEvent_RaisePaid');
    // the resent payment was kept, never delivered, so the record holds no action for it: replayed as a message
    // nothing waits for, it is kept in the sandbox too, and the raise's catch must leave it as the runtime did
    const firstPayment = resent.actions.findIndex((action) => action.kind === 'message' && action.name === 'PaymentReceived');
    const withResend = { ...resent, actions: resent.actions.toSpliced(firstPayment + 1, 0, resent.actions[firstPayment]) };
    for (const one of [resent, withResend, paid]) {
      const engine = await replayOrder(library, one);
      expect(engine.status, one.orderNo).toBe(one.actual.status);
      expect(waitingAt(engine), one.orderNo).toEqual(waitingAt(one.actual));
      expect(engine.completed, one.orderNo).toEqual(one.actual.completed);
      expect(await fast.replay(one), one.orderNo).toStrictEqual(engine);
    }
  }, 120_000);
});

describe('what the fast replay leaves to the engine', () => {
  it('decides per process version: a version with a timer (or any construct it does not play) and every caller of it replay on bpmn-engine, with the same answer', async () => {
    const files = [candidate('credit-order-approval', (xml) => xml
      .replace('<bpmn:exclusiveGateway id="Gateway_VicePresidentApproved"', `<bpmn:boundaryEvent id="Boundary_Escalate" attachedToRef="UserTask_ReviewByVicePresident" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT48H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="Gateway_VicePresidentApproved"`))];
    const library = await CandidateLibrary.open(store, files);
    const fast = new FastReplay(library);
    const approval = library.candidate('credit-order-approval')!;
    expect(await fast.supports('credit-order-approval', approval.version)).toBe(false);
    expect(await fast.supports('order-to-cash', library.latestVersion('order-to-cash')!)).toBe(false);
    expect(await fast.supports('prepaid-entry-control', library.latestVersion('prepaid-entry-control')!)).toBe(true);
    expect(await fast.replay(recorded[0])).toBeUndefined();

    const report = await replayOrders(store, library, { processKey: 'order-to-cash', last: 100 });
    expect(report.paths).toEqual({ fast: 0, engine: recorded.length });
    const engineOnly = await replayOrders(store, library, { processKey: 'order-to-cash', last: 100 }, { fast: false });
    expect(report.groups).toEqual(engineOnly.groups);
  }, 600_000);

  it('takes the fast path for every order of a supported library and groups them as the engine does', async () => {
    const library = await CandidateLibrary.open(store, VARIANTS['the vice-president from 400,000']());
    const report = await replayOrders(store, library, { processKey: 'order-to-cash', last: 100 });
    const engineOnly = await replayOrders(store, library, { processKey: 'order-to-cash', last: 100 }, { fast: false });
    expect(report.paths).toEqual({ fast: recorded.length, engine: 0 });
    expect(engineOnly.paths).toEqual({ fast: 0, engine: recorded.length });
    expect(report.groups).toEqual(engineOnly.groups);
    expect(report.groups.find((group) => group.kind === 'new-wait')?.orders.sort()).toEqual(['SO-420', 'SO-480', 'SO-500']);
  }, 600_000);
});

// helpers

/** Orders run live: every tier decided, prepaid paid and shipped, changes, a rejection, and running orders. */
async function recordOrders() {
  const { runtime } = stratum;
  for (const [orderNo, amount] of [['SO-350', 350_000], ['SO-420', 420_000], ['SO-480', 480_000], ['SO-500', 500_000], ['SO-520', 520_000], ['SO-1200', 1_200_000], ['SO-REJ', 800_000]] as const) {
    await enter(runtime, order(orderNo, amount));
  }
  await enter(runtime, order('SO-PRE', 450_000, 'prepaid-at-entry'));
  await enter(runtime, order('SO-SHIP', 650_000, 'prepaid-at-shipment'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-PRE', actor: 'bank' });
  await runtime.correlateMessage({ name: 'ShipmentRequested', businessKey: 'SO-SHIP', actor: 'customer' });
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-SHIP', actor: 'bank' });
  for (const task of await runtime.findTasks({ candidateGroup: 'sales-director' })) await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, director);
  for (const task of await runtime.findTasks({ candidateGroup: 'vice-president' })) {
    const reject = task.businessKey === 'SO-REJ';
    await runtime.completeTask(task.id, { approved: !reject, comment: reject ? 'too risky' : 'fine' }, vicePresident);
  }
  // changes: one that raises a credit order into the vice-president's tier, one on a prepaid order
  await enter(runtime, order('SO-CHG', 300_000));
  await enter(runtime, order('SO-CHG-PRE', 300_000, 'prepaid-at-entry'));
  await runtime.changeOrder('SO-CHG', { description: 'more units', amount: 700_000 }, { user: 'erp' });
  await runtime.changeOrder('SO-CHG-PRE', { description: 'blue paint' }, { user: 'erp' });
  // prepaid raises after the payment: a resent payment kept from before the raise does not pay it; one sent after does
  for (const orderNo of ['SO-RAISE-RESENT', 'SO-RAISE-PAID']) {
    await enter(runtime, order(orderNo, 300_000, 'prepaid-at-shipment'));
    await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: orderNo, actor: 'bank' });
  }
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-RAISE-RESENT', actor: 'bank' });
  for (const orderNo of ['SO-RAISE-RESENT', 'SO-RAISE-PAID']) await runtime.changeOrder(orderNo, { description: 'triple', amount: 900_000 }, { user: 'erp' });
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-RAISE-PAID', actor: 'bank' });
  for (const group of ['procurement', 'production', 'inspection']) {
    for (const task of await runtime.findTasks({ candidateGroup: group })) await runtime.completeTask(task.id, { acknowledged: true, comment: 'ok' }, { name: group, groups: [group] });
  }
  for (const task of await runtime.findTasks({ candidateGroup: 'vice-president' })) await runtime.completeTask(task.id, { approved: true, comment: 'fine' }, vicePresident);
  // a prepaid order whose procurement job ran out of retries, retried by operations with a note, then completed below
  await enter(runtime, order('SO-RETRIED', 450_000, 'prepaid-at-entry'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-RETRIED', actor: 'bank' });
  const [failing] = await runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'worker', businessKey: 'SO-RETRIED' });
  await runtime.failJob(failing.id, { message: 'ERP down', retries: 0, workerId: 'worker' }, erp);
  const { items: [incident] } = await runtime.findIncidents({ businessKey: 'SO-RETRIED' });
  await runtime.retryIncident(incident.id, { variables: { erpNote: 'ERP back' } }, { name: 'otto', groups: ['operations'] });
  // another whose procurement job ran out of retries, cancelled instead (the cancel closes its incident)
  await enter(runtime, order('SO-GAVE-UP', 450_000, 'prepaid-at-entry'));
  await runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-GAVE-UP', actor: 'bank' });
  const [abandoned] = await runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'worker', businessKey: 'SO-GAVE-UP' });
  await runtime.failJob(abandoned.id, { message: 'ERP down', retries: 0, workerId: 'worker' }, erp);
  const { items: [abandonedIncident] } = await runtime.findIncidents({ businessKey: 'SO-GAVE-UP' });
  await runtime.cancel(abandonedIncident.rootInstanceId, { name: 'otto', groups: ['operations'] }, { reason: 'customer withdrew' });
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (const job of await runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 50 })) await runtime.completeJob(job.id, {}, erp, 'worker');
  }
  // running: waiting for the vice-president, in special-change notification (credit and prepaid), waiting for payment
  await enter(runtime, order('SO-VP', 700_000));
  await enter(runtime, order('SO-SC-CREDIT', 450_000, 'credit', { description: 'blue paint' }));
  await enter(runtime, order('SO-SC-PRE', 450_000, 'prepaid-at-entry', { description: 'red paint' }));
  await enter(runtime, order('SO-PRE-WAITING', 300_000, 'prepaid-at-entry'));
}

/** A small seeded generator (Park–Miller): the same orders on every run. */
function random(seed: number) {
  let state = seed % 2147483647;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    int: (below: number) => Math.floor(next() * below),
  };
}

const AMOUNTS = [100_000, 350_000, 399_999, 400_000, 400_001, 450_000, 499_999, 500_000, 500_001, 720_000, 999_999, 1_000_000, 1_000_001, 1_500_000];
const TERMS = ['credit', 'credit', 'credit', 'prepaid-at-entry', 'prepaid-at-shipment', 'net-30'];

/**
 * Recorded orders as a store would give them, from the start variables of a
 * live order: what order entry hands the process, then decisions, job results
 * and messages in a plausible order, with the mistakes real orders have.
 */
function generateOrders(template: RecordedOrder, count: number): RecordedOrder[] {
  const rng = random(20261203);
  const orders: RecordedOrder[] = [];
  for (let index = 0; index < count; index++) {
    const orderNo = `GEN-${index}`;
    const amount = rng.pick(AMOUNTS);
    const paymentTerms = rng.pick(TERMS);
    const specialChange = rng.chance(0.2) ? { description: 'special paint' } : null;
    const at = new Date(Date.UTC(2026, 0, 5, 9, 0, index)).toISOString();
    const startVariables = { ...template.startVariables, orderNo, amount, reportingAmount: amount, paymentTerms, specialChange };
    const actions: RecordedAction[] = [];
    const task = (processKey: string, elementId: string, variables: Record<string, unknown>, actor: string) =>
      actions.push({ kind: 'task', processKey, elementId, variables, actor, at });
    const job = (processKey: string, elementId: string) => {
      actions.push(rng.chance(0.03)
        ? { kind: 'job-failed', processKey, elementId, message: 'ERP down', at }
        : rng.chance(0.02) ? { kind: 'job-error', processKey, elementId, errorCode: 'NO_STOCK', message: 'no stock', variables: {}, at }
          : { kind: 'job', processKey, elementId, variables: rng.chance(0.1) ? { erpReference: `ERP-${index}` } : {}, at });
      // a third of the failed jobs' incidents retried by operations (now and then with a variable), then completed (without drawing from rng)
      if (actions.at(-1)!.kind === 'job-failed' && index % 3 === 0) {
        const variables = index % 2 === 0 ? { erpNote: 'ERP back' } : undefined;
        actions.push({ kind: 'retry', processKey, elementId, incidentId: `I-${index}`, job: true, ...(variables && { variables }), actor: 'otto', at });
        actions.push({ kind: 'job', processKey, elementId, variables: {}, at });
      }
      // another third cancelled instead, the cancel closing the job's incident
      if (actions.at(-1)!.kind === 'job-failed' && index % 3 === 1) actions.push({ kind: 'cancel', at, incidents: [{ processKey, elementId, job: true }] });
    };
    const message = (processKey: string, elementId: string, name: string, variables: Record<string, unknown> = {}) =>
      actions.push({ kind: 'message', processKey, elementId, name, variables, at });
    const acknowledgements = () => {
      for (const group of ['Procurement', 'Production', 'Inspection']) {
        if (rng.chance(0.05)) continue;
        const variables = rng.chance(0.05) ? { acknowledged: true, colour: 'blue' } : { acknowledged: rng.chance(0.9), comment: 'ok' };
        // now and then inspection acknowledged by production's person, whom distinctDeciders then refuses (without drawing from rng)
        const by = group === 'Inspection' && index % 11 === 5 ? 'production' : group.toLowerCase();
        task('special-change-notification', `UserTask_Acknowledge${group}`, variables, by);
        // a department that did not acknowledge gets its task again; every other order's acknowledges then (no draw from rng)
        if (variables.acknowledged === false && index % 2 === 0) task('special-change-notification', `UserTask_Acknowledge${group}`, {}, by);
      }
    };
    const approvals = (reportingAmount: number) => {
      const decision = () => (rng.chance(0.05) ? { approved: true, riskAccepted: true } : rng.chance(0.1) ? { approved: false, comment: 'no' } : { approved: true, comment: 'fine' });
      if (reportingAmount > 1_000_000 || rng.chance(0.1)) task('credit-order-approval', 'UserTask_ApproveBySalesDirector', decision(), rng.chance(0.25) ? 'victor' : 'dora');
      if (reportingAmount > 350_000 || rng.chance(0.1)) task('credit-order-approval', 'UserTask_ReviewByVicePresident', decision(), 'victor');
      // now and then a retry of the vice-president's gateway: it fails where a candidate reads a decision never recorded
      // (and fails again: nothing recorded decides it), elsewhere nothing fails there (without drawing from rng)
      if (index % 9 === 4) {
        actions.push({ kind: 'retry', processKey: 'credit-order-approval', elementId: 'Gateway_VicePresidentApproved', incidentId: `I-${index}`, job: false, actor: 'otto', at });
      }
      // and now and then an order cancelled with that gateway's incident open
      if (index % 9 === 7) {
        actions.push({ kind: 'cancel', at, incidents: [{ processKey: 'credit-order-approval', elementId: 'Gateway_VicePresidentApproved', job: false }] });
      }
    };
    if (specialChange) acknowledgements();
    if (paymentTerms === 'prepaid-at-entry') {
      if (rng.chance(0.2)) message('prepaid-entry-control', 'IntermediateCatchEvent_PaymentReceived', 'PaymentReceived');
      for (const element of ['ServiceTask_PlanProcurement', 'ServiceTask_PlanProduction']) job('prepaid-entry-control', element);
      if (!actions.some((action) => action.kind === 'message')) message('prepaid-entry-control', 'IntermediateCatchEvent_PaymentReceived', 'PaymentReceived');
      job('prepaid-entry-control', 'ServiceTask_ShipOrder');
    } else if (paymentTerms === 'prepaid-at-shipment') {
      for (const element of ['ServiceTask_PlanProcurement', 'ServiceTask_PlanProduction']) job('prepaid-shipment-control', element);
      if (rng.chance(0.8)) message('prepaid-shipment-control', 'IntermediateCatchEvent_ShipmentRequested', 'ShipmentRequested');
      message('prepaid-shipment-control', 'IntermediateCatchEvent_PaymentReceived', 'PaymentReceived');
      job('prepaid-shipment-control', 'ServiceTask_ShipOrder');
    } else {
      approvals(amount);
      if (rng.chance(0.3)) task('export-control', 'UserTask_CheckExport', { cleared: true }, 'olga');
      for (const element of ['ServiceTask_PlanProcurement', 'ServiceTask_PlanProduction', 'ServiceTask_ShipOrder']) job('sales-order-management', element);
    }
    if (rng.chance(0.2)) {
      // an order change somewhere along the way, acknowledged and (for a raised tier) approved again
      const changeAmount = rng.pick(AMOUNTS);
      const change = { changeId: `C-${index}`, description: 'more units', amount: changeAmount, reportingAmount: changeAmount, approvedReportingAmount: amount };
      const position = rng.int(actions.length + 1);
      const tail = actions.splice(position);
      // now and then requested by an approver, whom four eyes then refuses for every later decision (without drawing from rng)
      actions.push({ kind: 'change', changeId: change.changeId, requestedBy: index % 10 === 6 ? 'victor' : 'erp', at });
      message('sales-order-management', 'IntermediateCatchEvent_OrderChanged', 'OrderChanged', rng.chance(0.05) ? { change, amount: changeAmount } : { change });
      acknowledgements();
      approvals(changeAmount);
      actions.push(...tail);
    }
    if (rng.chance(0.05)) actions.splice(rng.int(actions.length + 1), 0, { kind: 'cancel', at });
    if (rng.chance(0.03)) actions.splice(rng.int(actions.length + 1), 0, { kind: 'timer', processKey: 'sales-order-management', elementId: 'Timer_Remind', at });
    // running orders: their history so far
    if (rng.chance(0.3)) actions.splice(rng.int(actions.length + 1));
    // now and then entered by an approver, whom four eyes then refuses as its decider (without drawing from rng: the seeded orders stay)
    const startedBy = index % 25 === 3 ? 'victor' : template.startedBy;
    // now and then open with its first instances on version 1 (without drawing from rng): both replays keep those versions and
    // resolve the starts beyond them (a re-approval, a process the order had not reached) through the library
    const startedVersions = index % 4 === 1
      ? ['order-to-cash', 'sales-order-management', ...(index % 8 === 1 ? ['credit-order-approval', 'special-change-notification'] : [])]
        .map((processKey) => ({ processKey, version: 1 }))
      : undefined;
    orders.push({ ...template, orderNo, rootId: `generated-${index}`, startedAt: at, startedBy, startVariables, actions, startedVersions });
  }
  return orders;
}
