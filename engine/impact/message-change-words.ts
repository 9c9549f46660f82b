// What a change to a message's catchers means for the systems that send it, in a
// sentence for the designer and the integrator (the impact report's
// `messages[].message`, as RelatedCondition.message is for conditions): a name no
// process caught before that senders must start sending, a name nothing catches
// any more, a name that now means two things, a catch correlated by another key (the
// business key and `=orderNo` are both the order number in an order); the messages
// already buffered under the name that a catch taken away from it leaves to the
// instances already running; the engine's own OrderChanged, which no system sends.
import { feelBody } from '../feel/feel-expression.js';
import { ORDER_CHANGED_MESSAGE } from '../orders/order-change.js';
import type { MessageCatcher, MessageChange } from './impact-report.js';

/** Where an element of the library waits for another message name before or after the change. */
export interface RenamedCatches {
  /** The name the element catches after the change (undefined: it catches none). */
  nowWaitsFor: (catcher: MessageCatcher) => string | undefined;
  /** The name the element caught before the change. */
  waitedFor: (catcher: MessageCatcher) => string | undefined;
}

export function messageChangeSentence(change: Omit<MessageChange, 'message'>, renamed: RenamedCatches): string {
  const { name, before, after } = change;
  const added = after.filter((catcher) => !before.some((other) => samePlace(catcher, other)));
  const removed = before.filter((catcher) => !after.some((other) => samePlace(catcher, other)));
  const rekeyed = after.flatMap((catcher) => {
    const was = before.find((other) => samePlace(catcher, other));
    return was && was.correlationKey !== catcher.correlationKey ? [{ was, is: catcher }] : [];
  });
  // catches the new versions take away from the name: the messages buffered under it reach them only in running instances
  const lost = [...removed, ...rekeyed.filter(({ was, is }) => !(isOrderNumber(was.correlationKey) && isOrderNumber(is.correlationKey))).map(({ was }) => was)];
  const stranded = lost.length ? bufferedNote(change.buffered) : '';
  if (name === ORDER_CHANGED_MESSAGE) {
    // no system sends it: the engine does, for each change to an order
    return `${name} is the engine's own message for a change to an order (POST /api/orders/{orderNo}/changes), which no other system sends: ` +
      `after the deploy it reaches ${after.length ? places(after) : 'no process'}${removed.length ? `, no longer ${places(removed)}` : ''}.`;
  }
  if (before.length === 0) {
    const instead = distinct(added.map(renamed.waitedFor)).filter((other) => other !== name);
    return `No process caught ${name} before: after the deploy ${places(after)} ${verb(after, 'waits', 'wait')} for it` +
      `${instead.length ? ` (instead of ${instead.join(', ')})` : ''}, so senders must start sending ${name} (correlated by ${keys(after)}) for the orders that reach it.`;
  }
  if (after.length === 0) {
    const now = distinct(removed.map(renamed.nowWaitsFor)).filter((other) => other !== name);
    return `After the deploy no process catches ${name}${now.length ? ` (${places(removed)} ${verb(removed, 'waits', 'wait')} for ${now.join(', ')} instead)` : ''}: ` +
      `${stillReaches(change.waiting.count)}, and is buffered for no process after that; ` +
      `${stranded ? `${stranded} ${several(change.buffered.count, 'is', 'are')} taken only by a catch of it in an instance already running, ` +
        `and otherwise ${several(change.buffered.count, 'expires', 'expire')} unused; ` : ''}` +
      `${change.senders.length ? `the library's own ${places(change.senders)} sends it to nobody; ` : ''}` +
      `senders should stop sending ${name} once those orders are through.`;
  }
  const parts: string[] = [];
  const kept = after.filter((catcher) => !added.includes(catcher));
  if (removed.length) {
    const movedAway = removed.filter((catcher) => renamed.nowWaitsFor(catcher) !== undefined);
    const others = distinct(movedAway.map(renamed.nowWaitsFor));
    const who = movedAway.length === removed.length ? verb(removed, 'it waits', 'they wait') : `${places(movedAway)} ${verb(movedAway, 'waits', 'wait')}`;
    const renamedNote = others.length ? ` (${who} for ${others.join(', ')} instead)` : '';
    const what = !kept.length
      ? (others.length ? `senders must send ${others.join(', ')} for what ${removed.length === 1 ? 'it' : 'they'} waited for` : '')
      : others.length
        ? `while ${places(kept)} still ${verb(kept, 'catches', 'catch')} it: one name now means two things, so senders must keep sending ${name} ` +
          `for what ${kept.length === 1 ? 'that waits' : 'those wait'} for and send ${others.join(', ')} for the other`
        : `while ${places(kept)} still ${verb(kept, 'catches', 'catch')} it: what senders send for what ${removed.length === 1 ? 'it' : 'they'} waited for ` +
          `reaches ${removed.length === 1 ? 'it' : 'them'} only in the orders waiting there now, and afterwards only ${places(kept)}`;
    parts.push(`${places(removed)} no longer ${verb(removed, 'catches', 'catch')} it${renamedNote}${what ? `${kept.length ? ', ' : ': '}${what}` : ''}`);
  }
  if (added.length) {
    const instead = distinct(added.map(renamed.waitedFor)).filter((other) => other !== name);
    parts.push(`${places(added)} now ${verb(added, 'catches', 'catch')} it${kept.length ? ' too' : ''}${instead.length ? ` (instead of ${instead.join(', ')})` : ''}: ` +
      (kept.length
        ? `what senders send for ${places(kept)} reaches ${added.length === 1 ? 'it' : 'them'} as well, so check that ${name} means the same there`
        : `senders' ${name} (correlated by ${keys(added)}) reaches ${added.length === 1 ? 'it' : 'them'} in new orders`));
  }
  for (const { was, is } of rekeyed) parts.push(rekeyedPart(was, is));
  if (stranded) parts.push(`${stranded} ${several(change.buffered.count, 'reaches', 'reach')} ${places(lost)} only in the instances already running`);
  return `${name}: ${parts.join('; ')}.`;
}

