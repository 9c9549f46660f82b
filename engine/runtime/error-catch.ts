// Which catch a BPMN error a worker throws on a waiting job reaches, when it is an error event sub-process.
//
// bpmn-elements 17.3 raises a worker's error on the waiting activity as the activity's own failure (`activity.error`,
// an ActivityError carrying the code): error boundary events of the activity, then of the embedded sub-processes around
// it, catch that by errorCode, and when none does the process fails (the `unhandled-error` incident). It never hands
// such a failure to an event sub-process: its process execution starts one only for a throw that comes delegated from
// an element (`activity.throw`, as an error end event publishes it), matched by the error's id. BPMN and Camunda 7 and 8
// hand the error to the innermost catch, scope by scope: the activity's boundary events, then the event sub-processes
// of the scope it runs in (an embedded sub-process, then the process), then that sub-process's boundary events, and
// so on up. So the catch is found here on the compiled definition bpmn-elements runs, in that order; when it is an
// event sub-process, the activity throws the error as an error end event at its place would (engine-adapter.ts,
// throwToEventSubProcess), bpmn-elements starts the event sub-process, and it interrupts its scope as for any throw
// (interrupting-event-sub-process.ts), the job among what it ends. Otherwise the activity's failure goes as before.
//
// At one level a catch naming the error's code wins over one naming no error (a catch-all), as in Camunda. A catch
// naming an error without errorCode catches no coded error, as bpmn-elements' boundary events compare codes.

/** The parts of moddle-context-serializer's compiled context read here. */
interface CompiledContext {
  getActivityById(id: string): CompiledElement | undefined;
  getActivities(scopeId?: string): CompiledElement[];
}

interface CompiledElement {
  id: string;
  type: string;
  parent?: { id?: string; type?: string };
  behaviour?: {
    attachedTo?: { id?: string };
    triggeredByEvent?: boolean;
    name?: string;
    errorCode?: string;
    eventDefinitions?: { type?: string; behaviour?: { errorRef?: { id?: string } } }[];
  };
}

/** The error as an error end event would throw it: `id` the bpmn:Error the event sub-process's start event names, none for a catch-all. */
export interface ThrownError {
  id?: string;
  name: string;
  code: string;
}

/** The innermost catch of an error: a boundary event (bpmn-elements' own catch), or an event sub-process, with the error to throw to it. */
export type ErrorCatch = { by: 'boundary-event' } | { by: 'event-sub-process'; thrown: ThrownError };

/** The innermost catch in its process of `code` thrown on `elementId`; undefined when nothing there catches it. */
export function errorCatchOf(sourceContext: unknown, elementId: string, code: string): ErrorCatch | undefined {
  const context = sourceContext as CompiledContext;
  for (let element = context.getActivityById(elementId); element;) {
    const { id, parent } = element;
    if (!parent?.id) return undefined;
    const inScope = context.getActivities(parent.id);
    const attached = inScope.filter((candidate) => candidate.type === 'bpmn:BoundaryEvent' && candidate.behaviour?.attachedTo?.id === id);
    if (catchOf(context, attached, code)) return { by: 'boundary-event' };
    // an error rising out of an event sub-process finds its scope interrupted: none of the scope's starts again
    // (bpmn-elements would fail the instance starting the running one again), as in Camunda
    const starts = element.behaviour?.triggeredByEvent ? [] : inScope.filter((candidate) => candidate.behaviour?.triggeredByEvent)
      .flatMap((eventSubProcess) => context.getActivities(eventSubProcess.id).filter((start) => start.type === 'bpmn:StartEvent'));
    const start = catchOf(context, starts, code);
    if (start) return { by: 'event-sub-process', thrown: start.error ? { id: start.error.id, name: start.error.behaviour?.name ?? code, code } : { name: code, code } };
    // the scope's own boundary events and event sub-processes come next, up to the process
    element = parent.type === 'bpmn:Process' ? undefined : context.getActivityById(parent.id);
  }
  return undefined;
}

/** The catch among `events` for `code`: one naming an error with that code, else one naming no error; with the error it names. */
function catchOf(context: CompiledContext, events: CompiledElement[], code: string): { error?: CompiledElement } | undefined {
  let catchAll: { error?: CompiledElement } | undefined;
  for (const event of events) {
    for (const definition of event.behaviour?.eventDefinitions ?? []) {
      if (definition.type !== 'bpmn:ErrorEventDefinition') continue;
      const errorId = definition.behaviour?.errorRef?.id;
      if (!errorId) {
        catchAll ??= {};
        continue;
      }
      const error = context.getActivityById(errorId);
      if (error?.behaviour?.errorCode === code) return { error };
    }
  }
  return catchAll;
}
