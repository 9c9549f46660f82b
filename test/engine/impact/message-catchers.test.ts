// Messages the outside world sends by name: renaming the message a catch waits for (prepaid-entry-control's
// "Payment received": PaymentReceived → PaymentArrived), adding or removing a catch, or correlating one by another
// key changes what the ERP must send. The impact report names, per message name whose catchers change, who catches
// it before and after, the library's own senders, the running orders waiting for it and what senders must do. A
// warning, never blocking.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BpmnFile, ImpactReport, Stratum } from '../../../engine/index.js';
import { enter, openFixture, order, shippedDiagrams, type Fixture } from '../../support/stratum-fixture.js';
import { candidate } from './candidates.js';

let fixture: Fixture;
let stratum: Stratum;

beforeEach(async () => {
  fixture = await openFixture();
  stratum = fixture.stratum;
});

afterEach(async () => {
  await fixture.dispose();
});

const PAYMENT_ARRIVED = (xml: string) => xml.replace('name="PaymentReceived"', 'name="PaymentArrived"');
const entryCatch = { processKey: 'prepaid-entry-control', elementId: 'IntermediateCatchEvent_PaymentReceived', name: 'Payment received', type: 'bpmn:IntermediateCatchEvent' };
const shipmentCatch = { processKey: 'prepaid-shipment-control', elementId: 'IntermediateCatchEvent_PaymentReceived', name: 'Payment received', type: 'bpmn:IntermediateCatchEvent' };
const raiseCatch = {
  processKey: 'sales-order-management', elementId: 'IntermediateCatchEvent_RaisePaymentReceived', name: 'Payment for the raise received', type: 'bpmn:IntermediateCatchEvent',
};

