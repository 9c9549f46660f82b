import type { VersionComparison } from '../diff/VersionDiff.js';

/**
 * The line above a process's changes in the deploy dialog. Each flow whose condition changed is counted once, among
 * the added, removed or changed elements it belongs to ("2 changed, 1 of them a condition"): counted apart as well,
 * a re-conditioned flow the diff also lists as changed read as one change more than there is. A new process has no
 * version a condition could have changed from: its conditions are counted as set on its added flows.
 */
export function changeCounts(comparison: VersionComparison, newProcess: boolean): string {
  const added = new Set(comparison.added.map((item) => item.id));
  const removed = new Set(comparison.removed.map((item) => item.id));
  const changed = new Set(comparison.changed.map((item) => item.id));
  const conditionFlows = new Set(comparison.conditions.map((condition) => condition.flowId));
  // a flow whose condition alone changed is not among the diff's changed elements, yet it changed
  for (const flowId of conditionFlows) {
    if (!added.has(flowId) && !removed.has(flowId)) (newProcess ? added : changed).add(flowId);
  }
  const withCondition = (ids: Set<string>) => [...ids].filter((id) => conditionFlows.has(id)).length;
  return [
    count(added.size, 'added', withCondition(added), (n) => `${n} of them with a condition`),
    count(removed.size, 'removed', withCondition(removed), (n) => `${n} of them with a condition`),
    count(changed.size, 'changed', withCondition(changed), (n) => `${n} of them ${n === 1 ? 'a condition' : 'conditions'}`),
  ].filter(Boolean).join(', ');
}

// helpers

function count(total: number, what: string, conditions: number, ofThem: (n: number) => string): string {
  if (!total) return '';
  return conditions ? `${total} ${what}, ${ofThem(conditions)}` : `${total} ${what}`;
}
