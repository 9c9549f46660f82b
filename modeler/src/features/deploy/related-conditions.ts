import type { ImpactReport } from '../../api/client';
import { describeFlow } from '../../bpmn/flow-description';

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

/**
 * The flow of a related condition as the diff and the deploy dialog describe a flow (flow-description.ts), after the
 * element it leaves: `Approval tier raised? → yes`. Read from the report alone: the flow may be in a process that is
 * not open, where the canvas knows no name, and its id (Flow_ApprovalTierRaised_Yes) is not what a designer drew.
 */
export function relatedConditionFlowLabel(related: RelatedCondition): string {
  const { flow } = related;
  const source = flow.source ? { id: flow.source.elementId, name: flow.source.name ?? undefined } : undefined;
  const described = describeFlow({ name: flow.name ?? undefined, conditionExpression: { body: related.condition }, sourceRef: source });
  const from = flow.source?.name?.trim() || flow.source?.elementId;
  return from ? `${from} → ${described}` : described;
}