describe('renaming prepaid-entry-control\'s PaymentReceived to PaymentArrived', () => {
  it('names PaymentArrived as caught by no process before, and PaymentReceived as still caught elsewhere, with the orders waiting for it', async () => {
    // waiting at order entry for its payment, on the deployed version
    await enter(stratum.runtime, order('SO-PRE-WAITING', 450_000, 'prepaid-at-entry'));
    // a credit order waits for no payment
    await enter(stratum.runtime, order('SO-CREDIT', 300_000));

    const report = await analyse(candidate('prepaid-entry-control', PAYMENT_ARRIVED));

    expect(report.messages.map((change) => change.name)).toEqual(['PaymentArrived', 'PaymentReceived']);
    const [arrived, received] = report.messages;
    expect(arrived).toEqual({
      name: 'PaymentArrived',
      before: [],
      after: [{ ...entryCatch, version: 2, correlationKey: '=orderNo' }],
      senders: [],
      waiting: { count: 0, orders: [] },
      buffered: { count: 0, keys: [] },
      message: 'No process caught PaymentArrived before: after the deploy prepaid-entry-control "Payment received" waits for it (instead of PaymentReceived), ' +
        'so senders must start sending PaymentArrived (correlated by =orderNo) for the orders that reach it.',
    });
    expect(received.before).toEqual([
      { ...entryCatch, version: 1, correlationKey: '=orderNo' },
      { ...shipmentCatch, version: 1, correlationKey: '=orderNo' },
      { ...raiseCatch, version: 1, correlationKey: '=orderNo' },
    ]);
    expect(received.after).toEqual([{ ...shipmentCatch, version: 1, correlationKey: '=orderNo' }, { ...raiseCatch, version: 1, correlationKey: '=orderNo' }]);
    expect(received.waiting).toEqual({ count: 1, orders: ['SO-PRE-WAITING'] });
    expect(received.message).toBe('PaymentReceived: prepaid-entry-control "Payment received" no longer catches it (it waits for PaymentArrived ' +
      'instead), while prepaid-shipment-control "Payment received" and sales-order-management "Payment for the raise received" still catch it: ' +
      'one name now means two things, so senders must keep sending PaymentReceived for what those wait for and send PaymentArrived for the other.');
    // a warning: the replay and lint decide what blocks
    expect(report.blocking).toBe(false);
  });

  it('is silent when the change touches no catch: a moved tier, a catch renamed for people only', async () => {
    const tier = await analyse(candidate('credit-order-approval', (xml) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000')));
    expect(tier.messages).toEqual([]);
    const renamed = await analyse(candidate('prepaid-entry-control', (xml) => xml.replace('name="Payment received"', 'name="Payment in"')));
    expect(renamed.messages).toEqual([]);
  });

  it('tells senders to stop sending PaymentReceived once every catch of it moves to PaymentArrived, after the orders waiting for it', async () => {
    await enter(stratum.runtime, order('SO-PRE-WAITING', 450_000, 'prepaid-at-entry'));
    const report = await analyse(
      candidate('prepaid-entry-control', PAYMENT_ARRIVED),
      candidate('prepaid-shipment-control', (xml) => xml.replace('name="PaymentReceived"', 'name="PaymentArrived"')),
      candidate('sales-order-management', (xml) => xml.replace('name="PaymentReceived"', 'name="PaymentArrived"')),
    );
    const received = report.messages.find((change) => change.name === 'PaymentReceived')!;
    expect(received.after).toEqual([]);
    expect(received.message).toBe('After the deploy no process catches PaymentReceived (prepaid-entry-control "Payment received", prepaid-shipment-control ' +
      '"Payment received" and sales-order-management "Payment for the raise received" wait for PaymentArrived instead): what senders send then reaches only the 1 ' +
      'running order already waiting for it, and is buffered for no process after that; senders should stop sending PaymentReceived once those orders are through.');
    expect(report.messages.find((change) => change.name === 'PaymentArrived')!.after.map((catcher) => catcher.processKey))
      .toEqual(['prepaid-entry-control', 'prepaid-shipment-control', 'sales-order-management']);
  });
});

describe('PaymentReceived messages already buffered when the deploy renames the catches of it', () => {
  // credit orders wait for no payment: a PaymentReceived published for them is buffered for its time-to-live
  async function bufferPayments(): Promise<void> {
    await enter(stratum.runtime, order('SO-CREDIT-1', 300_000));
    await enter(stratum.runtime, order('SO-CREDIT-2', 300_000));
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-CREDIT-1', timeToLive: 'PT1H' });
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-CREDIT-1', timeToLive: 'PT2H' });
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-CREDIT-2', timeToLive: 'PT30M' });
  }
  const inOneHour = new Date(Date.parse('2026-01-05T09:00:00.000Z') + 3_600_000);

  it('counts them per order, and tells senders that only an instance already running takes them once nothing else catches the name', async () => {
    await bufferPayments();
    const report = await analyse(
      candidate('prepaid-entry-control', PAYMENT_ARRIVED),
      candidate('prepaid-shipment-control', (xml) => xml.replace('name="PaymentReceived"', 'name="PaymentArrived"')),
      candidate('sales-order-management', (xml) => xml.replace('name="PaymentReceived"', 'name="PaymentArrived"')),
    );
    const received = report.messages.find((change) => change.name === 'PaymentReceived')!;
    expect(received.buffered).toEqual({
      count: 3,
      keys: [
        { correlationKey: 'SO-CREDIT-1', count: 2, lastExpiresAt: '2026-01-05T11:00:00.000Z' },
        { correlationKey: 'SO-CREDIT-2', count: 1, lastExpiresAt: '2026-01-05T09:30:00.000Z' },
      ],
    });
    expect(received.message).toContain('what senders send then reaches no running order, and is buffered for no process after that; ' +
      'the 3 messages of it buffered now and not yet correlated (for 2 orders) are taken only by a catch of it in an instance already running, ' +
      'and otherwise expire unused; senders should stop sending PaymentReceived once those orders are through.');
    // PaymentArrived was never sent: nothing is buffered under it
    expect(report.messages.find((change) => change.name === 'PaymentArrived')!.buffered).toEqual({ count: 0, keys: [] });
  });

  it('names the catch renamed away as the one they reach only in running instances, and counts each until it expires', async () => {
    await bufferPayments();
    fixture.clock.advance(3_600_000);
    expect(fixture.clock.now()).toEqual(inOneHour);
    const report = await analyse(candidate('prepaid-entry-control', PAYMENT_ARRIVED));
    const received = report.messages.find((change) => change.name === 'PaymentReceived')!;
    // SO-CREDIT-2's and one of SO-CREDIT-1's have expired
    expect(received.buffered).toEqual({ count: 1, keys: [{ correlationKey: 'SO-CREDIT-1', count: 1, lastExpiresAt: '2026-01-05T11:00:00.000Z' }] });
    expect(received.message).toMatch(/; the 1 message of it buffered now and not yet correlated \(for 1 order\) reaches prepaid-entry-control "Payment received" only in the instances already running\.$/);
  });

  it('says nothing of them when the change only adds a catch of the name', async () => {
    await bufferPayments();
    await stratum.library.deploy([{ name: 'invoice-settlement.bpmn', xml: invoiceSettlement('PaymentReceived') }], { user: 'test' });
    const report = await analyse({ name: 'invoice-settlement.bpmn', xml: invoiceSettlement('PaymentReceived', { boundary: true }) });
    const [received] = report.messages;
    expect(received.buffered.count).toBe(3);
    expect(received.message).not.toContain('buffered now');
  });
});

describe('correlating prepaid-entry-control\'s payment by a payment reference instead of the order number', () => {
  it('says that a sender correlating by the order number no longer reaches it', async () => {
    await enter(stratum.runtime, order('SO-CREDIT', 300_000));
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-CREDIT', timeToLive: 'PT1H' });
    const report = await analyse(candidate('prepaid-entry-control', (xml) => xml.replace('correlationKey="=orderNo"', 'correlationKey="=paymentReference"')));
    expect(report.messages).toHaveLength(1);
    const [received] = report.messages;
    expect(received.name).toBe('PaymentReceived');
    expect(received.after.find((catcher) => catcher.processKey === 'prepaid-entry-control')).toMatchObject({ correlationKey: '=paymentReference', version: 2 });
    // the message buffered for SO-CREDIT under its order number is not what the new catch waits for
    expect(received.message).toBe('PaymentReceived: prepaid-entry-control "Payment received" now correlates it by =paymentReference instead of =orderNo: ' +
      'a sender correlating by =orderNo no longer reaches it and must correlate by =paymentReference; the 1 message of it buffered now and not yet ' +
      'correlated (for 1 order) reaches prepaid-entry-control "Payment received" only in the instances already running.');
  });
});

// A catch with no correlation key waits under its instance's business key; one correlated by =orderNo under its
// orderNo variable. In an order both are the order number (order entry sets both, and no step writes orderNo), so
// senders go on as they did: the sentence says so, and names the instances that do correlate otherwise.
describe('correlating prepaid-entry-control\'s payment by the business key instead of =orderNo, or back', () => {
  const WITHOUT_KEY = (xml: string) => xml.replace('<zeebe:subscription correlationKey="=orderNo" />', '');

  it('tells senders they go on sending the order number, and which instances now wait under another key', async () => {
    await enter(stratum.runtime, order('SO-CREDIT', 300_000));
    await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-CREDIT', timeToLive: 'PT1H' });
    const dropped = await analyse(candidate('prepaid-entry-control', WITHOUT_KEY));
    expect(dropped.messages).toHaveLength(1);
    expect(dropped.messages[0].after.find((catcher) => catcher.processKey === 'prepaid-entry-control')).toMatchObject({ correlationKey: null, version: 2 });
    // the buffered message was sent for the order number, which the catch still waits under
    expect(dropped.messages[0].buffered.count).toBe(1);
    expect(dropped.messages[0].message).toBe('PaymentReceived: prepaid-entry-control "Payment received" now correlates it by the business key (order number) ' +
      'instead of =orderNo: in an order\'s instances orderNo holds the order number, so senders go on sending it for the order number; only an instance ' +
      'started outside order entry now waits for it under its business key instead of its orderNo.');

    await stratum.library.deploy([candidate('prepaid-entry-control', WITHOUT_KEY)], { user: 'test' });
    const restored = await analyse(shippedDiagrams().find((file) => file.name === 'prepaid-entry-control.bpmn')!);
    expect(restored.messages[0].message).toBe('PaymentReceived: prepaid-entry-control "Payment received" now correlates it by =orderNo instead of the ' +
      'business key (order number): in an order\'s instances orderNo holds the order number, so senders go on sending it for the order number; only an ' +
      'instance without an orderNo variable now stops there with an incident, and one started outside order entry waits for it under its orderNo instead ' +
      'of its business key.');
  });

  it('is what the runtime does: a prepaid order waiting at the catch without a key takes the PaymentReceived sent for its order number', async () => {
    await stratum.library.deploy([candidate('prepaid-entry-control', WITHOUT_KEY)], { user: 'test' });
    await enter(stratum.runtime, order('SO-PRE-NO-KEY', 450_000, 'prepaid-at-entry'));
    const paid = await stratum.runtime.correlateMessage({ name: 'PaymentReceived', businessKey: 'SO-PRE-NO-KEY' });
    expect(paid.outcome).toBe('delivered');
    expect(paid.moved.map((move) => [move.instance.processKey, move.instance.version])).toEqual([['prepaid-entry-control', 2]]);
  });
});

describe('the engine\'s own OrderChanged message', () => {
  it('says that no system sends it when a change stops sales-order-management catching it', async () => {
    const report = await analyse(candidate('sales-order-management', (xml) => xml.replace(/(<bpmn:message id="[^"]*" name=")OrderChanged"/, '$1OrderAmended"')));
    const changed = report.messages.find((change) => change.name === 'OrderChanged')!;
    expect(changed.after).toEqual([]);
    expect(changed.message).toMatch(/^OrderChanged is the engine's own message for a change to an order \(POST \/api\/orders\/\{orderNo\}\/changes\), which no other system sends: after the deploy it reaches no process, no longer sales-order-management /);
  });
});

describe('a process of its own that catches and sends a message', () => {
  it('names a new message\'s catcher, a receive task, and the library\'s own senders of it', async () => {
    const report = await analyse({ name: 'invoice-settlement.bpmn', xml: invoiceSettlement('InvoiceSettled') });
    expect(report.messages).toEqual([{
      name: 'InvoiceSettled',
      before: [],
      after: [{ processKey: 'invoice-settlement', elementId: 'ReceiveTask_Settled', name: 'Settled', type: 'bpmn:ReceiveTask', version: 1, correlationKey: null }],
      senders: [
        { processKey: 'invoice-settlement', elementId: 'EndEvent_Notify', name: 'Notify', type: 'bpmn:EndEvent', version: 1 },
        { processKey: 'invoice-settlement', elementId: 'SendTask_Confirm', name: 'Confirm', type: 'bpmn:SendTask', version: 1 },
      ],
      waiting: { count: 0, orders: [] },
      buffered: { count: 0, keys: [] },
      message: 'No process caught InvoiceSettled before: after the deploy invoice-settlement "Settled" waits for it, so senders must start sending ' +
        'InvoiceSettled (correlated by the business key (order number)) for the orders that reach it.',
    }]);
  });

  it('names a catch removed from a process while another still catches the name', async () => {
    await stratum.library.deploy([{ name: 'invoice-settlement.bpmn', xml: invoiceSettlement('InvoiceSettled', { boundary: true }) }], { user: 'test' });
    const report = await analyse({ name: 'invoice-settlement.bpmn', xml: invoiceSettlement('InvoiceSettled') });
    expect(report.messages).toHaveLength(1);
    expect(report.messages[0].before.map((catcher) => catcher.elementId)).toEqual(['BoundaryEvent_Settled', 'ReceiveTask_Settled']);
    expect(report.messages[0].message).toBe('InvoiceSettled: invoice-settlement BoundaryEvent_Settled no longer catches it, while invoice-settlement "Settled" ' +
      'still catches it: what senders send for what it waited for reaches it only in the orders waiting there now, and afterwards only invoice-settlement "Settled".');
  });
});

// helpers

function analyse(...files: BpmnFile[]): Promise<ImpactReport> {
  return stratum.impact.analyse(files, { replay: false });
}

/** A process that waits for `message` in a receive task, then confirms with a send task and ends with a message end event. */
function invoiceSettlement(message: string, { boundary = false } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_invoice" targetNamespace="http://stratum.example/bpmn">
  <bpmn:process id="invoice-settlement" name="Invoice settlement" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Invoice" />
    <bpmn:receiveTask id="ReceiveTask_Settled" name="Settled" messageRef="Message_Settled" />
    ${boundary ? '<bpmn:boundaryEvent id="BoundaryEvent_Settled" attachedToRef="SendTask_Confirm"><bpmn:messageEventDefinition messageRef="Message_Settled" /></bpmn:boundaryEvent>' : ''}
    <bpmn:sendTask id="SendTask_Confirm" name="Confirm" messageRef="Message_Settled">
      <bpmn:extensionElements><zeebe:taskDefinition type="invoice-confirm" /></bpmn:extensionElements>
    </bpmn:sendTask>
    <bpmn:endEvent id="EndEvent_Notify" name="Notify">
      <bpmn:messageEventDefinition messageRef="Message_Settled">
      </bpmn:messageEventDefinition>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Invoice" targetRef="ReceiveTask_Settled" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="ReceiveTask_Settled" targetRef="SendTask_Confirm" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="SendTask_Confirm" targetRef="EndEvent_Notify" />
    ${boundary ? '<bpmn:endEvent id="EndEvent_Late" /><bpmn:sequenceFlow id="Flow_4" sourceRef="BoundaryEvent_Settled" targetRef="EndEvent_Late" />' : ''}
  </bpmn:process>
  <bpmn:message id="Message_Settled" name="${message}" />
</bpmn:definitions>`;
}
