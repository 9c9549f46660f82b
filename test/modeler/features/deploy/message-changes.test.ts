// The deploy dialog's impact preview, and the Problems panel's library check, warn of messages whose catching
// elements the change alters (POST /api/impact, messages[]): prepaid-entry-control's "Payment received" renamed
// from PaymentReceived to PaymentArrived. A warning for the systems that send them, never blocking.
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../../modeler/src/api/client.js';
import * as text from '../../../../modeler/src/features/deploy/message-changes.js';

type MessageChange = ImpactReport['messages'][number];
type MessageCatcher = MessageChange['before'][number];

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const messageChangesLine: (report: ImpactReport) => string | null = text.messageChangesLine;
const messageChangeTitle: (change: MessageChange) => string = text.messageChangeTitle;
const messageChangeElement: (change: MessageChange) => MessageCatcher | undefined = text.messageChangeElement;

const catcher = (processKey: string, version: number, correlationKey: string | null = '=orderNo'): MessageCatcher => ({
  processKey, elementId: 'IntermediateCatchEvent_PaymentReceived', name: 'Payment received', version, type: 'bpmn:IntermediateCatchEvent', correlationKey,
});

const paymentReceived: MessageChange = {
  name: 'PaymentReceived',
  before: [catcher('prepaid-entry-control', 1), catcher('prepaid-shipment-control', 1)],
  after: [catcher('prepaid-shipment-control', 1)],
  senders: [],
  waiting: { count: 1, orders: ['SO-PRE'] },
  message: 'PaymentReceived: prepaid-entry-control "Payment received" no longer catches it (it waits for PaymentArrived instead), …',
};

const paymentArrived: MessageChange = {
  name: 'PaymentArrived',
  before: [],
  after: [catcher('prepaid-entry-control', 2)],
  senders: [{ processKey: 'bank-bridge', elementId: 'EndEvent_Paid', name: 'Paid', version: 3, type: 'bpmn:EndEvent' }],
  waiting: { count: 0, orders: [] },
  message: 'No process caught PaymentArrived before: …',
};

function report(messages: MessageChange[]): ImpactReport {
  return {
    processes: [],
    decisions: [],
    replay: { orders: 12, changed: 0, blocked: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 5, paths: { fast: 12, engine: 0 }, baselineReplays: 0 },
    findings: [],
    relatedConditions: [],
    messages,
    blocking: false,
  };
}

describe('the impact preview of a change that renames the message a catch waits for', () => {
  it('heads the messages as a warning for the senders that does not block', () => {
    expect(messageChangesLine(report([paymentArrived, paymentReceived])))
      .toBe('Warning: 2 message(s) are caught by other elements after this change. Tell whoever runs the systems that send them (this does not block the deployment).');
  });

  it('says nothing when no message changes catchers', () => {
    expect(messageChangesLine(report([]))).toBeNull();
  });

  it('shows the catchers before and after, with the key each correlates by, and the library\'s senders on hover', () => {
    expect(messageChangeTitle(paymentArrived)).toBe('PaymentArrived\ncaught before: none\ncaught after: prepaid-entry-control IntermediateCatchEvent_PaymentReceived (=orderNo)\n' +
      'sent by: bank-bridge EndEvent_Paid');
    expect(messageChangeTitle({ ...paymentReceived, before: [catcher('prepaid-entry-control', 1, null)] })).toContain('(business key)');
  });

  it('leads to the catch the change adds, else the one it removes, else the one correlated by another key', () => {
    expect(messageChangeElement(paymentArrived)).toMatchObject({ processKey: 'prepaid-entry-control', version: 2 });
    expect(messageChangeElement(paymentReceived)).toMatchObject({ processKey: 'prepaid-entry-control', version: 1 });
    const rekeyed = { ...paymentReceived, before: [catcher('prepaid-shipment-control', 1)], after: [catcher('prepaid-shipment-control', 2, '=paymentReference')] };
    expect(messageChangeElement(rekeyed)).toMatchObject({ processKey: 'prepaid-shipment-control', correlationKey: '=paymentReference' });
  });
});
