// An error event sub-process catches an error thrown in its scope by the error's code, as BPMN and Camunda 7 and 8
// match errors: its start event naming that error, or another bpmn:Error with the same errorCode, or naming no error
// (a catch-all) when no event sub-process of the scope names one of that code.
//
// bpmn-elements 17.3 picks the event sub-processes a delegated throw starts by the thrown error's id: an error start
// event naming no error matched only a throw naming none, so an error end event naming `Err_missing` passed a
// catch-all error event sub-process by, and its path ended as if nothing had been thrown. (A worker's error thrown to a
// catch-all goes unnamed, error-catch.ts.) The same held for a start event naming another bpmn:Error of the same code
// (a diagram's copy of an error, or one merged from another file), which the runtime (error-catch.ts, by code) took
// for a catch, so neither the event sub-process nor the unhandled-error incident followed. So an error event
// sub-process's start activities, asked for a named error that no start event of the scope's event sub-processes
// names, are its start events naming an error of the same code, else its catch-all error start events; a start event
// naming the error itself, in this event sub-process or another of the scope, still comes first, and one naming an
// error of its code in another event sub-process of the scope comes before a catch-all here.
import type { Activity, ElementContext, SerializedElement } from 'bpmn-elements';

/** The parts of bpmn-elements' activities and context read here. */
interface StartFilter {
  referenceId?: string;
  referenceType?: string;
}
interface EventDefinitionRef {
  reference?: { id?: string; referenceType?: string };
}
interface StartingActivity {
  id: string;
  triggeredByEvent?: boolean;
  eventDefinitions?: EventDefinitionRef[];
  getStartActivities(filter?: StartFilter): StartingActivity[];
}
interface StartContext {
  getActivities(scopeId?: string): StartingActivity[];
  getStartActivities(filter: StartFilter | undefined, scopeId: string): StartingActivity[];
  /** moddle-context-serializer's compiled context, where a bpmn:Error is found by its id with its errorCode. */
  definitionContext: { getActivityById(id: string): { behaviour?: { errorCode?: string } } | undefined };
}

/** Makes the event sub-process `activity` (of `activityDef`, in `context`) start for an error no event sub-process of its scope names by id: from its start events naming an error of the same code, else its catch-all ones. */
export function withCatchAllErrorStarts(activity: Activity, activityDef: SerializedElement, context: ElementContext): void {
  const scopeId = (activityDef.parent as { id?: string } | undefined)?.id;
  if (!activityDef.behaviour?.triggeredByEvent || !scopeId) return;
  const starting = activity as unknown as StartingActivity;
  const startsOf = starting.getStartActivities.bind(starting);
  const scope = context as unknown as StartContext;
  const codeOf = (errorId: string) => scope.definitionContext.getActivityById(errorId)?.behaviour?.errorCode;
  starting.getStartActivities = (filter?: StartFilter) => {
    const starts = startsOf(filter);
    if (starts.length || filter?.referenceType !== 'throw' || filter.referenceId === undefined) return starts;
    const code = codeOf(filter.referenceId);
    const namesCode = (start: StartingActivity) => code !== undefined && (start.eventDefinitions ?? [])
      .some(({ reference }) => reference?.referenceType === 'throw' && reference.id !== undefined && codeOf(reference.id) === code);
    const namedInScope = scope.getActivities(scopeId).some((other) => other.triggeredByEvent && other.id !== activityDef.id &&
      (scope.getStartActivities(filter, other.id).length > 0 || scope.getStartActivities(undefined, other.id).some(namesCode)));
    if (namedInScope) return starts;
    const byCode = startsOf().filter(namesCode);
    if (byCode.length) return byCode;
    return startsOf().filter((start) => start.eventDefinitions?.some(({ reference }) => reference?.referenceType === 'throw' && reference.id === undefined));
  };
}
