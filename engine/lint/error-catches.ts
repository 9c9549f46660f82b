// Which BPMN errors a place in a process catches, read on the moddle elements as runtime/error-catch.ts reads them on
// the compiled definition: the error boundary events of the element, then the error event sub-processes of the scope
// it runs in, then that scope's boundary events and the event sub-processes of the scope around it, and so on up to
// the process. A catch names an error with an `errorCode` (compared as written) or names no error (a catch-all); one
// naming an error without `errorCode` catches no coded error. An error rising out of an event sub-process finds the
// scope it interrupted: none of that scope's event sub-processes starts for it. error-end-caught reads it for an error
// end event's own process and, through the library's supplies (variable-supply.ts), for the call activities that call
// it. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from '../bpmn/process-model.js';
import { calledProcessOf, callsComputedProcess } from './call-activity-variables.js';
import { displayName } from './element-label.js';
import { is } from './rule-api.js';

/** The errors a place catches: by code, or every coded error. */
interface CaughtErrors {
  codes: string[];
  /** A catch-all among its catches (an error event definition naming no error). */
  catchesAll?: true;
}

/** A call activity as an error its called process does not catch meets it (ProcessSupply.callCatches). */
export interface CallCatches extends CaughtErrors {
  /** The key it calls; absent when an expression (`=…`) names it, so that it may call any process. */
  calls?: string;
  /** How a finding names it: its name, else its id. */
  label: string;
}

/** What an error end event throws: the `errorCode` of the error it names; undefined for any other element, and for one naming no error or an error without a code (its path just ends). */
export function thrownErrorCodeOf(element: ModdleElement): string | undefined {
  if (!is(element, 'bpmn:EndEvent')) return undefined;
  return errorDefinitionsOf(element)[0]?.errorRef?.errorCode || undefined;
}

/** Every error caught where `element` throws one (or where it is thrown on it), up to its process. */
export function errorsCaughtAt(element: ModdleElement): CaughtErrors {
  const codes = new Set<string>();
  let catchesAll = false;
  const add = (events: ModdleElement[]) => {
    for (const { errorRef } of events.flatMap(errorDefinitionsOf)) {
      if (!errorRef) catchesAll = true;
      else if (errorRef.errorCode) codes.add(errorRef.errorCode);
    }
  };
  for (let current: ModdleElement | undefined = element; current?.$parent;) {
    const scope: ModdleElement = current.$parent;
    const inScope = scope.flowElements ?? [];
    const thrownOn = current;
    add(inScope.filter((candidate) => is(candidate, 'bpmn:BoundaryEvent') && candidate.attachedToRef === thrownOn));
    // an error rising out of an event sub-process finds its scope interrupted: none of the scope's starts again
    if (current.triggeredByEvent !== true) {
      add(inScope.filter(isEventSubProcess).flatMap((eventSubProcess) => (eventSubProcess.flowElements ?? []).filter((start) => is(start, 'bpmn:StartEvent'))));
    }
    current = is(scope, 'bpmn:SubProcess') ? scope : undefined;
  }
  return { codes: [...codes].sort(), ...(catchesAll ? { catchesAll: true as const } : {}) };
}

/** Whether `caught` holds `code`. */
export function catchesCode(caught: CaughtErrors, code: string): boolean {
  return caught.catchesAll === true || caught.codes.includes(code);
}

/** The call activities of a process (also inside sub-processes) with what each catches of an error from its callee. */
export function callCatchesOf(process: ModdleElement): CallCatches[] {
  const calls: CallCatches[] = [];
  for (const element of allFlowElements(process)) {
    const called = calledProcessOf(element);
    if (called === undefined && !callsComputedProcess(element)) continue;
    const name = displayName(element);
    calls.push({ ...(called !== undefined && { calls: called }), label: name ? `"${name}"` : String(element.id), ...errorsCaughtAt(element) });
  }
  return calls;
}

// helpers

function errorDefinitionsOf(event: ModdleElement): ModdleElement[] {
  return (event.eventDefinitions ?? []).filter((definition) => is(definition, 'bpmn:ErrorEventDefinition'));
}

function isEventSubProcess(element: ModdleElement): boolean {
  return is(element, 'bpmn:SubProcess') && element.triggeredByEvent === true;
}
