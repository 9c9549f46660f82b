// A gateway (or an activity) whose outgoing flows all carry a condition, none of
// them true, and none of them the default: no flow can be taken, and
// bpmn-elements fails the element itself (its outbound evaluator's "<id> no
// conditional flow taken", an ActivityError that wraps nothing and says why only
// in words). Zeebe raises a CONDITION_ERROR for it ("Expected at least one
// condition to evaluate to true, or to have a default flow").
//
// The element is wrapped where it is built. Its outbound evaluation can fail in
// two ways only: a condition fails (Stratum evaluates every condition and tags
// its failure condition-failed where it raises it: execution-environment.ts),
// or the evaluator itself finds no flow taken. So the error the evaluation hands
// back untagged, of its own making (wrapping no condition's error), is the
// second, and is tagged here, where it comes out, with the element's id.
import { ActivityError, type Activity, type ElementType, type OutboundSequenceFlow } from 'bpmn-elements';
import { reasonOf, withReason } from './incident-reasons.js';

/** The incident message, the same from the engine and from the impact's fast replay. */
export function noFlowTakenMessage(elementId: string): string {
  return `${elementId}: no outgoing flow is taken, none of their conditions is true and there is no default flow`;
}

/** `types`, each of `keys` building elements that say no-flow-taken when none of their conditional flows is taken. */
export function reportingNoFlowTaken<T extends object>(types: T, keys: readonly (keyof T & string)[]): T {
  const wrapped: Record<string, ElementType> = {};
  for (const key of keys) wrapped[key] = reportsNoFlowTaken(types[key] as ElementType);
  return { ...types, ...wrapped };
}

// helpers

function reportsNoFlowTaken(elementType: ElementType): ElementType {
  return function ReportingNoFlowTaken(activityDef, context) {
    const activity = elementType(activityDef, context);
    if (takesConditionalFlowsOnly(activity.outbound)) reportNoFlowTaken(activity);
    return activity;
  };
}

/** Only then can no flow be taken: a flow without a condition, and the default, are always taken. */
function takesConditionalFlowsOnly(outbound: readonly OutboundSequenceFlow[]): boolean {
  return outbound.length > 0 && outbound.every((flow) => !flow.isDefault && flow.behaviour.conditionExpression !== undefined);
}

function reportNoFlowTaken(activity: Activity): void {
  const evaluateOutbound = activity.evaluateOutbound.bind(activity);
  activity.evaluateOutbound = (fromMessage, discardRestAtTake, callback) => evaluateOutbound(fromMessage, discardRestAtTake, (error, outbound) => {
    const noneTaken = error instanceof ActivityError && error.inner === undefined && reasonOf(error) === undefined;
    callback(noneTaken ? withReason(new Error(noFlowTakenMessage(activity.id)), { kind: 'no-flow-taken', elementId: activity.id }) : error, outbound);
  });
}