// helpers

/**
 * A catch correlated by another key. The business key and `=orderNo` are both the order number in an order's
 * instances (order entry sets both, no step may write orderNo): senders go on as before, and only instances
 * outside an order, or without an orderNo variable, correlate otherwise.
 */
function rekeyedPart(was: MessageCatcher, is: MessageCatcher): string {
  const change = `${place(is)} now correlates it by ${key(is.correlationKey)} instead of ${key(was.correlationKey)}: `;
  if (!isOrderNumber(was.correlationKey) || !isOrderNumber(is.correlationKey)) {
    return `${change}a sender correlating by ${key(was.correlationKey)} no longer reaches it and must correlate by ${key(is.correlationKey)}`;
  }
  const same = 'in an order\'s instances orderNo holds the order number, so senders go on sending it for the order number; only ';
  return is.correlationKey === null
    ? `${change}${same}an instance started outside order entry now waits for it under its business key instead of its orderNo`
    : `${change}${same}an instance without an orderNo variable now stops there with an incident, and one started outside order entry ` +
      'waits for it under its orderNo instead of its business key';
}

/** No key (the business key) or `=orderNo`: in an order, the order number. */
function isOrderNumber(correlationKey: string | null): boolean {
  return correlationKey === null || feelBody(correlationKey).trim() === 'orderNo';
}

/** `the 2 messages of it buffered now and not yet correlated (for 2 orders)`, or '' when none are. */
function bufferedNote(buffered: MessageChange['buffered']): string {
  if (buffered.count === 0) return '';
  const orders = buffered.keys.length;
  return `the ${buffered.count} ${several(buffered.count, 'message', 'messages')} of it buffered now and not yet correlated ` +
    `(for ${orders} ${several(orders, 'order', 'orders')})`;
}

function several(count: number, one: string, more: string): string {
  return count === 1 ? one : more;
}

function samePlace(a: MessageCatcher, b: MessageCatcher): boolean {
  return a.processKey === b.processKey && a.elementId === b.elementId;
}

function stillReaches(count: number): string {
  if (count === 0) return 'what senders send then reaches no running order';
  return `what senders send then reaches only the ${count} running order${count === 1 ? '' : 's'} already waiting for it`;
}

function verb(elements: unknown[], one: string, several: string): string {
  return elements.length === 1 ? one : several;
}

/** `prepaid-shipment-control "Payment received"`, or its element id when it has no name. */
function place(element: { processKey: string; elementId: string; name: string | null }): string {
  return `${element.processKey} ${element.name ? `"${element.name}"` : element.elementId}`;
}

function places(elements: { processKey: string; elementId: string; name: string | null }[]): string {
  const named = elements.map(place);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

function key(correlationKey: string | null): string {
  return correlationKey ?? 'the business key (order number)';
}

function keys(catchers: MessageCatcher[]): string {
  return distinct(catchers.map((catcher) => catcher.correlationKey)).map(key).join(' or ');
}

function distinct<T>(values: (T | undefined)[]): T[] {
  return [...new Set(values.filter((value): value is T => value !== undefined))];
}
