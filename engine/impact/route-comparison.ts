// Groups replayed orders by how their route changes, in words a designer reads
// ("would now wait for Review order (vice-president)"), each group with its order numbers.
import type { ChangeKind, ReplayBlock, ReplayGroup, RouteChange } from './impact-report.js';
import { missingOrderInput } from './missing-order-input.js';
import type { ActualRoute } from './recorded-orders.js';
import type { ReplayedRoute } from './replay-sandbox.js';

/** Element types whose presence on a route a designer cares about (gateways and flows follow from them). */
const ROUTE_TYPES = /UserTask|ServiceTask|SendTask|ReceiveTask|BusinessRuleTask|CallActivity|EndEvent|IntermediateCatchEvent|IntermediateThrowEvent|ManualTask/;

/** How one order's replayed route differs from what happened; `names` resolves `processKey/elementId` to a label. */
export function compareRoutes(actual: ActualRoute, replayed: ReplayedRoute, names: (element: string) => { label: string; type: string }): RouteChange {
  if (replayed.status === 'blocked') {
    const block = replayed.block!;
    // An order that failed at the same element in reality fails there again: not the change's doing.
    const failedAlready = actual.status === 'failed' && (block.reason === 'step-failed' || block.reason === 'assignment-refused');
    if (!failedAlready) {
      const label = names(block.element).label;
      return { kind: 'blocked', description: `would block at ${label}: ${blockWords(block, label)} (${block.message})`, block };
    }
    return { kind: 'unchanged', description: 'unchanged' };
  }
  if (replayed.status === 'rejected' && actual.status !== 'rejected') return { kind: 'rejected', description: 'would have been rejected' };
  if (actual.status === 'rejected' && replayed.status !== 'rejected') return { kind: 'no-longer-rejected', description: 'would no longer be rejected' };

  const actualWaits = new Set(actual.waiting.map((wait) => wait.element));
  const replayedWaits = new Set(replayed.waiting.map((wait) => wait.element));
  const listenedFor = new Set(replayed.waiting.filter((wait) => wait.listening).map((wait) => wait.messageName));
  // A listener that never fired (the order-change loop's "Order changed") is no stop on the route while the
  // order still waits for all it actually waits for (an actual catch of the same message counts as the listener
  // moved); where the order now stops instead, it is a new wait. docs/impact.md, "Listeners".
  const besideTheRoute = actual.waiting.every((wait) => replayedWaits.has(wait.element) || (wait.kind === 'message' && listenedFor.has(wait.messageName)));
  const newWait = replayed.waiting.find((wait) => !actualWaits.has(wait.element) && !(wait.listening && besideTheRoute));
  if (newWait) {
    const groups = newWait.candidateGroups?.length ? ` (${newWait.candidateGroups.join(', ')})` : '';
    return { kind: 'new-wait', description: `would now wait for ${names(newWait.element).label}${groups}` };
  }

  const route = (elements: string[]) => new Set(elements.filter((element) => ROUTE_TYPES.test(names(element).type)));
  const before = route(actual.completed);
  const after = route(replayed.completed);
  const added = [...after].filter((element) => !before.has(element));
  const skipped = [...before].filter((element) => !after.has(element) && !actualWaits.has(element));
  // where the order failed before it was cancelled and the candidate does not fail: it would have gone on until the cancel
  const noLongerFails = replayed.unused.filter((action) => action.kind === 'cancel').map((action) => names(action.element).label);
  if (added.length || skipped.length || noLongerFails.length) {
    const parts = [
      ...(noLongerFails.length ? [`would no longer fail at ${noLongerFails.join(', ')} before it was cancelled`] : []),
      ...(added.length ? [`would now pass ${added.map((element) => names(element).label).join(', ')}`] : []),
      ...(skipped.length ? [`would skip ${skipped.map((element) => names(element).label).join(', ')}`] : []),
    ];
    return { kind: 'route-changed', description: parts.join('; ') };
  }
  if (replayed.status !== actual.status) {
    return { kind: 'status-changed', description: `would be ${replayed.status} instead of ${actual.status}` };
  }
  return { kind: 'unchanged', description: 'unchanged' };
}

/**
 * How the change alters an order whose recorded route the deployed library no longer gives (`baseline`, its
 * replay on the deployed library, differs from what happened: it ran on an older version). The candidate's
 * replay is compared with the baseline's, not with what happened, so an earlier change is not blamed on this
 * one; where the deployed library blocks the order, with what happened (no route to compare with).
 */
export function compareWithBaseline(
  actual: ActualRoute, baseline: ReplayedRoute, replayed: ReplayedRoute, names: (element: string) => { label: string; type: string },
): RouteChange {
  if (baseline.status === 'blocked') {
    const same = replayed.status === 'blocked' && replayed.block!.element === baseline.block!.element && replayed.block!.reason === baseline.block!.reason;
    return same ? UNCHANGED : compareRoutes(actual, replayed, names);
  }
  const asActual: ActualRoute = {
    status: baseline.status,
    completed: baseline.completed,
    waiting: baseline.waiting.map(({ element, kind, messageName }) => ({ element, kind, ...(messageName !== undefined && { messageName }) })),
  };
  // a failure before the cancel that the deployed library does not raise either is not this change's doing
  const noLongerFailing = new Set(baseline.unused.filter((action) => action.kind === 'cancel').map((action) => action.element));
  const unused = replayed.unused.filter((action) => !(action.kind === 'cancel' && noLongerFailing.has(action.element)));
  return compareRoutes(asActual, { ...replayed, unused }, names);
}

/** What an order the change does not alter reports. */
export const UNCHANGED: RouteChange = { kind: 'unchanged', description: 'unchanged' };

/** Why an order blocks, in a designer's words (`task`: the blocked element's label); the block's message follows in parentheses. */
function blockWords(block: ReplayBlock, task: string): string {
  const { incident } = block;
  switch (block.reason) {
    case 'decision-refused':
      return 'the recorded decision does not fit the new version';
    case 'four-eyes':
      return 'four eyes refuses the recorded decider';
    case 'start-refused':
      return 'the new version does not take the order as it was entered';
    case 'assignment-refused':
      if (incident?.kind === 'assignment-server-role') {
        return incident.serverRole === 'group'
          ? `the new version's assignment gives the server role group ${incident.given} to task ${task}`
          : `the new version's assignment gives task ${task} to ${incident.given}, an account that only holds server roles`;
      }
      return `the new version's assignment of task ${task} is refused`;
    case 'step-failed': {
      // an order field the recorded order does not have is no decision that was never recorded
      const missing = missingOrderInput(block.message);
      if (missing) return `${missing.path} is missing for this order${missing.optional ? ', and order entry does not require it' : ''}`;
      if (incident?.kind === 'assignment-failed') return `the new version's assignment of task ${task} cannot be evaluated`;
      return 'the decision the new version needs was never recorded';
    }
  }
}

const KIND_ORDER: ChangeKind[] = ['blocked', 'rejected', 'no-longer-rejected', 'new-wait', 'route-changed', 'status-changed', 'unchanged'];

/** Orders with the same change in one group; the most serious kinds first, then the largest groups. */
export function groupChanges(changes: { orderNo: string; change: RouteChange }[]): ReplayGroup[] {
  const groups = new Map<string, ReplayGroup>();
  for (const { orderNo, change } of changes) {
    const key = `${change.kind}\u0000${change.description}`;
    const group = groups.get(key) ?? { ...change, count: 0, orders: [] };
    group.count++;
    group.orders.push(orderNo);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.count - a.count);
}
