import type { ImpactReport } from '../../api/client';

/** A condition that still compares with a constant the change moved (POST /api/impact, `relatedConditions[]`). */
export type RelatedCondition = ImpactReport['relatedConditions'][number];

/**
 * Said above the related conditions, or null when there are none: a tier written in two places moved in one of them.
 * A warning: the designer decides whether the other moves too, the deployment is not held back.
 */
export function relatedConditionsLine(report: ImpactReport): string | null {
  const count = report.relatedConditions.length;
  if (count === 0) return null;
  return `Warning: ${count} condition(s) still compare with a constant this change moved. ` +
    'Check whether they should change with it (this does not block the deployment).';
}

/** What a related condition's entry shows on hover: the condition as written, and the comparison it started from. */
export function relatedConditionTitle(related: RelatedCondition): string {
  return `${related.flow.processKey} ${related.flow.elementId}: ${related.condition}\nchanged: ${related.changed.before} → ${related.changed.after}`;
}
