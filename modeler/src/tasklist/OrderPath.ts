// The order's path so far, as an approver wants it: who entered it and who
// decided what, with their comments, oldest first (from the order's history).
import { el } from '../dom/element';
import { verdictOf, VERDICT_WORDS } from './decision-verdict';
import type { InstanceView } from './TasklistClient';
import { elementLabel } from './order-facts';

type HistoryEntry = InstanceView['history'][number];

export function orderPath(history: HistoryEntry[]): HTMLElement {
  const steps = history.flatMap((entry) => step(entry));
  return el('ol', { className: 'order-path', 'aria-label': 'Path so far' },
    steps.length ? steps : el('li', { className: 'hint' }, 'Nothing decided yet.'));
}

// helpers

function step(entry: HistoryEntry): HTMLElement[] {
  const when = new Date(entry.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const who = entry.actor ?? 'the system';
  if (entry.event === 'instance.started' && (entry.data as { entry?: unknown } | null)?.entry === 'order') {
    return [item('entered', `Order entered by ${who}`, when)];
  }
  if (entry.event !== 'task.completed') return [];
  const variables = (entry.data?.variables ?? {}) as Record<string, unknown>;
  const verdict = verdictOf(variables);
  const comment = typeof variables.comment === 'string' && variables.comment.trim() ? variables.comment : null;
  const name = typeof entry.data?.name === 'string' ? entry.data.name : elementLabel(entry.elementId);
  return [item(verdict, `${who} ${VERDICT_WORDS[verdict]}: ${name}`, when, comment)];
}

function item(kind: string, text: string, when: string, comment: string | null = null): HTMLElement {
  return el('li', { className: `path-step ${kind}`, 'data-step': kind },
    el('span', { className: 'path-text' }, text),
    el('time', { className: 'path-time' }, when),
    comment ? el('blockquote', { className: 'path-comment' }, comment) : null);
}
