// The sentence the impact report gives senders for a message whose catchers a change alters
// (messages[].message): the cases the library's own diagrams do not show.
import { describe, expect, it } from 'vitest';
import type { MessageCatcher, MessageChange } from '../../../engine/impact/impact-report.js';
import { messageChangeSentence } from '../../../engine/impact/message-change-words.js';

const catcher = (processKey: string, elementId: string, name: string | null, correlationKey: string | null = null): MessageCatcher =>
  ({ processKey, elementId, name, version: 1, type: 'bpmn:IntermediateCatchEvent', correlationKey });
const noRenames = { nowWaitsFor: () => undefined, waitedFor: () => undefined };

const noneBuffered: MessageChange['buffered'] = { count: 0, keys: [] };

function sentence(before: MessageCatcher[], after: MessageCatcher[], renamed = noRenames, buffered = noneBuffered): string {
  const change: Omit<MessageChange, 'message'> = { name: 'PaymentReceived', before, after, senders: [], waiting: { count: 0, orders: [] }, buffered };
  return messageChangeSentence(change, renamed);
}

const shipment = catcher('prepaid-shipment-control', 'IntermediateCatchEvent_PaymentReceived', 'Payment received');
const refund = catcher('refund-control', 'ReceiveTask_Payment', null);

describe('the sentence for the senders of a message whose catchers change', () => {
  it('asks whether a name a new catch shares with others means the same there', () => {
    expect(sentence([shipment], [shipment, refund])).toBe('PaymentReceived: refund-control ReceiveTask_Payment now catches it too: ' +
      'what senders send for prepaid-shipment-control "Payment received" reaches it as well, so check that PaymentReceived means the same there.');
  });

  it('names a catch that replaces another, and the name it caught before', () => {
    const renamed = { nowWaitsFor: () => undefined, waitedFor: (c: MessageCatcher) => (c === refund ? 'RefundPaid' : undefined) };
    expect(sentence([shipment], [refund], renamed)).toBe('PaymentReceived: prepaid-shipment-control "Payment received" no longer catches it; ' +
      'refund-control ReceiveTask_Payment now catches it (instead of RefundPaid): senders\' PaymentReceived (correlated by the business key (order number)) ' +
      'reaches it in new orders.');
  });

  it('names the catch a removal takes from the messages already buffered under the name, while another still takes them', () => {
    const buffered = {
      count: 2,
      keys: [{ correlationKey: 'SO-1', count: 1, lastExpiresAt: '2026-01-05T10:00:00.000Z' }, { correlationKey: 'SO-2', count: 1, lastExpiresAt: '2026-01-05T10:00:00.000Z' }],
    };
    expect(sentence([shipment, refund], [shipment], noRenames, buffered)).toBe('PaymentReceived: refund-control ReceiveTask_Payment no longer catches it, ' +
      'while prepaid-shipment-control "Payment received" still catches it: what senders send for what it waited for reaches it only in the orders waiting ' +
      'there now, and afterwards only prepaid-shipment-control "Payment received"; the 2 messages of it buffered now and not yet correlated (for 2 orders) ' +
      'reach refund-control ReceiveTask_Payment only in the instances already running.');
  });

  it('counts no buffered message as stranded when a catch moves between the business key and =orderNo, the order number either way', () => {
    const buffered = { count: 1, keys: [{ correlationKey: 'SO-1', count: 1, lastExpiresAt: '2026-01-05T10:00:00.000Z' }] };
    const byOrderNo = { ...shipment, correlationKey: '= orderNo' };
    expect(sentence([shipment], [byOrderNo], noRenames, buffered)).not.toContain('buffered');
    expect(sentence([byOrderNo], [shipment], noRenames, buffered)).toContain('so senders go on sending it for the order number');
  });
});
