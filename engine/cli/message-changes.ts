// The impact report's messages whose catchers a change alters (engine/impact/message-catchers.ts)
// as the CLI prints them: `stratum impact`, `stratum deploy` and `stratum validate --server`
// name them alike, warnings that never block, for whoever runs the systems that send them.
import type { MessageChange } from '../impact/impact-report.js';

/**
 * A heading, one `  warning: …` line per message name, and under it the library's own senders, the running
 * orders waiting for it and the messages buffered under it (at most `shown` order numbers each); nothing when there
 * are none.
 */
export function messageChangeLines(changes: MessageChange[], shown = 20): string[] {
  if (changes.length === 0) return [];
  return [
    `messages whose catchers this change alters (warnings, not blocking): ${changes.length}`,
    ...changes.flatMap((change) => [
      `  warning: ${change.message}`,
      ...(change.senders.length ? [`    sent in the library by ${change.senders.map((sender) => `${sender.processKey}/${sender.elementId}`).join(', ')}`] : []),
      ...(change.waiting.count ? [`    running orders waiting for ${change.name} now: ${change.waiting.count}${listed(change.waiting.orders, shown)}`] : []),
      // an older server's report has none
      ...(change.buffered?.count ? [`    messages of ${change.name} buffered now, not yet correlated: ${change.buffered.count}${listed(bufferedKeys(change.buffered), shown)}`] : []),
    ]),
  ];
}

// helpers

/** `SO-1 (2)`, or `SO-2` for one message. */
function bufferedKeys(buffered: MessageChange['buffered']): string[] {
  return buffered.keys.map((key) => (key.count === 1 ? key.correlationKey : `${key.correlationKey} (${key.count})`));
}

function listed(orders: string[], shown: number): string {
  if (orders.length === 0 || shown === 0) return '';
  const more = orders.length > shown ? ` … and ${orders.length - shown} more` : '';
  return `: ${orders.slice(0, shown).join(', ')}${more}`;
}
