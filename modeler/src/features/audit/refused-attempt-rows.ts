import type { RefusedAttemptView } from '../../api/client';
import { el } from '../../dom/element';

/** The table's columns, in the order refusedAttemptRows fills them. */
export const AUDIT_COLUMNS = ['When', 'Event', 'Who', 'Order', 'Element', 'Reason'];

/**
 * One refused attempt as rows of the Audit table: its columns, then the refusal as the caller read it and, folded,
 * what they sent. Server text goes in as text (el), never as markup. `openOrder` opens the instance it was refused in.
 */
export function refusedAttemptRows(attempt: RefusedAttemptView, openOrder: (attempt: RefusedAttemptView) => void): HTMLTableSectionElement {
  const reason = textOf(attempt.data?.reason);
  const refusal = textOf(attempt.data?.refusal);
  const sent = sentOf(attempt.data);
  return el('tbody', { className: 'audit-item', 'data-seq': attempt.seq, 'data-event': attempt.event },
    el('tr', {},
      el('td', { className: 'audit-at' }, el('time', { datetime: attempt.at, title: attempt.at }, new Date(attempt.at).toLocaleString())),
      el('td', { className: 'audit-event' }, attempt.event),
      el('td', { className: 'audit-who' }, el('span', { className: 'audit-actor' }, attempt.actor ?? 'nobody'),
        attempt.via ? el('span', { className: 'audit-via instance-line' }, ` via ${attempt.via}`) : null),
      el('td', { className: 'audit-order' }, el('button', {
        type: 'button', className: 'link-button', 'data-action': 'open-audited-order', title: `Open the ${attempt.processKey} instance on the diagram`,
        onclick: () => openOrder(attempt),
      }, attempt.businessKey ?? attempt.instanceId)),
      el('td', { className: 'audit-element', title: elementTitle(attempt) }, attempt.elementName ?? attempt.elementId ?? '—'),
      el('td', { className: 'audit-reason' }, reason ?? '—')),
    el('tr', { className: 'audit-detail' },
      el('td', { colspan: AUDIT_COLUMNS.length },
        refusal ? el('div', { className: 'audit-refusal' }, refusal) : null,
        sent ? el('details', { className: 'audit-sent' }, el('summary', {}, 'What was sent'), el('pre', {}, sent)) : null)));
}

// helpers

/** Where the element is: its id (what the name stands for, and all there is of an unnamed one) in its process version. */
function elementTitle(attempt: RefusedAttemptView): string {
  const process = `${attempt.processKey} version ${attempt.processVersion}`;
  return attempt.elementId ? `${attempt.elementId} in ${process}` : process;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** The entry's data but the refusal's own words (shown above it), as JSON; undefined when nothing else was kept. */
function sentOf(data: Record<string, unknown> | null): string | undefined {
  if (!data) return undefined;
  const { reason: _reason, refusal: _refusal, ...sent } = data;
  return Object.keys(sent).length ? JSON.stringify(sent, null, 2) : undefined;
}
