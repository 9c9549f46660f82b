import type { VersionComparison } from '../diff/VersionDiff.js';

/**
 * The line above a process's changes in the deploy dialog. A new process has no version a condition could
 * have changed from: its elements are added, and its conditions are counted as set on them.
 */
export function changeCounts(comparison: VersionComparison, newProcess: boolean): string {
  const conditions = comparison.conditions.length;
  return [
    !newProcess && conditions && `${conditions} condition(s) changed`,
    comparison.added.length && `${comparison.added.length} added`,
    newProcess && conditions && `${conditions} of them with a condition`,
    comparison.removed.length && `${comparison.removed.length} removed`,
    comparison.changed.length && `${comparison.changed.length} changed`,
  ].filter(Boolean).join(', ');
}
