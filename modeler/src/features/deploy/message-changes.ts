import type { ImpactReport } from '../../api/client';

/** A message name whose catching elements the change alters (POST /api/impact, `messages[]`). */
export type MessageChange = ImpactReport['messages'][number];
type MessageCatcher = MessageChange['before'][number];

/**
 * Said above the messages whose catchers the change alters, or null when there are none: the systems that send
 * them must hear of it. A warning: the deployment is not held back.
 */
export function messageChangesLine(report: ImpactReport): string | null {
  const count = report.messages.length;
  if (count === 0) return null;
  return `Warning: ${count} message(s) are caught by other elements after this change. ` +
    'Tell whoever runs the systems that send them (this does not block the deployment).';
}

/** What a message's entry shows on hover: its catchers before and after, with the key each correlates by. */
export function messageChangeTitle(change: MessageChange): string {
  return `${change.name}\ncaught before: ${catchers(change.before)}\ncaught after: ${catchers(change.after)}` +
    (change.senders.length ? `\nsent by: ${change.senders.map((sender) => `${sender.processKey} ${sender.elementId}`).join(', ')}` : '');
}

/**
 * The element a message's entry leads to: a catch the change adds, else one it removes (still in the deployed
 * version), else one now correlated by another key.
 */
export function messageChangeElement(change: MessageChange): MessageCatcher | undefined {
  const samePlace = (a: MessageCatcher) => (b: MessageCatcher) => a.processKey === b.processKey && a.elementId === b.elementId;
  return change.after.find((catcher) => !change.before.some(samePlace(catcher)))
    ?? change.before.find((catcher) => !change.after.some(samePlace(catcher)))
    ?? change.after.find((catcher) => change.before.find(samePlace(catcher))?.correlationKey !== catcher.correlationKey);
}

// helpers

function catchers(list: MessageCatcher[]): string {
  if (list.length === 0) return 'none';
  return list.map((catcher) => `${catcher.processKey} ${catcher.elementId} (${catcher.correlationKey ?? 'business key'})`).join(', ');
}
