// An error event sub-process whose start event names no error catches every error thrown in its scope that no
// event sub-process of the scope names, as BPMN and Camunda 7 and 8 say.
//
// bpmn-elements 17.3 picks the event sub-processes a delegated throw starts by the thrown error's id: an error start
// event naming no error matched only a throw naming none, so an error end event naming `Err_missing` passed a
// catch-all error event sub-process by, and its path ended as if nothing had been thrown. (A worker's error thrown to a
// catch-all goes unnamed, error-catch.ts.) So an error event sub-process's start activities, asked for a named error
// that no start event of the scope's event sub-processes names, are its catch-all error start events; a start event
// naming the error, in this event sub-process or another of the scope, still comes first.
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
  getStartActivities(filter: StartFilter, scopeId: string): StartingActivity[];
}

/** Makes the event sub-process `activity` (of `activityDef`, in `context`) start from its catch-all error start events for an error no event sub-process of its scope names. */
export function withCatchAllErrorStarts(activity: Activity, activityDef: SerializedElement, context: ElementContext): void {
  const scopeId = (activityDef.parent as { id?: string } | undefined)?.id;
  if (!activityDef.behaviour?.triggeredByEvent || !scopeId) return;
  const starting = activity as unknown as StartingActivity;
  const startsOf = starting.getStartActivities.bind(starting);
  const scope = context as unknown as StartContext;
  starting.getStartActivities = (filter?: StartFilter) => {
    const starts = startsOf(filter);
    if (starts.length || filter?.referenceType !== 'throw' || filter.referenceId === undefined) return starts;
    const namedInScope = scope.getActivities(scopeId)
      .some((other) => other.triggeredByEvent && other.id !== activityDef.id && scope.getStartActivities(filter, other.id).length > 0);
    if (namedInScope) return starts;
    return startsOf().filter((start) => start.eventDefinitions?.some(({ reference }) => reference?.referenceType === 'throw' && reference.id === undefined));
  };
}
